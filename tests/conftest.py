"""Golden tests: every tests/golden/NAME.iml runs and must print exactly NAME.expected.

The expected text is the listing and the log interleaved, as a user sees them in a terminal.
Set IMLPY_UPDATE_GOLDEN=1 to (re)write missing expectations; review them before committing.
"""
from __future__ import annotations

import os
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

GOLDEN = pathlib.Path(__file__).parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true",
                     help="the long fuzz profile: 35,000 programs per generator (tests/test_fuzz.py)")


def pytest_configure(config):
    from hypothesis import settings
    if config.getoption("--fuzz-long", default=False) or os.environ.get("IMLPY_FUZZ_EXAMPLES"):
        os.environ.setdefault("IMLPY_FUZZ_EXAMPLES", "35000")
        return                              # long runs explore with fresh random seeds
    # The normal run (and CI) draws the same examples every time: a property test found by
    # chance must not make one run red and the next green. Exploration is the long profile's job.
    settings.register_profile("repeatable", derandomize=True)
    settings.load_profile("repeatable")


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".iml" and file_path.parent == GOLDEN:
        return GoldenFile.from_parent(parent, path=file_path)


class GoldenFile(pytest.File):
    def collect(self):
        yield GoldenItem.from_parent(self, name=self.path.stem)


class GoldenItem(pytest.Item):
    def runtest(self):
        from helpers import run
        result = run(self.path.read_text())
        expected_path = self.path.with_suffix(".expected")
        if not expected_path.exists():
            if os.environ.get("IMLPY_UPDATE_GOLDEN"):
                expected_path.write_text(result.text)
                return
            raise AssertionError(f"missing {expected_path.name}")
        expected = expected_path.read_text()
        if result.text != expected:
            raise GoldenMismatch(expected, result.text)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, GoldenMismatch):
            import difflib
            diff = difflib.unified_diff(excinfo.value.expected.splitlines(), excinfo.value.actual.splitlines(),
                                        "expected", "actual", lineterm="")
            return "golden output differs:\n" + "\n".join(diff)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"golden: {self.name}"


class GoldenMismatch(AssertionError):
    def __init__(self, expected, actual):
        super().__init__("golden output differs")
        self.expected, self.actual = expected, actual
