"""Kronecker products that are never formed when they need not be.

`A @ B` with a large result is kept as a KronMatrix holding its factors. Operations with a
structured answer use the factors:

    (A@B) * V       vec trick, row-major form: for each column v, reshape v (p x q row by row)
                    to X and return rowvec(A * X * B`)  — O(npq + nmq) instead of O(nmpq)
    V * (A@B)       the same on the transposed product
    (A@B)*(C@D)     (A*C) @ (B*D) when the factors conform (mixed-product property)
    (A@B)`          A` @ B`
    INV(A@B)        INV(A) @ INV(B)
    DET(A@B)        det(A)^m * det(B)^n   (A n x n, B m x m)
    EIGVAL(A@B)     all products of eigenvalues
    TRACE(A@B)      trace(A) * trace(B)
    SOLVE(A@B, b)   the vec trick with SOLVE on each factor
    NROW, NCOL      from the factors

Anything else asks for the elements (`materialize`), which forms A@B once and caches it, so the
results are identical to the eager product. Printing a lazy value prints the elements as usual.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from .dense import inverse, kron_arrays
from .values import as_array, check_allocation

# Products with fewer elements than this are formed at once (cheaper than bookkeeping).
LAZY_MIN_ELEMENTS = 1 << 21


class Structured:
    """A matrix known by its factors. Subclasses give shape, T, _form() and times(V) = self * V,
    and may answer some builtins from the factors (`answers`)."""
    __slots__ = ("_dense",)
    dtype = np.dtype(float)
    ndim = 2
    base = None
    answers: dict = {}

    @property
    def size(self):
        r, c = self.shape
        return r * c

    def materialize(self) -> np.ndarray:
        if self._dense is None:
            check_allocation(self.size, type(self).__name__)
            self._dense = self._form()
        return self._dense

    def copy(self) -> np.ndarray:
        return self.materialize().copy()


class KronSumMatrix(Structured):
    """KRONSUM(A, B) = A@I(m) + I(n)@B for square A (n x n) and B (m x m), kept unformed.

    Row-major vec trick: (A@I + I@B) * rowvec(X) = rowvec(A*X + X*B`), X n x m."""
    __slots__ = ("A", "B")

    def __init__(self, A: np.ndarray, B: np.ndarray):
        self.A, self.B, self._dense = A, B, None

    @property
    def shape(self):
        k = self.A.shape[0] * self.B.shape[0]
        return (k, k)

    @property
    def T(self):
        return KronSumMatrix(self.A.T.copy(), self.B.T.copy())

    def _form(self):
        n, m = self.A.shape[0], self.B.shape[0]
        return kron_arrays(self.A, np.eye(m)) + kron_arrays(np.eye(n), self.B)

    def times(self, V: np.ndarray) -> np.ndarray:
        n, m = self.A.shape[0], self.B.shape[0]
        _check_times(self, V)
        k = V.shape[1]
        X = V.reshape(n, m, k)
        R = np.tensordot(self.A, X, axes=(1, 0)) + np.einsum("jl,ilk->ijk", self.B, X)
        return R.reshape(n * m, k)


class KhatriRaoMatrix(Structured):
    """KHATRIRAO(A, B): column j is A[,j] @ B[,j] (A n x p, B m x p), kept unformed; also its
    transpose. (A (.) B) * v = rowvec(A * diag(v) * B`)`, computed without the nm x p matrix."""
    __slots__ = ("A", "B", "transposed")

    def __init__(self, A: np.ndarray, B: np.ndarray, transposed: bool = False):
        self.A, self.B, self.transposed, self._dense = A, B, transposed, None

    @property
    def shape(self):
        rows, cols = self.A.shape[0] * self.B.shape[0], self.A.shape[1]
        return (cols, rows) if self.transposed else (rows, cols)

    @property
    def T(self):
        return KhatriRaoMatrix(self.A, self.B, not self.transposed)

    def _form(self):
        n, p = self.A.shape
        m = self.B.shape[0]
        K = (self.A[:, None, :] * self.B[None, :, :]).reshape(n * m, p)
        return K.T.copy() if self.transposed else K

    def times(self, V: np.ndarray) -> np.ndarray:
        _check_times(self, V)
        n, m = self.A.shape[0], self.B.shape[0]
        k = V.shape[1]
        if self.transposed:
            return np.einsum("ij,lj,ilk->jk", self.A, self.B, V.reshape(n, m, k))
        return np.einsum("ij,lj,jk->ilk", self.A, self.B, V).reshape(n * m, k)


def _check_times(S: Structured, V: np.ndarray) -> None:
    if V.shape[0] != S.shape[1]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"* is the matrix product: it needs ncol(left) = nrow(right), but here it is "
            f"{S.shape[0]} x {S.shape[1]} times {V.shape[0]} x {V.shape[1]}"))


class KronMatrix(Structured):
    __slots__ = ("A", "B")

    def __init__(self, A: np.ndarray, B: np.ndarray):
        self.A, self.B = A, B
        self._dense = None

    @property
    def shape(self):
        return (self.A.shape[0] * self.B.shape[0], self.A.shape[1] * self.B.shape[1])

    @property
    def T(self):
        return KronMatrix(self.A.T.copy(), self.B.T.copy())

    def _form(self):
        return kron_arrays(self.A, self.B)

    def times(self, V: np.ndarray) -> np.ndarray:
        return kron_times(self, V)

    def __repr__(self):
        return f"KronMatrix({self.A.shape} @ {self.B.shape})"


def dense(v):
    return v.materialize() if type(v) is KronMatrix else v


# ---------------------------------------------------------------- products
def kron_times(K: KronMatrix, V: np.ndarray) -> np.ndarray:
    """(A@B) * V without forming A@B. Row-major vec: element (i,k) of A@B pairs with x[p,q]."""
    A, B = K.A, K.B
    n, p = A.shape
    m, q = B.shape
    if V.shape[0] != p * q:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"* is the matrix product: it needs ncol(left) = nrow(right), but here it is "
            f"{n * m} x {p * q} (a Kronecker product) times {V.shape[0]} x {V.shape[1]}"))
    k = V.shape[1]
    X = V.reshape(p, q, k)
    T = np.tensordot(A, X, axes=(1, 0))          # n x q x k
    R = np.tensordot(T, B, axes=(1, 1))          # n x k x m
    return np.ascontiguousarray(R.transpose(0, 2, 1)).reshape(n * m, k)


def times_kron(V: np.ndarray, K: KronMatrix) -> np.ndarray:
    """V * (A@B) = ((A@B)` * V`)`."""
    return kron_times(K.T, V.T).T.copy()


def matmul(a, b):
    """The * operator when either side is a KronMatrix."""
    if type(a) is KronMatrix and type(b) is KronMatrix:
        if a.A.shape[1] == b.A.shape[0] and a.B.shape[1] == b.B.shape[0]:
            return make(a.A @ b.A, a.B @ b.B)
        return kron_times(a, b.materialize())
    if type(a) is KronMatrix and not isinstance(b, Structured):
        B = as_array(b)
        if B.shape == (1, 1):
            return make(a.A * float(B[0, 0]), a.B)
        return kron_times(a, B)
    if type(b) is KronMatrix and not isinstance(a, Structured):
        A = as_array(a)
        if A.shape == (1, 1):
            return make(b.A * float(A[0, 0]), b.B)
        return times_kron(A, b)
    if isinstance(a, Structured) and not isinstance(b, Structured):
        B = as_array(b)
        return a.materialize() * float(B[0, 0]) if B.shape == (1, 1) else a.times(B)
    if isinstance(b, Structured) and not isinstance(a, Structured):
        A = as_array(a)
        return b.materialize() * float(A[0, 0]) if A.shape == (1, 1) else b.T.times(A.T).T.copy()
    return a.materialize() @ b.materialize()


def make(A: np.ndarray, B: np.ndarray):
    """A @ B: lazy when large, formed at once when small."""
    if A.size * B.size >= LAZY_MIN_ELEMENTS:
        return KronMatrix(A, B)
    return kron_arrays(A, B)


# ---------------------------------------------------------------- builtins that use the factors
def _square_factors(K: KronMatrix, name: str):
    for F in (K.A, K.B):
        if F.shape[0] != F.shape[1]:
            raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"{name} needs a square matrix; this one is {K.shape[0]} x {K.shape[1]}")
    return K.A, K.B


def _inv(K):
    A, B = _square_factors(K, "INV")
    return KronMatrix(inverse(A), inverse(B))


def _det(K):
    A, B = _square_factors(K, "DET")
    n, m = A.shape[0], B.shape[0]
    return float(np.linalg.det(A) ** m * np.linalg.det(B) ** n)


def _trace(K):
    A, B = _square_factors(K, "TRACE")
    return float(np.trace(A) * np.trace(B))


def _eigval(K):
    A, B = _square_factors(K, "EIGVAL")
    sym = np.allclose(A, A.T) and np.allclose(B, B.T)
    if sym:
        la, lb = np.linalg.eigvalsh(A), np.linalg.eigvalsh(B)
        vals = np.sort(np.multiply.outer(la, lb).reshape(-1))[::-1]
        return vals.reshape(-1, 1).copy()
    la, lb = np.linalg.eigvals(A), np.linalg.eigvals(B)
    vals = np.multiply.outer(la, lb).reshape(-1)
    vals = vals[np.lexsort((-vals.imag, -vals.real))]
    if np.all(np.abs(vals.imag) < 1e-12 * max(1.0, np.abs(vals).max())):
        return vals.real.reshape(-1, 1).copy()
    return np.column_stack([vals.real, vals.imag])


def _solve(K, b):
    inv = _inv(K)
    return kron_times(inv, as_array(b))


def _nrow(K):
    return float(K.shape[0])


def _ncol(K):
    return float(K.shape[1])


def _t(K):
    return K.T


HANDLERS = {"inv": _inv, "det": _det, "trace": _trace, "eigval": _eigval, "solve": _solve,
            "nrow": _nrow, "ncol": _ncol, "t": _t}


def _kronsum_trace(S):
    return float(S.B.shape[0] * np.trace(S.A) + S.A.shape[0] * np.trace(S.B))


def _kronsum_eigval(S):
    """Eigenvalues of a Kronecker sum are all the sums la_i + lb_j (symmetric A and B)."""
    if not (np.allclose(S.A, S.A.T) and np.allclose(S.B, S.B.T)):
        return None
    vals = np.add.outer(np.linalg.eigvalsh(S.A), np.linalg.eigvalsh(S.B)).reshape(-1)
    return np.sort(vals)[::-1].reshape(-1, 1).copy()


STRUCTURED_HANDLERS = {
    KronSumMatrix: {"nrow": _nrow, "ncol": _ncol, "t": _t, "trace": _kronsum_trace, "eigval": _kronsum_eigval},
    KhatriRaoMatrix: {"nrow": _nrow, "ncol": _ncol, "t": _t},
}


def call_builtin(name: str, args: list):
    """A builtin's answer computed from the factors, or None if it needs the elements."""
    if args and type(args[0]) in STRUCTURED_HANDLERS and len(args) == 1:
        handler = STRUCTURED_HANDLERS[type(args[0])].get(name)
        return handler(args[0]) if handler is not None else None
    handler = HANDLERS.get(name)
    if handler is None or not args or type(args[0]) is not KronMatrix:
        return None
    if any(isinstance(a, Structured) for a in args[1:]):
        return None
    return handler(*args)
