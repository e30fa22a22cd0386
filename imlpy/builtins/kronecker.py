"""The Kronecker family beyond `@`: block views, products of partitioned matrices, vec algebra.

A @ B (SAS: "the Kronecker or direct product") replaces each element a[i,j] of A by the block
a[i,j] # B. The builtins here make that block structure visible (KRONBLOCKS, KRONLABELS), extend
the product to partitioned matrices (KHATRIRAO, TRACYSINGH), to several factors (KRON) and to the
Kronecker sum (KRONSUM), give the matrices of vec algebra (VEC, UNVEC, COMMUTATION, DUPLICATION,
ELIMINATION) and find the nearest Kronecker product to a matrix (NEARESTKRON, KRONAPPROX) by the
Van Loan-Pitsianis rearrangement and one SVD.

Conventions: VEC stacks COLUMNS (the mathematical vec), unlike IML's COLVEC and ROWVEC, which read
row by row. VECH-style half vectors are the lower triangle taken column by column (SAS's VECH).
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..output.formats import best
from ..matrix.dense import kron_arrays
from ..matrix.values import char_matrix, is_char, to_float, to_str, wrap
from .common import count, num, square
from .registry import builtin
from ..matrix import lazykron


# ---------------------------------------------------------------- argument helpers
def _matrix(v, name: str, what: str) -> np.ndarray:
    if is_char(v):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"{name} needs a numeric {what}")
    return num(v)


def _size(v, name: str, what: str) -> int:
    """A positive whole-number dimension argument."""
    x = to_float(v)
    if x != x or x < 1 or x != int(x):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name}: {what} must be a positive whole number, not {best(x)}")
    return int(x)


def _partition(v, total: int, name: str, what: str) -> list:
    """Block boundaries [(start, stop), ...] from partition sizes.

    A vector gives the sizes of the blocks in order (they must add up to the dimension); a scalar k
    cuts the dimension into equal blocks of k (k must divide it; k = the dimension is one block)."""
    sizes = _matrix(v, name, what).reshape(-1)
    if np.isnan(sizes).any() or (sizes < 1).any() or (sizes != np.floor(sizes)).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name}: the sizes in {what} must be positive whole numbers")
    sizes = [int(s) for s in sizes]
    if len(sizes) == 1 and total % sizes[0] == 0 and total:
        sizes = sizes * (total // sizes[0])
    if sum(sizes) != total:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"{name}: the block sizes in {what} add up to {sum(sizes)}, but the matrix has {total}"))
    stops = np.cumsum(sizes)
    return [(int(s - k), int(s)) for s, k in zip(stops, sizes)]


def _blocks(A: np.ndarray, rows: list, cols: list) -> list:
    return [[A[r0:r1, c0:c1] for (c0, c1) in cols] for (r0, r1) in rows]


# ---------------------------------------------------------------- seeing the blocks of A @ B
def kron_block_text(A: np.ndarray, B: np.ndarray, label: str, fw: int = 9) -> str:
    """A @ B as text: blocks separated by ` | ` across and by `-` lines (with `+`) down."""
    n, p = A.shape
    m, q = B.shape
    K = kron_arrays(A, B)
    cells = [[best(float(x), fw) for x in row] for row in K]
    w = max([fw] + [len(c) for row in cells for c in row])
    head = f"{label}  ({n * m} x {p * q}: {n} x {p} blocks, each {m} x {q})"
    lines = [head]
    rule = "-+-".join("-" * (q * w + q - 1) for _ in range(p))
    for r, row in enumerate(cells):
        if r and r % m == 0:
            lines.append(rule)
        parts = [" ".join(c.rjust(w) for c in row[j * q:(j + 1) * q]) for j in range(p)]
        lines.append(" | ".join(parts))
    return "\n".join(lines) + "\n\n"


@builtin("KRONBLOCKS(A, B <,label>)",
         "Prints A @ B with its blocks marked: block (i,j) is a[i,j] # B; ' | ' separates block columns, '-' lines block rows.",
         kind="call", session=True,
         example=("call kronblocks(I(2), {1 2, 3 4});",
                  "A @ B  (4 x 4: 2 x 2 blocks, each 2 x 2)\n"
                  "        1         2 |         0         0\n"
                  "        3         4 |         0         0\n"
                  "--------------------+--------------------\n"
                  "        0         0 |         1         2\n"
                  "        0         0 |         3         4\n"))
def kronblocks(session, a, b, label=None):
    A = _matrix(a, "KRONBLOCKS", "left factor A")
    B = _matrix(b, "KRONBLOCKS", "right factor B")
    title = "A @ B" if label is None else to_str(label)
    session.out(kron_block_text(A, B, title, session.options.get("fw", 9)))


@builtin("KRONLABELS(A, B <,dim>)",
         "Labels of the rows (dim='row', the default: a column vector of '(i,k)', row i of A and row k of B) "
         "or columns (dim='col': a row vector of '(j,l)') of A @ B, for PRINT's ROWNAME= and COLNAME=.",
         example=("a = {1 2}; b = {1, 1};\nprint (a @ b)[r=kronlabels(a, b) c=kronlabels(a, b, 'col')];",
                  "          (1,1)     (2,1)\n\n(1,1)         1         2\n(1,2)         1         2\n"))
def kronlabels(a, b, dim=None):
    A = _matrix(a, "KRONLABELS", "left factor A")
    B = _matrix(b, "KRONLABELS", "right factor B")
    which = "row" if dim is None else (to_str(dim).strip().lower() if is_char(dim) else {1.0: "row", 2.0: "col"}.get(to_float(dim), "?"))
    if which in ("row", "r", "rows"):
        labels = [f"({i},{k})" for i in range(1, A.shape[0] + 1) for k in range(1, B.shape[0] + 1)]
        return char_matrix([[s] for s in labels])
    if which in ("col", "c", "cols", "column", "columns"):
        labels = [f"({j},{l})" for j in range(1, A.shape[1] + 1) for l in range(1, B.shape[1] + 1)]
        return char_matrix([labels])
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="KRONLABELS: dim must be 'row' (or 1) or 'col' (or 2)")


# ---------------------------------------------------------------- products
@builtin("KRON(A, B, ...)",
         "Kronecker product of two or more matrices, left to right: KRON(A, B, C) = A @ B @ C.",
         example=("print (kron({1 -1}, {1, 1}, 2));", "\n        2        -2\n        2        -2\n"))
def kron(*mats):
    out = _matrix(mats[0], "KRON", "argument")
    for k, m in enumerate(mats[1:], start=2):
        out = kron_arrays(out, _matrix(m, "KRON", f"argument {k}"))
    return wrap(out)


@builtin("KRONSUM(A, B)",
         "Kronecker sum of square A (n x n) and B (m x m): A @ I(m) + I(n) @ B; its eigenvalues are the sums a_i + b_j.",
         example=("print (kronsum({1 0, 0 2}, 10));", "\n       11         0\n        0        12\n"))
def kronsum(a, b):
    A = square(a, "KRONSUM", "matrix A")
    B = square(b, "KRONSUM", "matrix B")
    if (A.shape[0] * B.shape[0]) ** 2 >= lazykron.LAZY_MIN_ELEMENTS:
        return lazykron.KronSumMatrix(A, B)       # large: kept unformed (vec trick for products)
    return wrap(kron_arrays(A, np.eye(B.shape[0])) + kron_arrays(np.eye(A.shape[0]), B))


@builtin("KHATRIRAO(A, B <,colpartA, colpartB <,rowpartA, rowpartB>>)",
         "Khatri-Rao product. Plain: column j is A[,j] @ B[,j] (A and B have as many columns). With partitions "
         "(block sizes, or a scalar k for equal blocks of k): A and B are cut into the same grid of blocks A_ij, B_ij "
         "and block (i,j) of the result is A_ij @ B_ij.",
         example=("print (khatrirao({1 2, 3 4}, {1 10, 0 1}));",
                  "\n        1        20\n        0         2\n        3        40\n        0         4\n"))
def khatrirao(a, b, colpart_a=None, colpart_b=None, rowpart_a=None, rowpart_b=None):
    A = _matrix(a, "KHATRIRAO", "matrix A")
    B = _matrix(b, "KHATRIRAO", "matrix B")
    if (colpart_a is None) != (colpart_b is None) or (rowpart_a is None) != (rowpart_b is None):
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint="KHATRIRAO: give the partitions of A and of B together")
    if colpart_a is None and rowpart_a is None and A.shape[1] == B.shape[1]:
        if A.shape[0] * B.shape[0] * A.shape[1] >= lazykron.LAZY_MIN_ELEMENTS:
            return lazykron.KhatriRaoMatrix(A, B)  # large: kept unformed (products with vectors)
    ca = _partition(colpart_a if colpart_a is not None else 1.0, A.shape[1], "KHATRIRAO", "colpartA")
    cb = _partition(colpart_b if colpart_b is not None else 1.0, B.shape[1], "KHATRIRAO", "colpartB")
    ra = _partition(rowpart_a, A.shape[0], "KHATRIRAO", "rowpartA") if rowpart_a is not None else [(0, A.shape[0])]
    rb = _partition(rowpart_b, B.shape[0], "KHATRIRAO", "rowpartB") if rowpart_b is not None else [(0, B.shape[0])]
    if len(ca) != len(cb) or len(ra) != len(rb):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"KHATRIRAO pairs block (i,j) of A with block (i,j) of B, so both need the same grid of blocks; "
            f"A is cut into {len(ra)} x {len(ca)} blocks, B into {len(rb)} x {len(cb)}"))
    BA, BB = _blocks(A, ra, ca), _blocks(B, rb, cb)
    rows = [np.hstack([kron_arrays(x, y) for x, y in zip(row_a, row_b)]) for row_a, row_b in zip(BA, BB)]
    return wrap(np.vstack(rows))


@builtin("TRACYSINGH(A, B, rowpartA, colpartA, rowpartB, colpartB)",
         "Tracy-Singh product of partitioned matrices: block (i,j) of the result is [A_ij @ B_kl] over the blocks "
         "(k,l) of B. Partitions are block sizes (a scalar k: equal blocks of k). One block each gives A @ B.",
         example=("print (tracysingh({1 2, 3 4}, {1, 10}, 2, 1, 1, 1));   /* A by columns, B by elements */",
                  "\n        1         2\n        3         4\n       10        20\n       30        40\n"))
def tracysingh(a, b, rpa, cpa, rpb, cpb):
    A = _matrix(a, "TRACYSINGH", "matrix A")
    B = _matrix(b, "TRACYSINGH", "matrix B")
    BA = _blocks(A, _partition(rpa, A.shape[0], "TRACYSINGH", "rowpartA"),
                 _partition(cpa, A.shape[1], "TRACYSINGH", "colpartA"))
    BB = _blocks(B, _partition(rpb, B.shape[0], "TRACYSINGH", "rowpartB"),
                 _partition(cpb, B.shape[1], "TRACYSINGH", "colpartB"))

    def block(Aij):
        return np.vstack([np.hstack([kron_arrays(Aij, Bkl) for Bkl in row]) for row in BB])
    return wrap(np.vstack([np.hstack([block(Aij) for Aij in row]) for row in BA]))


# ---------------------------------------------------------------- vec algebra
@builtin("VEC(X)",
         "Column vector of the elements of X taken COLUMN by column (the vec of vec(AXB) = (B`@A)vec(X)); "
         "COLVEC reads row by row instead.",
         example=("print (vec({1 2, 3 4}));", "\n        1\n        3\n        2\n        4\n"))
def vec(x):
    if is_char(x):
        return wrap(x.T.reshape(-1, 1).copy())
    X = num(x)
    return wrap(X.T.reshape(-1, 1).copy())


@builtin("UNVEC(v, nrow)",
         "Inverse of VEC: the nrow x (n/nrow) matrix whose columns, stacked, are the n elements of v.",
         example=("print (unvec({1 3 2 4}, 2));", "\n        1         2\n        3         4\n"))
def unvec(v, nrow):
    V = num(v).reshape(-1) if not is_char(v) else v.reshape(-1)
    m = _size(nrow, "UNVEC", "nrow")
    if V.size % m:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"UNVEC: {V.size} elements cannot fill {m} rows evenly")
    return wrap(V.reshape(V.size // m, m).T.copy())


@builtin("COMMUTATION(m <,n>)",
         "Commutation matrix K (mn x mn, a permutation): K*vec(X) = vec(X`) for every m x n X; n defaults to m. "
         "It also swaps Kronecker factors: K(p,m)*(A@B)*K(n,q) = B@A for A m x n, B p x q.",
         example=("print (commutation(2, 1));", "\n        1         0\n        0         1\n"))
def commutation(m, n=None):
    m = _size(m, "COMMUTATION", "m")
    n = m if n is None else _size(n, "COMMUTATION", "n")
    K = np.zeros((m * n, m * n))
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    K[(i * n + j).ravel(), (j * m + i).ravel()] = 1.0
    return wrap(K)


def _lower_pairs(n: int) -> list:
    """(i, j) of the lower triangle, column by column: the order of VECH."""
    return [(i, j) for j in range(n) for i in range(j, n)]


@builtin("DUPLICATION(n)",
         "Duplication matrix D (n^2 x n(n+1)/2): D*vech(X) = vec(X) for symmetric n x n X, vech being the lower "
         "triangle taken column by column (SAS's VECH).",
         example=("print (duplication(2));",
                  "\n        1         0         0\n        0         1         0\n        0         1         0\n        0         0         1\n"))
def duplication(n):
    n = _size(n, "DUPLICATION", "n")
    pairs = _lower_pairs(n)
    D = np.zeros((n * n, len(pairs)))
    for k, (i, j) in enumerate(pairs):
        D[j * n + i, k] = 1.0
        D[i * n + j, k] = 1.0
    return wrap(D)


@builtin("ELIMINATION(n)",
         "Elimination matrix L (n(n+1)/2 x n^2): L*vec(X) = vech(X), the lower triangle of X column by column.",
         example=("print (elimination(2));",
                  "\n        1         0         0         0\n        0         1         0         0\n        0         0         0         1\n"))
def elimination(n):
    n = _size(n, "ELIMINATION", "n")
    pairs = _lower_pairs(n)
    L = np.zeros((len(pairs), n * n))
    for k, (i, j) in enumerate(pairs):
        L[k, j * n + i] = 1.0
    return wrap(L)


# ---------------------------------------------------------------- nearest Kronecker product
def nearest_kron(M: np.ndarray, m1: int, n1: int, name: str):
    """B (m1 x n1), C, relerr minimising ||M - B@C||_F (Van Loan & Pitsianis, 1993).

    Rearranged so that row (i,j) holds block M_ij, M becomes R with R(B@C) = vec(B) vec(C)`;
    the best rank-one approximation of R (first singular triple) gives B and C. The scale is
    shared evenly (||B|| = ||C||) and the largest element of B in magnitude is made positive."""
    if np.isnan(M).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name} does not accept missing values")
    r, c = M.shape
    if r % m1 or c % n1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"{name}: a {r} x {c} matrix cannot be cut into {m1} x {n1} blocks of equal size "
            f"(m1 must divide nrow(M) and n1 divide ncol(M))"))
    m2, n2 = r // m1, c // n1
    R = M.reshape(m1, m2, n1, n2).transpose(0, 2, 1, 3).reshape(m1 * n1, m2 * n2)
    U, s, Vt = np.linalg.svd(R, full_matrices=False)
    b, cvec = U[:, 0] * np.sqrt(s[0]), Vt[0] * np.sqrt(s[0])
    k = int(np.argmax(np.abs(b)))
    if b[k] < 0:
        b, cvec = -b, -cvec
    total = float(np.sqrt(np.sum(s ** 2)))
    relerr = float(np.sqrt(np.sum(s[1:] ** 2)) / total) if total > 0 else 0.0
    return b.reshape(m1, n1), cvec.reshape(m2, n2), relerr


@builtin("NEARESTKRON(B, C, relerr, M, m1, n1)",
         "Nearest Kronecker product: B (m1 x n1) and C minimise the Frobenius norm of M - B@C (Van Loan-Pitsianis "
         "rearrangement and SVD); relerr = norm(M - B@C)/norm(M). B and C share the scale; B's largest element is positive.",
         kind="call", outputs=(0, 1, 2),
         example=("call nearestkron(B, C, e, {1 2, 3 4} @ {1 1}, 2, 2);\nprint (B @ C)[L=\"B @ C\"] (e < 1e-12)[L=\"exact\"];",
                  "    B @ C                                    exact\n        1         1         2         2          1\n"
                  "        3         3         4         4\n"))
def nearestkron(_b, _c, _e, m, m1, n1):
    M = _matrix(m, "NEARESTKRON", "matrix M")
    B, C, e = nearest_kron(M, _size(m1, "NEARESTKRON", "m1"), _size(n1, "NEARESTKRON", "n1"), "NEARESTKRON")
    return wrap(B), wrap(C), e


@builtin("KRONAPPROX(M, m1, n1)",
         "The nearest Kronecker product B@C to M (B m1 x n1) in the Frobenius norm; CALL NEARESTKRON gives B, C and the error.",
         example=("print (kronapprox({2 4, 1 2}, 2, 1));", "\n        2         4\n        1         2\n"))
def kronapprox(m, m1, n1):
    M = _matrix(m, "KRONAPPROX", "matrix M")
    B, C, _ = nearest_kron(M, _size(m1, "KRONAPPROX", "m1"), _size(n1, "KRONAPPROX", "n1"), "KRONAPPROX")
    return wrap(kron_arrays(B, C))
