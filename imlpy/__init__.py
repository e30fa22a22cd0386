"""imlpy: an interpreter of the SAS/IML matrix language.

    >>> from imlpy import Session
    >>> s = Session()
    >>> s.run("x = {1 2, 3 4}; print (x @ I(2));")

`run_string(text)` runs a program and returns (listing, log, exit status); `run_file(path)` runs
a file and prints as the command line does.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .runtime.session import Session  # noqa: E402


def run_string(text: str):
    """Run IML text in a fresh session; return (listing output, log output, exit status)."""
    out, log = [], []
    session = Session(out=out.append, log=log.append)
    diag = session.run(text)
    return "".join(out), "".join(log), diag.exit_status


def run_file(path: str) -> int:
    """Run an .iml file, printing to stdout/stderr; return the exit status (0, 1 or 2)."""
    session = Session(source_name=path)
    return session.run_file(path).exit_status


__all__ = ["Session", "run_string", "run_file", "__version__"]
