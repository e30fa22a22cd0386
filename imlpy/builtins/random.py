"""Random numbers: RANDSEED, RANDGEN, RANDFUN, RANDNORMAL, SAMPLE, RANPERM, ...

Every generator draws from one numpy Generator stream, `session.rng`. CALL RANDSEED(seed) makes
the stream reproducible from run to run, but the numbers are NOT SAS's (SAS uses its own Mersenne
twister and its own sampling algorithms): a program gets the same distributions, not the same
values. Distribution names and parameters are those of the SAS RAND function and RANDGEN, e.g.
Geometric(p) counts the TRIALS up to the first success (unlike PDF/CDF, which count failures),
Binomial(p, n) and NegBinomial(p, k) put p first, Gamma(a, lambda) and Exponential(lambda) use a
scale, Weibull(a, b) has shape a and scale b, Integer(min, max) is uniform on min..max.
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, as_array, char_matrix, check_allocation, is_char, to_str, wrap
from .common import num
from .probability import conform, resolve_name
from .registry import builtin

STREAM_NOTE = "Reproducible with CALL RANDSEED, but not SAS's exact numbers."


def _state(session) -> dict:
    return session.extensions.setdefault("random", {"seeded": False, "used": False})


def stream(session) -> np.random.Generator:
    """The session's random stream, marked as used (a later RANDSEED without reinit is then ignored)."""
    _state(session)["used"] = True
    return session.rng


@builtin("RANDSEED(seed <,reinit>)", "Seeds the random stream used by RANDGEN, RANDFUN, SAMPLE, ...; once numbers have "
         "been drawn, a new seed is ignored unless reinit=1. A seed <= 0 seeds from the system. " + STREAM_NOTE,
         kind="call", session=True,
         example=("call randseed(123);\nx = j(2, 2);\ncall randgen(x, 'Uniform');\nprint (x > 0 & x < 1);",
                  "        1         1\n        1         1\n\n"))
def randseed(session, seed, reinit=None):
    s = float(num(seed).flat[0])
    again = reinit is not None and float(num(reinit).flat[0]) == 1
    st = _state(session)
    if st["seeded"] and st["used"] and not again:
        return None
    if s != s:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the seed cannot be missing")
    session.rng = np.random.default_rng(_seed_sequence(session, s))
    st["seeded"], st["used"] = True, False
    return None


def _seed_sequence(session, seed: float):
    """The stream a seed starts. Inside MAPREDUCE/PARTASKS every call gets its own stream from the
    same seed (as in SAS's iml action, where a mapper that calls RANDSEED with the seed it was given
    draws different numbers on each thread): child `call` of the seed's SeedSequence."""
    if seed <= 0:
        return None
    worker = session.extensions.get("parallel_worker")
    if worker:
        return np.random.SeedSequence(int(seed), spawn_key=(int(worker["call"]) - 1,))
    return int(seed)


# ---------------------------------------------------------------- distributions of RAND/RANDGEN
# name: (min params, max params, defaults of the optional ones)
RAND_DISTRIBUTIONS = {
    "BERNOULLI": (1, 1, ()), "BETA": (2, 2, ()), "BINOMIAL": (2, 2, ()), "CAUCHY": (0, 2, (0.0, 1.0)),
    "CHISQUARE": (1, 1, ()), "ERLANG": (1, 2, (1.0,)), "EXPONENTIAL": (0, 1, (1.0,)), "F": (2, 2, ()),
    "GAMMA": (1, 2, (1.0,)), "GEOMETRIC": (1, 1, ()), "HYPERGEOMETRIC": (3, 3, ()), "INTEGER": (2, 2, ()),
    "LAPLACE": (0, 2, (0.0, 1.0)), "LOGISTIC": (0, 2, (0.0, 1.0)), "LOGNORMAL": (0, 2, (0.0, 1.0)),
    "NEGBINOMIAL": (2, 2, ()), "NORMAL": (0, 2, (0.0, 1.0)), "NORMALMIX": (3, 3, ()), "PARETO": (1, 2, (1.0,)),
    "POISSON": (1, 1, ()), "T": (1, 1, ()), "TABLE": (1, 1, ()), "TRIANGLE": (1, 3, ()),
    "UNIFORM": (0, 2, (0.0, 1.0)), "WALD": (1, 2, (1.0,)), "WEIBULL": (2, 2, ()),
}
RAND_ALIASES = {"GAUSS": "NORMAL", "GAUSSIAN": "NORMAL", "IGAUSS": "WALD", "CHISQ": "CHISQUARE",
                "NEGB": "NEGBINOMIAL", "HYPER": "HYPERGEOMETRIC", "TRIANGULAR": "TRIANGLE"}


def _whole(a, what):
    if np.any(np.floor(a) != a):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a whole number")
    return a.astype(np.int64)


def _positive(a, what):
    if np.any(a <= 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be positive")
    return a


def _prob(a, what="p"):
    if np.any((a < 0) | (a > 1)):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be between 0 and 1")
    return a


def _table(rng, p, shape):
    """Values 1..k with probabilities p; if p sums to less than 1, k+1 takes the rest."""
    p = num(p).reshape(-1)
    if np.any(p < 0) or np.any(np.isnan(p)):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="Table probabilities must be nonnegative")
    total = p.sum()
    if total > 1 + 1e-8:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"Table probabilities sum to {total:g} > 1")
    if total < 1 - 1e-12:
        p = np.append(p, 1 - total)
    return (rng.choice(p.size, size=shape, p=p / p.sum()) + 1).astype(float)


def _normalmix(rng, raw, shape):
    p, m, s = (num(a).reshape(-1) for a in raw)
    if not p.size == m.size == s.size:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="NormalMix needs probabilities, means and sds of one length")
    if np.any(s <= 0) or np.any(p < 0) or p.sum() <= 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="NormalMix needs nonnegative probabilities and positive sds")
    k = rng.choice(p.size, size=shape, p=p / p.sum())
    return rng.normal(m[k], s[k])


def _draw(rng, name, P, shape):
    """Variates of the named distribution; P are parameter arrays broadcastable to shape."""
    if name == "BERNOULLI":
        return rng.binomial(1, _prob(P[0]), size=shape)
    if name == "BETA":
        return rng.beta(_positive(P[0], "a"), _positive(P[1], "b"), size=shape)
    if name == "BINOMIAL":
        return rng.binomial(_whole(P[1], "n"), _prob(P[0]), size=shape)
    if name == "CAUCHY":
        return P[0] + _positive(P[1], "the scale") * rng.standard_cauchy(size=shape)
    if name == "CHISQUARE":
        return rng.chisquare(_positive(P[0], "df"), size=shape)
    if name in ("ERLANG", "GAMMA"):
        a = _whole(P[0], "the Erlang shape") if name == "ERLANG" else P[0]
        return rng.gamma(_positive(a, "the shape"), _positive(P[1], "the scale"), size=shape)
    if name == "EXPONENTIAL":
        return rng.exponential(_positive(P[0], "the scale"), size=shape)
    if name == "F":
        return rng.f(_positive(P[0], "ndf"), _positive(P[1], "ddf"), size=shape)
    if name == "GEOMETRIC":                      # number of trials up to and including the first success
        return rng.geometric(_positive(_prob(P[0]), "p"), size=shape)
    if name == "HYPERGEOMETRIC":                 # population N, R items of interest, sample size n
        N, R, n = (_whole(a, "N, R and n") for a in P)
        return rng.hypergeometric(R, N - R, n, size=shape)
    if name == "INTEGER":
        lo, hi = np.ceil(P[0]), np.floor(P[1])
        if np.any(hi < lo):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="Integer(min, max) needs min <= max")
        return lo + np.floor(rng.random(size=shape) * (hi - lo + 1))
    if name == "LAPLACE":
        return rng.laplace(P[0], _positive(P[1], "the scale"), size=shape)
    if name == "LOGISTIC":
        return rng.logistic(P[0], _positive(P[1], "the scale"), size=shape)
    if name == "LOGNORMAL":
        return rng.lognormal(P[0], _positive(P[1], "lambda"), size=shape)
    if name == "NEGBINOMIAL":                    # failures before the k-th success; SAS order p, k
        return rng.negative_binomial(_positive(P[1], "k"), _positive(_prob(P[0]), "p"), size=shape)
    if name == "NORMAL":
        return rng.normal(P[0], _positive(P[1], "the standard deviation"), size=shape)
    if name == "PARETO":
        return P[1] * (1 + rng.pareto(_positive(P[0], "the shape"), size=shape))
    if name == "POISSON":
        if np.any(P[0] < 0):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the Poisson mean must be nonnegative")
        return rng.poisson(P[0], size=shape)
    if name == "T":
        return rng.standard_t(_positive(P[0], "df"), size=shape)
    if name == "TRIANGLE":
        if len(P) == 1:
            return rng.triangular(0.0, _prob(P[0], "h"), 1.0, size=shape)
        a, b, h = P
        if np.any((h < a) | (h > b)):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="Triangle(a, b, h) needs a <= h <= b")
        return rng.triangular(a, h, b, size=shape)
    if name == "UNIFORM":
        if np.any(P[1] <= P[0]):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="Uniform(l, r) needs l < r")
        return rng.uniform(P[0], P[1], size=shape)
    if name == "WALD":                           # shape lambda, mean mu
        return rng.wald(_positive(P[1], "mu"), _positive(P[0], "lambda"), size=shape)
    if name == "WEIBULL":                        # shape a, scale b
        return P[1] * rng.weibull(_positive(P[0], "the shape"), size=shape)
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"unknown distribution {name}")  # pragma: no cover


def _fit_parameter(value, shape, name) -> np.ndarray:
    """RANDGEN's rule: a parameter has 1, ncol (one per column), nrow (one per row) or nrow*ncol elements."""
    P = num(value)
    if np.any(np.isnan(P)):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"a parameter of the {name.title()} distribution is missing")
    n, m = shape
    v = P.reshape(-1)
    if v.size == 1:
        return np.full(shape, v[0])
    if v.size == m:
        return np.broadcast_to(v.reshape(1, m), shape)
    if v.size == n:
        return np.broadcast_to(v.reshape(n, 1), shape)
    if v.size == n * m:
        return v.reshape(shape)
    raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"a parameter has {v.size} elements; for a {n} x {m} result it needs "
                            f"1, {m} (one per column), {n} (one per row) or {n * m}")


def generate(session, dist, params, shape) -> np.ndarray:
    """An array of the given shape filled with variates of the SAS-named distribution."""
    name = resolve_name(dist, RAND_DISTRIBUTIONS, RAND_ALIASES)
    lo, hi, defaults = RAND_DISTRIBUTIONS[name]
    params = list(params)
    while params and params[-1] is None:
        params.pop()
    if not lo <= len(params) <= hi or (name == "TRIANGLE" and len(params) == 2):
        need = f"{lo}" if lo == hi else f"{lo} to {hi}"
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint=f"the {name.title()} distribution takes {need} parameter(s), {len(params)} given")
    if any(p is None for p in params):
        raise E.not_set()
    rng = stream(session)
    if name == "TABLE":
        return _table(rng, params[0], shape)
    if name == "NORMALMIX":
        return _normalmix(rng, params, shape)
    P = [_fit_parameter(p, shape, name) for p in params]
    P += [np.full(shape, d) for d in defaults[len(params) - lo:]]
    return np.asarray(_draw(rng, name, P, shape), dtype=float).reshape(shape)


@builtin("RANDGEN(result, dist <,parm1> <,parm2> <,parm3>)", "Fills the existing matrix result (its shape is kept; an "
         "unset result gets one value) with variates of dist, e.g. 'Normal', 'Uniform', 'Binomial', 'Table', 'Integer'; "
         "a parameter may have one value per element, row or column. " + STREAM_NOTE,
         kind="call", outputs=(0,), session=True,
         example=("call randseed(1);\nx = j(1, 3, .);\ncall randgen(x, 'Bernoulli', 1);\nprint x;",
                  "        x\n        1         1         1\n\n"))
def randgen(session, result, dist, p1=None, p2=None, p3=None):
    shape = (1, 1) if result is None or as_array(result).size == 0 else as_array(result).shape
    return wrap(generate(session, dist, [p1, p2, p3], shape))


def _dims(N, what="N"):
    v = num(N).reshape(-1)
    if v.size not in (1, 2) or np.any(np.isnan(v)) or np.any(v < 0) or np.any(np.floor(v) != v):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a count or a (nrow || ncol) pair of counts")
    return (int(v[0]), 1) if v.size == 1 else (int(v[0]), int(v[1]))


@builtin("RANDFUN(N, dist <,parm1> <,parm2> <,parm3>)", "Matrix of random variates of dist: N x 1 for a scalar N, "
         "nrow x ncol for N = (nrow || ncol). " + STREAM_NOTE, session=True,
         example=("call randseed(1);\nprint (randfun({2 3}, 'Poisson', 0));",
                  "        0         0         0\n        0         0         0\n\n"))
def randfun(session, N, dist, p1=None, p2=None, p3=None):
    shape = _dims(N)
    if shape[0] * shape[1] == 0:
        return EMPTY
    check_allocation(float(shape[0]) * shape[1], "RANDFUN")
    return wrap(generate(session, dist, [p1, p2, p3], shape))


@builtin("RAND(dist <,parm1> <,parm2> <,parm3>)", "One random variate of dist (elementwise over matrix parameters). " + STREAM_NOTE,
         session=True)
def rand(session, dist, p1=None, p2=None, p3=None):
    params = [p for p in (p1, p2, p3) if p is not None]
    shape = conform(params)[1] if params else (1, 1)
    return wrap(generate(session, dist, params, shape))


# ---------------------------------------------------------------- multivariate
def _mean_cov(mean, cov):
    mu = num(mean).reshape(-1)
    S = num(cov)
    if S.shape != (mu.size, mu.size):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"mean has {mu.size} elements, so cov must be {mu.size} x {mu.size}, "
                                f"not {S.shape[0]} x {S.shape[1]}")
    return mu, S


def _factor(S):
    """A matrix U with t(U)*U = S (Cholesky, or an eigen root when S is only semidefinite)."""
    if not np.allclose(S, S.T, rtol=1e-8, atol=1e-12):
        raise E.IMLRuntimeError(E.NOT_SYMMETRIC, hint="the covariance matrix must be symmetric")
    try:
        return np.linalg.cholesky(S).T
    except np.linalg.LinAlgError:
        w, V = np.linalg.eigh(S)
        if w.min() < -1e-10 * max(abs(w.max()), 1.0):
            raise E.IMLRuntimeError(E.NOT_POSDEF, hint="the covariance matrix must be positive semidefinite")
        return (V * np.sqrt(np.clip(w, 0, None))).T


@builtin("RANDNORMAL(N, mean, cov)", "N x p sample from the multivariate normal distribution with mean (1 x p) and covariance cov. "
         + STREAM_NOTE, session=True)
def randnormal(session, N, mean, cov):
    n = _dims(N)[0]
    mu, S = _mean_cov(mean, cov)
    U = _factor(S)
    Z = stream(session).standard_normal((n, mu.size))
    return wrap(mu + Z @ U)


@builtin("RANDMVT(N, df, mean, cov)", "N x p sample from the multivariate t distribution with df degrees of freedom. "
         + STREAM_NOTE, session=True)
def randmvt(session, N, df, mean, cov):
    n = _dims(N)[0]
    d = float(num(df).flat[0])
    if not d > 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="df must be positive")
    mu, S = _mean_cov(mean, cov)
    U = _factor(S)
    rng = stream(session)
    Z = rng.standard_normal((n, mu.size)) @ U
    W = rng.chisquare(d, size=(n, 1))
    return wrap(mu + Z / np.sqrt(W / d))


@builtin("RANDMULTINOMIAL(N, trials, prob)", "N x k matrix of multinomial counts: each row distributes trials among k "
         "categories with probabilities prob. " + STREAM_NOTE, session=True)
def randmultinomial(session, N, trials, prob):
    n = _dims(N)[0]
    t = float(num(trials).flat[0])
    p = num(prob).reshape(-1)
    if t < 0 or t != int(t):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the number of trials must be a nonnegative whole number")
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"probabilities must be nonnegative and sum to 1 (they sum to {p.sum():g})")
    return wrap(stream(session).multinomial(int(t), p / p.sum(), size=n).astype(float))


@builtin("RANDWISHART(N, df, S)", "N x (p*p) matrix: each row is a p x p Wishart(df, S) draw, flattened row by row. "
         + STREAM_NOTE, session=True)
def randwishart(session, N, df, S):
    n = _dims(N)[0]
    d = float(num(df).flat[0])
    Sig = num(S)
    p = Sig.shape[0]
    if Sig.shape != (p, p):
        raise E.IMLRuntimeError(E.NOT_SQUARE, hint=f"S is {Sig.shape[0]} x {Sig.shape[1]}")
    if not d > p - 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"df must be greater than {p - 1} for a {p} x {p} matrix")
    L = _factor(Sig).T
    rng = stream(session)
    out = np.empty((n, p * p))
    for r in range(n):                          # Bartlett decomposition
        A = np.tril(rng.standard_normal((p, p)), -1)
        A[np.diag_indices(p)] = np.sqrt(rng.chisquare(d - np.arange(p)))
        LA = L @ A
        out[r] = (LA @ LA.T).reshape(-1)
    return wrap(out)


# ---------------------------------------------------------------- sampling and permutations
def _elements(x):
    """The population: elements of x in row-major order (a scalar n >= 1 means 1..n for RANPERM/RANCOMB)."""
    A = as_array(x)
    return A.reshape(-1)


def _as_result(values, template, shape):
    if template.dtype.kind == "U":
        return char_matrix(values.reshape(shape), max(template.dtype.itemsize // 4, 1))
    return wrap(values.reshape(shape).astype(float))


@builtin("SAMPLE(x <,n> <,method> <,prob>)", "Random sample of the elements of x: 1 x n, or n[2] x n[1] for n = "
         "(size || samples); method 'Replace' (default), 'NoReplace' (kept in x's order) or 'WOR' (random order); "
         "prob = selection probabilities. " + STREAM_NOTE, session=True)
def sample(session, x, n=None, method=None, prob=None):
    if n is not None and is_char(n) and method is None:
        n, method = None, n
    pop = _elements(x)
    size, reps = (pop.size, 1) if n is None else _dims(n, "n")
    m = "replace" if method is None else to_str(method).strip().lower()
    if m not in ("replace", "noreplace", "wor"):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"method must be 'Replace', 'NoReplace' or 'WOR', not '{to_str(method)}'")
    p = None
    if prob is not None:
        p = num(prob).reshape(-1)
        if p.size != pop.size or np.any(p < 0) or np.any(np.isnan(p)) or p.sum() <= 0:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"prob needs {pop.size} nonnegative probabilities, one per element of x")
        p = p / p.sum()
    replace = m == "replace"
    if not replace and size > (pop.size if p is None else int(np.count_nonzero(p))):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"cannot draw {size} elements without replacement from {pop.size}")
    rng = stream(session)
    rows = []
    for _ in range(reps):
        idx = rng.choice(pop.size, size=size, replace=replace, p=p)
        rows.append(np.sort(idx) if m == "noreplace" else idx)
    idx = np.array(rows, dtype=np.int64).reshape(reps, size)
    if size == 0:
        return EMPTY
    return _as_result(pop[idx.reshape(-1)], as_array(x), (reps, size))


def _population(x):
    A = as_array(x)
    if A.dtype.kind != "U" and A.size == 1:
        n = float(A.flat[0])
        if n < 1 or n != int(n):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="n must be a positive whole number")
        return np.arange(1.0, int(n) + 1), np.zeros((1, 1))
    return A.reshape(-1), A


def _count(v, what):
    c = float(num(v).flat[0])
    if c != c or c < 0 or c != int(c):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a nonnegative whole number")
    return int(c)


@builtin("RANPERM(x <,n>)", "n x k matrix (default one row) of random permutations of 1..x (scalar x) or of the k elements of x. "
         + STREAM_NOTE, session=True, names=("randperm",))
def ranperm(session, x, n=None):
    pop, template = _population(x)
    reps = 1 if n is None else _count(n, "the number of permutations")
    rng = stream(session)
    idx = np.array([rng.permutation(pop.size) for _ in range(reps)]).reshape(reps, pop.size)
    return _as_result(pop[idx.reshape(-1)], template, (reps, pop.size))


@builtin("RANPERK(x, k <,n>)", "n x k matrix (default one row) of random k-permutations of 1..x or of the elements of x. "
         + STREAM_NOTE, session=True)
def ranperk(session, x, k, n=None):
    pop, template = _population(x)
    kk = _count(k, "k")
    if kk > pop.size:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"k = {kk} is more than the {pop.size} elements")
    reps = 1 if n is None else _count(n, "the number of permutations")
    rng = stream(session)
    idx = np.array([rng.permutation(pop.size)[:kk] for _ in range(reps)]).reshape(reps, kk)
    return _as_result(pop[idx.reshape(-1)], template, (reps, kk))


@builtin("RANCOMB(x, k <,n>)", "n x k matrix (default one row) of random combinations of k of 1..x or of the elements "
         "of x, each row in the elements' order. " + STREAM_NOTE, session=True)
def rancomb(session, x, k, n=None):
    pop, template = _population(x)
    kk = _count(k, "k")
    if kk > pop.size:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"k = {kk} is more than the {pop.size} elements")
    reps = 1 if n is None else _count(n, "the number of combinations")
    rng = stream(session)
    idx = np.array([np.sort(rng.permutation(pop.size)[:kk]) for _ in range(reps)]).reshape(reps, kk)
    return _as_result(pop[idx.reshape(-1)], template, (reps, kk))


# ---------------------------------------------------------------- Base SAS style generators
def _seeded_shape(seed):
    return num(seed).shape


def _base(name, meaning, draw):
    def fn(session, seed):
        shape = _seeded_shape(seed)
        return wrap(draw(stream(session), shape))
    fn.__name__ = name.lower()
    builtin(f"{name}(seed)", meaning + " The seed only gives the shape; numbers come from the RANDSEED stream. "
            + STREAM_NOTE, session=True)(fn)


_base("RANUNI", "Uniform(0,1) variates, one per element of seed.", lambda r, s: r.random(s))
_base("UNIFORM", "Uniform(0,1) variates, one per element of seed.", lambda r, s: r.random(s))
_base("RANNOR", "Standard normal variates, one per element of seed.", lambda r, s: r.standard_normal(s))
_base("NORMAL", "Standard normal variates, one per element of seed.", lambda r, s: r.standard_normal(s))
