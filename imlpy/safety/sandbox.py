"""Sandbox mode: an IML session that cannot touch anything outside its own folders.

`imlpy --sandbox`, `imlpy run --sandbox [--allow DIR]...` or `Session(sandbox=True)` (the Jupyter
kernel can set it) give a session in which:
  * data sets, libraries (LIBNAME), STORE/LOAD catalogs and plots live in allowed folders only:
    a fresh temporary folder (WORK, storage and plots go there) plus every `--allow DIR`;
    SASHELP stays readable. Paths are resolved with os.path.realpath before the check, so `..`
    and symbolic links that lead out are refused;
  * statements that reach the system are refused: SUBMIT (SAS or R), X, %INCLUDE, FILENAME,
    INFILE, FILE, DM, SYSTASK, %SYSEXEC;
  * as a backstop, an audit hook (sys.addaudithook) refuses, while a sandboxed session runs,
    starting a process, opening a network connection, and opening a file outside the allowed
    folders and the Python installation.
Each refusal is `ERROR: ... is not allowed in sandbox mode.` Macro variables are resolved before
parsing, so statements they expand into go through the same checks.

The rest of imlpy asks through one function, `check(session, what, path=None, write=False)`.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import Iterable, Optional

from .. import errors as E

REFUSED_STATEMENTS = ("submit", "x", "%include", "filename", "infile", "file", "dm", "systask",
                      "%sysexec", "%sysexec;", "endsas")
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
                   "os.forkpty", "pty.spawn", "os.startfile", "socket.connect", "socket.bind",
                   "socket.sendto", "ctypes.dlopen", "os.kill", "os.killpg")


class SandboxViolation(PermissionError):
    """An operation the sandbox refuses (a PermissionError, so file code treats it as one)."""


def refusal(what: str) -> E.IMLRuntimeError:
    return E.IMLRuntimeError(f"{what} is not allowed in sandbox mode.",
                             hint="the session is sandboxed: it may use only its own folder"
                                  " (and folders given with --allow)")


def _real(path: str) -> str:
    return os.path.realpath(os.path.expanduser(str(path)))


def _inside(path: str, roots: Iterable[str]) -> bool:
    for root in roots:
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


class Sandbox:
    """The folders a sandboxed session may use: its own fresh folder and the --allow ones."""

    def __init__(self, allow: Iterable[str] = (), root: Optional[str] = None):
        if root is None:
            root = tempfile.mkdtemp(prefix="imlpy-sandbox-")
            atexit.register(shutil.rmtree, root, True)
        self.root = _real(root)
        self.allowed = [self.root] + [_real(d) for d in allow if d]
        self._system = None

    @property
    def readable(self) -> list:
        """Folders any sandbox may read but never write (SASHELP: the data layer registers it)."""
        return [_real(d) for d in READ_ONLY_FOLDERS]

    def permits(self, path: str, write: bool = False) -> bool:
        real = _real(path)
        return _inside(real, self.allowed) or (not write and _inside(real, self.readable))

    def folder(self, name: str) -> str:
        path = os.path.join(self.root, name)
        os.makedirs(path, exist_ok=True)
        return path

    # ------------------------------------------------------------ the audit-hook backstop
    def system_readable(self) -> list:
        """Where Python, numpy, scipy, matplotlib and fonts live: readable for lazy imports."""
        if self._system is None:
            home = os.path.expanduser("~")
            package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # imlpy/
            roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, package, os.path.join(package, os.pardir, "grammar"),
                     "/usr", "/lib", "/lib64", "/opt", "/etc/fonts", "/etc/localtime", "/etc/matplotlibrc",
                     "/proc/self", "/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/sys/devices/system/cpu",
                     "/sys/fs/cgroup", "/dev/null", "/dev/urandom"}
            cwd = os.getcwd()
            roots.update(p for p in sys.path if p and os.path.isdir(p) and _real(p) != _real(cwd))
            self._system = sorted({_real(r) for r in roots} | {_real(r) for r in self.cache_dirs(home)})
        return self._system

    @staticmethod
    def cache_dirs(home: str) -> list:
        dirs = [os.path.join(home, ".cache"), os.path.join(home, ".config", "matplotlib"),
                os.path.join(tempfile.gettempdir(), "matplotlib-")]
        if os.environ.get("MPLCONFIGDIR"):
            dirs.append(os.environ["MPLCONFIGDIR"])
        return dirs

    def audit_allows(self, path, mode) -> bool:
        if isinstance(path, int):
            return True
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        real = _real(path)
        if _inside(real, self.allowed):
            return True
        writing = isinstance(mode, str) and any(c in mode for c in "wax+")
        if writing or (isinstance(mode, int) and mode & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)):
            home = os.path.expanduser("~")
            return "__pycache__" in real or _inside(real, [_real(d) for d in self.cache_dirs(home)]) \
                or real.startswith(_real(os.path.join(tempfile.gettempdir(), "matplotlib-")))
        return _inside(real, self.readable) or _inside(real, self.system_readable())


# Read-only folders open to every sandbox; upper layers add theirs (data: SASHELP) when imported.
READ_ONLY_FOLDERS: list = []


# ---------------------------------------------------------------- sessions
DEFAULT: list = [None]          # `imlpy --sandbox`: every Session made from now on is sandboxed


def set_default(spec) -> None:
    """Sandbox every Session created from now on (spec as for enable; None to stop)."""
    DEFAULT[0] = None if not spec else (spec if isinstance(spec, Sandbox) else
                                        Sandbox(() if spec is True else list(spec)))


_ACTIVE: list = []              # the sandboxes of the sessions running now (innermost last)
_HOOKED = [False]


def _audit(event: str, args) -> None:
    if not _ACTIVE:
        return
    box = _ACTIVE[-1]
    if event == "open":
        if not box.audit_allows(args[0], args[1] if len(args) > 1 else "r"):
            raise SandboxViolation(f"Opening {args[0]} is not allowed in sandbox mode.")
    elif event.startswith(_PROCESS_EVENTS):
        raise SandboxViolation(f"{event} is not allowed in sandbox mode.")


def enable(session, spec) -> Sandbox:
    """Sandbox `session`: spec is True, a Sandbox, or a list of folders to allow besides its own."""
    box = spec if isinstance(spec, Sandbox) else Sandbox(() if spec is True else list(spec))
    session.sandbox = box
    session.extensions["work_dir"] = box.folder("work")
    session.extensions["storage_dir"] = box.folder("storage")
    if not session.options.get("plots_dir") or not box.permits(session.options["plots_dir"], write=True):
        session.options["plots_dir"] = box.root
    if not _HOOKED[0]:
        sys.addaudithook(_audit)
        _HOOKED[0] = True
    return box


def enter(box: Sandbox) -> None:
    """The audit-hook backstop watches from now on (Session.execute, around one statement)."""
    _ACTIVE.append(box)


def leave(box: Sandbox) -> None:
    if _ACTIVE and _ACTIVE[-1] is box:
        _ACTIVE.pop()


def check(session, what: str, path: Optional[str] = None, write: bool = False) -> None:
    """Raise `... is not allowed in sandbox mode.` if the sandboxed `session` may not do `what`.

    Without a path, `what` (SUBMIT, X, %INCLUDE ...) is refused outright; with one, the path must
    resolve (realpath: no `..` or symlink escapes) into an allowed folder — or, for reading, into
    SASHELP. Does nothing for a session that is not sandboxed."""
    box = getattr(session, "sandbox", None)
    if box is None:
        return
    if path is None:
        raise refusal(what)
    if not box.permits(path, write):
        raise refusal(f"{what} {path}")
