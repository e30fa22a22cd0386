"""The interactive prompt: `imlpy` (or `imlpy repl`) with no program file.

One Session lives for the whole sitting, so variables and modules persist between inputs, as in
an interactive PROC IML. Enter runs the input only when it is a complete statement or block
(`imlpy.parser.is_complete`): inside `do; ... end;` or `start ... finish;` Enter adds a line
under the `...> ` prompt. A whole block is one history entry. Errors are reported the SAS way
(the statement is abandoned, variables stay as they were) and the prompt comes back.

When standard input is not a terminal (`echo 'print 1;' | imlpy`) there is no prompt at all:
the whole input runs as one program and the exit status is SAS's (0 clean, 1 warnings, 2 errors).
"""
from __future__ import annotations

import os
import re
import signal
import sys
import threading
from typing import Callable, Iterable, Optional

from .. import __version__
from ..language.keywords import CLAUSE_KEYWORDS, STATEMENT_KEYWORDS
from ..builtins import lookup_help, names_for_completion
from ..language.parser import is_complete
from ..runtime.session import Session

PROMPT = "IML> "
CONTINUATION = "...> "

_HELP_COMMAND = re.compile(r"\s*help(?:\s+([A-Za-z_][A-Za-z0-9_]*))?\s*;?\s*\Z", re.I)
_BARE_QUIT = re.compile(r"\s*(quit|exit)\s*\Z", re.I)
_WORD_BEFORE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LOG_COLOURS = (("ERROR", "\x1b[1;31m"), ("WARNING", "\x1b[32m"), ("NOTE", "\x1b[34m"))

BANNER = (f"imlpy {__version__} - the SAS/IML language in Python. Statements end with ';'.\n"
          "Type help NAME for a builtin, help for the list, quit; or Ctrl-D to leave.\n")


# ---------------------------------------------------------------------------- plain mode
def run_plain(text: str, debug: bool = False) -> int:
    """Run piped input as one program (no prompt, no prompt_toolkit); SAS's exit status."""
    session = Session(debug=debug, source_name="<stdin>")
    session.run(text)
    return session.diagnostics.exit_status


# ---------------------------------------------------------------------------- completeness
def _open_comment(text: str) -> bool:
    """Is a `/* ...` comment still open at the end of text (outside strings)?"""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = text.find(c, i + 1)
            if j < 0:
                return False
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return True
            i = j + 2
        else:
            i += 1
    return False


def is_command(text: str) -> bool:
    """REPL commands that are not IML statements: `help`, `help NAME`, a bare `quit`."""
    return bool(_HELP_COMMAND.match(text) or _BARE_QUIT.match(text))


def input_complete(text: str) -> bool:
    """Should Enter run this input? Blank input, REPL commands and complete IML do."""
    if not text.strip() or is_command(text):
        return True
    if _open_comment(text):
        return False
    return is_complete(text)


# ---------------------------------------------------------------------------- completion
def completion_registry(session) -> dict:
    """One table of what Tab offers: name -> kind (variable, module, keyword, builtin).

    Later kinds do not override earlier ones: a user's variable named like a builtin is shown
    as a variable, the thing the user most likely means."""
    table: dict = {}
    for name in sorted(session.globals):
        table.setdefault(name, "variable")
    for name in sorted(session.modules):
        table.setdefault(name, "module")
    for name in sorted(STATEMENT_KEYWORDS + CLAUSE_KEYWORDS):
        table.setdefault(name, "keyword")
    for name in names_for_completion():
        table.setdefault(name, "builtin")
    return table


def _completer_class():
    from prompt_toolkit.completion import Completer, Completion

    class IMLCompleter(Completer):
        """Completes the word before the cursor from `completion_registry(session)`."""

        def __init__(self, session):
            self.session = session

        def get_completions(self, document, complete_event) -> Iterable[Completion]:
            before = document.text_before_cursor
            if _inside_string_or_comment(before):
                return
            m = _WORD_BEFORE.search(before)
            prefix = m.group(0) if m else ""
            if not prefix and not complete_event.completion_requested:
                return
            low = prefix.lower()
            upper = prefix.isupper()
            for name, kind in completion_registry(self.session).items():
                if name.startswith(low) and name != low:
                    text = name.upper() if upper else name
                    yield Completion(text, start_position=-len(prefix), display_meta=kind)

    return IMLCompleter


def make_completer(session):
    """The prompt_toolkit Completer of the REPL (a fresh registry on every Tab)."""
    return _completer_class()(session)


def _inside_string_or_comment(text: str) -> bool:
    quote = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                return True
            i = j + 1
        i += 1
    return quote is not None


# ---------------------------------------------------------------------------- history
def history_path() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "imlpy", "history")


def default_history():
    """FileHistory in the user data dir; in-memory history when that is not writable."""
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    path = history_path()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
        return FileHistory(path)
    except OSError:
        return InMemoryHistory()


# ---------------------------------------------------------------------------- key bindings
def make_key_bindings():
    """Enter runs a complete input (cursor at its end) and otherwise opens a new line."""
    from prompt_toolkit.document import Document
    from prompt_toolkit.enums import DEFAULT_BUFFER
    from prompt_toolkit.filters import has_focus, is_searching
    from prompt_toolkit.search import accept_search
    from prompt_toolkit.key_binding import KeyBindings
    kb = KeyBindings()

    typing = has_focus(DEFAULT_BUFFER)        # not in Ctrl-R search, where Enter ends the search

    @kb.add("enter", filter=typing)
    @kb.add("c-j", filter=typing)
    def _enter(event):
        buf = event.current_buffer
        if buf.complete_state is not None and buf.complete_state.current_completion is not None:
            buf.complete_state = None          # Enter in the Tab menu only takes the choice
            return
        doc = buf.document
        if not doc.text_after_cursor.strip() and input_complete(doc.text):
            text = doc.text.rstrip()
            if text != doc.text:             # a paste's trailing newline is not history
                buf.document = Document(text, len(text))
            buf.validate_and_handle()
            return
        buf.insert_text("\n")               # no auto-indent: a paste must not pile it up

    @kb.add("enter", filter=is_searching)
    def _take_found(event):
        """Ctrl-R then Enter: take the found input with the cursor at its end, ready to run."""
        accept_search()
        buf = event.app.current_buffer
        buf.cursor_position = len(buf.text)

    @kb.add("escape", "enter", filter=typing)
    def _newline(event):
        event.current_buffer.insert_text("\n")

    return kb


# ---------------------------------------------------------------------------- the loop
class Repl:
    """A PromptSession loop over one imlpy Session."""

    def __init__(self, session=None, color: bool = True, debug: bool = False, input=None, output=None,
                 history=None, banner: bool = True):
        self.color = color
        if session is None:
            session = Session(debug=debug, log=_log_writer(color))
        self.session = session
        self.banner = banner
        self.tty = input is None and sys.stdin.isatty()
        self.prompt = self._prompt_session(input, output, history)

    def _prompt_session(self, input, output, history):
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
        return PromptSession(
            message=PROMPT, multiline=True, prompt_continuation=lambda width, line, soft: CONTINUATION,
            key_bindings=make_key_bindings(), completer=make_completer(self.session),
            complete_while_typing=False, lexer=_pygments_lexer() if self.color else None,
            history=history if history is not None else default_history(),
            auto_suggest=AutoSuggestFromHistory(), enable_history_search=False,
            input=input, output=output)

    def run(self) -> int:
        """Read, run, repeat; 0 when the user leaves with `quit;` or Ctrl-D."""
        if self.banner:
            self.session.out(BANNER)
        while not self.session.ended:
            try:
                text = self.prompt.prompt()
            except KeyboardInterrupt:
                continue                 # Ctrl-C at the prompt: drop the line
            except EOFError:
                break
            try:
                self.handle(text)
            except KeyboardInterrupt:    # a Ctrl-C that landed outside the statement run
                self.session.note("interrupted.")
        return 0

    def handle(self, text: str) -> None:
        """Run one accepted input: a REPL command or IML statements."""
        if not text.strip():
            return
        if _BARE_QUIT.match(text):
            self.session.ended = True
            return
        m = _HELP_COMMAND.match(text)
        if m:
            self.session.out(help_text(m.group(1)))
            return
        self.execute(text)

    def execute(self, text: str) -> None:
        """Run IML text; Ctrl-C interrupts it (variables as before the statement) and returns."""
        log = self.session.log
        noted = []

        def watch(message):
            if "interrupted" in message:
                noted.append(message)
                if self.tty:
                    message = "\n" + message     # the terminal echoed ^C without a newline
            log(message)
        self.session.log = watch
        try:
            with _sigint_raises():
                self.session.run(text)
        except KeyboardInterrupt:
            if not noted:
                watch("NOTE: interrupted.\n")
        finally:
            self.session.log = log
            self.session.interrupt_requested = False
            self.session.call_stack.clear()


class _sigint_raises:
    """While a statement runs, SIGINT raises KeyboardInterrupt in the main thread (Python's
    default), whatever handler the host installed; restored afterwards."""

    def __enter__(self):
        self.old = None
        if threading.current_thread() is threading.main_thread():
            try:
                self.old = signal.signal(signal.SIGINT, signal.default_int_handler)
            except (ValueError, OSError):
                self.old = None
        return self

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)
        return False


def help_text(name: Optional[str]) -> str:
    """`help NAME` describes a builtin; `help` alone lists every builtin name."""
    if name:
        text = lookup_help(name)
        if text is None:
            return f"No help for {name.upper()}: it is not a builtin function or subroutine.\n"
        return text if text.endswith("\n") else text + "\n"
    lines, line = ["Builtin functions and subroutines (help NAME for one):"], " "
    for n in names_for_completion():
        if len(line) + len(n) + 1 > 78:
            lines.append(line)
            line = " "
        line += " " + n.upper()
    lines.append(line)
    return "\n".join(lines) + "\n"


def _pygments_lexer():
    """The IML lexer for prompt_toolkit, or None (uncoloured) when Pygments is missing."""
    try:
        from prompt_toolkit.lexers import PygmentsLexer
        from .highlight import IMLLexer   # lazy: Pygments is an optional extra
    except ImportError:
        return None
    return PygmentsLexer(IMLLexer)


def _log_writer(color: bool) -> Callable[[str], None]:
    """The log on stderr, with SAS's log colours (ERROR red, WARNING green, NOTE blue) on a
    terminal unless --no-color or NO_COLOR."""
    stream = sys.stderr
    use_colour = color and not os.environ.get("NO_COLOR") and stream.isatty()

    def write(text: str) -> None:
        if use_colour:
            for word, code in _LOG_COLOURS:
                if text.startswith(word + ":"):
                    first, nl, rest = text.partition("\n")
                    text = code + first + "\x1b[0m" + nl + rest      # colour the headline only
                    break
        stream.write(text)
        stream.flush()
    return write


def run_repl(color: bool = True, debug: bool = False, input=None, output=None) -> int:
    """Start the prompt; with stdin not a terminal (and no input given), run it as a program."""
    if input is None and not sys.stdin.isatty():
        return run_plain(sys.stdin.read(), debug)
    return Repl(color=color, debug=debug, input=input, output=output).run()
