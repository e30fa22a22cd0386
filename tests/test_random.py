"""Random-number builtins: reproducibility, shapes, SAS parameterisations (checked by sample moments).

Our streams are not SAS's numbers, so the tests compare distributions and shapes, never values.
"""
import numpy as np
import pytest

from helpers import run


def values(code, *names):
    r = run(code)
    assert r.status == 0, r.log
    return r[names[0]] if len(names) == 1 else [r[n] for n in names]


def test_same_seed_same_numbers_across_sessions():
    code = "call randseed(2024); x = j(3, 4); call randgen(x, 'Normal'); y = randfun(5, 'Uniform');"
    a, b = run(code), run(code)
    np.testing.assert_array_equal(a["x"], b["x"])
    np.testing.assert_array_equal(a["y"], b["y"])
    c = run(code.replace("2024", "2025"))
    assert not np.array_equal(a["x"], c["x"])


def test_reseeding_is_ignored_unless_reinit():
    r = run("call randseed(1); a = randfun(3, 'Normal'); call randseed(1); b = randfun(3, 'Normal');"
            "call randseed(1, 1); c = randfun(3, 'Normal');")
    assert not np.array_equal(r["a"], r["b"])          # SAS: a second RANDSEED is ignored
    np.testing.assert_array_equal(r["a"], r["c"])      # ... unless reinit = 1


def test_randgen_keeps_shape_and_unset_gets_one_value():
    x = values("x = j(3, 5, 0); call randgen(x, 'Uniform');", "x")
    assert x.shape == (3, 5) and np.all((x > 0) & (x < 1))
    y = values("call randgen(y, 'Normal');", "y")
    assert isinstance(y, float)


def test_randgen_parameter_vectors():
    x = values("x = j(2, 3); call randgen(x, 'Integer', {1 10 100}, {1 10 100});", "x")
    np.testing.assert_array_equal(x, [[1, 10, 100], [1, 10, 100]])      # one parameter per column
    x = values("x = j(2, 3); call randgen(x, 'Binomial', 1, {1, 5});", "x")
    np.testing.assert_array_equal(x, [[1, 1, 1], [5, 5, 5]])            # one per row; Binomial(p, n)
    x = values("x = j(2, 2); call randgen(x, 'Normal', {1 2 3 4}, 1e-9);", "x")
    np.testing.assert_allclose(x, [[1, 2], [3, 4]], atol=1e-6)          # one per element, row-major
    r = run("x = j(2, 3); call randgen(x, 'Normal', {1 2 3 4 5});")
    assert r.status == 2 and "do not conform" in r.log


@pytest.mark.parametrize("dist, mean, var", [
    ("'Normal', 5, 2", 5, 4),
    ("'Uniform', 2, 6", 4, 16 / 12),
    ("'Exponential', 3", 3, 9),                 # scale 3
    ("'Gamma', 2, 3", 6, 18),                   # shape 2, scale 3
    ("'Binomial', 0.3, 10", 3, 2.1),            # p first, then n
    ("'Poisson', 4", 4, 4),
    ("'Geometric', 0.25", 4, 0.75 / 0.0625),    # trials up to the first success
    ("'NegBinomial', 0.5, 3", 3, 6),            # failures before the 3rd success
    ("'Bernoulli', 0.2", 0.2, 0.16),
    ("'Beta', 2, 3", 0.4, 6 / (25 * 6)),
    ("'ChiSquare', 4", 4, 8),
    ("'T', 10", 0, 10 / 8),
    ("'Lognormal', 0, 0.5", np.exp(0.125), (np.exp(0.25) - 1) * np.exp(0.25)),
    ("'Weibull', 2, 3", 3 * 0.886226925, 9 * (1 - 0.785398163)),
    ("'Laplace', 1, 2", 1, 8),
    ("'Logistic', 1, 2", 1, 4 * np.pi ** 2 / 3),
    ("'Integer', 1, 6", 3.5, 35 / 12),
    ("'Erlang', 3, 2", 6, 12),
    ("'Triangle', 0.5", 0.5, 1 / 24),
    ("'Hyper', 20, 8, 5", 2, 5 * 0.4 * 0.6 * 15 / 19),
])
def test_sample_moments(dist, mean, var):
    x = values(f"call randseed(7); x = randfun(40000, {dist});", "x")
    assert x.shape == (40000, 1)
    sd = np.sqrt(var / x.size)
    assert abs(x.mean() - mean) < 5 * sd
    assert x.var(ddof=1) == pytest.approx(var, rel=0.1)


def test_discrete_supports():
    x = values("call randseed(3); x = randfun(5000, 'Integer', 2, 4);", "x")
    assert set(np.unique(x)) == {2, 3, 4}
    x = values("call randseed(3); x = randfun(5000, 'Geometric', 0.5);", "x")
    assert x.min() == 1
    x = values("call randseed(3); x = randfun(20000, 'Table', {0.2 0.3});", "x")
    counts = np.array([np.mean(x == k) for k in (1, 2, 3)])      # the rest, 0.5, goes to 3
    np.testing.assert_allclose(counts, [0.2, 0.3, 0.5], atol=0.02)


def test_bad_distribution_and_parameters():
    r = run("x = j(2, 2); call randgen(x, 'Bogus');")
    assert r.status == 2 and "unknown distribution 'Bogus'" in r.log
    for code in ("x = randfun(3, 'Normal', 0, -1);", "x = randfun(3, 'Binomial', 1.5, 3);",
                 "x = randfun(3, 'Uniform', 2, 1);", "x = randfun(3, 'Normal', .);", "x = randfun(3, 'Beta', 1);"):
        assert run(code).status == 2, code


def test_randfun_shapes():
    assert values("x = randfun({2 3}, 'Normal');", "x").shape == (2, 3)
    assert values("x = randfun(4, 'Normal');", "x").shape == (4, 1)
    assert values("x = rand('Poisson', {1 2 3});", "x").shape == (1, 3)


def test_randnormal_and_randmvt():
    x = values("call randseed(5); x = randnormal(20000, {1 -2}, {4 1.2, 1.2 1});", "x")
    assert x.shape == (20000, 2)
    np.testing.assert_allclose(x.mean(0), [1, -2], atol=0.05)
    np.testing.assert_allclose(np.cov(x.T), [[4, 1.2], [1.2, 1]], rtol=0.06, atol=0.03)
    t = values("call randseed(5); x = randmvt(20000, 8, {0 0}, {1 0, 0 1});", "x")
    assert t.shape == (20000, 2)
    assert t[:, 0].var() == pytest.approx(8 / 6, rel=0.1)         # df / (df - 2)
    assert run("x = randnormal(5, {0 0}, {1 2, 2 1});").status == 2     # not positive semidefinite


def test_randmultinomial_and_randwishart():
    m = values("call randseed(9); x = randmultinomial(5000, 10, {0.2 0.3 0.5});", "x")
    assert m.shape == (5000, 3)
    assert np.all(m.sum(1) == 10)
    np.testing.assert_allclose(m.mean(0), [2, 3, 5], atol=0.1)
    w = values("call randseed(9); x = randwishart(4000, 6, {2 0.5, 0.5 1});", "x")
    assert w.shape == (4000, 4)
    np.testing.assert_allclose(w.mean(0), 6 * np.array([2, 0.5, 0.5, 1]), rtol=0.06, atol=0.1)
    np.testing.assert_array_equal(w[:, 1], w[:, 2])             # each draw is symmetric


def test_sample():
    x = values("call randseed(1); x = sample(1:5, 8);", "x")
    assert x.shape == (1, 8) and set(np.unique(x)) <= {1, 2, 3, 4, 5}
    x = values("call randseed(1); x = sample(1:10, {4 3}, 'NoReplace');", "x")
    assert x.shape == (3, 4)                        # n = (size || number of samples)
    for row in x:
        assert len(set(row)) == 4 and list(row) == sorted(row)    # NoReplace keeps x's order
    x = values("call randseed(1); x = sample(1:10, 10, 'WOR');", "x")
    assert sorted(x.reshape(-1)) == list(range(1, 11))
    x = values("call randseed(1); x = sample({1 2 3}, 2000, 'Replace', {0.5 0 0.5});", "x")
    assert 2 not in x and abs(np.mean(x == 1) - 0.5) < 0.05
    c = values("call randseed(1); c = sample({'a' 'bb'}, 4);", "c")
    assert c.shape == (1, 4) and set(c.reshape(-1)) <= {"a", "bb"}
    assert values("x = sample({1 2 3});", "x").shape == (1, 3)
    assert run("x = sample(1:3, 5, 'NoReplace');").status == 2


def test_permutations_and_combinations():
    p = values("call randseed(2); p = ranperm(6, 3);", "p")
    assert p.shape == (3, 6)
    for row in p:
        assert sorted(row) == [1, 2, 3, 4, 5, 6]
    assert sorted(values("p = randperm({5 7 9});", "p").reshape(-1)) == [5, 7, 9]
    c = values("call randseed(2); c = rancomb(10, 4, 5);", "c")
    assert c.shape == (5, 4)
    for row in c:
        assert len(set(row)) == 4 and list(row) == sorted(row)
    k = values("call randseed(2); k = ranperk(5, 2, 3);", "k")
    assert k.shape == (3, 2) and all(len(set(r)) == 2 for r in k)
    assert run("c = rancomb(3, 4);").status == 2


def test_base_sas_generators():
    u = values("call randseed(4); u = ranuni(j(1000, 1, 0));", "u")
    assert u.shape == (1000, 1) and np.all((u >= 0) & (u < 1))
    z = values("call randseed(4); z = rannor(j(4000, 1, 0));", "z")
    assert abs(z.mean()) < 0.08 and z.std() == pytest.approx(1, rel=0.05)
    assert isinstance(values("u = uniform(0); n = normal(0);", "u"), float)


def test_examples_print_what_they_say():
    from imlpy.builtins import REGISTRY
    for name, b in REGISTRY.items():
        if b.family == "random" and b.example and b.name == name:
            r = run(b.example[0])
            assert r.status == 0, (name, r.log)
            assert r.out.strip("\n") == b.example[1].strip("\n"), name


def test_help_says_streams_are_not_sas_numbers():
    from imlpy.builtins import lookup_help
    assert "not SAS's exact numbers" in lookup_help("randgen")
    assert "not SAS's exact numbers" in lookup_help("randseed")
