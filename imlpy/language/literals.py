"""The rules for literal values, shared by both parsers (imlpy/fastparse.py and imlpy/parser.py)."""
from __future__ import annotations

from ..matrix.values import MISSING, special_missing


def unquote(text: str) -> str:
    quote = text[0]
    return text[1:-1].replace(quote * 2, quote)


def number_value(text: str) -> float:
    return float(text)


def missing_value(text: str) -> float:
    return special_missing(text[1:]) if len(text) > 1 else MISSING


def literal_item(token: str):
    """One element of a {...} literal: (is_char, value)."""
    c = token[0]
    if c in "\"'":
        return True, unquote(token)
    if c == "." and (len(token) == 1 or not token[1].isdigit()):
        return False, missing_value(token)
    if c.isdigit() or c in "+-.":
        return False, float(token)
    return True, token.upper()     # SAS: unquoted words in a literal are upper-cased
