"""Builtin functions and subroutines, one module per family.

Importing this package imports every module in it, and each module registers its builtins in
the one table of imlpy.builtins.registry — so adding a family is adding a file.

May import: imlpy.sas (macro variables), imlpy.data, imlpy.output, imlpy.language, imlpy.safety,
imlpy.matrix, imlpy.errors. A builtin that needs the running session declares it and gets it as an
argument; it never imports the runtime.
"""
import importlib
import pkgutil

from . import registry
from .registry import REGISTRY, lookup_help, names_for_completion  # noqa: F401


def _import_families() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name not in ("registry", "common") and not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    # A documented name that some family now provides is no longer "not implemented yet".
    for name in list(dict.keys(registry.NOT_YET)):
        if dict.__contains__(REGISTRY, name):
            dict.__delitem__(registry.NOT_YET, name)


registry.fill_on_first_read(_import_families)
