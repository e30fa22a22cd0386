"""Calling things: builtin functions and subroutines, and user modules.

SAS rules implemented here:
  * function syntax `f(x)` and RUN prefer a user module of that name; CALL prefers the builtin;
    names are resolved when the call runs, so modules may be defined after their callers;
  * module arguments are passed by reference: when an argument is a plain matrix name, whatever
    the module leaves in the parameter is copied back into that matrix on return (SAS 12.1+: if
    the same matrix is passed twice, only the first position is by reference);
  * a module with parameters has its own symbol table, plus the names in GLOBAL(...); a module
    without parameters runs in the global table;
  * optional parameters `y=` may be skipped (ISSKIPPED tells), `y=expr` defaults are evaluated at
    call time in the module's table, so they may use earlier parameters; keywords `run m(a) y=b;`.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..language import ast as A
from .. import errors as E
from .. import builtins as _builtins  # noqa: F401  (fills the registry)
from ..builtins.registry import NOT_YET, REGISTRY, Builtin
from .modules import Frame, Module, operand_name
from ..matrix.values import IMLList, char_scalar, to_str

MAX_DEPTH = 200


def _argument(compiler, node: Optional[A.Node]):
    """(value function, reference function or None) for one argument.

    A plain name is passed by reference and may be undefined (an output argument); its value
    function then returns None instead of raising."""
    if node is None:
        return (lambda env: None), None
    if isinstance(node, A.Var):
        name = node.name
        fixed = compiler.scope_of(name)
        if fixed is not None:
            return (lambda env: fixed.get(name)), (lambda env: fixed)
        return (lambda env: env.get(name)), (lambda env: env)
    return compiler.expr(node), None


def compile_arguments(compiler, args: list):
    compiled = [_argument(compiler, a) for a in args]
    values = [v for v, _ in compiled]
    refs = [r for _, r in compiled]
    names = [a.name if isinstance(a, A.Var) else None for a in args]
    return values, refs, names


def operands_of(args: list, values: list) -> list:
    return [E.Operand(operand_name(a, i + 1) if a is not None else "(skipped)", v)
            for i, (a, v) in enumerate(zip(args, values))]


# ---------------------------------------------------------------- functions in expressions
def _frame_inquiry(compiler, node: A.Call) -> Optional[Callable]:
    """ISSKIPPED(arg) and PARENTNAME("arg") ask about the running module call itself."""
    session = compiler.session
    if node.name == "isskipped" and len(node.args) == 1 and isinstance(node.args[0], A.Var):
        param = node.args[0].name

        def isskipped(env):
            frame = session.call_stack[-1] if session.call_stack else None
            return 1.0 if frame is not None and param in frame.skipped else 0.0
        return isskipped
    if node.name == "parentname" and len(node.args) == 1:
        arg = compiler.expr(node.args[0])

        def parentname(env):
            frame = session.call_stack[-1] if session.call_stack else None
            name = frame.parent_names.get(to_str(arg(env)).lower(), "") if frame is not None else ""
            return char_scalar(name.upper() if name else " ")
        return parentname
    return None


def compile_function_call(compiler, node: A.Call) -> Callable:
    session = compiler.session
    inquiry = _frame_inquiry(compiler, node)
    if inquiry is not None and node.name not in session.modules:
        return inquiry
    modules = session.modules
    name = node.name
    values, refs, names = compile_arguments(compiler, node.args)
    nargs = len(values)
    builtin = REGISTRY.get(name)
    label = name.upper()

    stack = session.call_stack
    positions = range(nargs)

    def call(env):
        mod = modules.get(name)
        if mod is not None:
            args = [f(env) for f in values]
            if mod.simple_arity == nargs and len(stack) < MAX_DEPTH and not any(a is None for a in args):
                return _call_simple(mod, args, refs, names, env, stack, positions, node)
            return invoke_module(session, mod, args, [r(env) if r else None for r in refs],
                                 names, [], env, True, node)
        b = builtin
        if b is None or b.kind != "function":
            b = REGISTRY.get(name)
            if b is None or b.kind != "function":
                raise unresolved(name, b, node)
        args = [f(env) for f in values]
        try:
            return b.call(session, args, {})
        except E.IMLRuntimeError as err:
            raise err.at_operation(label, node, operands_of(node.args, args))
    if nargs == 0 and builtin is not None and builtin.kind == "function":
        pass
    return call


def unresolved(name: str, builtin: Optional[Builtin], node) -> E.IMLRuntimeError:
    if builtin is not None and builtin.kind == "call":
        return E.IMLRuntimeError(f"{name.upper()} is a subroutine: use CALL {name.upper()}(...).").at_operation(name.upper(), node)
    if name in NOT_YET:
        return E.IMLRuntimeError(f"{name.upper()} is not implemented yet in imlpy.",
                                 hint=NOT_YET[name]).at_operation(name.upper(), node)
    return E.IMLRuntimeError(f"Invocation of unresolved module {name.upper()}.",
                             kind="execution").at_operation(name.upper(), node)


def _call_simple(mod, args, refs, names, env, stack, positions, node):
    """The fast path of a function module call: every parameter given, nothing skipped."""
    local = dict(zip(mod.param_names, args))
    result = _body(mod, local, mod.simple_frame, stack)
    seen = None
    for i in positions:                     # by reference: copy changed parameters back
        ref = refs[i]
        if ref is not None:
            p = mod.param_names[i]
            new = local.get(p)
            if new is not args[i]:
                key = names[i]
                if seen is None:
                    seen = set()
                if key in seen:
                    continue
                seen.add(key)
                table = ref(env)
                if new is None:
                    table.pop(key, None)
                else:
                    table[key] = new
    if result is None:
        raise _no_value(mod, node)
    return result


# ---------------------------------------------------------------- CALL and RUN statements
def compile_call_statement(compiler, node: A.CallStmt) -> Callable:
    session = compiler.session
    modules = session.modules
    name = node.name
    values, refs, names = compile_arguments(compiler, node.args)
    kw = [(k, compiler.expr(v)) for k, v in node.kwargs]
    prefer_module = node.via_run
    label = name.upper()

    def run(env):
        mod = modules.get(name)
        b = REGISTRY.get(name)
        if b is not None and b.kind != "call" and not (b.kind == "function" and b.callable_as_call):
            b = None
        if mod is not None and (prefer_module or b is None):
            args = [f(env) for f in values]
            kwargs = [(k, f(env)) for k, f in kw]
            invoke_module(session, mod, args, [r(env) if r else None for r in refs], names, kwargs, env, False, node)
            return
        if b is None:
            raise unresolved(name, REGISTRY.get(name), node)
        args = [f(env) for f in values]
        kwargs = {k: f(env) for k, f in kw}
        try:
            outputs = b.call(session, args, kwargs)
        except E.IMLRuntimeError as err:
            raise err.at_operation(label, node, operands_of(node.args, args))
        write_outputs(b, outputs, refs, names, env, node)
    return run


def write_outputs(b: Builtin, outputs, refs, names, env, node) -> None:
    """Store a subroutine's results into the matrices named as its output arguments."""
    if not b.outputs:
        return
    if len(b.outputs) == 1:
        outputs = (outputs,)
    for position, value in zip(b.outputs, outputs):
        if position >= len(refs) or value is None:
            continue
        ref = refs[position]
        if ref is None:
            continue      # an expression in an output position: the result is dropped, as in SAS
        ref(env)[names[position]] = value


# ---------------------------------------------------------------- user modules
def invoke_module(session, mod: Module, args: list, ref_tables: list, names: list,
                  kwargs: list, env: dict, want_value: bool, node) -> Any:
    params = mod.params
    if params is None:          # no parameter list: runs in the global table
        if args:
            raise E.IMLRuntimeError(f"Module {mod.name.upper()} takes no arguments.").at_operation(mod.name.upper(), node)
        return _run(session, mod, session.globals, None, want_value, node)
    if len(args) > len(params):
        raise E.IMLRuntimeError(E.WRONG_ARGS, hint=(
            f"module {mod.name.upper()} takes at most {len(params)} arguments; {len(args)} were given")
        ).at_operation(mod.name.upper(), node)
    local: dict = {}
    skipped = set()
    bound = []
    seen = set()
    keyword = {k: v for k, v in kwargs}
    unknown = set(keyword) - {p.name for p in params}
    if unknown:
        raise E.IMLRuntimeError(f"Module {mod.name.upper()} has no parameter named {sorted(unknown)[0].upper()}.").at_operation(mod.name.upper(), node)
    parent_names = {}
    for i, p in enumerate(params):
        given = i < len(args) and (args[i] is not None or ref_tables[i] is not None)
        if given:
            value = args[i]
            if value is not None:
                local[p.name] = value.copy() if isinstance(value, IMLList) else value
            table = ref_tables[i]
            if table is not None and (id(table), names[i]) not in seen:
                seen.add((id(table), names[i]))
                bound.append((p.name, table, names[i]))
                parent_names[p.name] = names[i]
            continue
        if p.name in keyword:
            local[p.name] = keyword[p.name]
            continue
        if not p.optional:
            raise E.IMLRuntimeError(E.WRONG_ARGS, hint=(
                f"the required argument {p.name.upper()} of module {mod.name.upper()} was not given")
            ).at_operation(mod.name.upper(), node)
        skipped.add(p.name)
        if p.default is not None:
            local[p.name] = session.default_value(mod, p, local)
    result = _run(session, mod, local, Frame(mod, skipped, parent_names), want_value, node)
    for pname, table, cname in bound:       # by reference: copy the parameters back
        if pname in local:
            table[cname] = local[pname]
        else:
            table.pop(cname, None)
    return result


def _run(session, mod: Module, local: dict, frame: Optional[Frame], want_value: bool, node):
    stack = session.call_stack
    if len(stack) >= MAX_DEPTH:
        raise E.IMLRuntimeError("Module calls are nested too deeply (recursion limit reached).",
                                hint=f"more than {MAX_DEPTH} module calls are active; is {mod.name.upper()} calling itself without end?"
                                ).at_operation(mod.name.upper(), node)
    result = _body(mod, local, frame, stack)
    if want_value and result is None:
        raise _no_value(mod, node)
    return result


def _body(mod: Module, local: dict, frame, stack: list):
    """Run a module body in `local`; its RETURN value (None for a subroutine)."""
    stack.append(frame)
    try:
        return mod.run_body(local)
    except E.ReturnSignal as r:
        return r.value
    except E.IMLRuntimeError as err:
        err.traceback.append(mod.name)
        raise
    finally:
        stack.pop()


def _no_value(mod: Module, node) -> E.IMLRuntimeError:
    return E.IMLRuntimeError(f"Module {mod.name.upper()} did not return a value.",
                             hint="a module used in an expression must end with RETURN(value)"
                             ).at_operation(mod.name.upper(), node)
