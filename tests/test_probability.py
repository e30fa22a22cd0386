"""Probability builtins: CDF/PDF/QUANTILE with SAS names and parameter orders, PROB*, *INV, CONSTANT, gamma & co.

Expected values come from the SAS documentation (quoted) or from scipy.stats / scipy.special
with the parameterisation translated by hand.
"""
import math

import numpy as np
import pytest
from scipy import special, stats

from helpers import run


def value(code, name="v"):
    r = run(code)
    assert r.status == 0, r.log
    return r[name]


def test_doc_values():
    # SAS doc: CDF('NORMAL', 1.96) = 0.9750021; PROBGAM(1, 3) = 0.0803013971
    assert value("v = cdf('Normal', 1.96);") == pytest.approx(0.9750021, abs=1e-7)
    assert value("v = probgam(1, 3);") == pytest.approx(0.0803013971, abs=1e-10)


@pytest.mark.parametrize("name", ["Normal", "NORMAL", "normal", "NORM", "Gauss", "gaussian"])
def test_names_case_insensitive_and_abbreviated(name):
    assert value(f"v = cdf('{name}', 1.96);") == pytest.approx(stats.norm.cdf(1.96))


def test_bad_distribution_name_is_an_error():
    r = run("v = cdf('Normalish', 1);")
    assert r.status == 2
    assert "Invalid argument to function." in r.log and "unknown distribution 'Normalish'" in r.log
    r = run("v = cdf('No', 1);")        # fewer than four letters is not an abbreviation
    assert r.status == 2


def test_parameter_orders_and_scales():
    # Binomial(p, n): P(X = 2) for n = 4, p = 0.5 is 6/16
    assert value("v = pdf('Binomial', 2, 0.5, 4);") == pytest.approx(0.375)
    assert value("v = cdf('Binomial', 1, 0.2, 5);") == pytest.approx(stats.binom.cdf(1, 5, 0.2))
    # Geometric(p) counts failures before the first success: P(0) = p
    assert value("v = pdf('Geometric', 0, 0.3);") == pytest.approx(0.3)
    assert value("v = cdf('Geometric', 2, 0.3);") == pytest.approx(1 - 0.7 ** 3)
    # NegBinomial(p, n): failures m before the n-th success: C(m+n-1, m) p^n (1-p)^m
    assert value("v = pdf('NegBinomial', 2, 0.5, 3);") == pytest.approx(math.comb(4, 2) * 0.5 ** 3 * 0.5 ** 2)
    # Gamma(a, lambda) and Exponential(lambda) use a scale
    assert value("v = cdf('Gamma', 2, 3, 2);") == pytest.approx(stats.gamma.cdf(2, 3, scale=2))
    assert value("v = cdf('Exponential', 2, 2);") == pytest.approx(1 - math.exp(-1))
    assert value("v = cdf('Weibull', 2, 3, 2);") == pytest.approx(1 - math.exp(-1))
    # Lognormal(theta, lambda): theta is the median's log
    assert value("v = cdf('Lognormal', exp(1), 1, 2);") == pytest.approx(0.5)
    assert value("v = cdf('Uniform', 3, 2, 6);") == pytest.approx(0.25)
    assert value("v = pdf('Poisson', 3, 2);") == pytest.approx(stats.poisson.pmf(3, 2))
    assert value("v = cdf('Bernoulli', 0, 0.3);") == pytest.approx(0.7)


@pytest.mark.parametrize("code, expected", [
    ("cdf('T', 2, 5)", stats.t.cdf(2, 5)),
    ("cdf('F', 2, 3, 4)", stats.f.cdf(2, 3, 4)),
    ("cdf('ChiSq', 3, 2)", stats.chi2.cdf(3, 2)),
    ("cdf('ChiSquare', 3, 2, 1.5)", stats.ncx2.cdf(3, 2, 1.5)),
    ("cdf('Beta', 0.3, 2, 3)", stats.beta.cdf(0.3, 2, 3)),
    ("cdf('Cauchy', 1, 0, 2)", stats.cauchy.cdf(1, 0, 2)),
    ("cdf('Laplace', 1, 0.5, 2)", stats.laplace.cdf(1, 0.5, 2)),
    ("cdf('Logistic', 1, 0.5, 2)", stats.logistic.cdf(1, 0.5, 2)),
    ("cdf('Hyper', 2, 20, 7, 5)", stats.hypergeom.cdf(2, 20, 7, 5)),
    ("sdf('Normal', 3)", stats.norm.sf(3)),
    ("logpdf('Normal', 1, 0, 2)", stats.norm.logpdf(1, 0, 2)),
    ("logcdf('Normal', -3)", stats.norm.logcdf(-3)),
    ("logsdf('Normal', 3)", stats.norm.logsf(3)),
    ("quantile('Normal', 0.975)", stats.norm.ppf(0.975)),
    ("quantile('Gamma', 0.5, 2, 3)", stats.gamma.ppf(0.5, 2, scale=3)),
    ("quantile('Poisson', 0.5, 3)", stats.poisson.ppf(0.5, 3)),
    ("quantile('Geometric', 0.5, 0.2)", stats.geom.ppf(0.5, 0.2) - 1),
    ("quantile('Poisson', 0, 3)", 0.0),            # p = 0 gives the bottom of the support
    ("quantile('Geometric', 0, 0.3)", 0.0),
    ("squantile('T', 0.025, 10)", stats.t.isf(0.025, 10)),
])
def test_functions_against_scipy(code, expected):
    assert value(f"v = {code};") == pytest.approx(expected, rel=1e-9)


def test_elementwise_broadcast_and_shapes():
    v = value("v = cdf('Normal', {1 2, 3 4}, 0, {1 2, 1 2});")
    np.testing.assert_allclose(v, stats.norm.cdf([[1, 2], [3, 4]], 0, [[1, 2], [1, 2]]))
    v = value("v = pdf('Normal', {-1 0 1});")
    assert v.shape == (1, 3)
    r = run("v = cdf('Normal', {1 2}, 0, {1, 2});")
    assert r.status == 2 and "Matrices do not conform" in r.log


def test_missing_values_give_missing():
    v = value("v = cdf('Normal', {1 .});")
    assert v[0, 0] == pytest.approx(stats.norm.cdf(1)) and np.isnan(v[0, 1])
    assert np.isnan(value("v = probnorm(.);"))


def test_invalid_parameters_are_errors():
    for code in ("v = cdf('Normal', 1, 0, -1);", "v = quantile('Normal', 1.5);", "v = pdf('Binomial', 1, 1.5, 3);",
                 "v = cdf('Normal', 1, 2, 3, 4);"):
        r = run(code)
        assert r.status == 2, code
    r = run("v = logpdf('Uniform', 2);")          # density 0: the log is missing, not an error
    assert r.status == 0 and np.isnan(r["v"])


def test_prob_functions():
    assert value("v = probnorm(1.96);") == pytest.approx(stats.norm.cdf(1.96))
    assert value("v = probchi(3, 2);") == pytest.approx(stats.chi2.cdf(3, 2))
    assert value("v = probt(2, 5);") == pytest.approx(stats.t.cdf(2, 5))
    assert value("v = probf(2, 3, 4);") == pytest.approx(stats.f.cdf(2, 3, 4))
    assert value("v = probbeta(0.3, 2, 3);") == pytest.approx(stats.beta.cdf(0.3, 2, 3))
    assert value("v = probbnml(0.5, 10, 4);") == pytest.approx(stats.binom.cdf(4, 10, 0.5))
    assert value("v = probnegb(0.5, 3, 2);") == pytest.approx(stats.nbinom.cdf(2, 3, 0.5))
    assert value("v = poisson(2, 3);") == pytest.approx(stats.poisson.cdf(3, 2))
    assert value("v = probhypr(20, 7, 5, 2);") == pytest.approx(stats.hypergeom.cdf(2, 20, 7, 5))


def test_probbnrm():
    # Phi2(0, 0; r) = 1/4 + asin(r) / (2 pi)
    assert value("v = probbnrm(0, 0, 0.5);") == pytest.approx(1 / 3)
    v = value("v = probbnrm({1 -0.5 0 2}, {-0.5 1 1 -3}, {0.3 -0.7 -0.3 0.9});")
    for (h, k, r), got in zip([(1, -0.5, 0.3), (-0.5, 1, -0.7), (0, 1, -0.3), (2, -3, 0.9)], v.reshape(-1)):
        ref = stats.multivariate_normal.cdf([h, k], [0, 0], [[1, r], [r, 1]])
        assert got == pytest.approx(ref, abs=1e-6)
    assert value("v = probbnrm(0.5, 1, 1);") == pytest.approx(stats.norm.cdf(0.5))
    assert run("v = probbnrm(0, 0, 2);").status == 2


def test_inverse_functions():
    assert value("v = probit(0.975);") == pytest.approx(stats.norm.ppf(0.975))
    assert value("v = cinv(0.95, 3);") == pytest.approx(stats.chi2.ppf(0.95, 3))
    assert value("v = tinv(0.975, 10);") == pytest.approx(stats.t.ppf(0.975, 10))
    assert value("v = finv(0.95, 3, 10);") == pytest.approx(stats.f.ppf(0.95, 3, 10))
    assert value("v = betainv(0.5, 2, 3);") == pytest.approx(stats.beta.ppf(0.5, 2, 3))
    assert value("v = gaminv(0.5, 2);") == pytest.approx(stats.gamma.ppf(0.5, 2))
    assert run("v = probit(0);").status == 2


def test_constant():
    assert value("v = constant('PI');") == math.pi
    assert value("v = constant('e');") == math.e
    assert value("v = constant('Euler');") == pytest.approx(0.5772156649015329)
    assert value("v = constant('MACEPS');") == np.finfo(float).eps
    assert value("v = constant('BIG');") == np.finfo(float).max
    assert value("v = constant('LOGBIG');") == pytest.approx(math.log(np.finfo(float).max))
    assert value("v = constant('SQRTMACEPS');") == pytest.approx(math.sqrt(np.finfo(float).eps))
    assert value("v = constant('EXACTINT');") == 2.0 ** 53
    assert value("v = constant('EXACTINT', 3);") == 8192      # SAS doc: 8,192 for 3 bytes
    r = run("v = constant('NOPE');")
    assert r.status == 2 and "unknown constant" in r.log


def test_special_functions():
    assert value("v = gamma(5);") == 24
    assert value("v = lgamma(10);") == pytest.approx(math.lgamma(10))
    assert value("v = digamma(1);") == pytest.approx(-0.5772156649015329)
    assert value("v = trigamma(1);") == pytest.approx(math.pi ** 2 / 6)
    assert value("v = beta(2, 3);") == pytest.approx(1 / 12)
    assert value("v = logbeta(2, 3);") == pytest.approx(math.log(1 / 12))
    assert value("v = comb(5, 2);") == 10
    assert value("v = lcomb(10, 3);") == pytest.approx(math.log(120))
    assert value("v = fact(5);") == 120
    assert value("v = lfact(10);") == pytest.approx(math.log(math.factorial(10)))
    assert value("v = perm(5, 2);") == 20
    assert value("v = perm(4);") == 24
    assert value("v = lperm(5, 2);") == pytest.approx(math.log(20))
    assert value("v = erf(1);") == pytest.approx(math.erf(1))
    assert value("v = erfc(1);") == pytest.approx(math.erfc(1))
    np.testing.assert_allclose(value("v = comb({4 5}, {2 3});"), [[6, 10]])
    for bad in ("v = gamma(0);", "v = gamma(-2);", "v = fact(-1);", "v = fact(2.5);", "v = comb(2, 3);", "v = lgamma(0);"):
        r = run(bad)
        assert r.status == 2 and "Invalid argument to function." in r.log, bad


def test_examples_print_what_they_say():
    from imlpy.builtins import REGISTRY
    checked = 0
    for name, b in REGISTRY.items():
        if b.family == "probability" and b.example and b.name == name:
            r = run(b.example[0])
            assert r.status == 0, (name, r.log)
            assert r.out.strip("\n") == b.example[1].strip("\n"), name
            checked += 1
    assert checked >= 10
