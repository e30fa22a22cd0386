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

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name not in ("registry", "common") and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

# A documented name that some family now provides is no longer "not implemented yet".
for _name in list(registry.NOT_YET):
    if _name in REGISTRY:
        del registry.NOT_YET[_name]
