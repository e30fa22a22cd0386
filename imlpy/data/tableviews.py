"""IML tables made from data sets and written back to them, with SAS data set options
(KEEP= DROP= RENAME= WHERE= FIRSTOBS= OBS=): DROP=/KEEP= use the original names, WHERE= sees the
renamed ones, FIRSTOBS=/OBS= count the observations WHERE= kept.
"""
from __future__ import annotations

import re

import numpy as np

from .. import errors as E
from ..language.frontend import parse
from ..matrix.tables import DataTable
from ..matrix.values import to_str
from .tablefiles import Table as DSTable
from .where import where_mask


# ---------------------------------------------------------------- data set <-> table
def from_dataset(ds: DSTable) -> DataTable:
    cols = []
    for kind, width, col in zip(ds.kinds, ds.widths, ds.cols):
        if kind == "N":
            cols.append(np.array(col, dtype=float))
        else:
            cols.append(np.asarray(col).astype(f"<U{max(int(width or 1), 1)}"))
    return DataTable(ds.names, cols)


def to_dataset(table: DataTable, label: str = "") -> DSTable:
    return DSTable(table.names, [table.kind(j) for j in range(table.nvars)],
                   [table.width(j) for j in range(table.nvars)], table.cols, label)


# ---------------------------------------------------------------- data set options
_WORD_OPS = {"and": "&", "or": "|", "not": "^", "eq": "=", "ne": "^=", "gt": ">", "lt": "<",
             "ge": ">=", "le": "<="}


def parse_options(text: str) -> list:
    """'keep=a b rename=(x=y) where=(s="M")' -> [('keep', 'a b'), ('rename', 'x=y'), ...]."""
    out, i, n = [], 0, len(text)
    while i < n:
        m = re.compile(r"\s*([A-Za-z_]+)\s*=\s*").match(text, i)
        if not m:
            if text[i:].strip():
                raise E.IMLRuntimeError(f"Data set options '{text}' are not recognised.",
                                        hint="write options as NAME=value, e.g. \"keep=x y where=(x > 0) obs=10\"")
            break
        key, i = m.group(1).lower(), m.end()
        if i < n and text[i] == "(":
            value, i = _balanced(text, i)
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            value = text[i:j]
            # KEEP=/DROP= lists run on until the next NAME=
            while key in ("keep", "drop"):
                m2 = re.compile(r"\s+([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*=)").match(text, j)
                if not m2:
                    break
                value += " " + m2.group(1)
                j = m2.end()
            i = j
        out.append((key, value))
    return out


def _balanced(text: str, i: int) -> tuple:
    depth, quote, j = 0, "", i
    while j < len(text):
        ch = text[j]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
        j += 1
    raise E.IMLRuntimeError(f"Unbalanced parentheses in the data set options '{text}'.")


def apply_options(session, ds: DSTable, text: str) -> DSTable:
    """Apply data set options to a data set: DROP/KEEP, RENAME, WHERE, FIRSTOBS/OBS, in SAS's order."""
    opts = dict(parse_options(text))
    unknown = set(opts) - {"keep", "drop", "rename", "where", "firstobs", "obs", "label"}
    if unknown:
        raise E.IMLRuntimeError(f"The data set option {sorted(unknown)[0].upper()}= is not supported.",
                                hint="supported: KEEP= DROP= RENAME= WHERE= FIRSTOBS= OBS= LABEL=")
    keep = list(range(len(ds.names)))
    if "keep" in opts:
        keep = [_ds_index(ds, name) for name in opts["keep"].split()]
    if "drop" in opts:
        dropped = {_ds_index(ds, name) for name in opts["drop"].split()}
        keep = [j for j in keep if j not in dropped]
    ds = DSTable([ds.names[j] for j in keep], [ds.kinds[j] for j in keep], [ds.widths[j] for j in keep],
                 [ds.cols[j] for j in keep], opts.get("label", ds.label))
    if "rename" in opts:
        for old, new in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", opts["rename"]):
            ds.names[_ds_index(ds, old)] = new
    if "where" in opts:
        ds = ds.take(_where_rows(session, ds, opts["where"]))
    first = _whole(opts.get("firstobs", "1"), "FIRSTOBS=")
    last = ds.nobs if "obs" not in opts or opts["obs"].lower() == "max" else _whole(opts["obs"], "OBS=")
    if first > 1 or last < ds.nobs:
        ds = ds.take(np.arange(max(first - 1, 0), max(min(last, ds.nobs), 0)))
    return ds


def _ds_index(ds: DSTable, name: str) -> int:
    j = ds.index(name)
    if j < 0:
        raise E.IMLRuntimeError(f"The variable {name} in the data set options is not in the data set.",
                                hint="its variables are " + " ".join(ds.names))
    return j


def _whole(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise E.IMLRuntimeError(f"{what}{text} is not a whole number.") from None
    if value < 0:
        raise E.IMLRuntimeError(f"{what}{text} must not be negative.")
    return value


def _where_rows(session, ds: DSTable, condition: str) -> np.ndarray:
    """WHERE=(condition): parsed by the IML grammar as a READ's WHERE clause."""
    pieces = re.split(r"""('[^']*'|"[^"]*")""", condition)
    for k in range(0, len(pieces), 2):          # mnemonic operators outside quoted text
        pieces[k] = re.sub(r"\b(and|or|not|eq|ne|gt|lt|ge|le)\b",
                           lambda m: f" {_WORD_OPS[m.group(1).lower()]} ", pieces[k], flags=re.I)
    try:
        nodes = parse(f"read all where({''.join(pieces)});")
        node = nodes[0].clauses["where"]
    except (E.IMLError, AttributeError, IndexError, KeyError):
        raise E.IMLRuntimeError(f"The WHERE= condition '{condition}' is not recognised.",
                                hint="write comparisons like (age > 12 & sex = 'F')") from None
    return np.flatnonzero(where_mask(session, node, {}, ds))


def option_text(value) -> str:
    return "" if value is None else to_str(value)
