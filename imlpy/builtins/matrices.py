"""Special matrices and index helpers: VECH/SQRVECH, SYMSQR/SQRSYM, FULL, HADAMARD, TOEPLITZ,
DESIGN/DESIGNF, MAGIC, ALLCOMB, ALLPERM, BTRAN, INSERT, REMOVE, SUB2NDX/NDX2SUB, EXPANDGRID,
CHOOSE, DIMENSION, CVEXHULL.

Everything is row-major and 1-based, as in IML.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, as_array, char_width, check_allocation, is_char, shape_of, to_float, wrap
from .common import count, num
from .registry import builtin


def _vector(v, name: str) -> np.ndarray:
    A = as_array(v)
    if A.size == 0:
        raise E.not_set()
    if A.shape[0] != 1 and A.shape[1] != 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name} needs a vector; this is {A.shape[0]} x {A.shape[1]}")
    return A.reshape(-1)


def _tri_size(k: int, name: str) -> int:
    n = int(round((math.sqrt(8 * k + 1) - 1) / 2))
    if n * (n + 1) // 2 != k:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name}: {k} elements are not n(n+1)/2 for any n")
    return n


def _square_any(a, name: str) -> np.ndarray:
    A = as_array(a)
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"{name} needs a square matrix; this one is {A.shape[0]} x {A.shape[1]}")
    return A


@builtin("VECH(A)", "Column vector of the lower triangle of a square matrix, taken column by column.",
         example=("print (vech({1 2, 2 3}));", "\n        1\n        2\n        3\n"))
def vech(a):
    A = _square_any(a, "VECH")
    r, c = np.triu_indices(A.shape[0])          # (col, row) pairs of the lower triangle, column-major
    return wrap(A[c, r].reshape(-1, 1).copy())


@builtin("SQRVECH(v)", "Symmetric matrix from its lower triangle stored column by column (inverse of VECH).",
         example=("print (sqrvech(T(1:6)));", "\n        1         2         3\n        2         4         5\n        3         5         6\n"))
def sqrvech(v):
    return _symmetric_from(v, "SQRVECH", column_wise=True)


@builtin("SYMSQR(A)", "Column vector of the lower triangle of a square matrix, taken row by row.",
         example=("print (symsqr({1 2, 3 4}));", "\n        1\n        3\n        4\n"))
def symsqr(a):
    A = _square_any(a, "SYMSQR")
    r, c = np.tril_indices(A.shape[0])
    return wrap(A[r, c].reshape(-1, 1).copy())


@builtin("SQRSYM(v)", "Symmetric matrix from its lower triangle stored row by row (inverse of SYMSQR).",
         example=("print (sqrsym(T(1:6)));", "\n        1         2         4\n        2         3         5\n        4         5         6\n"))
def sqrsym(v):
    return _symmetric_from(v, "SQRSYM", column_wise=False)


def _symmetric_from(v, name: str, column_wise: bool):
    """The symmetric matrix whose lower triangle, read column by column (VECH) or row by row
    (SYMSQR), is the vector v."""
    x = _vector(v, name)
    n = _tri_size(x.size, name)
    out = np.empty((n, n), dtype=x.dtype)
    if column_wise:
        c, r = np.triu_indices(n)
    else:
        r, c = np.tril_indices(n)
    out[r, c] = x
    out[c, r] = x
    return wrap(out)


@builtin("FULL(x <,nrow> <,ncol>)", "Dense matrix from the sparse form (value, row, column) in the rows of x.",
         example=("print (full({3 1 1, 4 2 2, 5 1 2}));", "\n        3         5\n        0         4\n"))
def full(x, nrow=None, ncol=None):
    S = num(x)
    if S.shape[1] != 3:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"FULL needs a k x 3 matrix (value, row, column); this one has {S.shape[1]} columns")
    rows, cols = S[:, 1].astype(int), S[:, 2].astype(int)
    if (rows < 1).any() or (cols < 1).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint="FULL: row and column numbers start at 1")
    m = int(rows.max()) if nrow is None else count(nrow, "nrow")
    n = int(cols.max()) if ncol is None else count(ncol, "ncol")
    if rows.max() > m or cols.max() > n:
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"FULL: an element lies outside the {m} x {n} matrix")
    out = np.zeros((m, n))
    out[rows - 1, cols - 1] = S[:, 0]
    return wrap(out)


# ---------------------------------------------------------------- Hadamard
def _is_prime(q: int) -> bool:
    return q >= 2 and all(q % p for p in range(2, int(math.isqrt(q)) + 1))


def _chi(q: int) -> np.ndarray:
    """Quadratic character mod the prime q: chi[k] = 0, 1 or -1."""
    chi = -np.ones(q)
    chi[0] = 0
    chi[[(i * i) % q for i in range(1, q)]] = 1
    return chi


def _paley1(n: int) -> np.ndarray:
    """Paley's first construction for n - 1 = q prime, q = 3 mod 4 (SAS's layout of HADAMARD(12))."""
    q = n - 1
    chi = _chi(q)
    a = np.arange(q)
    S = np.zeros((n, n))
    S[0, 1:] = -1
    S[1:, 0] = 1
    S[1:, 1:] = chi[(a[:, None] - a[None, :]) % q]
    return S + np.eye(n)


def _paley2(n: int) -> np.ndarray:
    """Paley's second construction for n/2 - 1 = q prime, q = 1 mod 4."""
    q = n // 2 - 1
    chi = _chi(q)
    a = np.arange(q)
    C = np.zeros((q + 1, q + 1))
    C[0, 1:] = 1
    C[1:, 0] = 1
    C[1:, 1:] = chi[(a[:, None] - a[None, :]) % q]
    return np.kron(C, np.array([[1, 1], [1, -1]])) + np.kron(np.eye(q + 1), np.array([[1, -1], [-1, -1]]))


def _hadamard(n: int):
    if n == 1:
        return np.ones((1, 1))
    if n == 2:
        return np.array([[1.0, 1.0], [1.0, -1.0]])
    if n % 4:
        return None
    if _is_prime(n - 1):
        return _paley1(n)
    if _is_prime(n // 2 - 1) and (n // 2) % 4 == 2:
        return _paley2(n)
    half = _hadamard(n // 2) if n % 8 == 0 else None
    if half is None:
        return None
    return np.block([[half, half], [half, -half]])       # Sylvester doubling


@builtin("HADAMARD(n <,i>)", "n x n Hadamard matrix (n = 1, 2 or a multiple of 4 built by Paley or doubling); 0 if unsupported; row i only if given.",
         example=("print (hadamard(4));",
                  "\n        1        -1        -1        -1\n        1         1        -1         1\n"
                  "        1         1         1        -1\n        1        -1         1         1\n"),
         partial="orders that need a stored table (e.g. 92, 116) return 0")
def hadamard(n, i=None):
    k = count(n, "n")
    H = _hadamard(k) if k >= 1 else None
    if H is None:
        return 0.0
    if i is not None:
        row = int(to_float(i))
        if row >= 1:
            if row > k:
                raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"HADAMARD: row {row} of a {k} x {k} matrix")
            return wrap(H[row - 1:row, :].copy())
    return wrap(H)


@builtin("TOEPLITZ(a)", "Symmetric Toeplitz matrix from a vector, or block Toeplitz from an (np) x p or p x (np) matrix.",
         example=("print (toeplitz(1:3));", "\n        1         2         3\n        2         1         2\n        3         2         1\n"))
def toeplitz(a):
    A = num(a)
    r, c = A.shape
    by_rows = r <= c                        # p x (np): blocks side by side (a row vector is p = 1)
    p = r if by_rows else c
    total = c if by_rows else r
    if total % p:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"TOEPLITZ needs an (np) x p or p x (np) matrix; {r} x {c} is neither")
    nb = total // p
    blocks = [A[:, k * p:(k + 1) * p] if by_rows else A[k * p:(k + 1) * p, :] for k in range(nb)]
    out = np.empty((nb * p, nb * p))
    for i in range(nb):
        for j in range(nb):
            if by_rows:
                blk = blocks[j - i] if j >= i else blocks[i - j].T
            else:
                blk = blocks[i - j] if i >= j else blocks[j - i].T
            out[i * p:(i + 1) * p, j * p:(j + 1) * p] = blk
    return wrap(out)


def _levels(v, name: str):
    x = _vector(v, name)
    levels, codes = np.unique(x, return_inverse=True)
    return levels, codes.reshape(-1)


@builtin("DESIGN(v)", "0/1 design matrix: one column per sorted distinct value of the vector v.",
         example=("print (design({1, 2, 1}));", "\n        1         0\n        0         1\n        1         0\n"))
def design(v):
    levels, codes = _levels(v, "DESIGN")
    out = np.zeros((codes.size, levels.size))
    out[np.arange(codes.size), codes] = 1
    return wrap(out)


@builtin("DESIGNF(v)", "Full-rank design matrix: like DESIGN without the last column, the last level coded -1.",
         example=("print (designf({1, 2, 3}));", "\n        1         0\n        0         1\n       -1        -1\n"))
def designf(v):
    levels, codes = _levels(v, "DESIGNF")
    k = levels.size
    if k < 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="DESIGNF needs at least two distinct values")
    out = np.zeros((codes.size, k - 1))
    for row, code in enumerate(codes):
        if code == k - 1:
            out[row, :] = -1
        else:
            out[row, code] = 1
    return wrap(out)


def _magic(n: int) -> np.ndarray:
    if n % 2 == 1:
        i, j = np.indices((n, n)) + 1
        return n * ((i + j - (n + 3) // 2) % n) + ((i + 2 * j - 2) % n) + 1.0
    if n % 4 == 0:
        i, j = np.indices((n, n)) + 1
        M = np.arange(1, n * n + 1, dtype=float).reshape(n, n)
        keep = ((i % 4) // 2) == ((j % 4) // 2)
        M[keep] = n * n + 1 - M[keep]
        return M
    p = n // 2
    A = _magic(p)
    M = np.block([[A, A + 2 * p * p], [A + 3 * p * p, A + p * p]])
    k = (n - 2) // 4
    cols = list(range(k)) + list(range(n - k + 1, n))
    top, bottom = list(range(p)), list(range(p, n))
    M[np.ix_(top + bottom, cols)] = M[np.ix_(bottom + top, cols)]
    cols = [0, k]
    rows = [k, k + p]
    M[np.ix_(rows, cols)] = M[np.ix_(rows[::-1], cols)]
    return M


@builtin("MAGIC(n)", "n x n magic square (rows, columns and diagonals have equal sums), n >= 3.",
         example=("print (magic(3));", "\n        8         1         6\n        3         5         7\n        4         9         2\n"))
def magic(n):
    k = count(n, "n")
    if k < 3:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="MAGIC needs n >= 3 (no magic square of order 2 exists)")
    return wrap(_magic(k))


def _revolving_door(n: int, k: int) -> list:
    """Combinations of 1..n taken k at a time in the revolving-door order (Nijenhuis and Wilf)."""
    if k == 0:
        return [()]
    if k == n:
        return [tuple(range(1, n + 1))]
    return _revolving_door(n - 1, k) + [c + (n,) for c in reversed(_revolving_door(n - 1, k - 1))]


def _rows(all_rows: list, idx, name: str) -> list:
    if idx is None:
        return all_rows
    ks = [int(v) for v in num(idx).reshape(-1)]
    if any(not 1 <= k <= len(all_rows) for k in ks):
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"{name}: row numbers must lie in 1..{len(all_rows)}")
    return [all_rows[k - 1] for k in ks]


@builtin("ALLCOMB(n, k <,idx>)", "All combinations of 1..n taken k at a time, one per row, in SAS's revolving-door order.",
         example=("print (allcomb(4, 2));", "\n        1         2\n        2         3\n        1         3\n"
                  "        3         4\n        2         4\n        1         4\n"))
def allcomb(n, k, idx=None):
    N = count(n, "n")
    K = as_array(k).size if as_array(k).size > 1 else count(k, "k")
    if not 1 <= K <= N:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"ALLCOMB needs 1 <= k <= n (n = {N}, k = {K})")
    if math.comb(N, K) > 10**7:
        raise E.IMLRuntimeError("Unable to allocate sufficient memory.", hint=f"ALLCOMB({N}, {K}) has {math.comb(N, K)} rows")
    rows = _revolving_door(N, K)
    if as_array(k).size > 1:                       # a starting combination
        start = tuple(int(v) for v in num(k).reshape(-1))
        if start == (0,) * K:
            start = tuple(range(1, K + 1))
        if start not in rows:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="ALLCOMB: the starting combination must be increasing indices in 1..n")
        rows = rows[rows.index(start):]
    return wrap(np.array(_rows(rows, idx, "ALLCOMB"), dtype=float))


def _trotter(n: int) -> list:
    """Permutation positions in the Steinhaus-Johnson-Trotter (minimal change) order."""
    perm, dirs, out = list(range(n)), [-1] * n, []
    out.append(tuple(perm))
    while True:
        mobile = -1
        for i, v in enumerate(perm):
            j = i + dirs[v]
            if 0 <= j < n and perm[j] < v and v > mobile:
                mobile, pos = v, i
        if mobile < 0:
            return out
        j = pos + dirs[mobile]
        perm[pos], perm[j] = perm[j], perm[pos]
        for v in range(mobile + 1, n):
            dirs[v] = -dirs[v]
        out.append(tuple(perm))


@builtin("ALLPERM(n <,idx>)", "All n! permutations (of 1..n or of the elements of a vector), one per row, in Trotter's order.",
         example=("print (allperm(3));", "\n        1         2         3\n        1         3         2\n        3         1         2\n"
                  "        3         2         1\n        2         3         1\n        2         1         3\n"))
def allperm(n, idx=None):
    A = as_array(n)
    items = A.reshape(-1) if A.size > 1 else np.arange(1, count(n, "n") + 1, dtype=float)
    if math.factorial(items.size) > 10**7:
        raise E.IMLRuntimeError("Unable to allocate sufficient memory.", hint=f"ALLPERM of {items.size} items has {math.factorial(items.size)} rows")
    rows = _rows(_trotter(items.size), idx, "ALLPERM")
    return wrap(np.array([[items[i] for i in r] for r in rows], dtype=items.dtype).reshape(len(rows), items.size))


@builtin("BTRAN(x, n, m)", "Block transpose: x is made of n x m blocks; the grid of blocks is transposed, each block kept.",
         example=("print (btran({1 2 3 4}, 1, 2));", "\n        1         2\n        3         4\n"))
def btran(x, n, m):
    A = as_array(x)
    bn, bm = count(n, "n"), count(m, "m")
    if bn == 0 or bm == 0 or A.shape[0] % bn or A.shape[1] % bm:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"BTRAN: a {A.shape[0]} x {A.shape[1]} matrix is not made of {bn} x {bm} blocks")
    i, j = A.shape[0] // bn, A.shape[1] // bm
    out = np.empty((j * bn, i * bm), dtype=A.dtype)
    for r in range(i):
        for c in range(j):
            out[c * bn:(c + 1) * bn, r * bm:(r + 1) * bm] = A[r * bn:(r + 1) * bn, c * bm:(c + 1) * bm]
    return wrap(out)


def _same_kind(x: np.ndarray, y: np.ndarray, name: str):
    if is_char(x) != is_char(y):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint=f"{name}: both matrices must be numeric or both character")
    if is_char(x):
        w = max(char_width(x), char_width(y))
        return x.astype(f"<U{w}"), y.astype(f"<U{w}")
    return x, y


@builtin("INSERT(x, y, row <,col>)", "Inserts y into x before the given row (row > 0) or before the given column (row = 0).",
         example=("print (insert({1 2, 3 4}, {5 6}, 2));", "\n        1         2\n        5         6\n        3         4\n"),
         unset=True)
def insert(x, y, row, col=None):
    X, Y = as_array(x) if x is not None else EMPTY, as_array(y) if y is not None else EMPTY
    r = count(row, "row")
    c = 0 if col is None else count(col, "col")
    if (r == 0) == (c == 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="INSERT: give exactly one nonzero position, a row or a column")
    if X.size == 0:
        return Y if Y.size else EMPTY
    if Y.size == 0:
        return X
    X, Y = _same_kind(X, Y, "INSERT")
    if r:
        if Y.shape[1] != X.shape[1] or r > X.shape[0] + 1:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"INSERT: y needs {X.shape[1]} columns and row must be in 1..{X.shape[0] + 1}")
        return wrap(np.vstack([X[:r - 1], Y, X[r - 1:]]))
    if Y.shape[0] != X.shape[0] or c > X.shape[1] + 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"INSERT: y needs {X.shape[0]} rows and col must be in 1..{X.shape[1] + 1}")
    return wrap(np.hstack([X[:, :c - 1], Y, X[:, c - 1:]]))


@builtin("REMOVE(x, idx)", "Row vector of the elements of x (row-major) without the positions in idx; empty if all are removed.",
         example=("print (remove({5 6 7 8}, {2 4}));", "\n        5         7\n"), unset=True)
def remove(x, idx):
    X = as_array(x) if x is not None else EMPTY
    if X.size == 0:
        raise E.not_set()
    flat = X.reshape(-1)
    if idx is None or as_array(idx).size == 0:
        return wrap(flat.reshape(1, -1).copy())
    ks = num(idx).reshape(-1)
    if np.isnan(ks).any() or (ks < 1).any() or (ks > flat.size).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"REMOVE: positions must lie in 1..{flat.size}")
    keep = np.ones(flat.size, bool)
    keep[ks.astype(int) - 1] = False
    if not keep.any():
        return EMPTY
    return wrap(flat[keep].reshape(1, -1).copy())


def _dims(dim) -> list:
    d = [int(v) for v in num(dim).reshape(-1)]
    if any(v < 1 for v in d):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="dimensions must be positive")
    return d


@builtin("SUB2NDX(dim, subs)", "Row-major indices (column vector) of the subscripts in the rows of subs for a matrix of dimensions dim.",
         example=("print (sub2ndx({2 3}, {1 2, 2 3}));", "\n        2\n        6\n"))
def sub2ndx(dim, subs):
    d = _dims(dim)
    S = num(subs)
    if S.shape[1] != len(d):
        S = S.reshape(-1, len(d)) if S.size % len(d) == 0 else S
    if S.shape[1] != len(d):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"SUB2NDX: each row of subs needs {len(d)} subscripts")
    if np.isnan(S).any() or (S < 1).any() or (S > np.array(d)).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"SUB2NDX: subscripts outside the dimensions {d}")
    idx = np.ravel_multi_index(tuple(S.astype(int).T - 1), d) + 1
    return wrap(idx.reshape(-1, 1).astype(float))


@builtin("NDX2SUB(dim, idx)", "Subscripts (one row per index) of row-major indices for a matrix of dimensions dim.",
         example=("print (ndx2sub({2 3}, {2 6}));", "\n        1         2\n        2         3\n"))
def ndx2sub(dim, idx):
    d = _dims(dim)
    k = num(idx).reshape(-1)
    if np.isnan(k).any() or (k < 1).any() or (k > np.prod(d)).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"NDX2SUB: indices must lie in 1..{int(np.prod(d))}")
    subs = np.unravel_index(k.astype(int) - 1, d)
    return wrap(np.column_stack(subs).astype(float) + 1)


@builtin("EXPANDGRID(x1, x2 <,...>)", "All combinations of the elements of the arguments, one column each; the first varies slowest.",
         example=("print (expandgrid({1 2}, {0 1}));", "\n        1         0\n        1         1\n        2         0\n        2         1\n"))
def expandgrid(*args):
    vecs = [as_array(a).reshape(-1) for a in args]
    kinds = {is_char(as_array(a)) for a in args}
    if len(kinds) > 1:
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="EXPANDGRID: all arguments must be numeric or all character")
    check_allocation(float(np.prod([float(v.size) for v in vecs])) * len(vecs) * 8, "EXPANDGRID")
    rows = list(itertools.product(*vecs))
    if kinds == {True}:
        w = max(char_width(as_array(a)) for a in args)
        return np.array(rows, dtype=f"<U{w}").reshape(len(rows), len(vecs))
    return wrap(np.array(rows, dtype=float).reshape(len(rows), len(vecs)))


@builtin("CHOOSE(cond, a, b)", "Elementwise: a where cond is nonzero and nonmissing, b elsewhere (a, b scalars or shaped like cond).",
         example=("print (choose({1 0 .}, 5, {7 8 9}));", "\n        5         8         9\n"))
def choose(cond, a, b):
    C = num(cond)
    A, B = as_array(a), as_array(b)
    for name, v in (("a", A), ("b", B)):
        if v.size != 1 and v.shape != C.shape:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"CHOOSE: {name} must be a scalar or {C.shape[0]} x {C.shape[1]} like cond")
    A, B = _same_kind(A, B, "CHOOSE")
    truth = (C != 0) & ~np.isnan(C)
    return wrap(np.where(truth, A if A.size != 1 else A.reshape(()), B if B.size != 1 else B.reshape(())))


@builtin("DIMENSION(x)", "1 x 2 row vector: number of rows and number of columns of x.",
         example=("print (dimension({1 2 3, 4 5 6}));", "\n        2         3\n"), unset=True)
def dimension(x):
    r, c = (0, 0) if x is None else shape_of(x)
    return wrap(np.array([[r, c]], dtype=float))


@builtin("CVEXHULL(points)", "Convex hull of n x 2 points: hull indices counterclockwise, then the negated indices of the other points.")
def cvexhull(points):
    P = num(points)
    if P.shape[1] != 2 or np.isnan(P).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="CVEXHULL needs an n x 2 matrix of nonmissing (x, y) points")
    order = sorted(range(P.shape[0]), key=lambda i: (P[i, 0], P[i, 1], i))

    def cross(o, a, b):
        return (P[a, 0] - P[o, 0]) * (P[b, 1] - P[o, 1]) - (P[a, 1] - P[o, 1]) * (P[b, 0] - P[o, 0])

    def chain(seq):
        out = []
        for i in seq:
            while len(out) >= 2 and cross(out[-2], out[-1], i) <= 0:
                out.pop()
            out.append(i)
        return out
    lower, upper = chain(order), chain(order[::-1])
    hull = lower[:-1] + upper[:-1] if len(order) > 2 else order
    start = min(hull, key=lambda i: (P[i, 0], -P[i, 1]))        # leftmost, then highest point first
    hull = hull[hull.index(start):] + hull[:hull.index(start)]
    inside = sorted(set(range(P.shape[0])) - set(hull))
    return wrap(np.array([i + 1 for i in hull] + [-(i + 1) for i in inside], dtype=float).reshape(-1, 1))
