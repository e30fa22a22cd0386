"""Formats applied by functions (PUTN, PUTC, INPUTN, INPUTC), IFN/IFC, missing-value tests and
SAS date and time functions.

SAS dates are days since 01JAN1960, times are seconds since midnight and datetimes are seconds
since 01JAN1960:00:00:00. WEEKDAY counts 1 = Sunday ... 7 = Saturday. Two-digit years use
YEARCUTOFF=1926. Invalid dates give a missing value and a NOTE, as in SAS.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np

from .. import errors as E
from ..output.formats import YEARCUTOFF, parse_format, parse_informat, sas_date
from ..matrix.values import char_matrix, is_char, wrap
from .chars import cells, conform, map_num, padded
from .common import chars, count, num
from .registry import builtin

_EPOCH = _dt.date(1960, 1, 1)
_EPOCH_DT = _dt.datetime(1960, 1, 1)


# ---------------------------------------------------------------- formats and informats
def _with_width(spec: str, w, d, parse):
    fmt = parse(spec)
    if w is None and d is None:
        return fmt
    width = count(w, "w") if w is not None else fmt.width
    decimals = count(d, "d") if d is not None else fmt.decimals
    return type(fmt)(fmt.name, width, decimals, fmt.is_char)


def _spec_grid(x, spec, w, d, parse):
    """Conforming grids of values and parsed formats (a format per element is allowed)."""
    specs = padded(spec)
    shape, (X, S) = conform(cells(x), specs)
    cache = {}

    def fmt_of(s):
        key = s.strip()
        if key not in cache:
            cache[key] = _with_width(key, w, d, parse)
        return cache[key]
    return shape, X, S, fmt_of


@builtin("PUTN(x, format <,w <,d>>)", "Numbers written with a SAS format given as text, e.g. 'BEST6.', '8.2', 'DATE9.'.",
         example=("c = putn({1234.5 0.25}, 'comma9.2');\nprint c;", 'c\n 1,234.50      0.25\n\n'))
def putn(x, fmt, w=None, d=None):
    if is_char(x):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint="PUTN formats numbers; use PUTC for character values")
    shape, X, S, fmt_of = _spec_grid(x, fmt, w, d, parse_format)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        f = fmt_of(S[idx])
        if f.is_char:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{S[idx].strip()} is a character format; PUTN needs a numeric one")
        out[idx] = f.apply(float(X[idx])).rstrip(" ")
    return char_matrix(out.tolist(), max([len(s) for s in out.reshape(-1)] + [1]))


@builtin("PUTC(s, format <,w>)", "Character values written with a character format such as '$5.' or '$UPCASE8.'.")
def putc(s, fmt, w=None):
    chars(s)
    shape, X, S, fmt_of = _spec_grid(s, fmt, w, None, parse_format)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        f = fmt_of(S[idx])
        if not f.is_char:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{S[idx].strip()} is a numeric format; PUTC needs a $ format")
        out[idx] = f.apply_char(str(X[idx]).rstrip(" ") if f.width is None else str(X[idx])).rstrip(" ")
    return char_matrix(out.tolist(), max([len(v) for v in out.reshape(-1)] + [1]))


@builtin("INPUTN(s, informat <,w <,d>>)", "Text read as numbers with an informat, e.g. 'COMMA10.', 'DATE9.', 'PERCENT5.' (invalid text gives missing).",
         session=True, example=("x = inputn({'1,234' '(50)'}, 'comma8.');\nprint x;", '        x\n     1234       -50\n\n'))
def inputn(session, s, informat, w=None, d=None):
    chars(s)
    shape, X, S, fmt_of = _spec_grid(s, informat, w, d, parse_informat)
    out = np.empty(shape, dtype=float)
    invalid = False
    for idx in np.ndindex(shape):
        f = fmt_of(S[idx])
        if f.is_char:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="INPUTN needs a numeric informat; use INPUTC for $ informats")
        out[idx] = f.read(str(X[idx]))
        text = str(X[idx]).strip()
        invalid |= out[idx] != out[idx] and text not in ("", ".") and not text.startswith(".")
    if invalid:
        session.note("Invalid argument to function INPUTN: text that the informat cannot read gives a missing value.")
    return wrap(out)


@builtin("INPUTC(s, informat <,w>)", "Text read with a character informat ($w. drops leading blanks, $CHARw. keeps them).")
def inputc(s, informat, w=None):
    chars(s)
    shape, X, S, fmt_of = _spec_grid(s, informat, w, None, parse_informat)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        f = fmt_of(S[idx])
        if not f.is_char:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="INPUTC needs a $ informat; use INPUTN for numbers")
        out[idx] = f.read_char(str(X[idx])).rstrip(" ")
    return char_matrix(out.tolist(), max([len(v) for v in out.reshape(-1)] + [1]))


# ---------------------------------------------------------------- choices and missing values
def _choose(cond, a, b, m, kind):
    C = num(cond)
    args = [C, cells(a, False), cells(b, False)] + ([] if m is None else [cells(m, False)])
    shape, grids = conform(*args)
    out = np.empty(shape, dtype=object)
    for idx in np.ndindex(shape):
        c = grids[0][idx]
        if c != c and m is not None:
            out[idx] = grids[3][idx]
        else:
            out[idx] = grids[1][idx] if (c == c and c != 0) else grids[2][idx]
    if kind == "N":
        return wrap(out.astype(float))
    return char_matrix(out.tolist(), max([len(str(v)) for v in out.reshape(-1)] + [1]))


@builtin("IFN(cond, a, b <,m>)", "Elementwise a where cond is true (nonzero, nonmissing), else b; m where cond is missing.",
         example=("print (ifn({1 0 .}, 10, 20, 30));", '       10        20        30\n\n'))
def ifn(cond, a, b, m=None):
    for v in (a, b, m):
        if v is not None and is_char(v):
            raise E.IMLRuntimeError(E.NEED_NUMERIC, hint="IFN returns numbers; use IFC for text")
    return _choose(cond, a, b, m, "N")


@builtin("IFC(cond, a, b <,m>)", "Like IFN for character results.")
def ifc(cond, a, b, m=None):
    for v in (a, b, m):
        if v is not None and not is_char(v):
            raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="IFC returns text; use IFN for numbers")
    return _choose(cond, a, b, m, "C")


def _missing_mask(v) -> np.ndarray:
    if is_char(v):
        return np.char.str_len(np.char.strip(v, " ")) == 0
    return np.isnan(num(v))


@builtin("MISSING(x)", "Elementwise 1 where x is missing (., .A-.Z, ._ or a blank string), else 0.",
         example=("print (missing({1 . 3})) (missing({'a' ' '}));", '        0         1         0          0         1\n\n'))
def missing(x):
    return wrap(_missing_mask(x).astype(float))


@builtin("NMISS(x1 <,x2, ...>)", "Number of missing values among all elements of the arguments.")
def nmiss(*args):
    return float(sum(int(_missing_mask(a).sum()) for a in args))


@builtin("N(x1 <,x2, ...>)", "Number of nonmissing values among all elements of the arguments.")
def n(*args):
    return float(sum(int((~_missing_mask(a)).sum()) for a in args))


# ---------------------------------------------------------------- dates and times
@builtin("TODAY()", "Today's date as a SAS date value (days since 01JAN1960).", names=("date",))
def today():
    return float((_dt.date.today() - _EPOCH).days)


@builtin("DATETIME()", "The current date and time as a SAS datetime value (seconds since 01JAN1960).")
def datetime_():
    return (_dt.datetime.now() - _EPOCH_DT).total_seconds()


def _year4(y: float) -> int:
    y = int(y)
    if 0 <= y < 100:
        y += 1900 if 1900 + y >= YEARCUTOFF else 2000
    return y


@builtin("MDY(month, day, year)", "SAS date value of the given month, day and year (missing if invalid).",
         example=("d = mdy(1, 1, 2020);\nprint d (putn(d, 'date9.'));", '        d\n    21915  01JAN2020\n\n'))
def mdy(month, day, year):
    def one(m, d, y):
        if m != m or d != d or y != y:
            return np.nan
        try:
            return float((_dt.date(_year4(y), int(m), int(d)) - _EPOCH).days)
        except ValueError:
            return np.nan
    return map_num(one, month, day, year, text=0)


def _date_part(fn):
    def apply(x):
        A = num(x)
        out = np.full(A.shape, np.nan)
        for idx in np.ndindex(A.shape):
            t = sas_date(A[idx]) if A[idx] == A[idx] else None
            if t is not None:
                out[idx] = fn(t)
        return wrap(out)
    return apply


builtin("YEAR(date)", "Year of a SAS date value.", example=("print (year(21915));", '     2020\n\n'))(_date_part(lambda t: t.year))
builtin("MONTH(date)", "Month (1-12) of a SAS date value.")(_date_part(lambda t: t.month))
builtin("DAY(date)", "Day of the month of a SAS date value.")(_date_part(lambda t: t.day))
builtin("QTR(date)", "Quarter (1-4) of a SAS date value.")(_date_part(lambda t: (t.month - 1) // 3 + 1))
builtin("WEEKDAY(date)", "Day of the week of a SAS date value: 1 = Sunday ... 7 = Saturday.")(
    _date_part(lambda t: t.isoweekday() % 7 + 1))


@builtin("HMS(hour, minute, second)", "SAS time value (seconds) from hours, minutes and seconds.")
def hms(hour, minute, second):
    return map_num(lambda h, m, s: h * 3600.0 + m * 60.0 + s, hour, minute, second, text=0)


@builtin("DHMS(date, hour, minute, second)", "SAS datetime value from a date and a time of day.")
def dhms(date, hour, minute, second):
    return map_num(lambda d, h, m, s: d * 86400.0 + h * 3600.0 + m * 60.0 + s, date, hour, minute, second, text=0)


def _clock_part(fn):
    def apply(x):
        A = num(x)
        with np.errstate(invalid="ignore"):
            return wrap(fn(np.mod(A, 86400.0)))
    return apply


builtin("HOUR(time)", "Hour (0-23) of a SAS time or datetime value.")(_clock_part(lambda s: np.floor(s / 3600.0)))
builtin("MINUTE(time)", "Minute (0-59) of a SAS time or datetime value.")(_clock_part(lambda s: np.floor(np.mod(s, 3600.0) / 60.0)))
builtin("SECOND(time)", "Seconds (0-59.99) of a SAS time or datetime value.")(_clock_part(lambda s: np.mod(s, 60.0)))


@builtin("DATEPART(datetime)", "The SAS date of a datetime value.")
def datepart(x):
    return wrap(np.floor(num(x) / 86400.0))


@builtin("TIMEPART(datetime)", "The time of day (seconds) of a datetime value.")
def timepart(x):
    return wrap(np.mod(num(x), 86400.0))
