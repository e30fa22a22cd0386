"""The SAS program around IML: macro variables, .sas files with several steps, SUBMIT blocks.

Macro variables (SAS rules, the part imlpy supports):
  * `%let name = value;` defines a macro variable (value trimmed; `&refs` in it resolved first);
  * `&name` and `&name.` (the dot ends the name and is dropped) are replaced by the value in code
    and inside double-quoted strings, never inside single-quoted ones; an unknown reference is
    left as written with SAS's "Apparent symbolic reference ... not resolved" warning;
  * `%put text;` writes the resolved text to the log when it runs; CALL SYMPUT/SYMPUTX and
    SYMGET set and read macro variables while IML runs.
This pass runs over every program text before parsing (.iml files too).

A .sas file runs step by step, like SAS: each PROC IML step (up to QUIT, or the next DATA or PROC
statement) runs in a fresh IML workspace, sharing WORK, the libraries and the storage catalogs;
other steps are skipped with a NOTE naming the step and its line; global statements (%LET,
LIBNAME, TITLE, FOOTNOTE, OPTIONS, ODS ...) between steps are honoured or accepted.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from ..language import ast as A
from .. import errors as E
from ..safety import sandbox
from ..language.preprocess import _skip_string, next_statement_end
from ..matrix.values import float_repr, is_char, shape_of
from ..data.datasets import close_all, Library, state

_LET = re.compile(r"%let\s+([A-Za-z_]\w*)\s*=(.*);\s*$", re.I | re.S)
_REF = re.compile(r"&+([A-Za-z_]\w*)(\.?)")
_WORD = re.compile(r"[A-Za-z_%][A-Za-z0-9_]*")


def install(session) -> None:
    session.extensions["preprocess"] = macro_pass
    session.extensions["raw"] = raw_hook
    session.extensions.setdefault("macro_vars", {"SYSVER": "9.4", "SYSSCP": "imlpy"})


def macro_vars(session) -> dict:
    return session.extensions.setdefault("macro_vars", {})


# ---------------------------------------------------------------- substitution
def resolve(session, text: str, warn: bool = True) -> str:
    """Replace &name / &name. references by their values (all of `text`, quotes or not)."""
    table = macro_vars(session)

    def sub(m):
        value = table.get(m.group(1).upper())
        if value is None:
            before = m.string[m.start() - 1] if m.start() > 0 else " "
            if warn and not (before.isalnum() or before in "_)]}."):
                session.warn(f"Apparent symbolic reference {m.group(1).upper()} not resolved.")
            return m.group(0)
        return value
    return _REF.sub(sub, text) if "&" in text else text


def macro_pass(session, text: str) -> str:
    """Run %LET statements and resolve &references in code and double-quoted strings.

    Newlines are kept, so line numbers in later messages stay those of the file."""
    if "&" not in text and "%" not in text:
        return text
    out, i, n, last = [], 0, len(text), 0
    at_start = True
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c == "'":
            i = _skip_string(text, i)
            at_start = False
            continue
        if c == '"':
            j = _skip_string(text, i)
            out.append(text[last:i])
            out.append(resolve(session, text[i:j]))
            last = i = j
            at_start = False
            continue
        if c == ";":
            at_start = True
            i += 1
            continue
        if c == "%" and at_start and text[i:i + 4].lower() == "%put":
            i = next_statement_end(text, i)      # resolved when it runs
            continue
        if c == "%" and at_start and text[i:i + 4].lower() == "%let":
            j = next_statement_end(text, i)
            out.append(text[last:i])
            define(session, text[i:j])
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            last = i = j
            continue
        if c == "&":
            m = _REF.match(text, i)
            if m:
                out.append(text[last:i])
                out.append(resolve(session, m.group(0)) if i == 0 else resolve(session, text[i - 1:m.end()])[1:])
                last = i = m.end()
                at_start = False
                continue
        if not c.isspace():
            m = _WORD.match(text, i)
            if m:
                at_start = m.group(0).lower() in ("then", "else") or (at_start and c == "%")
                i = m.end()
                continue
            at_start = False
        i += 1
    out.append(text[last:])
    return "".join(out)


def define(session, statement: str) -> None:
    m = _LET.match(statement.strip())
    if not m:
        session.warn(f"The %LET statement is incomplete: {statement.strip()[:60]}")
        return
    value = resolve(session, m.group(2)).strip()
    macro_vars(session)[m.group(1).upper()] = value


# ---------------------------------------------------------------- statements at run time
def raw_hook(session, node: A.Raw, env: dict) -> bool:
    """Session.raw_statement's first look: %PUT, %LET (when not pre-processed) and SUBMIT."""
    kw = node.keyword
    if kw == "%put":
        text = re.sub(r"^\s*%put\s?", "", node.text, flags=re.I).rstrip()
        session.log(resolve(session, text[:-1] if text.endswith(";") else text) + "\n")
        return True
    if kw == "%let":
        define(session, node.text)
        return True
    if kw == "submit":
        submit(session, node, env)
        return True
    return False


_SUBMIT = re.compile(r"^\s*submit\b([^;]*);(.*?)\bendsubmit\b\s*;?\s*$", re.I | re.S)


def submit(session, node: A.Raw, env: dict) -> None:
    m = _SUBMIT.match(node.text)
    if not m:
        raise E.IMLRuntimeError("SUBMIT block without ENDSUBMIT.")
    head, body = m.group(1), m.group(2)
    params, _, opts = head.partition("/")
    names = [p.strip() for p in re.split(r"[\s,]+", params) if p.strip()]
    ok = re.search(r"\bok\s*=\s*([A-Za-z_]\w*)", opts, re.I)
    if re.search(r"(^|\s)r(\s|$)", opts, re.I):
        _submit_r(session, names, body, env, ok)
        return
    message = "SAS is needed for SUBMIT: the SAS statements in the block were not run (imlpy runs IML only)."
    if ok:
        env[ok.group(1).lower()] = 0.0
        session.warn(message + f" {ok.group(1).upper()} is set to 0.")
        return
    raise E.IMLRuntimeError(message, hint="run that part of the program in SAS, or give OK=name to go on quietly")


def _param_text(value) -> str:
    """A matrix as SUBMIT substitutes it: its elements separated by blanks."""
    if is_char(value):
        return " ".join(str(v) for v in value.ravel())
    if type(value) is float:
        value = [[value]]
    import numpy as np
    return " ".join(float_repr(float(v)) if v == v else "NA" for v in np.asarray(value, dtype=float).ravel())


def _submit_r(session, names, body, env, ok) -> None:
    sandbox.check(session, "SUBMIT / R")
    rscript = shutil.which("Rscript")
    if rscript is None:
        if ok:
            env[ok.group(1).lower()] = 0.0
            session.warn(f"SUBMIT / R: Rscript was not found on PATH; {ok.group(1).upper()} is set to 0.")
            return
        raise E.IMLRuntimeError("SUBMIT / R needs R: Rscript was not found on PATH.",
                                hint="install R (https://www.r-project.org) so that Rscript is on PATH")
    for name in names:
        value = env.get(name.lower())
        if value is None or shape_of(value) == (0, 0):
            raise E.not_set(name.upper())
        body = re.sub(rf"&{re.escape(name)}\b\.?", lambda _m: _param_text(value), body, flags=re.I)
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(body)
        script = fh.name
    try:
        proc = subprocess.run([rscript, script], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise E.IMLRuntimeError("SUBMIT / R: running Rscript failed.", hint=str(exc)[:200])
    finally:
        os.unlink(script)
    if proc.stdout:
        session.out(proc.stdout)
    if proc.returncode != 0:
        if ok:
            env[ok.group(1).lower()] = 0.0
            session.warn("SUBMIT / R: the R code failed: " + proc.stderr.strip()[-300:])
            return
        raise E.IMLRuntimeError("SUBMIT / R: the R code failed.", hint=proc.stderr.strip()[-300:])
    if ok:
        env[ok.group(1).lower()] = 1.0


# ---------------------------------------------------------------- .sas files
class Statement:
    __slots__ = ("start", "end", "line", "word", "text")

    def __init__(self, text, start, end, line):
        self.start, self.end, self.line = start, end, line
        self.text = text[start:end]
        m = re.match(r"\s*(%?[A-Za-z_]\w*)(\s*[=\[$])?", self.text)
        self.word = m.group(1).lower() if m and not m.group(2) else ""   # `data = 1;` is IML


_SOURCE = re.compile(r"source\s+\w+\s*;", re.I)      # PROC CAS: source NAME; ... endsource;


def statements(text: str):
    """Split SAS source into statements (start, end, line), skipping comments; SUBMIT blocks whole."""
    i, n = 0, len(text)
    while i < n:
        while i < n:
            if text[i].isspace():
                i += 1
            elif text.startswith("/*", i):
                j = text.find("*/", i + 2)
                i = n if j < 0 else j + 2
            elif text[i] == "*" or text.startswith("%*", i):
                i = next_statement_end(text, i)
            else:
                break
        if i >= n:
            return
        end = next_statement_end(text, i)
        if re.match(r"submit\b", text[i:i + 7], re.I):
            m = re.compile(r"\bendsubmit\s*;", re.I).search(text, end)
            end = m.end() if m else n
        elif _SOURCE.match(text, i):
            m = re.compile(r"\bendsource\s*;", re.I).search(text, end)
            end = m.end() if m else n
        elif re.match(r"%macro\b", text[i:i + 6], re.I):
            m = re.compile(r"%mend\b[^;]*;", re.I).search(text, end)
            end = m.end() if m else n
        yield Statement(text, i, end, text.count("\n", 0, i) + 1)
        i = end


_GLOBAL = ("title", "footnote", "options", "ods", "goptions", "filename", "libname", "%let", "%put",
           "%include", "run", "quit", "endsas", "dm", "%macro", "x")


_STEP_END = ("quit", "proc", "data", "endsas")


def _step_end(stmts: list, k: int, enders: tuple = _STEP_END) -> int:
    """Index of the first statement after stmts[k] that ends the step (len(stmts) if none)."""
    j = k + 1
    while j < len(stmts) and stmts[j].word not in enders:
        j += 1
    return j


def _is_proc(s: Statement, name: str) -> bool:
    return s.word == "proc" and re.match(rf"\s*proc\s+{name}\b", s.text, re.I) is not None


def run_sas_program(session, text: str, stop_on_error: bool = False) -> None:
    """Run the PROC IML steps of a SAS program in order; skip (with a NOTE) every other step."""
    stmts = list(statements(text))
    k = 0
    while k < len(stmts):
        s = stmts[k]
        if _is_proc(s, "iml"):
            j = _step_end(stmts, k)
            body = _padded(text, s.end, stmts[j - 1].end if j > k + 1 else s.end)
            _run_iml_step(session, body, s.line, close_all)
            k = j + 1 if j < len(stmts) and stmts[j].word == "quit" else j
        elif _is_proc(s, "cas"):
            k = _run_cas_step(session, text, stmts, k, close_all)
        elif s.word in ("proc", "data"):
            name = "DATA" if s.word == "data" else re.match(r"\s*proc\s+(\w+)", s.text + " x", re.I).group(1).upper()
            session.note(f"{'DATA' if name == 'DATA' else 'PROC ' + name} step at line {s.line} was skipped: "
                         f"imlpy runs PROC IML steps only.")
            j = _step_end(stmts, k, ("run", "quit", "proc", "data"))
            k = j + 1 if j < len(stmts) and stmts[j].word in ("run", "quit") else j
        else:
            _global_statement(session, s)
            k += 1
        if session.ended and (stop_on_error or s.word == "endsas"):
            break
        session.ended = False


def iml_texts(text: str) -> list:
    """The IML code of a SAS program, each piece at its own lines and columns: the body of every
    PROC IML step and every SOURCE block of a PROC CAS step (what `imlpy check` parses)."""
    stmts = list(statements(text))
    pieces, k = [], 0
    while k < len(stmts):
        s = stmts[k]
        if _is_proc(s, "iml") or _is_proc(s, "cas"):
            j = _step_end(stmts, k)
            if _is_proc(s, "iml"):
                pieces.append(_padded(text, s.end, stmts[j - 1].end if j > k + 1 else s.end))
            else:
                pieces.extend(_source_block(text, st)[1] for st in stmts[k + 1:j] if _is_source(st))
            k = j
        else:
            k += 1
    return pieces


def _padded(text: str, start: int, end: int) -> str:
    """text[start:end] placed at its own line and column (so messages give the file's positions)."""
    before = text[:start]
    line_start = before.rfind("\n") + 1
    return "\n" * before.count("\n") + " " * (start - line_start) + text[start:end]


def _run_iml_step(session, body: str, line: int, close_all, what: str = "PROC IML step") -> None:
    """One PROC IML step (or iml action call): a fresh workspace, the statements, then every data
    set closed."""
    session.globals.clear()
    session.modules.clear()
    session.attributes.clear()
    session.options.pop("storage", None)
    session.ended = False
    before = session.diagnostics.errors
    session.note(f"{what} at line {line}.")
    session.run(body)
    close_all(session)
    errors = session.diagnostics.errors - before
    session.note(f"Exiting IML (the {what} at line {line} ended with "
                 f"{errors if errors else 'no'} error{'' if errors == 1 else 's'}).")


# ---------------------------------------------------------------- PROC CAS: the iml action
_IML_ACTION = re.compile(r"\s*(?:action\s+)?(?:iml\.)?iml\s*/(.*?);?\s*$", re.I | re.S)
_PARAM = re.compile(r"(\w+)\s*=\s*('[^']*'|\"[^\"]*\"|[^\s;,]+)")
_CAS_QUIET = ("run", "session", "loadactionset")


def _run_cas_step(session, text: str, stmts: list, k: int, close_all) -> int:
    """A PROC CAS step: `source NAME; ... endsource;` blocks hold IML programs and
    `iml / code=NAME nthreads=K;` runs one, as a PROC IML step whose MAPREDUCE uses K threads per
    node. Other CAS actions are skipped with a NOTE. Returns the index after the step."""
    sources: dict = {}
    j = _step_end(stmts, k)
    for st in stmts[k + 1:j]:
        action = _IML_ACTION.match(st.text)
        if _is_source(st):
            name, body = _source_block(text, st)
            sources[name] = (body, st.line)
        elif action and st.word in ("iml", "action"):
            _iml_action(session, action.group(1), sources, st.line, close_all)
        elif st.word == "loadactionset" and not re.search(r"['\"]iml['\"]", st.text, re.I):
            session.note(f"The action set at line {st.line} was not loaded: imlpy provides the iml action only.")
        elif st.word not in _CAS_QUIET:
            session.note(f"The CAS statement {st.word.upper() or '?'} at line {st.line} was skipped: imlpy runs "
                         "the iml action only.")
    return j + 1 if j < len(stmts) and stmts[j].word == "quit" else j


def _is_source(st: Statement) -> bool:
    return st.word == "source" and _SOURCE.match(st.text.lstrip()) is not None


def _source_block(text: str, st: Statement) -> tuple:
    """(lower-case name, program text in place) of a `source NAME; ... endsource;` statement."""
    name = st.text.split()[1].rstrip(";").lower()
    header_end = text.index(";", st.start) + 1
    close = re.compile(r"\bendsource\s*;", re.I).search(text, header_end, st.end)
    return name, _padded(text, header_end, close.start() if close else st.end)


def _iml_action(session, params_text: str, sources: dict, line: int, close_all) -> None:
    params = {m.group(1).lower(): m.group(2) for m in _PARAM.finditer(params_text)}
    code = params.pop("code", None)
    if code is None:
        _cas_error(session, f"The iml action at line {line} has no CODE= parameter.",
                   "iml / code=NAME; runs the program of a `source NAME; ... endsource;` block")
        return
    if code[0] in "'\"":
        body = "\n" * (line - 1) + code[1:-1]
    elif code.lower() in sources:
        body = sources[code.lower()][0]
    else:
        _cas_error(session, f"The iml action at line {line} names CODE={code}, but no SOURCE block of that "
                   "name precedes it in this PROC CAS step.", f"define it first: source {code}; ... endsource;")
        return
    threads = params.pop("nthreads", None)
    for other in params:
        session.note(f"The iml action parameter {other.upper()}= at line {line} is not used by imlpy.")
    saved = session.options.get("nthreads")
    try:
        if threads is not None:
            if not threads.isdigit() or int(threads) < 1:
                _cas_error(session, f"NTHREADS={threads} at line {line} is not a positive whole number.", "")
                return
            session.options["nthreads"] = int(threads)
        _run_iml_step(session, body, line, close_all, what="iml action")
    finally:
        if saved is None:
            session.options.pop("nthreads", None)
        else:
            session.options["nthreads"] = saved


def _cas_error(session, message: str, hint: str) -> None:
    session.report_error(E.IMLRuntimeError(message, hint=hint))


def _cas_libname(session, s: Statement) -> bool:
    """`libname ref cas ...;` (a CAS engine libref): ref becomes another name for WORK."""
    m = re.match(r"\s*libname\s+(\w+)\s+cas\b", s.text, re.I)
    if not m:
        return False
    st = state(session)
    ref = m.group(1).upper()
    if ref not in ("WORK", "SASHELP"):
        st.libs[ref] = Library(ref, st.work().path)
    session.note(f"Libref {ref} uses the CAS engine; imlpy has no CAS server, so {ref} refers to the WORK "
                 "library (where MatrixWriteToCas writes).")
    return True


def _global_statement(session, s: Statement) -> None:
    word = s.word
    if word == "libname" and _cas_libname(session, s):
        return
    if word in ("cas", "caslib"):
        session.note(f"The {word.upper()} statement at line {s.line} was skipped: imlpy has no CAS server; "
                     "the iml action runs here (MAPREDUCE/PARTASKS on Dask: imlpy run --scheduler).")
        return
    if word == "%let":
        define(session, s.text)
    elif word in ("%put", "libname", "title", "footnote") or word.startswith(("title", "footnote")):
        session.run(_padded_statement(s))
    elif word == "%macro":
        session.note(f"The macro definition at line {s.line} was skipped: imlpy does not run SAS macros.")
    elif word.startswith("%") and word not in ("%include",):
        if not re.match(r"%\w+\s*(\(.*\))?\s*;?\s*$", s.text.strip(), re.S):
            return
        session.note(f"The macro call {word.upper()} at line {s.line} was skipped: imlpy does not run SAS macros.")
    elif word not in _GLOBAL:
        session.note(f"The {word.upper() or 'unknown'} statement at line {s.line} was skipped "
                     f"(outside PROC IML).")


def _padded_statement(s: Statement) -> str:
    return "\n" * (s.line - 1) + s.text.lstrip()
