"""WHERE clauses of USE, READ, DELETE, LIST ... : which observations of a data set qualify.

SAS: a WHERE clause compares data-set variables with values (or other variables) — `=`, `^=`,
`<` ..., `?` (contains), `=:` (begins with), LIKE — joined by `&` and `|`, negated with `^`.
"""
from __future__ import annotations

import re

import numpy as np

from .. import errors as E
from ..language import ast as A
from .tablefiles import as_values

_NOT_EQUAL = ("^=", "~=", "¬=")
_TEXT_OPS = ("?", "^?", "=:", "^=:", "like", "^like")   # contains, begins with, LIKE (and their NOTs)
_COMPARE = ("=", "<", "<=", ">", ">=") + _NOT_EQUAL + _TEXT_OPS


def where_mask(session, node, env, table) -> np.ndarray:
    if isinstance(node, A.BinOp) and node.op in ("&", "|", "!"):
        left = where_mask(session, node.left, env, table)
        right = where_mask(session, node.right, env, table)
        return left & right if node.op == "&" else left | right
    if isinstance(node, A.Prefix) and node.op == "^":
        return ~where_mask(session, node.operand, env, table)
    if isinstance(node, A.BinOp) and node.op in _COMPARE:
        return _compare(session, node, env, table)
    raise E.IMLRuntimeError("WHERE clause: expecting comparisons like (var op value) joined by & or |.",
                            hint="for example where(age > 12 & sex = 'F')")


def _column_of(node, table, env, left: bool = True):
    """The data-set column a WHERE operand names (on the right only if no IML matrix has the name)."""
    if isinstance(node, A.Var) and (left or node.name not in env):
        j = table.index(node.spelling or node.name)
        if j >= 0:
            return j
    return None


def _compare(session, node, env, table) -> np.ndarray:
    op, left, right = node.op, node.left, node.right
    j = _column_of(left, table, env)
    if j is None:
        flipped = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
        k = _column_of(right, table, env, left=False)
        if k is None:
            name = getattr(left, "spelling", "") or getattr(left, "name", "the left operand")
            raise E.IMLRuntimeError(f"WHERE clause: {str(name).upper()} is not a variable in the data set.")
        left, right, j, op = right, left, k, flipped.get(op, op)
    col = table.cols[j]
    k = _column_of(right, table, env, left=False)
    if k is not None:
        values = table.cols[k][:, None]
        pairwise = True
    else:
        kind, flat, _ = as_values(session.compiler.expr(right)(env), "WHERE operand")
        if kind is None:
            raise E.not_set()
        if kind != table.kinds[j]:
            raise E.IMLRuntimeError("WHERE clause: the variable and the value must be both numeric or both character.",
                                    hint=f"{table.names[j]} is {'numeric' if table.kinds[j] == 'N' else 'character'}")
        values = flat[None, :]
        pairwise = False
    if op in _TEXT_OPS:
        return _text_match(op, table, j, col, values, pairwise)
    if table.kinds[j] == "N":
        a = np.where(np.isnan(col), -np.inf, col)[:, None]
        b = np.where(np.isnan(values.astype(float)), -np.inf, values.astype(float))
    else:
        a = np.char.rstrip(col.astype(str), " ")[:, None]
        b = np.char.rstrip(values.astype(str), " ")
    with np.errstate(invalid="ignore"):
        if op == "=":
            hits = a == b
        elif op in _NOT_EQUAL:
            return np.all(a != b, axis=1)
        elif op == "<":
            hits = a < b
        elif op == "<=":
            hits = a <= b
        elif op == ">":
            hits = a > b
        else:
            hits = a >= b
    return hits[:, 0] if pairwise else np.any(hits, axis=1)


def _text_match(op, table, j, col, values, pairwise) -> np.ndarray:
    """? (contains), =: (begins with), LIKE ('%' any text, '_' one character); '^' negates."""
    if table.kinds[j] != "C":
        raise E.IMLRuntimeError(f"WHERE clause: {op.upper()} compares character values; "
                                f"{table.names[j]} is numeric.")
    negate = op.startswith("^")
    base = op.lstrip("^")
    pats = [str(v).rstrip(" ") for v in np.asarray(values).ravel()]

    def hit(text, pat):
        text = text.rstrip(" ")
        if base == "?":
            return pat in text
        if base == "=:":
            return text.startswith(pat)
        rx = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pat)
        return re.fullmatch(rx, text, re.S) is not None
    if pairwise:
        found = np.array([hit(str(t), p) for t, p in zip(col, pats)], dtype=bool)
    else:
        found = np.array([any(hit(str(t), p) for p in pats) for t in col], dtype=bool)
    return ~found if negate else found
