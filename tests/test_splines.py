"""CALL SPLINE/SPLINEC, SPLINEV and CALL GSCALE.

Spline values are checked against scipy.interpolate (an independent implementation of the same
natural / clamped / periodic cubic splines) and against a hand computation; GSCALE against ACM
Algorithm 463 worked by hand.
"""
import numpy as np
import pytest

from helpers import run

si = pytest.importorskip("scipy.interpolate")

X = np.array([0, 1, 4, 5, 7, 8, 10.0])       # the data of the corpus's interpolation/cubicInterp.sas
Y = np.array([1, 3, 5, 4, 6, 3, 3.0])
DATA = "{" + ", ".join(f"{a:g} {b:g}" for a, b in zip(X, Y)) + "}"


def ok(code):
    r = run(code)
    assert r.status == 0, r.text
    return r


def fails(code, *words):
    r = run(code)
    assert r.status == 2 and "Traceback" not in r.text and "internal error" not in r.text, r.text
    for w in words:
        assert w in r.log, r.log
    return r


def test_three_points_by_hand():
    """(0,0) (1,1) (2,0), natural: s = 1.5x - 0.5x^3 on [0,1]; end slopes atan(+-1.5) in degrees."""
    r = ok("call splinec(fit, coeff, ends, {0 0, 1 1, 2 0}) nout=5;")
    np.testing.assert_allclose(r["coeff"], [[0, 0, 1.5, 0, -0.5], [1, 1, 0, -1.5, 0.5], [2, 0, -1.5, 0, 0.5]], atol=1e-12)
    np.testing.assert_allclose(r["fit"][:, 0], [0, 0.5, 1, 1.5, 2])
    np.testing.assert_allclose(r["fit"][:, 1], [0, 0.6875, 1, 0.6875, 0], atol=1e-12)
    np.testing.assert_allclose(r["ends"], [[np.degrees(np.arctan(1.5)), -np.degrees(np.arctan(1.5))]])


def test_corpus_cubic_interp_matches_scipy_natural_spline():
    t = np.array([2, -1, 4.8, 0, 0.5, 1, 9, 5.3, 7.1, 10.5, 9])
    r = ok(f"call splinec(splPred, coeff, endSlopes, {DATA}) smooth=0 type=\"zero\";"
           "t = {" + ", ".join(f"{v:g}" for v in t) + "};"
           "p = j(nrow(t), 1, .); call sortndx(ndx, t); sp = splinev(coeff, t[ndx]); p[ndx] = sp[,2];")
    cs = si.CubicSpline(X, Y, bc_type="natural")
    expect = np.where((t >= 0) & (t <= 10), cs(t), np.nan)
    np.testing.assert_allclose(r["p"].ravel(), expect, rtol=1e-12, equal_nan=True)
    fit = r["splpred"]
    assert fit.shape == (200, 2)                       # nout defaults to 200 points from x1 to xn
    np.testing.assert_allclose(fit[:, 0], np.linspace(0, 10, 200))
    np.testing.assert_allclose(fit[:, 1], cs(fit[:, 0]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(r["endslopes"], np.degrees(np.arctan(cs([0, 10], 1)))[None, :])


def test_delta_spacing_and_splinev_grid():
    r = ok(f"call spline(fit, {DATA}) delta=2.5; call splinec(f2, c, e, {DATA}); g = splinev(c, 5); h = splinev(c) ;"
           "k = splinev(c, , 11);")
    cs = si.CubicSpline(X, Y, bc_type="natural")
    np.testing.assert_allclose(r["fit"][:, 0], [0, 2.5, 5, 7.5, 10])
    np.testing.assert_allclose(r["fit"][:, 1], cs([0, 2.5, 5, 7.5, 10]), atol=1e-12)
    np.testing.assert_allclose(r["g"][:, 0], [0, 5, 10])
    np.testing.assert_allclose(r["g"][:, 1], cs([0, 5, 10]), atol=1e-12)
    assert r["h"].shape == (200, 2)
    np.testing.assert_allclose(r["k"][:, 0], np.arange(11.0))


def test_fixed_slope_and_periodic_match_scipy():
    r = ok(f"call splinec(f, c, e, {DATA}) slope={{45 -30}} nout=50;"
           "call splinec(fp, cp, ep, {0 0, 1 1, 2 -1, 3 0}) type=\"periodic\" nout=7;")
    d = np.tan(np.radians([45, -30]))
    cs = si.CubicSpline(X, Y, bc_type=((1, d[0]), (1, d[1])))
    np.testing.assert_allclose(r["f"][:, 1], cs(np.linspace(0, 10, 50)), atol=1e-12)
    np.testing.assert_allclose(r["e"], [[45, -30]], atol=1e-9)
    per = si.CubicSpline([0, 1, 2, 3], [0, 1, -1, 0], bc_type="periodic")
    np.testing.assert_allclose(r["fp"][:, 1], per(np.linspace(0, 3, 7)), atol=1e-12)


def test_parametric_spline_passes_through_the_points():
    r = ok("call splinec(f, c, e, {0 0, 1 1, 0 2, -1 1}) type=\"parametric\" nout=40; v = splinev(c, {0, 0});")
    assert r["c"].shape == (4, 9)
    f = r["f"]
    np.testing.assert_allclose(f[0], [0, 0], atol=1e-12)
    np.testing.assert_allclose(f[-1], [-1, 1], atol=1e-12)
    np.testing.assert_allclose(r["v"], [[0, 0], [0, 0]], atol=1e-12)   # SAS's x//x trick
    # the chord-length parameter of the 3rd point is 2*sqrt(2): the curve passes through (0, 2)
    t = r["c"][:, 0]
    np.testing.assert_allclose(t, [0, np.sqrt(2), 2 * np.sqrt(2), 3 * np.sqrt(2)])
    np.testing.assert_allclose(r["c"][2, [1, 5]], [0, 2], atol=1e-12)


def test_smoothing_spline_matches_scipy_penalised_fit():
    x = np.arange(10.0)
    y = np.sin(x) + np.array([0.1, -0.2, 0.05, 0.0, 0.1, -0.1, 0.2, 0.0, -0.05, 0.1])
    data = "{" + ", ".join(f"{a:g} {b:.17g}" for a, b in zip(x, y)) + "}"
    r = ok(f"call splinec(f, c, e, {data}) smooth=0.5 nout=10;")
    spl = si.make_smoothing_spline(x, y, lam=0.5)
    np.testing.assert_allclose(r["f"][:, 1], spl(x), rtol=1e-9, atol=1e-12)
    assert not np.allclose(r["f"][:, 1], y)        # smoothed, not interpolated


def test_splinev_outside_support_is_missing_and_needs_ascending_points():
    r = ok("call splinec(f, c, e, {0 0, 1 1, 2 0}); v = splinev(c, {-1, 0.5, 2.5});")
    assert np.isnan(r["v"][0, 1]) and np.isnan(r["v"][2, 1])
    np.testing.assert_allclose(r["v"][1, 1], 0.6875)
    fails("call splinec(f, c, e, {0 0, 1 1, 2 0}); v = splinev(c, {1, 0.5});", "ascending order")


@pytest.mark.parametrize("code, words", [
    ("call splinec(f, c, e, {0 0, 1 1, 1 2});", ["distinct"]),
    ("call splinec(f, c, e, {0 0, . 1, 2 2});", ["missing"]),
    ("call splinec(f, c, e, {1 2 3 4});", ["n x 2"]),
    ("call splinec(f, c, e, {0 0, 1 1}) type=\"wiggly\";", ["TYPE="]),
    ("call splinec(f, c, e, {0 0, 1 1, 2 5}) type=\"periodic\";", ["first and last y"]),
    ("call splinec(f, c, e, {0 0, 1 1, 2 5}) type=\"fixedslope\";", ["SLOPE="]),
    ("call splinec(f, c, e, {0 0, 1 1, 2 5}) smooth=-1;", ["smooth must be"]),
    ("v = splinev({1 2 3});", ["n x 5"]),
    ("call splinec(f, c, e, {0 0, 1 1, 2 0}); v = splinev(c, 0.5, 10);", ["not both"]),
    ("call gscale(s, {1 2 3}, 0);", ["nincr"]),
    ("call gscale(s, {. .}, 5);", ["nonmissing"]),
    ("call gscale(s, {1 2 3}, 5, {0.5 20});", ["nicenum"]),
])
def test_errors(code, words):
    fails(code, *words)


# ---------------------------------------------------------------- GSCALE (ACM Algorithm 463, by hand)
@pytest.mark.parametrize("x, args, expected", [
    ("{0.3 42 97}", "10", [0, 100, 10]),          # (97-0.3)/10 = 9.67 -> increment 10
    ("{1.3, 4.7}", "5", [1, 5, 0.5]),             # 0.68 -> 6.8e-1 < sqrt(50) -> 5e-1
    ("{0 30}", "10", [0, 30, 2.5]),               # 3 < sqrt(2.5*5) -> 2.5
    ("{0 30}", "10, {1 5}", [0, 30, 5]),          # nice numbers 1 and 5: 3 > sqrt(5) -> 5
    ("{0.3 97}", "-3", [0, 150, 50]),             # exactly 3 intervals: 25 needs 4, 50 fits
    ("{-7 -2}", "5", [-7, -2, 1]),
])
def test_gscale(x, args, expected):
    r = ok(f"call gscale(s, {x}, {args});")
    np.testing.assert_allclose(r["s"].ravel(), expected, atol=1e-12)
    assert r["s"].shape == (3, 1)
