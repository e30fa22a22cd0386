"""MAPREDUCE and PARTASKS (SAS Viya's iml action) and the information functions a mapper uses.

SAS: "The MAPREDUCE function runs a SAS/IML module (the mapper) on every available node and thread
... Each mapping function returns a result. The results are aggregated by using a reducing function
(the reducer)"; PARTASKS runs each task module "in a separate thread", one argument each, and
returns a list of the results. imlpy runs them on Dask (imlpy/parallel.py): one call per worker
thread, in fresh sessions; `imlpy run --scheduler ADDRESS` uses an existing cluster.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..values import IMLList, is_char, to_str
from .registry import builtin

PAR_PARTIAL = ("SAS's numeric options (spreading over CAS nodes/threads) are ignored with a NOTE; "
               "imlpy's character options are 'serial', 'nthreads=K', 'timeout=SECONDS'")


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
         "Runs the module named by mapper once on every worker (thread) with mapArg and combines the results "
         "with reducer: '_SUM', '_MIN', '_MAX', '_HCONCAT', '_VCONCAT' or a module reducer(a, b). "
         "THREADID() and NUMTHREADS() tell a mapper which part of the work is its own.",
         session=True, unset=True, partial=PAR_PARTIAL,
         example=("start tid(x);\n   return( x # threadid() );\nfinish;\n"
                  "s = mapreduce(10, \"tid\", \"_SUM\", \"serial nthreads=3\");\nprint s;",
                  "        s\n       60\n\n"))
def mapreduce(session, map_arg, mapper, reducer, options=None):
    from .. import parallel as P
    mapper = _module_name(session, mapper, "mapper")
    if not is_char(reducer) or np.asarray(reducer).size != 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="reducer must be a character scalar: a module name or "
                                + ", ".join(P.BUILTIN_REDUCERS))
    red = to_str(reducer).strip()
    if red.upper() not in P.BUILTIN_REDUCERS:
        red = _module_name(session, reducer, "reducer")
    opts = P.parse_options(session, "MAPREDUCE", options)
    client, nthreads, hosts = P.plan(session, "MAPREDUCE", opts)
    values = P.run_calls(session, "MAPREDUCE", [(mapper, map_arg)] * nthreads, opts, client, hosts)
    return P.reduce_values(session, red, values)


@builtin("PARTASKS(tasks, taskArgs <,options>)",
         "Runs each module named in the character vector tasks in parallel, task i with item i of the "
         "list taskArgs, and returns the list of their results.",
         session=True, partial=PAR_PARTIAL,
         example=("start twice(x);\n   return( 2*x );\nfinish;\nstart neg(x);\n   return( -x );\nfinish;\n"
                  "R = partasks({\"twice\" \"neg\"}, [3, 4], \"serial\");\nprint (R$1) (R$2);",
                  "        6         -4\n\n"))
def partasks(session, tasks, task_args, options=None):
    from .. import parallel as P
    if not is_char(tasks):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="tasks must be a character vector of module names")
    names = [_module_name(session, np.array([[t]]), "task") for t in np.asarray(tasks).ravel()]
    if not isinstance(task_args, IMLList):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="taskArgs must be a list with one argument per task, "
                                "e.g. [A, A, A]")
    if len(task_args.items) != len(names):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{len(names)} tasks but {len(task_args.items)} items "
                                "in taskArgs: give one argument per task")
    opts = P.parse_options(session, "PARTASKS", options)
    client, _, hosts = P.plan(session, "PARTASKS", opts)
    calls = list(zip(names, task_args.items))
    return IMLList(P.run_calls(session, "PARTASKS", calls, opts, client, hosts))


def _info(session, key: str, default: int) -> float:
    return float(session.extensions.get("parallel_worker", {}).get(key, default))


@builtin("THREADID()", "Inside MAPREDUCE or PARTASKS: the number (1, 2, ...) of the call that is running; "
         "1 outside them.", session=True, example=("print (threadid());", "        1\n\n"))
def threadid(session):
    return _info(session, "thread", 1)


@builtin("NUMTHREADS()", "Inside MAPREDUCE or PARTASKS: how many calls run in all (the mapper's share of N "
         "items is about N/NUMTHREADS()); 1 outside them.", session=True,
         example=("print (numthreads());", "        1\n\n"))
def numthreads(session):
    return _info(session, "nthreads", 1)


@builtin("NODEID()", "Inside MAPREDUCE or PARTASKS: the number (1, 2, ...) of the machine the call runs on; "
         "1 outside them.", session=True, example=("print (nodeid());", "        1\n\n"))
def nodeid(session):
    return _info(session, "node", 1)


@builtin("NUMNODES()", "Inside MAPREDUCE or PARTASKS: how many machines the cluster has; 1 outside them.",
         session=True, example=("print (numnodes());", "        1\n\n"))
def numnodes(session):
    return _info(session, "nnodes", 1)
