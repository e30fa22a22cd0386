"""Character functions (Base SAS functions applied elementwise, plus IML's own ones).

SAS rules kept here:
  * arguments that are matrices must conform; 1 x 1 arguments are used for every element;
  * a character result is a matrix whose element length is that of its longest element (values
    are stored without trailing blanks); functions that only move or recode characters (LEFT,
    RIGHT, UPCASE, LOWCASE, PROPCASE, REVERSE, TRANSLATE) keep the argument's element length;
  * an element of a character matrix is its value padded with blanks to the element length, so
    search strings and delimiters keep the trailing blanks they were written with.
"""
from __future__ import annotations

import re

import numpy as np

from .. import errors as E
from ..output.formats import Format, best
from ..matrix.values import as_array, char_matrix, char_width, is_char, wrap
from .common import chars, count, num
from .registry import builtin
from ..matrix.operators import concat_strings

# Base SAS's default word delimiters for SCAN and COUNTW (ASCII systems)
SCAN_DELIMS = " !$%&()*+,-./;<^|"


# ---------------------------------------------------------------- helpers
def padded(v) -> np.ndarray:
    """A character matrix as an object array of strings padded to the element length."""
    A = chars(v)
    w = char_width(A)
    return np.array([[str(s).ljust(w) for s in row] for row in A], dtype=object).reshape(A.shape)


def cells(v, pad: bool = True) -> np.ndarray:
    """Any matrix as an object array: padded strings for character, floats for numeric."""
    if is_char(v):
        return padded(v) if pad else as_array(v).astype(object)
    return num(v).astype(object)


def conform(*arrays) -> tuple:
    """Broadcast arguments the SAS way: every non-1x1 argument must have the same shape."""
    shapes = {a.shape for a in arrays if a.size != 1}
    if len(shapes) > 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="the matrix arguments must have the same dimensions "
                                "(or be 1 x 1): " + ", ".join(f"{r}x{c}" for r, c in sorted(shapes)))
    shape = shapes.pop() if shapes else (1, 1)
    return shape, [np.broadcast_to(a.reshape(1, 1) if a.size == 1 else a, shape) for a in arrays]


def text_result(out, width=None) -> np.ndarray:
    """A character result; element length = `width` or the longest value (at least 1)."""
    out = np.asarray(out, dtype=object)
    flat = [str(s).rstrip(" ") for s in out.reshape(-1)]
    w = width if width is not None else max([len(s) for s in flat] + [1])
    return char_matrix(np.array(flat, dtype=object).reshape(out.shape).tolist(), max(w, 1))


def _check_kinds(args, text):
    """The first `text` arguments must be character, the rest numeric (text=None: all character)."""
    n = len(args) if text is None else text
    for i, a in enumerate(args):
        if i < n and not is_char(a):
            raise E.IMLRuntimeError(E.NEED_CHARACTER, hint=f"argument {i + 1} must be character")
        if i >= n and is_char(a):
            raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"argument {i + 1} must be numeric")


def map_text(fn, *args, pad=True, width=None, text=None, mixed=False):
    """Apply fn(element, element, ...) over conforming arguments; character result."""
    if not mixed:
        _check_kinds(args, text)
    shape, grids = conform(*[cells(a, pad) for a in args])
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        out[idx] = fn(*[g[idx] for g in grids])
    return text_result(out, width)


def map_num(fn, *args, pad=True, text=None):
    """Apply fn over conforming arguments; numeric result."""
    _check_kinds(args, text)
    shape, grids = conform(*[cells(a, pad) for a in args])
    out = np.empty(shape, dtype=float)
    for idx in np.ndindex(shape):
        out[idx] = fn(*[g[idx] for g in grids])
    return wrap(out)


def as_text(x) -> str:
    """A cell as CAT sees it: numbers through BEST32. without blanks, text as is."""
    return x if isinstance(x, str) else best(float(x), 32)


def opt_text(v, default=None):
    """An optional character argument, padded (delimiters and character lists keep blanks)."""
    if v is None:
        return default
    return str(padded(v).flat[0])


# ---------------------------------------------------------------- conversion
@builtin("CHAR(x <,w <,d>>)", "Numbers as text right-aligned in w columns (default: the FW= width, 9), w.d or BESTw.",
         session=True, example=("c = char({1.5 10}, 4, 1);\nprint c (nleng(c));", 'c\n 1.5 10.0          4\n\n'))
def char(session, x, w=None, d=None):
    if is_char(x):
        return x
    A = num(x)
    width = count(w, "w") if w is not None else int(session.options.get("fw", 9))
    if width < 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the width w must be at least 1")
    fmt = Format("BEST" if d is None else "", width, None if d is None else count(d, "d"))
    out = [[fmt.apply(float(v)) for v in row] for row in A]
    return char_matrix(out, width)


@builtin("NUM(x)", "Character values converted to numbers (missing when not a number).")
def num_(x):
    A = chars(x)

    def conv(s):
        s = s.strip()
        if s in ("", "."):
            return np.nan
        try:
            return float(s)
        except ValueError:
            return np.nan
    return wrap(np.array([[conv(str(s)) for s in row] for row in A], dtype=float).reshape(A.shape))


@builtin("BLANKSTR(n)", "A 1 x 1 character value of n blanks (element length n).")
def blankstr(n):
    k = count(n, "n")
    if k < 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="BLANKSTR needs n >= 1")
    return char_matrix([[""]], k)


@builtin("BYTE(n)", "The character whose code (0-255) is n, elementwise.")
def byte(n):
    A = num(n)
    if np.isnan(A).any() or (A < 0).any() or (A > 255).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="BYTE needs codes from 0 to 255")
    return char_matrix([[chr(int(v)) for v in row] for row in A], 1)


# ---------------------------------------------------------------- concatenation
@builtin("CONCAT(c1, c2 <, ...>)", "Elementwise concatenation; each argument keeps its trailing blanks (like + on text).",
         example=("print (concat({'a' 'bb'}, 'x'));", 'a x bbx\n\n'))
def concat(*args):
    out = args[0]
    for a in args[1:]:
        out = concat_strings(out, a)
    return out


@builtin("CAT(a1 <, a2, ...>)", "Elementwise concatenation without removing blanks (numbers written with BEST32.).")
def cat(*args):
    return map_text(lambda *xs: "".join(as_text(x) for x in xs), *args, mixed=True)


@builtin("CATS(a1 <, a2, ...>)", "Elementwise concatenation after removing leading and trailing blanks of each item.",
         example=("print (cats(' a ', 'b', 3));", 'ab3\n\n'))
def cats(*args):
    return map_text(lambda *xs: "".join(as_text(x).strip(" ") for x in xs), *args, mixed=True)


@builtin("CATT(a1 <, a2, ...>)", "Elementwise concatenation after removing trailing blanks of each item.")
def catt(*args):
    return map_text(lambda *xs: "".join(as_text(x).rstrip(" ") for x in xs), *args, mixed=True)


@builtin("CATX(delim, a1 <, a2, ...>)", "Strips each item and joins the nonblank ones with the delimiter.",
         example=("print (catx('-', 'a', ' ', 'b'));", 'a-b\n\n'))
def catx(delim, *args):
    sep = opt_text(delim, "")
    return map_text(lambda *xs: sep.join(t for t in (as_text(x).strip(" ") for x in xs) if t), *args, mixed=True)


def _select(x, rows, cols):
    A = chars(x)
    if rows is not None:
        A = A[_index_list(rows, A.shape[0]), :]
    if cols is not None:
        A = A[:, _index_list(cols, A.shape[1])]
    return A


def _index_list(v, n):
    idx = num(v).reshape(-1)
    if np.isnan(idx).any() or (idx < 1).any() or (idx > n).any():
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"indices must be in 1..{n}")
    return (idx.astype(int) - 1).tolist()


@builtin("ROWCAT(x <,rows> <,cols>)", "Column vector: each row's elements concatenated, blanks kept (length ncol*NLENG).",
         example=("b = {'ABC' 'D  ' 'EF ', ' GH' ' I ' ' JK'};\na = rowcat(b);\nprint a;", 'a\nABCD  EF\n GH I  JK\n\n'))
def rowcat(x, rows=None, cols=None):
    A = _select(x, rows, cols)
    w = char_width(A)
    out = [["".join(str(s).ljust(w) for s in row)] for row in A]
    return char_matrix(out, max(w * A.shape[1], 1))


@builtin("ROWCATC(x <,rows> <,cols>)", "Like ROWCAT, but blanks are removed from each element before joining.",
         example=("b = {'ABC' 'D  ' 'EF ', ' GH' ' I ' ' JK'};\na = rowcatc(b);\nprint a;", 'a\nABCDEF\nGHIJK\n\n'))
def rowcatc(x, rows=None, cols=None):
    A = _select(x, rows, cols)
    w = char_width(A)
    out = [["".join(str(s).strip(" ") for s in row)] for row in A]
    return char_matrix(out, max(w * A.shape[1], 1))


# ---------------------------------------------------------------- blanks and case
@builtin("STRIP(s)", "Removes leading and trailing blanks from each element.",
         example=("s = strip({'  ab ', ' c'});\nprint s (nleng(s));", 's\nab          2\nc\n\n'))
def strip(s):
    return map_text(lambda t: t.strip(" "), s)


@builtin("TRIM(s)", "Removes trailing blanks from each element.")
def trim(s):
    return map_text(lambda t: t.rstrip(" "), s)


@builtin("LEFT(s)", "Left-aligns each element: leading blanks move to the end (same element length).")
def left(s):
    return map_text(lambda t: t.lstrip(" "), s, width=char_width(chars(s)))


@builtin("RIGHT(s)", "Right-aligns each element: trailing blanks move to the front (same element length).")
def right(s):
    w = char_width(chars(s))
    return map_text(lambda t: t.rstrip(" ").rjust(w), s, width=w)


@builtin("UPCASE(s)", "Upper-case copy of each element.")
def upcase(s):
    return map_text(str.upper, s, width=char_width(chars(s)))


@builtin("LOWCASE(s)", "Lower-case copy of each element.")
def lowcase(s):
    return map_text(str.lower, s, width=char_width(chars(s)))


@builtin("PROPCASE(s <,delims>)", "Each word capitalised, the rest lower case (words end at blank / - ( . tab).",
         example=("print (propcase('tHE o''neil-smith CASE'));", "The O'neil-Smith Case\n\n"))
def propcase(s, delims=None):
    seps = opt_text(delims, " /-(.\t")

    def fix(t):
        out, start = [], True
        for ch in t.lower():
            out.append(ch.upper() if start else ch)
            start = ch in seps
        return "".join(out)
    return map_text(fix, s, width=char_width(chars(s)))


@builtin("REVERSE(s)", "Each element written backwards (trailing blanks become leading ones).")
def reverse(s):
    return map_text(lambda t: t[::-1], s, width=char_width(chars(s)))


# ---------------------------------------------------------------- lengths
@builtin("LENGTH(s)", "Length of each element without trailing blanks (1 for a blank element).")
def length(s):
    return map_num(lambda t: max(len(t.rstrip(" ")), 1), s)


@builtin("LENGTHN(s)", "Length of each element without trailing blanks (0 for a blank element).")
def lengthn(s):
    return map_num(lambda t: len(t.rstrip(" ")), s)


@builtin("LENGTHC(s)", "Length of each element including trailing blanks (the element length).")
def lengthc(s):
    return map_num(len, s)


@builtin("NLENG(x)", "The element length (storage width) of a character matrix; 8 for numeric.")
def nleng(x):
    if is_char(x):
        return float(char_width(x))
    return 8.0


# ---------------------------------------------------------------- substrings
@builtin("SUBSTR(s, pos <,len>)", "Substring of each element from position pos (1-based) of length len (default: to the end).",
         session=True, example=("print (substr('abcdef', 2, 3));", 'bcd\n\n'))
def substr(session, s, pos, length=None):
    w = char_width(chars(s))
    bad = []

    def piece(t, p, n=None):
        p = int(p)
        stop = w if n is None else p - 1 + int(n)
        if p < 1 or p > w or stop > w or (n is not None and n < 0):
            bad.append(True)
        return t[max(p, 1) - 1:max(min(stop, w), 0)]
    args = (s, pos) if length is None else (s, pos, length)
    if np.isnan(num(pos)).any() or (length is not None and np.isnan(num(length)).any()):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="SUBSTR position and length cannot be missing")
    out = map_text(piece, *args, text=1)
    if bad:
        session.note("Invalid argument to function SUBSTR: a position or length is outside the string.")
    P, L = num(pos), (None if length is None else num(length))
    if L is not None and L.size == 1:
        return char_matrix(out.tolist(), max(int(L.flat[0]), 1))
    if L is None and P.size == 1:
        return char_matrix(out.tolist(), max(w - int(P.flat[0]) + 1, 1))
    return out


# ---------------------------------------------------------------- character classes (modifiers)
def char_class(modifiers: str) -> str:
    """The characters named by COMPRESS/FINDC modifiers (a d s p l u n f c)."""
    import string
    m = modifiers.lower()
    out = ""
    if "a" in m:
        out += string.ascii_letters
    if "d" in m or "n" in m:
        out += string.digits
    if "n" in m or "f" in m:
        out += string.ascii_letters + "_"
    if "s" in m:
        out += " \t\n\r\f\v"
    if "p" in m:
        out += string.punctuation
    if "l" in m:
        out += string.ascii_lowercase
    if "u" in m:
        out += string.ascii_uppercase
    if "c" in m:
        out += "".join(chr(i) for i in range(32)) + chr(127)
    return out


def _modifiers(v) -> str:
    return "" if v is None else str(chars(v).flat[0]).strip()


@builtin("COMPRESS(s <,chars> <,modifiers>)", "Removes the listed characters (blanks by default) from each element; modifier k keeps them instead.",
         example=("print (compress('a b-c d', ' -'));", 'abcd\n\n'))
def compress(s, chars_=None, modifiers=None):
    mods = _modifiers(modifiers)
    m = mods.lower()
    listed = " " if chars_ is None and not char_class(m) else opt_text(chars_, "")
    if "t" in m:
        listed = listed.rstrip(" ")
    targets = set(listed + char_class(m))
    if "i" in m:
        targets |= {c.swapcase() for c in targets}
    keep = "k" in m
    return map_text(lambda t: "".join(c for c in t if (c in targets) == keep), s)


# ---------------------------------------------------------------- searching
@builtin("INDEX(s, excerpt)", "Position of the first occurrence of excerpt in each element (0 if absent).",
         example=("print (index('abcabc', 'ca'));", '        3\n\n'))
def index(s, excerpt):
    return map_num(lambda t, e: t.find(e) + 1, s, excerpt)


@builtin("INDEXC(s, chars1 <, chars2, ...>)", "Position of the first character of s that is in any of the lists (0 if none).")
def indexc(s, *lists):
    def first(t, *ls):
        wanted = set("".join(ls))
        return next((i + 1 for i, c in enumerate(t) if c in wanted), 0)
    return map_num(first, s, *lists)


def _find_options(modifiers, start):
    """FIND/FINDC allow the start position in place of the modifiers."""
    if modifiers is not None and not is_char(modifiers):
        return "", modifiers
    return _modifiers(modifiers), start


@builtin("FIND(s, sub <,modifiers> <,start>)", "Position of sub in each element; modifiers i (ignore case), t (trim); negative start searches leftwards.",
         example=("print (find('Hello hello', 'HELLO', 'i', 2));", '        7\n\n'))
def find(s, sub, modifiers=None, start=None):
    mods, start = _find_options(modifiers, start)
    ignore, trim = "i" in mods.lower(), "t" in mods.lower()

    def one(t, e, st=None):
        if trim:
            t, e = t.rstrip(" "), e.rstrip(" ")
        if ignore:
            t, e = t.lower(), e.lower()
        if st != st:
            return 0
        if st is None or st >= 0:
            p = max(int(st or 1), 1) - 1
            return t.find(e, p) + 1 if p <= len(t) else 0
        end = min(-int(st), len(t))
        return t.rfind(e, 0, end + len(e) - 1) + 1 if e else 0
    return map_num(one, s, sub, text=2) if start is None else map_num(one, s, sub, start, text=2)


@builtin("FINDC(s, chars <,modifiers> <,start>)", "Position of the first character of s in chars; modifiers i, k (not in chars), t, and classes a d s p l u.")
def findc(s, chars_, modifiers=None, start=None):
    mods, start = _find_options(modifiers, start)
    m = mods.lower()

    def one(t, cs, st=None):
        if "t" in m:
            t, cs = t.rstrip(" "), cs.rstrip(" ")
        wanted = set(cs + char_class(m))
        if "i" in m:
            wanted |= {c.swapcase() for c in wanted}
        hits = [i for i, c in enumerate(t) if (c in wanted) != ("k" in m)]
        if st != st:
            return 0
        if st is None or st >= 0:
            p = max(int(st or 1), 1) - 1
            return next((i + 1 for i in hits if i >= p), 0)
        return next((i + 1 for i in reversed(hits) if i < -int(st)), 0)
    return map_num(one, s, chars_, text=2) if start is None else map_num(one, s, chars_, start, text=2)


def _words(t: str, delims: str, mods: str) -> list:
    if "m" in mods.lower():
        return re.split("[" + re.escape(delims) + "]", t) if delims else [t]
    pattern = "[^" + re.escape(delims) + "]+" if delims else ".+"
    return re.findall(pattern, t)


@builtin("SCAN(s, n <,delims> <,modifiers>)", "The n-th word of each element (negative n counts from the right); blank if there is none.",
         example=("print (scan('one, two three', 2)) (scan('a/b/c', -1, '/'));", 'two  c\n\n'))
def scan(s, n, delims=None, modifiers=None):
    sep, mods = opt_text(delims, SCAN_DELIMS), _modifiers(modifiers)

    def one(t, k):
        if k != k:
            return ""
        words = _words(t.rstrip(" ") if " " in sep else t, sep, mods)
        k = int(k)
        if k == 0 or abs(k) > len(words):
            return ""
        return words[k - 1] if k > 0 else words[k]
    return map_text(one, s, n, text=1)


@builtin("COUNTW(s <,delims> <,modifiers>)", "Number of words in each element.")
def countw(s, delims=None, modifiers=None):
    sep, mods = opt_text(delims, SCAN_DELIMS), _modifiers(modifiers)
    return map_num(lambda t: len(_words(t.rstrip(" ") if " " in sep else t, sep, mods)), s)


@builtin("COUNT(s, sub <,modifiers>)", "Number of non-overlapping occurrences of sub in each element (modifiers i, t).")
def count_(s, sub, modifiers=None):
    m = _modifiers(modifiers).lower()

    def one(t, e):
        if "t" in m:
            t, e = t.rstrip(" "), e.rstrip(" ")
        if "i" in m:
            t, e = t.lower(), e.lower()
        return t.count(e) if e else 0
    return map_num(one, s, sub)


# ---------------------------------------------------------------- replacing
@builtin("TRANWRD(s, target, replacement)", "Replaces every occurrence of target by replacement in each element.",
         example=("print (tranwrd('a cat and a cat', 'cat', 'dog'));", 'a dog and a dog\n\n'))
def tranwrd(s, target, replacement):
    return map_text(lambda t, a, b: t.replace(a, b) if a else t, s, target, replacement)


@builtin("TRANSLATE(s, to1, from1 <, to2, from2, ...>)", "Replaces each character of from by the character at the same place in to.")
def translate(s, *pairs):
    if len(pairs) % 2:
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint="TRANSLATE takes pairs of to and from lists")
    table = {}
    for k in range(0, len(pairs), 2):
        to, frm = opt_text(pairs[k], ""), opt_text(pairs[k + 1], "")
        for i, c in enumerate(frm):
            table.setdefault(c, to[i] if i < len(to) else " ")
    return map_text(lambda t: "".join(table.get(c, c) for c in t), s, width=char_width(chars(s)))


def perl_regex(text: str):
    """(compiled pattern, replacement or None) from Perl syntax /re/flags or s/re/repl/flags.

    Differences from Perl are Python's: named groups, possessive quantifiers and some escapes
    differ; $1..$9 in a replacement become \\1..\\9."""
    t = text.strip()
    m = re.fullmatch(r"(s|m)?(.)(.*)", t, re.S)
    if not m:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="a Perl regular expression looks like /pattern/ or s/pattern/replacement/")
    kind, delim, rest = m.group(1) or "m", m.group(2), m.group(3)
    parts = re.split(r"(?<!\\)" + re.escape(delim), rest)
    need = 3 if kind == "s" else 2
    if len(parts) < need:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the regular expression {text} is not closed by {delim}")
    flags_text = parts[need - 1]
    flags = (re.I if "i" in flags_text else 0) | (re.X if "x" in flags_text else 0) | \
            (re.S if "s" in flags_text else 0) | (re.M if "m" in flags_text else 0)
    try:
        pattern = re.compile(parts[0], flags)
    except re.error as exc:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"regular expression error: {exc}")
    repl = None
    if kind == "s":
        repl = re.sub(r"\$(\d)", r"\\\1", parts[1]).replace(r"\$", "$")
    return pattern, repl


@builtin("PRXCHANGE(regex, times, s)", "Perl-style substitution s/pattern/replacement/ applied times times (-1 = all) to each element.",
         example=("print (prxchange('s/(\\w+) (\\w+)/$2 $1/', -1, 'hello world'));", 'world hello\n\n'))
def prxchange(regex, times, s):
    pattern, repl = perl_regex(str(chars(regex).flat[0]))
    if repl is None:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="PRXCHANGE needs a substitution s/pattern/replacement/")
    n = int(num(times).flat[0])
    return map_text(lambda t: pattern.sub(repl, t.rstrip(" "), count=0 if n < 0 else n), s)


@builtin("PRXMATCH(regex, s)", "Position where the Perl-style pattern /pattern/ first matches each element (0 if none).",
         example=("print (prxmatch('/b+c/', 'aabbbc'));", '        3\n\n'))
def prxmatch(regex, s):
    pattern, _ = perl_regex(str(chars(regex).flat[0]))

    def one(t):
        m = pattern.search(t)
        return m.start() + 1 if m else 0
    return map_num(one, s)


# ---------------------------------------------------------------- quoting
@builtin("QUOTE(s <,q>)", "Each element in double quotes (or q), with embedded quotes doubled.",
         example=("print (quote('say \"hi\"'));", '"say ""hi"""\n\n'))
def quote(s, q=None):
    mark = opt_text(q, '"')[:1] or '"'
    return map_text(lambda t: mark + t.rstrip(" ").replace(mark, mark * 2) + mark, s)


@builtin("DEQUOTE(s)", "Removes the enclosing quotes of each element and undoes doubled quotes.")
def dequote(s):
    def one(t):
        t2 = t.lstrip(" ")
        if not t2 or t2[0] not in "'\"":
            return t
        mark, out, i = t2[0], [], 1
        while i < len(t2):
            if t2[i] == mark:
                if i + 1 < len(t2) and t2[i + 1] == mark:
                    out.append(mark)
                    i += 2
                    continue
                return "".join(out)
            out.append(t2[i])
            i += 1
        return "".join(out)
    return map_text(one, s)
