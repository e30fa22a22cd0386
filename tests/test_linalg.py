"""Linear algebra and special matrices (linalg.py, matrices.py), checked against numpy and the SAS
documentation's own examples."""
import numpy as np
import pytest

from helpers import run

A3 = "A = {4 1 2, 1 5 3, 2 3 6};"
A_NP = np.array([[4, 1, 2], [1, 5, 3], [2, 3, 6]], float)
RECT = "R = {1 2, 3 4, 5 6, 7 9};"
R_NP = np.array([[1, 2], [3, 4], [5, 6], [7, 9]], float)


def ok(code):
    r = run(code)
    assert r.status == 0, r.log
    return r


def test_svd_reconstructs_and_is_descending():
    r = ok(RECT + "call svd(U, Q, V, R); back = U*diag(Q)*V`;")
    assert r["Q"].shape == (2, 1)
    assert np.allclose(r["back"], R_NP)
    assert np.allclose(r["Q"].ravel(), np.linalg.svd(R_NP, compute_uv=False))
    assert r["Q"][0, 0] >= r["Q"][1, 0]
    assert np.allclose(r["U"].T @ r["U"], np.eye(2)) and np.allclose(r["V"].T @ r["V"], np.eye(2))


def test_qr_orthogonal_and_reconstructs():
    r = ok(RECT + "call qr(Q, Rm, piv, lindep, R);")
    Q, Rm = r["Q"], r["Rm"]
    assert Q.shape == (4, 4) and Rm.shape == (2, 2)
    assert np.allclose(Q.T @ Q, np.eye(4))
    assert np.allclose(np.tril(Rm, -1), 0)
    assert r["piv"].ravel().tolist() == [1, 2]            # default ord: no pivoting
    assert r["lindep"] == 0
    assert np.allclose(Q[:, :2] @ Rm, R_NP)


def test_qr_with_b_returns_qtb_and_skipped_ord_solves_least_squares():
    r = ok(RECT + "b = {1, 2, 2, 4}; call qr(c, Rm, piv, lindep, R, , b);"
           "x = trisolv(1, Rm, c[1:2], piv);")
    expected, *_ = np.linalg.lstsq(R_NP, np.array([1, 2, 2, 4.0]), rcond=None)
    assert r["c"].shape == (4, 1)
    assert np.allclose(r["x"].ravel(), expected)


def test_qr_column_pivoting_finds_dependent_column():
    r = ok("X = {1 2 3, 2 4 1, 3 6 0, 4 8 2}; call qr(Q, Rm, piv, lindep, X, {0 0 0});")
    X = np.array([[1, 2, 3], [2, 4, 1], [3, 6, 0], [4, 8, 2]], float)
    piv = r["piv"].ravel().astype(int) - 1
    assert sorted(piv.tolist()) == [0, 1, 2]
    assert r["lindep"] == 1                                # column 2 = 2 * column 1
    assert piv[0] == 1                                     # the column of largest norm comes first
    assert np.allclose(r["Q"][:, :3] @ r["Rm"], X[:, piv])


def test_trisolv_forms_and_root_from_sas_doc():
    r = ok("A = {25 0 5, 0 4 6, 5 6 59}; U = root(A); b = {5, 2, 53};"
           "z = trisolv(2, U, b); v = trisolv(1, U, z); L = U`; w = trisolv(4, L, b); y = trisolv(3, L, w);")
    assert r["U"].tolist() == [[5, 0, 1], [0, 2, 3], [0, 0, 7]]
    assert np.allclose(r["v"].ravel(), [0, -1, 1])
    assert np.allclose(r["y"].ravel(), [0, -1, 1])


def test_root_is_upper_cholesky_and_errors():
    r = ok(A3 + "U = root(A);")
    assert np.allclose(r["U"].T @ r["U"], A_NP) and np.allclose(np.tril(r["U"], -1), 0)
    bad = run("U = root({1 2, 2 1});")
    assert bad.status == 2 and "positive definite" in bad.log
    quiet = ok("U = root({1 2, 2 1}, 'NoError');")
    assert np.isnan(quiet["U"]).all()


def test_solve_inv_det_and_singular_errors():
    r = ok(A3 + "x = solve(A, {1, 2, 3}); Ai = inv(A); d = det(A);")
    assert np.allclose(r["x"].ravel(), np.linalg.solve(A_NP, [1, 2, 3]))
    assert np.allclose(r["Ai"] @ A_NP, np.eye(3))
    assert r["d"] == pytest.approx(np.linalg.det(A_NP))
    for code in ("x = inv({1 2, 2 4});", "x = solve({1 2, 2 4}, {1, 1});", "x = trisolv(1, {1 2, 0 0}, {1, 1});"):
        bad = run(code)
        assert bad.status == 2 and "non-singular" in bad.log
        assert "Traceback" not in bad.text


@pytest.mark.parametrize("code", ["x = inv({1 2 3});", "x = det({1 2});", "x = eigval({1 2 3, 4 5 6});",
                                  "x = root({1 2});"])
def test_not_square_is_an_error(code):
    bad = run(code)
    assert bad.status == 2 and "square" in bad.log


def test_eigen_symmetric_descending_and_general_n_by_2():
    r = ok(A3 + "call eigen(val, vec, A);")
    w = np.linalg.eigvalsh(A_NP)[::-1]
    assert r["val"].shape == (3, 1) and np.allclose(r["val"].ravel(), w)
    assert np.allclose(A_NP @ r["vec"], r["vec"] * r["val"].ravel())
    g = ok("A = {67.00 177.60 -63.20, -20.40 95.88 -87.16, 22.80 67.84 12.12}; v = eigval(A); e = eigvec(A);")
    assert np.allclose(g["v"], [[75, 100], [75, -100], [25, 0]])           # SAS doc (Golub and Van Loan 7.1.1)
    A = np.array([[67.00, 177.60, -63.20], [-20.40, 95.88, -87.16], [22.80, 67.84, 12.12]])
    z = g["e"][:, 0] + 1j * g["e"][:, 1]                                    # complex pair in columns 1-2
    assert np.allclose(A @ z, (75 + 100j) * z)
    assert np.allclose(A @ g["e"][:, 2], 25 * g["e"][:, 2])
    nonsym_real = ok("v = eigval({2 1, 0 3});")
    assert nonsym_real["v"].tolist() == [[3, 0], [2, 0]]


def test_logabsdet_norm_ginv():
    r = ok("z = {1 2 3, 4 9 6, 7 8 9}; x = logabsdet(z); s = logabsdet({1 1, 1 1});")
    assert r["x"].shape == (1, 2)
    assert r["x"][0, 0] == pytest.approx(np.log(48)) and r["x"][0, 1] == -1
    assert np.isnan(r["s"][0, 0]) and r["s"][0, 1] == 0
    n = ok("v = {3 -4 12}; a = norm(v); b = norm(v, 'L1'); c = norm(v, 'LInf'); d = norm(v, 3);"
           + RECT + "f = norm(R); g = norm(R, 'L1'); h = norm(R, 'L2'); i = norm(R, 'LInf');")
    v = np.array([3, -4, 12.0])
    assert (n["a"], n["b"], n["c"]) == (13, 19, 12)
    assert n["d"] == pytest.approx(np.sum(np.abs(v) ** 3) ** (1 / 3))
    assert n["f"] == pytest.approx(np.linalg.norm(R_NP, "fro"))
    assert n["g"] == pytest.approx(np.linalg.norm(R_NP, 1))
    assert n["h"] == pytest.approx(np.linalg.norm(R_NP, 2))
    assert n["i"] == pytest.approx(np.linalg.norm(R_NP, np.inf))
    assert run("x = norm({1 2, 3 4}, 3);").status == 2
    gi = ok(RECT + "G = ginv(R);")
    assert np.allclose(gi["G"], np.linalg.pinv(R_NP))


def test_sweep_regression_and_reversibility():
    r = ok(A3 + "S = sweep(A, 1:2); B = sweep(S, 1:2); T = sweep(sweep(A, 1), 2);")
    inv12 = np.linalg.inv(A_NP[:2, :2])
    assert np.allclose(r["S"][:2, :2], inv12)
    assert np.allclose(r["S"][:2, 2], inv12 @ A_NP[:2, 2])
    assert np.allclose(r["S"][2, 2], A_NP[2, 2] - A_NP[2, :2] @ inv12 @ A_NP[:2, 2])
    assert np.allclose(r["B"], A_NP) and np.allclose(r["T"], r["S"])


def test_echelon_hermite_homogen_orpol():
    r = ok("E = echelon({1 2 3, 2 4 6, 1 1 1}); H = hermite({1 2 3, 2 4 6, 1 1 1});"
           "N = homogen({1 2 3, 4 5 6, 7 8 9}); P = orpol(T(1:5), 2); W = orpol({1, 2, 4}, 2, {1, 2, 1});")
    assert np.allclose(r["E"], [[1, 0, -1], [0, 1, 2], [0, 0, 0]])
    H = r["H"]
    assert np.allclose(H @ H, H) and np.allclose(np.tril(H, -1), 0)
    N = r["N"]
    M = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9.0]])
    assert N.shape == (3, 1) and np.allclose(M @ N, 0) and np.isclose(np.linalg.norm(N), 1)
    P = r["P"]
    assert np.allclose(P.T @ P, np.eye(3))
    assert np.allclose(P[:, 1], np.array([-2, -1, 0, 1, 2]) / np.sqrt(10))      # SAS doc: -0.632456, -0.316228, ...
    W = r["W"]
    assert np.allclose(W.T @ np.diag([1, 2, 1]) @ W, np.eye(3))


def test_vech_family_and_full():
    r = ok("v = vech({1 2 3, 2 4 5, 3 5 6}); m = sqrvech(v); s = symsqr({1 2, 3 4}); q = sqrsym(T(1:6));"
           "f = full({3 1 1, 1.1 2 1, 4 2 2, 1 3 2, 10 3 3, 3.2 4 2, 3 4 4});")
    assert r["v"].ravel().tolist() == [1, 2, 3, 4, 5, 6]
    assert r["m"].tolist() == [[1, 2, 3], [2, 4, 5], [3, 5, 6]]
    assert r["s"].ravel().tolist() == [1, 3, 4]
    assert r["q"].tolist() == [[1, 2, 4], [2, 3, 5], [4, 5, 6]]                  # SAS doc
    assert r["f"].tolist() == [[3, 0, 0, 0], [1.1, 4, 0, 0], [0, 1, 10, 0], [0, 3.2, 0, 3]]   # SAS doc
    assert run("m = sqrvech({1 2});").status == 2


@pytest.mark.parametrize("n", [1, 2, 4, 8, 12, 20, 24, 28, 36])
def test_hadamard_orthogonal(n):
    H = ok(f"H = hadamard({n});")["H"]
    H = np.atleast_2d(H)
    assert H.shape == (n, n) and set(np.unique(H)) <= {-1, 1}
    assert np.allclose(H @ H.T, n * np.eye(n))


def test_hadamard_12_matches_sas_doc_and_unsupported_gives_zero():
    H = ok("H = hadamard(12); r = hadamard(12, 2); z = hadamard(6);")
    assert H["H"][0].tolist() == [1] + [-1] * 11
    assert H["H"][1].tolist() == [1, 1, -1, 1, -1, -1, -1, 1, 1, 1, -1, 1]
    assert H["r"].tolist() == [H["H"][1].tolist()]
    assert H["z"] == 0


def test_toeplitz_vector_and_block_forms_from_sas_doc():
    r = ok("a = toeplitz(1:5); b = toeplitz({1 2, 3 4, 5 6, 7 8}); c = toeplitz({1 2 3 4, 5 6 7 8});")
    assert r["a"][1].tolist() == [2, 1, 2, 3, 4]
    assert r["b"].tolist() == [[1, 2, 5, 7], [3, 4, 6, 8], [5, 6, 1, 2], [7, 8, 3, 4]]
    assert r["c"].tolist() == [[1, 2, 3, 4], [5, 6, 7, 8], [3, 7, 1, 2], [4, 8, 5, 6]]


def test_design_designf_magic():
    r = ok("d = design({'b', 'a', 'b'}); f = designf({3, 1, 2, 3}); m = magic(4); s = magic(6);")
    assert r["d"].tolist() == [[0, 1], [1, 0], [0, 1]]
    assert r["f"].tolist() == [[-1, -1], [1, 0], [0, 1], [-1, -1]]
    for M, n in ((r["m"], 4), (r["s"], 6)):
        total = n * (n * n + 1) / 2
        assert sorted(M.ravel()) == list(range(1, n * n + 1))
        assert np.allclose(M.sum(0), total) and np.allclose(M.sum(1), total)
        assert np.trace(M) == total and np.trace(M[::-1]) == total


def test_allcomb_allperm_orders_from_sas_doc():
    r = ok("c = allcomb(4, 2); p = allperm(3); q = allperm({'C' 'B' 'A'}); c5 = allcomb(5, 3);")
    assert r["c"].tolist() == [[1, 2], [2, 3], [1, 3], [3, 4], [2, 4], [1, 4]]
    assert r["p"].tolist() == [[1, 2, 3], [1, 3, 2], [3, 1, 2], [3, 2, 1], [2, 3, 1], [2, 1, 3]]
    assert r["q"].tolist() == [list("CBA"), list("CAB"), list("ACB"), list("ABC"), list("BAC"), list("BCA")]
    assert len({tuple(x) for x in r["c5"]}) == 10


def test_btran_insert_remove():
    r = ok("x = {1 2 3 4, 5 6 7 8}; b = btran(x, 1, 2);"
           "i = insert({1 2, 3 4}, {5 6}, 3); j = insert({1 2, 3 4}, {9, 9}, 0, 1);"
           "k = remove({1 2, 3 4}, {1 4}); e = remove(5, 1);")
    assert r["b"].tolist() == [[1, 2, 5, 6], [3, 4, 7, 8]]
    assert r["i"].tolist() == [[1, 2], [3, 4], [5, 6]]
    assert r["j"].tolist() == [[9, 1, 2], [9, 3, 4]]
    assert r["k"].tolist() == [[2, 3]]
    assert r["e"].size == 0
    assert run("x = remove({1 2}, 3);").status == 2
    assert run("x = insert({1 2}, {1 2 3}, 1);").status == 2


def test_indices_grids_choose_dimension_cvexhull():
    r = ok("s = sub2ndx({3 4}, {2 3, 3 4}); n = ndx2sub({3 4}, s); g = expandgrid(1:2, {5 6 7});"
           "c = choose({1 0, . 2}, 'yes', 'no'); d = dimension(J(3, 5)); e = dimension(undefined_thing);")
    assert r["s"].ravel().tolist() == [7, 12]
    assert r["n"].tolist() == [[2, 3], [3, 4]]
    assert r["g"].tolist() == [[a, b] for a in (1, 2) for b in (5, 6, 7)]
    assert r["c"].tolist() == [["yes", "no"], ["no", "yes"]]
    assert r["d"].tolist() == [[3, 5]] and r["e"].tolist() == [[0, 0]]
    h = ok("points = {0 2, 0.5 2, 1 2, 0.5 1, 0 0, 0.5 0, 1 0, 2 -1, 2 0, 2 1, 3 0, 4 1, 4 0, 4 -1,"
           " 5 2, 5 1, 5 0, 6 0}; idx = cvexhull(points); hull = idx[loc(idx > 0)];")
    assert h["hull"].ravel().tolist() == [1, 5, 8, 14, 18, 15]                 # SAS doc's hull, same order
    assert sorted(abs(h["idx"].ravel()).tolist()) == list(range(1, 19))
