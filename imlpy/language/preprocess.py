"""Text passes that run before the parser.

`* comment;` is a statement comment only where a statement may begin (start of input, after `;`,
after THEN or ELSE), so it cannot be a plain lexer rule: in `a * b;` the star is an operator.
This pass blanks such comments out (keeping newlines, so line and column numbers stay right).
SAS programs rely on the THEN/ELSE case: `if x then * note; y = 1;` makes `y = 1` the THEN clause.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STATEMENT_OPENERS = {"then", "else"}


def _blank(text: str, start: int, end: int, out: list) -> None:
    out.append("".join(c if c == "\n" else " " for c in text[start:end]))


def strip_statement_comments(text: str) -> str:
    """Blank out `* ...;` and `%* ...;` comments that stand where a statement begins."""
    out = []
    i, n = 0, len(text)
    at_statement_start = True
    last = 0
    while i < n:
        c = text[i]
        if c in " \t\r\n\f":
            i += 1
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if at_statement_start and (c == "*" or text.startswith("%*", i)):
            j = _find_semicolon(text, i)
            out.append(text[last:i])
            _blank(text, i, j, out)
            last = i = j
            continue
        if c in "\"'":
            i = _skip_string(text, i)
            at_statement_start = False
            continue
        if c == ";":
            at_statement_start = True
            i += 1
            continue
        m = _WORD.match(text, i)
        if m:
            at_statement_start = m.group(0).lower() in _STATEMENT_OPENERS
            i = m.end()
            continue
        at_statement_start = False
        i += 1
    out.append(text[last:])
    return "".join(out)


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    j = i + 1
    n = len(text)
    while j < n:
        if text[j] == quote:
            if j + 1 < n and text[j + 1] == quote:   # a doubled quote stays inside the string
                j += 2
                continue
            return j + 1
        j += 1
    return n


def _find_semicolon(text: str, i: int) -> int:
    """Index just past the `;` ending a statement comment (comments end at the first `;`)."""
    j = text.find(";", i)
    return len(text) if j < 0 else j + 1


def next_statement_end(text: str, i: int) -> int:
    """Index just past the next `;` at or after i that is not inside a string or /* comment */."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _skip_string(text, i)
            continue
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == ";":
            return i + 1
        i += 1
    return n
