"""Sets, sorting, BY groups and ranks: SAS documentation examples and hand-checked cases."""
import math

import numpy as np

from helpers import run


def ok(code):
    r = run(code)
    assert r.status == 0, r.log
    return r


def test_set_functions_return_sorted_row_vectors():
    r = ok("a = {5, 1, 3, 1}; u = unique(a); n = union(a, {2 9}); x = xsect(a, {3, 5, 7}); d = setdif(a, {3});")
    assert r["u"].tolist() == [[1, 3, 5]]
    assert r["n"].tolist() == [[1, 2, 3, 5, 9]]
    assert r["x"].tolist() == [[3, 5]]
    assert r["d"].tolist() == [[1, 5]]


def test_empty_results_are_unvalued():
    r = ok("x = xsect({1 2}, {3 4}); d = setdif({1 2}, {1 2 3}); t = type(x); k = ncol(d);")
    assert r["t"].tolist() == [["U"]] and r["k"] == 0


def test_setdif_with_empty_second_argument():
    r = ok("e = {}; d = setdif({3 1 3}, e);")
    assert r["d"].tolist() == [[1, 3]]


def test_character_sets_sort_and_keep_element_length():
    r = ok("a = {'pear' 'fig' 'apple' 'fig'}; u = unique(a); x = xsect(a, {'fig' 'kiwi' 'pear'});")
    assert r["u"].tolist() == [["apple", "fig", "pear"]] and r["u"].dtype.itemsize // 4 == 5
    assert r["x"].tolist() == [["fig", "pear"]]


def test_missing_values_sort_first_in_sas_order():
    r = ok("u = unique({3 .B . 1 .A . ._}); c = putn(u, 'best3.');")
    u = r["u"]
    assert u.shape == (1, 6)                       # ._ . .A .B 1 3 (each kind of missing once)
    assert np.isnan(u[0, :4]).all() and u[0, 4:].tolist() == [1, 3]
    assert [s.strip() for s in r["c"].reshape(-1)] == ["_", ".", "A", "B", "1", "3"]


def test_mixed_types_are_an_error():
    r = run("u = union({1 2}, {'a'});")
    assert r.status == 2 and "Type mismatch" in r.log


def test_element_keeps_the_shape_of_x():
    r = ok("e = element({1 2, 3 4}, {4 1 9}); c = element({'a' 'b'}, 'b');")
    assert r["e"].tolist() == [[1, 0], [0, 1]]
    assert r["c"].tolist() == [[0, 1]]


def test_call_sort_documented_example():
    r = ok("m = {1 1 0, 2 2 0, 1 1 1, 2 2 2}; call sort(m, {1 3}, 3);")     # SORT call doc
    assert r["m"].tolist() == [[1, 1, 1], [1, 1, 0], [2, 2, 2], [2, 2, 0]]


def test_call_sort_default_is_the_first_column_and_stable():
    r = ok("m = {2 1, 1 9, 2 0, 1 3}; call sort(m);")
    assert r["m"].tolist() == [[1, 9], [1, 3], [2, 1], [2, 0]]


def test_call_sort_character_and_descending():
    r = ok("c = {'b' 'x', 'a' 'y', 'c' 'z'}; call sort(c, 1, 1);")
    assert r["c"].tolist() == [["c", "z"], ["b", "x"], ["a", "y"]]


def test_sortndx_documented_example():
    r = ok("m = {1 1 0, 2 0 0, 1 3 1, 2 2 2}; call sortndx(ndx, m, {1 3}, 3);")   # SORTNDX doc
    assert r["ndx"].tolist() == [[3], [1], [4], [2]]
    assert r["m"].tolist()[0] == [1, 1, 0]          # x is not modified


def test_uniqueby_documented_example():
    r = ok("m = {1 0, 2 0, 2 2, 2 0, 1 0, 2 0, 1 1}; cols = 1:2; call sortndx(ndx, m, cols); "
           "u = uniqueby(m, cols, ndx); vals = m[ndx[u], ];")
    # sorted rows: (1 0) (1 0) (1 1) (2 0) (2 0) (2 0) (2 2) -> groups start at 1, 3, 4, 7
    assert r["u"].tolist() == [[1], [3], [4], [7]]
    assert r["vals"].tolist() == [[1, 0], [1, 1], [2, 0], [2, 2]]


def test_uniqueby_default_by_is_first_column():
    r = ok("u = uniqueby({1 5, 1 6, 2 5, 3 0, 3 1});")
    assert r["u"].tolist() == [[1], [3], [4]]


def test_rank_breaks_ties_by_position():
    r = ok("r = rank({2 2 1 0 5}); c = rank({'b' 'a' 'c'});")
    assert r["r"].tolist() == [[3, 4, 2, 1, 5]]
    assert r["c"].tolist() == [[2, 1, 3]]


def test_ranktie_methods():
    r = ok("x = {2 2 1 0 5}; a = ranktie(x); b = ranktie(x, 'Low'); c = ranktie(x, 'high'); d = ranktie(x, 'DENSE');")
    assert r["a"].tolist() == [[3.5, 3.5, 2, 1, 5]]          # RANKTIE doc
    assert r["b"].tolist() == [[3, 3, 2, 1, 5]]
    assert r["c"].tolist() == [[4, 4, 2, 1, 5]]
    assert r["d"].tolist() == [[3, 3, 2, 1, 4]]


def test_ranktie_missing_gets_missing_rank_and_bad_method():
    r = ok("r = ranktie({3 . 1});")
    assert r["r"][0, 0] == 2 and math.isnan(r["r"][0, 1]) and r["r"][0, 2] == 1
    bad = run("r = ranktie({1 2}, 'median');")
    assert bad.status == 2 and "method" in bad.log
