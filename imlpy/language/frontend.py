"""Source text to statements: the fast parser for the common core, the grammar for the rest.

Kept apart from imlpy/parser.py so that a program the fast parser accepts never imports Lark
(start-up time matters for `imlpy run`); the grammar is loaded only when it is needed.
"""
from __future__ import annotations

import os
from importlib import resources
from typing import Iterator

from .fastparse import Bail, fast_parse
from .preprocess import strip_statement_comments

# IMLPY_LARK_ONLY=1: always use the grammar (the fast parser's results are tested against it)
FAST = os.environ.get("IMLPY_LARK_ONLY", "") == ""


def parse_program(source: str) -> Iterator:
    """Yield, in source order, lists of statements and the syntax errors between them."""
    text = strip_statement_comments(source)
    if FAST:
        try:
            yield fast_parse(text)
            return
        except (Bail, RecursionError):   # anything else (or too deep for it): the grammar decides
            pass
    from .parser import parse_chunks
    yield from parse_chunks(text, source)


def grammar_text() -> str:
    """The grammar ships inside the package as imlpy/grammar/iml.lark (mapped from grammar/)."""
    try:
        return resources.files("imlpy.grammar").joinpath("iml.lark").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, os.pardir, "grammar", "iml.lark"), encoding="utf-8") as fh:
            return fh.read()
