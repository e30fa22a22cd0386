"""IML operators on matrix values, with SAS's shape rules and missing-value rules.

The evaluator handles scalar (float) operands inline; everything else comes here. Each function
raises IMLRuntimeError with SAS's message and a plain-words hint; the evaluator adds the position
and the operand names.
"""
from __future__ import annotations

import re

import numpy as np

from .. import errors as E
from . import lazykron
from .dense import inverse, kron_arrays
from .values import EMPTY, IMLList, as_array, char_width, check_allocation, is_char, missing_order, numeric_array, shape_of, wrap

OP_WORDS = {
    "+": "addition", "-": "subtraction", "#": "elementwise multiplication", "/": "division",
    "##": "elementwise power", "<>": "elementwise maximum", "><": "elementwise minimum",
    "<": "comparison", "<=": "comparison", ">": "comparison", ">=": "comparison",
    "=": "comparison", "^=": "comparison", "&": "logical AND", "|": "logical OR",
}


# ---------------------------------------------------------------- shape rules
def conform_hint(op: str, sa: tuple, sb: tuple) -> str:
    return (f"{op} works elementwise: the operands must have the same shape, or one must be a "
            f"scalar, a row vector with as many columns, or a column vector with as many rows; "
            f"here they are {sa[0]} x {sa[1]} and {sb[0]} x {sb[1]}")


def check_conform(op: str, a: np.ndarray, b: np.ndarray) -> None:
    """SAS: an n x p matrix combines with n x p, 1 x p, n x 1 or 1 x 1 — nothing else.

    numpy would also broadcast a 1 x p row against an n x 1 column into an outer product;
    SAS calls that an error, and so do we.
    """
    sa, sb = a.shape, b.shape
    if sa == sb or sa == (1, 1) or sb == (1, 1):
        return
    (n, p), (m, q) = sa, sb
    if (n == 1 and p == q) or (m == 1 and p == q) or (p == 1 and n == m) or (q == 1 and n == m):
        return
    raise E.IMLRuntimeError(E.NOT_CONFORM, hint=conform_hint(op, sa, sb))


def _operands(op: str, a, b, want_numeric: bool = True):
    if type(a) is np.ndarray and a.size == 0:
        raise E.not_set()
    if type(b) is np.ndarray and b.size == 0:
        raise E.not_set()
    if isinstance(a, IMLList) or isinstance(b, IMLList):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{op} cannot be applied to a list")
    A, B = as_array(a), as_array(b)
    if want_numeric and (A.dtype.kind == "U" or B.dtype.kind == "U"):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"{op} needs numeric operands")
    check_conform(op, A, B)
    return A, B


# ---------------------------------------------------------------- arithmetic
def add(a, b):
    if is_char(a) or is_char(b):
        return concat_strings(a, b)
    A, B = _operands("+", a, b)
    return wrap(A + B)


def sub(a, b):
    A, B = _operands("-", a, b)
    return wrap(A - B)


def emul(a, b):
    A, B = _operands("#", a, b)
    return wrap(A * B)


def div(a, b, warn=None):
    A, B = _operands("/", a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        R = A / B
    zero = (B == 0)
    if zero.any():
        R = np.where(np.broadcast_to(zero, R.shape), np.nan, R)
        if warn:
            warn("Division by zero detected; the result is set to missing.")
    return wrap(R)


def epow(a, b):
    A, B = _operands("##", a, b)
    with np.errstate(all="ignore"):
        R = np.power(A, B)
    R[np.isinf(R) & ~np.isinf(np.broadcast_to(A, R.shape))] = np.nan
    return wrap(R)


def emax(a, b):
    if is_char(a) and is_char(b):
        A, B = as_array(a), as_array(b)
        check_conform("<>", A, B)
        w = max(char_width(A), char_width(B))
        return np.where(A >= B, A, B).astype(f"<U{w}")
    A, B = _operands("<>", a, b)
    # SAS: missing is smaller than any number
    return wrap(np.where(np.isnan(A) | (B > A), B, A))


def emin(a, b):
    if is_char(a) and is_char(b):
        A, B = as_array(a), as_array(b)
        check_conform("><", A, B)
        w = max(char_width(A), char_width(B))
        return np.where(A <= B, A, B).astype(f"<U{w}")
    A, B = _operands("><", a, b)
    return wrap(np.where(np.isnan(B) | (B < A), B, A))


def matmul(a, b):
    if hasattr(a, "materialize") or hasattr(b, "materialize"):
        return wrap(lazykron.matmul(a, b))
    if type(a) is float or type(b) is float or shape_of(a) == (1, 1) or shape_of(b) == (1, 1):
        A, B = _operands("*", a, b)
        return wrap(A * B)
    A, B = numeric_array(a), numeric_array(b)
    if A.shape[1] != B.shape[0]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"* is the matrix product: it needs ncol(left) = nrow(right), but here it is "
            f"{A.shape[0]} x {A.shape[1]} times {B.shape[0]} x {B.shape[1]}"
            + (" (did you mean # for elementwise multiplication?)" if A.shape == B.shape else "")))
    return wrap(A @ B)


def kron(a, b):
    if (type(a) is np.ndarray and type(b) is np.ndarray and a.dtype.kind == "f" and b.dtype.kind == "f"
            and 0 < a.size * b.size < min(4096, lazykron.LAZY_MIN_ELEMENTS)):
        # the small-product fast path (per-operation overhead matters in loops)
        n, p = a.shape
        m, q = b.shape
        return (a[:, None, :, None] * b[None, :, None, :]).reshape(n * m, p * q)
    if is_char(a) or is_char(b):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint="@ (the Kronecker product) multiplies numbers: both operands must be numeric")
    A, B = numeric_array(a), numeric_array(b)
    if A.size * B.size < lazykron.LAZY_MIN_ELEMENTS:     # small: formed at once
        return wrap(kron_arrays(A, B))
    return lazykron.KronMatrix(A, B)


def mpow(a, b):
    A = numeric_array(a)
    B = numeric_array(b)
    if B.size != 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="the exponent of ** must be a scalar")
    k = float(B.flat[0])
    if A.shape == (1, 1):
        if k != k:
            return np.nan
        with np.errstate(all="ignore"):
            return wrap(np.power(A, k))
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"** needs a square matrix; this one is {A.shape[0]} x {A.shape[1]}")
    if k != k or abs(k) > 2**31:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the power of a matrix must be a whole number, not missing")
    if np.isnan(A).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="** does not accept missing values in a matrix")
    k = int(k)
    if k < 0:
        A = inverse(A)
        k = -k
    return wrap(np.linalg.matrix_power(A, k))


# ---------------------------------------------------------------- comparisons and logic
_CMP = {
    "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
    "=": np.equal, "^=": np.not_equal,
}


def compare(op: str, a, b):
    if is_char(a) != is_char(b):
        if type(a) is np.ndarray and a.size == 0 or type(b) is np.ndarray and b.size == 0:
            raise E.not_set()
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint=f"{op} cannot compare a character value with a number")
    if is_char(a):
        A, B = as_array(a), as_array(b)
        if A.size == 0 or B.size == 0:
            raise E.not_set()
        check_conform(op, A, B)
        return wrap(_CMP[op](A, B))
    A, B = _operands(op, a, b)
    nan_a, nan_b = np.isnan(A), np.isnan(B)
    if not (nan_a.any() or nan_b.any()):
        return wrap(_CMP[op](A, B))
    # SAS: missing values compare as smaller than any number, in the order ._ < . < .A < ... < .Z
    cls_a, cls_b = (~nan_a).astype(np.int8), (~nan_b).astype(np.int8)
    key_a = np.where(nan_a, missing_order(A), np.nan_to_num(A))
    key_b = np.where(nan_b, missing_order(B), np.nan_to_num(B))
    less = (cls_a < cls_b) | ((cls_a == cls_b) & (key_a < key_b))
    greater = (cls_a > cls_b) | ((cls_a == cls_b) & (key_a > key_b))
    result = {"<": less, "<=": ~greater, ">": greater, ">=": ~less,
              "=": ~less & ~greater, "^=": less | greater}[op]
    return wrap(result)


def logical_values(v, op: str) -> np.ndarray:
    A = as_array(v)
    if A.size == 0:
        raise E.not_set()
    if A.dtype.kind == "U":
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"{op} needs numeric operands")
    return (A != 0) & ~np.isnan(A)   # SAS: missing counts as false


def logical_and(a, b):
    A, B = logical_values(a, "&"), logical_values(b, "&")
    check_conform("&", A, B)
    return wrap(A & B)


def logical_or(a, b):
    A, B = logical_values(a, "|"), logical_values(b, "|")
    check_conform("|", A, B)
    return wrap(A | B)


def logical_not(a):
    return wrap(~logical_values(a, "^"))


def negate(a):
    A = numeric_array(a)
    return wrap(-A)


def transpose(a):
    if isinstance(a, IMLList):
        raise E.IMLRuntimeError("A list cannot be transposed.")
    if type(a) is float:
        return a
    if hasattr(a, "materialize"):
        return a.T
    return a.T.copy() if a.size else EMPTY


# ---------------------------------------------------------------- concatenation
def _concat_parts(a, b, op):
    if isinstance(a, IMLList) and isinstance(b, IMLList):
        return None
    a_empty = type(a) is np.ndarray and a.size == 0
    b_empty = type(b) is np.ndarray and b.size == 0
    if a_empty and b_empty:
        return EMPTY
    if a_empty:
        return b if type(b) is float else b.copy()
    if b_empty:
        return a if type(a) is float else a.copy()
    A, B = as_array(a), as_array(b)
    if (A.dtype.kind == "U") != (B.dtype.kind == "U"):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint=f"{op} cannot join character and numeric matrices")
    return A, B


def hconcat(a, b):
    if isinstance(a, IMLList) and isinstance(b, IMLList):
        return IMLList(a.items + b.items, a.names + b.names)
    parts = _concat_parts(a, b, "||")
    if not isinstance(parts, tuple):
        return parts
    A, B = parts
    if A.shape[0] != B.shape[0]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"|| needs the same number of rows: the left operand is {A.shape[0]} x {A.shape[1]}, "
            f"the right one {B.shape[0]} x {B.shape[1]}"))
    return wrap(np.concatenate((A, B), axis=1))


def vconcat(a, b):
    parts = _concat_parts(a, b, "//")
    if not isinstance(parts, tuple):
        return parts
    A, B = parts
    if A.shape[1] != B.shape[1]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=(
            f"// needs the same number of columns: the top operand is {A.shape[0]} x {A.shape[1]}, "
            f"the bottom one {B.shape[0]} x {B.shape[1]}"))
    return wrap(np.concatenate((A, B), axis=0))


def concat_strings(a, b):
    """Character `+` (and CONCAT): trailing blanks of the left operand are kept."""
    if not (is_char(a) and is_char(b)):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint="+ cannot add a number to a character value")
    A, B = as_array(a), as_array(b)
    check_conform("+", A, B)
    wa, wb = char_width(A), char_width(B)
    joined = np.char.add(np.char.ljust(A, wa), B)
    return np.char.rstrip(joined, " ").astype(f"<U{wa + wb}")


# ---------------------------------------------------------------- index creation
_SUFFIX = re.compile(r"^(.*?)(\d+)$")


def index_range(a, b):
    """a:b — a row vector counting by +1 or -1; character operands count a numeric suffix."""
    if is_char(a) or is_char(b):
        return _char_range(a, b)
    A, B = numeric_array(a), numeric_array(b)
    if A.size != 1 or B.size != 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=": needs scalar operands")
    start, stop = float(A.flat[0]), float(B.flat[0])
    if start != start or stop != stop:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the bounds of : cannot be missing")
    check_allocation(abs(stop - start), "a:b")
    if stop >= start:
        count = int(np.floor(stop - start + 1e-12)) + 1
        values = start + np.arange(count)
    else:
        count = int(np.floor(start - stop + 1e-12)) + 1
        values = start - np.arange(count)
    if count > 2**31:
        raise E.IMLRuntimeError("Unable to allocate sufficient memory.", hint=f"{count} elements requested")
    return wrap(values.reshape(1, -1))


def _char_range(a, b):
    if not (is_char(a) and is_char(b)):
        raise E.IMLRuntimeError(E.TYPE_MISMATCH, hint=": needs two numbers or two character values")
    sa, sb = str(as_array(a).flat[0]), str(as_array(b).flat[0])
    ma, mb = _SUFFIX.match(sa), _SUFFIX.match(sb)
    if not ma or not mb or ma.group(1).upper() != mb.group(1).upper():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"'{sa}':'{sb}' needs the same prefix and numeric suffixes")
    lo, hi = int(ma.group(2)), int(mb.group(2))
    step = 1 if hi >= lo else -1
    names = [f"{ma.group(1)}{k}" for k in range(lo, hi + step, step)]
    return np.array([names], dtype=str)


BINARY = {
    "+": add, "-": sub, "#": emul, "/": div, "##": epow, "<>": emax, "><": emin,
    "*": matmul, "@": kron, "**": mpow, "||": hconcat, "//": vconcat, ":": index_range,
    "&": logical_and, "|": logical_or,
    "<": lambda a, b: compare("<", a, b), "<=": lambda a, b: compare("<=", a, b),
    ">": lambda a, b: compare(">", a, b), ">=": lambda a, b: compare(">=", a, b),
    "=": lambda a, b: compare("=", a, b), "^=": lambda a, b: compare("^=", a, b),
}

# Alternative spellings SAS accepts for the same operators.
ALIASES = {"~=": "^=", "¬=": "^=", "!": "|", "!!": "||", "~": "^", "¬": "^"}

OPERATION_NAMES = {"+": "+", "-": "-", "*": "*", "#": "#", "/": "/", "##": "##", "**": "**",
                   "@": "@", "||": "||", "//": "//", ":": ":", "<>": "<>", "><": "><"}

