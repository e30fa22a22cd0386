"""Hostile input, interrupts, resource limits and atomic statements: never a traceback, never a crash."""
import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def imlpy(*args, stdin=None, timeout=60):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "imlpy", *args], input=stdin, capture_output=True,
                          timeout=timeout, env=env, cwd=ROOT)


def no_traceback(proc):
    text = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "internal error" not in text, text[-2000:]
    return text


HOSTILE = {
    "binary": bytes(range(256)) * 20,
    "nul": b"x = 1;\x00 print x;\x00\n",
    "bad_utf8": b"x = '\xff\xfe\xc3'; print x;\n",
    "parens": b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b";\nprint x;\n",
    "calls": b"x = " + b"abs(" * 3000 + b"1" + b")" * 3000 + b";\nprint x;\n",
    "unary": b"x = " + b"-" * 20000 + b"1;\n",
    "ifs": b"if 1 then " * 20000 + b"x = 1;\n",
    "dos": b"do;" * 12000 + b"x = 1;" + b"end;" * 12000 + b"\n",
    "lists": b"L = " + b"[" * 20000 + b"1" + b"]" * 20000 + b";\n",
    "long_sum": b"x = " + b"1+" * 50000 + b"1;\nprint x;\n",
    "huge_line": b"x = '" + b"a" * 1000000 + b"';\n",
    "unterminated_string": b"x = 'abc;\nprint x;\n",
    "unterminated_comment": b"x = 1; /* abc\nprint x;\n",
    "unbalanced": b"x = {1 2, 3;\n}}]) end; finish; print ;;;\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_run_and_check_never_show_a_traceback(name, tmp_path):
    path = tmp_path / f"{name}.iml"
    path.write_bytes(HOSTILE[name])
    for command in ("run", "check") if name in ("binary", "bad_utf8", "parens", "dos", "unterminated_string") else ("run",):
        proc = imlpy(command, str(path))
        no_traceback(proc)
        assert proc.returncode in (0, 1, 2)


def test_repl_plain_mode_never_shows_a_traceback():
    no_traceback(imlpy(stdin=HOSTILE["binary"]))
    garbage = bytes(b for b in range(256) if b not in b"'\"*/;")     # no quote or comment left open
    text = no_traceback(imlpy(stdin=garbage + b";\n" + HOSTILE["parens"] + b"\nprint 'done';\n"))
    assert "done" in text


@pytest.mark.parametrize("args", [["--bogus"], ["run"], ["run", "/no/such/file.iml"], ["--max-memory", "lots", "run", "x"],
                                  ["run", "--time-limit", "-1", "x"], ["help", "no_such_function"], ["tour", "999"]])
def test_bad_options_are_plain_messages(args):
    proc = imlpy(*args)
    no_traceback(proc)
    assert proc.returncode != 0


def test_five_thousand_nested_parentheses_parse_and_run():
    r = run("x = " + "(" * 5000 + "2" + ")" * 5000 + "; y = " + "-" * 4000 + "3;")
    assert r["x"] == 2.0 and r["y"] == 3.0          # an even number of minus signs


def test_too_deep_statement_is_a_syntax_error_and_the_rest_runs():
    r = run("a = 1;\n" + "if 1 then " * 12000 + "b = 1;\nc = 3;")
    assert "Statement too deeply nested." in r.log
    assert "line 2" in r.log
    assert r["a"] == 1.0 and r["c"] == 3.0
    assert "b" not in r.session.globals


def test_module_recursion_of_ten_thousand_is_an_iml_error():
    r = run("start f(n); if n = 0 then return(0); return(1 + f(n - 1)); finish;\n"
            "x = 5; x = f(10000); y = f(50);")
    assert "nested too deeply" in r.log and "internal error" not in r.log
    assert r["x"] == 5.0 and r["y"] == 50.0


def test_raw_statement_before_a_syntax_error_still_runs():
    r = run("L = [1]; submit; proc print; run; endsubmit;\nz = 2;\nx 'ls';\ny = 1;")
    assert "SUBMIT" in r.log and r["z"] == 2.0 and r["y"] == 1.0
    r = run("submit / R ok=rc; x; endsubmit;\nx 'ls';\ny = 1;")
    assert r["rc"] == 0.0 and r["y"] == 1.0


# ---------------------------------------------------------------- atomic statements
def test_failed_statement_undoes_list_item_assignment():
    r = run("L = [1, [2, 3]]; do; L$1 = 5; L$2$1 = 9; y = 1 + 'a'; end;")
    assert r["L"].items[0] == 1.0 and r["L"].items[1].items[0] == 2.0


def test_failed_statement_undoes_list_calls():
    r = run("L = [1, 2]; do; call ListAddItem(L, 3); call ListDeleteItem(L, 1); y = 1 + 'a'; end;")
    assert r["L"].items == [1.0, 2.0]


def test_successful_list_changes_stay():
    r = run("L = [1, 2]; L$1 = 5; do i = 1 to 3; call ListAddItem(L, i); end; y = 1 + 'a';")
    assert r["L"].items == [5.0, 2.0, 1.0, 2.0, 3.0]


def test_failure_after_partial_loop_work_restores_everything():
    r = run("x = {1 2 3}; s = 0; do i = 1 to 3; s = s + i; x[i] = 0; if i = 3 then y = 1 + 'a'; end;")
    assert r["s"] == 0.0 and list(r["x"].ravel()) == [1.0, 2.0, 3.0]
    assert "i" not in r.session.globals


def test_failing_module_leaves_globals_and_reference_arguments():
    r = run("start f(a) global(g, L); g = 99; L$1 = 99; a[1] = 99; y = 1 + 'a'; finish;\n"
            "g = 1; L = [1]; z = {1 2 3}; call f(z);")
    assert r["g"] == 1.0 and r["L"].items == [1.0] and list(r["z"].ravel()) == [1.0, 2.0, 3.0]


def test_list_by_reference_argument_restored():
    r = run("start h(M); M$1 = 42; call ListAddItem(M, 7); y = 1 + 'a'; finish; Q = [1, 2]; call h(Q);")
    assert r["Q"].items == [1.0, 2.0]


# ---------------------------------------------------------------- interrupts and time
def test_sigint_ends_a_run_with_status_130(tmp_path):
    prog = tmp_path / "endless.iml"
    prog.write_text("x = 1;\ndo i = 1 to 1e12; x = x + 1; end;\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "imlpy", "run", str(prog)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert b"NOTE: interrupted" in err and b"Traceback" not in err


def test_time_limit_stops_the_run_with_status_2(tmp_path):
    prog = tmp_path / "endless.iml"
    prog.write_text("x = 1;\ndo i = 1 to 1e12; x = x + 1; end;\nprint 'never';\n")
    start = time.time()
    proc = imlpy("run", "--time-limit", "1", str(prog))
    text = no_traceback(proc)
    assert proc.returncode == 2 and time.time() - start < 20
    assert "ERROR: (execution) Time limit of 1 seconds exceeded." in text
    assert "never" not in text


def test_time_limit_restores_variables():
    from imlpy import Session
    from imlpy.safety.limits import cancel_timer, start_timer
    log = []
    s = Session(out=log.append, log=log.append)
    s.run("x = 1;")
    start_timer(0.5)
    try:
        s.run("do i = 1 to 1e12; x = x + 1; end;")
    finally:
        cancel_timer()
    assert s.globals["x"] == 1.0 and "i" not in s.globals and s.ended
    assert "Time limit of 0.5 seconds exceeded." in "".join(log)


# ---------------------------------------------------------------- memory
def test_parse_size():
    from imlpy.safety.limits import parse_size
    assert parse_size("2G") == 2 * 2**30 and parse_size("500M") == 500 * 2**20 and parse_size("1.5k") == 1536
    assert parse_size("1000") == 1000 and parse_size("64MiB") == 64 * 2**20
    for bad in ("", "lots", "-1G", "0"):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_max_memory_turns_big_allocations_into_iml_errors(tmp_path):
    prog = tmp_path / "big.iml"
    lines = ["x = j(12000, 12000, 1);", "x = i(12000);", "x = shape(1, 12000, 12000);", "x = repeat(1, 12000, 12000);",
             "x = 1:2e8;", "x = do(1, 2e8, 1);", "x = block(i(6000), i(6000));", "x = randfun({12000 12000}, 'normal');",
             "x = expandgrid(1:600, 1:600, 1:600);", "x = j(1e5, 1e5) * j(1e5, 1e5);"]
    prog.write_text("\n".join(lines) + "\nok = 1; a = j(100, 100, 1) * j(100, 100, 1); print ok (a[1,1]);\n")
    proc = imlpy("run", "--max-memory", "100M", str(prog), timeout=120)
    text = no_traceback(proc)
    assert text.count("ERROR: (execution) Unable to allocate sufficient memory.") == len(lines), text
    assert "100" in proc.stdout.decode() and proc.returncode == 2


def test_address_space_backstop_leaves_numpy_threads_working():
    code = ("from imlpy.safety.limits import apply_memory_limit; apply_memory_limit(200 * 2**20);"
            "import numpy as np, threading; a = np.random.rand(800, 800); b = a @ a;"
            "t = threading.Thread(target=lambda: None); t.start(); t.join();"
            "import scipy.linalg; scipy.linalg.inv(a[:50, :50])\n"
            "try:\n    np.ones(int(2e9))\n    print('allocated')\nexcept MemoryError:\n    print('refused')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=dict(os.environ, PYTHONPATH=ROOT),
                          timeout=60)
    assert proc.stdout.decode().strip() == "refused", proc.stderr.decode()[-1000:]
