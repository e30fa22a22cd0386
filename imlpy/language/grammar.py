"""The grammar of IML: grammar/iml.lark, shipped inside the package as imlpy/grammar/iml.lark."""
from __future__ import annotations

import os
from importlib import resources


def grammar_text() -> str:
    """The grammar ships inside the package as imlpy/grammar/iml.lark (mapped from grammar/)."""
    try:
        return resources.files("imlpy.grammar").joinpath("iml.lark").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, os.pardir, os.pardir, "grammar", "iml.lark"), encoding="utf-8") as fh:
            return fh.read()
