"""Help for every name: each registered builtin documents itself, and its example really prints
what its help says it prints.

The examples are collected from imlpy.builtins.REGISTRY when the tests are collected, so a new
builtin is tested as soon as it is registered.
"""
import os
import subprocess
import sys

import pytest

from imlpy.builtins import REGISTRY, lookup_help

from helpers import run

NAMES = sorted(REGISTRY)
EXAMPLES = sorted((name, b.example) for name, b in REGISTRY.items() if b.example)


def _listing(text: str) -> list:
    """Lines of a listing without trailing blanks and without blank lines at either end."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_registry_is_not_empty():
    assert len(NAMES) > 50


def test_every_builtin_has_a_signature_and_summary():
    bad = []
    for name in NAMES:
        b = REGISTRY[name]
        signature, summary = (b.signature or "").strip(), (b.summary or "").strip()
        # the signature names the builtin (or the entry it aliases) and shows its arguments
        if not signature or "(" not in signature or not summary:
            bad.append(name)
    assert bad == [], f"builtins without a signature or summary: {bad}"


def test_every_builtin_has_help():
    bad = []
    for name in NAMES:
        for spelling in (name, name.upper()):
            text = lookup_help(spelling)
            b = REGISTRY[name]
            if not text or b.signature not in text or b.summary not in text:
                bad.append(spelling)
    assert bad == [], f"help missing or incomplete for: {bad}"


def test_help_for_an_unknown_name_is_none():
    assert lookup_help("no_such_builtin_xyz") is None


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.dirname(os.path.dirname(__file__)),
                                                      os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "imlpy", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def test_help_command_line():
    names = [n for n in ("j", "loc", "randgen", "ncol") if n in REGISTRY][:3]
    assert names
    for name in names:
        r = _cli("help", name.upper())
        assert r.returncode == 0, r.stderr
        assert r.stdout == lookup_help(name)
        assert "Traceback" not in r.stdout + r.stderr
    r = _cli("help", "no_such_builtin_xyz")
    assert r.returncode != 0 and "NO_SUCH_BUILTIN_XYZ" in r.stderr and "Traceback" not in r.stderr
    listing = _cli("help")
    assert listing.returncode == 0 and all(n.upper() in listing.stdout for n in names)


def test_examples_were_collected():
    assert len(EXAMPLES) > 20


@pytest.mark.parametrize("name, example", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_example_prints_what_help_says(name, example):
    code, expected = example
    r = run(code)
    assert "Traceback" not in r.text
    assert r.status in (0, 1), f"{name.upper()} example failed:\n{r.log}"
    assert _listing(r.out) == _listing(expected), f"{name.upper()} example printed:\n{r.out}"
