"""Errors raised while parsing or running IML, and the one formatter that renders them SAS-style.

An error carries what SAS's log shows: the message, the operation and where it is, the operands
with their shapes, and the statement being run. The evaluator fills in the position and operands
as the exception passes outwards, so the code that detects a problem only states the problem.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

# SAS's own wording for the common run-time errors.
NOT_SET = "Matrix has not been set to a value."
NOT_CONFORM = "Matrices do not conform to the operation."
BAD_SUBSCRIPT = "Invalid subscript or subscript out of range."
BAD_ARGUMENT = "Invalid argument to function."
NEED_NUMERIC = "Character argument should be numeric."
NEED_CHARACTER = "Numeric argument should be character."
SINGULAR = "Matrix should be non-singular."
NOT_SQUARE = "Matrix should be square."
NOT_SYMMETRIC = "Matrix should be symmetric."
NOT_POSDEF = "Matrix should be positive definite."
WRONG_ARGS = "Wrong number of arguments."
TYPE_MISMATCH = "Type mismatch: the operands must be both numeric or both character."


@dataclass
class Operand:
    """One operand shown under `operands :` — its name (or a temporary's) and its value."""
    name: str
    value: Any


class IMLError(Exception):
    """Base of everything the interpreter reports to the user (never a Python traceback)."""


class IMLSyntaxError(IMLError):
    def __init__(self, message: str, line: int, column: int, source_line: str = "",
                 expected: Optional[list] = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line
        self.expected = expected or []

    def render(self) -> str:
        text = f"ERROR: (syntax) {self.message}\n\n line {self.line}, column {self.column}:\n"
        if self.source_line:
            text += "  " + self.source_line.rstrip("\n").expandtabs(1) + "\n"
            text += "  " + " " * (self.column - 1) + "^\n"
        if 0 < len(self.expected) <= 6:     # a long list of tokens helps nobody
            text += f" expecting one of: {', '.join(self.expected)}\n"
        return text


class IMLRuntimeError(IMLError):
    """A run-time error: the statement is abandoned, execution goes on with the next one."""

    def __init__(self, message: str, hint: str = "", operation: str = "",
                 operands: Optional[list] = None, kind: str = "execution"):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.kind = kind
        self.operation = operation
        self.operands: list = operands or []
        self.op_line = 0
        self.op_column = 0
        self.statement = ""
        self.stmt_line = 0
        self.stmt_column = 0
        self.traceback: list = []     # module names, innermost first

    def at_operation(self, operation: str, node: Any, operands: Optional[list] = None):
        """Record the operation and position the first time the error passes an operation."""
        if node is None:
            if not self.operation:
                self.operation = operation
            return self
        if not self.op_line:
            if not self.operation:
                self.operation = operation
            self.op_line = node.line
            self.op_column = node.column
            if operands and not self.operands:
                self.operands = operands
        return self

    def at_statement(self, statement: str, node: Any):
        if not self.stmt_line:
            self.statement = statement
            self.stmt_line = node.line
            self.stmt_column = node.column
        return self

    def render(self, describe_operand: Optional[Callable[[str, Any], list]] = None) -> str:
        """The SAS-style log text. `describe_operand(name, value)` gives the lines that show an
        operand (its shape and values); the session passes the output layer's, since this
        ground-floor module knows nothing of values."""
        describe_operand = describe_operand or _describe_briefly
        lines = [f"ERROR: ({self.kind}) {self.message}"]
        if self.hint:
            lines.append(f"       {self.hint}")
        lines.append("")
        if self.operation:
            where = f" at line {self.op_line} column {self.op_column}" if self.op_line else ""
            lines.append(f" operation : {self.operation}{where}")
        if self.operands:
            lines.append(" operands  : " + ", ".join(op.name for op in self.operands))
            for op in self.operands:
                lines.append("")
                lines.extend(describe_operand(op.name, op.value))
        if self.operation or self.operands:
            lines.append("")
        if self.statement:
            lines.append(f" statement : {self.statement} at line {self.stmt_line} column {self.stmt_column}")
        shown = self.traceback
        if len(shown) > 6:       # deep recursion: the innermost calls and the outermost ones
            shown = shown[:3] + [f"... {len(shown) - 5} more calls"] + shown[-2:]
        for name in shown:
            lines.append(f" traceback : module {name.upper()}" if not name.startswith("...")
                         else f" traceback : {name}")
        return "\n".join(lines).rstrip("\n") + "\n"


def _describe_briefly(name: str, value: Any) -> list:
    shape = getattr(value, "shape", None)
    return [f" {name}" + (f" : {shape[0]} x {shape[1]}" if shape and len(shape) == 2 else "")]


class ControlSignal(Exception):
    """Non-error transfers of control (RETURN, STOP, ABORT, GOTO); never shown to users."""


class ReturnSignal(ControlSignal):
    def __init__(self, value: Any = None):
        self.value = value


class StopSignal(ControlSignal):
    def __init__(self, message: str = ""):
        self.message = message


class AbortSignal(ControlSignal):
    def __init__(self, message: str = ""):
        self.message = message


class QuitSignal(ControlSignal):
    pass


class GotoSignal(ControlSignal):
    def __init__(self, label: str, node: Any, is_link: bool = False):
        self.label = label
        self.node = node
        self.is_link = is_link


def not_set(name: str = "") -> IMLRuntimeError:
    hint = f"{name} has no value yet: assign it first." if name and not name.startswith("#") else ""
    return IMLRuntimeError(NOT_SET, hint=hint)


@dataclass
class Diagnostics:
    """Counts what a run reported, for the exit status (0 clean, 1 warnings, 2 errors)."""
    errors: int = 0
    warnings: int = 0
    notes: list = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        if self.errors:
            return 2
        return 1 if self.warnings else 0
