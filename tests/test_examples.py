"""Every examples/*.iml runs clean and prints what it teaches.

Expected values come from hand calculation or from an independent numpy/scipy computation of
the same quantity, never from imlpy's own output. Each example runs once (in-process); one test
also runs `imlpy run` and `imlpy tour` as a user would.
"""
from __future__ import annotations

import functools
import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

from helpers import run

EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "examples"
ALL = sorted(p.name for p in EXAMPLES.glob("*.iml"))


@functools.lru_cache(maxsize=None)
def example(name: str):
    return run((EXAMPLES / name).read_text())


def flag(out: str, label: str) -> str:
    """The value printed under a PRINT item labelled `label` (alone on its line)."""
    m = re.search(re.escape(label) + r"[ ]*\n[ ]*(\S+)[ ]*\n", out)
    assert m, f"no item labelled {label!r} in the output"
    return m.group(1)


def numbers_after(out: str, label: str, count: int) -> list:
    """The first `count` numbers printed after the line holding `label`."""
    start = out.index(label) + len(label)
    found = re.findall(r"-?\d+(?:\.\d+)?(?:E[-+]?\d+)?", out[start:])
    return [float(x) for x in found[:count]]


H = np.array([[1.0, 1], [1, -1]])


# ---------------------------------------------------------------- all of them
@pytest.mark.parametrize("name", ALL)
def test_example_runs_clean(name):
    r = example(name)
    assert r.status == 0, r.log
    assert r.log == "", r.log
    head = (EXAMPLES / name).read_text().lstrip()
    assert head.startswith("/*"), "each example starts with a comment saying what it teaches"
    assert "Teaches" in head.split("*/")[0]


def test_every_example_is_in_the_tour_and_readme():
    from imlpy.frontends.tour import TOUR
    assert sorted(n for n, _ in TOUR) == ALL
    readme = (EXAMPLES / "README.md").read_text()
    for name in ALL:
        assert f"]({name})" in readme


def test_imlpy_run_and_tour_from_the_command_line():
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    done = subprocess.run([sys.executable, "-m", "imlpy", "run", str(EXAMPLES / "kronecker_eight_ways.iml")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "(r @ w)` = c @ h" in done.stdout
    listing = subprocess.run([sys.executable, "-m", "imlpy", "tour"], capture_output=True, text=True,
                             env=env, timeout=60)
    assert listing.returncode == 0 and "  1  kronecker_eight_ways.iml" in listing.stdout
    assert " 10  kronecker_family.iml" in listing.stdout
    one = subprocess.run([sys.executable, "-m", "imlpy", "tour", "2"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert one.returncode == 0 and "=== 2. centring.iml" in one.stdout and "62.3368" in one.stdout
    bad = subprocess.run([sys.executable, "-m", "imlpy", "tour", "42"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert bad.returncode == 2 and "no example '42'" in bad.stderr


# ---------------------------------------------------------------- 1. eight ways
def test_eight_ways():
    r = example("kronecker_eight_ways.iml")
    out = r.out
    # w @ x = x || x || x (by hand)
    assert ("2  w @ x = x || x || x\n"
            "        1         2         1         2         1         2\n"
            "        3         4         3         4         3         4\n") in out
    # x @ w repeats each column three times in turn
    assert ("        1         1         1         2         2         2\n"
            "        3         3         3         4         4         4\n") in out
    # A @ I(2) with its blocks marked
    assert ("A @ I(2): a[i,j] on a diagonal block  (4 x 4: 2 x 2 blocks, each 2 x 2)\n"
            "        1         0 |         2         0\n"
            "        0         1 |         0         2\n"
            "--------------------+--------------------\n"
            "        3         0 |         4         0\n"
            "        0         3 |         0         4\n") in out
    # row (2,3) of A2 @ B2: a[2,j] * b[3,l] = 4 4 5 5 6 6
    assert re.search(r"\(2,3\) +4 +4 +5 +5 +6 +6\n", out)
    assert flag(out, "w @ x and h @ x agree with || and //") == "1"
    assert flag(out, "(r @ w)` = c @ h when c = r`, h = w`") == "1"
    assert flag(out, "(x @ w)` = x` @ w` and (A2 @ B2)` = A2` @ B2`") == "1"


# ---------------------------------------------------------------- 2. centring
def test_centring():
    r = example("centring.iml")
    X = r["X"]
    assert X.shape == (19, 3)
    # published SASHELP.CLASS means: Height 62.3368, Weight 100.0263, Age 13.3158
    assert numbers_after(r.out, "column means", 3) == [62.3368, 100.0263, 13.3158]
    assert flag(r.out, "X - m@h and X - m agree") == "1"
    assert flag(r.out, "centred columns sum to 0") == "1"
    np.testing.assert_allclose(r["Xc_old"], X - X.mean(axis=0))
    # PROC CORR on SASHELP.CLASS: Height-Weight 0.87779, Height-Age 0.81143, Weight-Age 0.74089
    np.testing.assert_allclose(r["R"], np.corrcoef(X.T), atol=1e-12)
    assert re.search(r"Height +1\.00000 +0\.87779 +0\.81143", r.out)
    assert re.search(r"Weight +0\.87779 +1\.00000 +0\.74089", r.out)


# ---------------------------------------------------------------- 3. Hadamard designs
def test_hadamard_designs():
    r = example("hadamard_designs.iml")
    assert r["ok1"] == 1 and r["ok2"] == 1 and r["ok3"] == 1
    H3 = np.kron(np.kron(H, H), H)
    np.testing.assert_array_equal(r["H3"], H3)
    np.testing.assert_array_equal(H3.T @ H3, 8 * np.eye(8))
    # t-test by hand: means 5.2 and 6.2, pooled variance 0.34/4, t = 1 / sqrt(0.085 * 2/3) = 4.2008
    assert numbers_after(r.out, "t statistic (4 df)", 2) == [1.0, 4.2008]
    # 2 x 2 ANOVA: least squares with numpy on the same design
    X = np.kron(np.kron(H, H), np.ones((2, 1)))
    y = np.array([10, 12, 14, 15, 11, 12, 19, 21.0])
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(r["b"].ravel(), b)
    assert re.search(r"B +72\.000 +57\.600\nA +18\.000 +14\.400\nA\*B +12\.500 +10\.000", r.out)
    # main effects of seven factors: mean at +1 minus mean at -1 for each column of H3[, 2:8]
    y8 = np.array([52, 46, 61, 57, 50, 44, 63, 59.0])
    effects = [y8[H3[:, j] > 0].mean() - y8[H3[:, j] < 0].mean() for j in range(1, 8)]
    np.testing.assert_allclose(r["effects"].ravel(), effects)


# ---------------------------------------------------------------- 4. algebra
def test_kronecker_algebra():
    r = example("kronecker_algebra.iml")
    for label in ["(A@B)(C@D) = (AC)@(BD)", "(A@B)` = A`@B`", "inv(A@B) = inv(A)@inv(B)",
                  "det(A@B) = det(A)**3 det(B)**2", "trace(A@B) = trace(A)trace(B)"]:
        assert label in r.out
    assert r["mixed"] == r["trans"] == r["inver"] == r["dets"] == r["trac"] == 1
    # det(A) = 11, det(B) = 25 by hand; det(A@B) = 11**3 * 25**2 = 831875
    assert re.search(r"det\(A@B\) +det\(A\) +det\(B\)\n +831875 +11 +25\n", r.out)
    A = np.array([[4.0, 1], [1, 3]])
    B = np.array([[2.0, 1, 0], [1, 5, 1], [0, 1, 3]])
    prods = np.sort(np.outer(np.linalg.eigvalsh(A), np.linalg.eigvalsh(B)).ravel())[::-1]
    np.testing.assert_allclose(r["prods"].ravel(), prods)
    assert flag(r.out, "eigenvalues of A@B are the products") == "1"
    assert flag(r.out, "(A@B)(u@v) = lambda*mu (u@v)") == "1"
    assert flag(r.out, "solve(A@B, y) = (inv(A)@inv(B)) y") == "1"


# ---------------------------------------------------------------- 5. vec trick
def test_vec_trick():
    r = example("vec_trick.iml")
    out = r.out
    for label in ["vec(AXB) = (B`@A) vec(X)", "colvec(AXB) = (A@B`) colvec(X)", "rowvec(AXB) = rowvec(X) (A`@B)",
                  "commutation(2,3) vec(X) = vec(X`)", "I(n)@A + B`@I(m) = kronsum(B`, A)", "AX + XB = C",
                  "row-major solve agrees"]:
        assert flag(out, label) == "1", label
    assert flag(out, "rowvec(X) (B@A`) (wrong order)") == "0"
    from scipy.linalg import solve_sylvester
    A = np.array([[4.0, 1, 0], [1, 3, 1], [0, 1, 2]])
    B = np.array([[5.0, 2], [0, 1]])
    C = np.arange(1, 7.0).reshape(3, 2)
    np.testing.assert_allclose(r["X"], solve_sylvester(A, B, C), rtol=1e-12)


# ---------------------------------------------------------------- 6. separable filter
def test_separable_filter():
    r = example("separable_filter.iml")
    X = np.zeros((6, 6))
    X[2:4, 1:4] = 8
    smooth = np.convolve  # 1-D filters applied with numpy, zero padding ('same')
    cols = np.apply_along_axis(lambda c: smooth(c, [1 / 4, 2 / 4, 1 / 4], "same"), 0, X)
    # y_j = (x_{j+1} - x_{j-1}) / 2: convolution kernel reversed
    both = np.apply_along_axis(lambda row: smooth(row, [1 / 2, 0, -1 / 2], "same"), 1, cols)
    np.testing.assert_allclose(r["fast"], both, atol=1e-14)
    np.testing.assert_allclose(r["slow"], both, atol=1e-14)
    assert flag(r.out, "(Hrow @ Hcol) vec(X) gives the same image") == "1"
    assert flag(r.out, "(Hcol @ Hrow) vec(X) = Hrow X Hcol`") == "1"
    assert flag(r.out, "and that is a different image") == "1"
    # row 3 of the filtered image, by hand: column 1 of row 3 is (2*4 + 4)/4 = 3
    assert re.search(r"\n +3\.00 +3\.00 +0\.00 +-3\.00 +-3\.00 +0\.00\n", r.out)


# ---------------------------------------------------------------- 7. Laplacians and CG
def test_laplacian_poisson():
    r = example("laplacian_poisson.iml")
    n = 4
    T = 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)
    E = np.eye(n)
    L3 = np.kron(np.kron(T, E), E) + np.kron(np.kron(E, T), E) + np.kron(np.kron(E, E), T)
    np.testing.assert_array_equal(r["L3"], L3)
    u = np.linalg.solve(L3, np.full(n ** 3, 1 / 25))
    np.testing.assert_allclose(r["x"].ravel(), u, rtol=1e-10)
    assert r["iter"] == 4          # 4 distinct eigenvalues meet a constant right-hand side
    assert flag(r.out, "CG iterations") == "4"
    assert flag(r.out, "CG agrees with SOLVE") == "1"
    assert flag(r.out, "eigval(L3) = all sums lambda_i+lambda_j+lambda_k") == "1"
    # smallest eigenvalue 3 * (2 - 2cos(pi/5)) = 1.145898...
    assert numbers_after(r.out, "3*lambda_1", 2) == [1.14590, 1.14590]
    assert f"{u.max():.6f}" in r.out


# ---------------------------------------------------------------- 8. block-diagonal systems
def test_block_diagonal():
    r = example("block_diagonal.iml")
    B = np.array([[4.0, 1, 0], [1, 3, 1], [0, 1, 2]])
    y = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 0, 1.0])
    x = np.concatenate([np.linalg.solve(B, y[3 * i:3 * i + 3]) for i in range(4)])
    for name in ("x_all", "x_blocks", "x_mat"):
        np.testing.assert_allclose(r[name].ravel(), x, rtol=1e-12)
    assert flag(r.out, "speed-up factor k**2") == "16"
    # the first block by hand: B x = (1,2,3) gives x = (2/9, 1/9, 13/9)
    assert re.search(r"0\.222222 +0\.222222 +0\.222222\n +0\.111111 .*\n +1\.444444", r.out)
    np.testing.assert_allclose(r["x2"].ravel(), [1, 1, 2])


# ---------------------------------------------------------------- 9. separable regression
def test_separable_regression():
    r = example("separable_regression.iml")
    x1 = np.arange(5.0)
    x2 = np.array([10, 20, 30, 40.0])
    X1 = np.column_stack([np.ones(5), x1, x1 ** 2])
    X2 = np.column_stack([np.ones(4), x2])
    Y = r["Ymat"]
    theta, res, *_ = np.linalg.lstsq(np.kron(X1, X2), Y.ravel(), rcond=None)
    np.testing.assert_allclose(r["Theta"], theta.reshape(3, 2), rtol=1e-10)
    assert abs(r["sse"] - res[0]) < 1e-10
    assert numbers_after(r.out, "residual df", 2) == [round(res[0], 4), 14]
    assert flag(r.out, "P1 Y P2` = the full least-squares fit") == "1"
    assert flag(r.out, "X`X = (X1`X1) @ (X2`X2)") == "1"


# ---------------------------------------------------------------- 10. the family
def test_kronecker_family():
    r = example("kronecker_family.iml")
    out = r.out
    assert re.search(r"khatrirao\(A, B\)\n +0 +2\n +1 +0\n +2 +4\n +0 +4\n +3 +0\n +6 +8\n", out)
    assert re.search(r"vech\(S\) = elimination\(3\)\*vec\(S\)\n +4 +1 +2 +5 +3 +6\n", out)
    for label in ["column 2 = A[,2] @ B[,2]", "khatrirao(A, B, 2, 2) = A @ B", "one block each: = A @ B",
                  "K(3,2)(A@B)K(2,2) = B@A", "duplication(3)*vech(S) = vec(S)", "kronapprox(M, 2, 2) = Bh @ Ch"]:
        assert flag(out, label) == "1", label
    # the nearest-Kronecker error: rank-one truncation of the rearranged matrix, computed here
    M = r["M"]
    R = np.array([M[2 * i:2 * i + 2, 3 * j:3 * j + 3].ravel() for i in range(2) for j in range(2)])
    s = np.linalg.svd(R, compute_uv=False)
    assert abs(r["err"] - np.sqrt((s[1:] ** 2).sum() / (s ** 2).sum())) < 1e-12
    assert r["err"] < r["err0"]
