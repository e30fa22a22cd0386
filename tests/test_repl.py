"""The interactive prompt (imlpy/repl.py), driven through prompt_toolkit's pipe input.

Keys are typed as a terminal sends them: "\r" is Enter, "\x04" Ctrl-D, "\x03" Ctrl-C,
"\x1b[200~ ... \x1b[201~" a bracketed paste.
"""
from __future__ import annotations

import os
import re
import io
import signal
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("prompt_toolkit")

from prompt_toolkit.input import create_pipe_input          # noqa: E402
from prompt_toolkit.history import InMemoryHistory          # noqa: E402
from prompt_toolkit.output import DummyOutput               # noqa: E402
from prompt_toolkit.document import Document                # noqa: E402
from prompt_toolkit.completion import CompleteEvent         # noqa: E402

from imlpy.frontends.repl import Repl, input_complete, make_completer  # noqa: E402
from imlpy.runtime.session import Session                           # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Sitting:
    """One REPL sitting: the keys typed, then what the user saw and the history kept."""

    def __init__(self, keys: str, during=None):
        self.text_parts = []
        self.session = Session(out=self.text_parts.append, log=self.text_parts.append)
        self.history = InMemoryHistory()
        with create_pipe_input() as inp:
            repl = Repl(session=self.session, input=inp, output=DummyOutput(), history=self.history,
                        banner=False)
            if during is None:
                inp.send_text(keys)
            else:
                threading.Thread(target=during, args=(inp, self.session), daemon=True).start()
            self.status = repl.run()
        self.text = "".join(self.text_parts)
        self.entries = list(self.history.load_history_strings())[::-1]   # oldest first

    def __getitem__(self, name):
        return self.session.globals[name]


def test_block_typed_line_by_line_runs_once_complete():
    s = Sitting("x = 0;\rdo i = 1 to 4;\rx = x + i;\rend;\rprint x;\r\x04")
    assert s.status == 0
    assert s["x"] == 10.0                       # 1+2+3+4, the loop ran exactly once as a block
    assert re.search(r"x\s*\n\s*10\b", s.text)
    assert "do i = 1 to 4;\nx = x + i;\nend;" in s.entries   # the block is one history entry
    assert s.entries.count("print x;") == 1 and len(s.entries) == 3


def test_open_blocks_are_not_complete():
    assert not input_complete("do i = 1 to 3;")
    assert not input_complete("start f(x);\n  return(x);")
    assert not input_complete("x = 1")                 # no semicolon yet
    assert not input_complete("x = 1; /* still typing")
    assert input_complete("start f(x);\n  return(x);\nfinish;")
    assert input_complete("help sqrt") and input_complete("help") and input_complete("")


def test_error_then_recovery_keeps_variables():
    s = Sitting("a = {1 2 3};\rb = a * {1 2};\rc = a + 1;\rprint c;\r\x04")
    assert "ERROR" in s.text                           # 1x3 * 1x2 do not conform
    assert "b" not in s.session.globals
    assert s["a"].tolist() == [[1.0, 2.0, 3.0]]
    assert s["c"].tolist() == [[2.0, 3.0, 4.0]]
    assert s.text.index("ERROR") < s.text.rindex("c")


def test_quit_leaves_with_status_zero_even_after_errors():
    s = Sitting("y = nosuch(1);\rquit;\rprint 99;\r")
    assert s.status == 0 and s.session.ended
    assert "99" not in s.text


def test_ctrl_c_at_prompt_clears_the_line():
    s = Sitting("x = 12345\x03x = 2;\rprint x;\r\x04")
    assert s["x"] == 2.0
    assert "12345" not in "".join(s.entries)


def test_pasted_program_runs_whole():
    paste = "start twice(q);\n   return(2*q);\nfinish;\nz = twice(21);\nprint z;\n"
    s = Sitting("\x1b[200~" + paste + "\x1b[201~\r\x04")
    assert s["z"] == 42.0
    assert paste.rstrip() in s.entries


def test_pasted_program_without_bracketed_paste_runs_whole():
    s = Sitting("start twice(q);\n   return(2*q);\nfinish;\nz = twice(5);\nprint z;\n\x04")
    assert s["z"] == 10.0
    assert "start twice(q);\n   return(2*q);\nfinish;" in s.entries


def test_ctrl_r_finds_an_earlier_input_and_enter_runs_it():
    def during(inp, session):                    # typed at a human pace: search is incremental
        for keys in ("n = 0;\rn = n + 1;\rprint n;\r", "\x12n + 1", "\r", "\r\x04"):
            inp.send_text(keys)
            time.sleep(0.3)

    s = Sitting("", during=during)
    assert s["n"] == 2.0                         # the found `n = n + 1;` ran a second time
    assert s.entries[-1] == "n = n + 1;"


def test_runs_uncoloured_without_pygments(monkeypatch):
    from imlpy.frontends import repl
    for name in ("pygments", "pygments.lexer", "pygments.token", "imlpy.frontends.highlight"):
        monkeypatch.setitem(sys.modules, name, None)
    assert repl._pygments_lexer() is None
    s = Sitting("v = {1 2} || {3};\rprint v;\r\x04")
    assert s["v"].tolist() == [[1.0, 2.0, 3.0]]


def test_help_command():
    s = Sitting("help sqrt\rhelp\rhelp nosuchthing;\r\x04")
    assert "SQRT(" in s.text and "Square root" in s.text
    assert re.search(r"\bABS\b.*\bSQRT\b", s.text, re.S)        # the list of names
    assert "No help for NOSUCHTHING" in s.text


def test_ctrl_c_interrupts_an_endless_loop_and_keeps_variables():
    def during(inp, session):
        inp.send_text("keep = 7;\rstarted = 1; n = 0;\rdo while(1); n = n + 1; end;\r")
        deadline = time.time() + 10
        while "n" not in session.globals and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)                          # well inside the loop now
        signal.raise_signal(signal.SIGINT)       # what Ctrl-C sends to the process
        inp.send_text("print keep;\rafter = keep + 1;\r\x04")

    s = Sitting("", during=during)
    assert "interrupted" in s.text
    assert s["keep"] == 7.0 and s["after"] == 8.0
    assert s["n"] == 0.0                         # the interrupted statement is undone, as in SAS


def _complete(session, text):
    event = CompleteEvent(completion_requested=True)
    return {c.text: c.display_meta_text for c in make_completer(session).get_completions(Document(text), event)}


def test_completion_offers_builtins_keywords_variables_and_modules():
    session = Session(out=lambda t: None, log=lambda t: None)
    session.run("myvalue = 3; mymatrix = {1 2}; start mymodule(x); return(x); finish;")
    got = _complete(session, "y = my")
    assert got == {"myvalue": "variable", "mymatrix": "variable", "mymodule": "module"}
    got = _complete(session, "y = sq")
    assert got.get("sqrt") == "builtin"
    assert _complete(session, "fin").get("finish") == "keyword"
    assert "SQRT" in _complete(session, "y = SQ")               # the user's case is kept
    assert _complete(session, 'print "sq') == {}                # not inside a string


def _env(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path), PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color")
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_COLOR", None)
    return env


@pytest.mark.parametrize("program, status", [("x = {1 2} + {3 4};\nprint x;\n", 0),
                                             ("x = {1 2} + {3 4 5};\ny = 1;\nprint y;\n", 2)])
def test_plain_mode_runs_piped_input(tmp_path, program, status):
    proc = subprocess.run([sys.executable, "-m", "imlpy"], input=program, capture_output=True, text=True,
                          env=_env(tmp_path), timeout=30)
    assert proc.returncode == status
    assert "IML>" not in proc.stdout + proc.stderr
    if status == 0:
        assert re.search(r"4\s+6", proc.stdout)
    else:
        assert "ERROR" in proc.stderr and re.search(r"\b1\b", proc.stdout)


def test_real_terminal_continuation_prompt_colour_and_ctrl_c(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "imlpy"], env=_env(tmp_path), encoding="utf-8",
                          timeout=15, dimensions=(40, 120))
    transcript = io.StringIO()
    child.logfile_read = transcript
    try:
        child.expect_exact("IML>")
        child.send("do i = 1 to 2;\r")
        child.expect_exact("...>")
        child.send("print (i*100);\r")
        child.expect_exact("...>")
        child.send("end;\r")
        child.expect(r"200")
        child.expect_exact("IML>")
        child.send("k = 5; do while(1); end;\r")
        time.sleep(0.5)
        child.sendintr()
        child.expect("interrupted")
        child.expect_exact("IML>")
        child.send("print (k+1);\r")
        child.expect(r"\b6\b")
        child.send("quit;\r")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    # the typed program was echoed in colour: SGR foreground colour escapes around `do`, `print`
    log = transcript.getvalue()
    assert re.search(r"\x1b\[[0-9;]*(3[0-7]|38;5;\d+|38;2;[0-9;]+)[0-9;]*m(do|print)\b", log)
    history = open(os.path.join(str(tmp_path), "imlpy", "history"), encoding="utf-8").read()
    assert "+do i = 1 to 2;\n+print (i*100);\n+end;\n" in history   # FileHistory: one 3-line entry
