"""IML values: every value is a matrix, numeric or character, plus IML lists.

Representation (chosen for speed in loops):
  * a numeric 1 x 1 matrix is a plain Python ``float`` — scalars stay cheap;
  * any other numeric matrix is a 2-D ``numpy.ndarray`` of float64 (row-major, like IML);
  * a character matrix is a 2-D numpy unicode array. The dtype's item size is IML's element
    length (NLENG); values are kept without trailing blanks, which is exactly SAS's rule that
    trailing blanks never matter in comparisons, while ``+``/CONCAT pad to the element length;
  * the empty (unvalued) matrix is the 0 x 0 array ``EMPTY``;
  * an IML list is an ``IMLList``.

Missing values are NaNs. SAS's special missing values .A-.Z and ._ are NaNs whose low payload
bits hold a code, so they survive copies and compare in SAS's order ._ < . < .A < ... < .Z.
"""
from __future__ import annotations

import math
import struct
from typing import Any, Optional

import numpy as np

from .. import errors as E

MISSING = float("nan")
EMPTY = np.zeros((0, 0))
EMPTY.flags.writeable = False

_QNAN_BITS = 0x7FF8000000000000
_SPECIAL_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"


# ---------------------------------------------------------------- missing values
def special_missing(letter: str) -> float:
    """The float for `.A` ... `.Z`, `._`; `.` itself is the plain NaN."""
    letter = letter.upper()
    if not letter:
        return MISSING
    code = _SPECIAL_LETTERS.index(letter) + 1
    return struct.unpack("<d", struct.pack("<Q", _QNAN_BITS | code))[0]


def missing_letter(x: float) -> str:
    """'' for an ordinary missing value, 'A'..'Z' or '_' for a special one."""
    code = struct.unpack("<Q", struct.pack("<d", x))[0] & 0xFF
    if 1 <= code <= len(_SPECIAL_LETTERS) and (struct.unpack("<Q", struct.pack("<d", x))[0]
                                               & 0x7FFFFFFFFFFFFF00) == _QNAN_BITS:
        return _SPECIAL_LETTERS[code - 1]
    return ""


def missing_order(arr: np.ndarray) -> np.ndarray:
    """Sort key of missing values: ._ = -1, . = 0, .A..Z = 1..26 (only meaningful where NaN)."""
    bits = np.ascontiguousarray(arr, dtype=np.float64).view(np.uint64)
    code = (bits & np.uint64(0xFF)).astype(np.int64)
    special = ((bits & np.uint64(0x7FFFFFFFFFFFFF00)) == np.uint64(_QNAN_BITS)) & (code >= 1) & (code <= 27)
    order = np.where(special, code, 0)
    return np.where(order == 27, -1, order)


# ---------------------------------------------------------------- kinds and shapes
def is_char(v: Any) -> bool:
    return type(v) is np.ndarray and v.dtype.kind == "U"


def is_numeric(v: Any) -> bool:
    return type(v) is float or (type(v) is np.ndarray and v.dtype.kind == "f" and v.size > 0)


def is_empty(v: Any) -> bool:
    return type(v) is np.ndarray and v.size == 0


def shape_of(v: Any) -> tuple:
    if type(v) is float:
        return (1, 1)
    if isinstance(v, np.ndarray):
        return v.shape
    if isinstance(v, IMLList):
        return (len(v.items), 1)
    return getattr(v, "shape", (1, 1))


def type_code(v: Any) -> str:
    """TYPE(): 'N', 'C', 'U' (unvalued), 'L' (list), 'T' (table)."""
    if type(v) is float:
        return "N"
    if isinstance(v, IMLList):
        return "L"
    if v is None or is_empty(v):
        return "U"
    if getattr(v, "IML_TYPE", None) == "T":
        return "T"
    return "C" if v.dtype.kind == "U" else "N"


def check_allocation(elements: float, what: str = "") -> None:
    """Refuse an allocation that cannot fit, with SAS's message instead of an OOM kill."""
    need = float(elements) * 8
    if need < _SMALL_ALLOCATION:
        return
    if need > memory_limit():
        raise E.IMLRuntimeError("Unable to allocate sufficient memory.", hint=(
            f"{what + ' needs ' if what else ''}{need / 2**30:.3g} GiB; at most {memory_limit() / 2**30:.3g} GiB may be used "
            "(see --max-memory)"))


_MEMORY_LIMIT = [None]
_SMALL_ALLOCATION = 64 * 2**20     # below 64 MiB nobody needs asking


def set_memory_limit(nbytes: Optional[float]) -> None:
    _MEMORY_LIMIT[0] = nbytes


def memory_limit() -> float:
    """The most one value may take: --max-memory, else 80% of the memory available now."""
    if _MEMORY_LIMIT[0]:
        return _MEMORY_LIMIT[0]
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024 * 0.8
    except OSError:
        pass
    return 8 * 2**30


def char_width(arr: np.ndarray) -> int:
    """The element length (NLENG) of a character matrix."""
    return max(arr.dtype.itemsize // 4, 1)


# ---------------------------------------------------------------- conversions
def as_array(v: Any) -> np.ndarray:
    """Any matrix value as a 2-D ndarray (scalars become 1 x 1; lazy products are formed)."""
    if type(v) is float:
        return np.array([[v]])
    if type(v) is np.ndarray:
        return v
    if hasattr(v, "materialize"):
        return v.materialize()
    if isinstance(v, IMLList):
        raise E.IMLRuntimeError("A list cannot be used as a matrix in this operation.")
    if getattr(v, "IML_TYPE", None) == "T":
        raise E.IMLRuntimeError("A table cannot be used as a matrix in this operation.",
                                hint="extract its columns with TableGetVarData")
    if isinstance(v, (int, np.integer, np.floating, bool)):
        return np.array([[float(v)]])
    return np.asarray(v)


def wrap(result: Any) -> Any:
    """Normalise a computed result: 1 x 1 numeric arrays become floats, vectors become 2-D."""
    if type(result) is float:
        return result
    if isinstance(result, (int, bool, np.integer, np.floating, np.bool_)):
        return float(result)
    if isinstance(result, IMLList) or result is None or hasattr(result, "materialize"):
        return result
    arr = np.asarray(result)
    kind = arr.dtype.kind
    if kind in "biuf":
        if arr.size == 1:
            return float(arr.reshape(()))
        if kind != "f" or arr.dtype != np.float64:
            arr = arr.astype(np.float64)
    elif kind == "S":
        arr = arr.astype(str)
    elif kind == "O":
        arr = arr.astype(str)
    elif kind == "c":
        raise E.IMLRuntimeError("Complex result: this operation has no real-valued answer.")
    if arr.ndim == 2:
        return arr
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape(1, -1) if arr.size else EMPTY
    raise E.IMLRuntimeError("Result has more than two dimensions.")


def char_matrix(strings: Any, width: Optional[int] = None) -> np.ndarray:
    """A character matrix from (nested lists of) strings; trailing blanks are dropped."""
    arr = np.array(strings, dtype=str)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    stripped = np.char.rstrip(arr, " ") if arr.size else arr
    w = width or max(arr.dtype.itemsize // 4, 1)
    return stripped.astype(f"<U{w}")


def char_scalar(s: str) -> np.ndarray:
    return char_matrix([[s]], max(len(s), 1))


def to_str(v: Any) -> str:
    """A 1 x 1 character value as a Python string (blank-stripped)."""
    if is_char(v) and v.size >= 1:
        return str(v.flat[0])
    raise E.IMLRuntimeError(E.NEED_CHARACTER)


def to_float(v: Any, what: str = "") -> float:
    if type(v) is float:
        return v
    if type(v) is np.ndarray and v.dtype.kind == "f" and v.size >= 1:
        return float(v.flat[0])
    if is_char(v):
        raise E.IMLRuntimeError(E.NEED_NUMERIC)
    raise E.not_set(what)


def to_int(v: Any) -> int:
    x = to_float(v)
    if x != x:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="a count or index cannot be missing")
    return int(x)


def numeric_array(v: Any, name: str = "") -> np.ndarray:
    """A numeric operand as an ndarray, or the SAS error for the wrong kind of value."""
    if type(v) is float:
        return np.array([[v]])
    if type(v) is np.ndarray:
        if v.size == 0:
            raise E.not_set(name)
        if v.dtype.kind == "U":
            raise E.IMLRuntimeError(E.NEED_NUMERIC)
        return v
    if isinstance(v, IMLList):
        raise E.IMLRuntimeError("A list was used where a matrix is needed.")
    if hasattr(v, "materialize"):
        return v.materialize()
    if getattr(v, "IML_TYPE", None) == "T":
        raise E.IMLRuntimeError("A table was used where a matrix is needed.",
                                hint="extract its columns with TableGetVarData")
    raise E.not_set(name)


def nonempty(v: Any, name: str = "") -> Any:
    if v is None or (type(v) is np.ndarray and v.size == 0):
        raise E.not_set(name)
    return v


def truth(v: Any) -> bool:
    """IF/WHILE truth: every element nonzero and nonmissing (an implicit ALL)."""
    if type(v) is float:
        return v != 0.0 and v == v
    if type(v) is np.ndarray:
        if v.size == 0:
            return False
        if v.dtype.kind == "U":
            return bool(np.all(np.char.str_len(v) > 0))
        return bool(np.all((v != 0) & ~np.isnan(v)))
    if hasattr(v, "materialize"):
        return truth(v.materialize())
    if getattr(v, "IML_TYPE", None) == "T":
        raise E.IMLRuntimeError("A table cannot be used as a condition.")
    raise E.IMLRuntimeError("A list cannot be used as a condition.")


def float_repr(x: float) -> str:
    if x != x:
        return "." + missing_letter(x)
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def describe_shape(v: Any) -> str:
    r, c = shape_of(v)
    return f"{r} x {c}"


class _Journal:
    """Undo records of in-place list changes made by the statement now running (Session.execute).

    SAS leaves every variable as it was when a statement fails; matrices are replaced, never changed
    in place, but lists are changed in place (L$1 = 5, CALL ListAddItem), so each list records its
    contents the first time it changes within a statement, and a failed statement puts them back."""
    depth = 0
    epoch = 0
    records: list = []


def journal_begin() -> int:
    _Journal.depth += 1
    _Journal.epoch += 1
    return len(_Journal.records)


def journal_end(mark: int, failed: bool) -> None:
    """Close a statement: undo the list changes since `mark` if it failed."""
    records = _Journal.records
    if failed:
        for lst, old in reversed(records[mark:]):
            list.__setitem__(lst, slice(None), old)
        del records[mark:]
    _Journal.depth -= 1
    _Journal.epoch += 1
    if _Journal.depth <= 0:
        _Journal.depth = 0
        records.clear()


def _tracked(method):
    def changed(self, *args, **kwargs):
        if _Journal.depth and self._epoch != _Journal.epoch:
            _Journal.records.append((self, list(self)))
            self._epoch = _Journal.epoch
        return method(self, *args, **kwargs)
    changed.__name__ = method.__name__
    return changed


class TrackedList(list):
    """A list that records its contents before its first change in a statement (see _Journal)."""
    __slots__ = ("_epoch",)

    def __init__(self, *args):
        super().__init__(*args)
        self._epoch = -1

    def __reduce__(self):
        # Rebuild through __init__: the default list pickling fills the new list with extend()
        # before _epoch exists, which fails when a statement is running in the unpickling process
        # (a Dask LocalCluster's scheduler runs inside the MAPREDUCE caller).
        return (type(self), (list(self),))

    for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend", "insert",
                  "pop", "remove", "clear", "sort", "reverse"):
        locals()[_name] = _tracked(getattr(list, _name))
    del _name


class IMLList:
    """An IML list: ordered items (matrices or lists), each optionally named (case-insensitive)."""

    __slots__ = ("items", "names")

    def __init__(self, items: Optional[list] = None, names: Optional[list] = None):
        self.items = TrackedList(items or [])
        self.names = TrackedList(names or [""] * len(self.items))

    def copy(self) -> "IMLList":
        return IMLList([x.copy() if isinstance(x, IMLList) else x for x in self.items], list(self.names))

    def position(self, key: Any) -> int:
        """0-based position of an item given by a 1-based index or a name."""
        if is_char(key):
            name = to_str(key).upper()
            for i, n in enumerate(self.names):
                if n.upper() == name:
                    return i
            raise E.IMLRuntimeError(f"The list has no item named '{to_str(key)}'.")
        k = to_int(key)
        if not 1 <= k <= len(self.items):
            raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"the list has {len(self.items)} items; index {k} is outside 1..{len(self.items)}")
        return k - 1


def check_finite_count(n: float, what: str) -> int:
    if n != n or math.isinf(n) or n < 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a nonnegative whole number")
    return int(n)
