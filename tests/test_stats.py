"""Statistics builtins: QNTL, COV, CORR, MAD, moments, TABULATE, LAG/DIF, BIN, DISTANCE, ...

Expected values come from the SAS documentation examples or from numpy/scipy computations.
"""
import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import cdist

from helpers import run

X = np.array([[5, 1, 10], [6, 2, 3], [6, 8, 5], [6, 7, 9], [7, 2, 13]], dtype=float)
X_IML = "x = {5 1 10, 6 2 3, 6 8 5, 6 7 9, 7 2 13};"


def value(code, name="v"):
    r = run(code)
    assert r.status == 0, r.log
    return r[name]


def test_cov_doc_example():
    # SAS doc (COV function): 0.5 0.25 0.75 / 0.25 10.5 -3.75 / 0.75 -3.75 16
    np.testing.assert_allclose(value(X_IML + "v = cov(x);"),
                               [[0.5, 0.25, 0.75], [0.25, 10.5, -3.75], [0.75, -3.75, 16]])


def test_corr_methods():
    np.testing.assert_allclose(value(X_IML + "v = corr(x);"), np.corrcoef(X.T))
    np.testing.assert_allclose(value(X_IML + "v = corr(x, 'Spearman');"), stats.spearmanr(X).statistic)
    k = value(X_IML + "v = corr(x, 'KENDALL');")
    for i in range(3):
        for j in range(3):
            assert k[i, j] == pytest.approx(stats.kendalltau(X[:, i], X[:, j]).statistic)
    assert run(X_IML + "v = corr(x, 'bogus');").status == 2


def test_listwise_and_pairwise_missing():
    code = "x = {1 2, 2 ., 3 7, 4 8, 5 1};"
    full = np.array([[1, 2], [3, 7], [4, 8], [5, 1]], dtype=float)
    np.testing.assert_allclose(value(code + "v = cov(x);"), np.cov(full.T))
    pair = value(code + "v = cov(x, 'pairwise');")
    assert pair[0, 0] == pytest.approx(np.var([1, 2, 3, 4, 5], ddof=1))     # column 1 uses all five rows
    assert pair[1, 1] == pytest.approx(np.var([2, 7, 8, 1], ddof=1))
    np.testing.assert_allclose(value(code + "v = corr(x, 'pearson', 'PAIR');")[0, 1], np.corrcoef(full.T)[0, 1])


def test_cov2corr_corr2cov_round_trip():
    S = np.cov(X.T)
    R = S / np.sqrt(np.outer(np.diag(S), np.diag(S)))
    np.testing.assert_allclose(value(X_IML + "v = cov2corr(cov(x));"), R)
    np.testing.assert_allclose(value(X_IML + "c = cov(x); v = corr2cov(cov2corr(c), sqrt(vecdiag(c)));"), S)
    assert run("v = cov2corr({1 2 3});").status == 2


@pytest.mark.parametrize("definition, numpy_method", [
    (1, "interpolated_inverted_cdf"), (2, "closest_observation"), (3, "inverted_cdf"),
    (4, "weibull"), (5, "averaged_inverted_cdf")])
def test_qntl_definitions_match_hyndman_fan(definition, numpy_method):
    # PROC UNIVARIATE PCTLDEF 1-5 are Hyndman & Fan types 4, 3, 1, 6 and 2
    data = np.array([3.0, 9, 1, 4, 4, 12, 7, 2, 8, 5, 6])
    probs = np.array([0.05, 0.1, 0.2, 0.25, 0.3, 0.5, 0.55, 0.75, 0.9, 0.95])
    code = "d = {" + ", ".join(f"{v:g}" for v in data) + "};" + \
           "p = {" + " ".join(f"{v:g}" for v in probs) + "};" + f"call qntl(v, d, p, {definition});"
    got = value(code).reshape(-1)
    np.testing.assert_allclose(got, np.quantile(data, probs, method=numpy_method))


def test_qntl_default_shape_and_missing():
    q = value(X_IML + "call qntl(v, x);")
    assert q.shape == (3, 3)
    np.testing.assert_allclose(q, np.quantile(X, [0.25, 0.5, 0.75], axis=0, method="averaged_inverted_cdf"))
    q = value("x = {1, ., 3, 2, 10}; call qntl(v, x, {0 0.5 1});")
    np.testing.assert_allclose(q.reshape(-1), [1, 2.5, 10])       # 0 gives the minimum, 1 the maximum
    assert run("x = {1,2}; call qntl(v, x, {1.5});").status == 2


def test_column_statistics_are_row_vectors():
    data = np.array([[1, 2.0], [2, 8], [3, 4], [10, 16], [4, 2]])
    code = "x = {1 2, 2 8, 3 4, 10 16, 4 2};"
    np.testing.assert_allclose(value(code + "v = skewness(x);"), [stats.skew(data, bias=False)])
    np.testing.assert_allclose(value(code + "v = kurtosis(x);"), [stats.kurtosis(data, bias=False)])
    np.testing.assert_allclose(value(code + "v = geomean(x);"), [stats.gmean(data)])
    np.testing.assert_allclose(value(code + "v = harmean(x);"), [stats.hmean(data)])
    np.testing.assert_allclose(value(code + "v = cv(x);"), [100 * data.std(0, ddof=1) / data.mean(0)])
    np.testing.assert_allclose(value(code + "v = iqr(x);"),
                               [np.quantile(data, 0.75, 0, method="averaged_inverted_cdf")
                                - np.quantile(data, 0.25, 0, method="averaged_inverted_cdf")])
    np.testing.assert_allclose(value(code + "v = standard(x);"), (data - data.mean(0)) / data.std(0, ddof=1))
    for fn in ("skewness", "kurtosis", "geomean", "harmean", "cv", "iqr", "mad"):
        assert value(code + f"v = {fn}(x);").shape == (1, 2), fn


def test_statistics_skip_missing():
    v = value("x = {1 ., 2 5, 3 ., 10 7, 4 9, . 1}; v = skewness(x);")
    np.testing.assert_allclose(v, [[stats.skew([1, 2, 3, 10, 4], bias=False), stats.skew([5, 7, 9, 1], bias=False)]])
    v = value("x = {1, 2}; v = skewness(x);")          # needs three values
    assert np.isnan(v)


def test_geomean_harmean_zero_and_negative():
    assert value("v = geomean({0, 4});") == 0
    assert value("v = harmean({0, 4});") == 0
    assert run("v = geomean({-1, 4});").status == 2


def test_mad_methods():
    data = np.array([3, 4, 7, 8, 10, 949, 951.0])
    code = "x = {3, 4, 7, 8, 10, 949, 951};"
    raw = np.median(np.abs(data - np.median(data)))
    assert value(code + "v = mad(x);") == raw
    assert value(code + "v = mad(x, 'NMAD');") == pytest.approx(1.4826 * raw)
    assert run(code + "v = mad(x, 'bogus');").status == 2


def test_mad_sn_qn_consistent_for_normal_data():
    # Rousseeuw & Croux: Sn and Qn estimate sigma for normal data
    r = run("call randseed(42); x = randfun(1500, 'Normal', 0, 2); s = mad(x, 'SN'); q = mad(x, 'QN'); n = mad(x, 'NMAD');")
    assert r.status == 0, r.log
    for name in ("s", "q", "n"):
        assert r[name] == pytest.approx(2.0, rel=0.1), name


def test_tabulate():
    r = run("call tabulate(lev, f, {2 1 2 3 2 .});")
    np.testing.assert_array_equal(r["lev"], [[1, 2, 3]])
    np.testing.assert_array_equal(r["f"], [[1, 3, 1]])
    r = run("call tabulate(lev, f, {'b' 'a' 'b' 'ccc'});")
    assert r["lev"].tolist() == [["a", "b", "ccc"]]
    np.testing.assert_array_equal(r["f"], [[1, 2, 1]])
    r = run("call tabulate(lev, f, {2 . 2}, 'missing');")
    assert np.isnan(r["lev"][0, 0]) and r["lev"][0, 1] == 2
    np.testing.assert_array_equal(r["f"], [[1, 2]])


def test_countunique():
    assert value("v = countunique({1 2 2, 3 1 1});") == 3
    np.testing.assert_array_equal(value("v = countunique({1 2 2, 3 1 1}, 'row');"), [[2], [2]])
    np.testing.assert_array_equal(value("v = countunique({1 2 2, 3 1 1}, 'col');"), [[2, 2, 2]])
    assert value("v = countunique({'a' 'b' 'a'});") == 2


def test_lag_and_dif():
    v = value("v = lag({1, 2, 3, 4}, {0 1 2 -1});")
    nan = np.nan
    np.testing.assert_array_equal(v, [[1, nan, nan, 2], [2, 1, nan, 3], [3, 2, 1, 4], [4, 3, 2, nan]])
    v = value("v = dif({1 10, 4 20, 9 40});")
    np.testing.assert_array_equal(v, [[nan, nan], [3, 10], [5, 20]])
    np.testing.assert_array_equal(value("v = dif({1, 4, 9, 16}, 2);"), [[nan], [nan], [8], [12]])


def test_bin_doc_example():
    # SAS doc (BIN function): intervals [0,1) [1,1.8) [1.8,2) [2,4]
    v = value("x = {0, 0.5, 1, 1.5, 2, 2.5, 3, 0.5, 1.5, 3, 3, 1}; v = bin(x, {0 1 1.8 2 4});")
    np.testing.assert_array_equal(v.reshape(-1), [1, 1, 2, 2, 4, 4, 4, 1, 2, 4, 4, 2])
    assert v.shape == (12, 1)


def test_bin_right_outside_and_scalar():
    v = value("v = bin({0 1 2 3 5 -1 .}, {0 1 2 3}, 'right');")
    np.testing.assert_array_equal(v, [[1, 1, 2, 3, np.nan, np.nan, np.nan]])
    v = value("v = bin({0 1 2 3 4}, 2);")              # two equal bins over [0, 4]
    np.testing.assert_array_equal(v, [[1, 1, 2, 2, 2]])
    v = value("v = bin({-100 0.5 100}, {.M 0 1 .I});")
    np.testing.assert_array_equal(v, [[1, 2, 3]])
    assert run("v = bin({1 2}, {3 1 2});").status == 2


def test_distance_and_mahalanobis():
    pts = np.array([[0, 0], [3, 4], [1, 7.0]])
    code = "p = {0 0, 3 4, 1 7};"
    np.testing.assert_allclose(value(code + "v = distance(p);"), cdist(pts, pts))
    np.testing.assert_allclose(value(code + "v = distance(p, 'L1');"), cdist(pts, pts, "cityblock"))
    np.testing.assert_allclose(value(code + "v = distance(p, 'LINF');"), cdist(pts, pts, "chebyshev"))
    np.testing.assert_allclose(value(code + "v = distance(p, {1 1}, 3);"), cdist(pts, [[1, 1]], "minkowski", p=3))
    v = value(X_IML + "v = mahalanobis(x);")
    VI = np.linalg.inv(np.cov(X.T))
    mu = X.mean(0)
    np.testing.assert_allclose(v.reshape(-1), [np.sqrt((r - mu) @ VI @ (r - mu)) for r in X])
    assert v.shape == (5, 1)
    assert run("v = mahalanobis({1 2}, {0 0}, {1 2, 2 1});").status == 2     # not positive definite


def test_range_col_row():
    assert value("v = range({4 1, 9 .}, {-2});") == 11
    np.testing.assert_array_equal(value("v = col(j(2, 3));"), [[1, 2, 3], [1, 2, 3]])
    np.testing.assert_array_equal(value("v = row(j(2, 3));"), [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(value("v = row({'a' 'b'});"), [[1, 1]])


def test_examples_print_what_they_say():
    from imlpy.builtins import REGISTRY
    checked = 0
    for name, b in REGISTRY.items():
        if b.family == "stats" and b.example and b.name == name:
            r = run(b.example[0])
            assert r.status == 0, (name, r.log)
            assert r.out.strip("\n") == b.example[1].strip("\n"), name
            checked += 1
    assert checked >= 15
