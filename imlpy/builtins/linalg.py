"""Linear algebra: INV, DET, SOLVE, GINV, TRACE, EIGVAL/EIGVEC/EIGEN, ROOT (Cholesky)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..values import wrap
from .common import num
from .registry import builtin


def _square(a, name: str) -> np.ndarray:
    A = num(a)
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"{name} needs a square matrix; this one is {A.shape[0]} x {A.shape[1]}")
    if np.isnan(A).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name} does not accept missing values")
    return A


def inverse(A: np.ndarray) -> np.ndarray:
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"the matrix is {A.shape[0]} x {A.shape[1]}")
    try:
        inv = np.linalg.inv(A)
    except np.linalg.LinAlgError:
        raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix has no inverse (it is singular)")
    if not np.isfinite(inv).all() or np.linalg.cond(A) > 1 / np.finfo(float).eps:
        raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix is singular to working precision")
    return inv


@builtin("INV(A)", "Inverse of a square nonsingular matrix.",
         example=("print (inv({2 0, 0 4}));", "\n      0.5         0\n        0      0.25\n"))
def inv(a):
    return wrap(inverse(_square(a, "INV")))


@builtin("DET(A)", "Determinant of a square matrix.")
def det(a):
    return float(np.linalg.det(_square(a, "DET")))


@builtin("SOLVE(A, B)", "Solution X of A*X = B for a square nonsingular A.")
def solve(a, b):
    A = _square(a, "SOLVE")
    B = num(b)
    if B.shape[0] != A.shape[0]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"SOLVE needs nrow(B) = nrow(A): A is {A.shape[0]} x {A.shape[1]}, B is {B.shape[0]} x {B.shape[1]}")
    try:
        if np.linalg.cond(A) > 1 / np.finfo(float).eps:
            raise np.linalg.LinAlgError
        return wrap(np.linalg.solve(A, B))
    except np.linalg.LinAlgError:
        raise E.IMLRuntimeError(E.SINGULAR, hint="A is singular, so A*X = B has no unique solution")


@builtin("GINV(A)", "Moore-Penrose generalized inverse.")
def ginv(a):
    A = num(a)
    return wrap(np.linalg.pinv(A))


@builtin("TRACE(A)", "Sum of the diagonal elements of a square matrix.")
def trace(a):
    return float(np.trace(_square(a, "TRACE")))


def _eigen(A: np.ndarray):
    """Eigenvalues in descending order with matching unit eigenvectors (columns)."""
    if np.allclose(A, A.T, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(A).max())):
        vals, vecs = np.linalg.eigh(A)
        order = np.argsort(-vals, kind="stable")
        return vals[order].reshape(-1, 1), vecs[:, order], True
    vals, vecs = np.linalg.eig(A)
    order = np.lexsort((-vals.imag, -vals.real))
    vals, vecs = vals[order], vecs[:, order]
    if np.all(vals.imag == 0):
        return vals.real.reshape(-1, 1), vecs.real, False
    return np.column_stack([vals.real, vals.imag]), vecs.real, False


@builtin("EIGVAL(A)", "Eigenvalues: descending column vector for symmetric A; n x 2 (real, imaginary) when complex.",
         example=("print (eigval({2 1, 1 2}));", "\n        3\n        1\n"))
def eigval(a):
    vals, _, _ = _eigen(_square(a, "EIGVAL"))
    return wrap(vals)


@builtin("EIGVEC(A)", "Eigenvectors as columns, in the order of EIGVAL.")
def eigvec(a):
    _, vecs, _ = _eigen(_square(a, "EIGVEC"))
    return wrap(vecs)


@builtin("EIGEN(evals, evecs, A)", "Eigenvalues (descending) and eigenvectors of A at once.", kind="call", outputs=(0, 1))
def eigen(evals, evecs, a):
    vals, vecs, _ = _eigen(_square(a, "EIGEN"))
    return wrap(vals), wrap(vecs)


@builtin("ROOT(A <,singular>)", "Cholesky root: upper-triangular U with U`*U = A (A symmetric positive definite).")
def root(a, singular=None):
    A = _square(a, "ROOT")
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        raise E.IMLRuntimeError(E.NOT_POSDEF, hint="ROOT needs a symmetric positive definite matrix")
    return wrap(L.T.copy())
