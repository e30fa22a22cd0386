"""Asking about matrices: NROW, NCOL, TYPE, ISEMPTY, LOC, ANY, ALL, and the clock."""
from __future__ import annotations

import time as _time

import numpy as np

from ..matrix.values import EMPTY, IMLList, as_array, char_scalar, shape_of, type_code, wrap
from .registry import builtin


@builtin("NROW(x)", "Number of rows (0 for an empty matrix; the number of observations of a table).", unset=True)
def nrow(x=None):
    if x is None:
        return 0.0
    return float(shape_of(x)[0])


@builtin("NCOL(x)", "Number of columns (0 for an empty matrix; the number of variables of a table).", unset=True)
def ncol(x=None):
    if x is None:
        return 0.0
    return float(shape_of(x)[1])


@builtin("TYPE(x)", "'N' for numeric, 'C' for character, 'U' for a matrix with no value, 'L' for a list, 'T' for a table.", unset=True)
def type_(x=None):
    return char_scalar(type_code(x))


@builtin("ISEMPTY(x)", "1 if x has no elements (or no value), else 0.", unset=True)
def isempty(x=None):
    return 1.0 if x is None or (type(x) is np.ndarray and x.size == 0) else 0.0


def _true(x) -> np.ndarray:
    A = as_array(x)
    if A.dtype.kind == "U":
        return np.char.str_len(A) > 0
    return (A != 0) & ~np.isnan(A)


@builtin("LOC(x)", "Row vector of the row-major indices of the nonzero, nonmissing elements; empty if none.",
         example=("print (loc({0 3, . 5}));", "\n        2         4\n"))
def loc(x):
    idx = np.flatnonzero(_true(x).reshape(-1))
    if idx.size == 0:
        return EMPTY
    return wrap((idx + 1.0).reshape(1, -1))


@builtin("ANY(x)", "1 if any element is nonzero and nonmissing, else 0.")
def any_(x):
    return 1.0 if _true(x).any() else 0.0


@builtin("ALL(x)", "1 if every element is nonzero and nonmissing, else 0.")
def all_(x):
    return 1.0 if _true(x).all() else 0.0


@builtin("TIME()", "Seconds since midnight (use differences of TIME() to time code).")
def time_():
    t = _time.localtime()
    return float(t.tm_hour * 3600 + t.tm_min * 60 + t.tm_sec) + (_time.time() % 1.0)
