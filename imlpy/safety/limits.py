"""Resource limits: memory (--max-memory), run time (--time-limit) and nesting depth.

SAS stops a statement that asks for more memory than it may use with "Unable to allocate
sufficient memory." and goes on; imlpy does the same instead of being killed by the system:
  * `values.check_allocation` refuses a value larger than the limit before numpy allocates it;
  * numpy's own MemoryError anywhere becomes the same IML error (Session.execute);
  * RLIMIT_AS is set as a backstop, well above the limit, so that a runaway allocation that no
    check foresaw fails with MemoryError rather than an out-of-memory kill.
A time limit raises TimeLimitExceeded (a BaseException, so no `except Exception` in a builtin can
swallow it) from a SIGALRM timer; the session restores the variables and reports
"ERROR: (execution) Time limit of N seconds exceeded."

Deeply nested statements (`((((1))))` five thousand deep, `if 1 then if 1 then ...`) are parsed
and compiled recursively; `allow_deep_recursion()` gives Python room for that (a larger stack and
recursion limit), and whatever is deeper still is a syntax error "statement too deeply nested".
"""
from __future__ import annotations

import re
import signal
import sys
from typing import Optional

from ..matrix.values import memory_limit, set_memory_limit

TOO_DEEP = "statement too deeply nested"
RECURSION_LIMIT = 20000             # Python frames; the stack below is sized for it
STACK_BYTES = 512 * 2**20           # the main thread's stack may grow to this
BACKSTOP_FACTOR = 2                 # RLIMIT_AS = what is mapped now + 2 x the memory limit + slack
BACKSTOP_SLACK = 1 * 2**30          # thread stacks, BLAS buffers, lazily imported libraries

_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(i?b?)\s*$", re.I)


class TimeLimitExceeded(BaseException):
    """Raised from the SIGALRM handler when --time-limit runs out."""

    def __init__(self, seconds: float):
        super().__init__(f"Time limit of {format_seconds(seconds)} seconds exceeded.")
        self.seconds = seconds


def format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


# ---------------------------------------------------------------- memory
def parse_size(text: str) -> int:
    """'2G', '500M', '64k', '1.5GiB', '1000000' (bytes) -> bytes; ValueError otherwise."""
    m = _SIZE.match(str(text))
    if not m:
        raise ValueError(f"not a size: {text!r} (use a number with K, M, G or T, e.g. 2G or 500M)")
    number = float(m.group(1))
    scale = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}[m.group(2).lower()]
    size = int(number * scale)
    if size <= 0:
        raise ValueError(f"the size must be positive, not {text!r}")
    return size


def apply_memory_limit(nbytes: Optional[int], backstop: bool = True) -> None:
    """Make `nbytes` the most a value may take, and cap the address space well above it."""
    set_memory_limit(nbytes)
    if backstop and nbytes:
        set_address_space_backstop(nbytes)


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def set_address_space_backstop(nbytes: Optional[int] = None) -> bool:
    """RLIMIT_AS = mapped now + BACKSTOP_FACTOR x limit + slack; False where that is not possible.

    Address space is not memory: numpy, BLAS threads and lazily imported libraries reserve much
    more than they use, so the cap is generous; it only turns a runaway allocation into a
    MemoryError (an IML error) instead of an out-of-memory kill of the whole process."""
    try:
        import resource
    except ImportError:             # not on this platform
        return False
    limit = int(nbytes or memory_limit())
    want = _mapped_bytes() + BACKSTOP_FACTOR * limit + BACKSTOP_SLACK
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft < want:
            return False            # someone set a tighter cap already: keep it
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        return True
    except (ValueError, OSError):
        return False


# ---------------------------------------------------------------- nesting
def allow_deep_recursion() -> None:
    """Room for deeply nested statements: a bigger main-thread stack and recursion limit.

    Python 3.11+ runs Python-to-Python calls without using the C stack, but parsing passes through
    C (generators, method calls), so the stack is raised first; where it cannot be, the recursion
    limit stays modest and deep statements become syntax errors instead of a crash."""
    if sys.getrecursionlimit() >= RECURSION_LIMIT:
        return
    try:
        import resource
        import threading
        if threading.current_thread() is not threading.main_thread():
            return
        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
        if soft != resource.RLIM_INFINITY and soft < STACK_BYTES:
            new = STACK_BYTES if hard == resource.RLIM_INFINITY else min(STACK_BYTES, hard)
            resource.setrlimit(resource.RLIMIT_STACK, (new, hard))
            soft = new
    except (ImportError, ValueError, OSError):
        return
    if soft == resource.RLIM_INFINITY or soft >= STACK_BYTES:
        sys.setrecursionlimit(RECURSION_LIMIT)
    else:
        sys.setrecursionlimit(max(sys.getrecursionlimit(), int(RECURSION_LIMIT * soft / STACK_BYTES)))


# ---------------------------------------------------------------- time
def _on_alarm(signum, frame):
    seconds = _TIMER[0]
    _TIMER[0] = None
    raise TimeLimitExceeded(seconds or 0)


_TIMER: list = [None]


def start_timer(seconds: float) -> bool:
    """Raise TimeLimitExceeded in the main thread after `seconds` of wall-clock time."""
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer"):
        return False
    _TIMER[0] = seconds
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    return True


def cancel_timer() -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, 0)
    _TIMER[0] = None
