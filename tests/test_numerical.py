"""QUAD, FROOT, the NLP* optimizers, LPSOLVE, ODE, POLYROOT, FFT/IFFT (numerical.py)."""
import math

import numpy as np
import pytest

from helpers import run

ROSEN = """
start F_ROSEN(x);
   y1 = 10 * (x[2] - x[1] * x[1]);
   y2 = 1 - x[1];
   f = .5 * (y1 * y1 + y2 * y2);
   return(f);
finish F_ROSEN;
"""
ROSEN_LS = """
start F_ROSLS(x);
   y = j(1, 2, 0);
   y[1] = 10 * (x[2] - x[1] * x[1]);
   y[2] = 1 - x[1];
   return(y);
finish F_ROSLS;
"""


def ok(code):
    r = run(code)
    assert r.status == 0, r.log
    return r


def test_quad_gaussian_over_whole_line():
    r = ok("start f(x); return(exp(-x##2/2)); finish; call quad(r, \"f\", {.M .P});")
    assert r["r"] == pytest.approx(math.sqrt(2 * math.pi), rel=1e-7)


def test_quad_subintervals_and_sas_sample():
    r = ok("START FUN(T); V = EXP(-T*T/2.)/(1+T*T); RETURN(V); FINISH;"
           "call quad(z1, \"FUN\", {0 .P}, 1e-8); call quad(z2, \"FUN\", {0 1 2 .P}, 1e-8);"
           "call quad(z3, \"fun\", {.M 0});")
    assert r["z1"] == pytest.approx(8.2177244005839e-01, rel=1e-8)             # the SAS sample's result
    assert r["z2"].shape == (1, 3) and r["z2"].sum() == pytest.approx(r["z1"], rel=1e-8)
    assert r["z3"] == pytest.approx(r["z1"], rel=1e-8)                          # the integrand is even


def test_quad_module_with_global_parameter():
    r = ok("start g(x) global(mu); return(exp(-(x-mu)##2/2)); finish; mu = 3;"
           "call quad(a, \"g\", {.M .P}); call quad(b, \"g\", {3 .P});")
    assert r["a"] == pytest.approx(math.sqrt(2 * math.pi), rel=1e-7)
    assert r["b"] == pytest.approx(math.sqrt(2 * math.pi) / 2, rel=1e-7)


def test_quad_errors():
    bad = run("call quad(r, \"nosuch\", {0 1});")
    assert bad.status == 2 and "unresolved module NOSUCH" in bad.log and "Traceback" not in bad.text
    assert run("start f(x); return(x); finish; call quad(r, \"f\", {1 0});").status == 2
    assert run("start f(x); return(x); finish; call quad(r, \"f\", {0 .});").status == 2


def test_froot_one_root_per_interval():
    r = run("start f(x); return(x##2 - 2); finish; z = froot(\"f\", {0 2, -2 0}); w = froot(\"f\", {0 1});")
    assert r.status == 1 and "does not change sign" in r.log                    # a warning, not an error
    assert r["z"].shape == (2, 1)
    assert np.allclose(r["z"].ravel(), [math.sqrt(2), -math.sqrt(2)], atol=1e-12)
    assert np.isnan(r["w"])                                                     # no sign change
    bad = run("z = froot(\"undefined_mod\", {0 1});")
    assert bad.status == 2 and "unresolved module" in bad.log


def test_nlpnra_rosenbrock_sas_example():
    r = ok(ROSEN + "x = {-1.2 1}; optn = {0 2}; call nlpnra(rc, xres, \"F_ROSEN\", x, optn);")
    assert r["rc"] > 0
    assert r["xres"].shape == (1, 2)
    assert np.allclose(r["xres"], [[1, 1]], atol=1e-6)
    assert "NLPNRA" in r.out                                                    # opt[2] > 0: a short summary


@pytest.mark.parametrize("routine", ["nlpnrr", "nlptr", "nlpqn", "nlpdd", "nlpcg", "nlpnms"])
def test_other_optimizers_on_rosenbrock(routine):
    r = ok(ROSEN + f"call {routine}(rc, xres, \"F_ROSEN\", {{-1.2 1}}, {{0 0}});")
    assert r["rc"] > 0 and r.out == ""                                          # print level 0: silent
    assert np.allclose(r["xres"], [[1, 1]], atol=1e-4)


@pytest.mark.parametrize("routine", ["nlplm", "nlphqn"])
def test_least_squares_optimizers(routine):
    r = ok(ROSEN_LS + f"call {routine}(rc, xres, \"F_ROSLS\", {{-1.2 1}}, {{2 0}});")
    assert r["rc"] > 0 and np.allclose(r["xres"], [[1, 1]], atol=1e-6)


def test_maximize_bounds_and_linear_constraints():
    r = ok("start h(x); return(-(x[1]-3)##2 - (x[2]+1)##2); finish;"
           "call nlpnra(rc, xm, \"h\", {0 0}, {1 0});"
           "call nlpqn(rc2, xb, \"h\", {0 0}, {1 0}, {. 0, 2 .});"
           "call nlpqn(rc3, xl, \"h\", {0 0}, {1 0}, {. . . ., . . . ., 1 1 0 0});")
    assert np.allclose(r["xm"], [[3, -1]], atol=1e-6)
    assert np.allclose(r["xb"], [[2, 0]], atol=1e-6)                            # x1 <= 2, x2 >= 0
    assert np.allclose(r["xl"], [[2, -2]], atol=1e-5)                           # x1 + x2 = 0
    assert min(r["rc"], r["rc2"], r["rc3"]) > 0


def test_nlp_with_global_parameters_and_gradient_module():
    r = ok("start obj(x) global(target); return(ssq(x - target)); finish;"
           "start grad(x) global(target); return(2*(x - target)); finish;"
           "target = {1 2 3}; call nlpqn(rc, xr, \"obj\", {0 0 0}, {0 0}, , , , , \"grad\");")
    assert np.allclose(r["xr"], [[1, 2, 3]], atol=1e-6)


def test_nlp_unresolved_module_is_an_error():
    bad = run("call nlpnra(rc, xr, \"nothere\", {1 2});")
    assert bad.status == 2 and "unresolved module NOTHERE" in bad.log and "Traceback" not in bad.text


def test_lpsolve_small_problem():
    r = ok("c = {-3 -4}; a = {1 1, 2 1}; b = {4, 6};"
           "call lpsolve(rc, obj, x, d, rd, c, a, b, 1, {L, L});"
           "call lpsolve(rc2, obj2, x2, d2, rd2, {3 4}, a, b, -1, {L, L});")
    assert r["rc"] == 0 and r["obj"] == pytest.approx(-16)
    assert np.allclose(r["x"].ravel(), [0, 4])
    assert r["obj2"] == pytest.approx(16) and np.allclose(r["x2"].ravel(), [0, 4])


def test_ode_sas_sample():
    r = ok("start f(t, x); return(-t*x); finish;"
           "call ode(r, \"f\", 0.5, {0 .1 .2 .3}, {1e-12 1 1e-5});")
    expected = 0.5 * np.exp(-np.array([0.1, 0.2, 0.3]) ** 2 / 2)
    assert r["r"].shape == (1, 3) and np.allclose(r["r"].ravel(), expected, rtol=1e-8)


def test_polyroot():
    r = ok("p = polyroot({1 -6 11 -6}); q = polyroot({1 0 4});")
    assert sorted(r["p"][:, 0].round(10).tolist()) == [1, 2, 3] and np.allclose(r["p"][:, 1], 0)
    assert np.allclose(sorted(r["q"][:, 1]), [-2, 2]) and np.allclose(r["q"][:, 0], 0)


def test_fft_matches_sas_definition_and_ifft_inverts():
    x = np.array([1.0, 3, -2, 5, 0.5, 7, 1])
    r = ok("x = {1 3 -2 5 0.5 7 1}; f = fft(x); y = ifft(f); e = ifft(fft({1 2 3 4 5 6}));")
    n = x.size
    k = np.arange(n // 2 + 1)[:, None]
    j = np.arange(n)[None, :]
    cos = (x * np.cos(2 * np.pi * k * j / n)).sum(1)
    sin = (x * np.sin(2 * np.pi * k * j / n)).sum(1)
    assert r["f"].shape == (4, 2)
    assert np.allclose(r["f"][:, 0], cos) and np.allclose(r["f"][:, 1], sin)
    assert np.allclose(r["y"].ravel(), n * x)                                    # IFFT(FFT(x)) = n*x
    assert np.allclose(r["e"].ravel(), 6 * np.arange(1, 7))


def test_not_yet_names_give_a_clear_error():
    from imlpy.builtins.registry import NOT_YET, REGISTRY
    missing = [k for k in ("splinec", "splinev") if k in NOT_YET and k not in REGISTRY]
    for name in missing:
        bad = run(f"call {name}(a, b, c, d);" if name == "splinec" else f"x = {name}(1, 2);")
        assert bad.status == 2 and "not implemented yet" in bad.log
