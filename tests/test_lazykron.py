"""Lazy Kronecker products give exactly the results of the formed product."""
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers import run
from imlpy.matrix import lazykron


@pytest.fixture
def always_lazy(monkeypatch):
    monkeypatch.setattr(lazykron, "LAZY_MIN_ELEMENTS", 1)
    import imlpy.matrix.operators as ops
    monkeypatch.setattr(ops, "kron", _lazy_kron)


def _lazy_kron(a, b):
    from imlpy.matrix.values import numeric_array, wrap
    return wrap(lazykron.make(numeric_array(a), numeric_array(b)))


def dense(v):
    return v.materialize() if hasattr(v, "materialize") else np.asarray(v)


def iml_matrix(M):
    return "{" + ", ".join(" ".join(repr(float(x)) for x in row) for row in M) + "}"


def square(n):
    return arrays(np.float64, (n, n), elements=st.floats(-3, 3, allow_nan=False, width=32))


def test_lazy_value_is_a_kronmatrix(always_lazy):
    r = run("K = {1 2, 3 4} @ {0 1, 1 0};")
    assert type(r["K"]) is lazykron.KronMatrix


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.data())
def test_products_match_formed_kron(n, p, m, q, k, data):
    import imlpy.matrix.operators as ops
    saved = (lazykron.LAZY_MIN_ELEMENTS, ops.kron)
    lazykron.LAZY_MIN_ELEMENTS, ops.kron = 1, _lazy_kron
    try:
        el = st.floats(-5, 5, allow_nan=False, width=32)
        A = data.draw(arrays(np.float64, (n, p), elements=el))
        B = data.draw(arrays(np.float64, (m, q), elements=el))
        V = data.draw(arrays(np.float64, (p * q, k), elements=el))
        W = data.draw(arrays(np.float64, (k, n * m), elements=el))
        r = run(f"A = {iml_matrix(A)}; B = {iml_matrix(B)}; V = {iml_matrix(V)}; W = {iml_matrix(W)};"
                "y = (A @ B) * V; z = W * (A @ B); t = (A @ B)`; e = (A @ B)[1, ]; f = (A @ B) + 0;"
                "nr = nrow(A @ B); nc = ncol(A @ B);")
        assert r.status == 0, r.log
        K = np.kron(A, B)
        assert np.allclose(dense(r["y"]), K @ V)
        assert np.allclose(dense(r["z"]), W @ K)
        assert np.allclose(dense(r["t"]), K.T)
        assert np.allclose(dense(r["e"]), K[:1, :])
        assert np.allclose(dense(r["f"]), K)
        assert r["nr"] == n * m and r["nc"] == p * q
    finally:
        lazykron.LAZY_MIN_ELEMENTS, ops.kron = saved


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_square_functions_match_formed_kron(n, m, data):
    import imlpy.matrix.operators as ops
    saved = (lazykron.LAZY_MIN_ELEMENTS, ops.kron)
    lazykron.LAZY_MIN_ELEMENTS, ops.kron = 1, _lazy_kron
    try:
        # well-conditioned symmetric factors: inverse, solve and eigenvalues are all defined
        # (IML names are case-blind: b would be B, d would be D)
        A0 = data.draw(square(n))
        B0 = data.draw(square(m))
        A = A0 @ A0.T + n * np.eye(n)
        B = B0 @ B0.T + m * np.eye(m)
        b = np.arange(1.0, n * m + 1).reshape(-1, 1)
        C = np.eye(n) * 2.0
        D = np.ones((m, m)) + np.eye(m)
        r = run(f"A = {iml_matrix(A)}; B = {iml_matrix(B)}; rhs = {iml_matrix(b)}; C = {iml_matrix(C)}; D = {iml_matrix(D)};"
                "i = inv(A @ B); dt = det(A @ B); ev = eigval(A @ B); tr = trace(A @ B); s = solve(A @ B, rhs);"
                "mp = (A @ B) * (C @ D);")
        assert r.status == 0, r.log
        K = np.kron(A, B)
        assert np.allclose(dense(r["i"]), np.linalg.inv(K))
        assert np.isclose(r["dt"], np.linalg.det(K), rtol=1e-8)
        assert np.allclose(np.sort(np.ravel(r["ev"]))[::-1], np.sort(np.linalg.eigvalsh(K))[::-1])
        assert np.isclose(r["tr"], np.trace(K))
        assert np.allclose(r["s"], np.linalg.solve(K, b))
        assert np.allclose(dense(r["mp"]), K @ np.kron(C, D))
    finally:
        lazykron.LAZY_MIN_ELEMENTS, ops.kron = saved


def test_printing_a_lazy_value_prints_its_elements(always_lazy):
    lazy = run("K = {1 2} @ {1, 1}; print K;").out
    import imlpy.matrix.operators as ops
    assert "1         2" in lazy


def test_300_by_300_product_times_vector_runs_in_little_memory():
    """(A@B)*v with A, B 300 x 300: the product would have 8.1e9 elements (65 GB)."""
    code = r"""
import resource, numpy as np
from imlpy import Session
out = []
s = Session(out=out.append, log=out.append)
s.run('n = 300; A = shape(1:n*n, n, n) / (n*n) + I(n); B = t(A) + 2*I(n); v = (1:n*n)` / 1000;'
      'y = (A @ B) * v;')
g = s.globals
A, B, v = g['a'], g['b'], g['v']
ref = (A @ v.reshape(300, 300) @ B.T).reshape(-1, 1)
assert np.allclose(g['y'], ref), out
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    peak_kib = int(r.stdout.strip().splitlines()[-1])
    assert peak_kib < 2 * 1024 * 1024          # far below the 65 GB of the formed product


def test_forming_a_huge_product_is_an_iml_error():
    r = run("A = j(300, 300, 1); K = A @ A; x = K[1, 1]; y = 1;")
    assert "Unable to allocate sufficient memory" in r.log
    assert r["y"] == 1


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.data())
def test_lazy_kronsum_and_khatrirao_match_formed(n, m, k, data):
    saved = lazykron.LAZY_MIN_ELEMENTS
    lazykron.LAZY_MIN_ELEMENTS = 1
    try:
        el = st.floats(-3, 3, allow_nan=False, width=32)
        A0 = data.draw(arrays(np.float64, (n, n), elements=el))
        B0 = data.draw(arrays(np.float64, (m, m), elements=el))
        A, B = A0 + A0.T, B0 + B0.T          # symmetric: eigenvalues are the pairwise sums
        P = data.draw(arrays(np.float64, (n, k), elements=el))
        Q = data.draw(arrays(np.float64, (m, k), elements=el))
        V = data.draw(arrays(np.float64, (n * m, 2), elements=el))
        v = data.draw(arrays(np.float64, (k, 1), elements=el))
        r = run(f"A = {iml_matrix(A)}; B = {iml_matrix(B)}; P = {iml_matrix(P)}; Q = {iml_matrix(Q)};"
                f"V = {iml_matrix(V)}; w = {iml_matrix(v)};"
                "S = kronsum(A, B); y = S * V; z = V` * S; tr = trace(S); ev = eigval(S); f = S + 0;"
                "K = khatrirao(P, Q); u = K * w; kv = (K` * V); g = K + 0;")
        assert r.status == 0, r.log
        assert isinstance(r["S"], lazykron.KronSumMatrix) and isinstance(r["K"], lazykron.KhatriRaoMatrix)
        S = np.kron(A, np.eye(m)) + np.kron(np.eye(n), B)
        K = np.column_stack([np.kron(P[:, j], Q[:, j]) for j in range(k)])
        assert np.allclose(dense(r["y"]), S @ V) and np.allclose(dense(r["z"]), V.T @ S)
        assert np.isclose(r["tr"], np.trace(S))
        assert np.allclose(np.ravel(dense(r["ev"])), np.sort(np.linalg.eigvalsh(S))[::-1])
        assert np.allclose(dense(r["f"]), S)
        assert np.allclose(dense(r["u"]), K @ v) and np.allclose(dense(r["kv"]), K.T @ V)
        assert np.allclose(dense(r["g"]), K)
    finally:
        lazykron.LAZY_MIN_ELEMENTS = saved


def test_large_kronsum_times_vector_without_forming():
    """kronsum of two 400 x 400 matrices would be 160000 x 160000 (205 GB)."""
    r = run("n = 400; A = toeplitz({2 -1} || j(1, n-2, 0)); v = j(n*n, 1, 1); y = kronsum(A, A) * v; s = sum(y);")
    assert r.status == 0, r.log
    # each row of the 1-D Laplacian sums to 0 except the two ends (1): the 2-D sums follow
    A = np.diag(2.0 * np.ones(400)) - np.diag(np.ones(399), 1) - np.diag(np.ones(399), -1)
    expected = (np.kron(A.sum(axis=1), np.ones(400)) + np.kron(np.ones(400), A.sum(axis=1))).sum()
    assert np.isclose(r["s"], expected)
