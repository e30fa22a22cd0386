"""The Kronecker family (KRON, KHATRIRAO, TRACYSINGH, KRONSUM, VEC, UNVEC, COMMUTATION, DUPLICATION,
ELIMINATION, NEARESTKRON, KRONAPPROX) and Kronecker identities of the language, over random shapes.

Every expectation is computed independently with numpy (np.kron, explicit loops over blocks,
eigvalsh, svd) from the definitions, never from imlpy's own output.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from helpers import run

FAST = settings(max_examples=20, deadline=None)


def literal(M: np.ndarray) -> str:
    """An IML matrix literal holding M exactly (repr of a float round-trips)."""
    return "{" + ", ".join(" ".join(repr(float(x)) for x in row) for row in np.atleast_2d(M)) + "}"


def iml(code: str, **mats):
    """Run `code` after assigning the numpy matrices given as keywords; returns the result."""
    setup = " ".join(f"{k} = {literal(v)};" for k, v in mats.items())
    r = run(setup + " " + code)
    assert r.status == 0, r.log
    return r


def value(r, name) -> np.ndarray:
    return np.atleast_2d(np.asarray(r[name], dtype=float))


dims = st.integers(1, 4)


@st.composite
def matrices(draw, rows=None, cols=None, lo=-9, hi=9):
    m = rows if rows is not None else draw(dims)
    n = cols if cols is not None else draw(dims)
    vals = draw(st.lists(st.integers(lo, hi), min_size=m * n, max_size=m * n))
    return np.array(vals, dtype=float).reshape(m, n)


@st.composite
def symmetric(draw):
    n = draw(dims)
    M = draw(matrices(rows=n, cols=n))
    return M + M.T


def partition(draw, total: int) -> list:
    """Random block sizes adding up to total."""
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=total - 1))) if total > 1 else []
    edges = [0] + cuts + [total]
    return [b - a for a, b in zip(edges, edges[1:])]


# ---------------------------------------------------------------- KRON and the language
@FAST
@given(matrices(), matrices(), matrices())
def test_kron_n_ary_is_associative(A, B, C):
    r = iml("k = kron(A, B, C); l = (A @ B) @ C; m = A @ (B @ C); k2 = kron(A, B);", A=A, B=B, C=C)
    expected = np.kron(np.kron(A, B), C)
    for name in ("k", "l", "m"):
        np.testing.assert_array_equal(value(r, name), expected)
    np.testing.assert_array_equal(value(r, "k2"), np.kron(A, B))


@FAST
@given(matrices(), matrices())
def test_transpose_distributes(A, B):
    r = iml("t1 = (A @ B)`; t2 = A` @ B`;", A=A, B=B)
    np.testing.assert_array_equal(value(r, "t1"), value(r, "t2"))
    np.testing.assert_array_equal(value(r, "t1"), np.kron(A, B).T)


@FAST
@given(st.data())
def test_mixed_product(data):
    m, n, k, p, q, s = (data.draw(dims) for _ in range(6))
    A, C = data.draw(matrices(m, n)), data.draw(matrices(n, k))
    B, D = data.draw(matrices(p, q)), data.draw(matrices(q, s))
    r = iml("lhs = (A @ B) * (C @ D); rhs = (A * C) @ (B * D);", A=A, B=B, C=C, D=D)
    np.testing.assert_array_equal(value(r, "lhs"), value(r, "rhs"))
    np.testing.assert_array_equal(value(r, "lhs"), np.kron(A @ C, B @ D))


# ---------------------------------------------------------------- KHATRIRAO
@FAST
@given(st.data())
def test_khatrirao_of_single_columns_is_kron(data):
    A, B = data.draw(matrices(cols=1)), data.draw(matrices(cols=1))
    r = iml("k = khatrirao(A, B);", A=A, B=B)
    np.testing.assert_array_equal(value(r, "k"), np.kron(A, B))


@FAST
@given(st.data())
def test_khatrirao_column_by_column(data):
    n = data.draw(dims)
    A, B = data.draw(matrices(cols=n)), data.draw(matrices(cols=n))
    r = iml("k = khatrirao(A, B);", A=A, B=B)
    expected = np.column_stack([np.kron(A[:, j], B[:, j]) for j in range(n)])
    np.testing.assert_array_equal(value(r, "k"), expected)


@FAST
@given(st.data())
def test_khatrirao_partitioned(data):
    A, B = data.draw(matrices()), data.draw(matrices())
    nblocks_c = data.draw(st.integers(1, min(A.shape[1], B.shape[1])))
    nblocks_r = data.draw(st.integers(1, min(A.shape[0], B.shape[0])))

    def cut(total, k):   # k random positive sizes adding up to total
        cuts = sorted(data.draw(st.lists(st.integers(1, total - 1), min_size=k - 1, max_size=k - 1,
                                         unique=True))) if k > 1 else []
        edges = [0] + cuts + [total]
        return [b - a for a, b in zip(edges, edges[1:])]
    ca, cb = cut(A.shape[1], nblocks_c), cut(B.shape[1], nblocks_c)
    ra, rb = cut(A.shape[0], nblocks_r), cut(B.shape[0], nblocks_r)
    r = iml("k = khatrirao(A, B, ca, cb, ra, rb);", A=A, B=B, ca=np.array([ca]), cb=np.array([cb]),
            ra=np.array([ra]), rb=np.array([rb]))
    sa_r, sa_c, sb_r, sb_c = (np.cumsum([0] + p) for p in (ra, ca, rb, cb))
    expected = np.block([[np.kron(A[sa_r[i]:sa_r[i + 1], sa_c[j]:sa_c[j + 1]],
                                  B[sb_r[i]:sb_r[i + 1], sb_c[j]:sb_c[j + 1]])
                          for j in range(nblocks_c)] for i in range(nblocks_r)])
    np.testing.assert_array_equal(value(r, "k"), expected)


# ---------------------------------------------------------------- TRACYSINGH
@FAST
@given(matrices(), matrices())
def test_tracysingh_with_trivial_partitions_is_kron(A, B):
    (m, n), (p, q) = A.shape, B.shape
    r = iml(f"t1 = tracysingh(A, B, {m}, {n}, {p}, {q}); t2 = tracysingh(A, B, 1, 1, {p}, {q});"
            f"t3 = tracysingh(A, B, {m}, {n}, 1, 1);", A=A, B=B)
    np.testing.assert_array_equal(value(r, "t1"), np.kron(A, B))
    np.testing.assert_array_equal(value(r, "t2"), np.kron(A, B))      # blocks a_ij: [a_ij B] = A @ B
    np.testing.assert_array_equal(value(r, "t3"), np.kron(B, A))      # blocks b_kl: [A b_kl] = B @ A


@FAST
@given(st.data())
def test_tracysingh_general(data):
    A, B = data.draw(matrices()), data.draw(matrices())
    parts = [partition(data.draw, d) for d in (*A.shape, *B.shape)]
    r = iml("t = tracysingh(A, B, p1, p2, p3, p4);", A=A, B=B,
            **{f"p{k + 1}": np.array([p]) for k, p in enumerate(parts)})
    e = [np.cumsum([0] + p) for p in parts]
    blocks_a = [[A[e[0][i]:e[0][i + 1], e[1][j]:e[1][j + 1]] for j in range(len(parts[1]))] for i in range(len(parts[0]))]
    blocks_b = [[B[e[2][k]:e[2][k + 1], e[3][l]:e[3][l + 1]] for l in range(len(parts[3]))] for k in range(len(parts[2]))]
    expected = np.block([[np.block([[np.kron(Aij, Bkl) for Bkl in rowb] for rowb in blocks_b]) for Aij in rowa]
                         for rowa in blocks_a])
    np.testing.assert_array_equal(value(r, "t"), expected)


# ---------------------------------------------------------------- KRONSUM
@FAST
@given(symmetric(), symmetric())
def test_kronsum_eigenvalues_are_pairwise_sums(A, B):
    r = iml("k = kronsum(A, B); e = eigval(k);", A=A, B=B)
    n, m = A.shape[0], B.shape[0]
    np.testing.assert_array_equal(value(r, "k"), np.kron(A, np.eye(m)) + np.kron(np.eye(n), B))
    sums = np.add.outer(np.linalg.eigvalsh(A), np.linalg.eigvalsh(B)).ravel()
    np.testing.assert_allclose(value(r, "e").ravel(), np.sort(sums)[::-1], atol=1e-9)


# ---------------------------------------------------------------- vec algebra
@FAST
@given(matrices())
def test_vec_unvec_and_commutation(X):
    m, n = X.shape
    r = iml(f"v = vec(X); back = unvec(v, {m}); K = commutation({m}, {n}); kv = K * v; vt = vec(X`);", X=X)
    np.testing.assert_array_equal(value(r, "v").ravel(), X.T.ravel())          # columns stacked
    np.testing.assert_array_equal(value(r, "back"), X)
    np.testing.assert_array_equal(value(r, "kv").ravel(), X.ravel())           # vec(X`) = rows stacked
    K = value(r, "K")
    np.testing.assert_array_equal(K @ K.T, np.eye(m * n))                      # a permutation


@FAST
@given(symmetric())
def test_duplication_and_elimination(S):
    n = S.shape[0]
    r = iml(f"D = duplication({n}); L = elimination({n}); h = L * vec(S); back = D * h; LD = L * D;", S=S)
    vech = np.array([S[i, j] for j in range(n) for i in range(j, n)])
    np.testing.assert_array_equal(value(r, "h").ravel(), vech)
    np.testing.assert_array_equal(value(r, "back").ravel(), S.T.ravel())
    np.testing.assert_array_equal(value(r, "LD"), np.eye(n * (n + 1) // 2))
    assert value(r, "D").shape == (n * n, n * (n + 1) // 2)


def test_commutation_by_hand():
    # X = {1 2 3, 4 5 6}: vec(X) = (1 4 2 5 3 6), vec(X`) = (1 2 3 4 5 6)
    r = iml("k = commutation(2, 3) * vec({1 2 3, 4 5 6}); d = commutation(2);")
    assert list(value(r, "k").ravel()) == [1, 2, 3, 4, 5, 6]
    np.testing.assert_array_equal(value(r, "d"), [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])


# ---------------------------------------------------------------- NEARESTKRON
def van_loan_rearrangement(M, m1, n1):
    """R(M) as in Van Loan & Pitsianis: row (i,j), column-major over blocks, is vec(M_ij)`."""
    m2, n2 = M.shape[0] // m1, M.shape[1] // n1
    rows = []
    for j in range(n1):
        for i in range(m1):
            rows.append(M[i * m2:(i + 1) * m2, j * n2:(j + 1) * n2].flatten(order="F"))
    return np.array(rows)


@FAST
@given(st.data())
def test_nearestkron_recovers_an_exact_product(data):
    B, C = data.draw(matrices(lo=1, hi=9)), data.draw(matrices())
    M = np.kron(B, C)
    m1, n1 = B.shape
    r = iml(f"call nearestkron(Bh, Ch, e, M, {m1}, {n1}); P = Bh @ Ch; Q = kronapprox(M, {m1}, {n1});", M=M)
    np.testing.assert_allclose(value(r, "P"), M, atol=1e-9 * (1 + np.abs(M).max()))
    np.testing.assert_allclose(value(r, "Q"), M, atol=1e-9 * (1 + np.abs(M).max()))
    assert value(r, "Bh").shape == B.shape and value(r, "Ch").shape == C.shape
    assert float(r["e"]) < 1e-7
    # B and C are found up to a shared scale: Bh = s * B for one s
    Bh = value(r, "Bh")
    s = Bh.ravel() @ B.ravel() / (B.ravel() @ B.ravel())
    np.testing.assert_allclose(Bh, s * B, atol=1e-9 * np.abs(Bh).max())


@FAST
@given(st.data())
def test_nearestkron_error_is_svd_optimal(data):
    m1, n1, m2, n2 = (data.draw(dims) for _ in range(4))
    M = data.draw(matrices(m1 * m2, n1 * n2))
    if not M.any():
        M[0, 0] = 1.0
    r = iml(f"call nearestkron(Bh, Ch, e, M, {m1}, {n1}); P = Bh @ Ch;", M=M)
    s = np.linalg.svd(van_loan_rearrangement(M, m1, n1), compute_uv=False)
    optimal = np.sqrt((s[1:] ** 2).sum()) / np.linalg.norm(M)
    assert abs(float(r["e"]) - optimal) < 1e-9
    achieved = np.linalg.norm(M - value(r, "P")) / np.linalg.norm(M)
    assert abs(achieved - optimal) < 1e-9


def test_nearestkron_by_hand():
    # {1 2, 2 4.5} with 2 x 1 blocks of 1 x 2: rows (1 2) and (2 4.5); not rank one, so error > 0
    r = iml("call nearestkron(B, C, e, {1 2, 2 4.5}, 2, 1); x = kronapprox({2 4, 1 2}, 2, 1);")
    assert float(r["e"]) > 0
    np.testing.assert_allclose(value(r, "x"), [[2, 4], [1, 2]], atol=1e-12)
    assert value(r, "B")[0, 0] > 0 or value(r, "B")[1, 0] > 0


@pytest.mark.parametrize("code, words", [
    ("x = kron({1 2});", "Wrong number of arguments."),
    ("x = kron({'a'}, 1);", "Character argument should be numeric."),
    ("x = khatrirao({1 2}, {1 2}, 1);", "give the partitions of A and of B together"),
    ("x = khatrirao({1 2}, {1 2}, {1 1}, {0 2});", "sizes in colpartB must be positive whole numbers"),
    ("x = duplication(-1);", "DUPLICATION: n must be a positive whole number"),
    ("x = kronapprox({1 .}, 1, 1);", "KRONAPPROX does not accept missing values"),
])
def test_family_argument_errors(code, words):
    r = run(code)
    assert r.status == 2 and words in r.log, r.log


FAMILY = ["kronblocks", "kronlabels", "kron", "kronsum", "khatrirao", "tracysingh", "vec", "unvec",
          "commutation", "duplication", "elimination", "nearestkron", "kronapprox"]


@pytest.mark.parametrize("name", FAMILY)
def test_help_example_prints_what_it_says(name):
    # the examples' expected outputs were worked out by hand from the definitions
    from imlpy.builtins import REGISTRY
    b = REGISTRY[name]
    assert b.signature.upper().startswith(name.upper() + "(") and b.summary and b.example
    code, expected = b.example
    r = run(code)
    assert r.status == 0, r.log
    assert r.out.strip("\n") == expected.strip("\n")
