"""Fuzzing: whatever the program, imlpy answers with output or a clean IML error, never a crash.

A short profile runs in the normal suite; `pytest tests/test_fuzz.py --fuzz-long` (or
`IMLPY_FUZZ_EXAMPLES=50000 pytest tests/test_fuzz.py`) runs a long one: every generator then
makes that many programs. Each program must end, within TIME_BOUND seconds, with output or a
clean IML error (no internal error, no Python traceback).
"""
import os
import signal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run
from imlpy.safety.limits import allow_deep_recursion
from imlpy.matrix import values
from imlpy.matrix.values import set_memory_limit

allow_deep_recursion()          # as a Session does, before hypothesis notes the recursion limit
EXAMPLES = int(os.environ.get("IMLPY_FUZZ_EXAMPLES", "150"))
TIME_BOUND = 20                 # seconds one generated program may take
LOOP_BOUND = 3                  # seconds before --time-limit stops a mutated endless loop
MEMORY_BOUND = 512 * 2**20      # bytes one value may take (as imlpy run --max-memory 512M)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

BINARY = ["+", "-", "*", "#", "/", "##", "**", "@", "||", "//", "<>", "><", ":", "<", "<=", "=",
          "^=", ">", ">=", "&", "|"]
FUNCS = ["sum", "max", "nrow", "ncol", "t", "abs", "sqrt", "log", "inv", "det", "loc", "any",
         "mean", "cusum", "rowvec", "colvec", "diag", "vecdiag", "unique", "exp", "trace", "char",
         "eigval", "root", "solve", "shape", "repeat", "j", "i", "round", "mod"]
REDUCE = ["+", "#", "<>", "><", "<:>", ">:<", ":", "##"]


@st.composite
def literal(draw):
    r = draw(st.integers(1, 3))
    c = draw(st.integers(1, 3))
    if draw(st.integers(0, 9)) == 0:
        words = [draw(st.sampled_from(["'a'", "'bc'", "xy", "''"])) for _ in range(r * c)]
    else:
        words = [draw(st.sampled_from(["0", "1", "-2", "2.5", ".", ".A", "1e3", "-0.5"])) for _ in range(r * c)]
    rows = [" ".join(words[i * c:(i + 1) * c]) for i in range(r)]
    return "{" + ", ".join(rows) + "}"


def expression(depth=3):
    leaves = st.one_of(literal(), st.sampled_from(["x", "y", "z", "undefined_name", "1", "."]))
    if depth == 0:
        return leaves

    sub = expression(depth - 1)

    @st.composite
    def build(draw):
        kind = draw(st.integers(0, 6))
        if kind == 0:
            return draw(leaves)
        if kind in (1, 2):
            return f"({draw(sub)} {draw(st.sampled_from(BINARY))} {draw(sub)})"
        if kind == 3:
            args = ", ".join(draw(sub) for _ in range(draw(st.integers(1, 2))))
            return f"{draw(st.sampled_from(FUNCS))}({args})"
        if kind == 4:
            a = draw(st.sampled_from(REDUCE + ["1", "2", "{1 2}", ""]))
            b = draw(st.sampled_from(REDUCE + ["1", "2", ""]))
            return f"({draw(sub)})[{a},{b}]"
        if kind == 5:
            return f"-{draw(sub)}"
        return f"({draw(sub)})`"
    return build()


@st.composite
def program(draw):
    lines = ["x = {1 2, 3 4}; y = {1 2 3}; z = 'text';"]
    for _ in range(draw(st.integers(1, 5))):
        target = draw(st.sampled_from(["x", "y", "w", "x[1,2]", "y[2]", "w[1]"]))
        lines.append(f"{target} = {draw(expression())};")
        if draw(st.booleans()):
            lines.append(f"if {draw(expression(1))} then print x; else print y;")
    lines.append("print x y;")
    return "\n".join(lines)


def _assert_clean(r):
    assert "internal error" not in r.log, r.log
    assert "Traceback" not in r.log + r.out


class _Slow(BaseException):
    pass


def _loop_bounded_run(src):
    """run(src) under imlpy's own --time-limit: a mutated loop may rightly never end (`*k = k + 1;`),
    and must then stop with the clean IML error, as `imlpy run --time-limit` does."""
    from imlpy.safety.limits import cancel_timer, start_timer
    previous = values._MEMORY_LIMIT[0]
    set_memory_limit(MEMORY_BOUND)
    start_timer(LOOP_BOUND)              # (the same SIGALRM timer: it bounds the whole run too)
    try:
        return run(src)
    finally:
        cancel_timer()
        set_memory_limit(previous)


def _bounded_run(src):
    """run(src) with a wall-clock bound: a program that hangs is a failure of its own."""
    def alarm(signum, frame):
        raise _Slow(f"no answer within {TIME_BOUND} s to:\n{src}")
    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(TIME_BOUND)
    previous = values._MEMORY_LIMIT[0]
    set_memory_limit(MEMORY_BOUND)      # j(1e6, 1e3) is a clean IML error, not 8 GB of work
    try:
        return run(src)
    finally:
        set_memory_limit(previous)
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- statements (grammar-driven)
NAMES = ["x", "y", "z", "w", "L", "i"]    # never the loop variables i1, i2, k1, k2


def simple_expr():
    return expression(1)


@st.composite
def statement(draw, depth=2):
    kinds = ["assign", "print", "sub_assign", "list", "call", "free", "show"]
    if depth > 0:
        kinds += ["do_block", "do_loop", "do_while", "if", "module"]
    kind = draw(st.sampled_from(kinds))
    e = lambda: draw(simple_expr())
    body = lambda: " ".join(draw(st.lists(statement(depth - 1), min_size=0, max_size=3)))
    if kind == "assign":
        return f"{draw(st.sampled_from(NAMES))} = {e()};"
    if kind == "sub_assign":
        sub = draw(st.sampled_from(["[1]", "[1,2]", "[2,]", "[,1]", "[{1 2}]", "[0]", "[.]", "[loc(x>0)]"]))
        return f"{draw(st.sampled_from(NAMES))}{sub} = {e()};"
    if kind == "print":
        opts = draw(st.sampled_from(["", "[format=5.2]", "[c={'a' 'b'}]", "[r='r1' l='lab']", "[f=best4.]",
                                     "[colname=y]", "[format=$8.]"]))
        what = draw(st.sampled_from(["x", "y z", "(x + 1)", "'text' x", "L", "x[1, ]", ",x"]))
        return f"print {what}{opts};"
    if kind == "list":
        return draw(st.sampled_from(["L = [1, 'a', {1 2}];", "L$1 = x;", "L$'n' = 2;", "v = L$2;",
                                     "L = [#'a' = 1, #'b' = [2, 3]];", "L$2$1 = 5;",
                                     "call ListAddItem(L, x);", "call ListDeleteItem(L, 1);", "v = L$9;"]))
    if kind == "call":
        return draw(st.sampled_from(["call f(x);", "run f(y);", "call g(x, y);", "call sort(x, 1);",
                                     "call randseed(1);", "z = f(x);", "call f;", "call randgen(x, 'normal');"]))
    if kind == "free":
        return f"free {draw(st.sampled_from(NAMES))};"
    if kind == "show":
        return draw(st.sampled_from(["show names;", "reset print;", "reset noprint;", "mattrib x c={'a'};"]))
    if kind == "do_block":
        return f"do; {body()} end;"
    if kind == "do_loop":
        by = draw(st.sampled_from(["", " by 2", " by -1", " by 0.5", " by 0", " by ."]))
        v = f"i{depth}"          # its own variable and small bounds: no endless or endlessly long loops
        return f"do {v} = {draw(st.sampled_from(['1', '3', '.', '-2', 'y[1]']))} to {draw(st.sampled_from(['3', '1', '.', '2']))}{by}; {body()} end;"
    if kind == "do_while":
        cond = draw(st.sampled_from(["while", "until"]))
        cond += f"(k{depth} < 3)" if cond == "while" else f"(k{depth} >= 3)"
        return f"do; k{depth} = 0; do {cond}; k{depth} = k{depth} + 1; {body()} end; end;"
    if kind == "if":
        other = f" else {draw(statement(depth - 1))}" if draw(st.booleans()) else ""
        return f"if {e()} then {draw(statement(depth - 1))}{other}"
    params = draw(st.sampled_from(["a", "a, b", "a, b=2", ""]))
    glob = draw(st.sampled_from(["", " global(x)"]))
    ret = draw(st.sampled_from(["", "return(a);", "return;", "a = a + 1;"]))
    name = draw(st.sampled_from(["f", "g"]))
    return f"start {name}({params}){glob}; {body()} {ret} finish;"


@st.composite
def statement_program(draw):
    lines = ["x = {1 2, 3 4}; y = {1 2 3}; z = 'abc'; L = [1, 2];"]
    lines += draw(st.lists(statement(), min_size=1, max_size=6))
    return "\n".join(lines)


@FUZZ
@given(statement_program())
def test_generated_statements_never_crash(src):
    _assert_clean(_bounded_run(src))


@FUZZ
@given(program())
def test_generated_programs_never_crash(src):
    _assert_clean(_bounded_run(src))


SEED_PROGRAMS = [
    "x = {1 2, 3 4}; do i = 1 to 3; x[1, 2] = x[1, 2] + i; end; print x;",
    "start f(a, b=2); return(a # b); finish; y = f({1 2}); print y;",
    "s = 'abc'; t = s + 'de'; if t = 'abcde' then print 'yes'; else print 'no';",
    "L = [1, 'a']; v = L$1; print v;",
    "m = shape(1:12, 3); r = m[+, ]; c = m[, :]; print r c;",
    "start fact(n); if n <= 1 then return(1); return(n # fact(n - 1)); finish; print (fact(5));",
    "x = 0; do i = 1 to 10 by 2; if mod(i, 3) = 0 then x = x + i; else do; x = x - 1; end; end; print x;",
    "k = 0; do until(k >= 3); k = k + 1; end; do while(k > 0); k = k - 1; end; print k;",
    "L = [#'a' = 1, #'b' = {1 2 3}]; L$'a' = 'x'; call ListAddItem(L, 5); print (L$'b');",
    "a = {1 2 3, 4 5 6}; print a[r={'r1' 'r2'} c={'c1' 'c2' 'c3'} format=6.2 l='A'];",
    "s = {'ab' 'cde'}; t = concat(s, '!'); n = length(t); u = upcase(substr(t, 1, 2)); print t n u;",
    "x = {1 . 3}; m = x[:]; y = x; y[loc(x = .)] = m; free x; show names;",
    "start g(a) global(c); c = a + 1; finish; c = 0; call g(5); run g(6); print c;",
]


@FUZZ
@given(st.sampled_from(SEED_PROGRAMS), st.data())
def test_mutated_programs_never_crash(src, data):
    chars = list(src)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.integers(0, 3))
        pos = data.draw(st.integers(0, max(len(chars) - 1, 0)))
        if op == 0 and chars:
            del chars[pos]
        elif op == 1:
            chars.insert(pos, data.draw(st.sampled_from(list(";,()[]{}+-*/#@|&^=<>:`'\"$ .") + ["do", "end", "start", "finish"])))
        elif op == 2 and len(chars) > 1:
            other = data.draw(st.integers(0, len(chars) - 1))
            chars[pos], chars[other] = chars[other], chars[pos]
        else:
            chars = chars[:pos]
    _assert_clean(_loop_bounded_run("".join(chars)))


# ---------------------------------------------------------------- regressions found by the fuzzers
REGRESSIONS = [
    # CHAR with a width past the decimal context's precision was decimal.InvalidOperation
    "x = {'a'}; if char({0 0 0, 0 0 0, 0 0 2.5}, {1e3 0 0, 0 0 0, 0 0 0}) then print x; else print y;",
    "x = char(2.5, 1000); y = char(1e-300, 900);",
    # deeply nested statements were a RecursionError traceback
    "x = " + "(" * 3000 + "1" + ")" * 3000 + ";",
    "if 1 then " * 12000 + "x = 1;",
    # a SUBMIT block before a syntax error was dropped silently
    "submit; endsubmit;\nx 'ls';\ny = 1;",
]


def test_endless_mutated_loop_ends_with_the_time_limit_error():
    r = _loop_bounded_run("k = 0; do until(k >= 3); *k = k + 1; end; x = 1;")
    assert "Time limit of 3 seconds exceeded." in r.log and r.session.ended


def test_fuzz_regressions():
    for src in REGRESSIONS:
        _assert_clean(_bounded_run(src))
    assert run("x = char(2.5, 1000); n = length(x);")["n"] == 1000.0
    assert "SUBMIT" in run(REGRESSIONS[-1]).log
