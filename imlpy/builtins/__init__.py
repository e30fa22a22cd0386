"""Builtin functions and subroutines, one module per family; importing this fills the registry."""
from . import registry  # noqa: F401
from . import chars, construct, inquiry, linalg, mathfn, reduce, sets  # noqa: F401
from .registry import REGISTRY, lookup_help, names_for_completion  # noqa: F401
