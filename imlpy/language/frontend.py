"""Source text to statements: the fast parser for the common core, the grammar for the rest.

Kept apart from imlpy/language/parser.py so that a program the fast parser accepts never imports Lark
(start-up time matters for `imlpy run`); the grammar is loaded only when it is needed.
"""
from __future__ import annotations

import os
from typing import Iterator

from ..errors import IMLSyntaxError
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
    from .parser import parse_chunks   # lazy: start-up (Lark is imported only for what the fast parser hands over)
    yield from parse_chunks(text, source)


def parse(source: str) -> list:
    """Parse a whole program; raise the first syntax error."""
    statements = []
    for chunk in parse_program(source):
        if isinstance(chunk, IMLSyntaxError):
            raise chunk
        statements.extend(chunk)
    return statements


def syntax_errors(source: str) -> list:
    return [c for c in parse_program(source) if isinstance(c, IMLSyntaxError)]
