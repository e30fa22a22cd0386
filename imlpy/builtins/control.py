"""Builtins that run IML code: APPLY (a module elementwise) and CALL EXECUTE (statements in strings)."""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import as_array, is_char, to_str, wrap
from .registry import builtin


@builtin('APPLY("modname", arg1 <,arg2, ...>)',
         "Calls a function module once per element of the arguments (which must conform) and returns the results in their shape.",
         session=True,
         example=('start hyp(a, b); return(sqrt(a##2 + b##2)); finish;\nprint (apply("hyp", {3 5}, {4 12}));',
                  "        5        13\n"))
def apply(session, modname, *args):
    name = to_str(modname).strip()
    arrays = [as_array(a) for a in args]
    shapes = {a.shape for a in arrays if a.size != 1}
    if len(shapes) > 1:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint="APPLY needs arguments of one shape (or scalars)")
    shape = shapes.pop() if shapes else (1, 1)
    out = None
    for idx in np.ndindex(shape):
        elems = []
        for a in arrays:
            v = a[idx] if a.size != 1 else a.reshape(-1)[0]
            elems.append(np.array([[v]]) if a.dtype.kind == "U" else float(v))
        r = session.call_module(name, *elems)
        r = as_array(r)
        if r.size != 1:
            raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"APPLY: module {name.upper()} must return a scalar")
        if out is None:
            out = np.empty(shape, dtype=r.dtype if r.dtype.kind == "U" else float)
            if r.dtype.kind == "U":
                out = out.astype(object)
        out[idx] = r.reshape(-1)[0]
    if out.dtype == object:
        return np.array(out.tolist(), dtype=str)
    return wrap(out)


@builtin("EXECUTE(str1 <,str2, ...>)",
         "Runs IML statements given as strings, joined with blanks, immediately (in the global scope).",
         kind="call", session=True,
         example=('call execute("z = 6 # 7;");\nprint z;', "        z\n       42\n"))
def execute(session, *parts):
    texts = []
    for p in parts:
        if not is_char(p):
            raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="EXECUTE takes IML statements as character strings")
        texts.append(" ".join(str(s) for s in as_array(p).reshape(-1)))
    check = session.extensions.get("execute_check")
    if check is not None:
        check(session)
    before = session.diagnostics.errors
    session.run_nested(" ".join(texts))
    if session.diagnostics.errors > before:
        raise E.IMLRuntimeError("A statement run by EXECUTE failed (see the error above).")
