"""The IML syntax tree: one small dataclass per kind of expression and statement.

Every node keeps the line and column where it starts, so run-time errors can say where they
happened. The parser builds these from Lark's tree; the evaluator compiles them to closures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(eq=False)
class Node:
    line: int
    column: int


# ---------------------------------------------------------------- expressions
@dataclass(eq=False)
class Const(Node):
    """A literal whose value is known at parse time: number, missing, string or {...} matrix."""
    value: Any
    text: str = ""


@dataclass(eq=False)
class Var(Node):
    name: str           # lower-cased
    spelling: str = ""  # as written, for messages and PRINT headers


@dataclass(eq=False)
class Call(Node):
    name: str
    args: list          # expressions, or None for a skipped argument
    spelling: str = ""


@dataclass(eq=False)
class BinOp(Node):
    op: str
    left: Node
    right: Node


@dataclass(eq=False)
class Prefix(Node):
    op: str             # '-' or '^'
    operand: Node


@dataclass(eq=False)
class Transpose(Node):
    operand: Node


@dataclass(eq=False)
class ReductionOp(Node):
    op: str


@dataclass(eq=False)
class Subscript(Node):
    operand: Node
    items: list         # one or two entries: expression, ReductionOp, or None (all)


@dataclass(eq=False)
class ListItem(Node):
    operand: Node
    key: Node


@dataclass(eq=False)
class ListLiteral(Node):
    entries: list       # (name or None, expression or None)


@dataclass(eq=False)
class MacroRef(Node):
    """`&name`, `%name(...)` or a {...} literal holding them: SAS macro-language text that the
    macro processor would have replaced before IML ran. Parsed, but an error when evaluated."""
    text: str


# ---------------------------------------------------------------- statements
@dataclass(eq=False)
class Assign(Node):
    name: str
    spelling: str
    subscript: Optional[list]
    value: Node


@dataclass(eq=False)
class ItemAssign(Node):
    name: str
    keys: list
    value: Node


@dataclass(eq=False)
class PrintItem:
    kind: str                  # 'name', 'expr', 'text', 'newline', 'page'
    value: Any = None          # Var node, expression, or text
    options: dict = field(default_factory=dict)   # option name -> expression or format text
    label: str = ""


@dataclass(eq=False)
class Print(Node):
    items: list


@dataclass(eq=False)
class If(Node):
    cond: Node
    then: Node
    orelse: Optional[Node]


@dataclass(eq=False)
class Do(Node):
    var: Optional[str]
    start: Optional[Node]
    stop: Optional[Node]
    step: Optional[Node]
    while_: Optional[Node]
    until: Optional[Node]
    body: list
    spelling: str = ""


@dataclass(eq=False)
class Param:
    name: str
    optional: bool = False
    default: Optional[Node] = None


@dataclass(eq=False)
class ModuleDef(Node):
    name: str
    params: Optional[list]     # None: no parentheses (shares the global scope)
    globals: list
    body: list
    source: str = ""


@dataclass(eq=False)
class Return(Node):
    value: Optional[Node]


@dataclass(eq=False)
class CallStmt(Node):
    name: str
    args: list
    kwargs: list               # (name, expression)
    via_run: bool = False
    spelling: str = ""


@dataclass(eq=False)
class Free(Node):
    names: list
    except_names: Optional[list]


@dataclass(eq=False)
class Show(Node):
    names: list


@dataclass(eq=False)
class Reset(Node):
    options: list              # (name, value text or None)


@dataclass(eq=False)
class Mattrib(Node):
    targets: list              # (name, {option: expression or format text})


@dataclass(eq=False)
class Stop(Node):
    message: Optional[Node]
    abort: bool = False


@dataclass(eq=False)
class Quit(Node):
    pass


@dataclass(eq=False)
class Storage(Node):
    action: str                # 'store', 'load', 'remove'
    modules: Optional[list]
    names: list


@dataclass(eq=False)
class DataStmt(Node):
    """USE/EDIT/READ/CREATE/APPEND/CLOSE/SETIN/SETOUT/LIBNAME and friends (data-set layer)."""
    action: str
    dataset: Any = None
    clauses: dict = field(default_factory=dict)
    text: str = ""


@dataclass(eq=False)
class Raw(Node):
    """A SAS statement carried inside IML: TITLE, ODS, OPTIONS, %LET, SUBMIT, PROC ..."""
    keyword: str
    text: str


@dataclass(eq=False)
class Label(Node):
    name: str


@dataclass(eq=False)
class Goto(Node):
    label: str
    is_link: bool = False


@dataclass(eq=False)
class Empty(Node):
    pass


@dataclass(eq=False)
class Program:
    statements: list
    source: str = ""


STATEMENT_NAMES = {
    Assign: "ASSIGN", ItemAssign: "ASSIGN", Print: "PRINT", If: "IF", Do: "DO",
    ModuleDef: "START", Return: "RETURN", CallStmt: "CALL", Free: "FREE", Show: "SHOW",
    Reset: "RESET", Mattrib: "MATTRIB", Stop: "STOP", Quit: "QUIT", Storage: "STORE",
    DataStmt: "DATA", Raw: "STATEMENT", Label: "LABEL", Goto: "GOTO", Empty: "NULL",
}
