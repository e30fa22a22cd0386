"""The SAS program around IML: macro variables, .sas files with several steps, SUBMIT blocks."""
from __future__ import annotations

import os
import subprocess
import sys

from helpers import run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROGRAM = """/* a SAS program: a DATA step, a plot, two PROC IML steps */
%let n = 3;
data Air;
   set Sashelp.Air;
   Time = _N_;
run;
title "Series of &n";
proc sgplot data=Air;
   series x=Time y=Air;
run;

proc iml;
x = j(1, &n, 7);
print x;
create nums from x[colname={"a" "b" "c"}];
append from x;
close nums;
quit;

proc iml;
print (exist("nums"));
use nums; read all var _num_ into y; close nums;
s = sum(y);
print s "total of &n.x";
quit;
"""


def run_cli(tmp_path, name, text, *extra):
    path = tmp_path / name
    path.write_text(text)
    env = dict(os.environ, PYTHONPATH=ROOT, IMLPY_STORAGE=str(tmp_path / "storage"))
    return subprocess.run([sys.executable, "-m", "imlpy", "run", *extra, str(path)],
                          capture_output=True, text=True, env=env, timeout=60)


def test_sas_file_runs_iml_steps_and_skips_the_others(tmp_path):
    p = run_cli(tmp_path, "prog.sas", PROGRAM)
    assert p.returncode == 0, p.stderr
    assert "NOTE: DATA step at line 3 was skipped" in p.stderr
    assert "NOTE: PROC SGPLOT step at line 8 was skipped" in p.stderr
    assert "PROC IML step at line 12 ended with no errors" in p.stderr
    assert "PROC IML step at line 20 ended with no errors" in p.stderr
    assert "WORK.NUMS has 1 observations and 3 variables" in p.stderr
    assert p.stdout.count("7") == 3           # x = j(1, 3, 7)
    assert "21" in p.stdout and "total of 3x" in p.stdout


def test_each_iml_step_starts_with_a_fresh_workspace_and_errors_are_per_step(tmp_path):
    text = "proc iml; a = 5; quit;\nproc iml; b = a + 1; quit;\n"
    p = run_cli(tmp_path, "two.sas", text, "--work", str(tmp_path / "work"))
    assert p.returncode == 2
    assert "line 1 ended with no errors" in p.stderr and "line 2 ended with 1 error" in p.stderr


def test_let_and_references_in_code_and_strings():
    r = run("""%let k = 4;
               %let label = k is &k;
               y = &k + 1;
               a = "&label.!";
               b = '&label';""")
    assert r.status == 0, r.log
    assert r["y"] == 5
    assert str(r["a"].flat[0]) == "k is 4!"
    assert str(r["b"].flat[0]) == "&label"       # single quotes: no substitution


def test_unresolved_reference_warns_as_sas_does():
    r = run("x = &nothere;")
    assert "WARNING: Apparent symbolic reference NOTHERE not resolved." in r.log
    r = run("a = 1; b = 0; c = a&b;")              # an AND operator, not a reference
    assert "WARNING" not in r.log and r["c"] == 0


def test_symputx_symget_and_put():
    r = run("""call symputx("total", 42.5);
               t = symget("total");
               %put total is &total;
               call symput("pad", 7);""")
    assert r.status == 0, r.log
    assert str(r["t"].flat[0]) == "42.5"
    assert "total is 42.5\n" in r.log
    assert r.session.extensions["macro_vars"]["PAD"] == " " * 11 + "7"    # BEST12. right-aligned


def test_submit_needs_sas_and_ok_is_zero():
    r = run("submit; proc print data=sashelp.class; run; endsubmit; x = 1;")
    assert r.status == 2 and "SAS is needed for SUBMIT" in r.log and r["x"] == 1
    r = run("submit / ok=rc; proc means; run; endsubmit;")
    assert r.status == 1 and r["rc"] == 0 and "SAS is needed for SUBMIT" in r.log


def test_submit_r_without_rscript_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    r = run("x = {1 2}; submit x / R; print(&x) endsubmit;")
    assert r.status == 2 and "Rscript was not found on PATH" in r.log
    assert "internal error" not in r.log


def test_global_statements_and_submit_blocks_inside_steps(tmp_path):
    text = """options nodate; ods graphics off; libname here '%s';
proc iml;
submit;
proc print data=sashelp.class; run;
data _null_; run;
endsubmit;
after = 1;
print after;
quit;
""" % tmp_path
    p = run_cli(tmp_path, "glob.sas", text)
    assert "Libref HERE was successfully assigned" in p.stderr
    assert "SAS is needed for SUBMIT" in p.stderr
    assert "after" in p.stdout                 # the step went on after the SUBMIT block
    assert "PROC PRINT step" not in p.stderr   # statements inside SUBMIT are not steps


def test_cas_table_functions_write_and_read_data_sets():
    r = run("""call MatrixWriteToCas({'a' 'bb', 'ccc' 'd'}, '', 'Words', {'x' 'y'});
               w = MatrixCreateFromCas('', 'Words');
               use Words;  read all var {y} into y;  close Words;
               call MatrixWriteToCas({1 2}, 'sashelp', 'x');
               m = MatrixCreateFromCas('casuser', 'nosuch');
               call MatrixWriteToCas({1 2}, '', 'ok', {'a'});
               after = 1;""")
    assert r["w"].tolist() == [["a", "bb"], ["ccc", "d"]]
    assert r["y"].ravel().tolist() == ["bb", "d"]
    assert "Library SASHELP is read-only." in r.log
    assert "File WORK.NOSUCH.DATA does not exist." in r.log
    assert "2 columns but 1 names" in r.log
    assert r["after"] == 1 and "m" not in r.session.globals


def test_check_reads_only_the_iml_code_of_a_sas_file(tmp_path):
    good = tmp_path / "good.sas"
    good.write_text(PROGRAM + "proc cas;\n  session s;\n  source p;\n    y = {1 2} @ I(2);\n  endsource;\n"
                    "  iml / code=p nthreads=2;\nquit;\n")
    bad = tmp_path / "bad.sas"
    bad.write_text("data a;\n  set b;\nrun;\nproc cas;\n  source p;\n    x = {1 2;\n  endsource;\n"
                   "  iml / code=p;\nquit;\nproc iml;\n  print x x;\n  y = 1 +;\nquit;\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    ok = subprocess.run([sys.executable, "-m", "imlpy", "check", str(good)], capture_output=True, text=True,
                        env=env, timeout=60)
    assert ok.returncode == 0 and "good.sas: OK" in ok.stdout, ok.stderr
    no = subprocess.run([sys.executable, "-m", "imlpy", "check", str(bad)], capture_output=True, text=True,
                        env=env, timeout=60)
    assert no.returncode == 2
    located = [ln.split(": ERROR")[0] for ln in no.stderr.splitlines() if ": ERROR" in ln]
    assert located == [f"{bad}:6:13", f"{bad}:12:10"], no.stderr     # the two IML errors, nothing else


def test_cas_table_name_must_be_one_name():
    r = run("call MatrixWriteToCas({1 2}, '', {'a' 'b'});  after = 1;")
    assert "is not a valid table name" in r.log and r["after"] == 1
