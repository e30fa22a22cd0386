"""Building and reshaping matrices: J, I, REPEAT, SHAPE, DIAG, BLOCK, DO, ROWVEC, ... (row-major)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, as_array, char_width, check_allocation, is_char, to_float, wrap
from .common import count, num
from .registry import builtin


def _fill(value, shape):
    if value is None:
        return np.ones(shape)
    if is_char(value):
        return np.full(shape, str(value.flat[0]), dtype=f"<U{char_width(value)}")
    return np.full(shape, to_float(value))


@builtin("J(nrow <,ncol <,value>>)", "Matrix with nrow rows and ncol columns (default nrow) filled with value (default 1).",
         example=("print (j(2, 3, 0));", "\n        0         0         0\n        0         0         0\n"))
def j(nrow, ncol=None, value=None):
    r = count(nrow, "nrow")
    c = r if ncol is None else count(ncol, "ncol")
    if r * c > 2**31:
        raise E.IMLRuntimeError("Unable to allocate sufficient memory.", hint=f"J({r}, {c}) would have {r * c:.3g} elements")
    if r == 0 or c == 0:
        return EMPTY
    check_allocation(float(r) * c, f"J({r}, {c})")
    return wrap(_fill(value, (r, c)))


@builtin("I(n)", "The n x n identity matrix.",
         example=("print (i(2));", "\n        1         0\n        0         1\n"))
def identity(n):
    k = count(n, "n")
    check_allocation(float(k) * k, f"I({k})")
    return wrap(np.eye(k)) if k else EMPTY


@builtin("REPEAT(x, nrow <,ncol>)", "Tiles the whole matrix x nrow times down and ncol times across.")
def repeat(x, nrow, ncol=None):
    A = as_array(x)
    r = count(nrow, "nrow")
    c = 1 if ncol is None else count(ncol, "ncol")
    if r == 0 or c == 0:
        return EMPTY
    check_allocation(float(A.size) * r * c, "REPEAT")
    return wrap(np.tile(A, (r, c)))


def _reshape(x, nrow, ncol, pad, order):
    A = as_array(x)
    flat = A.reshape(-1) if order == "C" else A.T.reshape(-1)
    n = flat.size
    r = count(nrow, "nrow")
    c = None if ncol is None else count(ncol, "ncol")
    check_allocation(float(r) * (c or 1), "SHAPE")
    if r == 0 and (c is None or c == 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="give nrow or ncol")
    if c is None or c == 0:
        if r == 0 or n % r:
            if c is None:
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{n} elements cannot be split into {r} rows")
        c = n // r if r else 0
    if r == 0:
        if n % c:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{n} elements cannot be split into {c} columns")
        r = n // c
    total = r * c
    if pad is None:
        reps = -(-total // n)
        data = np.tile(flat, reps)[:total]          # SAS: cycle through x again when short
    else:
        padval = _fill(pad, (1,))
        if A.dtype.kind == "U" and is_char(pad):
            w = max(char_width(A), char_width(pad))
            data = np.full(total, padval[0], dtype=f"<U{w}")
        else:
            data = np.full(total, padval[0], dtype=flat.dtype)
        k = min(total, n)
        data[:k] = flat[:k]
    out = data.reshape(r, c) if order == "C" else data.reshape(c, r).T
    return wrap(np.ascontiguousarray(out))


@builtin("SHAPE(x, nrow <,ncol> <,pad>)", "Reshapes x row by row into nrow x ncol; cycles through x, or fills with pad.",
         example=("print (shape(1:6, 2));", "\n        1         2         3\n        4         5         6\n"))
def shape(x, nrow, ncol=None, pad=None):
    return _reshape(x, nrow, ncol, pad, "C")


@builtin("SHAPECOL(x, nrow <,ncol> <,pad>)", "Like SHAPE, but reads and fills column by column.")
def shapecol(x, nrow, ncol=None, pad=None):
    return _reshape(x, nrow, ncol, pad, "F")


@builtin("T(x)", "Transpose of x (the same as x`).")
def transpose(x):
    A = as_array(x)
    return wrap(A.T.copy())


@builtin("DIAG(x)", "Square matrix with the vector x on the diagonal, or the diagonal part of a square matrix.")
def diag(x):
    A = as_array(x)
    if A.shape[0] == 1 or A.shape[1] == 1:
        return wrap(np.diag(A.reshape(-1).astype(float)))
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"DIAG needs a vector or a square matrix; this one is {A.shape[0]} x {A.shape[1]}")
    return wrap(np.diag(np.diag(A)))


@builtin("VECDIAG(A)", "Column vector of the diagonal of a square matrix.")
def vecdiag(a):
    A = num(a)
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"VECDIAG needs a square matrix; this one is {A.shape[0]} x {A.shape[1]}")
    return wrap(np.diag(A).reshape(-1, 1).copy())


@builtin("BLOCK(m1 <,m2, ...>)", "Block-diagonal matrix of the arguments (empty arguments are ignored).")
def block(*mats):
    parts = [num(m) for m in mats if m is not None and not (type(m) is np.ndarray and m.size == 0)]
    if not parts:
        return EMPTY
    r = sum(p.shape[0] for p in parts)
    c = sum(p.shape[1] for p in parts)
    check_allocation(float(r) * c, "BLOCK")
    out = np.zeros((r, c))
    i = j_ = 0
    for p in parts:
        out[i:i + p.shape[0], j_:j_ + p.shape[1]] = p
        i += p.shape[0]
        j_ += p.shape[1]
    return wrap(out)


@builtin("DO(start, stop, inc)", "Row vector start, start+inc, ... up to stop.",
         example=("print (do(1, 2, 0.25));", "\n        1      1.25       1.5      1.75         2\n"))
def do(start, stop, inc):
    a, b, s = to_float(start), to_float(stop), to_float(inc)
    if s == 0 or s != s or a != a or b != b:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="DO needs nonmissing bounds and a nonzero increment")
    n = (b - a) / s + 1e-10
    check_allocation(n, "DO")
    n = int(np.floor(n)) + 1
    if n <= 0:
        return EMPTY
    return wrap((a + s * np.arange(n)).reshape(1, -1))


@builtin("ROWVEC(x)", "1 x n row vector of the elements of x, row by row.")
def rowvec(x):
    A = as_array(x)
    return wrap(A.reshape(1, -1).copy())


@builtin("COLVEC(x)", "n x 1 column vector of the elements of x, row by row.")
def colvec(x):
    A = as_array(x)
    return wrap(A.reshape(-1, 1).copy())


@builtin("CSHAPE(x, nrow, ncol, size <,pad>)", "Reshapes a character matrix at the character level into elements of length size.")
def cshape(x, nrow, ncol, size, pad=None):
    A = as_array(x)
    if A.dtype.kind != "U":
        raise E.IMLRuntimeError(E.NEED_CHARACTER)
    w = char_width(A)
    text = "".join(str(s).ljust(w) for s in A.reshape(-1))
    r, c, s = count(nrow, "nrow"), count(ncol, "ncol"), count(size, "size")
    total = r * c * s
    if pad is None:
        reps = -(-total // max(len(text), 1))
        text = (text * reps)[:total]
    else:
        p = str(as_array(pad).flat[0])[:1] or " "
        text = text[:total].ljust(total, p)
    items = [text[k * s:(k + 1) * s].rstrip(" ") for k in range(r * c)]
    return np.array(items, dtype=f"<U{max(s, 1)}").reshape(r, c)
