"""IML lists: creation, by-reference updates through the CALL subroutines, names, nesting."""
import numpy as np

from helpers import run
from imlpy.matrix.values import IMLList


def ok(code):
    r = run(code)
    assert r.status == 0, r.log
    return r


def test_listcreate_with_count_names_or_nothing():
    r = ok("a = ListCreate(3); b = ListCreate({'x' 'y'}); c = ListCreate(); "
           "na = ListLen(a); nb = ListLen(b); nc = ListLen(c); t = type(a);")
    assert (r["na"], r["nb"], r["nc"]) == (3, 2, 0)
    assert r["t"].tolist() == [["L"]]
    assert r["b"].names == ["x", "y"]


def test_listsetitem_changes_the_list_in_place():
    r = ok("L = ListCreate(3); x = {1 2}; call ListSetItem(L, 1, x); y = L$1; x[1] = 99;")
    assert r["y"].tolist() == [[1, 2]]
    assert r["L"].items[0].tolist() == [[1, 2]]          # a copy: changing x later does not change L
    assert r["x"].tolist() == [[99, 2]]


def test_documented_fill_loop():
    r = ok("L = ListCreate(3); do n = 1 to ListLen(L); call ListSetItem(L, n, j(n, n, n)); end; "
           "m = ListGetItem(L, 3);")
    assert r["m"].tolist() == np.full((3, 3), 3.0).tolist()


def test_list_updated_inside_a_module_is_seen_by_the_caller():
    r = ok("start fill(L); call ListAddItem(L, 'added'); finish; L = [1]; run fill(L); n = ListLen(L);")
    assert r["n"] == 2


def test_listgetitem_flags():
    r = ok("L = [10, 20, 30]; a = ListGetItem(L, 2, 'm'); na = ListLen(L); "
           "b = ListGetItem(L, 1, 'd'); nb = ListLen(L); c = ListGetItem(L, 2);")
    assert r["a"] == 20 and r["na"] == 3
    assert r["b"] == 10 and r["nb"] == 2 and r["c"] == 30
    assert r["L"].items[0] is None                     # the moved item is now empty


def test_listadditem_copy_and_move():
    r = ok("L = ListCreate(); v1 = 1:3; call ListAddItem(L, v1); v2 = {'A', 'Z'}; call ListAddItem(L, v2, 'm'); "
           "n = ListLen(L); t1 = type(v1); t2 = type(v2);")
    assert r["n"] == 2
    assert r["t1"].tolist() == [["N"]] and r["t2"].tolist() == [["U"]]   # 'm' frees v2 (ListAddItem doc)


def test_listinsertitem_and_listdeleteitem():
    r = ok("L = [1, 2, 3]; call ListInsertItem(L, 1, 0); call ListInsertItem(L, 5, 4); "
           "call ListDeleteItem(L, {2 4});")
    assert [float(v) for v in r["L"].items] == [0, 2, 4]
    bad = run("L = [1]; call ListInsertItem(L, 3, 0);")
    assert bad.status == 2


def test_names():
    r = ok("L = [#'Hire Date' = 1, #Name = 2, #Salary = 3]; call ListAddItem(L, 1:5); names = ListGetName(L); "
           "some = ListGetName(L, {1 4}); call ListSetName(L, 4, 'Extra'); k = ListIndex(L, 'extra'); "
           "z = ListIndex(L, 'none'); v = ListGetItem(L, 'SALARY');")
    assert r["names"].tolist() == [["Hire Date", "Name", "Salary", ""]]
    assert r["some"].tolist() == [["Hire Date", ""]]
    assert r["k"] == 4 and r["z"] == 0 and r["v"] == 3


def test_item_by_unknown_name_or_bad_index_is_an_error():
    assert run("L = [1]; x = ListGetItem(L, 'q');").status == 2
    r = run("L = [1, 2]; x = ListGetItem(L, 3);")
    assert r.status == 2 and "ERROR" in r.log


def test_subitems_of_nested_lists():
    r = ok("L = [1, [2, {3 4}]]; a = ListGetSubItem(L, {2 2}); call ListSetSubItem(L, {2 1}, 'two'); "
           "b = L$2$1;")
    assert r["a"].tolist() == [[3, 4]]
    assert r["b"].tolist() == [["two"]]
    assert isinstance(r["L"].items[1], IMLList)


def test_not_a_list_is_an_error():
    r = run("x = ListLen({1 2});")
    assert r.status == 2 and "list" in r.log.lower()


def test_listprint_labels_items_by_path():
    r = ok("call ListPrint([#'a' = 1, [2, 'x'], {3 4}]);")
    out = r.out
    assert "$a" in out and "$2$1" in out and "$2$2" in out and "$3" in out
