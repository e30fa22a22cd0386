"""MAPREDUCE and PARTASKS (SAS Viya's iml action) and the information functions a mapper uses.

SAS: "The MAPREDUCE function runs a SAS/IML module (the mapper) on every available node and thread
... Each mapping function returns a result. The results are aggregated by using a reducing function
(the reducer)"; PARTASKS runs each task module "in a separate thread", one argument each, and
returns a list of the results. imlpy runs them on Dask (imlpy/parallel/runner.py): one call per worker
thread, in fresh sessions; `imlpy run --scheduler ADDRESS` uses an existing cluster.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import IMLList, is_char, to_str
from ..parallel import runner as P
from .random import stream
from .common import num
from .registry import builtin

PAR_PARTIAL = ("options: SAS's numeric form {scheme, print} is honoured as scheme 1 = this machine's "
               "workers, 2 = tasks spread evenly over the nodes, 0 = the default cluster; print = 1 lists "
               "the calls in a table of imlpy's own layout. imlpy's character options: 'serial', 'nthreads=K', "
               "'timeout=SECONDS', 'local', 'info'")


def _module_name(session, value, what: str) -> str:
    if not is_char(value) or np.asarray(value).size != 1:
        raise E.IMLRuntimeError(E.NEED_CHARACTER if not is_char(value) else E.BAD_ARGUMENT,
                                hint=f"{what} must be the name of a module, as a character scalar")
    name = to_str(value).strip()
    if name.lower() not in session.modules:
        raise E.IMLRuntimeError(f"Invocation of unresolved module {name.upper()}.",
                                hint=f"define the {what} module with START {name}(...); ... FINISH; first")
    return name


@builtin("MAPREDUCE(mapArg, mapper, reducer <,options>)",
         "Runs the module named by mapper once on every worker thread of every node with mapArg and combines "
         "the results with reducer: '_SUM', '_MIN', '_MAX', '_HCONCAT', '_VCONCAT' or a module reducer(a, b). "
         "NODEINFO() and NPERTHREAD(n) tell a mapper which part of the work is its own; the number of "
         "threads comes from the iml action's NTHREADS= (PROC CAS), `imlpy run --nthreads K`, or the cluster.",
         session=True, unset=True, partial=PAR_PARTIAL,
         example=("start part(x);\n   return( nPerThread(x) );\nfinish;\n"
                  "s = mapreduce(10, \"part\", \"_HCONCAT\", \"serial nthreads=3\");\nprint s;",
                  "        s\n        4         3         3\n\n"))
def mapreduce(session, map_arg, mapper, reducer, options=None):
    mapper = _module_name(session, mapper, "mapper")
    if not is_char(reducer) or np.asarray(reducer).size != 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="reducer must be a character scalar: a module name or "
                                + ", ".join(P.BUILTIN_REDUCERS))
    red = to_str(reducer).strip()
    if red.upper() not in P.BUILTIN_REDUCERS:
        red = _module_name(session, reducer, "reducer")
    opts = P.parse_options(session, "MAPREDUCE", options)
    client, nodes = P.plan(session, "MAPREDUCE", opts)
    layout = P.mapper_layout(nodes, P.threads_setting(session, opts))
    values = P.run_calls(session, "MAPREDUCE", [(mapper, map_arg)] * len(layout), opts, client, layout,
                         _call_seed(session))
    return P.reduce_values(session, red, values)


@builtin("PARTASKS(tasks, taskArgs <,options>)",
         "Runs the task modules in parallel, task i with item i of the list taskArgs, and returns the list "
         "of their results. tasks is a character vector with one module name per item of taskArgs, or a "
         "single name that every item is given to.",
         session=True, partial=PAR_PARTIAL,
         example=("start twice(x);\n   return( 2*x );\nfinish;\nstart neg(x);\n   return( -x );\nfinish;\n"
                  "R = partasks({\"twice\" \"neg\"}, [3, 4], \"serial\");\nprint (R$1) (R$2);",
                  "        6         -4\n\n"))
def partasks(session, tasks, task_args, options=None):
    if not is_char(tasks):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="tasks must be a character vector of module names")
    names = [_module_name(session, np.array([[t]]), "task") for t in np.asarray(tasks).ravel()]
    if not isinstance(task_args, IMLList):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="taskArgs must be a list with one argument per task, "
                                "e.g. [A, A, A]")
    if len(names) == 1:
        names = names * len(task_args.items)
    if len(task_args.items) != len(names):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{len(names)} tasks but {len(task_args.items)} items "
                                "in taskArgs: give one argument per task (or a single task name for all)")
    opts = P.parse_options(session, "PARTASKS", options)
    client, nodes = P.plan(session, "PARTASKS", opts)
    layout = P.task_layout(nodes, len(names), opts["scheme"])
    calls = list(zip(names, task_args.items))
    return IMLList(P.run_calls(session, "PARTASKS", calls, opts, client, layout, _call_seed(session)))


def _call_seed(session) -> int:
    """The seed of the calls' streams, drawn from the session's stream (so CALL RANDSEED before a
    MAPREDUCE makes it reproducible)."""
    return int(stream(session).integers(0, 2**63 - 1))


def worker_info(session) -> dict:
    """Where the running call is (NODEINFO's items); a single thread outside MAPREDUCE/PARTASKS."""
    return session.extensions.get("parallel_worker") or {"node": 1, "thread": 1, "nnodes": 1, "nthreads": 1,
                                                         "call": 1, "ncalls": 1}


INFO_ITEMS = (("nodeId", "node"), ("threadId", "thread"), ("numNodes", "nnodes"), ("numThreads", "nthreads"))


@builtin("NODEINFO()", "A list that tells a mapper or task where it runs: items nodeId, threadId (1, 2, ... "
         "within its node), numNodes and numThreads (threads on its node). Outside MAPREDUCE and "
         "PARTASKS: node 1 of 1, thread 1 of 1.", session=True,
         partial="SAS's documented use is L$'threadId'; the other item names follow the same pattern "
                 "but could not be checked against the iml action documentation",
         example=("L = nodeInfo();\nprint (L$'threadId') (L$'numThreads');", "        1          1\n\n"))
def nodeinfo(session):
    info = worker_info(session)
    return IMLList([float(info[key]) for _, key in INFO_ITEMS], [name for name, _ in INFO_ITEMS])


@builtin("NPERTHREAD(n)", "This call's share of n items when n is divided as evenly as possible among all the "
         "calls of a MAPREDUCE (every thread of every node); the first n mod k calls get one more. "
         "Outside MAPREDUCE and PARTASKS: n.", session=True,
         example=("start part(x);\n   return( nPerThread(x) );\nfinish;\n"
                  "s = mapreduce(1e6, \"part\", \"_HCONCAT\", \"serial nthreads=4\");\nprint s;",
                  "        s\n   250000    250000    250000    250000\n\n"))
def nperthread(session, n):
    total = float(num(n).flat[0]) if not isinstance(n, IMLList) and num(n).size == 1 else float("nan")
    if total != total or total < 0 or total != int(total):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="NPERTHREAD needs one nonnegative whole number")
    info = worker_info(session)
    base, extra = divmod(int(total), int(info["ncalls"]))
    return float(base + (info["call"] <= extra))


def _info(session, key: str) -> float:
    return float(worker_info(session)[key])


EXTENSION = "imlpy extension (SAS's iml action gives the same through NODEINFO())."


@builtin("THREADID()", "Inside MAPREDUCE or PARTASKS: the number (1, 2, ...) of the thread within its node; "
         "1 outside them. " + EXTENSION, session=True, example=("print (threadid());", "        1\n\n"))
def threadid(session):
    return _info(session, "thread")


@builtin("NUMTHREADS()", "Inside MAPREDUCE or PARTASKS: how many threads the call's node runs; 1 outside them. "
         + EXTENSION, session=True, example=("print (numthreads());", "        1\n\n"))
def numthreads(session):
    return _info(session, "nthreads")


@builtin("NODEID()", "Inside MAPREDUCE or PARTASKS: the number (1, 2, ...) of the machine the call runs on; "
         "1 outside them. " + EXTENSION, session=True, example=("print (nodeid());", "        1\n\n"))
def nodeid(session):
    return _info(session, "node")


@builtin("NUMNODES()", "Inside MAPREDUCE or PARTASKS: how many machines the cluster has; 1 outside them. "
         + EXTENSION, session=True, example=("print (numnodes());", "        1\n\n"))
def numnodes(session):
    return _info(session, "nnodes")
