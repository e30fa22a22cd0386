"""Dense-matrix primitives the operators need: the checked LU solve behind `**` with a negative
power and INV, and the Kronecker product written straight into its result.

They live here, in the value layer, so that the operators and lazy Kronecker products can use them
without reaching up into the builtin library (which imports them from here too).
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from .values import check_allocation

EPS = np.finfo(float).eps


def _lu_checked(A: np.ndarray):
    """LU factors of A, or SAS's singular-matrix error.

    Singularity is judged by LAPACK's reciprocal condition estimate from the LU factors
    (O(n^2) after the factorisation) rather than by an SVD, which would cost more than the
    solve itself. Returns None when scipy is not installed."""
    try:
        from scipy.linalg import lapack, lu_factor
    except ImportError:
        return None
    with np.errstate(all="ignore"):
        lu, piv = lu_factor(A, check_finite=False)
        rcond, _ = lapack.dgecon(lu, np.linalg.norm(A, 1), norm="1")
    if not rcond > EPS:
        raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix has no inverse (it is singular)")
    return lu, piv


def solve_square(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    factors = _lu_checked(A)
    if factors is not None:
        from scipy.linalg import lu_solve
        return lu_solve(factors, B, check_finite=False)
    try:
        X = np.linalg.solve(A, B)
    except np.linalg.LinAlgError:
        raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix is singular")
    if not np.isfinite(X).all():
        raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix is singular to working precision")
    return X


def inverse(A: np.ndarray) -> np.ndarray:
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"the matrix is {A.shape[0]} x {A.shape[1]}")
    if A.size == 1:
        if A[0, 0] == 0 or A[0, 0] != A[0, 0]:
            raise E.IMLRuntimeError(E.SINGULAR, hint="the matrix has no inverse (it is singular)")
        return 1.0 / A
    return solve_square(A, np.eye(A.shape[0]))



def kron_arrays(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """A @ B written straight into its result: block (i,j) is a[i,j] # B."""
    n, p = A.shape
    m, q = B.shape
    check_allocation(n * m * p * q, "A @ B")
    out = np.empty((n, m, p, q))
    np.multiply(A[:, None, :, None], B[None, :, None, :], out=out)
    return out.reshape(n * m, p * q)
