"""SAS formats and informats: numbers to text and text to numbers the way SAS does it.

`parse_format("best6.")` gives a Format; `Format.apply(x)` returns the text right-aligned in the
format's width, `Format.text(x)` the same text without the leading padding (PRINT aligns cells
itself). BESTw. is PRINT's default. `parse_informat("date9.")` gives an Informat whose `read(s)`
returns a number (NaN when the text cannot be read).

Rules taken from the SAS formats reference:
  * a value that cannot be shown in the width prints as asterisks — except w.d, which first
    writes fewer decimals and then switches to BESTw. (E notation), as SAS does;
  * BESTw. writes integers without decimals, other values with as many decimals as fit (no
    trailing zeros) while at least one significant digit shows, and otherwise E notation
    (`put(1257000, best6.)` = 1.26E6, `best3.` = 1E6, `-1257000` in BEST6. = -126E4, 3626885 in
    4 columns = 36E5); a value too small for the width is written as 0;
  * dates are days since 01JAN1960, datetimes seconds since 01JAN1960:00:00:00, times seconds
    since midnight; two-digit years read by informats use YEARCUTOFF=1926.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Optional

from .. import errors as E
from ..matrix.values import missing_letter, special_missing

_SPEC = re.compile(r"^\s*(\$?)([A-Za-z_]*?)(\d*)\.(\d*)\s*$")
_EPOCH = _dt.date(1960, 1, 1)
_CTX = Context(prec=400, rounding=ROUND_HALF_UP)      # room for any double's digits
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
YEARCUTOFF = 1926


def missing_text(x: float) -> str:
    letter = missing_letter(x)
    return letter if letter else "."


# ---------------------------------------------------------------- decimal helpers
def _dec(ax: float) -> Decimal:
    """The value as a decimal with at most 15 significant digits (SAS's readable precision)."""
    return Decimal(f"{ax:.15g}")


def fixed(x: float, d: int) -> str:
    """x with d decimals, rounding halves away from zero (SAS's rule, not Python's)."""
    if d > 340:                      # past any double's digits (and _CTX's precision): zeros
        return fixed(x, 340) + "0" * (d - 340)
    q = Decimal(1).scaleb(-d)
    text = f"{_dec(abs(x)).quantize(q, rounding=ROUND_HALF_UP, context=_CTX):f}"
    if x < 0 and any(c in "123456789" for c in text):
        text = "-" + text
    return text


def _strip_zeros(text: str) -> str:
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# ---------------------------------------------------------------- BESTw.
def best(x: float, width: int = 9) -> str:
    """BESTw.: the most precise text that fits in `width` characters (not padded)."""
    if x != x:
        return missing_text(x)
    if math.isinf(x):
        return "*" * width
    if x == 0:
        return "0"
    neg = x < 0
    ax = -x if neg else x
    sign = "-" if neg else ""
    room = width - len(sign)
    if room < 1:
        return "*" * width
    dx = _dec(ax)
    if dx == dx.to_integral_value() and len(f"{dx:f}".split(".")[0]) <= room:
        return sign + f"{dx.to_integral_value():f}"
    text = _best_decimal(ax, room)
    if text:
        return sign + text
    sci = _scientific(ax, room)
    if sci:
        return sign + sci
    return "0" if ax < 1 else "*" * width


def _best_decimal(ax: float, room: int) -> str:
    """Plain decimal notation in `room` characters with a significant digit, or ''."""
    int_digits = len(str(int(_dec(ax)))) if ax >= 1 else 0
    if int_digits > room:
        return ""
    for lead in ((True, False) if ax < 1 else (True,)):
        used = int_digits if ax >= 1 else (1 if lead else 0)
        decimals = room - used - 1
        if decimals < 1:
            text = fixed(ax, 0) if ax >= 1 else ""
        else:
            text = _strip_zeros(fixed(ax, decimals))
            if not lead and text.startswith("0."):
                text = text[1:]
        if text and len(text) <= room and any(c in "123456789" for c in text):
            return text
    return ""


def _scientific(ax: float, room: int) -> str:
    """E notation of a positive value in `room` characters, or ''.

    The mantissa is d.ddd when it can keep two or more decimals; with less room SAS writes an
    integer mantissa (126E4 rather than 1.3E6), which keeps more digits."""
    exp = _dec(ax).adjusted()
    for _ in range(3):
        exp_text = f"E{exp}"
        mroom = room - len(exp_text)
        if mroom < 1:
            return ""
        if mroom >= 4:
            mant = fixed(float(_dec(ax).scaleb(-exp)), mroom - 2)
            if float(mant) >= 10:
                exp += 1
                continue
            return _strip_zeros(mant) + exp_text
        e2 = exp - (mroom - 1)
        m = int(_dec(ax).scaleb(-e2).quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_CTX))
        if len(str(m)) > mroom:
            exp += 1
            continue
        while m % 10 == 0 and m:
            m //= 10
            e2 += 1
        text = f"{m}E{e2}"
        return text if len(text) <= room else ""
    return ""


# ---------------------------------------------------------------- the Format object
@dataclass(frozen=True)
class Format:
    name: str          # '' for w.d, else upper-case name (BEST, E, COMMA, DATE, $ ...)
    width: Optional[int]
    decimals: Optional[int]
    is_char: bool = False

    @property
    def w(self) -> int:
        return self.width or _DEFAULT_WIDTH.get(self.name, 12)

    def apply(self, x) -> str:
        """The formatted value in exactly w columns (right-aligned; $w. is left-aligned)."""
        if self.is_char:
            return self.apply_char(x)
        w = self.w
        text = _render(self, float(x), w)
        if len(text) > w:
            return "*" * w
        return text.rjust(w)

    def text(self, x) -> str:
        """The formatted value without leading padding."""
        if self.is_char:
            return self.apply_char(x).rstrip(" ")
        return self.apply(x).lstrip(" ")

    def apply_char(self, s) -> str:
        text = s if isinstance(s, str) else best(float(s), 12)
        w = self.width if self.width else len(text)
        if self.name in ("$UPCASE",):
            text = text.upper()
        return text[:w].ljust(w)


_DEFAULT_WIDTH = {"": 12, "F": 12, "BEST": 12, "D": 12, "E": 12, "COMMA": 6, "DOLLAR": 6,
                  "PERCENT": 6, "PERCENTN": 6, "Z": 1, "PVALUE": 6, "DATE": 7, "YYMMDD": 8,
                  "MMDDYY": 8, "DDMMYY": 8, "MONYY": 5, "YEAR": 4, "TIME": 8, "DATETIME": 16, "FRACT": 10}
_NUMERIC = set(_DEFAULT_WIDTH)


def _render(fmt: Format, x: float, w: int) -> str:
    if x != x:
        return missing_text(x)
    name = fmt.name
    if name in ("BEST", "D"):
        return best(x, w)
    if math.isinf(x):
        return "*" * w
    renderer = _RENDERERS.get(name)
    return renderer(x, w, fmt.decimals)


def _wd(x: float, w: int, d: Optional[int]) -> str:
    """w.d: too wide -> fewer decimals, then the leading 0 goes, then BESTw., then asterisks."""
    d = d or 0
    for dd in range(d, -1, -1):
        text = fixed(x, dd)
        if len(text) <= w:
            return text
        if text.startswith(("0.", "-0.")) and len(text) - 1 <= w:
            return text.replace("0.", ".", 1)
    alt = best(x, w)
    return alt if len(alt) <= w else "*" * w


def _grouped(x: float, d: int) -> str:
    text = fixed(abs(x), d)
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return whole + ("." + frac if frac else "")


def _comma(x: float, w: int, d: Optional[int], prefix: str = "") -> str:
    """COMMAw.d / DOLLARw.d: thousands separators; fewer decimals, then asterisks, if too wide."""
    d = d or 0
    for dd in (d, 0) if d else (0,):
        body = prefix + _grouped(x, dd)
        text = ("-" if x < 0 and any(c in "123456789" for c in body) else "") + body
        if len(text) <= w:
            return text
    return "*" * w


def _percent(x: float, w: int, d: Optional[int]) -> str:
    """PERCENTw.d: x*100 with %; negatives in parentheses; room for ')' is kept either way."""
    num = fixed(abs(x) * 100, d or 0)
    if x < 0 and any(c in "123456789" for c in num):
        return "(" + num.rjust(w - 3) + "%)" if len(num) <= w - 3 else "*" * w
    return (num + "% ") if len(num) + 2 <= w else "*" * w


def _percentn(x: float, w: int, d: Optional[int]) -> str:
    num = fixed(x * 100, d or 0)
    return num + "% " if len(num) + 2 <= w else "*" * w


def _z(x: float, w: int, d: Optional[int]) -> str:
    text = fixed(abs(x), d or 0)
    neg = x < 0 and any(c in "123456789" for c in text)
    return ("-" if neg else "") + text.rjust(w - neg, "0")


def _e(x: float, w: int, d: Optional[int]) -> str:
    """Ew.: d.dddE+nn with the first column kept for a sign (E10. of 1257 = ' 1.257E+03')."""
    digits = max(w - 7, 0)
    mant = _dec(abs(x))
    exp = mant.adjusted() if x != 0 else 0
    m = fixed(float(mant.scaleb(-exp)), digits)
    if float(m) >= 10:
        exp += 1
        m = fixed(float(mant.scaleb(-exp)), digits)
    text = ("-" if x < 0 else "") + m + f"E{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    return text if len(text) <= w else "*" * w


def _pvalue(x: float, w: int, d: Optional[int]) -> str:
    """PVALUEw.d: values below 10**-d print as <.0001 (for d=4)."""
    d = d if d is not None else max(min(w - 2, 4), 1)
    if 0 <= x < 10 ** -d:
        return "<." + "0" * (d - 1) + "1"
    return _wd(x, w, d)


FRACT_TOLERANCE = 1e-8     # relative: 0.6666666667 is 2/3 (the SAS documentation's example)


def _fract(x: float, w: int, d: Optional[int]) -> str:
    """FRACTw.: x as a reduced fraction (2/3, 174/625), found as the first continued-fraction
    convergent within FRACT_TOLERANCE; whole numbers without '/1'; BESTw. if none fits in w."""
    ax, sign = abs(x), "-" if x < 0 else ""
    p0, q0, p1, q1 = 0, 1, 1, 0            # convergents h(k-2)/k(k-2), h(k-1)/k(k-1)
    rest = ax
    for _ in range(40):
        a = math.floor(rest)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        text = sign + (f"{p1}" if q1 == 1 else f"{p1}/{q1}")
        if len(text) > w:
            break
        if abs(ax - p1 / q1) <= FRACT_TOLERANCE * max(1.0, ax):
            return "0" if p1 == 0 else text
        frac = rest - a
        if frac < 1e-15:
            break
        rest = 1 / frac
    alt = best(x, w)
    return alt if len(alt) <= w else "*" * w


def sas_date(days: float) -> Optional[_dt.date]:
    try:
        return _EPOCH + _dt.timedelta(days=math.floor(days))
    except OverflowError:
        return None


def _date(x, w, d):
    t = sas_date(x)
    if t is None:
        return "*" * w
    mon = _MONTHS[t.month - 1]
    if w >= 11:
        return f"{t.day:02d}-{mon}-{t.year:04d}"
    if w >= 9:
        return f"{t.day:02d}{mon}{t.year:04d}"
    if w >= 7:
        return f"{t.day:02d}{mon}{t.year % 100:02d}"
    return f"{t.day:02d}{mon}" if w >= 5 else "*" * w


def _ymd_style(order: str, sep: str):
    def render(x, w, d):
        t = sas_date(x)
        if t is None:
            return "*" * w
        four = w >= 10 or (w == 8 and sep == "")
        year = f"{t.year:04d}" if four else f"{t.year % 100:02d}"
        parts = {"y": year, "m": f"{t.month:02d}", "d": f"{t.day:02d}"}
        s = sep if w >= (8 if not four else 10) else ""
        return s.join(parts[c] for c in order)
    return render


def _monyy(x, w, d):
    t = sas_date(x)
    if t is None:
        return "*" * w
    mon = _MONTHS[t.month - 1]
    return f"{mon}{t.year:04d}" if w >= 7 else f"{mon}{t.year % 100:02d}"


def _year(x, w, d):
    t = sas_date(x)
    if t is None:
        return "*" * w
    return f"{t.year:04d}" if w >= 4 else f"{t.year % 100:02d}"


def _clock(seconds: float, w: int, d: Optional[int]) -> str:
    """hh:mm:ss(.ss) trimmed to what fits in w (TIME8. = 12:34:56, TIME5. = 12:34)."""
    neg = seconds < 0
    s = abs(seconds)
    frac_digits = d if d and w - d - 1 >= 8 else 0
    if frac_digits:
        s = float(fixed(s, frac_digits))
    else:
        s = math.floor(s + 1e-9)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    sign = "-" if neg else ""
    if w - len(sign) >= 8 or frac_digits:
        sec_text = fixed(sec, frac_digits).zfill(3 + frac_digits if frac_digits else 2)
        return f"{sign}{int(h)}:{int(m):02d}:{sec_text}"
    if w - len(sign) >= 5:
        return f"{sign}{int(h)}:{int(m):02d}"
    return f"{sign}{int(h)}"


def _datetime(x, w, d):
    """DATETIMEw.d: ddmmmyy:hh:mm:ss; 4-digit year from w=19; shorter widths drop fields."""
    t = sas_date(x / 86400.0)
    if t is None:
        return "*" * w
    frac = d if d and w - d - 1 >= 16 else 0
    base = w - (frac + 1 if frac else 0)
    mon = _MONTHS[t.month - 1]
    year = f"{t.year:04d}" if base >= 19 else f"{t.year % 100:02d}"
    date_text = f"{t.day:02d}{mon}{year}"
    secs = x - math.floor(x / 86400.0) * 86400.0
    clock = _clock(secs, 8 + (frac + 1 if frac else 0), frac)
    hh, mm, ss = clock.split(":")
    hh = hh.zfill(2)
    if base >= 16:
        return f"{date_text}:{hh}:{mm}:{ss}"
    if base >= 13:
        return f"{date_text}:{hh}:{mm}"
    if base >= 10:
        return f"{date_text}:{hh}"
    return date_text


_RENDERERS = {"": _wd, "F": _wd, "COMMA": _comma, "DOLLAR": lambda x, w, d: _comma(x, w, d, "$"),
              "PERCENT": _percent, "PERCENTN": _percentn, "Z": _z, "E": _e, "PVALUE": _pvalue,
              "DATE": _date, "YYMMDD": _ymd_style("ymd", "-"), "MMDDYY": _ymd_style("mdy", "/"),
              "DDMMYY": _ymd_style("dmy", "/"), "MONYY": _monyy, "YEAR": _year,
              "TIME": _clock, "DATETIME": _datetime, "FRACT": _fract}


def _split_spec(spec: str, what: str):
    text = (spec or "").strip()
    if text and "." not in text:
        text += "."
    m = _SPEC.match(text)
    if not m:
        raise E.IMLRuntimeError(f"The {what} {spec} is not recognised.",
                                hint=f"write {what}s as w.d or NAMEw.d, for example 8.2, BEST12., DATE9., $10.")
    dollar, name, width, dec = m.groups()
    return dollar, name.upper(), int(width) if width else None, int(dec) if dec else None


def parse_format(spec: str) -> Format:
    """A Format from SAS syntax: '8.2', 'best6.', 'comma10.2', 'date9.', '$5.'."""
    dollar, name, width, dec = _split_spec(spec, "format")
    if dollar:
        if name not in ("", "CHAR", "F", "UPCASE"):
            raise E.IMLRuntimeError(f"The format {spec} is not supported yet.", hint="character formats: $w., $CHARw., $UPCASEw.")
        return Format("$UPCASE" if name == "UPCASE" else "$", width, None, True)
    if name not in _NUMERIC:
        raise E.IMLRuntimeError(f"The format {spec} is not supported yet.",
                                hint="supported: w.d, Fw.d, BESTw., Ew., COMMAw.d, DOLLARw.d, PERCENTw.d, Zw.d, "
                                     "PVALUEw.d, FRACTw., DATEw., YYMMDDw., MMDDYYw., DDMMYYw., MONYYw., YEARw., TIMEw.d, "
                                     "DATETIMEw.d, $w.")
    if name == "" and width is None:
        raise E.IMLRuntimeError(f"The format {spec} has no width.", hint="a w.d format needs its width, e.g. 8.2")
    return Format(name, width, dec)


BEST9 = Format("BEST", 9, None)


# ---------------------------------------------------------------- informats
@dataclass(frozen=True)
class Informat:
    name: str
    width: Optional[int]
    decimals: Optional[int]
    is_char: bool = False

    def read(self, s: str) -> float:
        """The number the text stands for; NaN when it cannot be read (SAS: invalid data)."""
        text = s[:self.width] if self.width else s
        text = text.strip()
        if text in ("", "."):
            return float("nan")
        if re.fullmatch(r"\.[A-Za-z_]", text):
            return special_missing(text[1])
        reader = _READERS.get(self.name, _read_number)
        try:
            return reader(text, self.decimals)
        except (ValueError, OverflowError, KeyError, IndexError):
            return float("nan")

    def read_char(self, s: str) -> str:
        text = s if self.name == "$CHAR" else s.lstrip(" ")
        return text[:self.width] if self.width else text


def _read_number(text: str, d: Optional[int]) -> float:
    value = float(text)
    if d and not re.search(r"[.eE]", text):
        value /= 10 ** d          # SAS: without a decimal point, the last d digits are decimals
    return value


def _read_comma(text: str, d: Optional[int]) -> float:
    neg = text.startswith("(") and text.endswith(")")
    core = re.sub(r"[$,%()\s]", "", text)
    value = _read_number(core, d)
    return -value if neg else value


def _read_percent(text: str, d: Optional[int]) -> float:
    value = _read_comma(text, d)
    return value / 100 if "%" in text else value


def _year4(y: str) -> int:
    y4 = int(y)
    if len(y) <= 2:
        y4 += 1900 if 1900 + y4 >= YEARCUTOFF else 2000
    return y4


def _days(y: int, m: int, d: int) -> float:
    return float((_dt.date(y, m, d) - _EPOCH).days)


def _read_date(text: str, d=None) -> float:
    m = re.fullmatch(r"(\d{1,2})[-/ ]?([A-Za-z]{3})[-/ ]?(\d{2}|\d{4})", text)
    if not m:
        raise ValueError(text)
    return _days(_year4(m.group(3)), _MONTHS.index(m.group(2).upper()) + 1, int(m.group(1)))


def _read_ordered(order: str):
    def read(text: str, d=None) -> float:
        parts = re.split(r"[-/.: ]", text)
        if len(parts) != 3:
            digits = re.sub(r"\D", "", text)
            ylen = 4 if len(digits) == 8 else 2
            spans = {"y": ylen, "m": 2, "d": 2}
            parts, pos = [], 0
            for c in order:
                parts.append(digits[pos:pos + spans[c]])
                pos += spans[c]
        vals = dict(zip(order, parts))
        return _days(_year4(vals["y"]), int(vals["m"]), int(vals["d"]))
    return read


def _read_time(text: str, d=None) -> float:
    m = re.fullmatch(r"(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?\s*([AaPp][Mm])?", text)
    if not m:
        raise ValueError(text)
    h = int(m.group(1))
    if m.group(4):
        h = h % 12 + (12 if m.group(4).upper() == "PM" else 0)
    return h * 3600.0 + int(m.group(2)) * 60.0 + float(m.group(3) or 0)


def _read_datetime(text: str, d=None) -> float:
    m = re.fullmatch(r"(\d{1,2}[A-Za-z]{3}\d{2,4})[:\s](.*)", text)
    if not m:
        raise ValueError(text)
    return _read_date(m.group(1)) * 86400.0 + _read_time(m.group(2))


_READERS = {"": _read_number, "F": _read_number, "BEST": _read_number, "D": _read_number,
            "E": _read_number, "COMMA": _read_comma, "DOLLAR": _read_comma,
            "PERCENT": _read_percent, "DATE": _read_date, "YYMMDD": _read_ordered("ymd"),
            "MMDDYY": _read_ordered("mdy"), "DDMMYY": _read_ordered("dmy"), "TIME": _read_time,
            "DATETIME": _read_datetime}


def parse_informat(spec: str) -> Informat:
    dollar, name, width, dec = _split_spec(spec, "informat")
    if dollar:
        if name not in ("", "CHAR", "F"):
            raise E.IMLRuntimeError(f"The informat {spec} is not supported yet.", hint="character informats: $w., $CHARw.")
        return Informat("$CHAR" if name == "CHAR" else "$", width, None, True)
    if name not in _READERS:
        raise E.IMLRuntimeError(f"The informat {spec} is not supported yet.",
                                hint="supported: w.d, BESTw., COMMAw.d, DOLLARw.d, PERCENTw.d, DATEw., "
                                     "YYMMDDw., MMDDYYw., DDMMYYw., TIMEw., DATETIMEw.")
    return Informat(name, width, dec)
