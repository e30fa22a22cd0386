"""IML tables (SAS/IML 14.2+): an in-memory data set held by one symbol.

SAS rules followed here (SAS/IML User's Guide, chapter "Tables" and the TABLE* function pages):
  * a table holds named columns, each numeric or character, all with the same number of rows;
    each column may carry a label, a format and an informat; names are case-insensitive;
  * a table is not a matrix: arithmetic and subscripts do not apply — extract columns with
    TableGetVarData; TYPE(t) is 'T', NROW(t) the number of observations, NCOL(t) the number of
    variables;
  * TableCreateFromDataSet / TableWriteToDataSet take data set options (KEEP= DROP= RENAME=
    WHERE= FIRSTOBS= OBS=); as for any SAS data set, DROP=/KEEP= use the original names, WHERE=
    sees the renamed ones, and FIRSTOBS=/OBS= count the observations WHERE= kept.

A table value is immutable here: the CALL subroutines that "change" a table (TableAddVar,
TableSetVarLabel ...) build a new table and store it in the caller's symbol, so a statement
that fails leaves the old table untouched, like every other IML value.
"""
from __future__ import annotations

import re
from typing import Optional

import numpy as np

from .. import errors as E
from .values import EMPTY, char_matrix, char_width, is_char, to_str, wrap


class DataTable:
    """An IML table: parallel lists of names, 1-D columns, labels, formats and informats.

    Numeric columns are 1-D float64 arrays (NaN = missing); character columns are 1-D numpy
    unicode arrays without trailing blanks whose item size is the column's length."""

    IML_TYPE = "T"
    __slots__ = ("names", "cols", "labels", "formats", "informats")

    def __init__(self, names=(), cols=(), labels=None, formats=None, informats=None):
        self.names = list(names)
        self.cols = list(cols)
        n = len(self.names)
        self.labels = list(labels) if labels is not None else [""] * n
        self.formats = list(formats) if formats is not None else [""] * n
        self.informats = list(informats) if informats is not None else [""] * n

    # ------------------------------------------------------------ shape and lookup
    @property
    def nobs(self) -> int:
        return len(self.cols[0]) if self.cols else 0

    @property
    def nvars(self) -> int:
        return len(self.names)

    @property
    def shape(self) -> tuple:
        """NROW/NCOL read this: observations x variables."""
        return (self.nobs, self.nvars)

    def kind(self, j: int) -> str:
        return "C" if self.cols[j].dtype.kind == "U" else "N"

    def width(self, j: int) -> int:
        return char_width(self.cols[j]) if self.kind(j) == "C" else 8

    def index(self, name: str) -> int:
        low = name.strip().lower()
        for j, n in enumerate(self.names):
            if n.lower() == low:
                return j
        return -1

    def copy(self) -> "DataTable":
        """A new table sharing the (never modified) column arrays."""
        return DataTable(self.names, self.cols, self.labels, self.formats, self.informats)

    def column_value(self, j: int, rows=None):
        """Column j (over `rows`, default all) as an IML n x 1 value."""
        col = self.cols[j] if rows is None else self.cols[j][rows]
        if col.size == 0:
            return EMPTY
        if self.kind(j) == "N":
            return wrap(col.reshape(-1, 1))
        return col.reshape(-1, 1).copy()

    # ------------------------------------------------------------ building
    def add(self, name: str, col: np.ndarray) -> None:
        """Append a column (the caller has checked the name and the length)."""
        self.names.append(name)
        self.cols.append(col)
        self.labels.append("")
        self.formats.append("")
        self.informats.append("")

    def subset(self, cols: list, rows=None) -> "DataTable":
        pick = (lambda c: c) if rows is None else (lambda c: c[rows])
        return DataTable([self.names[j] for j in cols], [pick(self.cols[j]) for j in cols],
                         [self.labels[j] for j in cols], [self.formats[j] for j in cols],
                         [self.informats[j] for j in cols])


def is_table(v) -> bool:
    return type(v) is DataTable


def need_table(v, what: str = "table") -> DataTable:
    if type(v) is DataTable:
        return v
    if v is None or (type(v) is np.ndarray and v.size == 0):
        raise E.IMLRuntimeError(E.NOT_SET, hint=f"the {what} argument has no value; create it with TableCreate")
    raise E.IMLRuntimeError("The argument should be a table.",
                            hint=f"the {what} argument is a {'list' if hasattr(v, 'items') else 'matrix'}; "
                                 "create a table with TableCreate or TableCreateFromDataSet")


# ---------------------------------------------------------------- columns of an IML value
def matrix_columns(value, count: int, what: str) -> list:
    """The columns of a matrix as 1-D table columns; the matrix must have `count` columns."""
    if value is None or (type(value) is np.ndarray and value.size == 0):
        raise E.IMLRuntimeError(E.NOT_SET, hint=f"{what} has no value")
    if type(value) is float:
        arr = np.array([[value]])
    elif type(value) is np.ndarray:
        arr = value
    else:
        raise E.IMLRuntimeError("A table column must be a numeric or character matrix.",
                                hint=f"{what} is a {'list' if hasattr(value, 'items') else 'table'}")
    if arr.shape[1] != count:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"{count} column name{'s' if count != 1 else ''} for a matrix with {arr.shape[1]} column"
            f"{'s' if arr.shape[1] != 1 else ''}: give one name per column (a column vector for one name)"))
    if arr.dtype.kind == "U":
        return [np.ascontiguousarray(arr[:, j]) for j in range(count)]
    return [np.array(arr[:, j], dtype=float) for j in range(count)]


def names_list(value, what: str = "variable names") -> list:
    """Column names from a character matrix, checked as SAS names (up to 32 characters)."""
    if not is_char(value):
        if value is None or (type(value) is np.ndarray and value.size == 0):
            raise E.IMLRuntimeError(E.NOT_SET, hint=f"the {what} have no value")
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint=f"the {what} must be a character matrix")
    names = [str(s).strip() for s in value.reshape(-1)]
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name):
            raise E.IMLRuntimeError(f"'{name}' is not a valid SAS variable name.",
                                    hint="a name starts with a letter or _, has letters, digits and _, at most 32 characters")
    return names


def add_columns(table: DataTable, names: list, columns: list) -> None:
    """Add columns to `table` in place (only to a table the caller has just built or copied)."""
    for name, col in zip(names, columns):
        if table.index(name) >= 0:
            raise E.IMLRuntimeError(f"The table already has a column named '{name}'.",
                                    hint="column names are case-insensitive; choose another name or use TableRenameVar")
        if table.nvars and len(col) != table.nobs:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
                f"column '{name}' has {len(col)} rows but the table has {table.nobs}: every column of a table has the same length"))
        table.add(name, col)


def column_numbers(table: DataTable, cols, what: str = "columns") -> list:
    """0-based column numbers from a vector of 1-based numbers or of names (None = all)."""
    if cols is None:
        return list(range(table.nvars))
    if is_char(cols):
        out = []
        for name in (str(s).strip() for s in cols.reshape(-1)):
            j = table.index(name)
            if j < 0:
                raise E.IMLRuntimeError(f"The table has no column named '{name}'.",
                                        hint="its columns are " + (" ".join(table.names) or "(none)"))
            out.append(j)
        return out
    if type(cols) is float or (type(cols) is np.ndarray and cols.dtype.kind == "f" and cols.size):
        out = []
        for x in np.asarray(cols, dtype=float).reshape(-1):
            if x != x or x != int(x) or not 1 <= x <= table.nvars:
                raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"column number {x:g} is not in 1..{table.nvars}")
            out.append(int(x) - 1)
        return out
    raise E.IMLRuntimeError(E.NOT_SET, hint=f"the {what} argument has no value")


def row_numbers(table: DataTable, rows) -> Optional[np.ndarray]:
    if rows is None:
        return None
    if is_char(rows):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint="rows are given by number")
    idx = np.asarray(rows, dtype=float).reshape(-1)
    bad = np.isnan(idx) | (idx != np.floor(idx)) | (idx < 1) | (idx > table.nobs)
    if bad.any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"row {idx[bad][0]:g} is not in 1..{table.nobs}")
    return idx.astype(int) - 1


def char_result(strings: list):
    """A 1 x k character row vector (or EMPTY)."""
    if not strings:
        return EMPTY
    return char_matrix([strings], max(max(len(s) for s in strings), 1))
