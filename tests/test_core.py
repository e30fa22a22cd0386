"""Core language behaviour, checked through IML snippets."""
import numpy as np
import pytest

from helpers import run


def value(code, name):
    r = run(code)
    assert r.status == 0, r.log
    return r[name]


def test_scalars_are_floats_and_matrices_are_2d():
    r = run("a = 3; b = {1 2 3}; c = {1, 2};")
    assert r["a"] == 3.0 and type(r["a"]) is float
    assert r["b"].shape == (1, 3) and r["c"].shape == (2, 1)


@pytest.mark.parametrize("code, expected", [
    ("x = -2##2;", -4.0),            # group I is right to left: -(2##2)
    ("x = 2##3##2;", 512.0),
    ("x = ^0 = 1;", 1.0),            # (^0) = 1
    ("x = 2*3#4;", 24.0),
    ("x = ncol(1:3+1);", 3.0),       # 1:(3+1) has 4 elements? no: 1:4 -> 4 columns
])
def test_precedence(code, expected):
    if "ncol" in code:
        expected = 4.0
    assert value(code, "x") == expected


def test_subscript_reductions():
    r = run("x = {1 2 3, 4 5 6}; a = x[+,]; b = x[,+]; c = x[+]; d = x[:,]; e = x[<:>]; f = x[+,<>];")
    assert r["a"].tolist() == [[5, 7, 9]]
    assert r["b"].tolist() == [[6], [15]]
    assert r["c"] == 21
    assert r["d"].tolist() == [[2.5, 3.5, 4.5]]
    assert r["e"] == 6
    assert r["f"] == 9          # row reduction first: max of the column sums


def test_single_index_is_row_major():
    r = run("x = {1 2 3, 4 5 6, 7 8 9}; y = x[{4 6}]; z = (1:5)[{2 4}];")
    assert r["y"].tolist() == [[4], [6]]
    assert r["z"].tolist() == [[2, 4]]


def test_broadcasting_rules():
    r = run("x = {1 2, 3 4}; a = x - {1 2}; b = x # {10, 100};")
    assert r["a"].tolist() == [[0, 0], [2, 2]]
    assert r["b"].tolist() == [[10, 20], [300, 400]]
    bad = run("c = {1 2 3} + {1, 2};")
    assert "Matrices do not conform" in bad.log and "c" not in bad.session.globals


def test_missing_values():
    r = run("a = . + 1; b = (. < -1e300); c = (. = .); d = (.A > .); e = sum({1 . 2}); f = ^.;")
    assert np.isnan(r["a"]) and r["b"] == 1 and r["c"] == 1 and r["d"] == 1 and r["e"] == 3 and r["f"] == 1


def test_division_by_zero_warns_and_gives_missing():
    r = run("x = {1 2} / {0 1};")
    assert np.isnan(r["x"][0, 0]) and r["x"][0, 1] == 2
    assert "WARNING" in r.log and r.status == 1


def test_failed_statement_leaves_variables_unchanged():
    r = run("x = {1 2 3}; do i = 1 to 3; x[i] = 10; if i = 2 then y = x * x; end;")
    assert r["x"].tolist() == [[1, 2, 3]]
    assert "i" not in r.session.globals


def test_value_semantics_of_assignment():
    r = run("x = {1 2 3}; y = x; y[1] = 99; z = {5 6}; do k = 1 to 2; w = z; w[k] = 0; end;")
    assert r["x"].tolist() == [[1, 2, 3]] and r["y"].tolist() == [[99, 2, 3]]
    assert r["z"].tolist() == [[5, 6]] and r["w"].tolist() == [[5, 0]]


def test_literal_is_not_mutated_by_assignment_in_loop():
    r = run("do k = 1 to 2; v = {1 2}; v[1] = v[1] + 10; end;")
    assert r["v"].tolist() == [[11, 2]]


def test_modules_by_reference_defaults_and_globals():
    r = run("""
        start add(out, a, b=10) global(g);
            out = a + b + g;
        finish;
        g = 100;
        call add(r1, 1);
        run add(r2, 1, 2);
        start f(x, n, seq=1:n); return(x + sum(seq)); finish;
        v = f(1, 3);
    """)
    assert r["r1"] == 111 and r["r2"] == 103 and r["v"] == 7


def test_module_without_parameters_shares_globals():
    r = run("start setit; z = 5; finish; run setit;")
    assert r["z"] == 5


def test_do_loop_index_after_loop_and_while():
    r = run("do i = 1 to 3; end; y = 1; do j = 1 to 100 by 2 while(y < 200); y = y # j; end;")
    assert r["i"] == 4 and r["j"] == 11 and r["y"] == 945


def test_if_on_matrix_needs_all_elements_true():
    r = run("if {1 1 0} then a = 1; else a = 2; if {1 2} then b = 1; else b = 2;")
    assert r["a"] == 2 and r["b"] == 1


def test_statement_comment_after_then():
    r = run("x = 1;\nif x = 1 then * a note;\n  y = 5;\nelse y = 6;")
    assert r["y"] == 5


def test_character_values():
    r = run('a = {abc "de"}; b = "ab " + "c"; c = ("x" = "x  "); d = "var1":"var3";')
    assert r["a"].tolist() == [["ABC", "de"]]
    assert r["b"].tolist() == [["ab c"]]
    assert r["c"] == 1
    assert r["d"].tolist() == [["var1", "var2", "var3"]]


def test_runtime_error_message_and_continuation():
    r = run("a = {1 2, 3 4};\nb = a * {1 2 3};\nc = 1;")
    assert "ERROR: (execution) Matrices do not conform to the operation." in r.log
    assert "operation : * at line 2 column 7" in r.log
    assert "statement : ASSIGN at line 2 column 1" in r.log
    assert r["c"] == 1 and r.status == 2


def test_syntax_error_runs_statements_before_and_after():
    r = run("a = 1;\nb = ;\nc = 3;")
    assert r["a"] == 1 and r["c"] == 3 and "b" not in r.session.globals
    assert "line 2, column 5" in r.log and "^" in r.log


def test_no_python_traceback_on_internal_error(monkeypatch):
    from imlpy.builtins import registry
    def boom(x):
        raise RuntimeError("boom")
    monkeypatch.setitem(registry.REGISTRY, "abs", registry.Builtin("abs", boom, "function", "ABS(x)", "", 1, 1))
    r = run("x = abs(1); y = 2;")
    assert "internal error in imlpy" in r.log and "Traceback" not in r.log
    assert r["y"] == 2
