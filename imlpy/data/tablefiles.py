"""Data sets on disk: the in-memory Table and its CSV, SAS transport (.xpt) and .sas7bdat forms.

A SAS data set is a table of named variables, each numeric (8-byte floats, missing values
included) or character (fixed length, blank-padded; the blank value is character missing).
imlpy keeps a data set in memory as a `Table` and stores it as:

  * `.csv`  (written and read; no extra dependency). Header convention: a character variable's
    header cell is `Name$8` (name, `$`, length), a numeric one is the bare name; numeric missing
    values are written `.` (or `.A` ... `.Z`, `._`), character missing is the empty field. A CSV
    without the convention (written by another tool) gets its types inferred: a column whose
    non-blank cells are all numbers or `.` is numeric.
  * `.xpt`  SAS transport (written and read with pyreadstat, `pip install 'imlpy[data]'`);
  * `.sas7bdat` (read only, with pyreadstat).

Every write is atomic: the data go to a temporary file in the same folder, which then replaces
the target with os.replace, so a failure part-way never leaves a half-written data set.
"""
from __future__ import annotations

import csv
import os
import re
import tempfile
from typing import Callable, Optional

import numpy as np

from .. import errors as E
from ..matrix.values import IMLList, float_repr, is_char, missing_letter, special_missing

FORMATS = ("csv", "xpt", "sas7bdat")
WRITABLE = ("csv", "xpt")
_CHAR_HEADER = re.compile(r"^(.*?)\$(\d*)$")
_MISSING_TEXT = re.compile(r"^\.[A-Za-z_]?$")


class Table:
    """A data set in memory: parallel lists of names, kinds ('N'/'C'), char lengths and columns.

    Numeric columns are 1-D float64 arrays (NaN = missing); character columns are 1-D numpy
    unicode arrays without trailing blanks ('' = character missing)."""

    def __init__(self, names=None, kinds=None, widths=None, cols=None, label: str = ""):
        self.names: list = list(names or [])
        self.kinds: list = list(kinds or [])
        self.widths: list = list(widths or [])
        self.cols: list = list(cols or [])
        self.label = label

    @property
    def nobs(self) -> int:
        return len(self.cols[0]) if self.cols else 0

    def index(self, name: str) -> int:
        low = name.lower()
        for i, n in enumerate(self.names):
            if n.lower() == low:
                return i
        return -1

    def add_column(self, name: str, kind: str, width: int = 8) -> None:
        self.names.append(name)
        self.kinds.append(kind)
        self.widths.append(width if kind == "C" else 8)
        n = self.nobs if len(self.cols) else 0
        self.cols.append(np.full(n, np.nan) if kind == "N" else np.full(n, "", dtype="<U1"))

    def take(self, rows) -> "Table":
        return Table(self.names, self.kinds, self.widths, [c[rows] for c in self.cols], self.label)

    def copy(self) -> "Table":
        return Table(self.names, self.kinds, self.widths, [c.copy() for c in self.cols], self.label)


def char_column(values, width: Optional[int] = None) -> np.ndarray:
    arr = np.array(["" if v is None else str(v).rstrip(" ") for v in values], dtype=str)
    if arr.size == 0:
        arr = np.zeros(0, dtype="<U1")
    if width:
        arr = arr.astype(f"<U{max(width, arr.dtype.itemsize // 4, 1)}")
    return arr


def format_of(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower()


# ---------------------------------------------------------------- reading
def read_table(path: str) -> Table:
    kind = format_of(path)
    try:
        if kind == "csv":
            return _read_csv(path)
        return _read_readstat(path, kind)
    except E.IMLError:
        raise
    except (OSError, ValueError, UnicodeError, csv.Error) as exc:
        raise E.IMLRuntimeError(f"Unable to read the data set file {path}.", hint=str(exc)[:200])
    except Exception as exc:      # pyreadstat raises its own exception types on corrupt files
        raise E.IMLRuntimeError(f"Unable to read the data set file {path}.",
                                hint=f"{type(exc).__name__}: {str(exc)[:200]}")


def _read_csv(path: str) -> Table:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return Table()
    header, body = rows[0], rows[1:]
    table = Table()
    for j, cell in enumerate(header):
        cells = [r[j] if j < len(r) else "" for r in body]
        m = _CHAR_HEADER.match(cell)
        if m and m.group(1):
            col = char_column(cells)
            width = int(m.group(2)) if m.group(2) else max(col.dtype.itemsize // 4, 1)
            table.names.append(m.group(1))
            table.kinds.append("C")
            table.widths.append(width)
            table.cols.append(col)
            continue
        numbers = _parse_numbers(cells)
        table.names.append(cell.strip() or f"VAR{j + 1}")
        if numbers is None:
            col = char_column(cells)
            table.kinds.append("C")
            table.widths.append(max(col.dtype.itemsize // 4, 1))
            table.cols.append(col)
        else:
            table.kinds.append("N")
            table.widths.append(8)
            table.cols.append(numbers)
    return table


def _parse_numbers(cells: list) -> Optional[np.ndarray]:
    out = np.empty(len(cells))
    for i, c in enumerate(cells):
        s = c.strip()
        if not s or s == ".":
            out[i] = np.nan
        elif _MISSING_TEXT.match(s):
            out[i] = special_missing(s[1:])
        else:
            try:
                out[i] = float(s)
            except ValueError:
                return None
    return out


def _readstat():
    try:
        import pyreadstat
    except ImportError:
        raise E.IMLRuntimeError("Reading and writing SAS data set files (.sas7bdat, .xpt) needs pyreadstat.",
                                hint="pip install 'imlpy[data]'  (or store the data set as .csv)")
    return pyreadstat


def _read_readstat(path: str, kind: str) -> Table:
    prs = _readstat()
    reader = prs.read_sas7bdat if kind == "sas7bdat" else prs.read_xport
    data, meta = reader(path, output_format="dict", disable_datetime_conversion=True)
    types = getattr(meta, "readstat_variable_types", {}) or {}
    widths = getattr(meta, "variable_storage_width", {}) or {}
    table = Table(label=getattr(meta, "file_label", "") or "")
    for name in meta.column_names:
        values = list(data[name])
        if types.get(name) == "string":
            col = char_column(values)
            table.kinds.append("C")
            table.widths.append(int(widths.get(name) or max(col.dtype.itemsize // 4, 1)))
        else:
            col = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
            table.kinds.append("N")
            table.widths.append(8)
        table.names.append(name)
        table.cols.append(col)
    return table


# ---------------------------------------------------------------- writing
def atomic_write(path: str, writer: Callable[[str], None]) -> None:
    """Run writer(temporary path) in the target's folder, then move the result into place.

    On any failure the temporary file is removed and the old data set (if any) is untouched."""
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_table(table: Table, path: str, name: str = "") -> None:
    kind = format_of(path)
    if kind not in WRITABLE:
        raise E.IMLRuntimeError(f"imlpy cannot write .{kind} files.", hint="it writes .csv and .xpt data sets")
    try:
        if kind == "csv":
            atomic_write(path, lambda tmp: _write_csv(table, tmp))
        else:
            prs = _readstat()
            atomic_write(path, lambda tmp: _write_xpt(prs, table, tmp, name))
    except E.IMLError:
        raise
    except Exception as exc:
        raise E.IMLRuntimeError(f"Unable to write the data set file {path}; the old contents are unchanged.",
                                hint=f"{type(exc).__name__}: {str(exc)[:200]}")


def _cell(value: float) -> str:
    if value != value:
        return "." + missing_letter(value)
    return float_repr(value)


def _write_csv(table: Table, tmp: str) -> None:
    header = [n if k == "N" else f"{n}${w}" for n, k, w in zip(table.names, table.kinds, table.widths)]
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        columns = [[_cell(float(v)) for v in c] if k == "N" else [str(v) for v in c]
                   for c, k in zip(table.cols, table.kinds)]
        for row in zip(*columns):
            w.writerow(row)
        fh.flush()
        os.fsync(fh.fileno())


def _write_xpt(prs, table: Table, tmp: str, name: str) -> None:
    try:
        import pandas as pd
    except ImportError:
        raise E.IMLRuntimeError("Writing .xpt data sets needs pandas next to pyreadstat.",
                                hint="pip install 'imlpy[data]'  (or store the data set as .csv)")
    frame = pd.DataFrame({n: (c.astype(float) if k == "N" else c.astype(object))
                          for n, k, c in zip(table.names, table.kinds, table.cols)},
                         columns=table.names)
    short = all(len(n) <= 8 for n in table.names) and all(w <= 200 for w in table.widths)
    version = 5 if short else 8
    tname = (name or "DATA").upper()[: 8 if version == 5 else 32]
    prs.write_xport(frame, tmp, table_name=tname, file_format_version=version,
                    file_label=table.label or "")


def as_values(value, name: str) -> tuple:
    """A matrix as ('N' or 'C', flat 1-D array in row-major order, char width)."""
    if isinstance(value, IMLList):
        raise E.IMLRuntimeError(f"The list {name.upper()} cannot be written to a data set.")
    if value is None or (isinstance(value, np.ndarray) and value.size == 0):
        return None, None, 0
    if type(value) is float:
        return "N", np.array([value]), 8
    if is_char(value):
        return "C", value.ravel(), max(value.dtype.itemsize // 4, 1)
    return "N", np.asarray(value, dtype=float).ravel(), 8
