"""The command line as a user drives it: exit statuses, messages, no tracebacks."""
import subprocess
import sys

import pytest


def imlpy(*args, input=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "imlpy", *args], capture_output=True, text=True,
                          input=input, cwd=cwd, timeout=60)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_run_clean_program_exits_0(tmp_path):
    r = imlpy("run", write(tmp_path, "ok.iml", "x = {1 2} @ {1, 1}; print x;"))
    assert r.returncode == 0
    assert r.stdout.splitlines()[0].strip() == "x"
    assert r.stderr == ""


def test_run_with_warning_exits_1(tmp_path):
    r = imlpy("run", write(tmp_path, "w.iml", "x = 1 / {0 1};"))
    assert r.returncode == 1 and "WARNING" in r.stderr


def test_run_with_error_goes_on_and_exits_2(tmp_path):
    r = imlpy("run", write(tmp_path, "e.iml", "a = {1 2} * {3 4};\nprint 'after';"))
    assert r.returncode == 2
    assert "ERROR: (execution) Matrices do not conform" in r.stderr
    assert "after" in r.stdout
    assert "Traceback" not in r.stderr + r.stdout


def test_stop_on_error(tmp_path):
    r = imlpy("run", "--stop-on-error", write(tmp_path, "e.iml", "a = {1 2} * {3 4};\nprint 'after';"))
    assert r.returncode == 2 and "after" not in r.stdout


def test_several_files_share_one_session(tmp_path):
    a = write(tmp_path, "a.iml", "start sq(x); return(x # x); finish; v = 3;")
    b = write(tmp_path, "b.iml", "w = sq(v); print w;")
    r = imlpy("run", a, b)
    assert r.returncode == 0 and "9" in r.stdout


def test_missing_file(tmp_path):
    r = imlpy("run", str(tmp_path / "nope.iml"))
    assert r.returncode == 2 and "cannot read" in r.stderr and "Traceback" not in r.stderr


def test_check_reports_every_syntax_error_with_caret(tmp_path):
    path = write(tmp_path, "bad.iml", "x = 1;\ny = (2 + ;\nz = 3 4;\n")
    r = imlpy("check", path)
    assert r.returncode == 2
    assert f"{path}:2:" in r.stderr and f"{path}:3:" in r.stderr
    assert "^" in r.stderr


def test_check_clean_file_exits_0(tmp_path):
    r = imlpy("check", write(tmp_path, "good.iml", "proc iml; x = 1; print x; quit;"))
    assert r.returncode == 0


def test_help_for_a_builtin():
    r = imlpy("help", "j")
    assert r.returncode == 0 and "J(nrow" in r.stdout
    r = imlpy("help", "nosuchthing")
    assert r.returncode == 2


def test_python_dash_m_and_quit_stops_the_program(tmp_path):
    r = imlpy("run", write(tmp_path, "q.iml", "print 'a'; quit; print 'b';"))
    assert "a" in r.stdout and "b" not in r.stdout and r.returncode == 0


def test_closed_output_pipe_ends_quietly(tmp_path):
    """`imlpy run big.iml | head -1`: no internal error, no traceback."""
    path = write(tmp_path, "big.iml", "do i = 1 to 300; print i; end;")
    r = subprocess.run(f'"{sys.executable}" -m imlpy run "{path}" | head -1', shell=True,
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "i"
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
