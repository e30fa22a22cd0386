"""Fuzzing: whatever the program, imlpy answers with output or a clean IML error, never a crash.

A short profile runs in the normal suite; `IMLPY_FUZZ_EXAMPLES=100000 pytest tests/test_fuzz.py`
runs a long one.
"""
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import run

EXAMPLES = int(os.environ.get("IMLPY_FUZZ_EXAMPLES", "150"))
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


@FUZZ
@given(program())
def test_generated_programs_never_crash(src):
    _assert_clean(run(src))


SEED_PROGRAMS = [
    "x = {1 2, 3 4}; do i = 1 to 3; x[1, 2] = x[1, 2] + i; end; print x;",
    "start f(a, b=2); return(a # b); finish; y = f({1 2}); print y;",
    "s = 'abc'; t = s + 'de'; if t = 'abcde' then print 'yes'; else print 'no';",
    "L = [1, 'a']; v = L$1; print v;",
    "m = shape(1:12, 3); r = m[+, ]; c = m[, :]; print r c;",
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
    _assert_clean(run("".join(chars)))
