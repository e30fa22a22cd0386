"""Sandbox mode: every route to files, libraries, processes and SUBMIT outside the allowed folders is refused."""
import os
import subprocess
import sys

import numpy as np
import pytest

from imlpy import Session
from imlpy.safety.sandbox import Sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFUSED = "is not allowed in sandbox mode."


class Box:
    """A sandboxed session whose own folder is tmp/box, with an outside folder tmp/outside."""

    def __init__(self, tmp_path, allow=()):
        self.root = tmp_path / "box"
        self.root.mkdir()
        self.outside = tmp_path / "outside"
        self.outside.mkdir()
        self.log = []
        self.session = Session(out=self.log.append, log=self.log.append,
                               sandbox=Sandbox(allow=[str(a) for a in allow], root=str(self.root)))

    def run(self, code):
        self.log.clear()
        self.session.run(code)
        return "".join(self.log)


@pytest.fixture
def box(tmp_path):
    return Box(tmp_path)


def test_plain_work_inside_the_sandbox_works(box):
    text = box.run("x = {1 2, 3 4}; create d from x[colname={'a' 'b'}]; append from x; close d;"
                   "use d; read all into y; close d; print y; store x; free x; load x; print x;"
                   "use sashelp.class; read all var {age} into age; close sashelp.class; n = nrow(age);")
    assert REFUSED not in text and "ERROR" not in text, text
    assert box.session.globals["n"] == 19.0           # SASHELP.CLASS has 19 students
    assert np.array_equal(box.session.globals["y"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    files = [f for _, _, fs in os.walk(box.root) for f in fs]
    assert any(f.startswith("d.") for f in files) and any(f.startswith("x.") for f in files)


@pytest.mark.parametrize("path", ["/", "/etc", "..", "../outside", "~"])
def test_libname_outside_is_refused(box, path):
    text = box.run(f"libname ext '{path}';")
    assert REFUSED in text and "LIBNAME EXT" in text


def test_libname_inside_and_allowed_folders_work(tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    b = Box(tmp_path, allow=[extra])
    (b.root / "sub").mkdir()
    text = b.run(f"libname a '{b.root / 'sub'}'; libname e '{extra}'; x = 1; create e.t var {{x}}; append; close e.t;")
    assert REFUSED not in text and "ERROR" not in text, text
    assert any(f.startswith("t.") for f in os.listdir(extra))


def test_dotdot_escape_is_refused(box):
    (box.root / "sub").mkdir()
    text = box.run(f"libname a '{box.root / 'sub' / '..' / '..' / 'outside'}';")
    assert REFUSED in text


def test_symlink_inside_pointing_out_is_refused(box):
    (box.outside / "secret.csv").write_text("a\n1\n")
    os.symlink(box.outside, box.root / "link")
    assert REFUSED in box.run(f"libname a '{box.root / 'link'}';")
    # a symlinked data set file inside WORK that points out
    work = box.session.extensions["work_dir"]
    os.symlink(box.outside / "secret.csv", os.path.join(work, "leak.csv"))
    text = box.run("use leak; read all var _all_ into m; close leak;")
    assert REFUSED in text and "m" not in box.session.globals


def test_symlinked_storage_file_pointing_out_is_refused(box):
    (box.outside / "secret.module.iml").write_text("start secret; print 'leaked'; finish;\n")
    folder = os.path.join(box.session.extensions["storage_dir"], "imlstor")
    os.makedirs(folder, exist_ok=True)
    os.symlink(box.outside / "secret.module.iml", os.path.join(folder, "secret.module.iml"))
    text = box.run("load module=secret; call secret;")
    assert "leaked" not in text and REFUSED in text


def test_two_level_name_through_an_outside_libref_is_refused(box):
    text = box.run(f"libname out '{box.outside}'; x = 1; create out.d var {{x}}; append; close out.d; use out.d;")
    assert text.count(REFUSED) >= 1 and os.listdir(box.outside) == []


def test_create_and_append_outside_are_refused(box):
    text = box.run(f"x = 1; create ('{box.outside}/d') var {{x}}; append;")
    assert os.listdir(box.outside) == []


def test_storage_outside_is_refused(box):
    text = box.run(f"libname out '{box.outside}'; reset storage=out.cat; x = 1; store x;")
    assert REFUSED in text and os.listdir(box.outside) == []


def test_environment_storage_and_work_do_not_escape(box, monkeypatch):
    monkeypatch.setenv("IMLPY_STORAGE", str(box.outside))
    monkeypatch.setenv("IMLPY_WORK", str(box.outside))
    text = box.run("x = 1; store x; create d var {x}; append; close d;")
    assert REFUSED not in text and os.listdir(box.outside) == []


@pytest.mark.parametrize("code", ["submit; proc print data=sashelp.class; run; endsubmit;",
                                  "submit / R; system('touch /tmp/imlpy-escaped'); endsubmit;",
                                  "%include '/etc/passwd';", "filename f '/etc/passwd';",
                                  "infile '/etc/passwd';", "file '/tmp/imlpy-escaped';"])
def test_statements_that_reach_outside_are_refused(box, code):
    text = box.run(code + " y = 1;")
    assert REFUSED in text, text
    assert not os.path.exists("/tmp/imlpy-escaped")


def test_x_command_never_runs(box):
    text = box.run("x 'touch /tmp/imlpy-escaped'; y = 1;")      # not IML: a syntax error, nothing runs
    assert "ERROR" in text and not os.path.exists("/tmp/imlpy-escaped")


def test_macro_variables_expanding_to_statements_are_checked(box):
    text = box.run(f"%let where = {box.outside};\n%let stmt = libname q \"{box.outside}\";\n&stmt;\n"
                   "%let sub = submit;\n&sub / R; print(1); endsubmit;\nlibname w \"&where\";")
    assert text.count(REFUSED) == 3, text


def test_audit_hook_backstop_refuses_processes_and_outside_files(box):
    """Even a builtin that reached for the system would be stopped while a sandboxed statement runs."""
    from imlpy.safety import sandbox
    sandbox.enter(box.session.sandbox)
    try:
        with pytest.raises(PermissionError):
            subprocess.run(["true"])
        with pytest.raises(PermissionError):
            open(box.outside / "f.txt", "w")
        with pytest.raises(PermissionError):
            open("/etc/hostname").read()
        with open(box.root / "ok.txt", "w") as fh:      # its own folder is fine
            fh.write("ok")
    finally:
        sandbox.leave(box.session.sandbox)
    subprocess.run(["true"], check=True)                  # outside a sandboxed statement: untouched


def test_sandbox_state_survives_errors_and_is_per_session(box, tmp_path):
    box.run("libname a '/';")
    plain = Session(out=lambda t: None, log=lambda t: None)
    assert plain.sandbox is None
    (tmp_path / "plain").mkdir()
    plain.run(f"libname a '{tmp_path / 'plain'}';")
    assert plain.diagnostics.errors == 0


def test_cli_sandbox_option(tmp_path):
    prog = tmp_path / "p.iml"
    prog.write_text("libname a '/etc'; x = 1; store x; y = 2; print y;\n")
    env = dict(os.environ, PYTHONPATH=ROOT, IMLPY_STORAGE=str(tmp_path / "store"))
    for args in (["--sandbox", "run", str(prog)], ["run", "--sandbox", str(prog)],
                 ["run", "--sandbox", "--allow", str(tmp_path), str(prog)]):
        proc = subprocess.run([sys.executable, "-m", "imlpy", *args], capture_output=True, env=env, timeout=60)
        err = proc.stderr.decode()
        assert "LIBNAME A for the folder /etc " + REFUSED in err, err
        assert proc.returncode == 2 and "Traceback" not in err
        assert not (tmp_path / "store").exists()          # storage went to the sandbox's own folder
