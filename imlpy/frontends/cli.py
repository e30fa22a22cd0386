"""The `imlpy` command: the REPL, `imlpy run FILE...`, `imlpy check FILE...`, `imlpy help NAME`.

Exit status follows SAS: 0 clean, 1 warnings only, 2 errors; 130 after Ctrl-C in a script.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional

from .. import __version__, errors as E
from ..builtins import lookup_help, REGISTRY
from ..language.frontend import syntax_errors
from ..runtime.session import Session
from ..safety.limits import apply_memory_limit, cancel_timer, parse_size, start_timer, TimeLimitExceeded
from ..safety.sandbox import set_default
from ..sas.program import iml_texts, run_sas_program
from .tour import cmd_tour


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="imlpy", description="An interpreter of the SAS/IML matrix language.")
    p.add_argument("--version", action="version", version=f"imlpy {__version__}")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks of internal errors")
    p.add_argument("--no-color", action="store_true", help="REPL without syntax colouring")
    _limit_options(p)
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run IML programs")
    run.add_argument("files", nargs="+")
    run.add_argument("--stop-on-error", action="store_true", help="stop at the first error (exit status 2)")
    run.add_argument("--debug", action="store_true", dest="debug_run", help=argparse.SUPPRESS)
    run.add_argument("--plots", metavar="DIR", help="write plots (CALL SCATTER, HEATMAPCONT ...) into DIR")
    run.add_argument("--work", metavar="DIR", help="folder of the WORK library (default: a temporary folder)")
    run.add_argument("--storage", metavar="DIR", help="folder of STORE/LOAD catalogs (default: $IMLPY_STORAGE)")
    _limit_options(run, "_run")
    run.add_argument("--time-limit", metavar="SECONDS", type=_seconds,
                     help="stop the run with an error after SECONDS of wall-clock time (exit status 2)")
    run.add_argument("--scheduler", metavar="ADDRESS", help="run MAPREDUCE/PARTASKS on this Dask cluster, "
                     "e.g. tcp://host:8786 (default: $IMLPY_DASK_SCHEDULER, else a local cluster)")
    run.add_argument("--nthreads", metavar="K", type=_count, help="threads per node for MAPREDUCE, like the "
                     "iml action's NTHREADS= (default: $IMLPY_NTHREADS, else the cluster's worker threads)")
    check = sub.add_parser("check", help="parse IML programs and report every syntax error")
    check.add_argument("files", nargs="+")
    h = sub.add_parser("help", help="describe a builtin function or subroutine")
    h.add_argument("name", nargs="?")
    sub.add_parser("repl", help="start the interactive prompt (the default)")
    tour = sub.add_parser("tour", help="list the example programs, or run one: imlpy tour 3")
    tour.add_argument("which", nargs="?", help="the example's number or file name")
    k = sub.add_parser("kernel", help="the Jupyter kernel: `imlpy kernel install` writes its kernelspec")
    k.add_argument("action", choices=["install"])
    where = k.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--prefix", metavar="P", help="install under the prefix P (P/share/jupyter/kernels)")
    where.add_argument("--sys-prefix", action="store_true", help="install under sys.prefix (a virtualenv)")
    return p


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"needs a whole number of at least 1, not {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {text!r}")
    return value


def _limit_options(parser, suffix: str = "") -> None:
    """--max-memory, --sandbox and --allow, before or after the command (`imlpy --sandbox run f.iml`)."""
    parser.add_argument("--max-memory", metavar="SIZE", type=_size, dest="max_memory" + suffix,
                        help="refuse values beyond SIZE (e.g. 2G, 500M) with an IML error "
                             "(default: 80%% of the memory available)")
    parser.add_argument("--sandbox", action="store_true", dest="sandbox" + suffix,
                        help="no files outside the session's own folder, no SUBMIT, X or %%INCLUDE")
    parser.add_argument("--allow", metavar="DIR", action="append", dest="allow" + suffix,
                        help="with --sandbox: a folder the session may also use (repeatable)")


def _apply_limits(args) -> None:
    memory = getattr(args, "max_memory_run", None) or args.max_memory
    if memory:
        apply_memory_limit(memory)
    allow = (args.allow or []) + (getattr(args, "allow_run", None) or [])
    if args.sandbox or getattr(args, "sandbox_run", False):
        set_default(allow or True)


def main(argv: Optional[list] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _apply_limits(args)
        if args.command == "run":
            for var, value in (("IMLPY_WORK", args.work), ("IMLPY_STORAGE", args.storage)):
                if value:
                    os.environ[var] = os.path.abspath(value)     # read by datasets.py / storage.py
            if args.scheduler:
                os.environ["IMLPY_DASK_SCHEDULER"] = args.scheduler     # read by parallel.py
            if args.nthreads:
                os.environ["IMLPY_NTHREADS"] = str(args.nthreads)       # read by parallel.py
            return cmd_run(args.files, args.stop_on_error, args.debug or args.debug_run, args.plots,
                           time_limit=args.time_limit)
        if args.command == "kernel":
            from .kernel import install_kernelspec   # lazy: start-up (ipykernel is needed only here)
            return install_kernelspec(user=args.user, prefix=args.prefix, sys_prefix=args.sys_prefix)
        if args.command == "check":
            return cmd_check(args.files)
        if args.command == "help":
            return cmd_help(args.name)
        if args.command == "tour":
            return cmd_tour(args.which, cmd_run)
        from .repl import run_repl   # lazy: start-up (prompt_toolkit is needed only at the prompt)
        return run_repl(color=not args.no_color, debug=args.debug)
    except KeyboardInterrupt:
        sys.stderr.write("\nNOTE: interrupted.\n")
        return 130
    except BrokenPipeError:
        # stop quietly, and keep Python from complaining when it flushes stdout at exit
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError:
            pass
        return 0


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError as exc:
        sys.stderr.write(f"ERROR: cannot read {path}: {exc.strerror or exc}\n")
        return None


def cmd_run(files: list, stop_on_error: bool = False, debug: bool = False, plots: Optional[str] = None,
            time_limit: Optional[float] = None) -> int:
    session = Session(debug=debug)
    if plots and (session.sandbox is None or session.sandbox.permits(plots, write=True)):
        session.options["plots_dir"] = plots
    if stop_on_error:
        _stop_at_first_error(session)
    start_timer(time_limit)
    try:
        return _run_files(session, files, stop_on_error)
    except TimeLimitExceeded as stop:        # outside a statement (parsing): still an error
        session.report_error(E.IMLRuntimeError(str(stop)))
        return 2
    finally:
        cancel_timer()


def _run_files(session, files: list, stop_on_error: bool) -> int:
    status = 0
    for path in files:
        text = _read(path)
        if text is None:
            status = 2
            continue
        session.source_name = path
        if path.lower().endswith(".sas"):       # a SAS program: its PROC IML steps (sasprogram.py)
            run_sas_program(session, text, stop_on_error)
        else:
            session.run(text)
        if session.ended and stop_on_error and session.diagnostics.errors:
            break
    if "imlpy.parallel.runner" in sys.modules:          # close the Dask client/cluster before exit
        sys.modules["imlpy.parallel.runner"].shutdown()
    return max(status, session.diagnostics.exit_status)


def _stop_at_first_error(session) -> None:
    report_error, report_syntax = session.report_error, session.report_syntax

    def stop_after(report):
        def wrapped(err):
            report(err)
            session.ended = True
        return wrapped
    session.report_error = stop_after(report_error)
    session.report_syntax = stop_after(report_syntax)


def cmd_check(files: list) -> int:
    status = 0
    for path in files:
        text = _read(path)
        if text is None:
            status = 2
            continue
        errors = _check_errors(path, text)
        for err in errors:
            sys.stderr.write(f"{path}:{err.line}:{err.column}: " + err.render())
        if errors:
            status = 2
        else:
            sys.stdout.write(f"{path}: OK\n")
    return status


def _check_errors(path: str, text: str) -> list:
    """Syntax errors of an .iml file, or of the IML code in a .sas file (its PROC IML steps and the
    SOURCE blocks of PROC CAS steps; the rest is SAS, which imlpy does not check)."""
    if not path.lower().endswith(".sas"):
        return syntax_errors(text)
    return [err for piece in iml_texts(text) for err in syntax_errors(piece)]


def cmd_help(name: Optional[str]) -> int:
    if not name:
        names = sorted(REGISTRY)
        sys.stdout.write("Builtin functions and subroutines (imlpy help NAME for one):\n")
        line = " "
        for n in names:
            if len(line) + len(n) + 1 > 78:
                sys.stdout.write(line + "\n")
                line = " "
            line += " " + n.upper()
        sys.stdout.write(line + "\n")
        return 0
    text = lookup_help(name)
    if text is None:
        sys.stderr.write(f"No help for {name.upper()}: it is not a builtin function or subroutine.\n")
        return 2
    sys.stdout.write(text)
    return 0
