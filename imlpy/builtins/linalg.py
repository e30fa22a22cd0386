"""Linear algebra: INV, DET, SOLVE, GINV, TRACE, EIGVAL/EIGVEC/EIGEN, ROOT, SVD, QR, TRISOLV,
LOGABSDET, NORM, SWEEP, ECHELON, HERMITE, HOMOGEN, ORPOL.

SAS's conventions are kept where they differ from numpy's: ROOT is the UPPER Cholesky factor,
eigenvalues of a symmetric matrix are in descending order, a nonsymmetric matrix gives n x 2
(real, imaginary) eigenvalues, SVD returns singular values as a descending column vector.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.dense import EPS, inverse, solve_square
from ..matrix.values import EMPTY, is_char, to_float, to_str, wrap
from .common import num, square
from .registry import builtin



def _square(a, name: str) -> np.ndarray:
    return _nomiss(square(a, name), name)


def _nomiss(a, name: str) -> np.ndarray:
    A = num(a)
    if np.isnan(A).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name} does not accept missing values")
    return A


@builtin("INV(A)", "Inverse of a square nonsingular matrix.",
         example=("print (inv({2 0, 0 4}));", "\n      0.5         0\n        0      0.25\n"))
def inv(a):
    return wrap(inverse(_square(a, "INV")))


@builtin("DET(A)", "Determinant of a square matrix.",
         example=("print (det({1 2, 3 4}));", "\n       -2\n"))
def det(a):
    return float(np.linalg.det(_square(a, "DET")))


@builtin("SOLVE(A, B)", "Solution X of A*X = B for a square nonsingular A.",
         example=("print (solve({2 0, 0 4}, {2, 8}));", "\n        1\n        2\n"))
def solve(a, b):
    A = _square(a, "SOLVE")
    B = _nomiss(b, "SOLVE")
    if B.shape[0] != A.shape[0]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"SOLVE needs nrow(B) = nrow(A): A is {A.shape[0]} x {A.shape[1]}, B is {B.shape[0]} x {B.shape[1]}")
    try:
        return wrap(solve_square(A, B))
    except E.IMLRuntimeError as err:
        err.hint = "A is singular, so A*X = B has no unique solution"
        raise


@builtin("GINV(A)", "Moore-Penrose generalized inverse (any shape, also singular).",
         example=("print (ginv({1 1, 1 1}));", "\n     0.25      0.25\n     0.25      0.25\n"))
def ginv(a):
    return wrap(np.linalg.pinv(_nomiss(a, "GINV")))


@builtin("TRACE(A)", "Sum of the diagonal elements of a square matrix.")
def trace(a):
    return float(np.trace(_square(a, "TRACE")))


# ---------------------------------------------------------------- eigen decomposition
def _is_symmetric(A: np.ndarray) -> bool:
    scale = max(1.0, float(np.abs(A).max())) if A.size else 1.0
    return bool(np.allclose(A, A.T, rtol=0, atol=1e-12 * scale))


def _eigen(A: np.ndarray):
    """(values, vectors) in SAS's layout.

    Symmetric A: n x 1 values in descending order, orthonormal eigenvector columns.
    Otherwise: n x 2 (real, imaginary) values sorted by real part, then by the magnitude of the
    imaginary part, the member of a conjugate pair with positive imaginary part first; for a
    complex pair in columns j, j+1 the eigenvector is v[:,j] +- i*v[:,j+1] (LAPACK's layout)."""
    if _is_symmetric(A):
        vals, vecs = np.linalg.eigh((A + A.T) / 2)
        order = np.argsort(-vals, kind="stable")
        return vals[order].reshape(-1, 1), vecs[:, order]
    vals, vecs = np.linalg.eig(A)
    order = sorted(range(len(vals)), key=lambda i: (-round(vals[i].real, 10), -round(abs(vals[i].imag), 10), -vals[i].imag))
    vals, vecs = vals[order], vecs[:, order]
    out = np.empty((A.shape[0], A.shape[0]))
    j = 0
    while j < len(vals):
        v = vecs[:, j]
        if vals[j].imag != 0 and j + 1 < len(vals):
            v = v / np.linalg.norm(v)
            out[:, j], out[:, j + 1] = v.real, v.imag
            j += 2
        else:
            out[:, j] = v.real / (np.linalg.norm(v.real) or 1.0)
            j += 1
    return np.column_stack([vals.real, vals.imag]), out


@builtin("EIGVAL(A)", "Eigenvalues: descending column vector for symmetric A; n x 2 (real, imaginary) otherwise.",
         example=("print (eigval({2 1, 1 2}));", "\n        3\n        1\n"))
def eigval(a):
    return wrap(_eigen(_square(a, "EIGVAL"))[0])


@builtin("EIGVEC(A)", "Eigenvectors as columns (unit length), in the order of EIGVAL.")
def eigvec(a):
    return wrap(_eigen(_square(a, "EIGVEC"))[1])


@builtin("EIGEN(evals, evecs, A)", "Eigenvalues (descending for symmetric A) and eigenvectors of A at once.",
         kind="call", outputs=(0, 1))
def eigen(evals, evecs, a):
    vals, vecs = _eigen(_square(a, "EIGEN"))
    return wrap(vals), wrap(vecs)


# ---------------------------------------------------------------- factorizations
@builtin("ROOT(A <,OnError>)", "Cholesky root: upper-triangular U with U`*U = A; OnError='NoError' gives missing values instead of an error.",
         example=("print (root({25 0 5, 0 4 6, 5 6 59}));",
                  "\n        5         0         1\n        0         2         3\n        0         0         7\n"))
def root(a, onerror=None):
    A = _square(a, "ROOT")
    quiet = onerror is not None and is_char(onerror) and to_str(onerror).strip().upper() == "NOERROR"
    if not _is_symmetric(A):
        if quiet:
            return wrap(np.full(A.shape, np.nan))
        raise E.IMLRuntimeError(E.NOT_SYMMETRIC, hint="ROOT needs a symmetric positive definite matrix")
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        if quiet:
            return wrap(np.full(A.shape, np.nan))
        raise E.IMLRuntimeError(E.NOT_POSDEF, hint="ROOT needs a symmetric positive definite matrix (use 'NoError' to get missing values)")
    return wrap(L.T.copy())


@builtin("SVD(U, Q, V, A)", "Singular value decomposition A = U*diag(Q)*V`; Q is a descending column vector.",
         kind="call", outputs=(0, 1, 2),
         partial="for nrow(A) < ncol(A) the thin decomposition is returned (V is n x m)")
def svd(u, q, v, a):
    A = _nomiss(a, "SVD")
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return wrap(U), wrap(s.reshape(-1, 1)), wrap(Vt.T.copy())


def _householder_qr(A: np.ndarray, ord_):
    """Householder QR with SAS's column ordering: ord[j] > 0 initial columns (increasing ord),
    ord[j] = 0 free columns pivoted by largest residual norm, ord[j] < 0 final columns.
    Returns Q (m x m), R (m x n), piv (0-based), lindep."""
    m, n = A.shape
    if ord_ is None:
        initial, free, final = list(range(n)), [], []
    else:
        o = num(ord_).reshape(-1)
        if o.size != n:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"QR: ord has {o.size} elements but A has {n} columns")
        initial = sorted((j for j in range(n) if o[j] > 0), key=lambda j: (o[j], j))
        free = [j for j in range(n) if o[j] == 0]
        final = sorted((j for j in range(n) if o[j] < 0), key=lambda j: (-o[j], j))
    order = initial + free + final
    R = A[:, order].astype(float).copy()
    Q = np.eye(m)
    free_lo, free_hi = len(initial), len(initial) + len(free)
    scale = max(float(np.abs(A).max()) if A.size else 0.0, 1e-300)
    lindep = 0
    for k in range(min(m, n)):
        if free_lo <= k < free_hi:
            norms = np.sum(R[k:, k:free_hi] ** 2, axis=0)
            best = k + int(np.argmax(norms))
            if best != k:
                R[:, [k, best]] = R[:, [best, k]]
                order[k], order[best] = order[best], order[k]
        x = R[k:, k]
        alpha = float(np.linalg.norm(x))
        if alpha <= 1e3 * EPS * scale * max(m, n):
            lindep += 1
            R[k:, k] = 0.0
            continue
        vk = x.copy()
        vk[0] += np.copysign(alpha, x[0] if x[0] != 0 else 1.0)
        vk /= np.linalg.norm(vk)
        R[k:, :] -= 2.0 * np.outer(vk, vk @ R[k:, :])
        Q[:, k:] -= 2.0 * np.outer(Q[:, k:] @ vk, vk)
        R[k + 1:, k] = 0.0
    return Q, R, order, lindep


@builtin("QR(q, r, piv, lindep, A <,ord> <,b>)",
         "QR decomposition by Householder transformations: A[,piv] = Q*R; with b, q returns Q`*b.",
         kind="call", outputs=(0, 1, 2, 3))
def qr(q, r, piv, lindep, a, ord_=None, b=None):
    A = _nomiss(a, "QR")
    m, n = A.shape
    Q, R, order, dep = _householder_qr(A, ord_)
    k = min(m, n)
    qout = Q
    if b is not None:
        B = _nomiss(b, "QR")
        if B.shape[0] != m:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"QR: b needs {m} rows (as many as A), it has {B.shape[0]}")
        qout = Q.T @ B
    return (wrap(qout), wrap(R[:k, :].copy()), wrap(np.array(order, float).reshape(-1, 1) + 1), float(dep))


@builtin("TRISOLV(form, R, b <,piv>)",
         "Solves a triangular system: form 1 R*x=b, 2 R`*x=b (R upper); 3 R`*x=b, 4 R*x=b (R lower); piv from QR.",
         example=("U = {5 0 1, 0 2 3, 0 0 7}; z = trisolv(2, U, {5, 2, 53}); print (trisolv(1, U, z));",
                  "\n        0\n       -1\n        1\n"))
def trisolv(form, rr, b, piv=None):
    f = int(to_float(form))
    if f not in (1, 2, 3, 4):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"TRISOLV form must be 1, 2, 3 or 4, not {f}")
    R = _square(rr, "TRISOLV")
    B = _nomiss(b, "TRISOLV")
    n = R.shape[0]
    if B.shape[0] != n:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"TRISOLV: b needs {n} rows, it has {B.shape[0]}")
    T = np.triu(R) if f in (1, 2) else np.tril(R)
    if np.any(np.diag(T) == 0):
        raise E.IMLRuntimeError(E.SINGULAR, hint="the triangular matrix has a zero on its diagonal")
    if f in (2, 3):
        T = T.T
    p = None
    if piv is not None:
        p = num(piv).reshape(-1).astype(int) - 1
        if p.size != n or sorted(p.tolist()) != list(range(n)):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"TRISOLV: piv must be a permutation of 1..{n}")
        if f in (2, 4):
            B = B[p, :]
    from scipy.linalg import solve_triangular
    X = solve_triangular(T, B, lower=f in (2, 4))
    if p is not None and f in (1, 3):
        out = np.empty_like(X)
        out[p, :] = X
        X = out
    return wrap(X)


@builtin("LOGABSDET(A)", "1 x 2 row: log of |det(A)| and the sign of det(A) (-1, 0, 1); log is missing if det = 0.",
         example=("x = logabsdet({1 2 3, 4 9 6, 7 8 9}); print (x[2]);", "\n       -1\n"))
def logabsdet(a):
    sign, logdet = np.linalg.slogdet(_square(a, "LOGABSDET"))
    if sign == 0 or not np.isfinite(logdet):
        return wrap(np.array([[np.nan, 0.0]]))
    return wrap(np.array([[float(logdet), float(sign)]]))


_VNORM = {"L1": 1.0, "CITYBLOCK": 1.0, "MANHATTAN": 1.0, "L2": 2.0, "EUCLIDEAN": 2.0, "FROBENIUS": 2.0,
          "LINF": np.inf, "CHEBYSHEV": np.inf}


@builtin("NORM(x <,method>)", "Vector norm ('L1', 'L2' default, 'LInf', or p >= 1) or matrix norm ('Frobenius' default, 'L1', 'L2', 'LInf').",
         example=("print (norm({3 4}));", "\n        5\n"))
def norm(x, method=None):
    A = _nomiss(x, "NORM")
    vector = A.shape[0] == 1 or A.shape[1] == 1
    if method is None:
        key = "L2" if vector else "FROBENIUS"
    elif is_char(method):
        key = to_str(method).strip().upper()
    else:
        key = to_float(method)
        if not key >= 1:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"NORM: a numeric method is p >= 1, not {key:g}")
        if not vector:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="NORM: the p-norm is only available for vectors")
        return float(np.sum(np.abs(A) ** key) ** (1.0 / key))
    if vector:
        if key not in _VNORM:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"NORM: unknown vector norm '{key}' (use L1, L2, LInf or a number p >= 1)")
        return float(np.linalg.norm(A.reshape(-1), _VNORM[key]))
    table = {"FROBENIUS": "fro", "L1": 1, "L2": 2, "LINF": np.inf}
    if len(key) >= 4 and "FROBENIUS".startswith(key):    # SAS programs write 'FROB'
        key = "FROBENIUS"
    if key not in table:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"NORM: unknown matrix norm '{key}' (use Frobenius, L1, L2 or LInf)")
    return float(np.linalg.norm(A, table[key]))


@builtin("SWEEP(A <,index>)", "Sweeps A on the given diagonal pivots (default all); a pivot <= 1E-12 zeroes its row and column.",
         example=("print (sweep({4 2, 2 3}, 1));", "\n     0.25       0.5\n     -0.5         2\n"))
def sweep(a, index=None):
    A = _nomiss(a, "SWEEP").astype(float).copy()
    k_max = min(A.shape)
    idx = range(1, k_max + 1) if index is None else [int(v) for v in num(index).reshape(-1)]
    for k in idx:
        if not 1 <= k <= k_max:
            raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"SWEEP: pivot {k} is outside 1..{k_max}")
        k -= 1
        d = A[k, k]
        if abs(d) <= 1e-12:
            A[k, :] = 0.0
            A[:, k] = 0.0
            continue
        row, col = A[k, :].copy(), A[:, k].copy()
        A -= np.outer(col, row) / d
        A[k, :] = row / d
        A[:, k] = -col / d
        A[k, k] = 1.0 / d
    return wrap(A)


def _rref(A: np.ndarray):
    """Reduced row echelon form by Gauss-Jordan elimination with partial pivoting; pivot columns."""
    R = A.astype(float).copy()
    m, n = R.shape
    tol = max(m, n) * EPS * max(float(np.abs(R).max()) if R.size else 0.0, 1.0) * 10
    pivots, r = [], 0
    for c in range(n):
        if r >= m:
            break
        p = r + int(np.argmax(np.abs(R[r:, c])))
        if abs(R[p, c]) <= tol:
            R[r:, c] = 0.0
            continue
        R[[r, p]] = R[[p, r]]
        R[r] /= R[r, c]
        for i in range(m):
            if i != r:
                R[i] -= R[i, c] * R[r]
        R[np.abs(R) <= tol] = 0.0
        pivots.append(c)
        r += 1
    return R, pivots


@builtin("ECHELON(A)", "Reduced row echelon form of A (zero rows last).",
         example=("print (echelon({1 2, 2 4, 1 3}));", "\n        1         0\n        0         1\n        0         0\n"))
def echelon(a):
    return wrap(_rref(_nomiss(a, "ECHELON"))[0])


@builtin("HERMITE(A)", "Hermite normal form H = G*A of a square matrix: upper triangular, idempotent, diagonal 0 or 1.",
         example=("print (hermite({1 2, 2 4}));", "\n        1         2\n        0         0\n"))
def hermite(a):
    A = _square(a, "HERMITE")
    R, pivots = _rref(A)
    H = np.zeros_like(R)
    for row, c in enumerate(pivots):
        H[c, :] = R[row, :]
    return wrap(H)


@builtin("HOMOGEN(A)", "Orthonormal basis (columns) of the solutions of A*x = 0; empty if A has full column rank.")
def homogen(a):
    A = _nomiss(a, "HOMOGEN")
    m, n = A.shape
    _, s, Vt = np.linalg.svd(A, full_matrices=True)
    tol = max(m, n) * EPS * (s[0] if s.size else 0.0)
    rank = int(np.sum(s > tol))
    if rank == n:
        return EMPTY
    basis = Vt[rank:, :].T.copy()
    for j in range(basis.shape[1]):               # a deterministic sign: largest entry positive
        if basis[np.argmax(np.abs(basis[:, j])), j] < 0:
            basis[:, j] = -basis[:, j]
    return wrap(basis)


@builtin("ORPOL(x <,maxdegree> <,weights>)",
         "Orthonormal polynomials of degree 0..maxdegree evaluated at the points x (columns; P`*diag(w)*P = I).",
         example=("P = orpol(T(1:5), 2); print (P[,1]`);",
                  "\n0.4472136 0.4472136 0.4472136 0.4472136 0.4472136\n"))
def orpol(x, maxdegree=None, weights=None):
    xs = _nomiss(x, "ORPOL").reshape(-1)
    n = xs.size
    w = np.ones(n)
    if maxdegree is None:
        d = min(n, 19)
    else:
        d = int(to_float(maxdegree))
        if d < 0:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="ORPOL: maxdegree must be >= 0")
        if weights is not None:
            w = _nomiss(weights, "ORPOL").reshape(-1).astype(float)
            if w.size != n or (w < 0).any():
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"ORPOL: weights must be {n} nonnegative numbers")
    r = len(np.unique(xs[w > 0]))
    P = np.zeros((n, d + 1))
    center = float(np.sum(w * xs) / max(np.sum(w), 1e-300))
    spread = float(np.max(np.abs(xs - center))) or 1.0
    t = (xs - center) / spread
    cur = np.ones(n)
    for j in range(min(d + 1, r)):
        v = cur.copy()
        for _ in range(2):                          # Gram-Schmidt twice for stability
            for i in range(j):
                v -= np.sum(w * v * P[:, i]) * P[:, i]
        nv = np.sqrt(np.sum(w * v * v))
        if nv == 0:
            break
        P[:, j] = v / nv
        cur = t * P[:, j]
    P[np.abs(P) < 1e-13] = 0.0                      # rounding noise where the exact value is 0
    return wrap(P)
