"""Probability functions: CDF/PDF/SDF/QUANTILE and friends, PROB* and *INV, CONSTANT, gamma & co.

These are Base SAS functions called from IML, so they work elementwise: every argument may be a
matrix, and the matrices must conform (a 1 x 1 argument is used for every element). A missing
argument gives a missing result. Distribution names follow the SAS CDF documentation: case does
not matter and, except for T and F, the first four letters are enough ('NORM', 'CHIS', 'EXPO').

Parameterisations are SAS's, not SciPy's: Gamma(a, lambda) and Exponential(lambda) use a SCALE,
Binomial(p, n) puts p first, Geometric(p) and NegBinomial(p, n) count FAILURES before the
(n-th) success, Lognormal(theta, lambda) gives the mean and sd of log(x).
SciPy is imported lazily; without it these functions ask for `pip install 'imlpy[stats]'`.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import errors as E
from ..matrix.values import is_char, to_str, wrap
from .common import num
from .registry import builtin


def scipy_modules():
    """(scipy.stats, scipy.special), or the IML error that names the extra to install."""
    try:
        import scipy.special as special
        import scipy.stats as stats
    except ImportError:  # pragma: no cover - scipy is installed in development
        raise E.IMLRuntimeError("This function needs SciPy, which is not installed.",
                                hint="install it with: pip install 'imlpy[stats]'")
    return stats, special


# ---------------------------------------------------------------- conforming arguments
def conform(args, names=None) -> tuple:
    """The numeric arguments as arrays of one common shape (1 x 1 arguments are broadcast)."""
    arrays = [num(a) for a in args]
    shape = (1, 1)
    for i, a in enumerate(arrays):
        if a.shape != (1, 1):
            if shape != (1, 1) and a.shape != shape:
                raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"arguments of shapes {shape[0]} x {shape[1]} and "
                                        f"{a.shape[0]} x {a.shape[1]}: each must be 1 x 1 or of one common shape")
            shape = a.shape
    return [np.broadcast_to(a, shape) for a in arrays], shape


def _quiet(fn, *a, **k):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **k)


def _checked(result, inputs, what: str, allow_inf: bool = False):
    """SAS's 'Invalid argument to function' where a nonmissing input gave no answer."""
    result = np.asarray(result, dtype=float)
    given = np.ones(result.shape, dtype=bool)
    for a in inputs:
        given &= ~np.isnan(a)
    bad = given & (np.isnan(result) | (np.isinf(result) & (not allow_inf)))
    if bad.any():
        idx = np.argwhere(bad)[0]
        vals = ", ".join(f"{a[tuple(idx)]:g}" for a in inputs)
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} is not defined for ({vals})")
    if allow_inf:
        result = np.where(np.isinf(result), np.nan, result)
    return result


def elementwise_n(fn, args, what: str, allow_inf: bool = False):
    """Apply fn(*arrays) elementwise after conforming; missing in, missing out."""
    arrays, shape = conform(args)
    out = _quiet(fn, *arrays)
    out = np.broadcast_to(np.asarray(out, dtype=float), shape)
    return wrap(np.array(_checked(out, arrays, what, allow_inf)))


# ---------------------------------------------------------------- distributions
# name: (min params, max params, defaults for the optional ones, discrete?)
DISTRIBUTIONS = {
    "BERNOULLI": (1, 1, (), True), "BETA": (2, 4, (0.0, 1.0), False), "BINOMIAL": (2, 2, (), True),
    "CAUCHY": (0, 2, (0.0, 1.0), False), "CHISQUARE": (1, 2, (0.0,), False),
    "EXPONENTIAL": (0, 1, (1.0,), False), "F": (2, 3, (0.0,), False), "GAMMA": (1, 2, (1.0,), False),
    "GEOMETRIC": (1, 1, (), True), "HYPERGEOMETRIC": (3, 4, (1.0,), True),
    "LAPLACE": (0, 2, (0.0, 1.0), False), "LOGISTIC": (0, 2, (0.0, 1.0), False),
    "LOGNORMAL": (0, 2, (0.0, 1.0), False), "NEGBINOMIAL": (2, 2, (), True),
    "NORMAL": (0, 2, (0.0, 1.0), False), "PARETO": (1, 2, (1.0,), False), "POISSON": (1, 1, (), True),
    "T": (1, 2, (0.0,), False), "UNIFORM": (0, 2, (0.0, 1.0), False), "WALD": (1, 2, (1.0,), False),
    "WEIBULL": (1, 2, (1.0,), False),
}
ALIASES = {"GAUSS": "NORMAL", "GAUSSIAN": "NORMAL", "IGAUSS": "WALD", "CHISQ": "CHISQUARE",
           "NEGB": "NEGBINOMIAL", "HYPER": "HYPERGEOMETRIC"}
NOT_PROVIDED = ("NORMALMIX", "TWEEDIE", "GENPOISSON")


def resolve_name(dist, table, aliases=ALIASES, what="distribution") -> str:
    """The canonical distribution name for a (case-insensitive, 4-letter-abbreviable) SAS name."""
    if not is_char(dist):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint=f"the first argument is the {what} name, e.g. 'Normal'")
    name = to_str(dist).strip().upper()
    if name in table:
        return name
    if name in aliases:
        return aliases[name]
    if len(name) >= 4:
        hits = {c for c in list(table) + list(aliases) if c.startswith(name) and c not in ("T", "F")}
        hits = {aliases.get(h, h) for h in hits}
        if len(hits) == 1:
            return hits.pop()
    if any(n.startswith(name) for n in NOT_PROVIDED) and len(name) >= 4:
        raise E.IMLRuntimeError(f"The {name} distribution is not implemented yet in imlpy.")
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"unknown {what} '{to_str(dist)}'; valid names: "
                            + ", ".join(n.title() if len(n) > 1 else n for n in sorted(table)))


def _frozen(stats, name, p):
    """(scipy distribution, shape args, loc, scale) in SAS's parameterisation."""
    if name == "BERNOULLI":
        return stats.bernoulli, (p[0],), 0, 1
    if name == "BETA":
        return stats.beta, (p[0], p[1]), p[2], p[3] - p[2]
    if name == "BINOMIAL":                      # SAS order: p, n
        return stats.binom, (p[1], p[0]), 0, 1
    if name == "CAUCHY":
        return stats.cauchy, (), p[0], p[1]
    if name == "CHISQUARE":
        return (stats.ncx2, (p[0], p[1]), 0, 1) if np.any(p[1] != 0) else (stats.chi2, (p[0],), 0, 1)
    if name == "EXPONENTIAL":                   # scale lambda
        return stats.expon, (), 0, p[0]
    if name == "F":
        return (stats.ncf, (p[0], p[1], p[2]), 0, 1) if np.any(p[2] != 0) else (stats.f, (p[0], p[1]), 0, 1)
    if name == "GAMMA":                         # shape a, scale lambda
        return stats.gamma, (p[0],), 0, p[1]
    if name == "GEOMETRIC":                     # failures before the first success: 0, 1, 2, ...
        return stats.geom, (p[0],), -1, 1
    if name == "HYPERGEOMETRIC":                # population N, R items of interest, sample size n
        if np.any(p[3] != 1):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the extended hypergeometric (odds ratio <> 1) is not supported")
        return stats.hypergeom, (p[0], p[1], p[2]), 0, 1
    if name == "LAPLACE":
        return stats.laplace, (), p[0], p[1]
    if name == "LOGISTIC":
        return stats.logistic, (), p[0], p[1]
    if name == "LOGNORMAL":                     # theta, lambda: mean and sd of log(x)
        return stats.lognorm, (p[1],), 0, np.exp(p[0])
    if name == "NEGBINOMIAL":                   # failures before the n-th success; SAS order p, n
        return stats.nbinom, (p[1], p[0]), 0, 1
    if name == "NORMAL":
        return stats.norm, (), p[0], p[1]
    if name == "PARETO":                        # shape a, scale k: F = 1 - (k/x)^a
        return stats.pareto, (p[0],), 0, p[1]
    if name == "POISSON":
        return stats.poisson, (p[0],), 0, 1
    if name == "T":
        return (stats.nct, (p[0], p[1]), 0, 1) if np.any(p[1] != 0) else (stats.t, (p[0],), 0, 1)
    if name == "UNIFORM":
        return stats.uniform, (), p[0], p[1] - p[0]
    if name == "WALD":                          # shape lambda, mean mu
        return stats.invgauss, (p[1] / p[0],), 0, p[0]
    if name == "WEIBULL":                       # shape a, scale lambda
        return stats.weibull_min, (p[0],), 0, p[1]
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"unknown distribution {name}")  # pragma: no cover


_METHODS = {"cdf": "cdf", "pdf": "pdf", "sdf": "sf", "logpdf": "logpdf", "logcdf": "logcdf",
            "logsdf": "logsf", "quantile": "ppf", "squantile": "isf"}


def _distribution_fn(func: str, dist, x, params):
    stats, _ = scipy_modules()
    name = resolve_name(dist, DISTRIBUTIONS)
    lo, hi, defaults, discrete = DISTRIBUTIONS[name]
    params = list(params)
    while params and params[-1] is None:
        params.pop()
    if not lo <= len(params) <= hi:
        need = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint=f"the {name.title()} distribution takes {need} parameter(s), "
                                f"{len(params)} given")
    if any(p is None for p in params):
        raise E.not_set()
    arrays, shape = conform([x] + params)
    full = arrays[1:] + [np.full(shape, d) for d in defaults[len(params) - lo:]]
    dist_obj, shapes, loc, scale = _frozen(stats, name, full)
    attr = _METHODS[func]
    if discrete:
        attr = attr.replace("pdf", "pmf")
    method = getattr(dist_obj, attr)
    kw = {} if discrete else {"scale": scale}
    out = _quiet(method, arrays[0], *shapes, loc=loc, **kw)
    if discrete and func.endswith("quantile"):     # SciPy answers p = 0 with one below the support
        out = np.maximum(out, _quiet(dist_obj.support, *shapes, loc=loc)[0])
    out = np.broadcast_to(np.asarray(out, dtype=float), shape)
    allow_inf = func.startswith("log")
    return wrap(np.array(_checked(out, arrays, f"{func.upper()}('{name.title()}')", allow_inf)))


def _register_dist(func, meaning, example=()):
    sig = f"{func.upper()}(dist, x <,parm1, parm2, ...>)" if "quantile" not in func else \
        f"{func.upper()}(dist, p <,parm1, parm2, ...>)"

    def fn(dist, x, *params):
        return _distribution_fn(func, dist, x, params)
    fn.__name__ = func
    builtin(sig, meaning, example=example)(fn)


_register_dist("cdf", "Cumulative distribution function of a named distribution (SAS names and parameters), elementwise.",
               example=("print (cdf('Normal', 1.96));", "0.9750021\n\n"))
_register_dist("pdf", "Density (or probability mass) of a named distribution, elementwise.",
               example=("print (pdf('Binomial', 2, 0.5, 4));", "    0.375\n\n"))
_register_dist("sdf", "Survival function 1 - CDF of a named distribution, elementwise (accurate in the tail).")
_register_dist("logpdf", "Log of the density or probability mass; missing where the density is 0.")
_register_dist("logcdf", "Log of the cumulative distribution function; missing where it is 0.")
_register_dist("logsdf", "Log of the survival function; missing where it is 0.")
_register_dist("quantile", "Inverse CDF of a named distribution (for data quantiles use CALL QNTL), elementwise.",
               example=("print (quantile('Normal', 0.975));", " 1.959964\n\n"))
_register_dist("squantile", "Upper-tail quantile: the x with SDF(dist, x) = p, elementwise.")


# ---------------------------------------------------------------- PROB* and *INV functions
def _stat(name):
    return getattr(scipy_modules()[0], name)


def _nc(base, nc_name, x, args, nc):
    if nc is None:
        return elementwise_n(lambda *a: getattr(_stat(base), "cdf")(*a), [x] + args, base)
    return elementwise_n(lambda *a: _stat(nc_name).cdf(*a), [x] + args + [nc], nc_name)


@builtin("PROBNORM(x)", "Standard normal CDF, elementwise.", example=("print (probnorm(1.96));", "0.9750021\n\n"))
def probnorm(x):
    return elementwise_n(lambda a: _stat("norm").cdf(a), [x], "PROBNORM")


@builtin("PROBCHI(x, df <,nc>)", "Chi-square CDF (noncentral with nc), elementwise.")
def probchi(x, df, nc=None):
    return _nc("chi2", "ncx2", x, [df], nc)


@builtin("PROBT(x, df <,nc>)", "Student t CDF (noncentral with nc), elementwise.")
def probt(x, df, nc=None):
    return _nc("t", "nct", x, [df], nc)


@builtin("PROBF(x, ndf, ddf <,nc>)", "F CDF (noncentral with nc), elementwise.")
def probf(x, ndf, ddf, nc=None):
    return _nc("f", "ncf", x, [ndf, ddf], nc)


@builtin("PROBBETA(x, a, b)", "Beta(a, b) CDF, elementwise.")
def probbeta(x, a, b):
    return elementwise_n(lambda *v: _stat("beta").cdf(*v), [x, a, b], "PROBBETA")


@builtin("PROBGAM(x, a)", "Standard gamma CDF with shape a, elementwise.")
def probgam(x, a):
    return elementwise_n(lambda *v: _stat("gamma").cdf(*v), [x, a], "PROBGAM")


@builtin("PROBBNML(p, n, m)", "P(X <= m) for X ~ Binomial with success probability p and n trials, elementwise.")
def probbnml(p, n, m):
    return elementwise_n(lambda pp, nn, mm: _stat("binom").cdf(mm, nn, pp), [p, n, m], "PROBBNML")


@builtin("PROBNEGB(p, n, m)", "P(X <= m) for X ~ negative binomial: failures before the n-th success, elementwise.")
def probnegb(p, n, m):
    return elementwise_n(lambda pp, nn, mm: _stat("nbinom").cdf(mm, nn, pp), [p, n, m], "PROBNEGB")


@builtin("PROBHYPR(N, K, n, x)", "P(X <= x) for X ~ hypergeometric (population N, K items of interest, sample n).")
def probhypr(N, K, n, x):
    return elementwise_n(lambda a, b, c, d: _stat("hypergeom").cdf(d, a, b, c), [N, K, n, x], "PROBHYPR")


@builtin("POISSON(m, n)", "P(X <= n) for X ~ Poisson with mean m, elementwise.")
def poisson(m, n):
    return elementwise_n(lambda mm, nn: _stat("poisson").cdf(nn, mm), [m, n], "POISSON")


def bivariate_normal_cdf(h, k, r):
    """P(X <= h, Y <= k) for standard normals with correlation r, by Owen's T function."""
    _, special = scipy_modules()
    ndtr, owens_t = special.ndtr, special.owens_t
    s = np.sqrt(np.maximum(1.0 - r * r, 0.0))
    with np.errstate(all="ignore"):
        ah = np.where(h == 0, np.sign(k - r * h) * np.inf, (k - r * h) / (h * s))
        ak = np.where(k == 0, np.sign(h - r * k) * np.inf, (h - r * k) / (k * s))
        ah = np.where(np.isnan(ah), 0.0, ah)
        ak = np.where(np.isnan(ak), 0.0, ak)
        beta = np.where((h * k > 0) | ((h * k == 0) & (h + k >= 0)), 0.0, 0.5)
        out = 0.5 * ndtr(h) + 0.5 * ndtr(k) - owens_t(h, ah) - owens_t(k, ak) - beta
        out = np.where((h == 0) & (k == 0), 0.25 + np.arcsin(r) / (2 * np.pi), out)
        out = np.where(r >= 1, ndtr(np.minimum(h, k)), out)
        out = np.where(r <= -1, np.maximum(ndtr(h) + ndtr(k) - 1, 0.0), out)
        out = np.where(np.abs(r) > 1, np.nan, out)
    return np.clip(out, 0.0, 1.0)


@builtin("PROBBNRM(x, y, r)", "Standard bivariate normal CDF P(X <= x, Y <= y) with correlation r, elementwise.",
         example=("print (probbnrm(0, 0, 0.5));", "0.3333333\n\n"))
def probbnrm(x, y, r):
    return elementwise_n(bivariate_normal_cdf, [x, y, r], "PROBBNRM")


@builtin("PROBIT(p)", "Standard normal quantile (inverse of PROBNORM), elementwise; 0 < p < 1.",
         example=("print (probit(0.975));", " 1.959964\n\n"))
def probit(p):
    return elementwise_n(lambda a: _stat("norm").ppf(a), [p], "PROBIT")


def _inv(base, nc_name, p, args, nc, what):
    if nc is None:
        return elementwise_n(lambda *a: _stat(base).ppf(*a), [p] + args, what)
    return elementwise_n(lambda *a: _stat(nc_name).ppf(*a), [p] + args + [nc], what)


@builtin("CINV(p, df <,nc>)", "Chi-square quantile, elementwise.")
def cinv(p, df, nc=None):
    return _inv("chi2", "ncx2", p, [df], nc, "CINV")


@builtin("TINV(p, df <,nc>)", "Student t quantile, elementwise.")
def tinv(p, df, nc=None):
    return _inv("t", "nct", p, [df], nc, "TINV")


@builtin("FINV(p, ndf, ddf <,nc>)", "F quantile, elementwise.")
def finv(p, ndf, ddf, nc=None):
    return _inv("f", "ncf", p, [ndf, ddf], nc, "FINV")


@builtin("BETAINV(p, a, b)", "Beta(a, b) quantile, elementwise.")
def betainv(p, a, b):
    return _inv("beta", None, p, [a, b], None, "BETAINV")


@builtin("GAMINV(p, a)", "Standard gamma quantile with shape a, elementwise.")
def gaminv(p, a):
    return _inv("gamma", None, p, [a], None, "GAMINV")


# ---------------------------------------------------------------- CONSTANT
_BIG = np.finfo(float).max
_SMALL = np.finfo(float).tiny
_EPS = np.finfo(float).eps
_CONSTANTS = {
    "PI": math.pi, "E": math.e, "EULER": 0.57721566490153286, "BIG": _BIG, "LOGBIG": math.log(_BIG),
    "SQRTBIG": math.sqrt(_BIG), "SMALL": _SMALL, "LOGSMALL": math.log(_SMALL), "SQRTSMALL": math.sqrt(_SMALL),
    "MACEPS": _EPS, "LOGMACEPS": math.log(_EPS), "SQRTMACEPS": math.sqrt(_EPS), "EXACTINT": 2.0 ** 53,
}


@builtin("CONSTANT(name <,parm>)", "Mathematical and machine constants: 'PI', 'E', 'EULER', 'BIG', 'LOGBIG', 'SQRTBIG', "
         "'SMALL', 'LOGSMALL', 'SQRTSMALL', 'MACEPS', 'LOGMACEPS', 'SQRTMACEPS', 'EXACTINT' <,nbytes>.",
         example=("print (constant('PI'));", "3.1415927\n\n"))
def constant(name, parm=None):
    if not is_char(name):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="the constant's name, e.g. 'PI'")
    key = to_str(name).strip().upper()
    if key == "EXACTINT" and parm is not None:
        nbytes = float(num(parm).flat[0])
        if not 3 <= nbytes <= 8:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="EXACTINT takes a number of bytes from 3 to 8")
        return 2.0 ** (8 * int(nbytes) - 11)
    if key not in _CONSTANTS:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"unknown constant '{to_str(name)}'; valid: {', '.join(_CONSTANTS)}")
    return float(_CONSTANTS[key])


# ---------------------------------------------------------------- special functions
def _special(name, fn_name, nargs_sig, meaning, domain=None, transform=None, example=()):
    def fn(*args):
        _, special = scipy_modules()
        f = transform(special) if transform else getattr(special, fn_name)
        arrays, shape = conform(args)
        if domain is not None:
            ok = domain(*arrays) | np.any([np.isnan(a) for a in arrays], axis=0)
            if not np.all(ok):
                idx = tuple(np.argwhere(~ok)[0])
                vals = ", ".join(f"{a[idx]:g}" for a in arrays)
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{name} is not defined for ({vals})")
        out = np.broadcast_to(np.asarray(_quiet(f, *arrays), dtype=float), shape)
        return wrap(np.array(_checked(out, arrays, name)))
    fn.__name__ = name.lower()
    builtin(f"{name}({nargs_sig})", meaning, example=example)(fn)


def _is_int(a):
    return np.floor(a) == a


def _not_pole(a):
    return ~((a <= 0) & _is_int(a))


_special("BETA", "beta", "a, b", "Beta function B(a, b) = Gamma(a)Gamma(b)/Gamma(a+b), elementwise.",
         lambda a, b: (a > 0) & (b > 0), example=("print (beta(2, 3));", "0.0833333\n\n"))
_special("LOGBETA", "betaln", "a, b", "Log of the beta function, elementwise.", lambda a, b: (a > 0) & (b > 0))
_special("GAMMA", "gamma", "x", "Gamma function, elementwise (not defined at 0, -1, -2, ...).", _not_pole,
         example=("print (gamma(5));", "       24\n\n"))
_special("LGAMMA", "gammaln", "x", "Natural log of |Gamma(x)|, elementwise (x > 0).", lambda a: a > 0)
_special("DIGAMMA", "psi", "x", "Digamma function: derivative of LGAMMA, elementwise.", _not_pole)
_special("TRIGAMMA", None, "x", "Trigamma function: derivative of DIGAMMA, elementwise.", _not_pole,
         transform=lambda s: (lambda x: s.polygamma(1, x)))
_special("ERF", "erf", "x", "Error function, elementwise.", example=("print (erf(1));", "0.8427008\n\n"))
_special("ERFC", "erfc", "x", "Complementary error function 1 - ERF(x), elementwise.")
_special("FACT", None, "n", "Factorial n!, elementwise (n a nonnegative integer).",
         lambda n: (n >= 0) & _is_int(n), transform=lambda s: (lambda n: s.factorial(n, exact=False)),
         example=("print (fact(5));", "      120\n\n"))
_special("LFACT", None, "n", "Log of n!, elementwise.", lambda n: (n >= 0) & _is_int(n),
         transform=lambda s: (lambda n: s.gammaln(n + 1)))
_special("COMB", None, "n, r", "Number of combinations of n items taken r at a time, elementwise.",
         lambda n, r: (n >= 0) & (r >= 0) & (r <= n) & _is_int(n) & _is_int(r),
         transform=lambda s: (lambda n, r: np.round(s.comb(n, r, exact=False))),
         example=("print (comb(5, 2));", "       10\n\n"))
_special("LCOMB", None, "n, r", "Log of COMB(n, r), elementwise.",
         lambda n, r: (n >= 0) & (r >= 0) & (r <= n) & _is_int(n) & _is_int(r),
         transform=lambda s: (lambda n, r: s.gammaln(n + 1) - s.gammaln(r + 1) - s.gammaln(n - r + 1)))


def _perm_fn(log: bool):
    def perm_(n, r=None):
        _, special = scipy_modules()
        args = [n] if r is None else [n, r]
        arrays, shape = conform(args)
        nn = arrays[0]
        rr = nn if r is None else arrays[1]
        ok = (nn >= 0) & (rr >= 0) & (rr <= nn) & _is_int(nn) & _is_int(rr) | np.isnan(nn) | np.isnan(rr)
        if not np.all(ok):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="n and r must be integers with 0 <= r <= n")
        val = _quiet(lambda: special.gammaln(nn + 1) - special.gammaln(nn - rr + 1))
        out = val if log else np.round(np.exp(val))
        return wrap(np.array(_checked(np.broadcast_to(out, shape), arrays, "PERM")))
    return perm_


builtin("PERM(n <,r>)", "Number of permutations of n items taken r at a time (n! without r), elementwise.",
        example=("print (perm(5, 2));", "       20\n\n"))(_perm_fn(False))
builtin("LPERM(n <,r>)", "Log of PERM(n, r), elementwise.")(_perm_fn(True))
