"""Data sets: libraries, USE/READ/CREATE/APPEND/EDIT..., WHERE, formats and atomic writes."""
from __future__ import annotations

import math
import os

import numpy as np
import pytest

from helpers import run

# SASHELP.CLASS as published (the 19 students of the SAS documentation).
CLASS = [("Alfred", "M", 14, 69.0, 112.5), ("Alice", "F", 13, 56.5, 84.0), ("Barbara", "F", 13, 65.3, 98.0),
         ("Carol", "F", 14, 62.8, 102.5), ("Henry", "M", 14, 63.5, 102.5), ("James", "M", 12, 57.3, 83.0),
         ("Jane", "F", 12, 59.8, 84.5), ("Janet", "F", 15, 62.5, 112.5), ("Jeffrey", "M", 13, 62.5, 84.0),
         ("John", "M", 12, 59.0, 99.5), ("Joyce", "F", 11, 51.3, 50.5), ("Judy", "F", 14, 64.3, 90.0),
         ("Louise", "F", 12, 56.3, 77.0), ("Mary", "F", 15, 66.5, 112.0), ("Philip", "M", 16, 72.0, 150.0),
         ("Robert", "M", 12, 64.8, 128.0), ("Ronald", "M", 15, 67.0, 133.0), ("Thomas", "M", 11, 57.5, 85.0),
         ("William", "M", 15, 66.5, 112.0)]


def strings(v):
    return [str(x).rstrip() for x in np.asarray(v).ravel()]


def test_sashelp_class_num_into_matrix_with_colnames():
    r = run("use sashelp.class; read all var _num_ into X[colname=c]; close sashelp.class;")
    assert r.status == 0, r.log
    X = r["X"]
    assert X.shape == (19, 3)
    assert strings(r["c"]) == ["Age", "Height", "Weight"]
    # PROC MEANS of SASHELP.CLASS (SAS documentation): 13.3157895, 62.3368421, 100.0263158
    np.testing.assert_allclose(X.mean(axis=0), [13.3157895, 62.3368421, 100.0263158], atol=1e-6)


def test_read_without_into_creates_column_vectors_and_where_filters():
    r = run("use sashelp.class where(sex = 'F' & age > 12); read all var {name age}; close;")
    assert r.status == 0, r.log
    expected = [(n, a) for n, s, a, *_ in CLASS if s == "F" and a > 12]
    assert strings(r["name"]) == [n for n, _ in expected]
    assert r["age"].shape == (len(expected), 1)
    assert list(r["age"].ravel()) == [a for _, a in expected]


def test_where_or_not_equal_and_matrix_operand():
    r = run("use sashelp.class; read all var {name} where(age = {11 16} | name = 'Mary') into a;"
            "read all var {name} where(sex ^= 'M') into b; close;")
    assert strings(r["a"]) == [n for n, s, a, *_ in CLASS if a in (11, 16) or n == "Mary"]
    assert strings(r["b"]) == [n for n, s, *_ in CLASS if s == "F"]


def test_read_point_next_and_rowname():
    r = run("""use sashelp.class;
               read point {2 4} var {age} into p;
               read next var {age} into n1;
               read all var {height weight} into H[rowname=name];
               close;""")
    assert list(r["p"].ravel()) == [13, 14]
    assert r["n1"] == 14 or r["n1"] == CLASS[4][2]      # the observation after the 4th
    assert strings(r["name"]) == [c[0] for c in CLASS]
    assert r["H"].shape == (19, 2)


def test_sashelp_iris():
    r = run("use sashelp.iris; read all var _num_ into X[colname=c]; read all var {species}; close;")
    assert r.status == 0, r.log
    assert r["X"].shape == (150, 4)
    assert strings(r["c"]) == ["SepalLength", "SepalWidth", "PetalLength", "PetalWidth"]
    # Fisher's iris means (cm) are 5.843333, 3.057333, 3.758, 1.199333; SASHELP.IRIS is in mm
    np.testing.assert_allclose(r["X"].mean(axis=0), [58.43333, 30.57333, 37.58, 11.99333], atol=1e-4)
    sp = strings(r["species"])
    assert [sp.count(s) for s in ("Setosa", "Versicolor", "Virginica")] == [50, 50, 50]


def test_csv_round_trip_keeps_numbers_characters_and_missing(tmp_path):
    r = run(f"""libname t '{tmp_path}';
        x = {{1.5 . 3, .A -2e-300 0.1}};
        create t.nums from x[colname={{"a" "b" "c"}}]; append from x; close t.nums;
        nm = {{"O'Brien, J", " ", 'Zed "q"'}}; v = {{1, ., 3}};
        create t.mixed var {{nm v}}; append; close t.mixed;
        use t.nums; read all var _all_ into y; close t.nums;
        use t.mixed; read all var {{nm v}}; close t.mixed;""")
    assert r.status == 0, r.log
    y = r["y"]
    assert y[0, 0] == 1.5 and math.isnan(y[0, 1]) and y[0, 2] == 3 and y[1, 1] == -2e-300 and y[1, 2] == 0.1
    from imlpy.matrix.values import missing_letter
    assert math.isnan(y[1, 0]) and missing_letter(y[1, 0]) == "A"
    assert strings(r["nm"]) == ["O'Brien, J", "", 'Zed "q"']
    v = r["v"].ravel()
    assert v[0] == 1 and math.isnan(v[1]) and v[2] == 3
    header = (tmp_path / "mixed.csv").read_text().splitlines()[0]
    assert header == "NM$10,V"      # unquoted names in a literal are upper-cased, as in SAS


def test_xpt_round_trip_when_the_library_holds_xpt(tmp_path):
    pytest.importorskip("pyreadstat")
    pytest.importorskip("pandas")
    from imlpy.data.tablefiles import Table, write_table
    seed = Table(["k"], ["N"], [8], [np.array([1.0])])
    write_table(seed, str(tmp_path / "seed.xpt"), "seed")
    r = run(f"""libname t '{tmp_path}';
        nm = {{"ab", " ", "c"}}; v = {{1, ., -3.25}};
        create t.out var {{nm v}}; append; close t.out;
        use t.out; read all var {{nm v}}; close t.out;""")
    assert r.status == 0, r.log
    assert (tmp_path / "out.xpt").exists() and not (tmp_path / "out.csv").exists()
    assert strings(r["nm"]) == ["ab", "", "c"]
    v = r["v"].ravel()
    assert v[0] == 1 and math.isnan(v[1]) and v[2] == -3.25


def test_failed_write_leaves_old_data_set_and_no_partial_file(tmp_path, monkeypatch):
    import imlpy.data.tablefiles as dsio
    r = run(f"libname t '{tmp_path}'; x = {{1 2 3}}; create t.keep from x; append from x; close t.keep;")
    assert r.status == 0, r.log
    before = (tmp_path / "keep.csv").read_text()
    real = dsio._write_csv

    def broken(table, tmp):
        real(table, tmp)              # the whole file is written ...
        with open(tmp, "a") as fh:
            fh.write("9,9")           # ... then something fails part-way
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(dsio, "_write_csv", broken)
    r = run(f"libname t '{tmp_path}'; x = {{7 8 9, 1 1 1}}; create t.keep from x; append from x; close t.keep;")
    assert "ERROR" in r.log and "Traceback" not in r.text
    assert (tmp_path / "keep.csv").read_text() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.csv"]


def test_create_var_and_append_in_a_loop():
    r = run("""create sim var {"i" "sq" "lab"};
               do i = 1 to 4; sq = i##2; lab = "row" + char(i, 1); append; end;
               close sim;
               use sim; read all var {sq} into s; read all var {lab} into l; close sim;""")
    assert r.status == 0, r.log
    assert list(r["s"].ravel()) == [1, 4, 9, 16]
    assert strings(r["l"]) == ["row1", "row2", "row3", "row4"]
    assert "WORK.SIM has 4 observations and 3 variables" in r.log


def test_edit_delete_replace_and_sort():
    r = run("""x = {5 1, 3 2, 9 3, 1 4}; create d from x[colname={"v" "id"}]; append from x; close d;
               edit d; delete all where(v > 8); v = 0; replace all var {v} where(id = 2); close d;
               sort d by descending v;
               use d; read all var {id} into ids; read all var {v} into vs; close d;""")
    assert r.status == 0, r.log
    # rows left: (5,1) (0,2) (1,4); sorted by descending v: 5, 1, 0
    assert list(r["vs"].ravel()) == [5, 1, 0]
    assert list(r["ids"].ravel()) == [1, 4, 2]


def test_contents_exist_show():
    r = run("""print (exist("sashelp.class")) (exist("work.nothing"));
               c = contents("sashelp", "class");
               use sashelp.class; show datasets; show contents; close;""")
    assert r.status == 0, r.log
    assert strings(r["c"]) == ["NAME", "SEX", "AGE", "HEIGHT", "WEIGHT"]
    assert "SASHELP   CLASS     Input" in r.out and "Current Input" in r.out
    assert "Number of Observations: 19" in r.out


def test_errors_are_sas_errors_not_tracebacks():
    r = run("use work.nothere; x = 1; create sashelp.mine var {x}; read all var {a} into b;")
    assert r.status == 2
    assert "File WORK.NOTHERE.DATA does not exist" in r.log
    assert "read-only" in r.log
    assert "No data set is currently open for input" in r.log
    assert "internal error" not in r.log and "Traceback" not in r.text
    r = run("use sashelp.class; read all var {name age} into m; close;")
    assert "same type" in r.log


def test_where_text_operators_nobs_and_several_from_matrices():
    r = run("""use sashelp.class nobs n;
               read all var {name} where(name ? "an") into a;
               read all var {name} where(name =: "J") into b;
               read all var {name} where(name like "%e_") into c;
               read all var {name} where(name not contains "a") into d;
               close;
               x = {1 2, 3 4}; s = {"a", "b"};
               create two from s x[c={"lab" "p" "q"}]; append from s x; close two;
               use two; read all var _all_; close;""")
    assert r.status == 0, r.log
    names = [c[0] for c in CLASS]
    assert r["n"] == 19
    assert strings(r["a"]) == [n for n in names if "an" in n]
    assert strings(r["b"]) == [n for n in names if n.startswith("J")]
    assert strings(r["c"]) == [n for n in names if len(n) >= 2 and n[-2] == "e"]
    assert strings(r["d"]) == [n for n in names if "a" not in n]
    assert strings(r["lab"]) == ["a", "b"] and list(r["q"].ravel()) == [2, 4]
