"""Compiles the IML syntax tree into Python closures, and runs them.

Every expression node becomes a function `f(env) -> value` and every statement a function
`s(env) -> None`, built once; running a loop then costs a few closure calls per iteration and no
per-node dispatch. `env` is the current symbol table (a dict, lower-case names). Scalars are
Python floats and take inline fast paths; anything else goes to imlpy.operators.

Errors: operators and builtins raise IMLRuntimeError stating the problem; the closure that was
running adds the operation, its position and the operand names on the way out, and the statement
closure adds the statement.
"""
from __future__ import annotations

import operator
import sys
from typing import Any, Callable, Optional

import numpy as np

from ..language import ast as A
from .. import errors as E
from ..matrix import operators as ops
from ..matrix import subscripts as S
from ..matrix.values import EMPTY, IMLList
from .calls import compile_function_call
from .modules import Module, operand_name  # noqa: F401  (Module: the session makes them)
from .statements import StatementCompiler

_getrefcount = sys.getrefcount
ndarray = np.ndarray
NAN = float("nan")


class Compiler:
    """Turns AST nodes into closures for one scope (the main program or one module body)."""

    def __init__(self, session, module: Optional[A.ModuleDef] = None):
        self.session = session
        self.globals = session.globals
        # In a module with parameters, names listed in GLOBAL(...) live in the global table.
        self.global_names = set(module.globals) if module is not None and module.params is not None else set()
        self._expr = {
            A.Const: self.const, A.Var: self.var, A.Call: self.call, A.BinOp: self.binop,
            A.Prefix: self.prefix, A.Transpose: self.transpose, A.Subscript: self.subscript,
            A.ListItem: self.list_item, A.ListLiteral: self.list_literal, A.MacroRef: self.macro_ref,
        }
        self.stmts = StatementCompiler(self)

    # ---------------------------------------------------------------- helpers
    def expr(self, node: A.Node) -> Callable:
        try:
            handler = self._expr[type(node)]
        except KeyError:
            raise E.IMLRuntimeError(f"This expression cannot be evaluated: {type(node).__name__}.")
        return handler(node)

    def lenient(self, node: A.Node) -> Callable:
        """Like expr, but an undefined name evaluates to the empty matrix instead of an error."""
        if not isinstance(node, A.Var):
            return self.expr(node)
        name = node.name
        table = self.scope_of(name)
        if table is not None:
            return lambda env: table.get(name, EMPTY)
        return lambda env: env.get(name, EMPTY)

    def scope_of(self, name: str) -> Optional[dict]:
        """The table a name lives in when it is fixed at compile time (GLOBAL names), else None."""
        return self.globals if name in self.global_names else None

    # ---------------------------------------------------------------- leaves
    def const(self, node: A.Const) -> Callable:
        value = node.value
        return lambda env: value

    def var(self, node: A.Var) -> Callable:
        name = node.name
        fixed = self.scope_of(name)
        spelled = node.spelling or name

        if fixed is not None:
            def get_global(env):
                try:
                    return fixed[name]
                except KeyError:
                    raise E.not_set(spelled).at_operation(spelled, node, [E.Operand(spelled, None)])
            return get_global

        def get(env):
            try:
                return env[name]
            except KeyError:
                raise E.not_set(spelled).at_operation(spelled, node, [E.Operand(spelled, None)])
        return get

    # ---------------------------------------------------------------- operators
    def binop(self, node: A.BinOp) -> Callable:
        op = ops.ALIASES.get(node.op, node.op)
        if op in ("||", "//"):
            # SAS: concatenation ignores an unvalued operand, including a name never assigned
            left, right = self.lenient(node.left), self.lenient(node.right)
        else:
            left, right = self.expr(node.left), self.expr(node.right)
        slow = ops.BINARY[op]
        names = (node.left, node.right)
        session = self.session

        def fail(err, a, b):
            return err.at_operation(op, node, [E.Operand(operand_name(names[0], 1), a),
                                               E.Operand(operand_name(names[1], 2), b)])

        if op == "/":
            warn = session.warn

            def divide(env):
                a = left(env)
                b = right(env)
                if type(a) is float and type(b) is float and b != 0.0:
                    r = a / b
                    return r if r == r else NAN
                try:
                    return ops.div(a, b, warn)
                except E.IMLRuntimeError as err:
                    raise fail(err, a, b)
            return divide

        if op in _ARITH_OPS and self.scope_of(getattr(node.left, "name", "")) is None \
                and self.scope_of(getattr(node.right, "name", "")) is None:
            special = _arith_direct(op, node, slow, fail)
            if special is not None:
                return special
        fast = _SCALAR_FAST.get(op)
        if fast is None:
            def generic(env):
                a = left(env)
                b = right(env)
                try:
                    return slow(a, b)
                except E.IMLRuntimeError as err:
                    raise fail(err, a, b)
            return generic
        return fast(left, right, slow, fail)

    def prefix(self, node: A.Prefix) -> Callable:
        operand = self.expr(node.operand)
        op = node.op

        def err(e, a):
            return e.at_operation(op, node, [E.Operand(operand_name(node.operand, 1), a)])

        if op == "-":
            def neg(env):
                a = operand(env)
                if type(a) is float:
                    return -a if a == a else a
                try:
                    return ops.negate(a)
                except E.IMLRuntimeError as e:
                    raise err(e, a)
            return neg

        def logical_not(env):
            a = operand(env)
            if type(a) is float:
                return 1.0 if (a == 0.0 or a != a) else 0.0
            try:
                return ops.logical_not(a)
            except E.IMLRuntimeError as e:
                raise err(e, a)
        return logical_not

    def transpose(self, node: A.Transpose) -> Callable:
        operand = self.expr(node.operand)

        def transposed(env):
            a = operand(env)
            if type(a) is float:
                return a
            try:
                return ops.transpose(a)
            except E.IMLRuntimeError as e:
                raise e.at_operation("`", node, [E.Operand(operand_name(node.operand, 1), a)])
        return transposed

    # ---------------------------------------------------------------- subscripts
    def subscript_items(self, items: list) -> list:
        """Each subscript position as ('all',), ('reduce', Reduction) or ('expr', closure)."""
        out = []
        for item in items:
            if item is None:
                out.append(None)
            elif isinstance(item, A.ReductionOp):
                red = S.Reduction(item.op)
                out.append(lambda env, red=red: red)
            else:
                out.append(self.expr(item))
        return out

    def subscript(self, node: A.Subscript) -> Callable:
        operand = self.expr(node.operand)
        parts = self.subscript_items(node.items)
        oname = operand_name(node.operand, 1)

        def fail(e, a):
            return e.at_operation("[ ]", node, [E.Operand(oname, a)])

        if len(parts) == 1:
            index = parts[0] or (lambda env: S.ALL)

            def single(env):
                a = operand(env)
                k = index(env)
                if type(k) is float and type(a) is ndarray and a.dtype.kind == "f":
                    flat = a.reshape(-1)
                    i = int(k) if k == k else 0
                    if 1 <= i <= flat.size:
                        return float(flat[i - 1])
                try:
                    return S.get_single(a, k)
                except E.IMLRuntimeError as e:
                    raise fail(e, a)
            return single

        rows = parts[0] or (lambda env: S.ALL)
        cols = parts[1] or (lambda env: S.ALL)

        def double(env):
            a = operand(env)
            r = rows(env)
            c = cols(env)
            if type(r) is float and type(c) is float and type(a) is ndarray and a.dtype.kind == "f":
                n, m = a.shape
                i = int(r) if r == r else 0
                j = int(c) if c == c else 0
                if 1 <= i <= n and 1 <= j <= m:
                    return float(a[i - 1, j - 1])
            try:
                return S.get(a, r, c)
            except E.IMLRuntimeError as e:
                raise fail(e, a)
        return double

    # ---------------------------------------------------------------- lists
    def list_key(self, key: A.Node) -> Callable:
        if isinstance(key, A.Var):
            # `L$name`: the value of matrix `name` when it exists, else the item called "name"
            name = key.name
            literal = np.array([[key.spelling or name]])

            def key_value(env):
                v = env.get(name)
                return literal if v is None else v
            return key_value
        return self.expr(key)

    def list_item(self, node: A.ListItem) -> Callable:
        operand = self.expr(node.operand)
        key = self.list_key(node.key)

        def item(env):
            lst = operand(env)
            if not isinstance(lst, IMLList):
                raise E.IMLRuntimeError("The $ operator needs a list on its left.").at_operation("$", node)
            try:
                value = lst.items[lst.position(key(env))]
            except E.IMLRuntimeError as e:
                raise e.at_operation("$", node)
            if value is None:
                raise E.IMLRuntimeError("The list item has not been set to a value.").at_operation("$", node)
            return value
        return item

    def macro_ref(self, node: A.MacroRef) -> Callable:
        """&name / %name(...) text: the SAS macro processor would have replaced it; imlpy has none."""
        def fail(env):
            raise E.IMLRuntimeError(
                f"The SAS macro reference {node.text} cannot be resolved: imlpy does not run the SAS macro language yet.",
                hint="replace the macro reference by its value").at_operation(node.text, node)
        return fail

    def list_literal(self, node: A.ListLiteral) -> Callable:
        entries = [(name, self.expr(value) if value is not None else None) for name, value in node.entries]

        def build(env):
            items, names = [], []
            for name, fn in entries:
                value = fn(env) if fn is not None else None
                if isinstance(value, IMLList):
                    value = value.copy()
                items.append(value)
                names.append(name or "")
            return IMLList(items, names)
        return build

    # ---------------------------------------------------------------- calls
    def call(self, node: A.Call) -> Callable:
        return compile_function_call(self, node)


# ---------------------------------------------------------------- scalar fast paths
def _arith(pyop):
    def make(left, right, slow, fail):
        def run(env):
            a = left(env)
            b = right(env)
            if type(a) is float and type(b) is float:
                r = pyop(a, b)
                return r if r == r else NAN    # SAS: arithmetic on missing gives plain missing
            return _fallback(slow, fail, a, b)
        return run
    return make


def _fallback(slow, fail, a, b):
    """The matrix (non-scalar) path of an operator, with the operator's position on errors."""
    try:
        return slow(a, b)
    except E.IMLRuntimeError as err:
        raise fail(err, a, b)


_ARITH_OPS = {"+": operator.add, "-": operator.sub, "#": operator.mul, "*": operator.mul}


def _arith_direct(op, node, slow, fail):
    """`name op name`, `name op constant`, `constant op name` with the operands read inline:
    the hot statements of loops (`s = s + i`, `k = k - 1`) then cost one closure call, not three."""
    pyop = _ARITH_OPS[op]
    left, right = node.left, node.right
    if isinstance(left, A.Var) and isinstance(right, A.Var):
        ln, rn = left.name, right.name

        def var_var(env):
            try:
                a = env[ln]
                b = env[rn]
            except KeyError:
                raise _unset(env, node, left, right)
            if type(a) is float and type(b) is float:
                r = pyop(a, b)
                return r if r == r else NAN
            return _fallback(slow, fail, a, b)
        return var_var
    if isinstance(left, A.Var) and isinstance(right, A.Const) and type(right.value) is float:
        ln, b = left.name, right.value

        def var_const(env):
            try:
                a = env[ln]
            except KeyError:
                raise _unset(env, node, left, right)
            if type(a) is float:
                r = pyop(a, b)
                return r if r == r else NAN
            return _fallback(slow, fail, a, b)
        return var_const
    if isinstance(left, A.Const) and type(left.value) is float and isinstance(right, A.Var):
        a, rn = left.value, right.name

        def const_var(env):
            try:
                b = env[rn]
            except KeyError:
                raise _unset(env, node, left, right)
            if type(b) is float:
                r = pyop(a, b)
                return r if r == r else NAN
            return _fallback(slow, fail, a, b)
        return const_var
    return None


def _unset(env, node, *operands):
    for operand in operands:
        if isinstance(operand, A.Var) and operand.name not in env:
            spelled = operand.spelling or operand.name
            return E.not_set(spelled).at_operation(spelled, operand, [E.Operand(spelled, None)])
    return E.not_set()


def _compare(pyop):
    def make(left, right, slow, fail):
        def run(env):
            a = left(env)
            b = right(env)
            if type(a) is float and type(b) is float and a == a and b == b:
                return 1.0 if pyop(a, b) else 0.0
            return _fallback(slow, fail, a, b)
        return run
    return make


def _logic(both: bool):
    def make(left, right, slow, fail):
        def run(env):
            a = left(env)
            b = right(env)
            if type(a) is float and type(b) is float:
                ta = a != 0.0 and a == a
                tb = b != 0.0 and b == b
                return 1.0 if ((ta and tb) if both else (ta or tb)) else 0.0
            return _fallback(slow, fail, a, b)
        return run
    return make


def _minmax(is_max: bool):
    def make(left, right, slow, fail):
        def run(env):
            a = left(env)
            b = right(env)
            if type(a) is float and type(b) is float and a == a and b == b:
                return (a if a >= b else b) if is_max else (a if a <= b else b)
            return _fallback(slow, fail, a, b)
        return run
    return make


def _pow(left, right, slow, fail):
    def run(env):
        a = left(env)
        b = right(env)
        if type(a) is float and type(b) is float:
            try:
                r = a ** b
            except (OverflowError, ZeroDivisionError):
                r = NAN
            if type(r) is float and r == r:
                return r
            return NAN                       # complex or undefined: missing
        return _fallback(slow, fail, a, b)
    return run


_SCALAR_FAST = {
    "+": _arith(operator.add), "-": _arith(operator.sub), "#": _arith(operator.mul),
    "*": _arith(operator.mul), "@": _arith(operator.mul),
    "<": _compare(operator.lt), "<=": _compare(operator.le), ">": _compare(operator.gt),
    ">=": _compare(operator.ge), "=": _compare(operator.eq), "^=": _compare(operator.ne),
    "&": _logic(True), "|": _logic(False), "<>": _minmax(True), "><": _minmax(False),
    "##": _pow, "**": _pow,
}
