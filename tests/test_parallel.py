"""MAPREDUCE and PARTASKS on Dask: the documented examples, reproducibility, errors, the serial
fallback and an external `dask scheduler` + `dask worker` cluster reached with --scheduler."""
from __future__ import annotations

import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from helpers import run

distributed = pytest.importorskip("distributed")
from imlpy.parallel import runner as parallel  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = (ROOT / "benchmarks" / "parallel_montecarlo.iml").read_text()
MODULES = EXAMPLES.split("/* ---- driver ---- */")[0]


@pytest.fixture(scope="module", autouse=True)
def two_workers():
    """A local cluster of 2 worker processes for this file, closed at the end."""
    old = os.environ.get("IMLPY_DASK_WORKERS")
    os.environ["IMLPY_DASK_WORKERS"] = "2"
    os.environ.pop("IMLPY_DASK_SCHEDULER", None)
    parallel.shutdown()
    yield
    parallel.shutdown()
    if old is None:
        os.environ.pop("IMLPY_DASK_WORKERS", None)
    else:
        os.environ["IMLPY_DASK_WORKERS"] = old


def both(code_template: str) -> tuple:
    """Run the code on the cluster and serially (same 2 calls); return both results."""
    par = run(MODULES + code_template.replace("OPTS", '"nthreads=2"'))
    ser = run(MODULES + code_template.replace("OPTS", '"serial nthreads=2"'))
    assert par.status == 0 and ser.status == 0, par.text + ser.text
    return par, ser


def test_sum_example_matches_formula_and_serial():
    par, ser = both("x = 1:100001;  s = mapreduce(x, \"sumMap\", \"_SUM\", OPTS);")
    assert par["s"] == ser["s"] == 100001 * 100002 / 2
    assert "ran serially (option 'serial')" in ser.log and "serially" not in par.log


def test_reducer_builtins_and_module_reducer():
    code = """start who(x);  return( x # threadid() || numthreads() );  finish;
              start addRows(a, b);  return( a // b );  finish;
              v = mapreduce(10, "who", "_VCONCAT", OPTS);
              h = mapreduce(10, "who", "_HCONCAT", OPTS);
              mx = mapreduce(10, "who", "_MAX", OPTS);
              mn = mapreduce(10, "who", "_MIN", OPTS);
              m = mapreduce(10, "who", "addRows", OPTS);"""
    par, ser = both(code)
    for r in (par, ser):
        np.testing.assert_array_equal(r["v"], [[10, 2], [20, 2]])
        np.testing.assert_array_equal(r["h"], [[10, 2, 20, 2]])
        np.testing.assert_array_equal(r["mx"], [[20, 2]])
        np.testing.assert_array_equal(r["mn"], [[10, 2]])
        np.testing.assert_array_equal(r["m"], [[10, 2], [20, 2]])


def test_monte_carlo_reproducible_and_equal_to_serial():
    code = 'call randseed(321);  s = mapreduce(4e5, "mcMap", "_SUM", OPTS);  p = mapreduce([#"seed" = 9, #"N" = 2e5], "piMap", "_SUM", OPTS);'
    par, ser = both(code)
    again = run(MODULES + code.replace("OPTS", '"nthreads=2"'))
    np.testing.assert_array_equal(par["s"], ser["s"])
    np.testing.assert_array_equal(par["s"], again["s"])
    np.testing.assert_array_equal(par["p"], again["p"])
    s = par["s"].ravel()
    assert s[0] == 4e5
    assert abs(s[1] / s[0]) < 0.01                       # mean of N(0,1) draws, 6 standard errors
    assert abs(s[2] / s[0] - 1) < 0.01                    # E[x^2] = 1
    assert abs(s[3] / s[0] - 0.05) < 0.003                # P(|Z| > 1.96) = 0.05
    assert abs(4 * par["p"][0, 0] / par["p"][0, 1] - np.pi) < 0.02
    other = run(MODULES + code.replace("321", "322").replace("OPTS", '"nthreads=2"'))
    assert not np.array_equal(other["s"], par["s"])       # the seed matters
    # the two workers drew different numbers (independent streams)
    two = run('start one(x);  y = j(1, 3);  call randgen(y, "Uniform");  return(y);  finish;'
              'call randseed(5);  v = mapreduce(0, "one", "_VCONCAT", "nthreads=2");')
    assert not np.array_equal(two["v"][0], two["v"][1])


def test_partasks_toeplitz_matches_numpy_and_serial():
    code = """N = 300;  A = toeplitz( (N:1)/100 );
              R = partasks({"detTask" "invTask" "eigvalTask"}, [A, A, A], OPTS);
              d = R$1;  Ainv = R$2;  ev = R$3;  k = ncol(R);"""
    par, ser = both(code.replace(", OPTS", ", OPTS"))
    col = np.arange(300, 0, -1) / 100
    A = col[np.abs(np.subtract.outer(np.arange(300), np.arange(300)))]
    for r in (par, ser):
        assert r["d"] == pytest.approx(np.linalg.det(A), rel=1e-8)
        np.testing.assert_allclose(r["ainv"], np.linalg.inv(A), rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(np.sort(r["ev"].ravel()), np.sort(np.linalg.eigvalsh(A)), rtol=1e-9, atol=1e-9)
    assert par.session.globals["r"].items.__len__() == 3


def test_modules_called_by_the_mapper_and_globals_travel():
    code = """start scale(v) global(factor);  return( v # factor );  finish;
              start helper(v);  return( scale(v) + 1 );  finish;
              start viaRun(v);  run twice(v);  return( helper(v) );  finish;
              start twice(v);  v = 2 # v;  finish;
              factor = 10;
              s = mapreduce(1, "viaRun", "_SUM", "nthreads=2");"""
    r = run(code)
    assert r.status == 0, r.text
    assert r["s"] == 2 * (2 * 10 + 1)


def test_worker_error_becomes_iml_error_and_program_goes_on():
    r = run("""start badMap(x);
                  y = x + {1 2 3};
                  return( y * {1 2} );
               finish;
               z = mapreduce({1 2 3}, "badMap", "_SUM", "nthreads=2");
               after = 1;""")
    assert r.status == 2
    assert "ERROR: (execution) Matrices do not conform to the operation in MAPREDUCE worker 1, module BADMAP." in r.log
    assert "operation * at line 3" in r.log            # the position in the program, not in the shipped text
    assert r["after"] == 1 and "z" not in r.session.globals
    t = run('start ok(x); return(x); finish;  start bad(x); return(undefined_thing); finish;'
            'R = partasks({"ok" "bad"}, [1, 2]);')
    assert "in PARTASKS task 2, module BAD." in t.log and t.status == 2


@pytest.mark.slow
def test_timeout_is_an_error_not_a_hang():
    t0 = time.monotonic()
    r = run('start forever(x);  do while(1);  x = x + 1;  end;  return(x);  finish;'
            'z = mapreduce(0, "forever", "_SUM", "nthreads=2 timeout=1");')
    assert "MAPREDUCE did not finish within 1 seconds" in r.log and r.status == 2
    assert time.monotonic() - t0 < 30
    ok = run('start one(x); return(1); finish;  s = mapreduce(0, "one", "_SUM", "nthreads=2");')
    assert ok["s"] == 2                                  # the cluster still works afterwards


def test_argument_errors():
    r = run('s = mapreduce(1, "nosuch", "_SUM");')
    assert "Invocation of unresolved module NOSUCH." in r.log
    r = run('start m(x); return(x); finish;  s = mapreduce(1, "m", "_PRODUCT");')
    assert "Invocation of unresolved module _PRODUCT." in r.log
    r = run('start m(x); return(x); finish;  s = mapreduce(1, "m", "_SUM", "fast");')
    assert "option 'fast' is not one of" in r.log
    r = run('start m(x); return(x); finish;  R = partasks({"m" "m"}, [1]);')
    assert "2 tasks but 1 items" in r.log
    r = run('start m(x); x = 1; finish;  s = mapreduce(1, "m", "_SUM", "serial nthreads=1");')
    assert "Module M did not return a value" in r.log


def test_serial_fallback_without_dask(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)     # `import distributed` -> ImportError
    monkeypatch.setattr(parallel, "_clients", {})
    r = run('start tid(x); return( x # threadid() ); finish;'
            's = mapreduce(10, "tid", "_SUM", "nthreads=3");'
            'R = partasks({"tid"}, [5]);  t = R$1;')
    assert r["s"] == 60 and r["t"] == 5
    assert 'NOTE: MAPREDUCE ran serially (dask is not installed: pip install "imlpy[parallel]")' in r.log
    assert 'NOTE: PARTASKS ran serially' in r.log


def test_information_functions_outside_parallel_code():
    r = run("a = threadid() || numthreads() || nodeid() || numnodes();")
    np.testing.assert_array_equal(r["a"], [[1, 1, 1, 1]])


# ---------------------------------------------------------------- the iml action's conventions
# SAS's published iml-action examples use: NODEINFO()$'threadId' to pick a mapper's share, NPERTHREAD
# to split a count, CALL RANDSEED with one seed in every mapper ("each thread uses a different
# stream"), a list of named parameters as mapArg, PARTASKS with one module name for a whole list of
# arguments, and numeric options {scheme, print}. These tests use the same conventions.

def test_nodeinfo_thread_picks_a_row_for_each_of_four_threads():
    code = """start rowSum(m);
                 info = nodeInfo();
                 k = info$'threadId';
                 return( sum(m[k, ]) );
              finish;
              m = shape(1:400, 4);
              total = mapReduce(m, 'rowSum', '_SUM', OPTS);
              start where(x);
                 L = nodeInfo();
                 return( L$'nodeId' || L$'threadId' || L$'numNodes' || L$'numThreads' );
              finish;
              w = mapReduce(0, 'where', '_VCONCAT', OPTS);"""
    par = run(code.replace("OPTS", "'nthreads=4'"))
    ser = run(code.replace("OPTS", "'serial nthreads=4'"))
    for r in (par, ser):
        assert r.status == 0, r.text
        assert r["total"] == 400 * 401 / 2
        np.testing.assert_array_equal(r["w"], [[1, t, 1, 4] for t in (1, 2, 3, 4)])


def test_nperthread_splits_a_count_over_all_calls():
    code = """start share(n);  return( nPerThread(n) );  finish;
              a = mapReduce(10, 'share', '_HCONCAT', 'serial nthreads=3');
              b = mapReduce(10, 'share', '_HCONCAT', 'nthreads=3');
              c = mapReduce(2, 'share', '_HCONCAT', 'nthreads=4');
              d = nPerThread(7);"""
    r = run(code)
    assert r.status == 0, r.text
    np.testing.assert_array_equal(r["a"], [[4, 3, 3]])
    np.testing.assert_array_equal(r["b"], [[4, 3, 3]])
    np.testing.assert_array_equal(r["c"], [[1, 1, 0, 0]])
    assert r["d"] == 7
    bad = run("x = nPerThread(-1);")
    assert "NPERTHREAD needs one nonnegative whole number" in bad.log


def test_randseed_in_every_mapper_gives_each_thread_its_own_reproducible_stream():
    code = """start draws(p);
                 call randseed(p$'seed');
                 x = j(1, nPerThread(p$'B'));
                 call randgen(x, 'Uniform');
                 return( x );
              finish;
              p = [#'seed' = 77, #'B' = 12];
              v = mapReduce(p, 'draws', '_HCONCAT', OPTS);"""
    par = run(code.replace("OPTS", "'nthreads=3'"))
    ser = run(code.replace("OPTS", "'serial nthreads=3'"))
    again = run(code.replace("OPTS", "'nthreads=3'"))
    assert par.status == 0, par.text                   # a list argument travels to the workers
    v = par["v"].ravel()
    assert v.size == 12
    np.testing.assert_array_equal(par["v"], ser["v"])
    np.testing.assert_array_equal(par["v"], again["v"])
    parts = v.reshape(3, 4)
    assert not np.array_equal(parts[0], parts[1]) and not np.array_equal(parts[1], parts[2])
    other = run(code.replace("77", "78").replace("OPTS", "'nthreads=3'"))
    assert not np.array_equal(other["v"], par["v"])


def test_partasks_one_module_for_a_list_of_arguments_with_numeric_options():
    code = """start scaled(arg);  return( arg$'k' # arg$'x' );  finish;
              args = ListCreate(5);
              a = [#'k' = ., #'x' = {1 2}];
              do i = 1 to 5;
                 a$'k' = i;
                 call ListSetItem(args, i, a);
              end;
              R = ParTasks('scaled', args, {2, 0});
              s = R$1 // R$5;
              n = ListLen(R);
              T = ParTasks({'scaled'}, [[#'k' = 3, #'x' = 1]], {1, 1});
              t = T$1;"""
    r = run(code)
    assert r.status == 0, r.text
    np.testing.assert_array_equal(r["s"], [[1, 2], [5, 10]])
    assert r["n"] == 5 and r["t"] == 3
    assert "PARTASKS: 1 call" in r.out and "SCALED" in r.out and "Seconds" in r.out
    bad = run("start m(x); return(x); finish;  R = ParTasks('m', [1], {3, 0});")
    assert "must be 0 (default), 1 (threads of this machine) or 2 (nodes first), not 3" in bad.log


def test_task_layout_over_several_nodes():
    nodes = [("10.0.0.1", 2), ("10.0.0.2", 2)]
    dealt = parallel.task_layout(nodes, 5, scheme=2)
    assert [p["node"] for p in dealt] == [1, 1, 1, 2, 2]
    assert [p["thread"] for p in dealt] == [1, 2, 3, 1, 2]
    filled = parallel.task_layout(nodes, 3, scheme=0)
    assert [(p["node"], p["thread"]) for p in filled] == [(1, 1), (1, 2), (2, 1)]
    mapped = parallel.mapper_layout(nodes, 3)
    assert len(mapped) == 6 and mapped[-1]["call"] == 6 and mapped[-1]["nthreads"] == 3


def test_proc_cas_iml_action_in_a_sas_file(tmp_path):
    prog = tmp_path / "viya.sas"
    prog.write_text("""cas mysess;
libname mycas cas sessref=mysess;
proc cas;
   loadactionset 'iml';
   source addRows;
      start rowSum(m);
         L = nodeInfo();
         return( sum(m[L$'threadId', ]) );
      finish;
      m = shape(1:400, 4);
      total = mapReduce(m, 'rowSum', '_SUM');
      print total;
      call MatrixWriteToCas(total || 2#total, '', 'Totals', {'t' 'twice'});
   endsource;
   iml / code=addRows nthreads=4;
   columnInfo / table='Totals';
run;
quit;
proc iml;
   use mycas.Totals;  read all var {twice} into w;  close mycas.Totals;
   print w;
   m = MatrixCreateFromCas('mycas', 'Totals');
   print m;
quit;
proc cas;
   iml / code=nosuch;
quit;
""")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("IMLPY_NTHREADS", None)
    out = subprocess.run([sys.executable, "-m", "imlpy", "run", str(prog)], env=env, capture_output=True,
                         text=True, timeout=120, cwd=tmp_path)
    text = out.stdout + out.stderr
    assert out.stdout.split("total")[1].split()[0] == "80200", text   # 4 threads, whatever the cores
    assert "160400" in out.stdout and "80200    160400" in out.stdout, text
    assert "NOTE: iml action at line 15." in text
    assert "NOTE: The CAS statement COLUMNINFO at line 16 was skipped" in text
    assert "Libref MYCAS uses the CAS engine" in text
    assert "names CODE=nosuch, but no SOURCE block of that name precedes it" in text
    assert out.returncode == 2                           # the ERROR for CODE=nosuch
    assert "Traceback" not in text


def test_list_arguments_pickle_while_a_statement_runs():
    import pickle
    from imlpy.matrix.values import IMLList, journal_begin, journal_end
    mark = journal_begin()
    try:
        back = pickle.loads(pickle.dumps(IMLList([1.0, IMLList([2.0], ["b"])], ["a", "c"])))
    finally:
        journal_end(mark, failed=False)
    assert back.items[0] == 1.0 and back.names[1] == "c" and back.items[1].items == [2.0]


# ---------------------------------------------------------------- an external cluster
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(workers: list):
    """A `dask scheduler` on loopback and one `dask worker` per (host, nthreads); yields the address
    and the environment to run imlpy in. Everything is stopped afterwards."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("IMLPY_DASK_SCHEDULER", None)
    env.pop("IMLPY_NTHREADS", None)
    env["IMLPY_DASK_CONNECT_TIMEOUT"] = "2"
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", str(port), "--dashboard-address", ":0"], **quiet)]
    try:
        for host, nthreads in workers:
            procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address,
                                           "--nthreads", str(nthreads), "--no-nanny", "--host", host,
                                           "--no-dashboard"], **quiet))
        client = distributed.Client(address, timeout="20s", set_as_default=False)
        client.wait_for_workers(len(workers), timeout=30)
        yield address, env
        client.shutdown()                                # scheduler and workers stop
        client.close()
    finally:
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def imlpy_run(args: list, env: dict, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "imlpy", "run", *args], env=env, capture_output=True,
                          text=True, timeout=60, cwd=cwd)


@pytest.mark.slow
def test_external_scheduler_and_workers_via_cli(tmp_path):
    with dask_cluster([("127.0.0.1", 1), ("127.0.0.1", 1)]) as (address, env):
        prog = tmp_path / "sum.iml"
        prog.write_text(MODULES + 'x = 1:1000;  s = mapreduce(x, "sumMap", "_SUM");\n'
                        'start where(x); return( numthreads() || numnodes() || nodeid() ); finish;\n'
                        'w = mapreduce(0, "where", "_VCONCAT");\nprint s, w;\n')
        out = imlpy_run(["--scheduler", address, str(prog)], env, tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "500500" in out.stdout
        assert out.stdout.split().count("2") == 2 and out.stdout.split().count("1") == 4, out.stdout


def _loopback_alias_works() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not _loopback_alias_works(), reason="127.0.0.2 is not a loopback address here")
def test_two_nodes_each_call_runs_on_its_node(tmp_path):
    """Workers on 127.0.0.1 (1 thread) and 127.0.0.2 (2 threads) are two nodes: a mapper runs on
    every thread of both, a call's NODEINFO matches the worker it ran on, and scheme 2 deals tasks
    to the nodes in turn."""
    with dask_cluster([("127.0.0.1", 1), ("127.0.0.2", 2)]) as (address, env):
        prog = tmp_path / "nodes.iml"
        prog.write_text("""start where(x);
                              L = nodeInfo();
                              return( L$'nodeId' || L$'threadId' || L$'numNodes' || L$'numThreads' );
                           finish;
                           w = mapreduce(0, 'where', '_VCONCAT', {0, 1});
                           start t(x);  L = nodeInfo();  return( L$'nodeId' );  finish;
                           R = partasks('t', [1, 2, 3], {2, 1});
                           n = (R$1) || (R$2) || (R$3);
                           print w, n;""")
        out = imlpy_run(["--scheduler", address, str(prog)], env, tmp_path)
        assert out.returncode == 0, out.stdout + out.stderr
        lines = out.stdout.splitlines()
        calls = [ln.split() for ln in lines if ln.strip().startswith(("1 ", "2 ", "3 ")) and "tcp://" in ln]
        assert [(c[2], c[4].split("//")[1].split(":")[0]) for c in calls[:3]] == \
            [("1", "127.0.0.1"), ("2", "127.0.0.2"), ("2", "127.0.0.2")]      # node and where it ran
        assert [c[2] for c in calls[3:]] == ["1", "1", "2"]
        w = out.stdout.split("w\n")[1].split("\n\n")[0].split()
        assert w == "1 1 2 1 2 1 2 2 2 2 2 2".split(), out.stdout
        assert out.stdout.split("n\n")[1].split() == ["1", "1", "2"], out.stdout


def test_unreachable_scheduler_is_an_iml_error(monkeypatch):
    monkeypatch.setenv("IMLPY_DASK_SCHEDULER", f"tcp://127.0.0.1:{_free_port()}")
    monkeypatch.setenv("IMLPY_DASK_CONNECT_TIMEOUT", "1")
    r = run('start one(x); return(1); finish;  s = mapreduce(0, "one", "_SUM");  after = 1;')
    assert "ERROR: (execution) Cannot reach the Dask scheduler at tcp://127.0.0.1:" in r.log
    assert r.status == 2 and r["after"] == 1


def test_a_list_as_options_is_an_iml_error():
    r = run("start m(x); return(x); finish;  a = mapreduce(1, 'm', '_SUM', [1]);  after = 1;")
    assert "options are a numeric vector {scheme, print} or a character string" in r.log
    assert "internal error" not in r.log and r["after"] == 1
