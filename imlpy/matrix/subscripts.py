"""Subscripts: selection `x[i,j]`, `x[k]` (row-major), reductions `x[+,]`, and assignment.

SAS rules implemented here:
  * indices are 1-based; a vector of indices selects those rows/columns in that order;
  * a single subscript counts elements row by row; the result is a row vector when x is a row
    vector, otherwise a column vector;
  * reduction operators replace a subscript: `+` sum, `#` product, `<>` max, `><` min,
    `<:>` index of max, `>:<` index of min, `:` mean, `##` sum of squares; missing values are
    skipped; when both positions hold reductions the row reduction (first position) is done first;
  * out-of-range subscripts are errors, never automatic growth.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import errors as E
from .values import EMPTY, IMLList, as_array, char_width, is_char, wrap

ALL = None  # an omitted subscript: every row / every column


class Reduction:
    __slots__ = ("op",)

    def __init__(self, op: str):
        self.op = op

    def __repr__(self):
        return f"Reduction({self.op!r})"


def bad_index(hint: str) -> E.IMLRuntimeError:
    return E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=hint)


def resolve_index(v, n: int, what: str) -> np.ndarray:
    """1-based index value -> 0-based int array, checked against the extent n."""
    if type(v) is float:
        k = int(v) if v == v else 0
        if not 1 <= k <= n:
            raise bad_index(f"{what} index {_show(v)} is outside 1..{n}")
        return np.array([k - 1])
    if isinstance(v, IMLList):
        raise bad_index("a list cannot be used as a subscript")
    arr = as_array(v)
    if arr.size == 0:
        raise bad_index("the index vector is empty")
    if arr.dtype.kind == "U":
        raise bad_index("character subscripts need row or column names, which this matrix does not have")
    flat = arr.reshape(-1)
    if np.isnan(flat).any():
        raise bad_index("an index is missing")
    idx = flat.astype(np.int64)
    bad = (idx < 1) | (idx > n)
    if bad.any():
        first = flat[bad][0]
        raise bad_index(f"{what} index {_show(first)} is outside 1..{n}")
    return idx - 1


def _show(x: float) -> str:
    if x != x:
        return "."
    return str(int(x)) if x == int(x) else repr(float(x))


# ---------------------------------------------------------------- reductions
def _all_missing(A, axis):
    return np.isnan(A).all(axis=axis, keepdims=axis is not None)


def reduce(A: np.ndarray, op: str, axis):
    """Reduce A down its rows (axis 0), across its columns (axis 1) or entirely (None)."""
    if A.dtype.kind == "U":
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"the subscript reduction {op} needs a numeric matrix")
    if A.size == 0:
        raise E.not_set()
    keep = axis is not None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if op == "+":
            r = np.nansum(A, axis=axis, keepdims=keep)
        elif op == "#":
            r = np.nanprod(A, axis=axis, keepdims=keep)
            r = np.where(_all_missing(A, axis), np.nan, r)
        elif op == "##":
            r = np.nansum(A * A, axis=axis, keepdims=keep)
        elif op == "<>":
            r = np.nanmax(A, axis=axis, keepdims=keep)
        elif op == "><":
            r = np.nanmin(A, axis=axis, keepdims=keep)
        elif op == ":":
            r = np.nanmean(A, axis=axis, keepdims=keep)
        elif op in ("<:>", ">:<"):
            r = _arg_reduce(A, op, axis)
        else:
            raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"{op} is not a subscript reduction")
    return r


def _arg_reduce(A: np.ndarray, op: str, axis):
    fill = -np.inf if op == "<:>" else np.inf
    filled = np.where(np.isnan(A), fill, A)
    func = np.argmax if op == "<:>" else np.argmin
    if axis is None:
        if np.isnan(A).all():
            return np.nan
        return float(func(filled.reshape(-1)) + 1)
    idx = func(filled, axis=axis, keepdims=True).astype(float) + 1
    return np.where(_all_missing(A, axis), np.nan, idx)


# ---------------------------------------------------------------- selection
def get(value, rows, cols):
    """value[rows, cols]; each of rows/cols is ALL, a Reduction, or an index value."""
    if isinstance(value, IMLList):
        raise bad_index("use $ to get an item of a list")
    A = as_array(value)
    if A.size == 0:
        raise E.not_set()
    # selections first, then the row reduction, then the column reduction
    if rows is not ALL and not isinstance(rows, Reduction):
        A = A[resolve_index(rows, A.shape[0], "row"), :]
    if cols is not ALL and not isinstance(cols, Reduction):
        A = A[:, resolve_index(cols, A.shape[1], "column")]
    if isinstance(rows, Reduction):
        A = reduce(A, rows.op, 0)
    if isinstance(cols, Reduction):
        A = reduce(A, cols.op, 1)
    if rows is ALL and cols is ALL and type(value) is np.ndarray:
        A = A.copy()
    return wrap(A)


def get_single(value, index):
    """value[k]: elements counted row by row, or a whole-matrix reduction."""
    if isinstance(value, IMLList):
        raise bad_index("use $ to get an item of a list")
    A = as_array(value)
    if A.size == 0:
        raise E.not_set()
    if index is ALL:
        return wrap(A.copy())
    if isinstance(index, Reduction):
        return wrap(reduce(A, index.op, None))
    flat = A.reshape(-1)
    idx = resolve_index(index, flat.size, "element")
    picked = flat[idx]
    if A.shape[0] == 1:
        return wrap(picked.reshape(1, -1))
    return wrap(picked.reshape(-1, 1))


# ---------------------------------------------------------------- assignment
def _check_types(A: np.ndarray, rhs: np.ndarray):
    if (A.dtype.kind == "U") != (rhs.dtype.kind == "U"):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="a character value cannot be stored in a numeric matrix, nor a number in a character matrix")
    if A.dtype.kind == "U" and char_width(rhs) > char_width(A):
        A = A.astype(f"<U{char_width(rhs)}")
    return A


def _fit(rhs: np.ndarray, shape: tuple, target: str) -> np.ndarray:
    if rhs.size == 1:
        return rhs.reshape(())
    if rhs.shape == shape or rhs.size == shape[0] * shape[1]:
        return rhs.reshape(shape)
    raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
        f"the value is {rhs.shape[0]} x {rhs.shape[1]} but {target} is {shape[0]} x {shape[1]}; "
        "assign a scalar or a matrix of that shape"))


def assign(value, rows, cols, rhs, may_mutate: bool):
    """value[rows, cols] = rhs. Returns the new value (the same array when mutated in place)."""
    A = _target(value, may_mutate)
    R = _rhs(rhs)
    A = _check_types(A, R)
    if isinstance(rows, Reduction) or isinstance(cols, Reduction):
        raise bad_index("a reduction operator cannot be the target of an assignment")
    ri = slice(None) if rows is ALL else resolve_index(rows, A.shape[0], "row")
    ci = slice(None) if cols is ALL else resolve_index(cols, A.shape[1], "column")
    nr = A.shape[0] if rows is ALL else len(ri)
    nc = A.shape[1] if cols is ALL else len(ci)
    fitted = _fit(R, (nr, nc), "the submatrix")
    if rows is ALL or cols is ALL:
        A[ri, ci] = fitted
    else:
        A[np.ix_(ri, ci)] = fitted
    return wrap(A)


def assign_single(value, index, rhs, may_mutate: bool):
    """value[k] = rhs, with k counted row by row."""
    A = _target(value, may_mutate)
    R = _rhs(rhs)
    A = _check_types(A, R)
    if isinstance(index, Reduction):
        raise bad_index("a reduction operator cannot be the target of an assignment")
    flat = A.reshape(-1)
    if index is ALL:
        idx = slice(None)
        count = flat.size
    else:
        idx = resolve_index(index, flat.size, "element")
        count = len(idx)
    if R.size != 1 and R.size != count:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"{count} elements are selected but the value has {R.size}; "
            "assign a scalar or that many values"))
    flat[idx] = R.reshape(-1) if R.size != 1 else R.reshape(())
    return wrap(A)


def _target(value, may_mutate: bool) -> np.ndarray:
    if isinstance(value, IMLList):
        raise bad_index("use $ to set an item of a list")
    if type(value) is float:
        return np.array([[value]])
    if value.size == 0:
        raise E.not_set()
    if not may_mutate or not value.flags.writeable or not value.flags.c_contiguous:
        return value.copy()
    return value


def _rhs(rhs) -> np.ndarray:
    if isinstance(rhs, IMLList):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="a list cannot be stored in a matrix")
    R = as_array(rhs)
    if R.size == 0:
        raise E.not_set()
    return R
