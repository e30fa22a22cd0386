"""The one table of builtin functions and CALL subroutines.

Each entry carries its signature (in SAS's documentation style, `J(nrow <,ncol <,value>>)`), a
one-line meaning, a small example with its expected printed output, and the family it belongs to.
The evaluator calls through it; the REPL's completion, `help NAME`, the kernel's inspect and a
parametrised test over every example all read the same table.

Register with the decorator:

    @builtin("J(nrow <,ncol <,value>>)", "Matrix of nrow rows and ncol columns filled with value.",
             example=("print (j(2, 3, 0));", ...))
    def j(nrow, ncol=None, value=None): ...

Arguments arrive as IML values (float, ndarray, IMLList) or None for a skipped argument.
A CALL subroutine names its output arguments with `outputs=(0, 1)` and returns their values.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from .. import errors as E
from ..matrix.lazykron import call_builtin

class _FilledOnFirstRead(dict):
    """A dict that imports the builtin families the first time anything reads it.

    Start-up: a program that calls no builtin (and `imlpy check`) never pays for importing every
    family module; the first lookup, listing or `help` fills both tables at once."""

    def _fill(self) -> None:
        if _STATE[0] == "filled":
            return
        with _FILL_LOCK:        # Dask worker threads may read at once: the others wait for the table
            if _STATE[0] == "empty" and _FILL:
                _STATE[0] = "filling"            # reads by the loading thread itself see what is there
                try:
                    _FILL[0]()
                finally:
                    _STATE[0] = "filled"

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def items(self):
        self._fill()
        return dict.items(self)


# The function that imports every family (set by imlpy.builtins), and how far it has got.
_FILL: list = []
_STATE: list = ["empty"]
_FILL_LOCK = threading.RLock()

REGISTRY: dict = _FilledOnFirstRead()

# Documented SAS/IML names we do not provide yet, with the documentation's one-line meaning.
NOT_YET: dict = _FilledOnFirstRead()


def fill_on_first_read(loader) -> None:
    """Install the function that imports the builtin families (called once, on first read)."""
    _FILL[:] = [loader]


@dataclass
class Builtin:
    name: str
    fn: Callable
    kind: str                      # 'function' or 'call'
    signature: str
    summary: str
    min_args: int
    max_args: Optional[int]
    outputs: tuple = ()
    needs_session: bool = False
    accepts_unset: bool = False    # e.g. TYPE, ISEMPTY, NROW take unvalued arguments
    keywords: bool = False         # CALL keyword options after the parentheses (graphics)
    example: tuple = ()            # (IML code, expected printed output)
    family: str = ""
    partial: str = ""              # what is not implemented, shown in help
    callable_as_call: bool = False

    def call(self, session, args: list, kwargs: dict) -> Any:
        n = len(args)
        while n and args[n - 1] is None and n > self.min_args:
            n -= 1          # trailing skipped arguments are the same as omitted ones
        args = args[:n]
        if n < self.min_args or (self.max_args is not None and n > self.max_args):
            raise E.IMLRuntimeError(E.WRONG_ARGS, hint=f"{self.signature} — {n} argument{'s' if n != 1 else ''} given")
        if not self.accepts_unset:
            for i, a in enumerate(args):
                if i in self.outputs:
                    continue
                if a is not None and type(a) is np.ndarray and a.size == 0:
                    raise E.not_set()
                if a is None and i < self.min_args:
                    raise E.not_set()
        if any(hasattr(a, "materialize") for a in args):
            answer = call_builtin(self.name, args)
            if answer is not None:
                return answer
            args = [a.materialize() if hasattr(a, "materialize") else a for a in args]
        if kwargs and not self.keywords:
            args, kwargs = self.place_keywords(args, kwargs)
        try:
            if self.needs_session:
                return self.fn(session, *args, **kwargs) if kwargs else self.fn(session, *args)
            return self.fn(*args, **kwargs) if kwargs else self.fn(*args)
        except E.IMLError:
            raise
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError, OverflowError, FloatingPointError) as exc:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=_plain(exc))

    def place_keywords(self, args: list, kwargs: dict):
        """SAS: optional arguments may also be given as keyword=value after the call
        (`call quad(r, "f", d) peak=0.1;`); put each in its position in the signature."""
        names = parameter_names(self.signature)
        args = list(args)
        for key, value in kwargs.items():
            if key not in names:
                raise E.IMLRuntimeError(f"{self.name.upper()} has no argument named {key.upper()}.",
                                        hint=f"its arguments are {self.signature}")
            pos = names.index(key)
            if pos < len(args) and args[pos] is not None:
                raise E.IMLRuntimeError(f"The argument {key.upper()} of {self.name.upper()} is given twice.")
            args.extend([None] * (pos + 1 - len(args)))
            args[pos] = value
        if self.max_args is not None and len(args) > self.max_args:
            raise E.IMLRuntimeError(E.WRONG_ARGS, hint=self.signature)
        return args, {}

    def help_text(self) -> str:
        lines = [f"{self.signature}" + ("   (CALL subroutine)" if self.kind == "call" else ""),
                 f"  {self.summary}"]
        if self.partial:
            lines.append(f"  Partial: {self.partial}")
        if self.example:
            code, expected = self.example
            lines.append("  Example:")
            lines.extend("    " + l for l in code.strip().splitlines())
            if expected.strip():
                lines.append("  prints:")
                lines.extend("    " + l for l in expected.rstrip("\n").splitlines())
        return "\n".join(lines) + "\n"


def _plain(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


_ARG_SPLIT = re.compile(r"[,<>]")
_PARAM = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parameter_names(signature: str) -> list:
    """Argument names of a documentation-style signature, lower-cased, in order."""
    m = re.search(r"\((.*)\)", signature)
    if not m:
        return []
    names = []
    for part in _ARG_SPLIT.split(m.group(1)):
        found = _PARAM.search(part.replace("...", ""))
        if found:
            names.append(found.group(0).lower())
    return names


def arity(signature: str) -> tuple:
    """(required, maximum or None) from a documentation-style signature."""
    m = re.search(r"\((.*)\)", signature)
    if not m:
        return 0, 0
    inner = m.group(1)
    if "..." in inner:
        required = _count_required(inner.split("...")[0])
        return required, None
    return _count_required(inner), _count_all(inner)


def _count_all(inner: str) -> int:
    return len([p for p in _ARG_SPLIT.split(inner) if p.strip()])


def _count_required(inner: str) -> int:
    depth, count, token = 0, 0, ""
    for ch in inner:
        if ch == "<":
            if token.strip() and depth == 0:
                count += 1
            token = ""
            depth += 1
        elif ch == ">":
            depth -= 1
            token = ""
        elif ch == ",":
            if token.strip() and depth == 0:
                count += 1
            token = ""
        else:
            token += ch
    if token.strip() and depth == 0:
        count += 1
    return count


def builtin(signature: str, summary: str, *, kind: str = "function", outputs: tuple = (),
            session: bool = False, unset: bool = False, keywords: bool = False,
            example: tuple = (), names: tuple = (), family: str = "", partial: str = "",
            min_args: Optional[int] = None, max_args: Any = "auto"):
    """Register a builtin under the name in its signature (and any alias in `names`)."""
    name = signature.split("(")[0].strip().lower()
    req, most = arity(signature)
    if min_args is not None:
        req = min_args
    if max_args != "auto":
        most = max_args

    def register(fn: Callable) -> Callable:
        for n in (name,) + tuple(names):
            REGISTRY[n.lower()] = Builtin(n.lower(), fn, kind, signature, summary, req, most, tuple(outputs),
                                          session, unset, keywords, tuple(example), family or fn.__module__.rsplit(".", 1)[-1],
                                          partial)
        return fn
    return register


def names_for_completion() -> list:
    return sorted(REGISTRY)


def lookup_help(name: str) -> Optional[str]:
    b = REGISTRY.get(name.lower())
    if b is not None:
        return b.help_text()
    if name.lower() in NOT_YET:
        return f"{name.upper()}: not implemented yet in imlpy. ({NOT_YET[name.lower()]})\n"
    return None


def _evaluator_handled(*args):
    raise E.IMLRuntimeError("This function can only be used inside a module.")


# ISSKIPPED and PARENTNAME are answered by the evaluator (they look at the running module call);
# these entries give them help text and completion.
REGISTRY["isskipped"] = Builtin("isskipped", _evaluator_handled, "function", "ISSKIPPED(arg)",
                                "Inside a module: 1 if the optional argument arg was skipped by the caller, else 0.",
                                1, 1, family="modules")
REGISTRY["parentname"] = Builtin("parentname", _evaluator_handled, "function", 'PARENTNAME("arg")',
                                 "Inside a module: the name of the caller's matrix passed as argument arg (blank for an expression).",
                                 1, 1, family="modules")
