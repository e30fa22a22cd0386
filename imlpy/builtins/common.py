"""Small helpers shared by the builtin families: argument coercion and elementwise wrappers."""
from __future__ import annotations

import warnings
from typing import Callable

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, IMLList, as_array, char_matrix, is_char, numeric_array, to_float, to_int, to_str, wrap


def num(v, what: str = "") -> np.ndarray:
    """A numeric argument as a 2-D float array."""
    return numeric_array(v, what)


def square(v, name: str, what: str = "matrix") -> np.ndarray:
    """A numeric square-matrix argument, or SAS's 'Matrix should be square.' with the shape."""
    if is_char(v):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"{name} needs a numeric {what}")
    A = num(v)
    if A.shape[0] != A.shape[1]:
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"{name} needs a square {what}; it is {A.shape[0]} x {A.shape[1]}")
    return A


def chars(v) -> np.ndarray:
    if not is_char(v):
        if v is None or (type(v) is np.ndarray and v.size == 0):
            raise E.not_set()
        raise E.IMLRuntimeError(E.NEED_CHARACTER)
    return v


def count(v, what: str) -> int:
    """A nonnegative whole-number argument (dimensions, counts)."""
    x = to_float(v)
    if x != x or x < 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a nonnegative number, not {x}")
    return int(x)


def opt_str(v, default: str = "") -> str:
    return default if v is None else to_str(v)


def elementwise(fn: Callable, domain: Callable = None, what: str = "") -> Callable:
    """A numeric function applied to every element; missing stays missing.

    `domain(x)` returns a boolean mask of valid nonmissing inputs; an invalid element is
    SAS's 'Invalid argument to function' error."""
    def apply(x):
        A = num(x)
        if domain is not None:
            valid = domain(A) | np.isnan(A)
            if not valid.all():
                bad = A[~valid].flat[0]
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what or fn.__name__} is not defined for {bad:g}")
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return wrap(fn(A))
    return apply


def missing_to_nan(A: np.ndarray) -> np.ndarray:
    return A


__all__ = ["num", "square", "chars", "count", "opt_str", "elementwise", "EMPTY", "IMLList", "as_array",
           "char_matrix", "is_char", "to_float", "to_int", "to_str", "wrap"]
