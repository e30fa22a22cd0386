"""WHERE clauses and the data-set statements that change or list observations.

WHERE (SAS/IML rules): `where(var op operand)` joined with `&` and `|` (and `^` for not); the left
side names a data-set variable, the right side is a literal or an IML matrix. A matrix operand
means "any of" for `=` and the other comparisons, "none of" for `^=`. Numeric missing values
sort below every number (so `x < 0` is true for a missing x); character values compare without
trailing blanks.

Statements here: DELETE and PURGE, REPLACE, FIND, LIST, SORT, SUMMARY/INDEX (noted as not
supported), SHOW DATASETS and SHOW CONTENTS.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np

from .. import errors as E
from ..language import ast as A
from . import datasets, storage
from .datasets import OpenDataSet, _check_writable, _evaluate, close_one, current, dataset_name, names_of, open_dataset, select_rows, split_name, state, var_list, write_dataset
from .tablefiles import WRITABLE, Table, as_values, format_of, read_table
from .where import where_mask
from ..matrix.values import float_repr, is_char, shape_of, wrap

# ---------------------------------------------------------------- CREATE and APPEND
def do_create(session, node, env) -> None:
    st = state(session)
    lib_ref, member = dataset_name(session, node.dataset, env)
    lib = st.library(lib_ref)
    _check_writable(lib)
    key = f"{lib.name}.{member.upper()}"
    if key in st.open:
        close_one(session, key, quiet=True)
    table = Table()
    ods = OpenDataSet(lib, member, table, "output", lib.members().get(member.upper()))
    if _from_source(node.clauses) is not None:
        _define_from(session, ods, _from_source(node.clauses), env)
    elif "var" in node.clauses:
        for name in var_list(session, node.clauses["var"], env, None):
            kind, _, width = as_values(env.get(name.lower()), name)
            if kind is None:             # typed by the first APPEND that gives it a value
                ods.untyped.add(len(table.names))
            table.add_column(name, kind or "N", width or 8)
    else:
        raise E.IMLRuntimeError("CREATE needs a FROM matrix or a VAR list.",
                                hint="create ds from M[colname=names];  or  create ds var {x y};")
    ods.deleted = np.zeros(0, dtype=bool)
    if ods.path is not None and format_of(ods.path) not in WRITABLE:
        ods.path = None
    write_dataset(session, ods)          # the new (empty) data set exists from now on
    ods.dirty = True
    st.open[key] = ods
    st.cur_out = key


def _from_source(clauses: dict):
    """The FROM clause as ([matrix names], options): FROM m[...] or FROM m1 m2 ...[...] (SAS/IML 15.1)."""
    if "from" in clauses:
        return [clauses["from"][0]], clauses["from"][1] or {}
    if "from_names" in clauses:
        return list(clauses["from_names"][0]), clauses["from_names"][1] or {}
    return None


def _parts(names: list, env) -> list:
    """(name, kind, flat values, width, nrow, ncol) of each FROM matrix."""
    parts = []
    for name in names:
        value = env.get(name)
        kind, flat, width = as_values(value, name)
        if kind is None:
            raise E.not_set(name.upper())
        parts.append((name, kind, flat, width) + tuple(shape_of(value)))
    if len({p[4] for p in parts}) > 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="the FROM matrices must have the same number of rows")
    return parts


def _define_from(session, ods, source, env) -> None:
    names, opts = source
    parts = _parts(names, env)
    ncol = sum(p[5] for p in parts)
    colnames = [f"COL{i + 1}" for i in range(ncol)]
    rowname = None
    for opt, expr in opts.items():
        key = {"c": "colname", "r": "rowname"}.get(opt, opt)
        if key == "colname":
            colnames = names_of(_evaluate(session, expr, env))
            if len(colnames) < ncol:
                colnames += [f"COL{i + 1}" for i in range(len(colnames), ncol)]
        elif key == "rowname":
            rowname = expr
    if rowname is not None:
        rv = _evaluate(session, rowname, env)
        label = rowname.spelling if isinstance(rowname, A.Var) else "ROWNAME"
        ods.table.add_column(label, "C", max(rv.dtype.itemsize // 4, 1) if is_char(rv) else 8)
        ods.rowname_col = True
    k = 0
    for _, kind, _, width, _, cols in parts:
        for _ in range(cols):
            ods.table.add_column(colnames[k], kind, width)
            k += 1
    ods.from_name = (names, rowname)


def do_append(session, node, env) -> None:
    ods = current(session, "out")
    table = ods.table
    source = _from_source(node.clauses)
    if source is None and ods.from_name is not None and "var" not in node.clauses:
        source = (ods.from_name[0], {"rowname": ods.from_name[1]} if ods.from_name[1] is not None else {})
    if source is not None:
        new = _rows_from_matrix(session, ods, source, env)
    else:
        names = (var_list(session, node.clauses["var"], env, table) if "var" in node.clauses else table.names)
        new = _rows_from_vectors(ods, names, env)
    if new is None:
        return
    for j, values in enumerate(new):
        table.cols[j] = np.concatenate([table.cols[j], values]) if table.kinds[j] == "N" else \
            np.concatenate([table.cols[j].astype(str), values.astype(str)])
    added = len(new[0]) if new else 0
    ods.deleted = np.concatenate([ods.deleted, np.zeros(added, dtype=bool)])
    ods.pointer = table.nobs
    ods.dirty = True


def _fit(kind_wanted, kind, values, n, width, name):
    if kind is None:
        return np.full(n, np.nan) if kind_wanted == "N" else np.full(n, "", dtype="<U1")
    if kind != kind_wanted:
        raise E.IMLRuntimeError(f"Type mismatch for variable {name.upper()}: the data set has it as "
                                f"{'numeric' if kind_wanted == 'N' else 'character'}.")
    if kind == "C":
        values = np.array([str(v)[:width] for v in values], dtype=str)
    if len(values) == n:
        return values
    if len(values) == 1:
        return np.repeat(values, n)
    pad = np.full(n - len(values), np.nan) if kind == "N" else np.full(n - len(values), "")
    return np.concatenate([values, pad])


def _rows_from_vectors(ods, names, env) -> Optional[list]:
    table = ods.table
    got = {}
    for name in names:
        j = table.index(name)
        if j < 0:
            raise E.IMLRuntimeError(f"Variable {name.upper()} is not on file {ods.key}.")
        got[j] = as_values(env.get(name.lower()), name)
        if j in ods.untyped and got[j][0] is not None:
            ods.untyped.discard(j)
            if table.nobs == 0 and got[j][0] == "C":
                table.kinds[j], table.widths[j] = "C", got[j][2]
                table.cols[j] = np.zeros(0, dtype="<U1")
    n = max((len(v[1]) for v in got.values() if v[0] is not None), default=0)
    if n == 0:
        return None
    return [_fit(table.kinds[j], *(got.get(j) or (None, None, 0))[:2], n, table.widths[j], table.names[j])
            for j in range(len(table.names))]


def _rows_from_matrix(session, ods, source, env) -> Optional[list]:
    table = ods.table
    names, opts = source
    parts = _parts(names, env)
    nrow, ncol = parts[0][4], sum(p[5] for p in parts)
    first = 1 if ods.rowname_col else 0
    if ncol != len(table.names) - first:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{' '.join(names).upper()}: {ncol} columns; {ods.key} has "
                                f"{len(table.names) - first} variables to fill")
    out = []
    if first:
        rexpr = (opts or {}).get("rowname") or (opts or {}).get("r")
        rv = _evaluate(session, rexpr, env) if rexpr is not None else None
        rk, rflat, _ = as_values(rv, "rowname")
        out.append(_fit("C", rk, rflat, nrow, table.widths[0], table.names[0]))
    j = first
    for _, kind, flat, _, rows, cols in parts:
        grid = flat.reshape(rows, cols)
        for c in range(cols):
            out.append(_fit(table.kinds[j], kind, grid[:, c], nrow, table.widths[j], table.names[j]))
            j += 1
    return out


# ---------------------------------------------------------------- words of DELETE/REPLACE/FIND/LIST
_RANGES = ("all", "next", "after", "current", "point")


def parse_words(words: list) -> dict:
    from lark import Token   # only statements parsed by the grammar carry Tokens
    """The parser's flat word list of a data-set statement -> clauses like USE/READ's."""
    clauses: dict = {}
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        low = str(w).lower() if isinstance(w, Token) else None
        nxt = words[i + 1] if i + 1 < n else None
        if low in _RANGES:
            arg = None
            if low in ("next", "point") and nxt is not None and not (isinstance(nxt, Token) and nxt.type != "NUMBER"):
                arg = nxt if not isinstance(nxt, Token) else A.Const(0, 0, float(nxt))
                i += 1
            elif low == "point" and isinstance(nxt, Token) and nxt.type == "NAME":
                arg = A.Var(nxt.line, nxt.column, nxt.lower(), str(nxt))
                i += 1
            clauses["range"] = (low, arg)
        elif low in ("where", "var", "into") and nxt is not None:
            if low == "into":
                clauses["into"] = (str(nxt).lower(), {})
            else:
                clauses[low] = nxt
            i += 1
        i += 1
    return clauses


def do_delete(session, node, env) -> None:
    ods = current(session, "out")
    rows = select_rows(session, ods, parse_words(node.clauses.get("words") or []), env)
    ods.deleted[rows] = True
    ods.dirty = True


def do_purge(session, node, env) -> None:
    ods = current(session, "out")
    if ods.deleted.any():
        ods.table = ods.table.take(~ods.deleted)
        ods.deleted = np.zeros(ods.table.nobs, dtype=bool)
        ods.pointer = 0
        ods.dirty = True


def do_replace(session, node, env) -> None:
    ods = current(session, "out")
    clauses = parse_words(node.clauses.get("words") or [])
    table = ods.table
    rows = select_rows(session, ods, clauses, env)
    names = var_list(session, clauses["var"], env, table) if "var" in clauses else \
        [n for n in table.names if n.lower() in env]
    for name in names:
        j = table.index(name)
        if j < 0:
            raise E.IMLRuntimeError(f"Variable {name.upper()} is not on file {ods.key}.")
        kind, flat, _ = as_values(env.get(name.lower()), name)
        if kind is None:
            continue
        if kind != table.kinds[j]:
            raise E.IMLRuntimeError(f"Type mismatch for variable {name.upper()} in REPLACE.")
        if len(flat) not in (1, len(rows)):
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{name.upper()} has {len(flat)} values for {len(rows)} observations")
        if kind == "C":
            col = table.cols[j].astype(f"<U{max(table.widths[j], table.cols[j].dtype.itemsize // 4, 1)}")
            col[rows] = [str(v)[:table.widths[j]] for v in np.broadcast_to(flat, (len(rows),))]
            table.cols[j] = col
        else:
            table.cols[j][rows] = flat
    if rows.size:
        ods.pointer = int(rows[-1]) + 1
    ods.dirty = True


def do_find(session, node, env) -> None:
    ods = current(session, "in")
    clauses = parse_words(node.clauses.get("words") or [])
    clauses.setdefault("range", ("all", None))
    rows = select_rows(session, ods, clauses, env)
    if "into" not in clauses:
        raise E.IMLRuntimeError("FIND needs an INTO matrix.", hint="find all where(x > 0) into idx;")
    env[clauses["into"][0]] = wrap((rows + 1.0).reshape(-1, 1)) if rows.size else np.zeros((0, 0))


def do_list(session, node, env) -> None:
    ods = current(session, "in")
    clauses = parse_words(node.clauses.get("words") or [])
    table = ods.table
    rows = select_rows(session, ods, clauses, env)
    names = var_list(session, clauses["var"], env, table) if "var" in clauses else table.names
    cols = [table.index(n) for n in names if table.index(n) >= 0]
    header = ["OBS"] + [table.names[j].upper() for j in cols]
    body = [[str(r + 1)] + [(float_repr(float(table.cols[j][r])) if table.kinds[j] == "N" else str(table.cols[j][r]))
                            for j in cols] for r in rows]
    widths = [max([len(h)] + [len(b[i]) for b in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths))]
    lines += ["  ".join(c.rjust(w) if (i == 0 or table.kinds[cols[i - 1]] == "N") else c.ljust(w)
                        for i, (c, w) in enumerate(zip(b, widths))) for b in body]
    if rows.size:
        ods.pointer = int(rows[-1]) + 1
    session.out("\n".join(lines) + "\n\n")


_SORT = re.compile(r"^\s*sort\s+(?:data\s*=\s*)?(?P<ds>[\w.]+)(?:\s+out\s*=\s*(?P<out>[\w.]+))?\s+by\s+(?P<by>[^;]*);?\s*$",
                   re.I | re.S)


def do_sort(session, node, env) -> None:
    m = _SORT.match(node.text or "")
    if not m:
        raise E.IMLRuntimeError("SORT: expecting SORT data-set <OUT=data-set> BY <DESCENDING> variables;")
    st = state(session)
    src = split_name(m.group("ds"))
    key = f"{st.library(src[0]).name}.{src[1].upper()}"
    if key in st.open:
        close_one(session, key, quiet=True)
    ods = open_dataset(session, ("name", src[0], src[1]), env, "input")
    st.open.pop(key, None)
    table = ods.table
    keys, descending = [], False
    for word in m.group("by").split():
        if word.lower() == "descending":
            descending = True
            continue
        j = table.index(word)
        if j < 0:
            raise E.IMLRuntimeError(f"SORT: variable {word.upper()} is not on file {key}.")
        col = table.cols[j]
        rank = np.unique(np.where(np.isnan(col), -np.inf, col) if table.kinds[j] == "N" else col,
                         return_inverse=True)[1].ravel()
        keys.append(-rank if descending else rank)
        descending = False
    order = np.lexsort(keys[::-1]) if keys else np.arange(table.nobs)
    out = split_name(m.group("out")) if m.group("out") else src
    lib = st.library(out[0])
    _check_writable(lib)
    target = OpenDataSet(lib, out[1], table.take(order), "output", lib.members().get(out[1].upper()))
    write_dataset(session, target)
    session.note(f"The data set {target.key} has {table.nobs} observations and {len(table.names)} variables.")


def do_unsupported(session, node, env) -> None:
    session.note(f"The {node.action.upper()} statement is not supported by imlpy and was skipped.")


ACTIONS = {"create": do_create, "append": do_append, "delete": do_delete, "purge": do_purge, "replace": do_replace, "find": do_find, "list": do_list,
           "sort": do_sort, "summary": do_unsupported, "index": do_unsupported}


# ---------------------------------------------------------------- SHOW, CONTENTS, EXIST
def show_datasets(session) -> str:
    st = state(session)
    if not st.open:
        return "No data sets are open.\n\n"
    lines = ["LIBNAME   MEMNAME   OPEN MODE    STATUS", "-------   -------   ---------    ------"]
    for key, ods in st.open.items():
        status = " ".join(s for s, k in (("Current Input", st.cur_in), ("Current Output", st.cur_out)) if k == key)
        mode = {"input": "Input", "update": "Update", "output": "Output"}[ods.mode]
        lines.append(f"{ods.lib.name:<9} {ods.member:<9} {mode:<12} {status}".rstrip())
    return "\n".join(lines) + "\n\n"


def show_contents(session) -> str:
    ods = current(session, "in")
    t = ods.table
    lines = [f"DATASET : {ods.key}.DATA", "", "VARIABLE                          TYPE  SIZE",
             "--------------------------------  ----  ----"]
    for n, k, w in zip(t.names, t.kinds, t.widths):
        lines.append(f"{n.upper():<32}  {'num' if k == 'N' else 'char':<4}  {w:>4}")
    lines.append(f"Number of Variables: {len(t.names)}")
    lines.append(f"Number of Observations: {t.nobs - int(ods.deleted.sum())}")
    return "\n".join(lines) + "\n\n"


def contents(session, lib=None, member=None):
    """CONTENTS(<libref> <, member>): variable names of a data set, or data sets of a library."""
    st = state(session)
    if lib is None and member is None:
        if st.cur_in is not None:
            t = st.open[st.cur_in].table
            return [n.upper() for n in t.names]
        return sorted(st.work().members())
    text_lib = str(lib.flat[0]).strip() if is_char(lib) else None
    if member is None:
        if text_lib and "." in text_lib:
            text_lib, mem = split_name(text_lib)
        else:
            return sorted(st.library(text_lib).members())
    else:
        mem = str(member.flat[0]).strip()
    ods = st.open.get(f"{st.library(text_lib).name}.{mem.upper()}")
    table = ods.table if ods is not None else None
    if table is None:
        path = st.library(text_lib).members().get(mem.upper())
        if path is None:
            raise E.IMLRuntimeError(f"File {st.library(text_lib).name}.{mem.upper()}.DATA does not exist.")
        table = read_table(path)
    return [n.upper() for n in table.names]


def exists(session, name: str) -> bool:
    st = state(session)
    lib_ref, member = split_name(name)
    try:
        lib = st.library(lib_ref)
    except E.IMLRuntimeError:
        return False
    return f"{lib.name}.{member.upper()}" in st.open or member.upper() in lib.members()


def delete_dataset(session, name: str) -> None:
    import os
    st = state(session)
    lib_ref, member = split_name(name)
    lib = st.library(lib_ref)
    key = f"{lib.name}.{member.upper()}"
    if lib.readonly:
        raise E.IMLRuntimeError(f"Write access to member {key} is denied: the library is read-only.")
    st.open.pop(key, None)
    path = lib.members().get(member.upper())
    if path is None:
        session.warn(f"File {key}.DATA does not exist.")
        return
    os.unlink(path)
    session.note(f"Deleting {key} (memtype=DATA).")


# ---------------------------------------------------------------- the entry points
def handle(session, node: A.DataStmt, env: dict) -> None:
    """Session.data_statement's handler: run one data-set statement."""
    action = node.action
    fn = datasets.ACTIONS.get(action) or ACTIONS.get(action)
    if fn is None:
        raise E.IMLRuntimeError(f"The {action.upper()} statement is not supported by imlpy yet.")
    try:
        fn(session, node, env)
    except OSError as exc:
        raise E.IMLRuntimeError(f"{action.upper()}: a data set file could not be read or written.",
                                hint=f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}")


def install(session) -> None:
    """Register the data-set and storage layers with a new Session."""
    session.extensions["data"] = handle
    session.extensions["show"] = show
    storage.install(session)


def show(session, what: str, env) -> bool:
    """SHOW DATASETS / SHOW CONTENTS / SHOW STORAGE; False if `what` is not ours."""
    if what == "datasets":
        session.out(show_datasets(session))
    elif what == "contents":
        session.out(show_contents(session))
    elif what == "storage":
        session.out(storage.show_storage(session))
    else:
        return False
    return True
