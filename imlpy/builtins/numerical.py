"""Numerical methods on user modules: QUAD, FROOT, the NLP* optimizers, LPSOLVE, ODE; and
POLYROOT, FFT, IFFT.

The user's function is named by a string ("FUN") and called through `session.call_module`, so
modules that take their parameters through GLOBAL work as in SAS. scipy is imported lazily.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, is_char, missing_letter, to_float, to_str, wrap
from .common import num
from .registry import NOT_YET, REGISTRY, builtin


def _scipy(part: str):
    try:
        import importlib
        return importlib.import_module(f"scipy.{part}")
    except ImportError:
        raise E.IMLRuntimeError("This numerical routine needs scipy.", hint="install it with: pip install 'imlpy[stats]'")


def _module(session, name, what: str) -> str:
    """The module name given as a string; SAS's error if no such module is defined."""
    if not is_char(name):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint=f"{what}: give the module's name as a string, e.g. \"FUN\"")
    mod = to_str(name).strip()
    if mod.lower() not in session.modules:
        raise E.IMLRuntimeError(f"Invocation of unresolved module {mod.upper()}.",
                                hint=f"{what} calls the module named \"{mod}\"; define it with START {mod.upper()}(...) first")
    return mod


def _scalar_fn(session, mod: str, what: str):
    def f(x):
        v = session.call_module(mod, float(x))
        if v is None:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what}: module {mod.upper()} must RETURN a value")
        return to_float(v)
    return f


def _opt(v, k: int, default):
    """Element k (0-based) of an optional options vector; missing or absent gives the default."""
    if v is None:
        return default
    x = num(v).reshape(-1)
    return default if k >= x.size or np.isnan(x[k]) else float(x[k])


# ---------------------------------------------------------------- QUAD
def _limit(x: float) -> float:
    """.M is minus infinity, .P plus infinity (SAS's QUAD convention); other missings are errors."""
    if x == x:
        return x
    letter = missing_letter(x)
    if letter in ("M", "P"):
        return -np.inf if letter == "M" else np.inf
    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="QUAD: a limit may be missing only as .M (minus infinity) or .P (plus infinity)")


@builtin("QUAD(r, \"fun\", points <,eps> <,peak> <,scale> <,msg> <,cycles>)",
         "Integrates the module fun over each interval between consecutive points (.M = -infinity, .P = +infinity).",
         kind="call", outputs=(0,), session=True,
         example=("start f(x); return(exp(-x##2/2)); finish;\ncall quad(r, \"f\", {.M .P}); print (r/sqrt(2*constant('pi')));",
                  "\n        1\n"),
         partial="peak and scale are accepted but only hint the algorithm (QUADPACK via scipy)")
def quad(session, r, fun, points, eps=None, peak=None, scale=None, msg=None, cycles=None):
    mod = _module(session, fun, "QUAD")
    P = num(points)
    pts = [_limit(float(v)) for v in P.reshape(-1)]
    if len(pts) < 2 or any(b < a for a, b in zip(pts, pts[1:])):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="QUAD: points must be at least two limits in ascending order")
    integrate = _scipy("integrate")
    f = _scalar_fn(session, mod, "QUAD")
    rel = _opt(eps, 0, 1e-7)
    limit = 50 * int(_opt(cycles, 0, 8))
    quiet = msg is not None and is_char(msg) and to_str(msg).strip().upper() == "NO"
    out = []
    for a, b in zip(pts, pts[1:]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            val, err, info = integrate.quad(f, a, b, epsabs=1e-300 if rel > 0 else 1e-10, epsrel=rel,
                                            limit=limit, full_output=1)[:3]
        if not np.isfinite(val) or err > max(100 * rel * abs(val), 1e-9):
            if not quiet:
                session.warn(f"QUAD: the integral over [{a:g}, {b:g}] did not reach the requested accuracy; the result is set to missing.")
            val = np.nan
        out.append(val)
    res = np.array(out, dtype=float)
    return wrap(res.reshape(-1, 1) if P.shape[1] == 1 and P.shape[0] > 1 else res.reshape(1, -1))


# ---------------------------------------------------------------- FROOT
@builtin("FROOT(\"fun\", bounds <,opt>)",
         "Column vector of roots of the one-argument module fun, one per row [a b] of bounds (Brent's method); missing where fun does not change sign.",
         session=True,
         example=("start f(x); return(x##2 - 2); finish;\nprint (froot(\"f\", {0 2}));", "\n1.4142136\n"))
def froot(session, fun, bounds, opt=None):
    mod = _module(session, fun, "FROOT")
    B = num(bounds)
    if B.shape[1] != 2:
        B = B.reshape(-1, 2) if B.size % 2 == 0 and min(B.shape) == 1 else B
    if B.shape[1] != 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"FROOT: bounds must be an n x 2 matrix of intervals; it is {B.shape[0]} x {B.shape[1]}")
    optimize = _scipy("optimize")
    f = _scalar_fn(session, mod, "FROOT")
    maxiter = int(_opt(opt, 0, 100))
    xtol = _opt(opt, 1, np.finfo(float).eps)
    roots = []
    for a, b in B:
        fa, fb = f(a), f(b)
        if fa == 0 or fb == 0:
            roots.append(a if fa == 0 else b)
        elif np.isnan(fa) or np.isnan(fb) or np.sign(fa) == np.sign(fb):
            session.warn(f"FROOT: the function does not change sign on [{a:g}, {b:g}]; the root is set to missing.")
            roots.append(np.nan)
        else:
            try:
                roots.append(optimize.brentq(f, a, b, xtol=max(xtol, 1e-300), maxiter=maxiter))
            except RuntimeError:
                roots.append(np.nan)
    return wrap(np.array(roots, dtype=float).reshape(-1, 1))


# ---------------------------------------------------------------- POLYROOT, FFT, IFFT
@builtin("POLYROOT(coef)", "n x 2 (real, imaginary) roots of the polynomial whose coefficients are given from the highest degree down.",
         example=("print (polyroot({1 -3 2}));", "\n        2         0\n        1         0\n"))
def polyroot(coef):
    c = num(coef).reshape(-1)
    if np.isnan(c).any():
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="POLYROOT does not accept missing coefficients")
    nz = np.flatnonzero(c)
    if nz.size == 0 or nz[0] == c.size - 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="POLYROOT needs a polynomial of degree >= 1 (a nonzero leading coefficient)")
    z = np.roots(c[nz[0]:])
    z = np.where(np.abs(z.imag) < 1e-12 * np.maximum(1, np.abs(z)), z.real, z)
    return wrap(np.column_stack([np.real(z), np.imag(z)]))


@builtin("FFT(x)", "Finite Fourier transform of a real vector: floor(n/2)+1 rows of (cosine, sine) coefficients.",
         example=("print (fft({1 2 3 4}));", "\n       10         0\n       -2        -2\n       -2         0\n"))
def fft(x):
    v = num(x)
    if v.shape[0] != 1 and v.shape[1] != 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"FFT needs a vector; this is {v.shape[0]} x {v.shape[1]}")
    z = np.fft.rfft(v.reshape(-1))
    return wrap(np.column_stack([z.real, -z.imag]))      # SAS: sum x*cos and sum x*sin (plus sign)


@builtin("IFFT(f)", "Inverse finite Fourier transform of np x 2 (cosine, sine) coefficients; IFFT(FFT(x)) = n*x.",
         example=("print (ifft(fft({1 2 3 4})));", "\n        4\n        8\n       12\n       16\n"))
def ifft(f):
    F = num(f)
    if F.shape[1] != 2:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"IFFT needs an np x 2 matrix; this one has {F.shape[1]} columns")
    npts = F.shape[0]
    n = 2 * npts - 2 if F[-1, 1] == 0 else 2 * npts - 1      # SAS's rule for the length
    n = max(n, 1)
    z = F[:, 0] - 1j * F[:, 1]
    return wrap(np.fft.irfft(z, n).reshape(-1, 1) * n)


# ---------------------------------------------------------------- NLP optimizers
_NLP = {
    "nlpnra": "Newton-Raphson", "nlpnrr": "Newton-Raphson Ridge", "nlptr": "Trust Region",
    "nlpqn": "Quasi-Newton", "nlpdd": "Double Dogleg", "nlpcg": "Conjugate Gradient",
    "nlpnms": "Nelder-Mead Simplex", "nlplm": "Levenberg-Marquardt Least Squares",
    "nlphqn": "Hybrid Quasi-Newton Least Squares",
}


def _vector_fn(session, mod: str, n: int):
    def f(x):
        v = session.call_module(mod, x.reshape(1, n).astype(float).copy() if n > 1 else float(x[0]))
        if v is None:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"module {mod.upper()} must RETURN a value")
        return num(v).reshape(-1).astype(float)
    return f


def _fd_grad(f, x, h=None):
    g = np.empty(x.size)
    for i in range(x.size):
        step = (np.finfo(float).eps ** (1 / 3)) * max(1.0, abs(x[i])) if h is None else h
        e = np.zeros(x.size)
        e[i] = step
        g[i] = (f(x + e) - f(x - e)) / (2 * step)
    return g


def _constraints(blc, n: int):
    """Bounds (rows 1-2, missing = none) and linear constraints (rows 3+: a, type, b)."""
    if blc is None:
        return None, []
    B = num(blc)
    if B.shape[1] not in (n, n + 2):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"blc needs {n} columns (bounds) or {n + 2} (linear constraints)")
    lo = B[0, :n] if B.shape[0] >= 1 else np.full(n, np.nan)
    hi = B[1, :n] if B.shape[0] >= 2 else np.full(n, np.nan)
    bounds = [(None if np.isnan(a) else a, None if np.isnan(b) else b) for a, b in zip(lo, hi)]
    if all(a is None and b is None for a, b in bounds):
        bounds = None
    lin = []
    for row in B[2:]:
        a, kind, rhs = row[:n], row[n], row[n + 1]
        if kind == 0:
            lin.append({"type": "eq", "fun": (lambda x, a=a, rhs=rhs: a @ x - rhs)})
        else:                                   # 1 means >=, -1 means <=
            lin.append({"type": "ineq", "fun": (lambda x, a=a, rhs=rhs, s=np.sign(kind): s * (a @ x - rhs))})
    return bounds, lin


def _nlp(session, which, x0, fun, opt, blc, tc, grd):
    optimize = _scipy("optimize")
    mod = _module(session, fun, which.upper())
    x = num(x0).reshape(-1).astype(float)
    n = x.size
    least_squares = which in ("nlplm", "nlphqn")
    sense = -1.0 if (not least_squares and _opt(opt, 0, 0) == 1) else 1.0
    plevel = int(_opt(opt, 1, 2))
    maxiter = int(_opt(tc, 0, 200 if which != "nlpnms" else 1000))
    values = _vector_fn(session, mod, n)
    bounds, lin = _constraints(blc, n)

    def objective(z):
        v = values(z)
        val = 0.5 * float(v @ v) if least_squares else float(v[0])
        return np.inf if np.isnan(val) else sense * val
    if not np.isfinite(objective(x)):
        return -1.0, wrap(x.reshape(1, -1)), np.nan
    if grd is not None and not least_squares:
        gmod = _module(session, grd, which.upper())
        gvals = _vector_fn(session, gmod, n)
        jac = lambda z: sense * gvals(z)
    else:
        jac = lambda z: _fd_grad(objective, z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if least_squares and not lin:
            lb = [-np.inf if b is None or b[0] is None else b[0] for b in (bounds or [(None, None)] * n)]
            ub = [np.inf if b is None or b[1] is None else b[1] for b in (bounds or [(None, None)] * n)]
            res = optimize.least_squares(values, x, bounds=(lb, ub), method="trf", xtol=1e-12, ftol=1e-12, gtol=1e-10,
                                         max_nfev=maxiter * (n + 1) * 10)
            xr, ok, fval = res.x, res.status > 0, 0.5 * float(res.fun @ res.fun)
        else:
            method, extra, hess = _method(which, bounds, lin, jac)
            res = optimize.minimize(objective, x, method=method, jac=None if method == "Nelder-Mead" else jac,
                                    hess=hess, bounds=bounds, constraints=lin or (), options={"maxiter": maxiter, **extra})
            xr, ok, fval = res.x, bool(res.success), sense * float(res.fun)
            if not ok and np.linalg.norm(jac(xr)) < 1e-5 * max(1.0, abs(fval)):
                ok = True                       # converged to the accuracy that finite differences allow
    rc = (3.0 if which != "nlpnms" else 2.0) if ok else -5.0
    if plevel >= 1:
        session.out(f"\n{_NLP[which]} Optimization ({which.upper()})\n"
                    f"  {'Converged' if rc > 0 else 'Did not converge'} (rc = {int(rc)}); "
                    f"{'maximum' if sense < 0 else 'minimum'} objective value {fval:.8g} "
                    f"after {getattr(res, 'nit', getattr(res, 'nfev', 0))} iterations\n\n")
    return rc, wrap(xr.reshape(1, -1)), fval


def _method(which, bounds, lin, jac):
    """scipy method, its options and a Hessian for SAS's technique (constraints decide first)."""
    if lin:
        return "SLSQP", {"ftol": 1e-12}, None
    if which == "nlpnms":
        return "Nelder-Mead", {"xatol": 1e-10, "fatol": 1e-12, "adaptive": True}, None
    if bounds is not None:
        return "L-BFGS-B", {"ftol": 1e-15, "gtol": 1e-10}, None
    if which == "nlpcg":
        return "CG", {"gtol": 1e-9}, None
    if which in ("nlpnra", "nlpnrr", "nlptr"):
        return "trust-exact", {"gtol": 1e-9}, (lambda z: _fd_hess(jac, z))
    return "BFGS", {"gtol": 1e-9}, None


def _fd_hess(jac, z):
    n = z.size
    H = np.empty((n, n))
    for i in range(n):
        h = 1e-5 * max(1.0, abs(z[i]))
        e = np.zeros(n)
        e[i] = h
        H[:, i] = (jac(z + e) - jac(z - e)) / (2 * h)
    return (H + H.T) / 2


def _register_nlp(name: str):
    sig = f"{name.upper()}(rc, xres, \"fun\", x0 <,opt> <,blc> <,tc> <,par> <,\"ptit\"> <,\"grd\"> <,\"hes\"> <,\"jac\">)"

    def call(session, rc, xres, fun, x0, opt=None, blc=None, tc=None, par=None, ptit=None, grd=None, hes=None, jac=None):
        r, x, _ = _nlp(session, name, x0, fun, opt, blc, tc, None if name in ("nlplm", "nlphqn") else grd)
        return r, x
    builtin(sig, f"{_NLP[name]} optimization of the module fun from x0: rc > 0 on success, xres the optimum (opt[1]=1 maximizes).",
            kind="call", outputs=(0, 1), session=True,
            partial="uses scipy.optimize; par, \"ptit\" and \"hes\" are ignored; printed output is a short summary")(call)


for _name in _NLP:
    _register_nlp(_name)


# ---------------------------------------------------------------- LPSOLVE, ODE
@builtin("LPSOLVE(rc, objvalue, x, dual, reducost, c, a, b <,cntl> <,rowsense> <,range> <,l> <,u>)",
         "Solves the linear program min (or max) c*x subject to a*x (<=, =, >=) b and l <= x <= u.",
         kind="call", outputs=(0, 1, 2, 3, 4), session=True,
         partial="range constraints ('R') are not supported; rc is 0 optimal, 2 infeasible, 3 unbounded, 1 other")
def lpsolve(session, rc, objvalue, x, dual, reducost, c, a, b, cntl=None, rowsense=None, rng=None, lo=None, up=None):
    optimize = _scipy("optimize")
    cv = np.nan_to_num(num(c).reshape(-1))
    A = np.nan_to_num(num(a))
    bv = np.nan_to_num(num(b).reshape(-1))
    m, n = A.shape
    if cv.size != n or bv.size != m:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"LPSOLVE: c needs {n} elements and b {m} (a is {m} x {n})")
    sense = -1.0 if _opt(cntl, 0, 1) == -1 else 1.0
    kinds = ["E"] * m if rowsense is None else [str(s).strip().upper()[:1] for s in np.asarray(rowsense).reshape(-1)]
    if len(kinds) != m or any(k not in "LEG" for k in kinds):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="LPSOLVE: rowsense needs one of 'L', 'E', 'G' per constraint")
    low = np.zeros(n) if lo is None else num(lo).reshape(-1)
    upp = np.full(n, np.nan) if up is None else num(up).reshape(-1)
    bounds = [(None if np.isnan(l_) else l_, None if np.isnan(u_) else u_) for l_, u_ in zip(low, upp)]
    ub_rows = [(A[i] if k == "L" else -A[i], bv[i] if k == "L" else -bv[i]) for i, k in enumerate(kinds) if k in "LG"]
    eq = [i for i, k in enumerate(kinds) if k == "E"]
    res = optimize.linprog(sense * cv,
                           A_ub=np.array([r[0] for r in ub_rows]) if ub_rows else None,
                           b_ub=np.array([r[1] for r in ub_rows]) if ub_rows else None,
                           A_eq=A[eq] if eq else None, b_eq=bv[eq] if eq else None, bounds=bounds, method="highs")
    code = {0: 0.0, 2: 2.0, 3: 3.0}.get(res.status, 1.0)
    if res.status != 0:
        return code, np.nan, EMPTY, EMPTY, EMPTY
    duals = np.zeros(m)
    if ub_rows:
        marg = res.ineqlin.marginals
        for j, i in enumerate([i for i, k in enumerate(kinds) if k in "LG"]):
            duals[i] = marg[j] * (1 if kinds[i] == "L" else -1)
    if eq:
        duals[eq] = res.eqlin.marginals
    red = sense * cv - (A.T @ duals)
    return (code, sense * float(res.fun), wrap(res.x.reshape(-1, 1)), wrap(sense * duals.reshape(-1, 1)),
            wrap(sense * red.reshape(-1, 1)))


@builtin("ODE(r, \"dername\", c, t, h <,\"jacobian\"> <,eps>)",
         "Integrates dy/dt = dername(t, y) from y(t[1]) = c; column j of r is y at t[j+1].",
         kind="call", outputs=(0,), session=True,
         example=("start f(t, x); return(-t*x); finish;\ncall ode(r, \"f\", 0.5, {0 .1 .2 .3}, {1e-12 1 1e-5}); print r;",
                  "\n        r\n0.4975062 0.4900993 0.4779987\n"))
def ode(session, r, dername, c, t, h, jacobian=None, eps=None):
    integrate = _scipy("integrate")
    mod = _module(session, dername, "ODE")
    y0 = num(c).reshape(-1).astype(float)
    ts = num(t).reshape(-1)
    if ts.size < 2 or np.any(np.diff(ts) <= 0):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="ODE: t must hold at least two increasing times")
    H = num(h).reshape(-1)
    hmax = float(np.nanmax(H)) if H.size else np.inf
    tol = _opt(eps, 0, 1e-6)
    shape = num(c).shape

    def rhs(tt, y):
        v = session.call_module(mod, float(tt), wrap(y.reshape(shape).copy()))
        return num(v).reshape(-1)
    sol = integrate.solve_ivp(rhs, (ts[0], ts[-1]), y0, method="LSODA", t_eval=ts[1:], rtol=min(tol, 1e-6) * 1e-4,
                              atol=min(tol, 1e-6) * 1e-6, max_step=hmax if hmax > 0 else np.inf)
    if not sol.success:
        session.warn(f"ODE: the integration failed ({sol.message}).")
        return EMPTY
    return wrap(sol.y)


# ---------------------------------------------------------------- documented but not implemented
# Names of the reference table (iml-reference.md section 5) that no family registered when this
# was written; a family that adds one later shadows its entry.
_DOCUMENTED = {
    "sin": 'Elementwise sine',
    "cos": 'Elementwise cosine',
    "listcreate": 'New list with n empty items, or with the given item names',
    "listlen": 'Number of items',
    "listsetitem": 'Sets an item',
    "arsin": 'Elementwise arcsine',
    "listgetitem": 'Value of an item by index or (case-insensitive) name',
    "isskipped": 'Inside a module: 1 if the optional argument was skipped by the caller',
    "listadditem": 'Appends an item',
    "symputx": 'Sets a SAS macro variable (value available to LATER steps only)',
    "importmatrixfromr": 'Copies an R object into an IML matrix',
    "tableaddvar": 'Adds columns to a table',
    "tablesetvarlabel": 'Sets column labels',
    "atan": 'Elementwise arctangent',
    "listsetsubitem": 'Sets an item of a nested list',
    "tablecreate": 'In-memory table from a matrix',
    "exportmatrixtor": 'Copies an IML matrix to R',
    "tableprint": 'Prints a table',
    "cosh": 'Elementwise hyperbolic cosine',
    "delete": 'Deletes a SAS data set',
    "gscale": 'Nice axis scale',
    "listdeleteitem": 'Deletes items',
    "listsetname": 'Names an item',
    "log1px": 'Log(1+x) accurate for small x',
    "splinec": 'Cubic spline fit',
    "splinev": 'Evaluates a spline from SPLINEC',
    "tablecreatefromdataset": 'Reads a SAS data set into a table',
    "tablewritetodataset": 'Writes a table to a data set',
    "apply": 'Applies a module elementwise',
    "execute": 'Executes IML statements given as strings (run-time code generation)',
    "parentname": "Inside a module: name of the caller's matrix passed as arg (blank for expressions)",
    "symget": 'Reads a macro variable at run time',
}

# Register the documented names that no family implements (checked when this module is
# imported; a name registered later simply shadows its NOT_YET entry).
NOT_YET.update({k: v for k, v in _DOCUMENTED.items() if k not in REGISTRY})
