"""STORE, LOAD and REMOVE of modules and matrices, RESET STORAGE= and SHOW STORAGE.

SAS rules: `store module=(a b) x y;` saves modules a, b and matrices x, y in the current storage
catalog (WORK.IMLSTOR unless `reset storage=lib.cat;`); `module=_all_` means every module;
`store;` / `load;` / `remove;` with no names mean every matrix. LOAD brings them back into the
workspace; REMOVE deletes them from the catalog.

imlpy keeps a catalog as a folder, so that a module stored by one run can be loaded by the next:
  * catalog WORK.cat or an unassigned lib.cat: `<root>/cat` (`<root>/lib.cat`), where root is
    `imlpy run --storage DIR`, else $IMLPY_STORAGE, else the user's data folder
    (`$XDG_DATA_HOME` or `~/.local/share`)`/imlpy/storage`;
  * lib.cat with a LIBNAME library: the folder `cat.imlcat` inside the library's folder.
A module is kept as its source text (`name.module.iml`, parsed again by LOAD), a numeric matrix as
`name.npy` (NaN payloads keep .A-.Z), a character matrix as `name.char.json`. Writes are atomic.
"""
from __future__ import annotations

import json
import os

import numpy as np

from ..language import ast as A
from .. import errors as E
from ..language.frontend import parse
from ..safety import sandbox
from .tablefiles import atomic_write
from ..matrix.values import IMLList, char_matrix, is_char, wrap

MODULE_EXT, NUM_EXT, CHAR_EXT = ".module.iml", ".npy", ".char.json"


def install(session) -> None:
    session.extensions["storage"] = handle


def storage_root(session) -> str:
    root = session.extensions.get("storage_dir") or os.environ.get("IMLPY_STORAGE")
    if not root:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
        root = os.path.join(base, "imlpy", "storage")
    return root


def catalog_name(session) -> tuple:
    text = str(session.options.get("storage") or "WORK.IMLSTOR")
    lib, _, cat = text.rpartition(".")
    return (lib or "WORK").upper(), (cat or "IMLSTOR").upper()


def catalog_dir(session, create: bool = False) -> str:
    lib, cat = catalog_name(session)
    folder = None
    st = session.extensions.get("data_state")
    if lib != "WORK" and st is not None and lib in st.libs and not st.libs[lib].readonly:
        folder = os.path.join(st.libs[lib].path, f"{cat.lower()}.imlcat")
    if folder is None:
        folder = os.path.join(storage_root(session), cat.lower() if lib == "WORK" else f"{lib.lower()}.{cat.lower()}")
    sandbox.check(session, f"The storage catalog {lib}.{cat} in", folder, write=create)
    if create:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise E.IMLRuntimeError(f"Unable to create the storage catalog {lib}.{cat}.",
                                    hint=f"{folder}: {exc.strerror or exc}")
    return folder


def _entries(folder: str) -> tuple:
    """(module names, matrix names) in a catalog folder, lower case, sorted."""
    try:
        files = os.listdir(folder)
    except OSError:
        return [], []
    mods = sorted(f[:-len(MODULE_EXT)] for f in files if f.endswith(MODULE_EXT))
    mats = sorted({f[:-len(NUM_EXT)] for f in files if f.endswith(NUM_EXT)}
                  | {f[:-len(CHAR_EXT)] for f in files if f.endswith(CHAR_EXT)})
    return mods, mats


def handle(session, node: A.Storage, env: dict) -> None:
    try:
        {"store": store, "load": load, "remove": remove}[node.action](session, node, env)
    except OSError as exc:
        lib, cat = catalog_name(session)
        raise E.IMLRuntimeError(f"{node.action.upper()}: the storage catalog {lib}.{cat} could not be "
                                f"{'written' if node.action == 'store' else 'read'}; stored items are unchanged.",
                                hint=f"{exc.strerror or exc} ({catalog_dir(session)})")


def _targets(node: A.Storage, available_mods, available_mats) -> tuple:
    mods = node.modules or []
    if any(m == "_all_" for m in mods):
        mods = list(available_mods)
    names = node.names
    if not names and not node.modules:
        names = list(available_mats)
    if any(n == "_all_" for n in names):
        names = list(available_mats)
    return mods, names


# ---------------------------------------------------------------- STORE
def store(session, node: A.Storage, env: dict) -> None:
    folder = catalog_dir(session, create=True)
    matrices = [n for n, v in env.items() if _storable(v)]
    mods, names = _targets(node, sorted(session.modules), matrices)
    for name in mods:
        mod = session.modules.get(name)
        if mod is None:
            raise E.IMLRuntimeError(f"Module {name.upper()} is not defined; it cannot be stored.")
        source = getattr(mod.node, "source", "")
        if not source:
            raise E.IMLRuntimeError(f"The source text of module {name.upper()} is not available; it cannot be stored.")
        _write_text(os.path.join(folder, name + MODULE_EXT), source + "\n")
    for name in names:
        value = env.get(name)
        if value is None or (isinstance(value, np.ndarray) and value.size == 0):
            raise E.not_set(name.upper())
        if isinstance(value, IMLList):
            raise E.IMLRuntimeError(f"STORE: the list {name.upper()} cannot be stored by imlpy.",
                                    hint="store its items as matrices")
        if getattr(value, "IML_TYPE", None) == "T":
            raise E.IMLRuntimeError(f"STORE: the table {name.upper()} cannot be stored by imlpy.",
                                    hint="write it to a data set with TableWriteToDataSet")
        _store_matrix(folder, name, value)


def _storable(v) -> bool:
    return (not isinstance(v, IMLList) and not (isinstance(v, np.ndarray) and v.size == 0) and v is not None
            and getattr(v, "IML_TYPE", None) != "T")


def _write_text(path: str, text: str) -> None:
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
    atomic_write(path, write)


def _store_matrix(folder: str, name: str, value) -> None:
    for ext in (NUM_EXT, CHAR_EXT):           # a name holds one kind at a time
        stale = os.path.join(folder, name + ext)
        if os.path.exists(stale) and (ext == CHAR_EXT) != is_char(value):
            os.unlink(stale)
    if is_char(value):
        doc = {"shape": list(value.shape), "width": max(value.dtype.itemsize // 4, 1),
               "values": [str(v) for v in value.ravel()]}
        _write_text(os.path.join(folder, name + CHAR_EXT), json.dumps(doc))
        return
    arr = np.array([[value]]) if type(value) is float else np.asarray(value, dtype=float)

    def write(tmp):
        with open(tmp, "wb") as fh:
            np.save(fh, arr, allow_pickle=False)
    atomic_write(os.path.join(folder, name + NUM_EXT), write)


# ---------------------------------------------------------------- LOAD
def load(session, node: A.Storage, env: dict) -> None:
    folder = catalog_dir(session)
    avail_mods, avail_mats = _entries(folder)
    mods, names = _targets(node, avail_mods, avail_mats)
    lib, cat = catalog_name(session)
    for name in mods:
        path = os.path.join(folder, name + MODULE_EXT)
        if not os.path.exists(path):
            raise E.IMLRuntimeError(f"Module {name.upper()} was not found in storage {lib}.{cat}.",
                                    hint="store it first with STORE MODULE=" + name.upper())
        _load_module(session, name, path)
    for name in names:
        env[name] = _load_matrix(folder, name, f"{lib}.{cat}")


def _load_module(session, name: str, path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        source = fh.read()
    try:
        nodes = parse(source)
    except E.IMLSyntaxError as err:
        raise E.IMLRuntimeError(f"The stored module {name.upper()} could not be read: {err.message}")
    for n in nodes:
        if isinstance(n, A.ModuleDef):
            if not n.source:
                n.source = source.strip()
            session.define_module(n)


def _load_matrix(folder: str, name: str, where: str):
    num, char = os.path.join(folder, name + NUM_EXT), os.path.join(folder, name + CHAR_EXT)
    try:
        if os.path.exists(num):
            with open(num, "rb") as fh:
                return wrap(np.load(fh, allow_pickle=False))
        if os.path.exists(char):
            with open(char, encoding="utf-8") as fh:
                doc = json.load(fh)
            rows, cols = doc["shape"]
            return char_matrix(np.array(doc["values"], dtype=str).reshape(rows, cols), doc["width"])
    except (OSError, ValueError, KeyError) as exc:
        raise E.IMLRuntimeError(f"The stored matrix {name.upper()} in {where} could not be read.", hint=str(exc)[:200])
    raise E.IMLRuntimeError(f"Matrix {name.upper()} was not found in storage {where}.")


# ---------------------------------------------------------------- REMOVE and SHOW
def remove(session, node: A.Storage, env: dict) -> None:
    folder = catalog_dir(session)
    avail_mods, avail_mats = _entries(folder)
    mods, names = _targets(node, avail_mods, avail_mats)
    lib, cat = catalog_name(session)
    for name in mods:
        _unlink(session, os.path.join(folder, name + MODULE_EXT), f"module {name.upper()}", f"{lib}.{cat}")
    for name in names:
        found = [p for p in (os.path.join(folder, name + NUM_EXT), os.path.join(folder, name + CHAR_EXT))
                 if os.path.exists(p)]
        if not found:
            session.warn(f"Matrix {name.upper()} is not in storage {lib}.{cat}.")
        for p in found:
            os.unlink(p)


def _unlink(session, path: str, what: str, where: str) -> None:
    if os.path.exists(path):
        os.unlink(path)
    else:
        session.warn(f"The {what} is not in storage {where}.")


def show_storage(session) -> str:
    lib, cat = catalog_name(session)
    mods, mats = _entries(catalog_dir(session))
    lines = [f"Contents of storage library = {lib}.{cat}", "",
             "Matrices:", "  " + (" ".join(m.upper() for m in mats) or "(none)"), "",
             "Modules:", "  " + (" ".join(m.upper() for m in mods) or "(none)")]
    return "\n".join(lines) + "\n\n"


__all__ = ["install", "handle", "show_storage", "catalog_dir"]
