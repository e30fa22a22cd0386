"""Elementwise numeric functions (Base SAS functions applied to every element)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import as_array, wrap
from .common import elementwise, num
from .registry import builtin
from ..matrix.operators import check_conform


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


# Trigonometric and hyperbolic functions (Base SAS names; arguments outside the domain of an
# inverse function are SAS's 'Invalid argument to function' error).
_register("SIN(x)", "Sine of each element (radians).", np.sin,
          example=("print (sin({0 1.5707963}));", "        0         1\n"))
_register("COS(x)", "Cosine of each element (radians).", np.cos)
_register("TAN(x)", "Tangent of each element (radians).", np.tan)
_register("ARSIN(x)", "Arcsine of each element, for -1 <= x <= 1.", np.arcsin, lambda a: np.abs(a) <= 1)
_register("ARCOS(x)", "Arccosine of each element, for -1 <= x <= 1.", np.arccos, lambda a: np.abs(a) <= 1)
_register("ATAN(x)", "Arctangent of each element.", np.arctan)
_register("SINH(x)", "Hyperbolic sine of each element.", np.sinh)
_register("COSH(x)", "Hyperbolic cosine of each element.", np.cosh)
_register("TANH(x)", "Hyperbolic tangent of each element.", np.tanh)
_register("ARSINH(x)", "Inverse hyperbolic sine of each element.", np.arcsinh)
_register("ARCOSH(x)", "Inverse hyperbolic cosine of each element, for x >= 1.", np.arccosh, lambda a: a >= 1)
_register("ARTANH(x)", "Inverse hyperbolic tangent of each element, for -1 < x < 1.", np.arctanh, lambda a: np.abs(a) < 1)
_register("LOG1PX(x)", "log(1 + x), accurate for small x (x > -1).", np.log1p, lambda a: a > -1)


@builtin("ATAN2(y, x)", "Arctangent of y/x in the right quadrant (radians), elementwise.")
def atan2(y, x):
    Y, X = num(y), num(x)
    check_conform("ATAN2", Y, X)
    with np.errstate(all="ignore"):
        return wrap(np.arctan2(Y, X))
