"""A Session is one running IML workspace: its symbol table, modules, options and output.

The script runner, the REPL and the Jupyter kernel all drive a Session. Output goes through two
injected writers: `out` for the listing (PRINT, SHOW) and `log` for ERROR/WARNING/NOTE lines, so
tests capture exact text and front ends can route them as they like.

SAS's error model: a run-time error abandons the current statement (and any module call in it),
leaves every variable as it was before the statement, and execution goes on with the next one.
"""
from __future__ import annotations

import os
import sys
import traceback
from typing import Callable, Optional

import numpy as np

from .. import errors as E
from ..data.operations import install as install_data_layers
from ..language import ast as A
from ..language.frontend import parse_program
from ..output.printing import describe_operand, print_value, show_modules, show_names
from ..safety import sandbox as _sandbox
from ..safety.limits import TOO_DEEP, TimeLimitExceeded, allow_deep_recursion
from ..safety.sandbox import REFUSED_STATEMENTS, SandboxViolation, check, enter as sandbox_enter, leave as sandbox_leave
from ..sas.program import install as install_sas_layer
from .calls import invoke_module
from .compiler import Compiler, Module
from .statements import run_sequence
from ..matrix.values import IMLList, is_char, journal_begin, journal_end, shape_of, to_float, to_str, type_code

REPORT_URL = "https://github.com/imlpy/imlpy/issues"


class AutoPrint:
    """RESET PRINT: every assignment prints its result (checked cheaply via `.on`)."""

    def __init__(self, session):
        self.session = session
        self.on = False

    def __call__(self, name, value):
        self.session.out(print_value(self.session, name, value))


class Session:
    def __init__(self, out: Optional[Callable[[str], None]] = None,
                 log: Optional[Callable[[str], None]] = None, debug: bool = False,
                 source_name: str = "<input>", sandbox=None):
        self.out = out or (lambda text: (sys.stdout.write(text), sys.stdout.flush()))
        self.log = log or (lambda text: (sys.stderr.write(text), sys.stderr.flush()))
        self.debug = debug
        self.source_name = source_name
        self.globals: dict = {}
        self.modules: dict = {}
        self.attributes: dict = {}      # MATTRIB: name -> {option: value}
        self.call_stack: list = []
        self.options = {"fw": 9, "spaces": 2, "autoname": False, "fuzz": False, "linesize": 100,
                        "center": False}
        self.autoprint = AutoPrint(self)
        self.titles: dict = {}
        self.footnotes: dict = {}
        self.diagnostics = E.Diagnostics()
        self.ended = False              # QUIT or ABORT seen
        self.interrupt_requested = False
        self._warned: set = set()
        self.rng = np.random.default_rng()
        self.compiler = Compiler(self)
        self.extensions: dict = {}      # room for data-set, storage and graphics layers
        install_data_layers(self)       # data sets and STORE/LOAD (data/datasets.py)
        install_sas_layer(self)         # macro variables, %PUT, SUBMIT (sas/program.py)
        self.sandbox = None             # sandbox.Sandbox: no files, processes or SUBMIT outside it
        if sandbox or (sandbox is None and _sandbox.DEFAULT[0] is not None):
            _sandbox.enable(self, sandbox or _sandbox.DEFAULT[0])
        allow_deep_recursion()          # room for deeply nested statements (limits.py)

    # ---------------------------------------------------------------- running text
    def run(self, text: str) -> E.Diagnostics:
        """Run a program (or one REPL input): each statement in order, errors reported, never raised."""
        if "preprocess" in self.extensions:   # macro variables: %let, &name (sasprogram.py)
            text = self.extensions["preprocess"](self, text)
        for chunk in parse_program(text):
            if self.ended:
                break
            if isinstance(chunk, E.IMLSyntaxError):
                self.report_syntax(chunk)
                continue
            for node in chunk:
                if self.ended:
                    break
                self.execute(node)
        return self.diagnostics

    def run_file(self, path: str) -> E.Diagnostics:
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        self.source_name = path
        return self.run(text)

    def execute(self, node: A.Node) -> None:
        """Run one top-level statement atomically: on any failure the symbol table is restored."""
        try:
            fn = self.compiler.stmts.compile(node)
        except E.IMLRuntimeError as err:
            self.report_error(err.at_statement(A.STATEMENT_NAMES.get(type(node), "STATEMENT"), node))
            return
        except RecursionError:
            self.report_syntax(E.IMLSyntaxError(f"{TOO_DEEP.capitalize()}.", node.line, node.column))
            return
        snapshot = dict(self.globals)
        self._warned.clear()
        mark = journal_begin()           # in-place list changes are undone if the statement fails
        failed = True
        if self.sandbox is not None:
            sandbox_enter(self.sandbox)  # the audit-hook backstop watches this statement
        try:
            fn(self.globals)
            failed = False
        except E.IMLRuntimeError as err:
            self._restore(snapshot)
            self.report_error(err)
        except E.StopSignal as stop:
            failed = False
            if stop.message:
                self.note(stop.message)
        except E.AbortSignal as abort:
            failed = False
            if abort.message:
                self.note(abort.message)
            self.note("Exiting IML.")
            self.ended = True
        except E.QuitSignal:
            failed = False
            self.ended = True
        except E.ReturnSignal:
            failed = False                         # RETURN outside a module ends the statement quietly
        except E.GotoSignal as g:
            self._restore(snapshot)
            self.report_error(E.IMLRuntimeError(f"The label {g.label.upper()} was not found.").at_statement("GOTO", g.node))
        except RecursionError:
            self._restore(snapshot)
            self.report_error(E.IMLRuntimeError("Module calls or expressions are nested too deeply (recursion limit reached).").at_statement(
                A.STATEMENT_NAMES.get(type(node), "STATEMENT"), node))
        except MemoryError:
            self._restore(snapshot)
            self.report_error(E.IMLRuntimeError("Unable to allocate sufficient memory.").at_statement(
                A.STATEMENT_NAMES.get(type(node), "STATEMENT"), node))
        except KeyboardInterrupt:
            self._restore(snapshot)
            self.call_stack.clear()
            self.note("interrupted; variables are as they were before the statement.")
            raise
        except BrokenPipeError:           # the reader of our output has gone (`imlpy run x | head`)
            self._restore(snapshot)
            raise
        except TimeLimitExceeded as stop:  # --time-limit (limits.py): an error that ends the run
            self._restore(snapshot)
            self.report_error(E.IMLRuntimeError(str(stop)).at_statement(A.STATEMENT_NAMES.get(type(node), "STATEMENT"), node))
            self.ended = True
        except Exception as exc:          # a bug of ours: apologise, never show a raw trace
            self._restore(snapshot)
            if isinstance(exc, SandboxViolation):
                self.report_error(E.IMLRuntimeError(str(exc)).at_statement(A.STATEMENT_NAMES.get(type(node), "STATEMENT"), node))
            else:
                self.report_internal(exc, node)
        finally:
            if self.sandbox is not None:
                sandbox_leave(self.sandbox)
            journal_end(mark, failed)
            self.call_stack.clear()

    def _restore(self, snapshot: dict) -> None:
        self.globals.clear()
        self.globals.update(snapshot)

    # ---------------------------------------------------------------- reporting
    def report_syntax(self, err: E.IMLSyntaxError) -> None:
        self.diagnostics.errors += 1
        self.log(err.render())

    def report_error(self, err: E.IMLRuntimeError) -> None:
        self.diagnostics.errors += 1
        self.log(err.render(describe_operand))

    def report_internal(self, exc: BaseException, node: A.Node) -> None:
        self.diagnostics.errors += 1
        where = f" at line {node.line} column {node.column}" if node is not None else ""
        self.log(f"ERROR: internal error in imlpy ({type(exc).__name__}: {exc}){where}.\n"
                 f"       Sorry - this is a bug in imlpy, not in your program. Please report it at {REPORT_URL}\n"
                 f"       (run with --debug to see the Python traceback).\n")
        if self.debug:
            self.log("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))

    def warn(self, message: str) -> None:
        if message in self._warned:
            return
        self._warned.add(message)
        self.diagnostics.warnings += 1
        self.log(f"WARNING: {message}\n")

    def note(self, message: str) -> None:
        self.log(f"NOTE: {message}\n")

    def check_interrupt(self) -> None:
        if self.interrupt_requested:
            self.interrupt_requested = False
            raise KeyboardInterrupt

    # ---------------------------------------------------------------- modules
    def define_module(self, node: A.ModuleDef) -> None:
        compiler = Compiler(self, node)
        stmts = [compiler.stmts.compile(s) for s in node.body]
        returns_last = None
        body_nodes = node.body
        if body_nodes and isinstance(body_nodes[-1], A.Return) and body_nodes[-1].value is not None:
            # the common `...; return(expr);` ending runs without raising an exception
            returns_last = compiler.expr(body_nodes[-1].value)
            head = stmts[:-1]
            last_node = body_nodes[-1]

            def run_body(env):
                for s in head:
                    s(env)
                try:
                    return returns_last(env)
                except E.IMLRuntimeError as err:
                    err.at_statement("RETURN", last_node)
                    raise
        else:
            seq = run_sequence(stmts)

            def run_body(env):
                seq(env)
                return None
        is_function = _contains_value_return(node.body)
        module = Module(node, run_body, returns_last, is_function)
        module.compiler = compiler
        self.modules[node.name] = module

    def run_nested(self, text: str) -> None:
        """Run statements from inside a running statement (CALL EXECUTE): each nested statement
        is atomic on its own; the outer statement's call stack is kept."""
        saved = list(self.call_stack)
        try:
            for chunk in parse_program(text):
                if isinstance(chunk, E.IMLSyntaxError):
                    self.report_syntax(chunk)
                    continue
                for node in chunk:
                    fn = self.compiler.stmts.compile(node)
                    snapshot = dict(self.globals)
                    try:
                        fn(self.globals)
                    except E.IMLRuntimeError as err:
                        self._restore(snapshot)
                        self.report_error(err)
        finally:
            self.call_stack[:] = saved

    def worker_options(self) -> dict:
        """Keyword arguments for the fresh Session that runs one MAPREDUCE/PARTASKS call."""
        return {}

    def call_module(self, name: str, *args, want_value: bool = True):
        """Call a user module by name from Python (QUAD, FROOT, NLP*, APPLY ... integrands).

        Arguments are IML values; returns the module's RETURN value (or None for a subroutine)."""
        mod = self.modules.get(name.lower())
        if mod is None:
            raise E.IMLRuntimeError(f"Invocation of unresolved module {name.upper()}.")
        return invoke_module(self, mod, list(args), [None] * len(args), [None] * len(args), [],
                             self.globals, want_value, None)

    def default_value(self, mod: Module, param: A.Param, local: dict):
        fn = mod.compiler.expr(param.default)
        return fn(local)

    # ---------------------------------------------------------------- workspace statements
    def show(self, names: list, env: dict) -> None:
        if not names or names == ["names"] or names == ["all"]:
            self.out(show_names(env))
            if names == ["all"]:
                self.out(show_modules(self.modules))
            return
        for name in names:
            if name == "modules":
                self.out(show_modules(self.modules))
            elif name in ("storage", "datasets", "contents") and "show" in self.extensions:
                self.extensions["show"](self, name, env)
            elif name in ("options", "space", "storage", "datasets", "contents", "allnames", "pointer", "files"):
                self.note(f"SHOW {name.upper()}: nothing to show in imlpy yet.")
            elif isinstance(name, str) and name in env:
                self.out(show_names({name: env[name]}))
            else:
                self.note(f"SHOW: {str(name).upper()} has no value.")

    def reset(self, options: list) -> None:
        for name, value in options:
            if name in ("print", "noprint"):
                self.autoprint.on = name == "print"
            elif name in ("autoname", "noautoname"):
                self.options["autoname"] = name == "autoname"
            elif name in ("fuzz", "nofuzz"):
                self.options["fuzz"] = name == "fuzz"
            elif name in ("center", "nocenter"):
                self.options["center"] = name == "center"
            elif name in ("fw", "spaces", "linesize") and value is not None:
                self.options[name] = int(float(value))
            elif name in ("log", "nolog", "wide", "nowide", "name", "noname", "details", "nodetails",
                          "storage", "deflib", "clip", "noclip"):
                self.options[name] = value if value is not None else True
            else:
                self.warn(f"RESET option {name.upper()} is not recognised and was ignored.")

    def storage(self, node: A.Storage, env: dict) -> None:
        handler = self.extensions.get("storage")
        if handler is None:
            raise E.IMLRuntimeError(f"{node.action.upper()}: module and matrix storage is not implemented yet in imlpy.",
                                    hint="define the modules in the same program for now")
        handler(self, node, env)

    def data_statement(self, node: A.DataStmt, env: dict) -> None:
        if self.sandbox is not None and node.action in ("infile", "file", "filename"):
            check(self, f"The {node.action.upper()} statement")
        handler = self.extensions.get("data")
        if handler is None:
            raise E.IMLRuntimeError(f"{node.action.upper()}: data sets are not implemented yet in imlpy.",
                                    hint="build the matrix in the program (e.g. with a {...} literal) for now")
        handler(self, node, env)

    def raw_statement(self, node: A.Raw, env: dict) -> None:
        kw = node.keyword
        if self.sandbox is not None:     # SUBMIT, X, %INCLUDE ... reach outside (sandbox.py)
            if kw in REFUSED_STATEMENTS:
                check(self, f"The {kw.upper()} statement")
        if "raw" in self.extensions and self.extensions["raw"](self, node, env):
            return                       # %put, %let, SUBMIT (sasprogram.py)
        if kw.startswith("title") or kw.startswith("footnote"):
            self._title(node)
        elif kw in ("ods", "options", "goptions"):
            pass    # output-system settings have no meaning here
        elif kw == "proc" or kw == "endsubmit":
            pass
        elif kw == "submit":
            raise E.IMLRuntimeError("SUBMIT blocks need SAS (or R), which imlpy cannot run yet.",
                                    hint="the block was skipped")
        elif kw == "package":
            self.note("PACKAGE statements are ignored by imlpy; package modules are not available.")
        elif kw.startswith("%"):
            self.warn(f"The SAS macro statement {kw.upper()} is not supported yet and was ignored.")
        elif kw in ("pause", "resume"):
            self.note(f"{kw.upper()} has no effect in imlpy.")
        else:
            self.note(f"The {kw.upper()} statement was skipped: imlpy runs IML statements only.")

    def _title(self, node: A.Raw) -> None:
        import re
        m = re.match(r"\s*(title|footnote)(\d*)\s*(.*?);\s*$", node.text, re.S | re.I)
        if not m:
            return
        table = self.titles if m.group(1).lower() == "title" else self.footnotes
        level = int(m.group(2) or 1)
        text = m.group(3).strip()
        if len(text) >= 2 and text[0] in "\"'" and text[-1] == text[0]:
            text = text[1:-1]
        for k in [k for k in table if k >= level]:
            del table[k]
        if text:
            table[level] = text


def _contains_value_return(body: list) -> bool:
    for node in body:
        if isinstance(node, A.Return) and node.value is not None:
            return True
        for child in (getattr(node, "then", None), getattr(node, "orelse", None)):
            if child is not None and _contains_value_return([child]):
                return True
        if isinstance(node, A.Do) and _contains_value_return(node.body):
            return True
    return False
