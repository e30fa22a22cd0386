"""SAS formats: numbers to text the way SAS writes them (BESTw. is PRINT's default).

`parse_format("best6.")` gives a Format; `Format.apply(x)` returns the text, right-aligned in
the format's width. A value that cannot be shown in the width prints as asterisks, as in SAS.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Optional

from . import errors as E
from .values import missing_letter

_SPEC = re.compile(r"^\s*(\$?)([A-Za-z_]*?)(\d*)\.(\d*)\s*$")


def missing_text(x: float) -> str:
    letter = missing_letter(x)
    return letter if letter else "."


def best(x: float, width: int = 9) -> str:
    """BESTw.: as many significant digits as fit in `width` characters, decimal notation when at
    least one significant digit fits, otherwise scientific (`1.2346E10`). Not padded."""
    if x != x:
        return missing_text(x)
    if math.isinf(x):
        return "*" * width
    if x == 0:
        return "0"
    neg = x < 0
    ax = -x if neg else x
    room = width - (1 if neg else 0)
    if ax == int(ax) and ax < 10 ** room:
        return ("-" if neg else "") + str(int(ax))
    int_digits = len(str(int(ax))) if ax >= 1 else 1
    if int_digits <= room:
        decimals = room - int_digits - 1
        if decimals >= 1:
            text = _fixed(ax, decimals, room)
        else:
            text = str(int(round(ax)))
            if len(text) > room:
                text = ""
        if text and _has_significant_digit(text):
            return ("-" if neg else "") + text
    return _scientific(x, width)


def _fixed(ax: float, decimals: int, room: int) -> str:
    while decimals >= 0:
        text = f"{ax:.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if len(text) <= room:
            return text
        decimals -= 1
    return ""


def _has_significant_digit(text: str) -> bool:
    return any(c in "123456789" for c in text)


def _scientific(x: float, width: int) -> str:
    """`1.2346E9` style: mantissa digits as room allows after the exponent."""
    neg = x < 0
    ax = abs(x)
    exp = int(math.floor(math.log10(ax)))
    for _ in range(2):      # rounding the mantissa can carry into the next power of ten
        mant = ax / 10 ** exp
        exp_text = f"E{exp}"
        room = width - len(exp_text) - (1 if neg else 0)
        if room < 1:
            return "*" * width
        digits = max(room - 2, 0)
        text = f"{mant:.{digits}f}" if digits else f"{mant:.0f}"
        if float(text) >= 10:
            exp += 1
            continue
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return ("-" if neg else "") + text + exp_text
    return "*" * width


@dataclass(frozen=True)
class Format:
    name: str          # '' for w.d, else upper-case name (BEST, E, COMMA, PERCENT, DOLLAR, Z, $)
    width: Optional[int]
    decimals: Optional[int]
    is_char: bool = False

    def apply(self, x: float) -> str:
        w = self.width or _DEFAULT_WIDTH.get(self.name, 9)
        return _render(self, x, w).rjust(w)

    def text(self, x: float) -> str:
        """The formatted value without padding."""
        w = self.width or _DEFAULT_WIDTH.get(self.name, 9)
        return _render(self, x, w)


_DEFAULT_WIDTH = {"": 9, "BEST": 12, "E": 12, "COMMA": 6, "DOLLAR": 6, "PERCENT": 6, "Z": 1, "F": 9, "D": 12}


def _render(fmt: Format, x: float, w: int) -> str:
    if x != x:
        return missing_text(x)
    name = fmt.name
    d = fmt.decimals or 0
    if name in ("BEST", "D"):
        return best(x, w)
    if name == "E":
        return _e_format(x, w)
    if name in ("", "F"):
        if fmt.decimals is None:
            return _fit_or_best(f"{x:.0f}", x, w)
        return _fit_or_best(f"{x:.{d}f}", x, w)
    if name == "Z":
        text = f"{abs(x):0{w - (1 if x < 0 else 0)}.{d}f}"
        return _stars_if_wide(("-" if x < 0 else "") + text, w)
    if name == "COMMA":
        return _stars_if_wide(f"{x:,.{d}f}", w)
    if name == "DOLLAR":
        text = f"{abs(x):,.{d}f}"
        return _stars_if_wide(("-" if x < 0 else "") + "$" + text, w)
    if name == "PERCENT":
        text = f"{x * 100:.{d}f}%"
        if x < 0:
            text = f"({abs(x) * 100:.{d}f}%)"
        return _stars_if_wide(text, w)
    return best(x, w)


def _fit_or_best(text: str, x: float, w: int) -> str:
    if len(text) <= w:
        return text
    # SAS: too wide for w.d -> fewer decimals, then BESTw. (E notation), then asterisks
    alt = best(x, w)
    return alt if len(alt) <= w else "*" * w


def _stars_if_wide(text: str, w: int) -> str:
    return text if len(text) <= w else "*" * w


def _e_format(x: float, w: int) -> str:
    digits = max(w - 7, 0)
    text = f"{x:.{digits}E}"
    mant, exp = text.split("E")
    e = int(exp)
    text = f"{mant}E{'+' if e >= 0 else '-'}{abs(e):02d}"
    return _stars_if_wide(text, w)


def parse_format(spec: str) -> Format:
    m = _SPEC.match(spec or "")
    if not m:
        raise E.IMLRuntimeError(f"The format {spec} is not recognised.", hint="write formats as w.d, BESTw., Ew., COMMAw.d, PERCENTw.d, DOLLARw.d or Zw.d")
    dollar, name, width, dec = m.groups()
    name = name.upper()
    if dollar:
        return Format("$", int(width) if width else None, None, True)
    known = {"", "BEST", "E", "COMMA", "DOLLAR", "PERCENT", "Z", "F", "D"}
    if name not in known:
        raise E.IMLRuntimeError(f"The format {spec} is not supported yet.",
                                hint="supported: w.d, BESTw., Ew., COMMAw.d, DOLLARw.d, PERCENTw.d, Zw.d, Dw.")
    return Format(name, int(width) if width else None, int(dec) if dec else None)


BEST9 = Format("BEST", 9, None)
