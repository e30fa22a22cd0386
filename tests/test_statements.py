"""Workspace and control statements: RESET, SHOW, FREE, STOP, ABORT, lists, literals."""
import numpy as np

from helpers import run


def test_reset_print_echoes_assignments():
    r = run("reset print; x = {1 2};")
    assert r.out.splitlines()[0].strip() == "x"
    r = run("reset print; reset noprint; x = 1;")
    assert r.out == ""


def test_reset_autoname_labels_rows_and_columns():
    r = run("reset autoname; x = {1 2, 3 4}; print x;")
    assert "COL1" in r.out and "ROW2" in r.out


def test_show_names_lists_shapes():
    r = run("x = {1 2 3}; c = {'ab'}; show names;")
    assert "X" in r.out and "3 cols" in r.out and "char" in r.out


def test_free_and_free_except():
    r = run("a = 1; b = 2; c = 3; free a; free / c;")
    assert set(r.session.globals) == {"c"}


def test_stop_inside_module_ends_statement_only():
    r = run("start f; x = 1; stop 'halt here'; x = 2; finish; run f; y = 5;")
    assert r["y"] == 5 and "halt here" in r.log


def test_abort_ends_the_program():
    r = run("a = 1; abort 'giving up'; b = 2;")
    assert "b" not in r.session.globals and "giving up" in r.log


def test_repetition_factor_and_words_in_literals():
    r = run("x = {[2] 'Yes', [2] 'No'}; y = {[3] 1 2};")
    assert r["x"].tolist() == [["Yes", "Yes"], ["No", "No"]]
    assert r["y"].tolist() == [[1, 1, 1, 2]]


def test_character_element_length_and_padding():
    r = run("x = {'a' 'abc'}; n = nleng(x); y = x[1] + 'z';")
    assert r["n"] == 3
    assert r["y"].tolist() == [["a  z"]]        # + keeps the element's trailing blanks


def test_lists_literal_access_and_assignment():
    r = run("L = [1, 'two', #'three'=3]; a = L$1; b = L$'three'; L$2 = {5 6}; c = L$2;")
    assert r["a"] == 1 and r["b"] == 3 and r["c"].tolist() == [[5, 6]]


def test_subscripts_on_expressions_and_functions():
    r = run("x = {1 2, 3 4}; a = (x + 1)[2, ]; b = t(x)[1, 2]; c = {5 6 7}[2];")
    assert r["a"].tolist() == [[4, 5]] and r["b"] == 3 and r["c"] == 6


def test_special_missing_values_compare_in_sas_order():
    r = run("a = (._ < .) & (. < .A) & (.A < .Z) & (.Z < -1e300); b = (.M = .M); c = (.M ^= .);")
    assert r["a"] == 1 and r["b"] == 1 and r["c"] == 1


def test_skipped_arguments_and_isskipped_style_defaults():
    r = run("start f(a, b=, c=3); if isempty(b) then return(a + c); return(a + b + c); finish;"
            "x = f(1); y = f(1, , 10); z = f(1, 2);")
    assert r["x"] == 4 and r["y"] == 11 and r["z"] == 6


def test_keyword_arguments_on_run():
    r = run("start m(out, a=1, b=2); out = a * 10 + b; finish; run m(v) b=5;")
    assert r["v"] == 15


def test_function_result_must_be_returned():
    r = run("start f(x); y = x; finish; z = f(1);")
    assert "did not return a value" in r.log and "z" not in r.session.globals


def test_recursion_depth_is_an_error_not_a_crash():
    r = run("start f(n); return(f(n + 1)); finish; x = f(1); y = 1;")
    assert "nested too deeply" in r.log and r["y"] == 1


def test_goto_label():
    r = run("start f; k = 0; again: k = k + 1; if k < 3 then goto again; finish; run f;")
    assert r["k"] == 3


def test_empty_matrix_rules():
    r = run("e = {}; a = nrow(e) || ncol(e); b = e || {1 2}; t = type(e);")
    assert r["a"].tolist() == [[0, 0]] and r["b"].tolist() == [[1, 2]] and r["t"].tolist() == [["U"]]
    bad = run("e = {}; print e;")
    assert "Matrix has not been set to a value" in bad.log


def test_index_operator_forms():
    r = run("a = 5:1; b = 1.5:4; c = -1:-3;")
    assert r["a"].tolist() == [[5, 4, 3, 2, 1]]
    assert r["b"].tolist() == [[1.5, 2.5, 3.5]]
    assert r["c"].tolist() == [[-1, -2, -3]]


def test_elementwise_max_min_and_missing():
    r = run("a = {1 . 3} <> {2 2 .}; b = {1 . 3} >< {2 2 .};")
    assert r["a"].tolist() == [[2, 2, 3]]
    assert r["b"][0, 0] == 1 and np.isnan(r["b"][0, 1])      # missing is smallest


def test_matrix_power_and_transpose():
    r = run("a = {2 1, 1 2}; b = a**2; c = a**(-1); d = a`;")
    assert r["b"].tolist() == [[5, 4], [4, 5]]
    assert np.allclose(r["c"], np.linalg.inv([[2, 1], [1, 2]]))


def test_isskipped_and_parentname():
    r = run('start f(a, b=5); s = isskipped(b); p = parentname("a"); return(s || (p = "X")); finish;'
            'x = 1; r1 = f(x); r2 = f(x, 2); r3 = f(3);')
    assert r["r1"].tolist() == [[1, 1]] and r["r2"].tolist() == [[0, 1]] and r["r3"].tolist() == [[1, 0]]


def test_keyword_value_arguments_for_builtins():
    r = run('start g(x); return(exp(-x##2/2)); finish; call quad(v, "g", {.M .P}) peak=0.5;')
    assert abs(r["v"] - (2 * 3.141592653589793) ** 0.5) < 1e-6
    bad = run('start g(x); return(x); finish; call quad(v, "g", {0 1}) nosuch=1;')
    assert "QUAD has no argument named NOSUCH" in bad.log


def test_apply_calls_a_module_elementwise():
    r = run('start hyp(a, b); return(sqrt(a##2 + b##2)); finish; h = apply("hyp", {3 5, 8 7}, {4 12, 15 24});')
    assert r["h"].tolist() == [[5, 13], [17, 25]]


def test_call_execute_runs_statements_and_reports_their_errors():
    r = run('call execute("z = 6 # 7;", "w = z + 1;"); call execute("q = {1 2} * {3 4};"); after = 1;')
    assert r["z"] == 42 and r["w"] == 43 and r["after"] == 1
    assert "A statement run by EXECUTE failed" in r.log and "q" not in r.session.globals
