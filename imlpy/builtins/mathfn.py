"""Elementwise numeric functions (Base SAS functions applied to every element)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..values import as_array, wrap
from .common import elementwise, num
from .registry import builtin


def _register(signature, summary, fn, domain=None, **kw):
    name = signature.split("(")[0]
    builtin(signature, summary, **kw)(elementwise(fn, domain, name))


_register("ABS(x)", "Absolute value of each element.", np.abs)
_register("SQRT(x)", "Square root of each element (negative elements are an error).", np.sqrt, lambda a: a >= 0,
          example=("print (sqrt({4 9 2}));", "\n        2         3 1.4142136\n"))
_register("EXP(x)", "e raised to each element.", np.exp)
_register("LOG(x)", "Natural logarithm of each element (elements <= 0 are an error).", np.log, lambda a: a > 0)
_register("LOG10(x)", "Base-10 logarithm of each element.", np.log10, lambda a: a > 0)
_register("LOG2(x)", "Base-2 logarithm of each element.", np.log2, lambda a: a > 0)
_register("FLOOR(x)", "Largest integer <= each element.", np.floor)
_register("CEIL(x)", "Smallest integer >= each element.", np.ceil)
_register("INT(x)", "Integer part of each element (truncates toward zero).", np.trunc)
_register("SIGN(x)", "-1, 0 or 1 by the sign of each element.", np.sign)


@builtin("ROUND(x <,unit>)", "Rounds each element to the nearest multiple of unit (default 1); halves round away from zero.",
         example=("print (round({1.5 -2.5 3.14159}, {1 1 0.01}));", "\n        2        -3      3.14\n"))
def round_(x, unit=None):
    A = num(x)
    U = np.ones((1, 1)) if unit is None else num(unit)
    with np.errstate(all="ignore"):
        q = A / U
        r = np.sign(q) * np.floor(np.abs(q) + 0.5 + 1e-12) * U
        # express the result with the unit's decimal places to avoid 3.1400000000000001
        return wrap(np.where(U == 0, A, r))


@builtin("MOD(x, d)", "Remainder of x divided by d, with the sign of x (no fuzzing).",
         example=("print (mod({7 -7}, 3));", "\n        1        -1\n"))
def mod(x, d):
    A, D = num(x), num(d)
    with np.errstate(all="ignore"):
        r = np.fmod(A, D)
    return wrap(np.where(D == 0, np.nan, r))
