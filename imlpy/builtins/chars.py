"""Character functions: CHAR, NUM, CONCAT, STRIP, TRIM, UPCASE, LOWCASE, SUBSTR, LENGTH, NLENG."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..formats import Format, best
from ..values import as_array, char_matrix, char_width, is_char, to_float, wrap
from .common import chars, count, num
from .registry import builtin


def _map_chars(x, fn, width=None):
    A = chars(x)
    out = [[fn(str(s)) for s in row] for row in A]
    w = width if width is not None else max([len(s) for row in out for s in row] + [1])
    return char_matrix(out, w)


@builtin("CHAR(x <,w <,d>>)", "Numbers as text in a w.d field (right-aligned); without w, the shortest exact form.",
         example=("print (char({1.5 10}, 4, 1));", "\n \n 1.5  10.0\n"))
def char(x, w=None, d=None):
    A = num(x)
    if w is None:
        cells = [[best(float(v), 12) for v in row] for row in A]
        width = max(len(c) for row in cells for c in row)
        return char_matrix([[c.rjust(width) for c in row] for row in cells], width)
    width = count(w, "w")
    fmt = Format("", width, None if d is None else count(d, "d"))
    cells = [[fmt.apply(float(v)) for v in row] for row in A]
    return char_matrix(cells, max(width, 1))


@builtin("NUM(x)", "Character values converted to numbers (missing when not a number).")
def num_(x):
    A = chars(x)
    def conv(s):
        s = s.strip()
        if s in ("", "."):
            return np.nan
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return np.nan
    return wrap(np.array([[conv(str(s)) for s in row] for row in A], dtype=float))


@builtin("CONCAT(c1, c2 <, ...>)", "Elementwise concatenation; each argument keeps its trailing blanks (like + on text).")
def concat(*args):
    from ..operators import concat_strings
    out = args[0]
    for a in args[1:]:
        out = concat_strings(out, a)
    return out


@builtin("STRIP(s)", "Removes leading and trailing blanks from each element.")
def strip(s):
    return _map_chars(s, lambda t: t.strip(" "))


@builtin("TRIM(s)", "Removes trailing blanks from each element.")
def trim(s):
    return _map_chars(s, lambda t: t.rstrip(" "), char_width(chars(s)))


@builtin("LEFT(s)", "Moves leading blanks to the end of each element.")
def left(s):
    return _map_chars(s, lambda t: t.lstrip(" "), char_width(chars(s)))


@builtin("UPCASE(s)", "Upper-case copy of each element.")
def upcase(s):
    return _map_chars(s, str.upper, char_width(chars(s)))


@builtin("LOWCASE(s)", "Lower-case copy of each element.")
def lowcase(s):
    return _map_chars(s, str.lower, char_width(chars(s)))


@builtin("SUBSTR(s, pos <,len>)", "Substring of each element starting at pos (1-based), of length len.")
def substr(s, pos, length=None):
    A = chars(s)
    P = num(pos)
    L = None if length is None else num(length)
    w = char_width(A)
    shape = np.broadcast_shapes(A.shape, P.shape, L.shape if L is not None else (1, 1))
    Ab = np.broadcast_to(A, shape)
    Pb = np.broadcast_to(P, shape)
    Lb = np.broadcast_to(L, shape) if L is not None else None
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        p = int(Pb[idx])
        text = str(Ab[idx]).ljust(w)
        if p < 1 or p > w:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"SUBSTR position {p} is outside 1..{w}")
        n = (w - p + 1) if Lb is None else int(Lb[idx])
        out[idx] = text[p - 1:p - 1 + n]
    width = max([len(str(v)) for v in out.reshape(-1)] + [1])
    return char_matrix(out.tolist(), width)


@builtin("LENGTH(s)", "Length of each element without trailing blanks (1 for a blank element).")
def length(s):
    A = chars(s)
    L = np.char.str_len(np.char.rstrip(A, " ")).astype(float)
    return wrap(np.maximum(L, 1.0))


@builtin("NLENG(x)", "The element length (storage width) of a character matrix; 8 for numeric.")
def nleng(x):
    if is_char(x):
        return float(char_width(x))
    return 8.0
