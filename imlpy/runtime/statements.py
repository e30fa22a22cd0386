"""Compiles IML statements into closures `s(env) -> None`.

Statement closures add the statement kind and position to any run-time error passing through
them. Control flow that leaves a statement (RETURN, STOP, ABORT, GOTO) travels as exceptions
from imlpy.errors; ordinary loops are plain Python loops over the compiled bodies.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..language import ast as A
from .. import errors as E
from ..matrix import subscripts as S
from ..matrix.growth import Grower
from ..matrix.values import IMLList, is_char, to_str, truth
from ..output.printing import compile_mattrib, compile_print
from .calls import compile_call_statement
from .modules import operand_name

_getrefcount = __import__("sys").getrefcount
ndarray = np.ndarray


def run_sequence(stmts: list) -> Callable:
    """A body of statements as one closure; GOTO targets are honoured when labels exist."""
    labels = {}
    for i, fn in enumerate(stmts):
        name = getattr(fn, "label_name", None)
        if name:
            labels[name] = i
    if not labels:
        if len(stmts) == 1:
            return stmts[0]

        def body(env):
            for s in stmts:
                s(env)
        return body

    def body_with_labels(env):
        i = 0
        n = len(stmts)
        while i < n:
            try:
                stmts[i](env)
                i += 1
            except E.GotoSignal as g:
                if g.label not in labels:
                    raise
                i = labels[g.label]
    return body_with_labels


class StatementCompiler:
    def __init__(self, compiler):
        self.c = compiler
        self.session = compiler.session
        self._stmt = {
            A.Assign: self.assign, A.ItemAssign: self.item_assign, A.Print: self.print_,
            A.If: self.if_, A.Do: self.do, A.ModuleDef: self.module_def, A.Return: self.return_,
            A.CallStmt: self.call, A.Free: self.free, A.Show: self.show, A.Reset: self.reset,
            A.Mattrib: self.mattrib, A.Stop: self.stop, A.Quit: self.quit, A.Storage: self.storage,
            A.DataStmt: self.data, A.Raw: self.raw, A.Label: self.label, A.Goto: self.goto,
            A.Empty: self.empty,
        }

    def compile(self, node: A.Node) -> Callable:
        fn = self._stmt[type(node)](node)
        if getattr(fn, "self_located", False):
            fn.node = node
            return fn          # adds its own statement position (one call less per statement)
        kind = A.STATEMENT_NAMES.get(type(node), "STATEMENT")
        if isinstance(node, A.CallStmt):
            kind = "RUN" if node.via_run else "CALL"
        if isinstance(node, A.Storage):
            kind = node.action.upper()
        if isinstance(node, A.DataStmt):
            kind = node.action.upper()
        return self._located(fn, kind, node)

    def block(self, nodes: list) -> Callable:
        return run_sequence([self.compile(n) for n in nodes])

    @staticmethod
    def _located(fn: Callable, kind: str, node: A.Node) -> Callable:
        def statement(env):
            try:
                fn(env)
            except E.IMLRuntimeError as err:
                err.at_statement(kind, node)
                raise
        statement.node = node
        if isinstance(node, A.Label):
            statement.label_name = node.name
        return statement

    # ---------------------------------------------------------------- assignment
    def assign(self, node: A.Assign) -> Callable:
        value = self.c.expr(node.value)
        name = node.name
        fixed = self.c.scope_of(name)
        autoprint = self.session.autoprint
        if node.subscript is None and _is_growth(node):
            return self._assign_growth(node, fixed, autoprint)
        if node.subscript is None:
            copy_lists = not isinstance(node.value, (A.ListLiteral, A.Call))

            def assign_plain(env):
                try:
                    v = value(env)
                except E.IMLRuntimeError as err:
                    raise err.at_statement("ASSIGN", node)
                if copy_lists and type(v) is IMLList:
                    v = v.copy()
                (fixed if fixed is not None else env)[name] = v
                if autoprint.on:
                    autoprint(node.spelling, v)
            assign_plain.self_located = True
            return assign_plain
        return self._assign_subscript(node, value, fixed, autoprint)

    def _assign_growth(self, node, fixed, autoprint):
        """`x = x || v;` / `x = x // v;` in amortised linear time (see imlpy.growth)."""
        op = node.value.op
        grower = Grower(1 if op in ("||", "!!") else 0)
        piece = self.c.expr(node.value.right)
        name = node.name
        spelled = node.spelling
        right_node = node.value.right

        def assign_grow(env):
            table = fixed if fixed is not None else env
            v = piece(env)
            cur = table.get(name)
            try:
                table[name] = grower.append(cur, v)
            except E.IMLRuntimeError as err:
                raise err.at_operation(op, node.value, [E.Operand(spelled, cur),
                                                        E.Operand(operand_name(right_node, 2), v)])
            if autoprint.on:
                autoprint(spelled, table[name])
        return assign_grow

    def _assign_subscript(self, node, value, fixed, autoprint):
        name = node.name
        parts = self.c.subscript_items(node.subscript)
        spelled = node.spelling

        def current(table):
            try:
                return table[name]
            except KeyError:
                raise E.not_set(spelled).at_operation("[ ]", node, [E.Operand(spelled, None)])

        def fail(err, target):
            return err.at_operation("[ ]", node, [E.Operand(spelled, target)])

        if len(parts) == 1:
            index = parts[0] or (lambda env: S.ALL)

            def assign_single(env):
                table = fixed if fixed is not None else env
                v = value(env)
                k = index(env)
                target = current(table)
                # refs: the table, `target`, getrefcount's own argument; more means shared
                owned = type(target) is ndarray and target.base is None and _getrefcount(target) <= 3
                if owned and type(k) is float and type(v) is float and target.dtype.kind == "f":
                    i = int(k) if k == k else 0
                    if 1 <= i <= target.size:
                        target.reshape(-1)[i - 1] = v
                        return
                try:
                    table[name] = S.assign_single(target, k, v, owned)
                except E.IMLRuntimeError as err:
                    raise fail(err, target)
                if autoprint.on:
                    autoprint(spelled, table[name])
            return assign_single

        rows = parts[0] or (lambda env: S.ALL)
        cols = parts[1] or (lambda env: S.ALL)

        def assign_double(env):
            table = fixed if fixed is not None else env
            v = value(env)
            r = rows(env)
            c = cols(env)
            target = current(table)
            owned = type(target) is ndarray and target.base is None and _getrefcount(target) <= 3
            if owned and type(r) is float and type(c) is float and type(v) is float and target.dtype.kind == "f":
                n, m = target.shape
                i = int(r) if r == r else 0
                j = int(c) if c == c else 0
                if 1 <= i <= n and 1 <= j <= m:
                    target[i - 1, j - 1] = v
                    return
            try:
                table[name] = S.assign(target, r, c, v, owned)
            except E.IMLRuntimeError as err:
                raise fail(err, target)
            if autoprint.on:
                autoprint(spelled, table[name])
        return assign_double

    def item_assign(self, node: A.ItemAssign) -> Callable:
        value = self.c.expr(node.value)
        keys = [self.c.list_key(k) for k in node.keys]
        name = node.name
        fixed = self.c.scope_of(name)

        def assign_item(env):
            table = fixed if fixed is not None else env
            v = value(env)
            lst = table.get(name)
            if not isinstance(lst, IMLList):
                raise E.IMLRuntimeError(f"{name.upper()} is not a list.").at_operation("$", node)
            for key in keys[:-1]:
                lst = lst.items[lst.position(key(env))]
                if not isinstance(lst, IMLList):
                    raise E.IMLRuntimeError("The $ operator needs a list on its left.").at_operation("$", node)
            pos = lst.position(keys[-1](env))
            lst.items[pos] = v.copy() if isinstance(v, IMLList) else v
        return assign_item

    # ---------------------------------------------------------------- PRINT
    def print_(self, node: A.Print) -> Callable:
        return compile_print(self.c, node)

    # ---------------------------------------------------------------- control flow
    def if_(self, node: A.If) -> Callable:
        cond = self.c.expr(node.cond)
        then = self.compile(node.then)
        orelse = self.compile(node.orelse) if node.orelse is not None else None

        def if_then(env):
            try:
                c = cond(env)
                ok = (c != 0.0 and c == c) if type(c) is float else _condition(c, node)
            except E.IMLRuntimeError as err:
                raise err.at_statement("IF", node)
            if ok:
                then(env)
            elif orelse is not None:
                orelse(env)
        if_then.self_located = True
        return if_then

    def do(self, node: A.Do) -> Callable:
        body = self.block(node.body)
        if node.var is None:
            return self._do_while(node, body)
        return self._do_index(node, body)

    def _do_while(self, node, body):
        while_ = self.c.expr(node.while_) if node.while_ is not None else None
        until = self.c.expr(node.until) if node.until is not None else None
        if while_ is None and until is None:
            return body
        check = self.session.check_interrupt

        def loop(env):
            while True:
                if while_ is not None and not _test(while_(env), node.while_):
                    return
                body(env)
                check()
                if until is not None and _test(until(env), node.until):
                    return
        return loop

    def _do_index(self, node, body):
        start, stop = self.c.expr(node.start), self.c.expr(node.stop)
        step = self.c.expr(node.step) if node.step is not None else None
        while_ = self.c.expr(node.while_) if node.while_ is not None else None
        until = self.c.expr(node.until) if node.until is not None else None
        name = node.var
        fixed = self.c.scope_of(name)
        check = self.session.check_interrupt

        def bounds(env):
            values = [start(env), stop(env), step(env) if step is not None else 1.0]
            out = []
            for v, what in zip(values, ("start", "stop", "BY")):
                if type(v) is not float:
                    if type(v) is ndarray and v.size == 1 and v.dtype.kind == "f":
                        v = float(v.flat[0])
                    else:
                        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the {what} value of a DO loop must be a numeric scalar"
                                                ).at_operation("DO", node)
                if v != v:
                    raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the {what} value of a DO loop is missing").at_operation("DO", node)
                out.append(v)
            if out[2] == 0:
                raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="the BY value of a DO loop cannot be 0").at_operation("DO", node)
            return out

        if while_ is None and until is None:
            def loop(env):
                table = fixed if fixed is not None else env
                a, b, s = bounds(env)
                if s == 1.0 and a == int(a) and abs(a) < 2**52 and b < 2**52:
                    # the common `do i = 1 to n;`: whole numbers, exact in floats
                    v = a
                    for v in _float_range(a, b):
                        table[name] = v
                        body(env)
                    table[name] = max(a, float(int(v) + 1) if b >= a else a)
                    return
                v = a
                count = 0
                while (v <= b) if s > 0 else (v >= b):
                    table[name] = v
                    body(env)
                    count += 1
                    v = a + count * s
                table[name] = v      # SAS: after the loop the index is one step past the end
            return loop

        def loop_with_tests(env):
            table = fixed if fixed is not None else env
            a, b, s = bounds(env)
            v = a
            count = 0
            while (v <= b) if s > 0 else (v >= b):
                table[name] = v
                if while_ is not None and not _test(while_(env), node.while_):
                    return
                body(env)
                count += 1
                check()
                v = a + count * s
                if until is not None and _test(until(env), node.until):
                    table[name] = v
                    return
            table[name] = v
        return loop_with_tests

    def label(self, node: A.Label) -> Callable:
        return lambda env: None

    def goto(self, node: A.Goto) -> Callable:
        if node.is_link:
            def link(env):
                raise E.IMLRuntimeError("LINK is not supported by imlpy; use a module (START/FINISH) instead.")
            return link

        def goto(env):
            raise E.GotoSignal(node.label, node)
        return goto

    # ---------------------------------------------------------------- modules
    def module_def(self, node: A.ModuleDef) -> Callable:
        session = self.session

        def define(env):
            if session.call_stack:
                raise E.IMLRuntimeError("A module cannot be defined inside another module.")
            session.define_module(node)
        return define

    def return_(self, node: A.Return) -> Callable:
        if node.value is None:
            def return_nothing(env):
                raise E.ReturnSignal(None)
            return return_nothing
        value = self.c.expr(node.value)

        def return_value(env):
            raise E.ReturnSignal(value(env))
        return_value.value_fn = value
        return return_value

    def call(self, node: A.CallStmt) -> Callable:
        return compile_call_statement(self.c, node)

    def stop(self, node: A.Stop) -> Callable:
        message = self.c.expr(node.message) if node.message is not None else None
        signal = E.AbortSignal if node.abort else E.StopSignal

        def stop(env):
            text = ""
            if message is not None:
                m = message(env)
                text = to_str(m) if is_char(m) else str(m)
            raise signal(text)
        return stop

    def quit(self, node: A.Quit) -> Callable:
        def quit_(env):
            raise E.QuitSignal()
        return quit_

    # ---------------------------------------------------------------- workspace
    def free(self, node: A.Free) -> Callable:
        session = self.session
        names = node.names
        keep = node.except_names

        def free(env):
            table = env
            if keep is not None:
                for name in list(table):
                    if name not in keep:
                        del table[name]
            for name in names:
                (self.c.scope_of(name) or table).pop(name, None)
                session.attributes.pop(name, None)
        return free

    def show(self, node: A.Show) -> Callable:
        session = self.session
        return lambda env: session.show(node.names, env)

    def reset(self, node: A.Reset) -> Callable:
        session = self.session
        return lambda env: session.reset(node.options)

    def mattrib(self, node: A.Mattrib) -> Callable:
        return compile_mattrib(self.c, node)

    def storage(self, node: A.Storage) -> Callable:
        session = self.session
        return lambda env: session.storage(node, env)

    def data(self, node: A.DataStmt) -> Callable:
        session = self.session
        return lambda env: session.data_statement(node, env)

    def raw(self, node: A.Raw) -> Callable:
        session = self.session
        return lambda env: session.raw_statement(node, env)

    def empty(self, node: A.Empty) -> Callable:
        return lambda env: None


def _float_range(a: float, b: float):
    """a, a+1, ..., <= b as floats (a whole number)."""
    start = int(a)
    stop = int(b // 1) if b == b else start - 1
    return map(float, range(start, stop + 1))


def _is_growth(node: A.Assign) -> bool:
    v = node.value
    return (isinstance(v, A.BinOp) and v.op in ("||", "//", "!!") and isinstance(v.left, A.Var)
            and v.left.name == node.name)


def _condition(c, node) -> bool:
    if isinstance(c, IMLList):
        raise E.IMLRuntimeError("A list cannot be used as a condition.").at_operation("IF", node)
    if type(c) is ndarray and c.size == 0:
        raise E.not_set().at_operation("IF", node)
    return truth(c)


def _test(c, node) -> bool:
    if type(c) is float:
        return c != 0.0 and c == c
    return _condition(c, node)
