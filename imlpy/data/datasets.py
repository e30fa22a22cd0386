"""SAS libraries and data sets, and the IML statements that use them.

SAS rules followed here:
  * a data set is named `libref.member` or just `member`, which means `WORK.member`; names are
    case-insensitive. `LIBNAME ref 'folder';` maps a libref to a folder. WORK is a temporary
    folder for the session (or `imlpy run --work DIR`); SASHELP is built in and read-only;
  * USE opens a data set for reading, EDIT for reading and changing, CREATE makes a new one for
    writing; each open data set stays open until CLOSE (or the end of the PROC IML step). The most
    recently opened is the *current* input / output data set (SETIN and SETOUT change that);
  * READ, APPEND, REPLACE, DELETE, FIND, LIST work on the current data set; a range (ALL, NEXT n,
    CURRENT, AFTER, POINT p), a VAR list (names, `_NUM_`, `_CHAR_`, `_ALL_`) and a WHERE clause
    choose observations and variables;
  * character missing is the blank value, numeric missing is `.`.
Files: see dsio.py (csv, xpt, sas7bdat; atomic writes).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import weakref
from typing import Optional

import numpy as np

from ..language import ast as A
from .. import errors as E
from ..safety import sandbox
from .where import where_mask
from .tablefiles import as_values, FORMATS, WRITABLE, Table, format_of, read_table, write_table
from ..matrix.values import EMPTY, IMLList, char_matrix, is_char, to_str, wrap

SASHELP_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sashelp")
sandbox.READ_ONLY_FOLDERS.append(SASHELP_DIR)      # every sandbox may read SASHELP, never write it


class Library:
    def __init__(self, name: str, path: str, readonly: bool = False):
        self.name, self.path, self.readonly = name.upper(), path, readonly

    def members(self) -> dict:
        """member name (upper case) -> file path; the newest file wins when formats clash."""
        found: dict = {}
        try:
            entries = os.listdir(self.path)
        except OSError:
            return found
        for f in entries:
            if f.startswith(".") or "." not in f or format_of(f) not in FORMATS:
                continue
            member = f.rsplit(".", 1)[0].upper()
            path = os.path.join(self.path, f)
            if member not in found or os.path.getmtime(path) > os.path.getmtime(found[member]):
                found[member] = path
        return found

    def native_format(self) -> str:
        """What new data sets are written as: .xpt if the folder holds mostly .xpt, else .csv."""
        kinds = [format_of(p) for p in self.members().values()]
        return "xpt" if kinds and kinds.count("xpt") > kinds.count("csv") else "csv"


class OpenDataSet:
    def __init__(self, lib: Library, member: str, table: Table, mode: str, path: Optional[str]):
        self.lib, self.member, self.table, self.mode, self.path = lib, member.upper(), table, mode, path
        self.pointer = 0                     # 1-based current observation; 0 = before the first
        self.deleted = np.zeros(table.nobs, dtype=bool)
        self.vars = None                     # USE/EDIT ... VAR default
        self.where = None                    # USE/EDIT ... WHERE default (an expression node)
        self.from_name = None                # CREATE ... FROM matrix: APPEND's default source
        self.rowname_col = False
        self.untyped: set = set()            # CREATE VAR columns whose matrix had no value yet
        self.dirty = mode == "output"

    @property
    def key(self) -> str:
        return f"{self.lib.name}.{self.member}"


class DataState:
    """One session's libraries and open data sets."""

    def __init__(self, session):
        self.session = session
        self.libs: dict = {"SASHELP": Library("SASHELP", SASHELP_DIR, readonly=True)}
        self.open: dict = {}
        self.cur_in: Optional[str] = None
        self.cur_out: Optional[str] = None
        self._work: Optional[str] = None

    def work(self) -> Library:
        lib = self.libs.get("WORK")
        if lib is None:
            folder = self.session.extensions.get("work_dir") or os.environ.get("IMLPY_WORK")
            if folder:
                os.makedirs(folder, exist_ok=True)
            else:
                folder = tempfile.mkdtemp(prefix="imlpy-work-")
                atexit.register(shutil.rmtree, folder, True)
            lib = self.libs["WORK"] = Library("WORK", folder)
        return lib

    def library(self, ref: Optional[str]) -> Library:
        if ref is None or ref.upper() == "WORK":
            return self.work()
        lib = self.libs.get(ref.upper())
        if lib is None:
            raise E.IMLRuntimeError(f"Libref {ref.upper()} is not assigned.",
                                    hint=f"assign it first: libname {ref.lower()} 'folder';")
        return lib


def state(session) -> DataState:
    st = session.extensions.get("data_state")
    if st is None:
        st = session.extensions["data_state"] = DataState(session)
        ref = weakref.ref(session)
        atexit.register(lambda: ref() is not None and close_all(ref(), quiet=True))
    return st


# ---------------------------------------------------------------- names and values
def split_name(text: str) -> tuple:
    text = text.strip()
    if "." in text:
        lib, member = text.split(".", 1)
        return lib.strip() or None, member.strip()
    return None, text


def _evaluate(session, node, env):
    return session.compiler.expr(node)(env)


def dataset_name(session, spec, env) -> tuple:
    """(libref or None, member) from the parser's ('name', lib, member) / ('expr', node) / ('string', s)."""
    if spec is None:
        raise E.IMLRuntimeError("A data set name is required.")
    if spec[0] == "name":
        return spec[1], spec[2]
    if spec[0] == "string":
        return split_name(spec[1])
    value = _evaluate(session, spec[1], env)
    if not is_char(value):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="a data set name in parentheses must be a character value")
    return split_name(to_str(value))


def locate(st: DataState, lib_ref, member) -> tuple:
    lib = st.library(lib_ref)
    return lib, lib.members().get(member.upper())


def names_of(value) -> list:
    if not is_char(value):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="variable names must be given as character values")
    return [str(v).strip() for v in value.ravel() if str(v).strip()]


def var_list(session, spec, env, table: Optional[Table]) -> list:
    """Variable names from a VAR clause: names, a character matrix, _NUM_, _CHAR_ or _ALL_."""
    if isinstance(spec, A.Var):
        key = spec.name
        if key in ("_num_", "_char_", "_all_") and table is not None:
            kinds = {"_num_": "N", "_char_": "C", "_all_": "NC"}[key]
            return [n for n, k in zip(table.names, table.kinds) if k in kinds]
        value = env.get(key)
        if value is None and key in session.globals:
            value = session.globals[key]
        if value is None or (isinstance(value, np.ndarray) and value.size == 0):
            return [spec.spelling or spec.name]
        return names_of(value)
    return names_of(_evaluate(session, spec, env))


def column_value(table: Table, j: int, rows) -> object:
    """The column vector (n x 1) of variable j over the given rows, as an IML value."""
    col = table.cols[j][rows]
    if table.kinds[j] == "N":
        return wrap(col.reshape(-1, 1)) if col.size else EMPTY
    if col.size == 0:
        return EMPTY
    return char_matrix(col.reshape(-1, 1), max(table.widths[j], 1))


# ---------------------------------------------------------------- opening and closing
def open_dataset(session, spec, env, mode: str) -> OpenDataSet:
    st = state(session)
    lib_ref, member = dataset_name(session, spec, env)
    lib = st.library(lib_ref)
    key = f"{lib.name}.{member.upper()}"
    ods = st.open.get(key)
    if ods is not None:
        if mode == "update" and ods.mode == "input":
            _check_writable(lib)
            ods.mode = "update"
        return ods
    if mode == "update":
        _check_writable(lib)
    path = member_path(lib, key, member)
    sandbox.check(session, f"Reading the data set {key} from", path)
    ods = OpenDataSet(lib, member, read_table(path), mode, path)
    st.open[key] = ods
    return ods


def _check_writable(lib: Library) -> None:
    if lib.readonly:
        raise E.IMLRuntimeError(f"Write access to member {lib.name} is denied: the library is read-only.",
                                hint="write the data set to WORK or to a LIBNAME library")


def write_dataset(session, ods: OpenDataSet) -> None:
    """Write an open data set to its file (atomically), dropping observations marked deleted."""
    table = ods.table.take(~ods.deleted) if ods.deleted.any() else ods.table
    path = ods.path
    if path is None or format_of(path) not in WRITABLE:
        if path is not None:
            session.note(f"{ods.key} was read from .{format_of(path)}, which imlpy cannot write; "
                         f"it is written as .{ods.lib.native_format()}.")
        path = os.path.join(ods.lib.path, f"{ods.member.lower()}.{ods.lib.native_format()}")
    sandbox.check(session, f"Writing the data set {ods.key} to", path, write=True)
    write_table(table, path, ods.member)
    ods.path = path
    ods.dirty = False


def close_one(session, key: str, quiet: bool = False) -> None:
    st = state(session)
    ods = st.open.pop(key, None)
    if ods is None:
        return
    if st.cur_in == key:
        st.cur_in = None
    if st.cur_out == key:
        st.cur_out = None
    if ods.mode in ("output", "update") and (ods.dirty or ods.deleted.any()):
        write_dataset(session, ods)
        if not quiet:
            n = ods.table.nobs - int(ods.deleted.sum())
            session.note(f"The data set {ods.key} has {n} observations and {len(ods.table.names)} variables.")


def close_all(session, quiet: bool = False) -> None:
    """Close every open data set (end of a PROC IML step, end of the program)."""
    st = session.extensions.get("data_state")
    if st is None:
        return
    for key in list(st.open):
        try:
            close_one(session, key, quiet)
        except E.IMLError as err:
            if not quiet:
                session.report_error(err)


def current(session, which: str) -> OpenDataSet:
    st = state(session)
    key = st.cur_in if which == "in" else st.cur_out
    if key is None or key not in st.open:
        raise E.IMLRuntimeError(f"No data set is currently open for {'input' if which == 'in' else 'output'}.",
                                hint="open one with USE or EDIT" if which == "in" else "open one with CREATE or EDIT")
    return st.open[key]


# ---------------------------------------------------------------- the statements
def do_libname(session, node, env) -> None:
    st = state(session)
    ref = node.dataset[2].upper()
    path = node.clauses.get("path")
    if ref in ("SASHELP", "WORK"):
        raise E.IMLRuntimeError(f"The libref {ref} is reserved and cannot be reassigned.")
    if path is None or path.strip().lower() == "clear":
        st.libs.pop(ref, None)
        session.note(f"Libref {ref} has been deassigned.")
        return
    folder = os.path.expanduser(path)
    sandbox.check(session, f"LIBNAME {ref} for the folder", folder)
    if not os.path.isdir(folder):
        raise E.IMLRuntimeError(f"Library {ref} does not exist.", hint=f"the folder {path} was not found")
    st.libs[ref] = Library(ref, folder)
    session.note(f"Libref {ref} was successfully assigned as follows: Physical Name: {os.path.abspath(folder)}")


def do_use(session, node, env, mode: str = "input") -> None:
    st = state(session)
    ods = open_dataset(session, node.dataset, env, mode)
    if "var" in node.clauses:
        ods.vars = var_list(session, node.clauses["var"], env, ods.table)
    if "where" in node.clauses:
        ods.where = node.clauses["where"]
    if "nobs" in node.clauses:                 # USE ds NOBS n: the number of observations
        env[node.clauses["nobs"]] = float(ods.table.nobs - int(ods.deleted.sum()))
    st.cur_in = ods.key
    if mode == "update":
        st.cur_out = ods.key


def do_edit(session, node, env) -> None:
    do_use(session, node, env, "update")


def select_rows(session, ods: OpenDataSet, clauses: dict, env, default: str = "current") -> np.ndarray:
    """Observation indices (0-based) chosen by a range and the WHERE clauses."""
    n = ods.table.nobs
    alive = ~ods.deleted
    kind, arg = clauses.get("range") or (default, None)
    mask = alive.copy()
    for cond in (ods.where, clauses.get("where")):
        if cond is not None:
            mask &= where_mask(session, cond, env, ods.table)
    if kind == "all":
        return np.flatnonzero(mask)
    if kind == "point":
        pts = np.asarray(_evaluate(session, arg, env) if isinstance(arg, A.Node) else arg, dtype=float).ravel()
        if pts.size and (np.isnan(pts).any() or pts.min() < 1 or pts.max() > n):
            raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"POINT values must be observation numbers 1..{n}")
        idx = pts.astype(int) - 1
        return idx[mask[idx]] if idx.size else idx
    if kind in ("next", "after"):
        count = 1 if arg is None else int(float(np.asarray(_evaluate(session, arg, env)).ravel()[0]))
        after = np.flatnonzero(mask[ods.pointer:]) + ods.pointer
        if kind == "after":
            return after
        if after.size == 0:
            raise E.IMLRuntimeError("End of file reached.", hint=f"{ods.key} has no more observations to read")
        return after[:max(count, 0)]
    # CURRENT: the current observation (the first one before any read)
    here = max(ods.pointer, 1) - 1
    if ods.pointer == 0:
        first = np.flatnonzero(mask)
        return first[:1]
    return np.array([here]) if here < n and mask[here] else np.array([], dtype=int)


def do_read(session, node, env) -> None:
    ods = current(session, "in")
    table = ods.table
    clauses = node.clauses
    into = clauses.get("into")
    if "var" in clauses:
        names = var_list(session, clauses["var"], env, table)
    elif ods.vars is not None:
        names = ods.vars
    else:
        names = [n for n, k in zip(table.names, table.kinds) if into is None or k == "N"]
    if "except" in clauses:
        drop = {n.lower() for n in var_list(session, clauses["except"], env, table)}
        names = [n for n in names if n.lower() not in drop]
    cols = []
    for name in names:
        j = table.index(name)
        if j < 0:
            raise E.IMLRuntimeError(f"Variable {name.upper()} is not on file {ods.key}.")
        cols.append(j)
    rows = select_rows(session, ods, clauses, env)
    if rows.size:
        ods.pointer = int(rows[-1]) + 1
    if into is None:
        for j in cols:
            env[table.names[j].lower()] = column_value(table, j, rows)
        return
    _read_into(session, ods, cols, rows, into, env)


def _read_into(session, ods, cols, rows, into, env) -> None:
    table = ods.table
    target, opts = into
    kinds = {table.kinds[j] for j in cols}
    if len(kinds) > 1:
        raise E.IMLRuntimeError("READ INTO: all variables must be of the same type (numeric or character).",
                                hint="read numeric and character variables into separate matrices (VAR _NUM_ / VAR _CHAR_)")
    if not cols or rows.size == 0:
        value = EMPTY
    elif kinds == {"N"}:
        value = wrap(np.column_stack([table.cols[j][rows] for j in cols]))
    else:
        width = max(table.widths[j] for j in cols)
        value = char_matrix(np.column_stack([table.cols[j][rows] for j in cols]), width)
    env[target] = value
    attrs = {}
    names = char_matrix([[table.names[j] for j in cols]]) if cols else EMPTY
    for opt, expr in (opts or {}).items():
        key = {"c": "colname", "r": "rowname"}.get(opt, opt)
        if key == "colname" and isinstance(expr, A.Var):
            env[expr.name] = names
            attrs["colname"] = names
        elif key == "rowname" and isinstance(expr, A.Var):
            j = table.index(expr.spelling or expr.name)
            if j < 0:
                raise E.IMLRuntimeError(f"ROWNAME= variable {expr.name.upper()} is not on file {ods.key}.")
            env[expr.name] = column_value(table, j, rows)
            attrs["rowname"] = env[expr.name]
    if attrs:
        session.attributes[target] = {**session.attributes.get(target, {}), **attrs}


def do_close(session, node, env) -> None:
    st = state(session)
    specs = ([node.dataset] if node.dataset is not None else []) + node.clauses.get("more", [])
    if not specs:
        for key in {st.cur_in, st.cur_out} - {None}:
            close_one(session, key)
        return
    for spec in specs:
        lib_ref, member = dataset_name(session, spec, env)
        lib = st.library(lib_ref)
        close_one(session, f"{lib.name}.{member.upper()}")


def do_setio(session, node, env) -> None:
    st = state(session)
    lib_ref, member = dataset_name(session, node.dataset, env)
    key = f"{st.library(lib_ref).name}.{member.upper()}"
    ods = st.open.get(key)
    if ods is None:
        raise E.IMLRuntimeError(f"{node.action.upper()}: the data set {key} is not open.",
                                hint="open it first with USE, EDIT or CREATE")
    if node.action == "setin":
        st.cur_in = key
        words = node.clauses.get("words") or []
        if words:
            ods.pointer = max(int(float(words[0])), 0)
    else:
        if ods.mode == "input":
            raise E.IMLRuntimeError(f"SETOUT: {key} is open for input only.", hint="open it with EDIT to change it")
        st.cur_out = key


ACTIONS = {"libname": do_libname, "use": do_use, "edit": do_edit, "read": do_read,
            "close": do_close, "setin": do_setio, "setout": do_setio}     # CREATE, APPEND ...: operations.py


def member_path(lib, key: str, member: str) -> str:
    """The file of data set `member` in library `lib`, or SAS's "does not exist" error."""
    path = lib.members().get(member.upper())
    if path is None:
        raise E.IMLRuntimeError(f"File {key}.DATA does not exist.",
                                hint=f"no data set {member} in {lib.path}" if lib.name != "SASHELP"
                                else "imlpy ships SASHELP.CLASS and SASHELP.IRIS only")
    return path
