"""From source text to the IML syntax tree (imlpy.ast).

Lark (LALR, contextual lexer) builds a parse tree from grammar/iml.lark; `ToAst` turns it into our
own dataclasses once, at this boundary. Syntax errors become IMLSyntaxError with line, column and
the offending line. `parse_chunks` recovers from errors the way SAS does: the statements before
an error still run, the bad statement is skipped, and parsing resumes after its semicolon.
"""
from __future__ import annotations

import functools
import os
import re
from typing import Iterator, Union

import numpy as np
from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from . import ast as A
from ..errors import IMLSyntaxError
from ..safety.limits import TOO_DEEP
from .fastparse import Bail, fast_parse
from .grammar import grammar_text
from .literals import literal_item, missing_value, number_value, unquote  # noqa: F401
from .preprocess import next_statement_end, strip_statement_comments
from ..matrix.values import EMPTY, MISSING, char_matrix, char_scalar, special_missing

_KEYWORD_TYPES = {
    "PRINT", "IF", "THEN", "ELSE", "DO", "END", "TO", "BY", "WHILE", "UNTIL", "START", "FINISH",
    "GLOBAL", "RETURN", "CALL", "RUN", "FREE", "SHOW", "RESET", "MATTRIB", "STOP", "ABORT", "QUIT",
    "GOTO", "LINK", "PAUSE", "RESUME", "STORE", "LOAD", "REMOVE", "MODULE", "USE", "EDIT", "READ",
    "CREATE", "APPEND", "CLOSE", "SETIN", "SETOUT", "LIBNAME", "EXCEPT", "WHERE", "INTO", "FROM",
    "VAR",
}


@functools.lru_cache(maxsize=1)
def lark_parser() -> Lark:
    cache_dir = os.path.join(os.path.expanduser("~"), ".cache", "imlpy")
    try:
        os.makedirs(cache_dir, exist_ok=True)
        cache = os.path.join(cache_dir, "grammar.lark.cache")
    except OSError:
        cache = False
    kwargs = dict(parser="lalr", lexer="contextual", propagate_positions=True,
                  maybe_placeholders=True, start="start")
    try:
        return Lark(grammar_text(), cache=cache, **kwargs)
    except Exception:       # an unreadable or stale cache file must never stop us
        return Lark(grammar_text(), **kwargs)


# ---------------------------------------------------------------- literals
def _pos(meta_or_token):
    if isinstance(meta_or_token, Token):
        return meta_or_token.line, meta_or_token.column
    return getattr(meta_or_token, "line", 0), getattr(meta_or_token, "column", 0)


def _clean(children):
    """Children without keyword tokens and without absent optional parts."""
    return [c for c in children
            if c is not None and not (isinstance(c, Token) and c.type in _KEYWORD_TYPES)]


_MACRO_ITEM = object()   # a {...} literal item holding macro text (&name)
_WORD_RE = re.compile(r"%?[A-Za-z_][A-Za-z0-9_]*")
# WHERE-only operators, in the spelling the data-set layer understands. IN with a matrix is
# "equal to any of" and NOT IN "equal to none of", which is what = and ^= mean in WHERE.
_WHERE_OPS = {"in": "=", "not in": "^=", "^ in": "^=", "contains": "?", "~?": "^?",
              "not contains": "^?", "like": "like", "not like": "^like"}
_OMITTED = object()   # an empty subscript position, as in x[,1]; None means "no second position"


class LiteralError(Exception):
    def __init__(self, message, line, column):
        self.message, self.line, self.column = message, line, column


@v_args(meta=True)
class ToAst(Transformer):
    """Lark tree -> imlpy.ast nodes. Each method gets the rule's meta (positions) and children."""

    def __init__(self, text: str = ""):
        super().__init__()
        self.text = text        # the parsed text, for source spans (module source, data-set words)

    def _span(self, meta) -> str:
        start, end = getattr(meta, "start_pos", None), getattr(meta, "end_pos", None)
        return self.text[start:end] if self.text and start is not None and end is not None else ""

    # ---------------------------------------------------------- expressions
    def number(self, meta, ch):
        tok = ch[0]
        return A.Const(tok.line, tok.column, number_value(tok), str(tok))

    def missing(self, meta, ch):
        tok = ch[0]
        return A.Const(tok.line, tok.column, missing_value(tok), str(tok))

    def string(self, meta, ch):
        tok = ch[0]
        return A.Const(tok.line, tok.column, char_scalar(unquote(tok)), str(tok))

    def macro_ref(self, meta, ch):
        tok = ch[0]
        return A.MacroRef(tok.line, tok.column, str(tok))

    def var(self, meta, ch):
        tok = ch[0]
        return A.Var(tok.line, tok.column, tok.lower(), str(tok))

    def call(self, meta, ch):
        tok, args = ch
        return A.Call(tok.line, tok.column, tok.lower(), args, str(tok))

    def arglist(self, meta, ch):
        if len(ch) == 1 and ch[0] is None:
            return []
        return list(ch)

    def binop(self, meta, ch):
        left, op, right = ch
        tok = op.children[0]          # errors point at the operator, as SAS's do
        text = _WHERE_OPS.get(" ".join(str(t).lower() for t in op.children), str(tok)) \
            if op.data == "where_op" else str(tok)
        if text == "&&":            # `a && b` is how `a & b` looks after the macro processor
            text = "&"
        return A.BinOp(tok.line, tok.column, text, left, right)

    def prefix(self, meta, ch):
        op, operand = ch
        text = str(op.children[0])
        return A.Prefix(meta.line, meta.column, "-" if text == "-" else "^", operand)

    def transpose(self, meta, ch):
        return A.Transpose(meta.line, meta.column, ch[0])

    def subscripted(self, meta, ch):
        operand, items = ch
        return A.Subscript(meta.line, meta.column, operand, items)

    def subscript(self, meta, ch):
        if len(ch) == 2 and ch[1] is None:   # `x[i]`: one subscript (no comma)
            ch = ch[:1]
        return [None if c is _OMITTED else c for c in ch]

    def reduction(self, meta, ch):
        tok = ch[0].children[0]
        return A.ReductionOp(tok.line, tok.column, str(tok))

    def all_of(self, meta, ch):
        return _OMITTED

    def list_item(self, meta, ch):
        return A.ListItem(meta.line, meta.column, ch[0], ch[1])

    def key_number(self, meta, ch):
        return self.number(meta, ch)

    def key_string(self, meta, ch):
        return self.string(meta, ch)

    def key_name(self, meta, ch):
        return self.var(meta, ch)

    def key_expr(self, meta, ch):
        return ch[0]

    def list_lit(self, meta, ch):
        entries = []
        for e in ch:
            if e is None or (isinstance(e, tuple) and e[0] == "empty"):
                entries.append((None, None))
            elif isinstance(e, tuple):
                entries.append((e[1], e[2]))
            else:
                entries.append((None, e))
        if entries == [(None, None)]:
            entries = []
        return A.ListLiteral(meta.line, meta.column, entries)

    def named_entry(self, meta, ch):
        name_tok, value = ch
        name = unquote(name_tok) if name_tok[0] in "\"'" else str(name_tok)
        return ("named", name, value)

    def empty_entry(self, meta, ch):
        return ("empty",)

    def matrix_lit(self, meta, ch):
        rows = [r for r in ch if r is not None]
        line, column = meta.line, meta.column
        if not rows:
            return A.Const(line, column, EMPTY, "{}")
        if any(v is _MACRO_ITEM for r in rows for _, v in r):
            return A.MacroRef(line, column, self._span(meta) or "{...}")
        ncols = len(rows[0])
        kinds = set()
        for r in rows:
            if len(r) != ncols:
                raise LiteralError("All rows of a matrix literal must have the same number of elements.", line, column)
            kinds.update(k for k, _ in r)
        if len(kinds) > 1:
            raise LiteralError("A matrix literal cannot mix numbers and character values.", line, column)
        values = [[v for _, v in r] for r in rows]
        if kinds == {True}:
            width = max(max((len(v) for v in row), default=1) for row in values)
            value = char_matrix(values, max(width, 1))
        else:
            value = np.array(values, dtype=float)
            if value.size == 1:
                value = float(value[0, 0])
        return A.Const(line, column, value, "{...}")

    def mrow(self, meta, ch):
        items = []
        for repeat, item in ch:
            items.extend([item] * repeat)
        return items

    def mitem(self, meta, ch):
        rep, tok = ch
        count = int(str(rep).strip("[] \t")) if rep is not None else 1
        if "&" in tok:                     # F_&name or &name: macro text, not a value
            return count, (None, _MACRO_ITEM)
        return count, literal_item(str(tok))

    # ---------------------------------------------------------- statements
    def start(self, meta, ch):
        return list(ch)

    def assign_stmt(self, meta, ch):
        name, sub, value = ch
        return A.Assign(name.line, name.column, name.lower(), str(name), sub, value)

    def item_assign_stmt(self, meta, ch):
        name, *keys, value = ch
        return A.ItemAssign(name.line, name.column, name.lower(), keys, value)

    def print_stmt(self, meta, ch):
        return A.Print(meta.line, meta.column, _clean(ch))

    def print_name(self, meta, ch):
        tok, opts = ch
        var = A.Var(tok.line, tok.column, tok.lower(), str(tok))
        return A.PrintItem("name", var, opts or {})

    def print_expr(self, meta, ch):
        expr, opts = ch
        return A.PrintItem("expr", expr, opts or {})

    def print_literal(self, meta, ch):
        value, opts = ch
        return A.PrintItem("expr", value, opts or {})

    def print_text(self, meta, ch):
        return A.PrintItem("text", unquote(ch[0]))

    def print_newline(self, meta, ch):
        return A.PrintItem("newline")

    def print_page(self, meta, ch):
        return A.PrintItem("page")

    def print_opts(self, meta, ch):
        return {name: value for name, value in ch}

    def option(self, meta, ch):
        name, value = ch
        return name.lower(), value

    def opt_format(self, meta, ch):
        return ("format", str(ch[0]))

    def opt_expr(self, meta, ch):
        return ch[0]

    def if_stmt(self, meta, ch):
        cond, then, orelse = _clean(ch) + [None] * (3 - len(_clean(ch)))
        return A.If(meta.line, meta.column, cond, then, orelse)

    def do_loop(self, meta, ch):
        index, while_, until, *body = [c for c in ch if not (isinstance(c, Token) and c.type in ("DO", "END"))]
        var = start = stop = step = None
        spelling = ""
        if index is not None:
            var, spelling, start, stop, step = index
        return A.Do(meta.line, meta.column, var, start, stop, step, while_, until, body, spelling)

    def do_index(self, meta, ch):
        c = _clean(ch)
        name, start, stop = c[0], c[1], c[2]
        step = c[3] if len(c) > 3 else None
        return (name.lower(), str(name), start, stop, step)

    def do_while(self, meta, ch):
        return _clean(ch)[0]

    def do_until(self, meta, ch):
        return _clean(ch)[0]

    def module_def(self, meta, ch):
        # START [NAME] [params] [globals] ; stmts FINISH [NAME] ;
        _start, name, params, globs, *rest = ch
        body = [s for s in rest[:-2]] if len(rest) >= 2 else []
        body = [s for s in body if not (isinstance(s, Token))]
        mod_name = name.lower() if name is not None else "main"
        return A.ModuleDef(meta.line, meta.column, mod_name, params, globs or [], body, self._span(meta))

    def params(self, meta, ch):
        return [p for p in ch if p is not None]

    def param(self, meta, ch):
        name, default = ch
        if default is None:
            return A.Param(name.lower())
        return A.Param(name.lower(), True, default[1])

    def param_default(self, meta, ch):
        # `y=` (skippable, no default) or `y=expr`
        return ("default", ch[1] if len(ch) > 1 else None)

    def globals(self, meta, ch):
        return [t.lower() for t in _clean(ch)]

    def return_stmt(self, meta, ch):
        c = _clean(ch)
        return A.Return(meta.line, meta.column, c[0] if c else None)

    def call_stmt(self, meta, ch):
        _, name, args, *kwargs = ch
        return A.CallStmt(meta.line, meta.column, name.lower(), args or [], kwargs, False, str(name))

    def run_stmt(self, meta, ch):
        _, name, args, *kwargs = ch
        kwargs = [k for k in kwargs if k is not None]
        mod = name.lower() if name is not None else "main"
        return A.CallStmt(meta.line, meta.column, mod, args or [], kwargs, True, str(name or "MAIN"))

    def call_args(self, meta, ch):
        return ch[0]

    def keyword_arg(self, meta, ch):
        return (ch[0].lower(), ch[1])

    def free_stmt(self, meta, ch):
        c = _clean(ch)
        names = [t.lower() for t in c if isinstance(t, Token)]
        excepts = [x for x in c if isinstance(x, list)]
        return A.Free(meta.line, meta.column, names, excepts[0] if excepts else None)

    def free_except(self, meta, ch):
        return [t.lower() for t in ch]

    def show_stmt(self, meta, ch):
        return A.Show(meta.line, meta.column, [t.lower() if isinstance(t, Token) else t for t in _clean(ch)])

    def reset_stmt(self, meta, ch):
        return A.Reset(meta.line, meta.column, _clean(ch))

    def reset_opt(self, meta, ch):
        name, value = ch[0], ch[1] if len(ch) > 1 else None
        if isinstance(value, tuple):
            value = ".".join(v for v in value[1:] if v)
        elif value is not None:
            value = str(value)
        return (name.lower(), value)

    def mattrib_stmt(self, meta, ch):
        targets = []
        for c in _clean(ch):
            if isinstance(c, Token):
                targets.append((c.lower(), {}))
            elif targets:
                targets[-1][1][c[0]] = c[1]
        return A.Mattrib(meta.line, meta.column, targets)

    def stop_stmt(self, meta, ch):
        c = _clean(ch)
        return A.Stop(meta.line, meta.column, c[0] if c else None)

    def abort_stmt(self, meta, ch):
        c = [x for x in ch if not (isinstance(x, Token) and x.type == "ABORT") and x is not None]
        return A.Stop(meta.line, meta.column, c[0] if c else None, abort=True)

    def quit_stmt(self, meta, ch):
        return A.Quit(meta.line, meta.column)

    def _storage(self, action, meta, ch):
        c = [x for x in ch if x is not None and not (isinstance(x, Token) and x.type == action.upper())]
        modules = None
        names = []
        for x in c:
            if isinstance(x, list):
                modules = x
            else:
                names.append(x.lower())
        return A.Storage(meta.line, meta.column, action, modules, names)

    def store_stmt(self, meta, ch):
        return self._storage("store", meta, ch)

    def load_stmt(self, meta, ch):
        return self._storage("load", meta, ch)

    def remove_stmt(self, meta, ch):
        return self._storage("remove", meta, ch)

    def module_list(self, meta, ch):
        return [t.lower() for t in _clean(ch)]

    # ---------------------------------------------------------- data-set statements
    def dsname(self, meta, ch):
        lib, name = (ch[0], ch[1]) if ch[1] is not None else (None, ch[0])
        return ("name", str(lib) if lib is not None else None, str(name))

    def ds_expr(self, meta, ch):
        return ("expr", ch[0])

    def ds_string(self, meta, ch):
        return ("string", unquote(ch[0]))

    def ds_macro(self, meta, ch):
        return ("expr", self.macro_ref(meta, ch))

    def _data(self, action, meta, ch):
        dataset = None
        clauses = {}
        for c in _clean(ch):
            if isinstance(c, tuple) and c and c[0] in ("name", "expr", "string"):
                if dataset is None:
                    dataset = c
                else:
                    clauses.setdefault("more", []).append(c)
            elif isinstance(c, tuple):
                clauses[c[0]] = c[1]
            elif isinstance(c, Token):
                clauses.setdefault("words", []).append(str(c))
            else:
                clauses.setdefault("items", []).append(c)
        return A.DataStmt(meta.line, meta.column, action, dataset, clauses)

    def use_stmt(self, meta, ch):
        return self._data("use", meta, ch)

    def edit_stmt(self, meta, ch):
        return self._data("edit", meta, ch)

    def read_stmt(self, meta, ch):
        return self._data("read", meta, ch)

    def create_stmt(self, meta, ch):
        return self._data("create", meta, ch)

    def append_stmt(self, meta, ch):
        return self._data("append", meta, ch)

    def close_stmt(self, meta, ch):
        node = self._data("close", meta, ch)
        return node

    def setio_stmt(self, meta, ch):
        return self._data(str(ch[0]).lower(), meta, ch[1:])

    def libname_stmt(self, meta, ch):
        c = _clean(ch)
        return A.DataStmt(meta.line, meta.column, "libname", ("name", None, str(c[0])),
                          {"path": unquote(c[1]) if len(c) > 1 else None})

    def dsop_stmt(self, meta, ch):
        return A.DataStmt(meta.line, meta.column, str(ch[0]).lower(), None, {"words": ch[1]}, self._span(meta))

    def ds_words(self, meta, ch):
        return ch

    def read_range(self, meta, ch):
        return ("range", (str(ch[0]).lower(), ch[1] if len(ch) > 1 else None))

    def ds_var(self, meta, ch):
        return ("var", _clean(ch)[0])

    def ds_except(self, meta, ch):
        return ("except", _clean(ch)[0])

    def ds_where(self, meta, ch):
        return ("where", _clean(ch)[0])

    def ds_into(self, meta, ch):
        c = [x for x in ch if not (isinstance(x, Token) and x.type == "INTO")]
        return ("into", (c[0].lower(), c[1] or {}))

    def ds_from(self, meta, ch):
        c = [x for x in ch if not (isinstance(x, Token) and x.type == "FROM")]
        names, opts = [t.lower() for t in c[:-1]], c[-1] or {}
        if len(names) > 1:       # CREATE/APPEND FROM x y z[...] (several matrices, SAS/IML 15.1)
            return ("from_names", (names, opts))
        return ("from", (names[0], opts))

    def ds_nobs(self, meta, ch):
        return ("nobs", ch[-1].lower())

    def var_spec(self, meta, ch):
        c = ch[0]
        if isinstance(c, Token):
            if c.type == "STRING":
                return A.Const(c.line, c.column, char_scalar(unquote(c)), str(c))
            return A.Var(c.line, c.column, c.lower(), str(c))
        return c

    # ---------------------------------------------------------- the rest
    def raw_stmt(self, meta, ch):
        tok = ch[0]
        text = str(tok)
        m = _WORD_RE.match(text)
        keyword = m.group(0).lower() if m else text.split(None, 1)[0].split(";")[0].lower()
        if tok.type == "SUBMIT_BLOCK":
            keyword = "submit"
        elif tok.type == "DATALINES_BLOCK":
            keyword = _WORD_RE.match(text).group(0).lower()
        return A.Raw(tok.line, tok.column, keyword, text)

    def io_stmt(self, meta, ch):
        tok = ch[0]
        keyword = _WORD_RE.match(str(tok)).group(0).lower()
        return A.DataStmt(tok.line, tok.column, keyword, None, {}, str(tok))

    def label_stmt(self, meta, ch):
        return A.Label(meta.line, meta.column, ch[0].lower())

    def goto_stmt(self, meta, ch):
        kind, name = ch
        return A.Goto(meta.line, meta.column, name.lower(), kind.type == "LINK")

    def pause_stmt(self, meta, ch):
        return A.Raw(meta.line, meta.column, str(ch[0]).lower(), str(ch[0]))

    def empty_stmt(self, meta, ch):
        return A.Empty(meta.line, meta.column)


# ---------------------------------------------------------------- errors
_TOKEN_WORDS = {"SEMICOLON": "';'", "NAME": "a name", "NUMBER": "a number", "STRING": "a string",
                "LPAR": "'('", "RPAR": "')'", "LSQB": "'['", "RSQB": "']'", "LBRACE": "'{'",
                "RBRACE": "'}'", "COMMA": "','", "MISSING": "'.'", "$END": "end of input",
                "EQUAL": "'='", "FORMAT_SPEC": "a format", "BACKQUOTE": "'`'", "DOLLAR": "'$'"}


def _describe_expected(names) -> list:
    parser = lark_parser()
    out = []
    for n in sorted(names):
        if n in _TOKEN_WORDS:
            out.append(_TOKEN_WORDS[n])
            continue
        try:
            pattern = parser.get_terminal(n).pattern
            if pattern.type == "str":
                out.append(repr(pattern.value).replace('"', "'"))
                continue
        except (KeyError, AttributeError):
            pass
        if n.startswith("__") or n.startswith("ANON"):
            continue
        out.append(n.lower())
    return sorted(set(out))


def to_syntax_error(err: UnexpectedInput, text: str) -> IMLSyntaxError:
    lines = text.splitlines() or [""]
    line = getattr(err, "line", 0) or 1
    column = getattr(err, "column", 0) or 1
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        line = len(lines)
        column = len(lines[-1]) + 1 if lines else 1
        message = "Unexpected end of input: the statement is not complete (a ';', END or FINISH is missing)."
        expected = _describe_expected(getattr(err, "expected", []) or [])
    elif isinstance(err, UnexpectedToken):
        tok = err.token
        message = f"Unexpected '{tok}'."
        expected = _describe_expected(err.expected)
        if "';'" in expected and len(expected) <= 3:
            message = f"Unexpected '{tok}': expecting ';'."
    elif isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        message = f"Unexpected character '{ch}'."
        expected = _describe_expected(err.allowed or [])
    else:
        message = "Syntax error."
        expected = []
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    return IMLSyntaxError(message, line, column, source_line, expected)


def _error_offset(err: UnexpectedInput, text: str) -> int:
    if isinstance(err, UnexpectedToken):
        if err.token.type == "$END":
            return len(text)
        return err.token.start_pos or 0
    if isinstance(err, UnexpectedCharacters):
        return err.pos_in_stream
    return len(text)


def _blank_prefix(text: str, end: int) -> str:
    return "".join(c if c == "\n" else " " for c in text[:end]) + text[end:]


def _last_statement_boundary(text: str, error_at: int) -> int:
    """Offset just past the last top-level `;` before error_at (where a program could end)."""
    parser = lark_parser()
    boundary = 0
    ip = parser.parse_interactive(text)
    previous = None
    try:
        # iter_parse yields each token before feeding it, so choices() is the state after `previous`
        for tok in ip.iter_parse():
            # (a deep parser stack is no place to end; choices() costs as much as the stack is deep)
            # (a whole raw statement such as SUBMIT ... ENDSUBMIT; is one token ending in ';')
            if previous is not None and (previous.type == "SEMICOLON" or str(previous).endswith(";")) \
                    and len(ip.parser_state.state_stack) <= 64 \
                    and "$END" in ip.choices():
                boundary = previous.end_pos
            if tok.start_pos is not None and tok.start_pos >= error_at:
                break
            previous = tok
    except UnexpectedInput:
        pass
    return boundary


Chunk = Union[list, IMLSyntaxError]


def parse_chunks(text: str, source: str) -> Iterator[Chunk]:
    """The grammar's parse of comment-stripped text, with SAS-style recovery after errors."""
    yield from _parse_chunks(text, source)


def _parse_chunks(text: str, source: str) -> Iterator[Chunk]:
    pos = 0
    parser = lark_parser()
    while pos < len(text):
        masked = _blank_prefix(text, pos) if pos else text
        if not masked[pos:].strip():
            return
        try:
            yield _transform(parser.parse(masked), masked)
            return
        except UnexpectedInput as err:
            at, error, boundary = _error_offset(err, masked), to_syntax_error(err, source), None
        except _LiteralFailure as lf:
            at, error, boundary = lf.offset, lf.error, lf.boundary
        # run what parsed before the error, report it, and resume after the bad statement
        if boundary is None:
            boundary = _last_statement_boundary(masked, at)
        if boundary > pos:
            yield from _parse_chunks(masked[:boundary], source)
        yield error
        nxt = next_statement_end(masked, max(at, pos))
        if at < len(masked) and masked[at] == ";":
            nxt = at + 1
        pos = max(nxt, pos + 1)


class _LiteralFailure(Exception):
    def __init__(self, error, offset, boundary=None):
        self.error, self.offset, self.boundary = error, offset, boundary


def _transform(tree: Tree, text: str) -> list:
    try:
        return ToAst(text).transform(tree)
    except RecursionError:
        raise _too_deep(tree, text)
    except Exception as exc:   # lark wraps errors raised in callbacks
        inner = getattr(exc, "orig_exc", exc)
        if isinstance(inner, RecursionError):
            raise _too_deep(tree, text)
        if isinstance(inner, LiteralError):
            lines = text.splitlines()
            src = lines[inner.line - 1] if 0 < inner.line <= len(lines) else ""
            offset = sum(len(l) + 1 for l in lines[:inner.line - 1]) + inner.column
            raise _LiteralFailure(IMLSyntaxError(inner.message, inner.line, inner.column, src), offset)
        raise


def _too_deep(tree: Tree, text: str) -> "_LiteralFailure":
    """The syntax error "statement too deeply nested" at the first statement Python cannot transform."""
    bad = tree
    for child in getattr(tree, "children", []):
        try:
            ToAst(text).transform(child) if isinstance(child, Tree) else None
        except RecursionError:
            bad = child
            break
        except Exception as exc:
            if isinstance(getattr(exc, "orig_exc", None), RecursionError):
                bad = child
                break
    meta = getattr(bad, "meta", None)
    line, column = getattr(meta, "line", 1), getattr(meta, "column", 1)
    end = getattr(meta, "end_pos", None)
    lines = text.splitlines()
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    offset = end - 1 if end else len(text)
    start = getattr(meta, "start_pos", None) if bad is not tree else None
    return _LiteralFailure(IMLSyntaxError(f"{TOO_DEEP.capitalize()}.", line, column, src[:200]), offset,
                           start if start is not None else 0)


def is_complete(source: str) -> bool:
    """Would the REPL run this input now? False while a statement or block is still open."""
    text = strip_statement_comments(source)
    if not text.strip():
        return False
    try:
        lark_parser().parse(text)
        return True
    except UnexpectedEOF:
        return False
    except UnexpectedToken as err:
        return err.token.type != "$END"
    except UnexpectedCharacters as err:
        rest = text[err.pos_in_stream:]
        # an unterminated string or comment is still being typed
        return not (rest[:1] in ("'", '"') or rest.startswith("/*"))
