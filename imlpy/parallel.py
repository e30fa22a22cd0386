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
variables those modules declare; values travel as floats, numpy arrays and IML lists. Random
numbers: call i draws from stream i of `numpy.random.SeedSequence(seed).spawn(n)`, where `seed`
is taken from the session's stream (so CALL RANDSEED makes a parallel simulation repeat exactly,
whichever worker runs which call, and serial and parallel runs agree).
"""
from __future__ import annotations

import atexit
import os
import threading
from dataclasses import fields, is_dataclass
from typing import Optional

import numpy as np

from . import ast as A
from . import errors as E
from .values import IMLList, is_char, to_str

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
    from .session import Session
    out, log = [], []
    result = {"status": "ok", "value": None, "out": out, "log": log}
    try:
        session = Session(out=out.append, log=log.append)
        info = dict(payload["info"])
        info["node"] = _node_number(info.pop("hosts", []))
        session.extensions["parallel_worker"] = info
        session.extensions["random"] = {"seeded": False, "used": False}
        session.rng = np.random.default_rng(payload["seed"])
        for src in payload["sources"]:
            session.run(src)
        if session.diagnostics.errors:
            return _failed(result, "A module could not be defined on the worker.", "see the log above")
        session.globals.update(payload["globals"])
        value = session.call_module(payload["module"], payload["arg"])
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


def _node_number(hosts: list) -> int:
    """1-based number of this worker's host among the cluster's hosts (1 when not on Dask)."""
    if not hosts:
        return 1
    try:
        from distributed import get_worker
        host = _host_of(get_worker().address)
    except Exception:
        return 1
    return hosts.index(host) + 1 if host in hosts else 1


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


def cluster_threads(client) -> tuple:
    """(total worker threads, sorted host names) of the cluster behind `client`."""
    workers = client.scheduler_info().get("workers", {})
    if not workers:
        client.wait_for_workers(1, timeout=30)
        workers = client.scheduler_info().get("workers", {})
    total = sum(int(w.get("nthreads", 1)) for w in workers.values()) or 1
    hosts = sorted({_host_of(a) for a in workers})
    return total, hosts


# ---------------------------------------------------------------- options
def parse_options(session, fname: str, options) -> dict:
    """The character options of MAPREDUCE/PARTASKS: 'serial', 'nthreads=K', 'timeout=S'.

    SAS's numeric options choose how the iml action spreads work over CAS nodes and threads; that
    has no meaning on Dask, so they are accepted and ignored with a NOTE."""
    opts = {"serial": False, "nthreads": None, "timeout": _env_timeout()}
    if options is None:
        return opts
    if not is_char(options):
        session.note(f"{fname}: numeric options (the iml action's node/thread scheme) have no meaning "
                     "on Dask and were ignored; use e.g. 'nthreads=4 timeout=60 serial'.")
        return opts
    words = " ".join(str(s) for s in np.asarray(options).ravel()).replace(",", " ").split()
    for word in words:
        key, _, val = word.partition("=")
        key = key.lower()
        if key == "serial" and not val:
            opts["serial"] = True
        elif key in ("nthreads", "nworkers", "ntasks") and val:
            opts["nthreads"] = _positive(fname, key, val, int)
        elif key == "timeout" and val:
            opts["timeout"] = _positive(fname, key, val, float)
        else:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{fname} option '{word}' is not one of "
                                    "'serial', 'nthreads=K', 'timeout=SECONDS'")
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


# ---------------------------------------------------------------- running many calls
def plan(session, fname: str, opts: dict):
    """(client or None, number of threads, hosts). None means: run serially, after a NOTE."""
    if opts["serial"] or "parallel_worker" in session.extensions:
        if opts["serial"]:
            session.note(f"{fname} ran serially (option 'serial').")
        return None, opts["nthreads"] or local_workers(), []
    address = scheduler_address(session)
    try:
        client = get_client(address)
        total, hosts = cluster_threads(client)
    except ImportError:
        session.note(f"{fname} ran serially (dask is not installed: {INSTALL_HINT})")
        return None, opts["nthreads"] or local_workers(), []
    except E.IMLRuntimeError:
        raise
    except Exception as exc:                    # the local cluster could not start
        if address:
            raise E.IMLRuntimeError(f"Cannot use the Dask scheduler at {address}.",
                                    hint=f"{type(exc).__name__}: {exc}") from None
        session.note(f"{fname} ran serially (a local Dask cluster could not start: {type(exc).__name__}: {exc})")
        return None, opts["nthreads"] or local_workers(), []
    return client, opts["nthreads"] or total, hosts


def run_calls(session, fname: str, calls: list, opts: dict, client, hosts: list) -> list:
    """Run [(module, argument)] on the cluster (or serially) and return their values in order.

    Listing and log text of each call are relayed in call order; the first failing call becomes
    an IML error naming the worker and module."""
    roots = sorted({m for m, _ in calls})
    sources, values = shipment(session, roots)
    from .builtins.random import stream
    seed = int(stream(session).integers(0, 2**63 - 1))
    streams = np.random.SeedSequence(seed).spawn(len(calls))
    payloads = [{"module": m, "arg": portable(a), "sources": sources, "globals": values,
                 "seed": streams[i], "info": {"thread": i + 1, "nthreads": len(calls), "hosts": hosts,
                                              "nnodes": max(1, len(hosts)), "kind": fname}}
                for i, (m, a) in enumerate(calls)]
    if client is None:
        results = [run_call(p) for p in payloads]
    else:
        results = _on_cluster(session, fname, client, payloads, opts["timeout"])
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
    return values_out


def _on_cluster(session, fname: str, client, payloads: list, timeout: float) -> list:
    """Submit every call, then collect the results in order within one overall deadline."""
    import time
    futures = [client.submit(run_call, p, pure=False, key=f"imlpy-{fname.lower()}-{i + 1}-{os.urandom(4).hex()}")
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
    from .operators import BINARY
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
