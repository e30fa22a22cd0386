"""Cubic splines (CALL SPLINE, CALL SPLINEC, SPLINEV) and nice axis scales (CALL GSCALE).

SAS rules (SAS/IML Language Reference, "SPLINE and SPLINEC Calls", "SPLINEV Function",
"GSCALE Call"):
  * data is n x 2 (x, y) or n x 3 (x, y, weight); the fitted curve is evaluated at nout (default
    200) equally spaced points from the first to the last x, or at points delta apart;
  * coeff has one row per knot: column 1 the knot x_i, columns 2-5 the constant, linear,
    quadratic and cubic coefficients in (x - x_i) of the piece that starts there (columns 6-9 the
    y-component of a parametric spline); the last row holds the last knot, which ends the support;
  * endSlopes holds the slopes at the two ends as angles in degrees; the SLOPE= input is read the
    same way (TYPE="fixedslope");
  * TYPE= "zero" (default: second derivative zero at both ends, the natural spline), "periodic",
    "fixedslope", "parametric" (x and y as splines of the cumulative chord length);
  * SPLINEV gives a missing value outside the support of the spline;
  * GSCALE implements ACM Algorithm 463 (Lewart, 1973): an increment that is a "nice" number
    times a power of ten, a scale of whole multiples of it covering the data.
"""
from __future__ import annotations

import math

import numpy as np

from .. import errors as E
from ..matrix.values import is_char, numeric_array, to_float, to_str, wrap
from .registry import builtin

_TYPES = ("zero", "periodic", "fixedslope", "parametric")


def _scipy_interpolate():
    try:
        import scipy.interpolate as si
    except ImportError:
        raise E.IMLRuntimeError("Splines need scipy.", hint="pip install 'imlpy[stats]'") from None
    return si


# ---------------------------------------------------------------- fitting
def _data(data) -> tuple:
    A = numeric_array(data, "data")
    if A.ndim != 2 or A.shape[1] not in (2, 3) or A.shape[0] < 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"data must be n x 2 (x, y) or n x 3 (x, y, weight) with n >= 2, not {A.shape[0]} x {A.shape[1]}")
    if np.isnan(A[:, :2]).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the data contain missing values; remove those points first")
    w = A[:, 2].copy() if A.shape[1] == 3 else np.ones(A.shape[0])
    return A[:, 0].astype(float), A[:, 1].astype(float), np.where(np.isnan(w), 0.0, w)


def _option(value, default, what: str):
    if value is None:
        return default
    x = to_float(value)
    if x != x:
        return default
    return x


def _fit(x, y, w, smooth: float, kind: str, slope):
    """A callable spline s(points, nu=0) fitted to (x, y), x increasing and distinct."""
    si = _scipy_interpolate()
    if smooth > 0:
        keep = w > 0                       # SAS: a weight <= 0 drops the point from the fit
        if keep.sum() < 5:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="a smoothing spline needs at least 5 points of positive weight")
        spl = si.make_smoothing_spline(x[keep], y[keep], w=w[keep], lam=smooth)
        return lambda t, nu=0: spl(t, nu)
    if kind == "periodic":
        if abs(y[0] - y[-1]) > 1e-12 * max(1.0, abs(y[0])):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="a periodic spline needs the first and last y values equal")
        bc = "periodic"
    elif kind == "fixedslope":
        if slope is None:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint='TYPE="fixedslope" needs SLOPE={a b}: the end slopes as angles in degrees')
        s = numeric_array(slope, "slope").reshape(-1)
        if s.size != 2 or np.isnan(s).any():
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="SLOPE= needs two angles in degrees")
        d = np.tan(np.radians(s))
        bc = ((1, float(d[0])), (1, float(d[1])))
    else:
        bc = "natural"
    cs = si.CubicSpline(x, y, bc_type=bc)
    return lambda t, nu=0: cs(t, nu)


def _coefficients(x, s) -> np.ndarray:
    """n x 5 rows (x_i, s, s', s''/2, s'''/6) at each knot, the piece to the right of it (the last
    row continues the last piece)."""
    rows = np.column_stack([x, s(x), s(x, 1), s(x, 2) / 2.0, s(x, 3) / 6.0])
    if len(x) > 1:
        mid = (x[-2] + x[-1]) / 2.0
        rows[-1, 4] = s(np.array([mid]), 3)[0] / 6.0
    return rows


def _grid(lo: float, hi: float, delta, nout) -> np.ndarray:
    if delta is not None:
        d = to_float(delta)
        if not d > 0:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="delta must be positive")
        if (hi - lo) / d > 1e7:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="delta is too small for the range of the data")
        return lo + d * np.arange(int(math.floor((hi - lo) / d * (1 + 1e-12))) + 1)
    n = 200 if nout is None else int(to_float(nout))
    if n < 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="nout must be at least 2")
    return np.linspace(lo, hi, n)


def _angles(d0: float, d1: float) -> np.ndarray:
    return np.degrees(np.arctan(np.array([[d0, d1]], dtype=float)))


def spline_fit(data, smooth=None, delta=None, nout=None, type_=None, slope=None) -> tuple:
    """(fitted, coeff, endSlopes) as SPLINEC returns them."""
    x, y, w = _data(data)
    kind = to_str(type_).strip().lower() if type_ is not None else ("fixedslope" if slope is not None else "zero")
    if kind not in _TYPES:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'TYPE= is "zero", "periodic", "fixedslope" or "parametric", not "{kind}"')
    smooth = _option(smooth, 0.0, "smooth")
    if smooth < 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="smooth must be >= 0 (0 interpolates)")
    if kind == "parametric":
        return _parametric(x, y, delta, nout)
    order = np.argsort(x, kind="stable")
    x, y, w = x[order], y[order], w[order]
    if np.any(np.diff(x) <= 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the x values must be distinct (use TYPE=\"parametric\" for a curve that turns back)")
    s = _fit(x, y, w, smooth, kind, slope)
    grid = _grid(x[0], x[-1], delta, nout)
    fitted = np.column_stack([grid, s(grid)])
    ends = s(np.array([x[0], x[-1]]), 1)
    return wrap(fitted), wrap(_coefficients(x, s)), wrap(_angles(ends[0], ends[1]))


def _parametric(x, y, delta, nout) -> tuple:
    """x(t) and y(t) as natural splines of the cumulative chord length t."""
    si = _scipy_interpolate()
    t = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(x), np.diff(y)))])
    if np.any(np.diff(t) <= 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="consecutive data points must differ")
    sx = si.CubicSpline(t, x, bc_type="natural")
    sy = si.CubicSpline(t, y, bc_type="natural")
    grid = _grid(t[0], t[-1], delta, nout)
    fitted = np.column_stack([sx(grid), sy(grid)])
    cx = _coefficients(t, lambda p, nu=0: sx(p, nu))
    cy = _coefficients(t, lambda p, nu=0: sy(p, nu))
    ends = [math.degrees(math.atan2(sy(t[k], 1), sx(t[k], 1))) for k in (0, -1)]
    return wrap(fitted), wrap(np.column_stack([cx, cy[:, 1:]])), wrap(np.array([ends]))


@builtin("SPLINEC(fitted, coeff, endSlopes, data <,smooth> <,delta> <,nout> <,type> <,slope>)",
         "Cubic spline through (or, with smooth > 0, near) the points data = (x, y <,w>): fitted curve, coefficients, end slopes.",
         kind="call", outputs=(0, 1, 2),
         partial="smooth > 0 fits the penalised spline sum w(y-f)^2 + smooth*integral f''^2 (scipy), whose scale may differ from SAS's",
         example=("call splinec(fit, coeff, ends, {0 0, 1 1, 2 0});\nprint coeff;",
                  "    coeff\n        0         0       1.5         0      -0.5\n"
                  "        1         1         0      -1.5       0.5\n        2         0      -1.5         0       0.5\n"))
def splinec(fitted, coeff, endslopes, data, smooth=None, delta=None, nout=None, type_=None, slope=None):
    return spline_fit(data, smooth, delta, nout, type_, slope)


@builtin("SPLINE(fitted, data <,smooth> <,delta> <,nout> <,type> <,slope>)",
         "Cubic spline fitted to data = (x, y <,w>): the n x 2 matrix of fitted points (SPLINEC also gives coefficients).",
         kind="call", outputs=(0,),
         example=("call spline(fit, {0 0, 1 1, 2 0}) nout=3;\nprint fit;", "      fit\n        0         0\n        1         1\n        2         0\n"))
def spline(fitted, data, smooth=None, delta=None, nout=None, type_=None, slope=None):
    return spline_fit(data, smooth, delta, nout, type_, slope)[0]


@builtin("SPLINEV(coeff <,delta> <,nout>)",
         "Evaluate a spline from SPLINEC's coeff: (x, s(x)) at nout points, at points delta apart, or at the ascending points delta.",
         example=("call splinec(fit, coeff, ends, {0 0, 1 1, 2 0});\nprint (splinev(coeff, {0.5, 2, 3}));",
                  "\n      0.5    0.6875\n        2         0\n        3         .\n"))
def splinev(coeff, delta=None, nout=None):
    C = numeric_array(coeff, "coeff")
    if C.ndim != 2 or C.shape[1] not in (5, 9) or C.shape[0] < 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="coeff must be the n x 5 (or n x 9) matrix that SPLINEC returns")
    if np.isnan(C).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="coeff must not contain missing values")
    if delta is not None and nout is not None:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="give delta or nout, not both")
    knots = C[:, 0]
    if delta is not None and np.size(delta) > 1:
        pts = numeric_array(delta, "delta").reshape(-1)
        finite = pts[~np.isnan(pts)]
        if np.any(np.diff(finite) < 0):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the evaluation points must be in ascending order (sort them first)")
    else:
        pts = _grid(knots[0], knots[-1], delta, nout)
    first = _evaluate(C[:, :5], pts)
    if C.shape[1] == 9:
        second = _evaluate(np.column_stack([knots, C[:, 5:]]), pts)
        return wrap(np.column_stack([first, second]))
    return wrap(np.column_stack([pts, first]))


def _evaluate(C: np.ndarray, pts: np.ndarray) -> np.ndarray:
    knots = C[:, 0]
    out = np.full(pts.shape, np.nan)
    inside = ~np.isnan(pts) & (pts >= knots[0]) & (pts <= knots[-1])
    p = pts[inside]
    i = np.clip(np.searchsorted(knots, p, side="right") - 1, 0, len(knots) - 2)
    d = p - knots[i]
    out[inside] = C[i, 1] + d * (C[i, 2] + d * (C[i, 3] + d * C[i, 4]))
    return out


# ---------------------------------------------------------------- GSCALE
@builtin("GSCALE(scale, x, nincr <,nicenum> <,fixedEnd>)",
         "Nice axis scale for the data x: scale = {start, end, increment} with about nincr intervals (exactly -nincr if negative).",
         kind="call", outputs=(0,),
         partial='fixedEnd: only the default "X" is supported',
         example=("call gscale(s, {0.3 42 97}, 10);\nprint s;", "        s\n        0\n      100\n       10\n"))
def gscale(scale, x, nincr, nicenum=None, fixed_end=None):
    """ACM Algorithm 463: SCALE1 (about n intervals) for n > 0, SCALE2 (exactly |n|) for n < 0."""
    data = numeric_array(x, "x").reshape(-1)
    data = data[~np.isnan(data)]
    if data.size == 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="x has no nonmissing values")
    n = to_float(nincr)
    if n != n or n == 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="nincr cannot be zero or missing")
    if fixed_end is not None and (not is_char(fixed_end) or to_str(fixed_end).strip().upper() not in ("X", "")):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint='only fixed-end "X" is supported')
    nice = _nice_numbers(nicenum)
    lo, hi = float(data.min()), float(data.max())
    if hi == lo:                      # one value: a unit-wide range around it
        lo, hi = (lo - 0.5, hi + 0.5) if lo == 0 else (lo - abs(lo) * 0.05, hi + abs(hi) * 0.05)
    count = max(int(round(abs(n))), 1)
    start, end, step = (_scale1 if n > 0 else _scale2)(lo, hi, count, nice)
    return wrap(np.array([[start], [end], [step]]))


def _nice_numbers(nicenum) -> list:
    if nicenum is None:
        return [1.0, 2.0, 2.5, 5.0]
    v = sorted(float(a) for a in numeric_array(nicenum, "nicenum").reshape(-1) if a == a)
    if not v or len(v) > 10 or v[0] < 1 or v[-1] >= 10:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="nicenum holds up to 10 numbers in [1, 10)")
    return v


_DEL = 2e-5        # Algorithm 463's allowance for round-off


def _multiples(lo: float, hi: float, dist: float) -> tuple:
    fm1 = lo / dist
    m1 = math.floor(fm1)
    if abs(m1 + 1 - fm1) < _DEL:
        m1 += 1
    fm2 = hi / dist
    m2 = math.floor(fm2) + 1
    if abs(fm2 + 1 - m2) < _DEL:
        m2 -= 1
    return m1, m2


def _scale1(lo, hi, n, nice):
    """SCALE1: the nice increment nearest (geometrically) to (hi - lo)/n."""
    a = (hi - lo) / n
    power = math.floor(math.log10(a))
    b = a / 10.0 ** power
    vals = nice + [10.0 * nice[0]]
    k = len(nice)
    for i in range(len(nice)):
        if b < math.sqrt(vals[i] * vals[i + 1]):
            k = i
            break
    dist = vals[k] * 10.0 ** power
    m1, m2 = _multiples(lo, hi, dist)
    return min(dist * m1, lo), max(dist * m2, hi), dist


def _scale2(lo, hi, n, nice):
    """SCALE2: the smallest nice increment with which exactly n intervals cover the data."""
    a = (hi - lo) / n
    power = math.floor(math.log10(a))
    b = a / 10.0 ** power
    vals = nice + [10.0 * v for v in nice] + [100.0 * nice[0]]
    k = next(i for i, v in enumerate(vals) if b <= v * (1 + _DEL))
    while True:
        dist = vals[k] * 10.0 ** power if k < len(vals) else vals[-1] * 10.0 ** (power + k - len(vals) + 1)
        m1, m2 = _multiples(lo, hi, dist)
        if m2 - m1 <= n:
            break
        k += 1
    extra = (n - (m2 - m1)) // 2
    start = dist * (m1 - extra)
    return min(start, lo), max(start + n * dist, hi), dist
