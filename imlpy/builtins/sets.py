"""Sets, sorting and ranking: UNIQUE/UNION, XSECT, SETDIF, ELEMENT, CALL SORT, CALL SORTNDX,
UNIQUEBY, RANK, RANKTIE.

SAS rules kept here:
  * set functions return a ROW vector of sorted distinct values (EMPTY when there are none);
    arguments must be all numeric or all character;
  * missing values sort first, in SAS's order ._ < . < .A < ... < .Z; character values compare
    without trailing blanks;
  * CALL SORT and CALL SORTNDX sort rows by the BY columns (default: the FIRST column); DESCEND
    lists the column numbers to sort descending; ties keep their original order.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, as_array, char_matrix, char_width, is_char, missing_order, wrap
from .common import num, opt_str
from .registry import builtin


# ---------------------------------------------------------------- values and keys
def _values(mats):
    """All elements of the (nonempty) arguments as one flat array, or None."""
    arrs = [as_array(m) for m in mats if m is not None and as_array(m).size]
    if not arrs:
        return None
    if len({a.dtype.kind == "U" for a in arrs}) > 1:
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="arguments must be all numeric or all character")
    width = max(char_width(a) for a in arrs) if arrs[0].dtype.kind == "U" else None
    flat = np.concatenate([a.reshape(-1).astype(f"<U{width}") if width else a.reshape(-1) for a in arrs])
    return flat


def _keys(v: np.ndarray) -> list:
    """lexsort keys (primary last) that order values as SAS does."""
    if v.dtype.kind == "U":
        return [np.unique(v, return_inverse=True)[1].reshape(v.shape).astype(float)]
    nan = np.isnan(v)
    return [np.where(nan, missing_order(v), 0).astype(float), np.where(nan, -np.inf, v)]


def _distinct(v: np.ndarray) -> np.ndarray:
    """Sorted distinct values (special missing values are distinct from each other)."""
    if v.size == 0:
        return v
    order = np.lexsort(_keys(v))
    s = v[order]
    keys = [k[order] for k in _keys(v)]
    new = np.ones(s.size, dtype=bool)
    new[1:] = np.any([k[1:] != k[:-1] for k in keys], axis=0)
    return s[new]


def _row(v: np.ndarray, width=None):
    if v.size == 0:
        return EMPTY
    if v.dtype.kind == "U":
        return char_matrix(v.reshape(1, -1).tolist(), width or char_width(v))
    return wrap(v.reshape(1, -1))


def _member(x: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Elementwise: does x occur in pool (missing values match the same kind of missing)?"""
    if x.dtype.kind == "U":
        return np.isin(np.char.rstrip(x.astype(str), " "), np.char.rstrip(pool.astype(str), " "))
    out = np.isin(x, pool[~np.isnan(pool)])
    xn = np.isnan(x)
    if xn.any():
        codes = set(missing_order(pool[np.isnan(pool)]).tolist())
        out[xn] = np.isin(missing_order(x[xn]), list(codes))
    return out


# ---------------------------------------------------------------- set functions
@builtin("UNIQUE(m1 <,m2, ...>)", "Row vector of the sorted distinct values of all arguments.", unset=True,
         example=("print (unique({3 1 3, 2 1 2}));", '        1         2         3\n\n'))
def unique(*mats):
    v = _values(mats)
    return EMPTY if v is None else _row(_distinct(v))


@builtin("UNION(m1 <,m2, ...>)", "Row vector of the sorted distinct values in any argument (same as UNIQUE).", unset=True,
         example=("print (union({3 1}, {2 1}));", '        1         2         3\n\n'))
def union(*mats):
    return unique(*mats)


@builtin("XSECT(m1 <,m2, ...>)", "Row vector of the sorted distinct values common to all arguments (empty if none).", unset=True,
         example=("print (xsect({1 2 3 4}, {4 3 5}));", '        3         4\n\n'))
def xsect(*mats):
    if any(m is None or as_array(m).size == 0 for m in mats):
        return EMPTY
    v = _values(mats[:1])
    common = _distinct(v)
    for m in mats[1:]:
        other = _values([m])
        if (other.dtype.kind == "U") != (common.dtype.kind == "U"):
            raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="arguments must be all numeric or all character")
        common = common[_member(common, other)]
    width = max(char_width(as_array(m)) for m in mats) if common.dtype.kind == "U" else None
    return _row(common, width)


@builtin("SETDIF(a, b)", "Row vector of the sorted distinct values of a that are not in b (empty if none).", unset=True,
         example=("print (setdif({5 1 3 1}, {3 4}));", '        1         5\n\n'))
def setdif(a, b):
    v = _values([a])
    if v is None:
        return EMPTY
    d = _distinct(v)
    other = _values([b])
    if other is not None:
        if (other.dtype.kind == "U") != (d.dtype.kind == "U"):
            raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="SETDIF needs two numeric or two character arguments")
        d = d[~_member(d, other)]
    return _row(d, char_width(as_array(a)) if d.dtype.kind == "U" else None)


@builtin("ELEMENT(x, set)", "Matrix like x: 1 where the element of x is in set, else 0.",
         example=("print (element({1 2 3 4}, {2 4 6}));", '        0         1         0         1\n\n'))
def element(x, set_):
    X, S = as_array(x), as_array(set_)
    if (X.dtype.kind == "U") != (S.dtype.kind == "U"):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="x and set must be both numeric or both character")
    return wrap(_member(X, S.reshape(-1)).astype(float))


# ---------------------------------------------------------------- sorting
def _column_list(v, ncol, what):
    if v is None or (type(v) is np.ndarray and v.size == 0):
        return []
    if is_char(v):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} columns given by name are not supported yet; give column numbers")
    idx = num(v).reshape(-1)
    if np.isnan(idx).any() or ((idx < 1) | (idx > ncol)).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"{what} columns must be in 1..{ncol}")
    return list(idx.astype(int) - 1)


def _sort_order(A: np.ndarray, by, descend) -> np.ndarray:
    """Stable row order of A by the BY columns (first column by default)."""
    cols = _column_list(by, A.shape[1], "BY") or [0]
    desc = set(_column_list(descend, A.shape[1], "DESCEND"))
    keys = [np.arange(A.shape[0])]           # final tie-breaker: original order
    for col in reversed(cols):
        for k in _keys(A[:, col]):
            keys.append(-k if col in desc else k)
    return np.lexsort(keys)


@builtin("SORT(x <,by> <,descend>)", "Sorts the rows of x in place by the BY columns (default: the first column).",
         kind="call", outputs=(0,),
         example=("m = {1 1 0, 2 2 0, 1 1 1, 2 2 2};\ncall sort(m, {1 3}, 3);\nprint m;", '        m\n        1         1         1\n        1         1         0\n        2         2         2\n        2         2         0\n\n'))
def sort(x, by=None, descend=None):
    if x is None:
        raise E.not_set()
    A = as_array(x)
    if A.size == 0:
        raise E.not_set()
    return wrap(A[_sort_order(A, by, descend)].copy())


@builtin("SORTNDX(index, x <,by> <,descend>)", "Column vector of the row numbers that sort x by the BY columns (x is unchanged).",
         kind="call", outputs=(0,),
         example=("m = {1 1 0, 2 0 0, 1 3 1, 2 2 2};\ncall sortndx(ndx, m, {1 3}, 3);\nprint (t(ndx));", '        3         1         4         2\n\n'))
def sortndx(index, x, by=None, descend=None):
    A = as_array(x)
    if A.size == 0:
        raise E.not_set()
    return wrap((_sort_order(A, by, descend) + 1.0).reshape(-1, 1))


@builtin("UNIQUEBY(x <,by> <,index>)", "Column vector: for x sorted (or indexed) by the BY columns, the position of the first row of each BY group.",
         example=("m = {1 0, 1 0, 1 1, 2 0, 2 0, 2 2};\nprint (t(uniqueby(m, 1:2)));", '        1         3         4         6\n\n'))
def uniqueby(x, by=None, index=None):
    A = as_array(x)
    if A.size == 0:
        raise E.not_set()
    cols = _column_list(by, A.shape[1], "BY") or [0]
    if index is not None:
        idx = num(index).reshape(-1)
        if idx.size != A.shape[0] or np.isnan(idx).any() or (idx < 1).any() or (idx > A.shape[0]).any():
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="index must hold one row number of x for every row")
        A = A[idx.astype(int) - 1]
    B = A[:, cols]
    if B.dtype.kind == "U":
        same = np.all(np.char.rstrip(B[1:], " ") == np.char.rstrip(B[:-1], " "), axis=1)
    else:
        both_nan = np.isnan(B[1:]) & np.isnan(B[:-1])
        same = np.all((B[1:] == B[:-1]) | (both_nan & (missing_order(B[1:]) == missing_order(B[:-1]))), axis=1)
    starts = np.concatenate(([True], ~same))
    return wrap((np.nonzero(starts)[0] + 1.0).reshape(-1, 1))


# ---------------------------------------------------------------- ranks
@builtin("RANK(x)", "Ranks 1..n of the elements of x (row-major), ties broken by order of appearance.",
         example=("print (rank({2 2 1 0 5}));", '        3         4         2         1         5\n\n'))
def rank(x):
    A = as_array(x)
    flat = A.reshape(-1)
    order = np.lexsort([np.arange(flat.size)] + _keys(flat))
    ranks = np.empty(flat.size)
    ranks[order] = np.arange(1, flat.size + 1)
    return wrap(ranks.reshape(A.shape))


_TIES = ("mean", "low", "high", "dense")


@builtin("RANKTIE(x <,method>)", "Ranks with ties: 'Mean' (default, average rank), 'Low', 'High' or 'Dense'; missing values get missing ranks.",
         example=("print (ranktie({2 2 1 0 5}));", '      3.5       3.5         2         1         5\n\n'))
def ranktie(x, method=None):
    A = as_array(x)
    how = opt_str(method, "mean").strip().lower()
    if how not in _TIES:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"RANKTIE method must be one of {', '.join(t.title() for t in _TIES)}, not {how!r}")
    flat = A.reshape(-1)
    out = np.full(flat.size, np.nan)
    ok = np.char.str_len(np.char.rstrip(flat, " ")) >= 0 if flat.dtype.kind == "U" else ~np.isnan(flat)
    vals = flat[ok]
    if vals.size:
        uniq, inverse, counts = np.unique(vals, return_inverse=True, return_counts=True)
        high = np.cumsum(counts).astype(float)
        low = high - counts + 1
        table = {"mean": (low + high) / 2, "low": low, "high": high, "dense": np.arange(1.0, uniq.size + 1)}[how]
        out[ok] = table[inverse.reshape(-1)]
    return wrap(out.reshape(A.shape))
