"""User modules (START ... FINISH) as compiled values, the frame of a running call, and the names
SAS gives operands in error messages."""
from __future__ import annotations

from typing import Callable, Optional

from ..language import ast as A


def operand_name(node: A.Node, position: int) -> str:
    """What SAS calls an operand in an error: its name, or a temporary's generated name."""
    if isinstance(node, A.Var):
        return node.spelling or node.name
    if isinstance(node, A.Const):
        return f"*LIT{1000 + position}"     # SAS names literal operands *LITnnnn
    return f"#TEM{1000 + position}"         # and temporary results #TEMnnnn


class Module:
    """A user module (START ... FINISH), compiled once when its START statement runs."""

    def __init__(self, node: A.ModuleDef, body: Callable, returns_last: Optional[Callable],
                 is_function: bool):
        self.node = node
        self.name = node.name
        self.params = node.params
        self.run_body = body
        self.returns_last = returns_last
        self.is_function = is_function
        # Calls that give every parameter positionally take a fast path (see calls._call_simple).
        params = node.params
        self.param_names = [p.name for p in params] if params else []
        self.simple_arity = len(params) if params else (-1 if params is None else 0)
        if "parentname" in (node.source or "").lower() or not node.source:
            self.simple_arity = -2     # PARENTNAME needs the full call frame
        self.simple_frame = Frame(self, set(), {})


class Frame:
    """What ISSKIPPED and PARENTNAME need to know about the running module call."""
    __slots__ = ("module", "skipped", "parent_names")

    def __init__(self, module, skipped, parent_names):
        self.module, self.skipped, self.parent_names = module, skipped, parent_names
