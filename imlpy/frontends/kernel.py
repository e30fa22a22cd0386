"""A Jupyter kernel for SAS/IML: one persistent imlpy Session per kernel, in-process.

Each cell runs through `Session.run`, so a notebook behaves like one long PROC IML: variables and
modules persist from cell to cell, and a run-time error abandons only its statement (SAS's rule).

What the notebook receives:
  * PRINT output as `display_data` with `text/plain` (the listing text, exactly as the terminal
    shows it) and `text/html` (a real <table> per item, from the same Table model);
  * other listing text (SHOW ...) on the stdout stream; NOTE/WARNING lines on the stderr stream;
  * each ERROR as an `error` message; the cell's reply then has status 'error' with
    ename IMLRuntimeError / IMLSyntaxError and evalue the SAS message, and the kernel goes on;
  * plots from CALL SCATTER, HEATMAPCONT ... inline as `image/png`.

Start it with `python -m imlpy.frontends.kernel -f CONNECTION_FILE`; `imlpy kernel install` writes the
kernelspec.
"""
from __future__ import annotations

import base64
import re
import sys

try:
    from ipykernel.kernelbase import Kernel
except ImportError:      # pragma: no cover - checked by main()
    Kernel = object

from .. import __version__
from .. import errors as E
from ..builtins import lookup_help, names_for_completion
from ..language.parser import is_complete
from ..output.html import print_html
from ..output.printing import show_modules, show_names
from ..runtime.session import Session

_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_WORD_AFTER = re.compile(r"^[A-Za-z0-9_]*")
_STATEMENTS = ("abort", "append", "call", "close", "create", "do", "edit", "else", "end", "file",
               "finish", "free", "global", "goto", "if", "link", "load", "mattrib", "print",
               "quit", "read", "remove", "reset", "return", "run", "show", "start", "stop",
               "store", "then", "title", "to", "until", "use", "while")

LANGUAGE_INFO = {
    "name": "iml",
    "version": "15.1",
    "mimetype": "text/x-iml",
    "file_extension": ".iml",
    "pygments_lexer": "iml",
    "codemirror_mode": "sas",
}


class IMLKernel(Kernel):
    implementation = "imlpy"
    implementation_version = __version__
    language = "iml"
    language_version = "15.1"
    language_info = LANGUAGE_INFO
    banner = f"SAS/IML (imlpy {__version__}) - the SAS/IML matrix language, in Python"
    help_links = [{"text": "SAS/IML User's Guide",
                   "url": "https://documentation.sas.com/doc/en/imlug/15.2/titlepage.htm"}]

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.iml = self._new_session()
        self._errors: list = []          # errors reported during the current cell
        self._in_error = False           # the log text being written belongs to an ERROR

    # ---------------------------------------------------------------- the IML session
    def _new_session(self):
        iml = Session(out=self._out, log=self._log, source_name="<cell>")
        iml.print_sink = self._print_tables
        iml.plot_sink = self._show_plot
        report_error, report_syntax = iml.report_error, iml.report_syntax

        def on_error(err):
            self._collect(err, report_error)

        def on_syntax(err):
            self._collect(err, report_syntax)
        iml.report_error = on_error
        iml.report_syntax = on_syntax
        return iml

    def _collect(self, err, report) -> None:
        """Route the SAS-style error text into one Jupyter `error` message."""
        self._in_error = True
        self._error_text = []
        try:
            report(err)
        finally:
            self._in_error = False
        text = "".join(self._error_text)
        self._errors.append((err, text))
        if not self._silent:
            self.send_response(self.iopub_socket, "error", {
                "ename": type(err).__name__, "evalue": _first_message(err),
                "traceback": text.rstrip("\n").split("\n")})

    def _out(self, text: str) -> None:
        if text and not self._silent:
            self.send_response(self.iopub_socket, "stream", {"name": "stdout", "text": text})

    def _log(self, text: str) -> None:
        if self._in_error:
            self._error_text.append(text)
        elif text and not self._silent:
            self.send_response(self.iopub_socket, "stream", {"name": "stderr", "text": text})

    def _print_tables(self, groups: list, text: str) -> None:
        if self._silent:
            return
        titles = [self.iml.titles[k] for k in sorted(self.iml.titles)]
        self.send_response(self.iopub_socket, "display_data", {
            "data": {"text/plain": text.rstrip("\n"), "text/html": print_html(groups, titles)},
            "metadata": {}})

    def _show_plot(self, png: bytes, title: str = "") -> None:
        if self._silent:
            return
        self.send_response(self.iopub_socket, "display_data", {
            "data": {"image/png": base64.b64encode(png).decode("ascii"),
                     "text/plain": f"<plot{': ' + title if title else ''}>"},
            "metadata": {}})

    # ---------------------------------------------------------------- requests
    _silent = False

    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, **kwargs):
        self._silent = bool(silent)
        self._errors = []
        if self.iml.ended:          # QUIT in an earlier cell: a notebook keeps its workspace
            self.iml.ended = False
        try:
            self.iml.run(code)
        except KeyboardInterrupt:
            self._silent = False
            self._log("NOTE: interrupted.\n")
            return {"status": "error", "execution_count": self.execution_count,
                    "ename": "KeyboardInterrupt", "evalue": "interrupted", "traceback": []}
        finally:
            self._silent = False
        if self.iml.ended:
            self._log("NOTE: QUIT/ABORT ends the program; the notebook keeps its variables.\n")
        if self._errors:
            err, text = self._errors[0]
            return {"status": "error", "execution_count": self.execution_count,
                    "ename": type(err).__name__, "evalue": _first_message(err),
                    "traceback": text.rstrip("\n").split("\n")}
        return {"status": "ok", "execution_count": self.execution_count, "payload": [],
                "user_expressions": {}}

    async def do_complete(self, code, cursor_pos):
        cursor_pos = len(code) if cursor_pos is None else cursor_pos
        m = _WORD_BEFORE.search(code[:cursor_pos])
        prefix = m.group(0) if m else ""
        start = cursor_pos - len(prefix)
        matches = complete_names(self.iml, prefix) if prefix else []
        return {"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": cursor_pos,
                "metadata": {}}

    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        cursor_pos = len(code) if cursor_pos is None else cursor_pos
        word = word_at(code, cursor_pos)
        text = describe(self.iml, word) if word else None
        if text is None:
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}

    async def do_is_complete(self, code):
        if not code.strip():
            return {"status": "complete"}
        try:
            done = is_complete(code)
        except Exception:          # never let a parser problem reach the notebook
            return {"status": "unknown"}
        return {"status": "complete"} if done else {"status": "incomplete", "indent": "   "}

    async def do_shutdown(self, restart):
        if restart:
            self.iml = self._new_session()
        return {"status": "ok", "restart": restart}


# ---------------------------------------------------------------- helpers (tested directly too)
def _first_message(err) -> str:
    """The SAS message of an error, e.g. 'Matrices do not conform to the operation.'"""
    if isinstance(err, E.IMLRuntimeError):
        return err.message + (f" ({err.hint})" if err.hint else "")
    if isinstance(err, E.IMLSyntaxError):
        return f"{err.message} (line {err.line}, column {err.column})"
    return str(err)


def complete_names(iml, prefix: str) -> list:
    """Builtins, variables, modules and statement keywords starting with prefix (case kept)."""
    low = prefix.lower()
    pool = set(names_for_completion()) | set(iml.globals) | set(iml.modules) | set(_STATEMENTS)
    found = sorted(n for n in pool if n.startswith(low))
    upper = prefix.isupper()
    return [n.upper() if upper else n for n in found]


def word_at(code: str, cursor_pos: int) -> str:
    before = _WORD_BEFORE.search(code[:cursor_pos])
    after = _WORD_AFTER.match(code[cursor_pos:])
    return (before.group(0) if before else "") + (after.group(0) if after else "")


def describe(iml, word: str):
    """Inspect text: a builtin's help, a module's signature, a variable's shape and type."""
    name = word.lower()
    parts = []
    if name in iml.globals:
        parts.append(show_names({name: iml.globals[name]}).rstrip("\n").replace("  Number of symbols = 1", "").rstrip())
    if name in iml.modules:
        parts.append("module" + show_modules({name: iml.modules[name]}).rstrip("\n"))
    help_text = lookup_help(name)
    if help_text:
        parts.append(help_text.rstrip("\n"))
    return "\n\n".join(parts) + "\n" if parts else None


def kernelspec_json() -> dict:
    return {"argv": [sys.executable, "-m", "imlpy.frontends.kernel", "-f", "{connection_file}"],
            "display_name": "SAS/IML (imlpy)", "language": "iml",
            "metadata": {"debugger": False}}


def install_kernelspec(user: bool = False, prefix=None, sys_prefix: bool = False) -> int:
    """`imlpy kernel install`: write kernel.json and register it with Jupyter."""
    import json
    import os
    import tempfile
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError:
        sys.stderr.write('ERROR: the Jupyter kernel needs jupyter_client: pip install "imlpy[jupyter]"\n')
        return 2
    if sys_prefix:
        prefix = sys.prefix
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "kernel.json"), "w", encoding="utf-8") as fh:
            json.dump(kernelspec_json(), fh, indent=1)
        try:
            path = KernelSpecManager().install_kernel_spec(tmp, "imlpy", user=user, prefix=prefix)
        except OSError as exc:
            sys.stderr.write(f"ERROR: cannot install the kernelspec: {exc.strerror or exc}\n"
                             "       try --user, or --prefix P\n")
            return 2
    sys.stdout.write(f"NOTE: installed the Jupyter kernel 'SAS/IML (imlpy)' in {path}\n")
    return 0


def main(argv=None) -> int:
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:
        sys.stderr.write('ERROR: the Jupyter kernel needs ipykernel: pip install "imlpy[jupyter]"\n')
        return 2
    IPKernelApp.launch_instance(argv=argv, kernel_class=IMLKernel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
