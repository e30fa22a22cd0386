"""Builtins of the SAS-program layer: data-set inquiry (CONTENTS, EXIST, CALL DELETE) and macro
variables (CALL SYMPUT, CALL SYMPUTX, SYMGET). The work is done in imlpy.datasets/dsops and
imlpy.sasprogram; they are imported when called, so the builtin table loads without them."""
from __future__ import annotations

from .. import errors as E
from ..matrix.values import as_array, char_matrix, EMPTY, float_repr, is_char, to_str
from .common import chars
from .registry import builtin
from ..data.datasets import member_path, state
from ..data.operations import contents as _contents, delete_dataset, exists
from ..data.tablefiles import char_column, read_table, Table, write_table
from ..safety import sandbox
from ..sas.program import macro_vars


def _text(v) -> str:
    return to_str(chars(v)).strip()


@builtin("CONTENTS(<libref> <, member>)", "Names of the variables in a data set (or of the data sets in a library).",
         session=True)
def contents(session, lib=None, member=None):
    names = _contents(session, lib, member)
    if not names:
        return char_matrix([[""]])
    return char_matrix([[n] for n in names], max(len(n) for n in names))


@builtin("EXIST(member-name)", "1 if the SAS data set exists (WORK, a LIBNAME library or SASHELP), else 0.",
         session=True)
def exist(session, name):
    return 1.0 if exists(session, _text(name)) else 0.0


@builtin("DELETE(<libref,> member-name)", "Delete a SAS data set.", kind="call", session=True)
def delete(session, a, b=None):
    name = _text(a) if b is None else f"{_text(a)}.{_text(b)}"
    delete_dataset(session, name)


def _macro_text(value, trim: bool) -> str:
    if is_char(value):
        text = str(value.flat[0])
        return text.strip() if trim else text
    if type(value) is float or (hasattr(value, "size") and value.size >= 1):
        x = float(value if type(value) is float else value.flat[0])
        text = float_repr(x) if x == x else "."
        return text if trim else text.rjust(12)
    raise E.not_set()


@builtin("SYMPUT(name, value)", "Set a macro variable (CALL SYMPUT); numbers are written with BEST12.",
         kind="call", session=True)
def symput(session, name, value):
    macro_vars(session)[_text(name).upper()] = _macro_text(value, trim=False)


@builtin("SYMPUTX(name, value)", "Set a macro variable, trimming blanks (CALL SYMPUTX).", kind="call", session=True)
def symputx(session, name, value):
    macro_vars(session)[_text(name).upper()] = _macro_text(value, trim=True)


@builtin("SYMGET(name)", "The value of a macro variable, as a character value.", session=True)
def symget(session, name):
    value = macro_vars(session).get(_text(name).upper())
    if value is None:
        raise E.IMLRuntimeError(f"The macro variable {_text(name).upper()} does not exist.",
                                hint="set it with %let or CALL SYMPUTX")
    return char_matrix([[value]], max(len(value), 1))


# ---------------------------------------------------------------- CAS tables (the iml action)
CAS_NOTE = ("imlpy has no CAS server: a CAS table is a data set in the library whose libref is the caslib "
            "name (a LIBNAME ... CAS statement maps one to WORK), else in WORK")


def _cas_library(session, caslib):
    """The library that stands for a caslib: the libref of that name if assigned, else WORK."""
    st = state(session)
    ref = _text(caslib).upper() if caslib is not None else ""
    if ref and ref in st.libs and ref != "SASHELP":
        return st.libs[ref]
    if ref == "SASHELP":
        return st.libs["SASHELP"]
    return st.work()


@builtin("MATRIXWRITETOCAS(matrix, caslib, table <, colnames>)",
         "Writes a matrix to a CAS table, one variable per column, named by colnames (default COL1, COL2, ...). "
         "Returns nothing; use as CALL MatrixWriteToCas(...).", kind="call", session=True, partial=CAS_NOTE,
         example=("call MatrixWriteToCas({1 2, 3 4}, '', 'Pairs', {'a' 'b'});\n"
                  "use Pairs;  read all var _NUM_ into m;  close Pairs;\nprint m;",
                  "        m\n        1         2\n        3         4\n\n"))
def matrixwritetocas(session, matrix, caslib, table, colnames=None):
    import os

    import numpy as np
    lib = _cas_library(session, caslib)
    if lib.readonly:
        raise E.IMLRuntimeError(f"Library {lib.name} is read-only.", hint="write the table to another caslib")
    member = _text(table)
    if chars(table).size != 1 or not member.replace("_", "a").isalnum() or member[0].isdigit():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"'{member}' is not a valid table name")
    values = as_array(matrix)
    if values.size == 0:
        raise E.IMLRuntimeError(E.NOT_SET, hint="the matrix to write has no value")
    names = ([str(n).strip() for n in np.asarray(chars(colnames)).ravel()] if colnames is not None
             else [f"COL{j + 1}" for j in range(values.shape[1])])
    if len(names) != values.shape[1]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{values.shape[1]} columns but {len(names)} names")
    if is_char(matrix):
        width = max(1, max((len(str(v)) for v in values.ravel()), default=1))
        out = Table(names, ["C"] * len(names), [width] * len(names),
                    [char_column(values[:, j], width) for j in range(values.shape[1])])
    else:
        out = Table(names, ["N"] * len(names), [8] * len(names),
                    [np.array(values[:, j], dtype=float) for j in range(values.shape[1])])
    path = os.path.join(lib.path, f"{member.lower()}.{lib.native_format()}")
    sandbox.check(session, f"Writing the table {lib.name}.{member.upper()} to", path, write=True)
    write_table(out, path, member.upper())
    session.note(f"The table {member.upper()} has {values.shape[0]} rows and {values.shape[1]} columns "
                 f"(library {lib.name}).")


@builtin("MATRIXCREATEFROMCAS(caslib, table <, options>)",
         "Reads a CAS table into a matrix: its numeric variables (or, if it has none, its character ones), "
         "one column per variable.", session=True, partial=CAS_NOTE + "; the options argument is not supported",
         example=("call MatrixWriteToCas({1 2, 3 4}, '', 'Pairs');\nm = MatrixCreateFromCas('', 'Pairs');\nprint m;",
                  "        m\n        1         2\n        3         4\n\n"))
def matrixcreatefromcas(session, caslib, table, options=None):
    import numpy as np
    lib = _cas_library(session, caslib)
    member = _text(table)
    data = read_table(member_path(lib, f"{lib.name}.{member.upper()}", member))
    if options is not None and _text(options):
        session.note("MatrixCreateFromCas: the options argument is not supported and was ignored.")
    numeric = [c for c, k in zip(data.cols, data.kinds) if k == "N"]
    if numeric:
        return np.column_stack(numeric) if data.nobs else np.empty((0, len(numeric)))
    text = [c for c, k in zip(data.cols, data.kinds) if k == "C"]
    if not text or not data.nobs:
        return EMPTY
    return char_matrix(np.column_stack(text).tolist())
