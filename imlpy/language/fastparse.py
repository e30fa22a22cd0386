"""A fast hand-written parser for the common core of IML, producing exactly the AST of parser.py.

Why: Lark's LALR parser builds and then transforms a parse tree in pure Python, about 2,000
lines a second; generated and real programs are mostly assignments, PRINT, IF, DO, CALL and
modules, which a recursive-descent parser with one regular expression for the tokens handles
about twenty times faster. Anything outside that core (data-set statements, SUBMIT, macro text,
syntax errors, ...) raises `Bail`, and parser.py parses the whole program with Lark instead, so
the grammar in grammar/iml.lark stays the one definition of the language and the one source of
error messages. tests/test_parser.py checks that both parsers give identical trees.
"""
from __future__ import annotations

import re

from . import ast as A
from .grammar import grammar_text
from .literals import literal_item, missing_value, unquote  # shared literal rules
from ..matrix.values import EMPTY, char_matrix, char_scalar

__all__ = ["Bail", "fast_parse"]


class Bail(Exception):
    """Not in the fast parser's subset (or not valid): let the Lark parser decide."""


_TOKEN = re.compile(r"""
    (?P<ws>[ \t\r\n\f]+|/\*(?:.|\n)*?\*/)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<miss>\.(?![0-9])[A-Za-z_]?(?![A-Za-z0-9_]))
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"(?:[^"]|"")*"|'(?:[^']|'')*')
  | (?P<op><:>|>:<|<=|>=|\^=|~=|¬=|\|\||//|!!|\#\#|\*\*|<>|><|&&|[-+*/\#@<>=&|!^~¬:;,()\[\]{}`$])
""", re.X)

_FORMAT = re.compile(r"\$?(?:[a-z_]+[0-9]*|[0-9]+)\.[0-9]*(?![a-z_(])", re.I)
_KEYWORD_GUARD = re.compile(r"\s*[=\[$]")
_RAW_GUARD = re.compile(r"\s*[=\[$:]")

# statement keywords that the grammar guards with (?!\s*[=\[$]) (see grammar/iml.lark)
_STMT_KEYWORDS = frozenset(
    "print if do end start finish return call run free show reset mattrib stop abort quit goto link "
    "pause resume store load remove use edit read create append close setin setout libname delete "
    "purge summary sort index replace find list".split())
# statement openers handled only by the Lark grammar (raw SAS text, files, SUBMIT, DATALINES ...)
_LARK_ONLY = frozenset(
    "title footnote ods options goptions package proc data filename endsubmit length format informat "
    "set dm submit datalines cards lines file infile input put closefile display window".split())
_TITLE = re.compile(r"(?:title|footnote)[0-9]*$", re.I)
_WORD = re.compile(r"%?[A-Za-z_][A-Za-z0-9_]*")
_RAW = []


def _raw_pattern():
    """The grammar's own RAW_STMT regular expression (one definition of what is raw SAS text)."""
    if not _RAW:
        line = next(l for l in grammar_text().splitlines() if l.startswith("RAW_STMT"))
        body = line.split(":", 1)[1].strip()
        _RAW.append(re.compile(body[1:body.rindex("/")], re.I))
    return _RAW[0]

_OR, _AND, _CMP, _CAT, _ADD, _MUL = ({"|", "!"}, {"&", "&&"}, {"<=", ">=", "^=", "~=", "¬=", "<", ">", "="},
                                     {"||", "//", "!!", ":"}, {"+", "-"}, {"*", "#", "<>", "><", "/", "@"})
_LEVELS = (_OR, _AND, _CMP, _CAT, _ADD, _MUL)
_PREFIX = {"-", "^", "~", "¬"}
_POW = {"##", "**"}
_REDOPS = {"<:>", ">:<", "##", "<>", "><", "+", "#", ":"}


def _tokenize(text: str) -> tuple:
    """Parallel lists: kinds, texts, start offsets (comments and blanks dropped)."""
    kinds, texts, starts = [], [], []
    pos, n = 0, len(text)
    match = _TOKEN.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            raise Bail("character")
        kind = m.lastgroup
        if kind != "ws":
            kinds.append(kind)
            texts.append(m.group(kind))
            starts.append(pos)
        pos = m.end()
    kinds.append("eof")
    texts.append("")
    starts.append(n)
    return kinds, texts, starts


class _Parser:
    def __init__(self, text: str):
        self.literal_item, self.missing_value, self.unquote = literal_item, missing_value, unquote
        self.text = text
        self.kinds, self.texts, self.starts = _tokenize(text)
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    # ------------------------------------------------------------ positions and tokens
    def pos(self, k: int) -> tuple:
        """(line, column), 1-based, of token k."""
        off = self.starts[k]
        ls = self.line_starts
        lo, hi = 0, len(ls) - 1
        while lo < hi:
            mid = (lo + hi + 1) >> 1
            if ls[mid] <= off:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, off - ls[lo] + 1

    def expect(self, text: str) -> int:
        k = self.i
        if self.texts[k] != text or self.kinds[k] != "op":
            raise Bail(text)
        self.i = k + 1
        return k

    def is_op(self, text: str) -> bool:
        return self.kinds[self.i] == "op" and self.texts[self.i] == text

    def name(self) -> int:
        k = self.i
        if self.kinds[k] != "name":
            raise Bail("name")
        self.i = k + 1
        return k

    def word(self, k: int) -> str:
        return self.texts[k].lower() if self.kinds[k] == "name" else ""

    def keyword_at(self, k: int) -> str:
        """The statement keyword token k is, or '' (names followed by = [ $ are not keywords)."""
        w = self.word(k)
        if w in _STMT_KEYWORDS:
            end = self.starts[k] + len(self.texts[k])
            if not _KEYWORD_GUARD.match(self.text, end):
                return w
        return ""

    # ------------------------------------------------------------ statements
    def program(self) -> list:
        out = []
        while self.kinds[self.i] != "eof":
            out.append(self.statement())
        return out

    def statement(self):
        k = self.i
        kind, text = self.kinds[k], self.texts[k]
        if kind == "op":
            if text == ";":
                self.i += 1
                return A.Empty(*self.pos(k))
            raise Bail("statement")
        if kind != "name":
            raise Bail("statement")
        low = text.lower()
        if (low in _LARK_ONLY or _TITLE.match(low)) and \
                not _RAW_GUARD.match(self.text, self.starts[k] + len(text)):
            return self.raw(k)
        kw = self.keyword_at(k)
        if kw:
            handler = getattr(self, "st_" + kw, None)
            if handler is None:
                raise Bail(kw)
            self.i += 1
            return handler(k)
        return self.assignment(k)

    def raw(self, k: int):
        """A SAS statement matched whole by the grammar's RAW_STMT (PROC, TITLE, ODS, ...)."""
        m = _raw_pattern().match(self.text, self.starts[k])
        if m is None:
            raise Bail("raw")
        end = m.end()
        while self.starts[self.i] < end:
            self.i += 1
        last = self.i - 1
        if self.starts[last] + len(self.texts[last]) != end:
            raise Bail("raw boundary")
        text = m.group(0)
        return A.Raw(*self.pos(k), _WORD.match(text).group(0).lower(), text)

    def st_quit(self, k: int):
        self.end()
        return A.Quit(*self.pos(k))

    def st_stop(self, k: int, abort: bool = False):
        value = None if self.is_op(";") else self.expr()
        self.end()
        return A.Stop(*self.pos(k), value, abort=abort) if abort else A.Stop(*self.pos(k), value)

    def st_abort(self, k: int):
        return self.st_stop(k, abort=True)

    def end(self) -> int:
        return self.expect(";")

    def assignment(self, k: int):
        self.i = k + 1
        nxt = self.texts[self.i] if self.kinds[self.i] == "op" else ""
        line, col = self.pos(k)
        name = self.texts[k]
        if nxt == "$":
            keys = []
            while self.is_op("$"):
                self.i += 1
                keys.append(self.list_key())
            self.expect("=")
            value = self.expr()
            self.end()
            return A.ItemAssign(line, col, name.lower(), keys, value)
        if nxt == ":":
            raise Bail("label")
        sub = self.subscript() if nxt == "[" else None
        self.expect("=")
        value = self.expr()
        self.end()
        return A.Assign(line, col, name.lower(), name, sub, value)

    def st_print(self, k: int):
        items = []
        while True:
            j = self.i
            kind, text = self.kinds[j], self.texts[j]
            if kind == "name":
                self.i += 1
                var = A.Var(*self.pos(j), text.lower(), text)
                items.append(A.PrintItem("name", var, self.print_opts() if self.is_op("[") else {}))
            elif kind == "str":
                self.i += 1
                items.append(A.PrintItem("text", self.unquote(text)))
            elif kind == "op" and text == "(":
                self.i += 1
                e = self.expr()
                self.expect(")")
                items.append(A.PrintItem("expr", e, self.print_opts() if self.is_op("[") else {}))
            elif kind == "op" and text == ",":
                self.i += 1
                items.append(A.PrintItem("newline"))
            elif kind == "op" and text == "/":
                self.i += 1
                items.append(A.PrintItem("page"))
            elif kind == "op" and text == ";":
                self.i += 1
                return A.Print(*self.pos(k), items)
            else:
                raise Bail("print")

    def print_opts(self) -> dict:
        self.expect("[")
        opts = {}
        while not self.is_op("]"):
            n = self.name()
            self.expect("=")
            start = self.starts[self.i]
            m = _FORMAT.match(self.text, start)
            if m:       # FORMAT_SPEC comes first in the grammar; it must end on a token boundary
                end = m.end()
                while self.starts[self.i] < end:
                    self.i += 1
                last = self.i - 1
                if self.starts[last] + len(self.texts[last]) != end:
                    raise Bail("format")
                value = ("format", m.group(0))
            else:
                value = self.expr()
            opts[self.texts[n].lower()] = value
            if self.is_op(","):
                self.i += 1
        self.i += 1
        return opts

    def st_if(self, k: int):
        cond = self.expr()
        if self.word(self.i) != "then":
            raise Bail("then")
        self.i += 1
        then = self.statement()
        orelse = None
        if self.word(self.i) == "else":
            self.i += 1
            orelse = self.statement()
        return A.If(*self.pos(k), cond, then, orelse)

    def st_do(self, k: int):
        var = start = stop = step = while_ = until = None
        spelling = ""
        w = self.word(self.i)
        if self.kinds[self.i] == "name" and w not in ("while", "until"):
            n = self.name()
            spelling = self.texts[n]
            var = spelling.lower()
            self.expect("=")
            start = self.expr()
            if self.word(self.i) != "to":
                raise Bail("to")
            self.i += 1
            stop = self.expr()
            if self.word(self.i) == "by":
                self.i += 1
                step = self.expr()
        if self.word(self.i) == "while":
            self.i += 1
            self.expect("(")
            while_ = self.expr()
            self.expect(")")
        if self.word(self.i) == "until":
            self.i += 1
            self.expect("(")
            until = self.expr()
            self.expect(")")
        self.end()
        body = self.block("end")
        self.end()
        return A.Do(*self.pos(k), var, start, stop, step, while_, until, body, spelling)

    def block(self, closer: str) -> list:
        body = []
        while True:
            if self.kinds[self.i] == "eof":
                raise Bail("eof")
            if self.keyword_at(self.i) == closer:
                self.i += 1
                return body
            body.append(self.statement())

    def st_start(self, k: int):
        name = params = None
        globs = []
        if self.kinds[self.i] == "name" and self.word(self.i) != "global":
            name = self.texts[self.name()].lower()
        if self.is_op("("):
            self.i += 1
            params = []
            if not self.is_op(")"):
                while True:
                    p = self.texts[self.name()].lower()
                    if self.is_op("="):
                        self.i += 1
                        default = None if (self.is_op(",") or self.is_op(")")) else self.expr()
                        params.append(A.Param(p, True, default))
                    else:
                        params.append(A.Param(p))
                    if not self.is_op(","):
                        break
                    self.i += 1
            self.expect(")")
        if self.word(self.i) == "global":
            self.i += 1
            self.expect("(")
            globs.append(self.texts[self.name()].lower())
            while self.is_op(","):
                self.i += 1
                globs.append(self.texts[self.name()].lower())
            self.expect(")")
        self.end()
        body = self.block("finish")
        if self.kinds[self.i] == "name":
            self.i += 1
        last = self.end()
        source = self.text[self.starts[k]:self.starts[last] + 1]
        return A.ModuleDef(*self.pos(k), name or "main", params, globs, body, source)

    def st_return(self, k: int):
        value = None if self.is_op(";") else self.expr()
        self.end()
        return A.Return(*self.pos(k), value)

    def st_call(self, k: int, via_run: bool = False):
        n = self.name()
        args = self.call_args() if self.is_op("(") else []
        kwargs = []
        while self.kinds[self.i] == "name":
            kn = self.name()
            self.expect("=")
            kwargs.append((self.texts[kn].lower(), self.expr()))
        self.end()
        spelling = self.texts[n]
        return A.CallStmt(*self.pos(k), spelling.lower(), args, kwargs, via_run, spelling)

    def st_run(self, k: int):
        if self.is_op(";"):
            self.i += 1
            return A.CallStmt(*self.pos(k), "main", [], [], True, "MAIN")
        return self.st_call(k, via_run=True)

    def st_free(self, k: int):
        names, excepts = [], None
        while not self.is_op(";"):
            if self.is_op("/"):
                self.i += 1
                lst = []
                while self.kinds[self.i] == "name":
                    lst.append(self.texts[self.name()].lower())
                excepts = lst if excepts is None else excepts
            else:
                names.append(self.texts[self.name()].lower())
        self.i += 1
        return A.Free(*self.pos(k), names, excepts)

    # ------------------------------------------------------------ expressions
    def expr(self, level: int = 0):
        if level == 6:
            return self.unary()
        left = self.expr(level + 1)
        ops = _LEVELS[level]
        while self.kinds[self.i] == "op" and self.texts[self.i] in ops:
            k = self.i
            self.i += 1
            right = self.expr(level + 1)
            text = self.texts[k]
            left = A.BinOp(*self.pos(k), "&" if text == "&&" else text, left, right)
        return left

    def unary(self):
        k = self.i
        if self.kinds[k] == "op" and self.texts[k] in _PREFIX:
            self.i += 1
            operand = self.unary()
            return A.Prefix(*self.pos(k), "-" if self.texts[k] == "-" else "^", operand)
        left = self.postfix()
        if self.kinds[self.i] == "op" and self.texts[self.i] in _POW:
            j = self.i
            self.i += 1
            right = self.unary()
            return A.BinOp(*self.pos(j), self.texts[j], left, right)
        return left

    def postfix(self):
        k = self.i
        node = self.atom()
        while self.kinds[self.i] == "op":
            t = self.texts[self.i]
            if t == "`":
                self.i += 1
                node = A.Transpose(*self.pos(k), node)
            elif t == "[":
                node = A.Subscript(*self.pos(k), node, self.subscript())
            elif t == "$":
                self.i += 1
                node = A.ListItem(*self.pos(k), node, self.list_key())
            else:
                break
        return node

    def atom(self):
        k = self.i
        kind, text = self.kinds[k], self.texts[k]
        self.i = k + 1
        if kind == "num":
            return A.Const(*self.pos(k), float(text), text)
        if kind == "name":
            if self.is_op("("):
                return A.Call(*self.pos(k), text.lower(), self.call_args(), text)
            return A.Var(*self.pos(k), text.lower(), text)
        if kind == "str":
            return A.Const(*self.pos(k), char_scalar(self.unquote(text)), text)
        if kind == "miss":
            return A.Const(*self.pos(k), self.missing_value(text), text)
        if kind == "op":
            if text == "(":
                e = self.expr()
                self.expect(")")
                return e
            if text == "{":
                return self.matrix_literal(k)
            if text == "[":
                return self.list_literal(k)
        raise Bail("operand")

    def call_args(self) -> list:
        self.expect("(")
        args = []
        while True:
            if self.is_op(",") or self.is_op(")"):
                args.append(None)
            else:
                args.append(self.expr())
            if self.is_op(","):
                self.i += 1
                continue
            self.expect(")")
            return [] if args == [None] else args

    def subscript(self) -> list:
        self.expect("[")
        items = [self.sub_item()]
        if self.is_op(","):
            self.i += 1
            items.append(self.sub_item())
        self.expect("]")
        return items

    def sub_item(self):
        k = self.i
        if self.kinds[k] == "op":
            t = self.texts[k]
            if t in (",", "]"):
                return None
            if t in _REDOPS:
                nxt = self.texts[k + 1]
                if self.kinds[k + 1] == "op" and nxt in (",", "]"):
                    self.i += 1
                    return A.ReductionOp(*self.pos(k), t)
                raise Bail("reduction")
        return self.expr()

    def list_key(self):
        k = self.i
        kind, text = self.kinds[k], self.texts[k]
        self.i = k + 1
        if kind == "num":
            return A.Const(*self.pos(k), float(text), text)
        if kind == "str":
            return A.Const(*self.pos(k), char_scalar(self.unquote(text)), text)
        if kind == "name":
            return A.Var(*self.pos(k), text.lower(), text)
        if kind == "op" and text == "(":
            e = self.expr()
            self.expect(")")
            return e
        raise Bail("list key")

    def list_literal(self, k: int):
        entries = []
        while True:
            if self.is_op(",") or self.is_op("]"):
                entries.append((None, None))
            elif self.is_op("#"):
                self.i += 1
                j = self.i
                if self.kinds[j] == "str":
                    key = self.unquote(self.texts[j])
                elif self.kinds[j] == "name":
                    key = self.texts[j]
                else:
                    raise Bail("list name")
                self.i += 1
                self.expect("=")
                entries.append((key, self.expr()))
            else:
                entries.append((None, self.expr()))
            if self.is_op(","):
                self.i += 1
                continue
            self.expect("]")
            if entries == [(None, None)]:
                entries = []
            return A.ListLiteral(*self.pos(k), entries)

    def matrix_literal(self, k: int):
        rows, row = [], []
        starts, texts, kinds = self.starts, self.texts, self.kinds
        while True:
            j = self.i
            kind, text = kinds[j], texts[j]
            if kind == "op" and text in ("}", ","):
                self.i += 1
                if not row and (text == "," or rows):
                    raise Bail("empty row")
                if row:
                    rows.append(row)
                    row = []
                if text == "}":
                    break
                continue
            count = 1
            if kind == "op" and text == "[":           # [n] repeat factor
                if kinds[j + 1] != "num" or not texts[j + 1].isdigit() or texts[j + 2] != "]":
                    raise Bail("repeat")
                count = int(texts[j + 1])
                j += 3
                kind, text = kinds[j], texts[j]
            if kind == "op" and text in ("+", "-") and kinds[j + 1] == "num" and \
                    starts[j + 1] == starts[j] + 1:
                text = text + texts[j + 1]
                j += 1
            elif kind not in ("num", "str", "miss", "name"):
                raise Bail("literal item")
            self.i = j + 1
            row.extend([self.literal_item(text)] * count)
        line, col = self.pos(k)
        if not rows:
            return A.Const(line, col, EMPTY, "{}")
        ncols = len(rows[0])
        kinds_seen = set()
        for r in rows:
            if len(r) != ncols:
                raise Bail("ragged")
            kinds_seen.update(c for c, _ in r)
        if len(kinds_seen) > 1:
            raise Bail("mixed")
        values = [[v for _, v in r] for r in rows]
        if kinds_seen == {True}:
            width = max(max((len(v) for v in row), default=1) for row in values)
            return A.Const(line, col, char_matrix(values, max(width, 1)), "{...}")
        import numpy as np
        value = np.array(values, dtype=float)
        if value.size == 1:
            value = float(value[0, 0])
        return A.Const(line, col, value, "{...}")


def fast_parse(text: str) -> list:
    """Statements of a (comment-stripped) program, or Bail if it needs the full grammar."""
    return _Parser(text).program()
