"""IML tables: TableCreate ... TableWriteToDataSet, TablePrint, and how tables behave as values.

Expected values come from the SAS/IML documentation (Tables chapter, TABLE* function pages, the
Tables.sas sample: Sashelp.Class has 19 rows and 5 columns, 10 of them boys) and from the
corpus programs (weights/GeomWeightedVars.sas, biplots/biplot-iml-modules.sas).
"""
import csv
import os

import numpy as np
import pytest

from helpers import run


def ok(code):
    r = run(code)
    assert r.status == 0, r.text
    assert "Traceback" not in r.text
    return r


def fails(code, *words):
    r = run(code)
    assert r.status == 2, r.text
    assert "Traceback" not in r.text and "internal error" not in r.text
    for w in words:
        assert w in r.log, r.log
    return r


# ---------------------------------------------------------------- creating and asking
def test_create_from_matrix_with_names():
    r = ok('T = TableCreate({"x" "y"}, {1 2, 3 4, 5 6});'
           'n = nrow(T); p = ncol(T); ty = type(T); names = TableGetVarName(T);'
           'y = TableGetVarData(T, "y"); all = TableGetVarData(T);')
    assert (r["n"], r["p"]) == (3.0, 2.0)
    assert r["ty"][0, 0] == "T"
    assert list(r["names"][0]) == ["x", "y"]
    np.testing.assert_array_equal(r["y"], [[2], [4], [6]])
    np.testing.assert_array_equal(r["all"], [[1, 2], [3, 4], [5, 6]])


def test_create_default_names_and_pairs_of_mixed_types():
    r = ok('T = TableCreate({1 2, 3 4}); n1 = TableGetVarName(T);'
           'U = TableCreate("Student", {"A","B","C"}, {"Test1" "Test2"}, {10 2, 7 8, 9 5});'
           'n2 = TableGetVarName(U); ty = TableGetVarType(U); isn = TableIsVarNumeric(U);'
           's = TableGetVarData(U, 1); t2 = TableGetVarData(U, {"Test2"}, {3 1});')
    assert list(r["n1"][0]) == ["COL1", "COL2"]
    assert list(r["n2"][0]) == ["Student", "Test1", "Test2"]
    assert list(r["ty"][0]) == ["C", "N", "N"]
    np.testing.assert_array_equal(r["isn"], [[0, 1, 1]])
    assert [str(v) for v in r["s"].ravel()] == ["A", "B", "C"]
    np.testing.assert_array_equal(r["t2"], [[5], [2]])


def test_index_and_existing_var_are_case_insensitive():
    r = ok('T = TableCreate({"a" "b" "c"}, {1 2 3});'
           'k = TableGetVarIndex(T, {"C" "a"}); e = TableIsExistingVar(T, {"B" "zz"});')
    np.testing.assert_array_equal(r["k"], [[3, 1]])
    np.testing.assert_array_equal(r["e"], [[1, 0]])


def test_add_rename_label_format_informat():
    r = ok('T = TableCreate("x", {1,2});'
           'call TableAddVar(T, {"y" "z"}, {3 5, 4 6}, "s", {"p","q"});'
           'call TableRenameVar(T, "z", "Zed");'
           'call TableSetVarLabel(T, {"x" "Zed"}, {"The X" "The Z"});'
           'call TableSetVarFormat(T, 2, "8.3");'
           'call TableSetVarInformat(T, "x", "COMMA8.");'
           'nm = TableGetVarName(T); lb = TableGetVarLabel(T); fm = TableGetVarFormat(T, "y");'
           'inf = TableGetVarInformat(T, 1); z = TableGetVarData(T, "zed");')
    assert list(r["nm"][0]) == ["x", "y", "Zed", "s"]
    assert [s.strip() for s in r["lb"][0]] == ["The X", "", "The Z", ""]
    assert r["fm"][0, 0] == "8.3" and r["inf"][0, 0] == "COMMA8."
    np.testing.assert_array_equal(r["z"], [[5], [6]])


def test_a_failed_call_leaves_the_table_unchanged():
    r = run('T = TableCreate("x", {1,2}); call TableAddVar(T, "y", {1,2,3}); p = ncol(T);')
    assert r.status == 2 and r["p"] == 1.0


def test_tables_in_modules_pass_by_reference():
    r = ok('start add(T); call TableAddVar(T, "k", {7,8}); finish;'
           'T = TableCreate("x", {1,2}); run add(T); v = TableGetVarData(T, "k");')
    np.testing.assert_array_equal(r["v"], [[7], [8]])


# ---------------------------------------------------------------- data sets
def test_create_from_sashelp_class_and_options():
    """The Tables.sas sample: 19 x 5; drop=Name rename=(Weight=Mass) where=(Sex='M') keeps the 10 boys."""
    r = ok('t = TableCreateFromDataSet("Sashelp", "Class"); n = nrow(t); p = ncol(t);'
           'b = TableCreateFromDataSet("Sashelp", "Class", "drop=Name rename=(Weight=Mass) where=(Sex=\'M\')");'
           'nb = nrow(b); names = TableGetVarName(b); sex = TableGetVarData(b, "Sex");'
           'f = TableCreateFromDataSet("Sashelp", "Class", "obs=5"); nf = nrow(f);')
    assert (r["n"], r["p"]) == (19.0, 5.0)
    assert r["nb"] == 10.0
    assert list(r["names"][0]) == ["Sex", "Age", "Height", "Mass"]
    assert set(str(s) for s in r["sex"].ravel()) == {"M"}
    assert r["nf"] == 5.0


def test_create_from_dataset_options_keep_firstobs_and_word_operators():
    r = ok('t = TableCreateFromDataSet("sashelp.class");'
           'a = TableCreateFromDataSet("Sashelp", "Class", "keep=Name Age Sex where=(age gt 14 and sex eq \'F\')");'
           'na = TableGetVarData(a, "Name"); ages = TableGetVarData(a, "Age");'
           'b = TableCreateFromDataSet("Sashelp", "Class", "firstobs=18"); nb = nrow(b);')
    assert sorted(str(s) for s in r["na"].ravel()) == ["Janet", "Mary"]   # the girls older than 14
    assert set(r["ages"].ravel()) == {15.0}
    assert r["nb"] == 2.0


def test_write_to_dataset_and_read_back(tmp_path):
    folder = str(tmp_path)
    r = ok(f"libname out '{folder}';"
           'T = TableCreate("Name", {"Al","Bea","Cy"}, "Age", {13,12,15});'
           'call TableWriteToDataSet(T, "out", "kids");'
           'call TableWriteToDataSet(T, "out", "older", "where=(Age > 12) drop=Name");'
           'use out.kids; read all var _ALL_; close;'
           'U = TableCreateFromDataSet("out", "older"); n = nrow(U); nm = TableGetVarName(U);')
    assert [str(s) for s in r["name"].ravel()] == ["Al", "Bea", "Cy"]
    np.testing.assert_array_equal(r["age"], [[13], [12], [15]])
    assert r["n"] == 2.0 and list(r["nm"][0]) == ["Age"]
    with open(os.path.join(folder, "kids.csv"), newline="") as fh:
        assert next(csv.reader(fh))[1] == "Age"


def test_corpus_biplot_pattern_writes_work_dataset():
    r = ok('start S(A, ID); Tbl = TableCreate({"Prin1" "Prin2"}, A);'
           '  call TableSetVarLabel(Tbl, {"Prin1" "Prin2"}, {"Dim 1" "Dim 2"});'
           '  if ncol(ID) > 0 then call TableAddVar(Tbl, "_ID_", ID);'
           '  else call TableAddVar(Tbl, "_ID_", T(1:nrow(A)));'
           '  call TableWriteToDataSet(Tbl, "_Scores"); finish;'
           'run S({1 2, 3 4}, {});'
           'use _Scores; read all var {_ID_ Prin2}; close;')
    np.testing.assert_array_equal(r["_id_"], [[1], [2]])
    np.testing.assert_array_equal(r["prin2"], [[2], [4]])


# ---------------------------------------------------------------- printing
def test_tableprint_corpus_layout():
    """weights/GeomWeightedVars.sas: ID= gives the row headers, COLHEADER="Labels" the headings."""
    r = ok('Tbl = TableCreate("Student", {A,B,C}, {"Test1" "Test2"}, {10 2, 7 8, 9 5});'
           'call TableSetVarLabel(Tbl, {"Test1" "Test2"}, {"Test 1" "Test 2"});'
           'call TablePrint(Tbl) colheader="Labels" ID="Student" label="Test Scores";')
    lines = [l.rstrip() for l in r.out.splitlines() if l.strip()]
    assert lines == ["Test Scores    Test 1    Test 2",
                     "A                  10         2",
                     "B                   7         8",
                     "C                   9         5"]


def test_tableprint_options_var_firstobs_numobs_none():
    r = ok('T = TableCreate({"a" "b" "c"}, {1 2 3, 4 5 6, 7 8 9, 10 11 12});'
           'call TablePrint(T) var={"c" "a"} firstobs=2 numobs=2 label="";'
           'call TablePrint(T) var=2 colheader="None" ID="";')
    lines = [l.rstrip() for l in r.out.splitlines() if l.strip()]
    assert lines[:3] == ["          c         a", "2         6         4", "3         9         7"]
    assert lines[3:] == ["        T", "        2", "        5", "        8", "       11"]


def test_print_statement_prints_a_table_with_its_name_and_formats():
    r = ok('T = TableCreate("Name", {"Al","Bea"}, "Wt", {1.25, 2});'
           'call TableSetVarFormat(T, "Wt", "5.1"); print T;')
    lines = [l.rstrip() for l in r.out.splitlines() if l.strip()]
    assert lines == ["T Name        Wt", "1 Al         1.3", "2 Bea        2.0"]


def test_list_holding_a_table_prints():
    r = ok('L = [TableCreate("x", {1,2})]; print L;')
    assert "L$1" in r.out and "x" in r.out


# ---------------------------------------------------------------- error paths
@pytest.mark.parametrize("code, words", [
    ('T = TableCreate("x", {1,2}); v = TableGetVarData(T, "nope");', ["no column named 'nope'"]),
    ('T = TableCreate("x", {1,2}); call TableAddVar(T, "y", {1,2,3});', ["same length"]),
    ('T = TableCreate("x", {1,2}); call TableAddVar(T, "X", {3,4});', ["already has a column"]),
    ('T = TableCreate({"a" "b"}, {1,2});', ["2 column names for a matrix with 1 column"]),
    ('T = TableCreate({1 2}, {1 2});', ["should be character"]),
    ('T = TableCreate("x", {1}, "s", {"a"}); m = TableGetVarData(T);', ["not all of the same type"]),
    ('T = TableCreate("x", {1,2}); v = TableGetVarData(T, 3);', ["Invalid subscript"]),
    ('T = TableCreate("x", {1,2}); v = TableGetVarData(T, 1, 5);', ["row 5 is not in 1..2"]),
    ('m = {1 2}; v = TableGetVarName(m);', ["should be a table"]),
    ('T = TableCreate("x", {1,2}); y = T + 1;', ["table cannot be used as a matrix"]),
    ('T = TableCreate("x", {1,2}); y = T[1];', ["table cannot be used as a matrix"]),
    ('T = TableCreate("x", {1,2}); call TableSetVarFormat(T, "x", "$5.");', ["does not fit"]),
    ('T = TableCreate("x", {1,2}); call TablePrint(T) colheader="Bogus";', ['COLHEADER= is']),
    ('T = TableCreate("x", {1,2}); call TablePrint(T) nosuch=1;', ["no option NOSUCH="]),
    ('T = TableCreate("1bad", {1});', ["not a valid SAS variable name"]),
    ('t = TableCreateFromDataSet("Sashelp", "NoSuch");', ["does not exist"]),
    ('t = TableCreateFromDataSet("Sashelp", "Class", "keep=Nope");', ["Nope"]),
    ('t = TableCreateFromDataSet("Sashelp", "Class", "keep=Name where=(Age > 12)");', ["AGE is not a variable"]),
    ('t = TableCreateFromDataSet("Sashelp", "Class", "compress=yes");', ["COMPRESS= is not supported"]),
    ('T = TableCreate("x", {1}); call TableWriteToDataSet(T, "Sashelp", "x");', ["read-only"]),
    ('T = TableCreate("x", {1}); store T;', ["cannot be stored"]),
])
def test_errors(code, words):
    fails(code, *words)


def test_r_bridge_reports_that_r_is_needed(monkeypatch):
    monkeypatch.setenv("PATH", "")
    for call in ('call ExportMatrixToR({1 2}, "x");', 'call ImportMatrixFromR(m, "x");',
                 'call ExportDataSetToR("Sashelp.Class", "df");', 'call ImportDataSetFromR("work.a", "df");'):
        r = fails(call, "R is needed for CALL", "Rscript, which was not found on PATH")
