"""Whole-matrix reductions (SUM, MAX, ...) and column statistics (MEAN, VAR, STD, MEDIAN).

SAS: SUM, SSQ, MAX, MIN, PROD reduce every element of every argument to one number, skipping
missing values; MEAN, VAR, STD, MEDIAN work column by column and return a row vector.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, as_array, char_width, is_char, wrap
from .common import num, opt_str
from .registry import builtin


def _all_values(mats) -> np.ndarray:
    parts = [num(m).reshape(-1) for m in mats]
    if len(parts) == 1:
        return parts[0]                 # no copy for the common one-argument call
    return np.concatenate(parts) if parts else np.zeros(0)


def _quiet():
    w = warnings.catch_warnings()
    w.__enter__()
    warnings.simplefilter("ignore", RuntimeWarning)
    return w


@builtin("SUM(m1 <,m2, ...>)", "Sum of all nonmissing elements of all arguments (0 if there are none).",
         example=("print (sum({1 2, 3 .}));", "\n        6\n"))
def sum_(*mats):
    v = _all_values(mats)
    total = float(v.sum())              # fast path; NaN only when some value is missing
    return total if total == total else float(np.nansum(v))


@builtin("SSQ(m1 <,m2, ...>)", "Sum of squares of all nonmissing elements.")
def ssq(*mats):
    v = _all_values(mats)
    total = float((v * v).sum())        # fast path (deterministic, unlike BLAS dot); NaN only if missing
    return total if total == total else float(np.nansum(v * v))


@builtin("PROD(m1 <,m2, ...>)", "Product of all nonmissing elements.")
def prod(*mats):
    return float(np.nanprod(_all_values(mats)))


def _extreme(mats, pick):
    if any(is_char(m) for m in mats):
        if not all(is_char(m) for m in mats):
            raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="arguments must be all numeric or all character")
        values = [str(s) for m in mats for s in as_array(m).reshape(-1)]
        best = pick(values)
        return np.array([[best]], dtype=f"<U{max(len(best), 1)}")
    v = _all_values(mats)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return float("nan")
    return float(pick(v))


@builtin("MAX(m1 <,m2, ...>)", "Largest element of all arguments (missing values ignored). For elementwise maxima use <>.",
         example=("print (max({1 5, 3 .}, 4));", "\n        5\n"))
def max_(*mats):
    return _extreme(mats, max)


@builtin("MIN(m1 <,m2, ...>)", "Smallest element of all arguments (missing values ignored). For elementwise minima use ><.")
def min_(*mats):
    return _extreme(mats, min)


@builtin("CUSUM(x)", "Cumulative sums, row by row, in the shape of x.")
def cusum(x):
    A = num(x)
    return wrap(np.cumsum(A.reshape(-1)).reshape(A.shape))


@builtin("CUPROD(x)", "Cumulative products, row by row, in the shape of x.")
def cuprod(x):
    A = num(x)
    return wrap(np.cumprod(A.reshape(-1)).reshape(A.shape))


def _columns(x):
    A = num(x)
    return A


@builtin("MEAN(x <,method> <,param>)", "Row vector of column means (missing values excluded); method 'arithmetic', 'trimmed' or 'winsorized'.",
         example=("print (mean({1 2, 3 4, 5 .}));", "\n        3         3\n"))
def mean(x, method=None, param=None):
    A = _columns(x)
    m = opt_str(method, "arithmetic").lower()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if m.startswith("arith"):
            means = A.mean(axis=0)           # fast path; NaN only where a column has missing values
            if np.isnan(means).any():
                means = np.nanmean(A, axis=0)
            return wrap(means.reshape(1, -1))
        frac = 0.1 if param is None else float(num(param).flat[0])
        out = []
        for col in A.T:
            v = np.sort(col[~np.isnan(col)])
            n = v.size
            k = int(frac * n) if frac < 1 else int(frac)
            if 2 * k >= n:
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"cannot trim {k} values from each end of {n}")
            if m.startswith("trim"):
                out.append(v[k:n - k].mean())
            elif m.startswith("wins"):
                w = v.copy()
                w[:k] = v[k]
                w[n - k:] = v[n - k - 1]
                out.append(w.mean())
            else:
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"unknown MEAN method '{m}'")
        return wrap(np.array(out).reshape(1, -1))


def _var(A):
    if A.shape[0] >= 2:
        v = A.var(axis=0, ddof=1)           # fast path when no column has missing values
        if not np.isnan(v).any():
            return v.reshape(1, -1)
    out = []
    for col in A.T:
        v = col[~np.isnan(col)]
        out.append(np.var(v, ddof=1) if v.size >= 2 else np.nan)
    return np.array(out).reshape(1, -1)


@builtin("VAR(x)", "Row vector of column sample variances (divisor n-1; missing values excluded).")
def var(x):
    return wrap(_var(_columns(x)))


@builtin("STD(x)", "Row vector of column sample standard deviations.")
def std(x):
    return wrap(np.sqrt(_var(_columns(x))))


@builtin("MEDIAN(x)", "Row vector of column medians (missing values excluded).")
def median(x):
    A = _columns(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return wrap(np.nanmedian(A, axis=0).reshape(1, -1))


def _by_method(mask: np.ndarray, method):
    m = opt_str(method, "all").lower()
    if m == "all":
        return float(mask.sum())
    if m == "row":
        return wrap(mask.sum(axis=1).reshape(-1, 1).astype(float))
    if m == "col":
        return wrap(mask.sum(axis=0).reshape(1, -1).astype(float))
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="method must be 'all', 'row' or 'col'")


def _missing_mask(x) -> np.ndarray:
    A = as_array(x)
    if A.dtype.kind == "U":
        return np.char.str_len(A) == 0
    return np.isnan(A)


@builtin("COUNTN(x <,method>)", "Number of nonmissing values: 'all' (default), 'row' or 'col'.")
def countn(x, method=None):
    return _by_method(~_missing_mask(x), method)


@builtin("COUNTMISS(x <,method>)", "Number of missing values: 'all' (default), 'row' or 'col'.")
def countmiss(x, method=None):
    return _by_method(_missing_mask(x), method)
