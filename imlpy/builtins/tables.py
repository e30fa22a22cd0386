"""The IML table functions (SAS/IML 14.2+): TableCreate ... TableWriteToDataSet, TablePrint.

The table value itself is imlpy.matrix.tables.DataTable. The CALL subroutines that change a table
return a new one, written into the caller's symbol (`outputs=(0,)`), so a failing call leaves
the table as it was.
"""
from __future__ import annotations

import os

import numpy as np

from .. import errors as E
from ..safety import sandbox
from ..data.tableviews import apply_options, from_dataset, option_text, to_dataset
from ..matrix.tables import DataTable, add_columns, char_result, column_numbers, matrix_columns, names_list, need_table, row_numbers
from ..output.printing import print_model, render_print
from ..matrix.values import EMPTY, char_matrix, is_char, to_float, to_str, wrap
from .registry import builtin
from ..data.datasets import _check_writable, close_one, member_path, split_name, state
from ..data.tablefiles import format_of, read_table, WRITABLE, write_table
from ..output.formats import parse_format

# ---------------------------------------------------------------- creating tables
@builtin("TABLECREATE(<varNames,> m <, varNames2, m2 ...>)",
         "A table from matrices: each column of m becomes a column named by varNames (COL1, COL2, ... if omitted).",
         example=('T = TableCreate({"x" "y"}, {1 2, 3 4, 5 6});\nprint (nrow(T)) (ncol(T)) (type(T));',
                  "\n        3          2  T\n"),
         min_args=1, max_args=None)
def tablecreate(*args):
    """SAS: TableCreate(m) names the columns COL1..COLp; TableCreate(names1, m1, names2, m2, ...)
    adds the columns of each matrix under its names; all columns need the same number of rows."""
    table = DataTable()
    if len(args) == 1:
        m = args[0]
        p = np.shape(m)[1] if type(m) is np.ndarray else 1
        add_columns(table, [f"COL{j + 1}" for j in range(p)], matrix_columns(m, p, "the matrix"))
        return table
    if len(args) % 2:
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint="give the matrix alone, or pairs of (names, matrix)")
    for k in range(0, len(args), 2):
        names = names_list(args[k])
        add_columns(table, names, matrix_columns(args[k + 1], len(names), f"matrix {k // 2 + 1}"))
    return table


@builtin("TABLECREATEFROMDATASET(<libref,> member <, dsOptions>)",
         "A table holding a copy of a SAS data set (data set options KEEP= DROP= RENAME= WHERE= FIRSTOBS= OBS=).",
         example=('T = TableCreateFromDataSet("Sashelp", "Class", "keep=Name Age obs=3");\n'
                  'print (TableGetVarName(T));',
                  "\nName Age\n"),
         session=True, min_args=1, max_args=3)
def tablecreatefromdataset(session, a, b=None, c=None):
    """SAS: TableCreateFromDataSet(libref, member <, dsOptions>); a one-argument call names the
    member ("member" or "libref.member") of the default library."""
    if b is None:
        libref, member = split_name(to_str(a))
    else:
        libref, member = (to_str(a).strip() or None), to_str(b)
    ds = _read(session, state(session), libref, member.strip())
    if c is not None and option_text(c).strip():
        ds = apply_options(session, ds, option_text(c))
    return from_dataset(ds)


def _read(session, st, libref, member):
    lib = st.library(libref)
    key = f"{lib.name}.{member.upper()}"
    ods = st.open.get(key)
    if ods is not None:                 # an open data set: what the program has written so far
        return ods.table.take(~ods.deleted) if ods.deleted.any() else ods.table.copy()
    path = member_path(lib, key, member)
    sandbox.check(session, f"Reading the data set {key} from", path)
    return read_table(path)


@builtin("TABLEWRITETODATASET(table, <libref,> member <, dsOptions>)",
         "Write the table to a SAS data set (default library WORK); dsOptions as KEEP= DROP= RENAME= WHERE= OBS=.",
         kind="call", session=True, min_args=2, max_args=4,
         partial="column labels and formats are not stored in the data set file",
         example=('T = TableCreate("x", {1,2,3});\ncall TableWriteToDataSet(T, "Three");\n'
                  'use Three; read all var {x}; close Three;\nprint (x`);', "\n        1         2         3\n"))
def tablewritetodataset(session, table, a, b=None, c=None):
    """SAS: CALL TableWriteToDataSet(table, member) / (table, libref, member <, dsOptions>)."""
    table = need_table(table)
    if b is None:
        libref, member = split_name(to_str(a))
    else:
        libref, member = (to_str(a).strip() or None), to_str(b).strip()
    ds = to_dataset(table)
    if c is not None and option_text(c).strip():
        ds = apply_options(session, ds, option_text(c))
    st = state(session)
    lib = st.library(libref)
    _check_writable(lib)
    key = f"{lib.name}.{member.upper()}"
    if key in st.open:
        close_one(session, key, quiet=True)
    path = lib.members().get(member.upper())
    if path is None or format_of(path) not in WRITABLE:
        path = os.path.join(lib.path, f"{member.lower()}.{lib.native_format()}")
    sandbox.check(session, f"Writing the data set {key} to", path, write=True)
    write_table(ds, path, member)


# ---------------------------------------------------------------- adding and changing columns
@builtin("TABLEADDVAR(table, varNames, m <, varNames2, m2 ...>)",
         "Add the columns of m to the table under the names varNames (m needs the table's number of rows).",
         kind="call", outputs=(0,), min_args=3, max_args=None,
         example=('T = TableCreate("x", {1,2});\ncall TableAddVar(T, {"y" "z"}, {3 5, 4 6});\nprint (TableGetVarName(T));',
                  "\nx y z\n"))
def tableaddvar(table, *pairs):
    if len(pairs) % 2:
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint="after the table give pairs of (names, matrix)")
    new = need_table(table).copy()
    for k in range(0, len(pairs), 2):
        names = names_list(pairs[k])
        add_columns(new, names, matrix_columns(pairs[k + 1], len(names), f"matrix {k // 2 + 1}"))
    return new


@builtin("TABLERENAMEVAR(table, oldNames, newNames)", "Rename columns of the table.",
         kind="call", outputs=(0,),
         example=('T = TableCreate({"a" "b"}, {1 2});\ncall TableRenameVar(T, "b", "Beta");\nprint (TableGetVarName(T));',
                  "\na    Beta\n"))
def tablerenamevar(table, old, new):
    t = need_table(table).copy()
    cols = column_numbers(t, old, "oldNames")
    names = names_list(new, "new names")
    if len(names) != len(cols):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{len(cols)} old names but {len(names)} new names")
    for j, name in zip(cols, names):
        other = t.index(name)
        if other >= 0 and other != j:
            raise E.IMLRuntimeError(f"The table already has a column named '{name}'.")
        t.names[j] = name
    return t


def _set_attribute(table, cols, values, attr: str, what: str):
    t = need_table(table).copy()
    js = column_numbers(t, cols)
    if not is_char(values):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint=f"the {what} must be character values")
    texts = [str(s).strip() for s in values.reshape(-1)]
    if len(texts) == 1 and len(js) > 1:
        texts = texts * len(js)
    if len(texts) != len(js):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{len(js)} columns but {len(texts)} {what}")
    target = list(getattr(t, attr))
    for j, text in zip(js, texts):
        if attr == "formats" and text:
            fmt = parse_format(text)
            if fmt.is_char != (t.kind(j) == "C"):
                raise E.IMLRuntimeError(f"The format {text} does not fit the {'character' if t.kind(j) == 'C' else 'numeric'} "
                                        f"column '{t.names[j]}'.", hint="character formats start with $")
        target[j] = text
    setattr(t, attr, target)
    return t


@builtin("TABLESETVARLABEL(table, cols, labels)", "Set the labels of columns (given by name or number).",
         kind="call", outputs=(0,),
         example=('T = TableCreate("x", {1,2});\ncall TableSetVarLabel(T, "x", "The X");\nprint (TableGetVarLabel(T));',
                  "\nThe X\n"))
def tablesetvarlabel(table, cols, labels):
    return _set_attribute(table, cols, labels, "labels", "labels")


@builtin("TABLESETVARFORMAT(table, cols, formats)", "Set the display formats of columns (TablePrint uses them).",
         kind="call", outputs=(0,),
         example=('T = TableCreate("x", {1.5, 2});\ncall TableSetVarFormat(T, "x", "6.2");\ncall TablePrint(T) label="";',
                  "\n          x\n\n1      1.50\n2      2.00\n"))
def tablesetvarformat(table, cols, formats):
    return _set_attribute(table, cols, formats, "formats", "formats")


@builtin("TABLESETVARINFORMAT(table, cols, informats)", "Set the informats of columns (kept as an attribute).",
         kind="call", outputs=(0,),
         example=('T = TableCreate("d", {0});\ncall TableSetVarInformat(T, "d", "DATE9.");\nprint (TableGetVarInformat(T));',
                  "\nDATE9.\n"))
def tablesetvarinformat(table, cols, informats):
    return _set_attribute(table, cols, informats, "informats", "informats")


# ---------------------------------------------------------------- asking about tables
@builtin("TABLEGETVARDATA(table <, cols> <, rows>)",
         "The data of columns (all by default) as a matrix; the columns must be all numeric or all character.",
         example=('T = TableCreate({"x" "y"}, {1 2, 3 4, 5 6});\nprint (TableGetVarData(T, "y", {1 3}));',
                  "\n        2\n        6\n"))
def tablegetvardata(table, cols=None, rows=None):
    t = need_table(table)
    js = column_numbers(t, cols)
    if not js or t.nobs == 0:
        return EMPTY
    kinds = {t.kind(j) for j in js}
    if len(kinds) > 1:
        raise E.IMLRuntimeError("The columns are not all of the same type.",
                                hint="a matrix is numeric or character: ask for numeric and character columns separately "
                                     "(TableIsVarNumeric tells them apart)")
    idx = row_numbers(t, rows)
    data = [t.cols[j] if idx is None else t.cols[j][idx] for j in js]
    if kinds == {"N"}:
        return wrap(np.column_stack(data))
    width = max(t.width(j) for j in js)
    return char_matrix(np.column_stack(data), width)


@builtin("TABLEGETVARNAME(table <, cols>)", "Row vector of the names of columns (all by default).",
         example=('T = TableCreate({"x" "y"}, {1 2});\nprint (TableGetVarName(T, 2));', "\ny\n"))
def tablegetvarname(table, cols=None):
    t = need_table(table)
    return char_result([t.names[j] for j in column_numbers(t, cols)])


@builtin("TABLEGETVARTYPE(table <, cols>)", "Row vector of 'N' (numeric) or 'C' (character) for columns.",
         example=('T = TableCreate("x", {1}, "s", {"a"});\nprint (TableGetVarType(T));', "\nN C\n"))
def tablegetvartype(table, cols=None):
    t = need_table(table)
    return char_result([t.kind(j) for j in column_numbers(t, cols)])


@builtin("TABLEGETVARLABEL(table <, cols>)", "Row vector of the labels of columns (blank where none).",
         example=('T = TableCreate("x", {1});\ncall TableSetVarLabel(T, 1, "Ex");\nprint (TableGetVarLabel(T));', "\nEx\n"))
def tablegetvarlabel(table, cols=None):
    t = need_table(table)
    return char_result([t.labels[j] for j in column_numbers(t, cols)] or [])


@builtin("TABLEGETVARFORMAT(table <, cols>)", "Row vector of the formats of columns (blank where none).",
         example=('T = TableCreate("x", {1});\ncall TableSetVarFormat(T, "x", "5.1");\nprint (TableGetVarFormat(T));', "\n5.1\n"))
def tablegetvarformat(table, cols=None):
    t = need_table(table)
    return char_result([t.formats[j] for j in column_numbers(t, cols)])


@builtin("TABLEGETVARINFORMAT(table <, cols>)", "Row vector of the informats of columns (blank where none).",
         example=('T = TableCreate("x", {1});\nprint (TableGetVarInformat(T));', "\n\n"))
def tablegetvarinformat(table, cols=None):
    t = need_table(table)
    return char_result([t.informats[j] for j in column_numbers(t, cols)])


@builtin("TABLEGETVARINDEX(table, varNames)", "Row vector of the column numbers of the named columns.",
         partial="a name that is not a column is an error",
         example=('T = TableCreate({"a" "b" "c"}, {1 2 3});\nprint (TableGetVarIndex(T, {"c" "A"}));',
                  "\n        3         1\n"))
def tablegetvarindex(table, names):
    t = need_table(table)
    if not is_char(names):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="give column names")
    return wrap(np.array([[j + 1.0 for j in column_numbers(t, names)]]))


@builtin("TABLEISEXISTINGVAR(table, varNames)", "Row vector: 1 where the name is a column of the table, else 0.",
         example=('T = TableCreate("x", {1});\nprint (TableIsExistingVar(T, {"X" "y"}));', "\n        1         0\n"))
def tableisexistingvar(table, names):
    t = need_table(table)
    if not is_char(names):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="give column names")
    return wrap(np.array([[1.0 if t.index(str(s)) >= 0 else 0.0 for s in names.reshape(-1)]]))


@builtin("TABLEISVARNUMERIC(table <, cols>)", "Row vector: 1 for each numeric column, 0 for each character one.",
         example=('T = TableCreate("x", {1}, "s", {"a"});\nprint (TableIsVarNumeric(T));', "\n        1         0\n"))
def tableisvarnumeric(table, cols=None):
    t = need_table(table)
    js = column_numbers(t, cols)
    if not js:
        return EMPTY
    return wrap(np.array([[1.0 if t.kind(j) == "N" else 0.0 for j in js]]))


# ---------------------------------------------------------------- TablePrint
_ODS_ONLY = {"justify", "template", "coltemplate", "dynamic", "coldynamic"}


@builtin("TABLEPRINT(table) <VAR=cols> <ID=name> <LABEL=text> <FIRSTOBS=i> <NUMOBS=n> <COLHEADER=\"Names\"|\"Labels\"|\"None\">",
         "Display a table: row numbers (or the ID= column) on the left, column names or labels on top.",
         kind="call", session=True, keywords=True, min_args=1, max_args=1,
         partial="JUSTIFY=, TEMPLATE=, COLTEMPLATE=, DYNAMIC=, COLDYNAMIC= (ODS styling) are accepted and ignored",
         example=('T = TableCreate("Name", {"Al","Bea"}, "Age", {13,12});\ncall TablePrint(T) label="Kids";',
                  "\nKids Name       Age\n\n1    Al          13\n2    Bea         12\n"))
def tableprint(session, table, **kwargs):
    t = need_table(table)
    unknown = set(kwargs) - _ODS_ONLY - {"var", "id", "label", "firstobs", "numobs", "colheader"}
    if unknown:
        raise E.IMLRuntimeError(f"TABLEPRINT has no option {sorted(unknown)[0].upper()}=.",
                                hint="its options are VAR= ID= LABEL= FIRSTOBS= NUMOBS= COLHEADER= JUSTIFY= TEMPLATE=")
    label = to_str(kwargs["label"]) if "label" in kwargs else _symbol_name(session, table)
    colheader = to_str(kwargs["colheader"]).strip().lower() if "colheader" in kwargs else "names"
    if colheader not in ("names", "labels", "none"):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint='COLHEADER= is "Names", "Labels" or "None"')
    id_name = to_str(kwargs["id"]) if "id" in kwargs else "#"
    firstobs = int(to_float(kwargs["firstobs"])) if "firstobs" in kwargs else 1
    numobs = int(to_float(kwargs["numobs"])) if "numobs" in kwargs else None
    model = print_model(session, t, label, kwargs.get("var"), id_name, colheader, firstobs, numobs)
    session.out(render_print(session, [[model]]))


def _symbol_name(session, table) -> str:
    """SAS: without LABEL= the symbol's name is the label (found by identity among the globals)."""
    for name, value in session.globals.items():
        if value is table:
            return name.upper()
    return ""


# ---------------------------------------------------------------- the R interface
def _r_unavailable(name: str):
    """SAS/IML runs R through SUBMIT / R; imlpy would use Rscript and does not bridge to R yet."""
    import shutil
    if shutil.which("Rscript") is None:
        raise E.IMLRuntimeError(f"R is needed for CALL {name}: imlpy runs R through Rscript, which was not found on PATH.",
                                hint="install R (https://www.r-project.org) — and note that imlpy's R bridge is not implemented yet")
    raise E.IMLRuntimeError(f"CALL {name} is not implemented yet in imlpy: the R session bridge is missing.",
                            hint="Rscript was found, but imlpy cannot yet keep an R session to exchange data with")


_R_PARTIAL = "the R session bridge is not implemented: the call reports that R is needed"


@builtin('EXPORTMATRIXTOR(matrix, "Rname")', "Copy an IML matrix into the R session as the R matrix Rname.",
         kind="call", unset=True, partial=_R_PARTIAL)
def exportmatrixtor(*args):
    _r_unavailable("EXPORTMATRIXTOR")


@builtin('IMPORTMATRIXFROMR(matrix, "RExpr")', "Copy the value of an R expression (a matrix or vector) into an IML matrix.",
         kind="call", outputs=(0,), unset=True, partial=_R_PARTIAL)
def importmatrixfromr(*args):
    _r_unavailable("IMPORTMATRIXFROMR")


@builtin('EXPORTDATASETTOR("libref.member", "Rname")', "Copy a SAS data set into the R session as the data frame Rname.",
         kind="call", unset=True, partial=_R_PARTIAL)
def exportdatasettor(*args):
    _r_unavailable("EXPORTDATASETTOR")


@builtin('IMPORTDATASETFROMR("libref.member", "RExpr")', "Write the R data frame RExpr to a SAS data set.",
         kind="call", unset=True, partial=_R_PARTIAL)
def importdatasetfromr(*args):
    _r_unavailable("IMPORTDATASETFROMR")


@builtin('EXPORTTABLETOR(table, "Rname")', "Copy an IML table into the R session as the data frame Rname.",
         kind="call", unset=True, partial=_R_PARTIAL)
def exporttabletor(*args):
    _r_unavailable("EXPORTTABLETOR")
