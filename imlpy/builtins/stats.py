"""Descriptive statistics on data matrices: QNTL, COV, CORR, MAD, IQR, SKEWNESS, TABULATE, BIN, ...

SAS's rules: the column-wise statistics (IQR, MAD, SKEWNESS, KURTOSIS, GEOMEAN, HARMEAN, CV) treat
each column as a variable and return a 1 x p row vector, skipping missing values; a column with too
few values gives a missing result. COV and CORR drop every row with a missing value ('listwise',
the default) or use the complete pairs of each pair of columns ('pairwise').
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import errors as E
from ..matrix.values import as_array, char_matrix, is_char, missing_letter, to_str, wrap
from .common import num, opt_str, square
from .registry import builtin
from .probability import scipy_modules


class _quiet_ctx:
    """Silences numpy's floating-point warnings: a missing result says enough."""

    def __enter__(self):
        self.w = warnings.catch_warnings()
        self.w.__enter__()
        warnings.simplefilter("ignore")
        self.e = np.errstate(all="ignore")
        self.e.__enter__()

    def __exit__(self, *exc):
        self.e.__exit__(*exc)
        self.w.__exit__(*exc)


def _columns(x):
    """Each column of x without its missing values."""
    A = num(x)
    return [c[~np.isnan(c)] for c in A.T]


def _per_column(x, fn, minimum=1):
    out = [fn(c) if c.size >= minimum else np.nan for c in _columns(x)]
    return wrap(np.array(out, dtype=float).reshape(1, -1))


def _method(value, default, choices, what):
    """A method keyword: case-insensitive, the first four characters are enough (SAS's rule)."""
    m = opt_str(value, default).strip().lower()
    for c in choices:
        if m == c or (len(m) >= 4 and m[:4] == c[:4]):
            return c
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be one of {', '.join(repr(c) for c in choices)}, not '{m}'")


# ---------------------------------------------------------------- quantiles
def sample_quantile(v: np.ndarray, p: float, definition: int = 5) -> float:
    """Quantile of the sorted nonmissing values v by PROC UNIVARIATE's PCTLDEF= definitions 1-5."""
    n = v.size
    if n == 0:
        return np.nan
    if p <= 0:
        return float(v[0])
    if p >= 1:
        return float(v[-1])
    x = lambda i: float(v[min(max(i, 1), n) - 1])   # 1-based order statistic, clamped
    if definition == 4:
        t = (n + 1) * p
    else:
        t = n * p
    j = int(np.floor(t + 1e-12 * max(1.0, t)))
    g = t - j
    if abs(g) < 1e-12:
        g = 0.0
    if definition in (1, 4):
        return (1 - g) * x(j) + g * x(j + 1)
    if definition == 2:
        if abs(g - 0.5) < 1e-12:
            return x(j) if j % 2 == 0 else x(j + 1)
        return x(int(np.floor(t + 0.5)))
    if definition == 3:
        return x(j) if g == 0 else x(j + 1)
    return (x(j) + x(j + 1)) / 2 if g == 0 else x(j + 1)        # definition 5


@builtin("QNTL(q, x <,probs> <,method>)", "q = sample quantiles of each column of x, one row per probability "
         "(default {0.25, 0.5, 0.75}); method 1-5 as PROC UNIVARIATE's PCTLDEF= (default 5).",
         kind="call", outputs=(0,),
         example=("x = {1, 2, 3, 4, 5, 6};\ncall qntl(q, x);\nprint q;", "        q\n        2\n      3.5\n        5\n\n"))
def qntl(q, x, probs=None, method=None):
    P = np.array([0.25, 0.5, 0.75]) if probs is None else num(probs).reshape(-1)
    if np.any(np.isnan(P)) or np.any((P < 0) | (P > 1)):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="probabilities must be between 0 and 1")
    d = 5 if method is None else int(num(method).flat[0])
    if d not in (1, 2, 3, 4, 5):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"method must be 1, 2, 3, 4 or 5, not {d}")
    cols = [np.sort(c) for c in _columns(x)]
    out = np.array([[sample_quantile(c, p, d) for c in cols] for p in P])
    return wrap(out)


@builtin("IQR(x)", "Row vector of the interquartile ranges of the columns (quartiles by definition 5).",
         example=("print (iqr({1, 2, 3, 4, 5, 6}));", "        3\n\n"))
def iqr(x):
    return _per_column(x, lambda c: sample_quantile(np.sort(c), 0.75) - sample_quantile(np.sort(c), 0.25))


# ---------------------------------------------------------------- covariance and correlation
def _complete_rows(A):
    return A[~np.isnan(A).any(axis=1)]


def _pairwise(A, stat):
    p = A.shape[1]
    out = np.empty((p, p))
    for i in range(p):
        for j in range(i, p):
            keep = ~np.isnan(A[:, i]) & ~np.isnan(A[:, j])
            out[i, j] = out[j, i] = stat(A[keep, i], A[keep, j])
    return out


def _cov_pair(a, b):
    if a.size < 2:
        return np.nan
    return float(np.sum((a - a.mean()) * (b - b.mean())) / (a.size - 1))


@builtin("COV(x <,excludemiss>)", "Sample covariance matrix of the columns of x; rows with a missing value are "
         "dropped ('listwise', default) or each pair uses its complete rows ('pairwise').",
         example=("print (cov({1 2, 2 4, 3 7}));", "        1       2.5\n      2.5 6.3333333\n\n"))
def cov(x, excludemiss=None):
    A = num(x)
    if _method(excludemiss, "listwise", ("listwise", "pairwise"), "excludemiss") == "pairwise":
        return wrap(_pairwise(A, _cov_pair))
    B = _complete_rows(A)
    if B.shape[0] < 2:
        return wrap(np.full((A.shape[1], A.shape[1]), np.nan))
    C = B - B.mean(axis=0)
    return wrap(C.T @ C / (B.shape[0] - 1))


def _ranks(v):
    stats, _ = scipy_modules()
    return stats.rankdata(v)


def _pearson(a, b):
    if a.size < 2:
        return np.nan
    da, db = a - a.mean(), b - b.mean()
    den = np.sqrt(np.sum(da * da) * np.sum(db * db))
    return float(np.sum(da * db) / den) if den > 0 else np.nan


def _kendall(a, b):
    stats, _ = scipy_modules()
    if a.size < 2:
        return np.nan
    with _quiet_ctx():
        return float(stats.kendalltau(a, b, variant="b").statistic)


_CORR = {"pearson": _pearson, "spearman": lambda a, b: _pearson(_ranks(a), _ranks(b)) if a.size >= 2 else np.nan,
         "kendall": _kendall}


@builtin("CORR(x <,method> <,excludemiss>)", "Correlation matrix of the columns of x: 'Pearson' (default), "
         "'Spearman' or 'Kendall' (tau-b); missing values 'listwise' (default) or 'pairwise'.",
         example=("print (corr({1 2, 2 4, 3 7}));", "        1 0.9933993\n0.9933993         1\n\n"),
         partial="method 'Hoeffding' is not implemented")
def corr(x, method=None, excludemiss=None):
    A = num(x)
    m = _method(method, "pearson", ("pearson", "spearman", "kendall", "hoeffding"), "method")
    if m == "hoeffding":
        raise E.IMLRuntimeError("CORR method 'Hoeffding' is not implemented yet in imlpy.")
    miss = _method(excludemiss, "listwise", ("listwise", "pairwise"), "excludemiss")
    stat = _CORR[m]
    if miss == "listwise":
        A = _complete_rows(A)
    with _quiet_ctx():
        out = _pairwise(A, stat)
    np.fill_diagonal(out, np.where(np.isnan(np.diag(out)), np.nan, 1.0))
    return wrap(out)


@builtin("COV2CORR(S)", "Correlation matrix from a covariance matrix S: S[i,j]/sqrt(S[i,i]*S[j,j]).",
         example=("print (cov2corr({4 2, 2 9}));", "        1 0.3333333\n0.3333333         1\n\n"))
def cov2corr(S):
    A = square(S, "COV2CORR", "covariance matrix")
    d = np.diag(A)
    if np.any(d <= 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the diagonal (variances) must be positive")
    s = np.sqrt(d)
    return wrap(A / np.outer(s, s))


@builtin("CORR2COV(R, sd)", "Covariance matrix from a correlation matrix R and the standard deviations sd.",
         example=("print (corr2cov({1 0.5, 0.5 1}, {2 3}));", "        4         3\n        3         9\n\n"))
def corr2cov(R, sd):
    A = square(R, "CORR2COV", "correlation matrix")
    s = num(sd).reshape(-1)
    if s.size != A.shape[0]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{A.shape[0]} x {A.shape[0]} correlations need {A.shape[0]} standard deviations, not {s.size}")
    return wrap(A * np.outer(s, s))


# ---------------------------------------------------------------- column statistics
@builtin("STANDARD(x)", "Standardizes each column to mean 0 and standard deviation 1 (missing values stay missing).",
         example=("print (standard({1, 2, 3}));", "       -1\n        0\n        1\n\n"))
def standard(x):
    A = num(x)
    with _quiet_ctx():
        m = np.nanmean(A, axis=0)
        n = np.sum(~np.isnan(A), axis=0)
        s = np.sqrt(np.nansum((A - m) ** 2, axis=0) / (n - 1))
        return wrap((A - m) / s)


def _sn(c):
    n = c.size
    if n < 2:
        return np.nan
    inner = []
    for xi in c:
        d = np.sort(np.abs(xi - c))
        inner.append(d[n // 2])                    # high median: rank floor(n/2) + 1
    outer = np.sort(inner)[(n + 1) // 2 - 1]       # low median: rank floor((n+1)/2)
    cn = {2: 0.743, 3: 1.851, 4: 0.954, 5: 1.351, 6: 0.993, 7: 1.198, 8: 1.005, 9: 1.131}.get(
        n, n / (n - 0.9) if n % 2 else 1.0)
    return 1.1926 * cn * outer


def _qn(c):
    n = c.size
    if n < 2:
        return np.nan
    i, j = np.triu_indices(n, 1)
    d = np.sort(np.abs(c[i] - c[j]))
    h = n // 2 + 1
    k = h * (h - 1) // 2
    dn = {2: 0.399, 3: 0.994, 4: 0.512, 5: 0.844, 6: 0.611, 7: 0.857, 8: 0.669, 9: 0.872}.get(
        n, n / (n + 1.4) if n % 2 else n / (n + 3.8))
    return 2.2219 * dn * d[k - 1]


@builtin("MAD(x <,method>)", "Row vector of the median absolute deviations of the columns: 'MAD' (raw, default), "
         "'NMAD' (x 1.4826), 'SN' or 'QN' (Rousseeuw-Croux estimators).",
         example=("print (mad({1, 2, 3, 4, 100}));", "        1\n\n"))
def mad(x, method=None):
    m = opt_str(method, "mad").strip().lower()
    m = {"raw": "mad"}.get(m, m)
    if m not in ("mad", "nmad", "sn", "qn"):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"method must be 'MAD', 'NMAD', 'SN' or 'QN', not '{m}'")
    if m == "sn":
        return _per_column(x, _sn)
    if m == "qn":
        return _per_column(x, _qn)
    b = 1.4826 if m == "nmad" else 1.0
    return _per_column(x, lambda c: b * float(np.median(np.abs(c - np.median(c)))))


@builtin("SKEWNESS(x)", "Row vector of the sample skewness of each column (SAS's bias-adjusted formula; needs 3 values).",
         example=("print (skewness({1, 2, 3, 10}));", "1.7636326\n\n"))
def skewness(x):
    def sk(c):
        n = c.size
        s = c.std(ddof=1)
        return np.nan if s == 0 else n / ((n - 1) * (n - 2)) * np.sum(((c - c.mean()) / s) ** 3)
    return _per_column(x, sk, 3)


@builtin("KURTOSIS(x)", "Row vector of the sample excess kurtosis of each column (SAS's bias-adjusted formula; needs 4 values).")
def kurtosis(x):
    def ku(c):
        n = c.size
        s = c.std(ddof=1)
        if s == 0:
            return np.nan
        z4 = np.sum(((c - c.mean()) / s) ** 4)
        return n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * z4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
    return _per_column(x, ku, 4)


def _nonnegative(x, what, strict=False):
    A = num(x)
    bad = (A <= 0) if strict else (A < 0)
    if np.any(bad & ~np.isnan(A)):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} needs nonnegative values")
    return A


@builtin("GEOMEAN(x)", "Row vector of the geometric means of the columns (values must be nonnegative).",
         example=("print (geomean({1 2, 4 8}));", "        2         4\n\n"))
def geomean(x):
    A = _nonnegative(x, "GEOMEAN")
    with _quiet_ctx():
        return _per_column(A, lambda c: 0.0 if np.any(c == 0) else float(np.exp(np.mean(np.log(c)))))


@builtin("HARMEAN(x)", "Row vector of the harmonic means of the columns (values must be nonnegative; a 0 gives 0).",
         example=("print (harmean({1, 2, 4}));", "1.7142857\n\n"))
def harmean(x):
    A = _nonnegative(x, "HARMEAN")
    return _per_column(A, lambda c: 0.0 if np.any(c == 0) else float(c.size / np.sum(1.0 / c)))


@builtin("CV(x)", "Row vector of the coefficients of variation of the columns: 100 * std / mean.",
         example=("print (cv({1, 2, 3}));", "       50\n\n"))
def cv(x):
    return _per_column(x, lambda c: np.nan if c.mean() == 0 else 100 * c.std(ddof=1) / c.mean(), 2)


# ---------------------------------------------------------------- counting and binning
def _values_and_missing(x):
    A = as_array(x)
    if A.dtype.kind == "U":
        flat = A.reshape(-1)
        return flat, np.char.str_len(flat) == 0
    A = num(x).reshape(-1)
    return A, np.isnan(A)


@builtin("TABULATE(levels, freq, x <,method>)", "levels = 1 x k sorted distinct values of x, freq = their counts; "
         "missing values are skipped unless method is 'missing'.", kind="call", outputs=(0, 1),
         example=("call tabulate(lev, f, {2 1 2 3 2});\nprint lev, f;", "      lev\n        1         2         3\n\n        f\n        1         3         1\n\n"))
def tabulate(levels, freq, x, method=None):
    v, miss = _values_and_missing(x)
    include_missing = opt_str(method, "").strip().lower().startswith("miss")
    if not include_missing:
        v = v[~miss]
    if v.size == 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="x has no nonmissing values to tabulate")
    if v.dtype.kind == "U":
        lev, counts = np.unique(v, return_counts=True)
        return char_matrix(lev.reshape(1, -1), max(as_array(x).dtype.itemsize // 4, 1)), wrap(counts.reshape(1, -1).astype(float))
    nan = np.isnan(v)
    lev, counts = np.unique(v[~nan], return_counts=True)
    if nan.any():
        lev, counts = np.concatenate([[np.nan], lev]), np.concatenate([[nan.sum()], counts])
    return wrap(lev.reshape(1, -1)), wrap(counts.reshape(1, -1).astype(float))


@builtin("COUNTUNIQUE(x <,method>)", "Number of distinct values: 'all' (default, a scalar), 'row' (a column vector) or 'col' (a row vector).",
         example=("print (countunique({1 2 2, 3 1 1}));", "        3\n\n"))
def countunique(x, method=None):
    A = as_array(x)
    m = opt_str(method, "all").strip().lower()

    def distinct(v):
        if v.dtype.kind == "U":
            return float(np.unique(v).size)
        nan = np.isnan(v)
        return float(np.unique(v[~nan]).size + (1 if nan.any() else 0))
    if m == "all":
        return distinct(A.reshape(-1))
    if m == "row":
        return wrap(np.array([[distinct(r)] for r in A]))
    if m == "col":
        return wrap(np.array([[distinct(c) for c in A.T]]))
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="method must be 'all', 'row' or 'col'")


def _lags(x, k):
    A = num(x)
    K = [1] if k is None else [int(v) for v in num(k).reshape(-1)]
    n = A.shape[0]
    cols = []
    for lag in K:
        L = np.full(A.shape, np.nan)
        if lag >= 0 and lag < n:
            L[lag:] = A[:n - lag]
        elif lag < 0 and -lag < n:
            L[:n + lag] = A[-lag:]
        cols.append(L)
    return A, K, cols


@builtin("LAG(x <,lags>)", "Each column of x shifted down by each lag (default 1); the first rows are missing. "
         "Several lags give side-by-side columns; a negative lag is a lead.",
         example=("print (lag({1, 2, 3}));", "        .\n        1\n        2\n\n"))
def lag(x, lags=None):
    _, _, cols = _lags(x, lags)
    return wrap(np.hstack(cols))


@builtin("DIF(x <,lags>)", "x minus LAG(x, lags): differences of each column; the first rows are missing.",
         example=("print (dif({1, 4, 9}));", "        .\n        3\n        5\n\n"))
def dif(x, lags=None):
    A, _, cols = _lags(x, lags)
    return wrap(np.hstack([A - L for L in cols]))


def _cutpoints(x, bins):
    B = num(bins).reshape(-1)
    if B.size == 1:
        A = num(x)
        k = int(B[0])
        if k < 1:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the number of bins must be positive")
        return np.linspace(np.nanmin(A), np.nanmax(A), k + 1)
    out = B.copy()
    for i, b in enumerate(B):
        if np.isnan(b):
            letter = missing_letter(b)
            if letter == "M" and i == 0:
                out[i] = -np.inf
            elif letter == "I" and i == B.size - 1:
                out[i] = np.inf
            else:
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="a cutpoint is missing (only .M first and .I last are allowed)")
    if np.any(np.diff(out) < 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="cutpoints must be in ascending order")
    return out


@builtin("BIN(x, cutpoints <,closed>)", "Same shape as x: the number of the interval of cutpoints that holds each "
         "element (missing outside); intervals [a,b) with the last closed, or 'right': (a,b] with the first closed. "
         "A scalar cutpoints is a number of equal-width bins over the data's range.",
         example=("print (bin({0 0.5 1 2 4}, {0 1 2 4}));", "        1         1         2         3         3\n\n"))
def bin_(x, cutpoints, closed=None):
    A = num(x)
    c = _cutpoints(x, cutpoints)
    right = _method(closed, "left", ("left", "right"), "closed") == "right"
    k = c.size - 1
    if right:
        idx = np.searchsorted(c, A, side="left").astype(float)
        idx = np.where(A == c[0], 1.0, idx)
    else:
        idx = np.searchsorted(c, A, side="right").astype(float)
        idx = np.where(A == c[-1], float(k), idx)
    idx = np.where((idx < 1) | (idx > k) | np.isnan(A), np.nan, idx)
    return wrap(idx)


# ---------------------------------------------------------------- distances
def _norm_rows(D, method):
    if method == "L1":
        return np.abs(D).sum(axis=-1)
    if method == "LINF":
        return np.abs(D).max(axis=-1)
    if method == "L2":
        return np.sqrt((D * D).sum(axis=-1))
    return (np.abs(D) ** method).sum(axis=-1) ** (1.0 / method)


@builtin("DISTANCE(x <,y> <,method>)", "Matrix of distances between the rows of x (and of y): 'L2' (default), 'L1', "
         "'LINF', or a number p >= 1 for the Lp distance.",
         example=("print (distance({0 0, 3 4}));", "        0         5\n        5         0\n\n"))
def distance(x, y=None, method=None):
    if y is not None and is_char(y) and method is None:
        y, method = None, y
    X = num(x)
    Y = X if y is None else num(y)
    if X.shape[1] != Y.shape[1]:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"x has {X.shape[1]} columns, y has {Y.shape[1]}")
    if method is None:
        m = "L2"
    elif is_char(method):
        m = to_str(method).strip().upper()
        if m not in ("L1", "L2", "LINF"):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"method must be 'L1', 'L2', 'LINF' or a number p >= 1, not '{m}'")
    else:
        m = float(num(method).flat[0])
        if not m >= 1:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="p must be at least 1")
    return wrap(_norm_rows(X[:, None, :] - Y[None, :, :], m))


@builtin("MAHALANOBIS(x <,center <,cov>>)", "Column vector of the Mahalanobis distances of the rows of x from center "
         "(default: the column means) with covariance cov (default: COV(x)).",
         example=("print (mahalanobis({1 0, 0 2}, {0 0}, {1 0, 0 4}));", "        1\n        1\n\n"))
def mahalanobis(x, center=None, cov_=None):
    X = num(x)
    c = np.nanmean(X, axis=0) if center is None else num(center).reshape(-1)
    S = num(cov(x)) if cov_ is None else num(cov_)
    if c.size != X.shape[1] or S.shape != (X.shape[1], X.shape[1]):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"x has {X.shape[1]} columns: center needs {X.shape[1]} elements "
                                f"and cov must be {X.shape[1]} x {X.shape[1]}")
    try:
        L = np.linalg.cholesky(S)
    except np.linalg.LinAlgError:
        raise E.IMLRuntimeError(E.NOT_POSDEF, hint="the covariance matrix must be symmetric positive definite")
    Z = np.linalg.solve(L, (X - c).T)
    return wrap(np.sqrt((Z * Z).sum(axis=0)).reshape(-1, 1))


# ---------------------------------------------------------------- small helpers
@builtin("RANGE(m1 <,m2, ...>)", "Largest minus smallest nonmissing element of all arguments.",
         example=("print (range({4 1, 9 .}));", "        8\n\n"))
def range_(*mats):
    v = np.concatenate([num(m).reshape(-1) for m in mats])
    v = v[~np.isnan(v)]
    return float(v.max() - v.min()) if v.size else np.nan


@builtin("COL(x)", "Matrix shaped like x whose [i,j] element is the column number j.",
         example=("print (col({5 6 7, 8 9 0}));", "        1         2         3\n        1         2         3\n\n"))
def col(x):
    r, c = as_array(x).shape
    return wrap(np.tile(np.arange(1.0, c + 1), (r, 1)))


@builtin("ROW(x)", "Matrix shaped like x whose [i,j] element is the row number i.",
         example=("print (row({5 6 7, 8 9 0}));", "        1         1         1\n        2         2         2\n\n"))
def row(x):
    r, c = as_array(x).shape
    return wrap(np.tile(np.arange(1.0, r + 1).reshape(-1, 1), (1, c)))
