"""STORE / LOAD / REMOVE of modules and matrices, RESET STORAGE=, SHOW STORAGE."""
from __future__ import annotations

import math
import os
import subprocess
import sys

import numpy as np
import pytest

from helpers import run


@pytest.fixture
def storage(tmp_path, monkeypatch):
    folder = tmp_path / "storage"
    monkeypatch.setenv("IMLPY_STORAGE", str(folder))
    return folder


def test_store_and_load_matrices_keep_values_and_missing(storage):
    r = run('x = {1 . 3, .B 5 6.25}; s = {"ab" " ", "c" "long text"}; store x s;')
    assert r.status == 0, r.log
    r = run("load x s;")
    assert r.status == 0, r.log
    x = r["x"]
    from imlpy.matrix.values import missing_letter
    assert x.shape == (2, 3) and x[0, 0] == 1 and math.isnan(x[0, 1]) and x[1, 2] == 6.25
    assert math.isnan(x[1, 0]) and missing_letter(x[1, 0]) == "B"
    assert [str(v) for v in r["s"].ravel()] == ["ab", "", "c", "long text"]
    assert r["s"].dtype.itemsize // 4 == 9      # the element length survives


def test_store_and_load_modules(storage):
    r = run("""start add1(x); return(x + 1); finish;
               start twice(x); return(2 * add1(x) - 2); finish;
               store module=(add1 twice);""")
    assert r.status == 0, r.log
    assert (storage / "imlstor" / "add1.module.iml").read_text().startswith("start add1(x)")
    r = run("load module=_all_; y = twice({1 2 3});")
    assert r.status == 0, r.log
    assert list(r["y"].ravel()) == [2, 4, 6]


def test_store_all_remove_and_show_storage(storage):
    r = run("""a = 1; b = {"x"}; start f; finish; store module=_all_; store;
               remove b; remove module=f; show storage;""")
    assert r.status == 0, r.log
    assert "Contents of storage library = WORK.IMLSTOR" in r.out
    assert "A" in r.out.split("Matrices:")[1].split("Modules:")[0]
    assert " B" not in r.out.split("Matrices:")[1].split("Modules:")[0]
    assert "(none)" in r.out.split("Modules:")[1]
    r = run("load b;")
    assert r.status == 2 and "B was not found in storage WORK.IMLSTOR" in r.log


def test_reset_storage_uses_the_library_folder(storage, tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    r = run(f"libname mylib '{lib}'; reset storage=mylib.mycat; z = {{4 5}}; store z;")
    assert r.status == 0, r.log
    assert (lib / "mycat.imlcat" / "z.npy").exists()
    r = run(f"libname mylib '{lib}'; reset storage=mylib.mycat; load z;")
    assert list(r["z"].ravel()) == [4, 5]


def test_failed_store_leaves_no_partial_file(storage, monkeypatch):
    r = run("x = {1 2}; store x;")
    assert r.status == 0
    old = (storage / "imlstor" / "x.npy").read_bytes()

    def broken(fh, arr, allow_pickle=False):
        fh.write(b"\x93NUMPY partial")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(np, "save", broken)
    r = run("x = {7 8 9}; store x;")
    assert r.status == 2 and "internal error" not in r.log
    assert (storage / "imlstor" / "x.npy").read_bytes() == old
    assert sorted(os.listdir(storage / "imlstor")) == ["x.npy"]


def test_module_stored_by_one_run_is_loaded_by_the_next(tmp_path):
    first, second = tmp_path / "first.iml", tmp_path / "second.iml"
    first.write_text("start cube(x); return(x##3); finish;\nstore module=cube;\n")
    second.write_text("load module=cube;\nc = cube(3);\nprint c;\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env.pop("IMLPY_STORAGE", None)
    cmd = [sys.executable, "-m", "imlpy", "run", "--storage", str(tmp_path / "st")]
    p1 = subprocess.run(cmd + [str(first)], capture_output=True, text=True, env=env, timeout=60)
    assert p1.returncode == 0, p1.stderr
    p2 = subprocess.run(cmd + [str(second)], capture_output=True, text=True, env=env, timeout=60)
    assert p2.returncode == 0, p2.stderr
    assert "27" in p2.stdout
