"""Sorting and sets: UNIQUE, CALL SORT, RANK (row-major, 1-based)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..values import EMPTY, as_array, char_width, is_char, wrap
from .common import num
from .registry import builtin


def _values(mats):
    arrs = [as_array(m) for m in mats if m is not None and as_array(m).size]
    if not arrs:
        return None
    kinds = {a.dtype.kind == "U" for a in arrs}
    if len(kinds) > 1:
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="arguments must be all numeric or all character")
    return np.concatenate([a.reshape(-1) for a in arrs])


@builtin("UNIQUE(m1 <,m2, ...>)", "Row vector of the sorted distinct values of all arguments.",
         example=("print (unique({3 1 3, 2 1 2}));", "\n        1         2         3\n"))
def unique(*mats):
    v = _values(mats)
    if v is None:
        return EMPTY
    if v.dtype.kind == "U":
        u = np.unique(v)
        return u.reshape(1, -1)
    # SAS: missing values sort before numbers
    nan = np.isnan(v)
    u = np.unique(v[~nan])
    if nan.any():
        u = np.concatenate(([np.nan], u))
    return wrap(u.reshape(1, -1))


def _sort_keys(A: np.ndarray, by: list, descend: set):
    keys = []
    for col in reversed(by):
        c = A[:, col]
        if c.dtype.kind == "U":
            order = np.unique(c, return_inverse=True)[1].astype(float)
        else:
            order = np.where(np.isnan(c), -np.inf, c)
        keys.append(-order if col in descend else order)
    return np.lexsort(keys) if keys else np.arange(A.shape[0])


def _column_list(v, ncol, what):
    if v is None:
        return []
    idx = num(v).reshape(-1).astype(int)
    if ((idx < 1) | (idx > ncol)).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"{what} columns must be in 1..{ncol}")
    return list(idx - 1)


@builtin("SORT(x <,by> <,descend>)", "Sorts the rows of x in place by the BY columns (default: all columns in order).",
         kind="call", outputs=(0,))
def sort(x, by=None, descend=None):
    A = as_array(x)
    if A.size == 0:
        raise E.not_set()
    cols = _column_list(by, A.shape[1], "BY") or list(range(A.shape[1]))
    desc = set(_column_list(descend, A.shape[1], "DESCEND"))
    order = _sort_keys(A, cols, desc)
    return wrap(A[order].copy())


@builtin("RANK(x)", "Ranks 1..n of the elements of x (row by row), ties broken by order of appearance.")
def rank(x):
    A = as_array(x)
    flat = A.reshape(-1)
    if flat.dtype.kind == "U":
        order = np.argsort(flat, kind="stable")
    else:
        order = np.argsort(np.where(np.isnan(flat), -np.inf, flat), kind="stable")
    ranks = np.empty(flat.size)
    ranks[order] = np.arange(1, flat.size + 1)
    return wrap(ranks.reshape(A.shape))
