"""Parallel IML on Dask: the engine behind MAPREDUCE and PARTASKS (builtins/parallel_calls.py).

SAS Viya's iml action runs a mapper module "on every available node and thread" and combines the
results with a reducer; PARTASKS runs several task modules at once, one argument each. imlpy does
the same on a Dask cluster:

* by default a `distributed.LocalCluster` with one worker process per core (processes, one thread
  each), started on first use and kept until the interpreter exits;
* `imlpy run --scheduler ADDRESS` or the environment variable IMLPY_DASK_SCHEDULER sends the work
  to an existing cluster instead (`distributed.Client(ADDRESS)`);
* without dask (or with the option 'serial') the same calls run one after another in-process.

Every call runs in a fresh imlpy Session on its worker. It receives the source text of the modules
it needs (the named module and every module it calls, transitively) and the values of the GLOBAL
variables those modules declare; values travel as floats, numpy arrays and IML lists. A mapper
runs once on every thread of every node (threads per node: the iml action's NTHREADS=, `imlpy run
--nthreads`, or the cluster's own); NODEINFO() and NPERTHREAD() tell a call where it is.

Random numbers: call i draws from stream i of `numpy.random.SeedSequence(seed).spawn(n)`, where
`seed` is taken from the session's stream (so CALL RANDSEED before MAPREDUCE makes a parallel
simulation repeat exactly, whichever worker runs which call, and serial and parallel runs agree);
a call that runs CALL RANDSEED(s) itself gets child i of SeedSequence(s) (builtins/random.py), so
one seed still gives every thread its own stream, as SAS's iml action does.
"""
from __future__ import annotations

import atexit
import os
import threading
import time
from dataclasses import fields, is_dataclass
from typing import Optional

import numpy as np

from ..language import ast as A
from .. import errors as E
from ..matrix.operators import BINARY
from ..matrix.values import IMLList, is_char

INSTALL_HINT = 'pip install "imlpy[parallel]"'
DEFAULT_TIMEOUT = 600.0          # seconds a MAPREDUCE/PARTASKS may run before it is cancelled

_clients: dict = {}              # address ("local" for our LocalCluster) -> (client, cluster or None)
_lock = threading.Lock()


# ---------------------------------------------------------------- what a call needs
def _walk(node):
    """Every AST node below `node` (statements, expressions, print items, parameters)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (list, tuple)):
            stack.extend(n)
            continue
        if not is_dataclass(n):
            continue
        yield n
        for f in fields(n):
            v = getattr(n, f.name)
            if isinstance(v, (list, tuple)) or is_dataclass(v):
                stack.append(v)


def _referenced_names(mod_node: A.ModuleDef) -> set:
    """Names a module may call: CALL/RUN targets, function calls, and module names passed as
    strings (QUAD("f"), MAPREDUCE(x, "mapper", ...) ...)."""
    names = set()
    for n in _walk(mod_node.body):
        if isinstance(n, (A.Call, A.CallStmt)):
            names.add(n.name.lower())
        elif isinstance(n, A.Const) and isinstance(n.value, np.ndarray) and n.value.dtype.kind == "U":
            names.update(str(s).strip().lower() for s in n.value.ravel())
        elif isinstance(n, A.Const) and isinstance(n.value, str):
            names.add(n.value.strip().lower())
    return names


def needed_modules(session, roots: list) -> list:
    """The modules `roots` need, transitively, in a definition order (callees first is not
    required: IML resolves module calls when they run)."""
    order, seen, todo = [], set(), [r.lower() for r in roots]
    while todo:
        name = todo.pop()
        if name in seen or name not in session.modules:
            continue
        seen.add(name)
        order.append(name)
        todo.extend(_referenced_names(session.modules[name].node) - seen)
    return order


def module_source(mod) -> str:
    node = mod.node
    if node.source:       # padded so that a worker's error positions are those of the program
        return "\n" * max(0, node.line - 1) + " " * max(0, node.column - 1) + node.source
    raise E.IMLRuntimeError(f"The source text of module {node.name.upper()} is not available, so it "
                            "cannot be sent to a worker.", hint="define the module in the program text")


def shipment(session, roots: list) -> tuple:
    """(module sources, global values) for calls of the modules `roots` on a worker."""
    names = needed_modules(session, roots)
    sources = [module_source(session.modules[n]) for n in names]
    wanted = set()
    for n in names:
        wanted.update(session.modules[n].node.globals)
    values = {}
    for g in sorted(wanted):
        if g in session.globals:
            values[g] = portable(session.globals[g])
    return sources, values


def portable(value):
    """A value that pickles and means the same on a worker: lazy products are materialised."""
    if hasattr(value, "materialize"):
        return value.materialize()
    if isinstance(value, IMLList):
        return IMLList([portable(v) for v in value.items], list(value.names))
    return value


# ---------------------------------------------------------------- running one call (on a worker)
def run_call(payload: dict) -> dict:
    """Run one module call in a fresh Session; never raises. Runs on a Dask worker (or in-process
    for the serial path). Returns status, value, the listing and log text, and an error's parts."""
    out, log = [], []
    result = {"status": "ok", "value": None, "out": out, "log": log}
    try:
        # the caller's Session class travels with the payload (pickled by reference), so this
        # layer never imports the runtime above it
        session = payload["session_class"](out=out.append, log=log.append, **payload["session_options"])
        session.extensions["parallel_worker"] = dict(payload["info"])
        result["worker"] = _worker_address()
        session.extensions["random"] = {"seeded": False, "used": False}
        session.rng = np.random.default_rng(payload["seed"])
        for src in payload["sources"]:
            session.run(src)
        if session.diagnostics.errors:
            return _failed(result, "A module could not be defined on the worker.", "see the log above")
        session.globals.update(payload["globals"])
        started = time.perf_counter()
        value = session.call_module(payload["module"], payload["arg"])
        result["seconds"] = time.perf_counter() - started
        if value is None:
            return _failed(result, f"Module {payload['module'].upper()} did not return a value.",
                           "a mapper or task module must end with RETURN(value)")
        result["value"] = portable(value)
    except E.IMLRuntimeError as err:
        where = f"operation {err.operation} at line {err.op_line} column {err.op_column}" if err.op_line else ""
        hint = "; ".join(h for h in (err.hint, where) if h)
        return _failed(result, err.message, hint)
    except E.ControlSignal as sig:
        return _failed(result, f"{type(sig).__name__.replace('Signal', '').upper()} ended the module "
                       "before it returned a value.", "")
    except RecursionError:
        return _failed(result, "Module calls are nested too deeply (recursion limit reached).", "")
    except MemoryError:
        return _failed(result, "Unable to allocate sufficient memory.", "")
    except Exception as exc:                     # a bug of ours: report it, never a traceback
        return _failed(result, f"internal error in imlpy ({type(exc).__name__}: {exc}).", "")
    return result


def _failed(result: dict, message: str, hint: str) -> dict:
    result.update(status="error", message=message, hint=hint)
    return result


def _worker_address() -> str:
    """The Dask worker running this call, or 'this process' (the serial path)."""
    try:
        from distributed import get_worker
        return get_worker().address
    except Exception:
        return "this process"


def _host_of(address: str) -> str:
    return address.split("://")[-1].rsplit(":", 1)[0]


# ---------------------------------------------------------------- the cluster
def scheduler_address(session=None) -> Optional[str]:
    if session is not None and session.options.get("dask_scheduler"):
        return session.options["dask_scheduler"]
    return os.environ.get("IMLPY_DASK_SCHEDULER") or None


def local_workers() -> int:
    try:
        return max(1, int(os.environ.get("IMLPY_DASK_WORKERS", "")))
    except ValueError:
        return os.cpu_count() or 1


def get_client(address: Optional[str]):
    """The Dask client for `address`, or for our LocalCluster (started once, closed at exit).
    Raises ImportError without dask; IMLRuntimeError when the scheduler cannot be reached."""
    import distributed  # noqa: F401  (ImportError: no dask)
    key = address or "local"
    with _lock:
        if key in _clients:
            client = _clients[key][0]
            if client.status == "running":
                return client
            _close(key)
        if address:
            try:
                client = distributed.Client(address, timeout=_connect_timeout(), set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise E.IMLRuntimeError(f"Cannot reach the Dask scheduler at {address}.",
                                        hint=f"{type(exc).__name__}: {exc}") from None
            _clients[key] = (client, None)
        else:
            import logging
            cluster = distributed.LocalCluster(n_workers=local_workers(), threads_per_worker=1,
                                               processes=True, dashboard_address=":0",
                                               silence_logs=logging.ERROR)
            client = distributed.Client(cluster, set_as_default=False)
            _clients[key] = (client, cluster)
    return client


def _connect_timeout() -> str:
    """Seconds to wait for a remote scheduler (IMLPY_DASK_CONNECT_TIMEOUT, default 10)."""
    try:
        return f"{max(0.5, float(os.environ.get('IMLPY_DASK_CONNECT_TIMEOUT', '10'))):g}s"
    except ValueError:
        return "10s"


def _close(key: str) -> None:
    client, cluster = _clients.pop(key, (None, None))
    for thing in (client, cluster):
        try:
            if thing is not None:
                thing.close()
        except Exception:
            pass


@atexit.register
def shutdown() -> None:
    """Close every client and our LocalCluster (also at interpreter exit)."""
    with _lock:
        for key in list(_clients):
            _close(key)


# ---------------------------------------------------------------- options
def parse_options(session, fname: str, options) -> dict:
    """The options of MAPREDUCE/PARTASKS.

    SAS's form is a numeric column: element 1 chooses where the work goes (1: the threads of the
    controller, i.e. this machine; 2: the worker nodes first, then their threads; 0 or missing: the
    default), element 2 asks for a table about the calls (1) or not (0). imlpy also takes a
    character form: 'serial', 'nthreads=K', 'timeout=SECONDS', 'local', 'info'."""
    opts = {"serial": False, "nthreads": None, "timeout": _env_timeout(), "scheme": 0, "info": False}
    if options is None:
        return opts
    if isinstance(options, IMLList):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} options are a numeric vector {{scheme, print}} "
                                "or a character string such as 'nthreads=4', not a list")
    if not is_char(options):
        return _numeric_options(fname, options, opts)
    words = " ".join(str(s) for s in np.asarray(options).ravel()).replace(",", " ").split()
    for word in words:
        key, _, val = word.partition("=")
        key = key.lower()
        if key == "serial" and not val:
            opts["serial"] = True
        elif key == "local" and not val:
            opts["scheme"] = 1
        elif key == "info" and not val:
            opts["info"] = True
        elif key in ("nthreads", "nworkers", "ntasks") and val:
            opts["nthreads"] = _positive(fname, key, val, int)
        elif key == "timeout" and val:
            opts["timeout"] = _positive(fname, key, val, float)
        else:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} option '{word}' is not one of "
                                    "'serial', 'nthreads=K', 'timeout=SECONDS', 'local', 'info'")
    return opts


def _numeric_options(fname: str, options, opts: dict) -> dict:
    vals = np.asarray(options, dtype=float).ravel()
    if vals.size > 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} options has {vals.size} elements; SAS's form "
                                "is {scheme, print}: scheme 0, 1 or 2 and print 0 or 1")
    scheme = vals[0] if vals.size else 0
    if scheme == scheme and scheme not in (0, 1, 2):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} options[1] must be 0 (default), 1 (threads of "
                                f"this machine) or 2 (nodes first), not {scheme:g}")
    opts["scheme"] = int(scheme) if scheme == scheme else 0
    opts["info"] = vals.size > 1 and vals[1] == vals[1] and vals[1] != 0
    return opts


def _positive(fname, key, val, kind):
    try:
        x = kind(float(val))
    except ValueError:
        x = 0
    if x <= 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} option {key}= needs a positive number, not '{val}'")
    return x


def _env_timeout() -> float:
    try:
        return float(os.environ.get("IMLPY_PARALLEL_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def threads_setting(session, opts: dict) -> Optional[int]:
    """Threads per node asked for: the option 'nthreads=K', else the iml action's NTHREADS= (a
    PROC CAS step), else `imlpy run --nthreads K` / IMLPY_NTHREADS; None: use the cluster's."""
    if opts["nthreads"]:
        return opts["nthreads"]
    if session.options.get("nthreads"):
        return int(session.options["nthreads"])
    try:
        return max(1, int(os.environ["IMLPY_NTHREADS"]))
    except (KeyError, ValueError):
        return None


# ---------------------------------------------------------------- where the calls run
def plan(session, fname: str, opts: dict):
    """(client or None, nodes): nodes = [(host, worker threads)], one entry per machine of the
    cluster. client None means: run serially in this process (after a NOTE saying why)."""
    local = [(None, local_workers())]
    if opts["serial"] or "parallel_worker" in session.extensions:
        if opts["serial"]:
            session.note(f"{fname} ran serially (option 'serial').")
        return None, local
    address = None if opts["scheme"] == 1 else scheduler_address(session)
    try:
        client = get_client(address)
        nodes = cluster_nodes(client)
    except ImportError:
        session.note(f"{fname} ran serially (dask is not installed: {INSTALL_HINT})")
        return None, local
    except E.IMLRuntimeError:
        raise
    except Exception as exc:                    # the local cluster could not start
        if address:
            raise E.IMLRuntimeError(f"Cannot use the Dask scheduler at {address}.",
                                    hint=f"{type(exc).__name__}: {exc}") from None
        session.note(f"{fname} ran serially (a local Dask cluster could not start: {type(exc).__name__}: {exc})")
        return None, local
    return client, nodes


def cluster_nodes(client) -> list:
    """[(host, threads)] of the cluster behind `client`, hosts sorted."""
    workers = client.scheduler_info().get("workers", {})
    if not workers:
        client.wait_for_workers(1, timeout=30)
        workers = client.scheduler_info().get("workers", {})
    threads: dict = {}
    for address, w in workers.items():
        host = _host_of(address)
        threads[host] = threads.get(host, 0) + int(w.get("nthreads", 1))
    return sorted(threads.items()) or [(None, 1)]


def mapper_layout(nodes: list, per_node: Optional[int]) -> list:
    """One placement per mapper call: every thread of every node (SAS: "on every available node
    and thread"). per_node overrides the threads each node contributes."""
    return _placements([per_node or n for _, n in nodes], nodes)


def task_layout(nodes: list, ntasks: int, scheme: int) -> list:
    """One placement per task: scheme 2 (or more tasks than threads) spreads the tasks evenly over
    the nodes; otherwise they fill the first node's threads, then the next node's, and so on."""
    if scheme == 2 or ntasks > sum(n for _, n in nodes):
        counts = [ntasks // len(nodes) + (i < ntasks % len(nodes)) for i in range(len(nodes))]
    else:
        counts, left = [], ntasks
        for _, n in nodes:
            counts.append(min(n, left))
            left -= counts[-1]
    return _placements(counts, nodes)


def _placements(counts: list, nodes: list) -> list:
    out = []
    for k, (count, (host, _)) in enumerate(zip(counts, nodes)):
        out.extend({"host": host, "node": k + 1, "thread": t + 1, "nthreads": count} for t in range(count))
    total = len(out)
    for i, p in enumerate(out):
        p.update(call=i + 1, ncalls=total, nnodes=len(nodes))
    return out


# ---------------------------------------------------------------- running many calls
def run_calls(session, fname: str, calls: list, opts: dict, client, layout: list, seed: int) -> list:
    """Run [(module, argument)] (call i placed by layout[i]) on the cluster or serially and return
    their values in order. Call i draws from stream i of SeedSequence(seed).

    Listing and log text of each call are relayed in call order; the first failing call becomes
    an IML error naming the worker and module."""
    roots = sorted({m for m, _ in calls})
    sources, values = shipment(session, roots)
    streams = np.random.SeedSequence(seed).spawn(len(calls))
    payloads = [{"module": m, "arg": portable(a), "sources": sources, "globals": values,
                 "seed": streams[i], "info": dict(layout[i], kind=fname),
                 "session_class": type(session), "session_options": session.worker_options()}
                for i, (m, a) in enumerate(calls)]
    if client is None:
        results = [run_call(p) for p in payloads]
    else:
        pin = len({p["host"] for p in layout}) > 1
        results = _on_cluster(session, fname, client, payloads, opts["timeout"], pin)
    values_out = []
    for i, res in enumerate(results):
        for text in res["out"]:
            session.out(text)
        for text in res["log"]:
            session.log(text)
        if res["status"] != "ok":
            label = "worker" if fname == "MAPREDUCE" else "task"
            raise E.IMLRuntimeError(f"{res['message'].rstrip('.')} in {fname} {label} {i + 1}, "
                                    f"module {calls[i][0].upper()}.", hint=res.get("hint", ""))
        values_out.append(res["value"])
    if opts["info"]:
        session.out(call_table(fname, calls, layout, results))
    return values_out


def call_table(fname: str, calls: list, layout: list, results: list) -> str:
    """The table of calls that options {., 1} asks for: where each ran and for how long."""
    head = f"{'Call':>6}  {'Module':<16}{'Node':>6}{'Thread':>8}  {'Worker':<28}{'Seconds':>9}"
    rows = [f"{fname}: {len(calls)} call{'s' if len(calls) != 1 else ''}", "", head]
    for i, ((module, _), place, res) in enumerate(zip(calls, layout, results)):
        rows.append(f"{i + 1:>6}  {module.upper():<16}{place['node']:>6}{place['thread']:>8}  "
                    f"{res.get('worker', ''):<28}{res.get('seconds', 0.0):>9.3f}")
    return "\n".join(rows) + "\n\n"


def _on_cluster(session, fname: str, client, payloads: list, timeout: float, pin: bool) -> list:
    """Submit every call (pinned to its node's workers when the cluster spans several machines),
    then collect the results in order within one overall deadline."""
    futures = [client.submit(run_call, p, pure=False, key=f"imlpy-{fname.lower()}-{i + 1}-{os.urandom(4).hex()}",
                             **({"workers": [p["info"]["host"]], "allow_other_workers": False} if pin else {}))
               for i, p in enumerate(payloads)]
    deadline = time.monotonic() + timeout
    results = []
    try:
        for f in futures:
            try:
                results.append(f.result(timeout=max(0.01, deadline - time.monotonic())))
            except (TimeoutError, _dask_timeout()):
                raise
            except Exception as exc:           # a worker died, or the value could not travel
                results.append({"status": "error", "out": [], "log": [], "hint": "",
                                "message": f"the Dask worker failed ({type(exc).__name__}: {exc})"})
    except (TimeoutError, _dask_timeout()):
        client.cancel(futures)
        if _clients.get("local", (None,))[0] is client:
            _restart_quietly(client)
        raise E.IMLRuntimeError(f"{fname} did not finish within {timeout:g} seconds; its calls were cancelled.",
                                hint="raise the limit with the option 'timeout=SECONDS' or IMLPY_PARALLEL_TIMEOUT") from None
    except KeyboardInterrupt:
        client.cancel(futures)
        raise
    return results


def _dask_timeout():
    import distributed
    return getattr(distributed, "TimeoutError", TimeoutError)


def _restart_quietly(client) -> None:
    """Stop calls stuck in an endless loop: restart our local workers (a remote cluster is left alone)."""
    try:
        client.restart(timeout=30)
    except Exception:
        pass


# ---------------------------------------------------------------- reducers
BUILTIN_REDUCERS = ("_SUM", "_MIN", "_MAX", "_HCONCAT", "_VCONCAT")


def reduce_values(session, reducer: str, values: list):
    """Combine the mappers' results in worker order: a built-in reducer or a module reducer(a, b)."""
    name = reducer.strip().upper()
    if name in BUILTIN_REDUCERS:
        op = {"_SUM": "+", "_MIN": "><", "_MAX": "<>", "_HCONCAT": "||", "_VCONCAT": "//"}[name]
        acc = values[0]
        for v in values[1:]:
            acc = BINARY[op](acc, v)
        return acc
    acc = values[0]
    for v in values[1:]:
        acc = session.call_module(reducer.strip(), acc, v)
        if acc is None:
            raise E.IMLRuntimeError(f"The reducer module {reducer.strip().upper()} did not return a value.",
                                    hint="a reducer module takes two arguments and returns their combination")
    return acc
