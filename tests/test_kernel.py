"""The Jupyter kernel, through a real client: one kernel for the module (startup costs ~2 s).

The kernelspec is installed with `imlpy kernel install --prefix TMP` and found through
JUPYTER_PATH, so the test also checks what the install writes.
"""
from __future__ import annotations

import base64
import json
import os
import sys

import pytest

pytest.importorskip("ipykernel")
jupyter_client = pytest.importorskip("jupyter_client")

from helpers import run  # noqa: E402

TIMEOUT = 20


@pytest.fixture(scope="module")
def spec_dir(tmp_path_factory):
    from imlpy.frontends.cli import main
    prefix = tmp_path_factory.mktemp("prefix")
    assert main(["kernel", "install", "--prefix", str(prefix)]) == 0
    share = prefix / "share" / "jupyter"
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(share)
    yield share
    if old is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = old


@pytest.fixture(scope="module")
def kc(spec_dir):
    from jupyter_client.manager import start_new_kernel
    km, client = start_new_kernel(kernel_name="imlpy", startup_timeout=60)
    yield client
    client.stop_channels()
    km.shutdown_kernel(now=True)


def execute(kc, code: str):
    """Run a cell; return (reply content, [(msg_type, content)] of its outputs)."""
    outputs = []

    def hook(msg):
        if msg["msg_type"] not in ("status", "execute_input"):
            outputs.append((msg["msg_type"], msg["content"]))
    reply = kc.execute_interactive(code, output_hook=hook, timeout=TIMEOUT)
    return reply["content"], outputs


def shell(kc, method, *args):
    getattr(kc, method)(*args)
    return kc.get_shell_msg(timeout=TIMEOUT)["content"]


def test_kernelspec_written(spec_dir):
    spec = json.loads((spec_dir / "kernels" / "imlpy" / "kernel.json").read_text())
    assert spec["argv"] == [sys.executable, "-m", "imlpy.frontends.kernel", "-f", "{connection_file}"]
    assert spec["display_name"] == "SAS/IML (imlpy)" and spec["language"] == "iml"


def test_kernel_info(kc):
    info = shell(kc, "kernel_info")
    lang = info["language_info"]
    assert (lang["name"], lang["mimetype"], lang["file_extension"]) == ("iml", "text/x-iml", ".iml")
    assert (lang["pygments_lexer"], lang["codemirror_mode"]) == ("iml", "sas")


def test_print_is_an_html_table_and_the_listing_text(kc):
    code = 'x = {1 2, 3 4}; print x[rowname={"r1" "r2"} colname={"c1" "c2"} label="Totals"];'
    reply, outputs = execute(kc, code)
    assert reply["status"] == "ok"
    displays = [c for t, c in outputs if t == "display_data"]
    assert len(displays) == 1
    data = displays[0]["data"]
    assert data["text/plain"] == run(code).out.rstrip("\n")     # exactly the terminal listing
    html = data["text/html"]
    assert "<table" in html and ">Totals<" in html
    assert ">r1<" in html and ">r2<" in html and ">c1<" in html and ">c2<" in html
    assert html.count("<tr>") == 3       # header + 2 rows


def test_state_persists_across_cells(kc):
    assert execute(kc, "a = 5; start twice(v); return (2 # v); finish;")[0]["status"] == "ok"
    reply, outputs = execute(kc, "b = twice(a); print b;")
    assert reply["status"] == "ok"
    assert "10" in outputs[-1][1]["data"]["text/plain"]


def test_runtime_error_then_the_kernel_goes_on(kc):
    execute(kc, "m = {1 2};")
    reply, outputs = execute(kc, "m = {9 9}; m = m * {1 2};")
    assert reply["status"] == "error"
    assert reply["ename"] == "IMLRuntimeError"
    assert reply["evalue"].startswith("Matrices do not conform to the operation.")
    errors = [c for t, c in outputs if t == "error"]
    assert len(errors) == 1 and errors[0]["traceback"][0].startswith("ERROR: (execution)")
    reply, outputs = execute(kc, "print m;")
    assert reply["status"] == "ok"
    assert "9" in outputs[-1][1]["data"]["text/plain"]      # the first statement of the cell ran


def test_syntax_error_reply(kc):
    reply, outputs = execute(kc, "z = 1 +;")
    assert reply["status"] == "error" and reply["ename"] == "IMLSyntaxError"
    assert execute(kc, "z = 2;")[0]["status"] == "ok"


def test_log_lines_go_to_stderr(kc):
    reply, outputs = execute(kc, "reset nosuchoption;")
    assert reply["status"] == "ok"
    streams = [c for t, c in outputs if t == "stream"]
    assert streams and streams[0]["name"] == "stderr" and "WARNING:" in streams[0]["text"]


def test_completion(kc):
    execute(kc, "myvariable = 1;")
    reply = shell(kc, "complete", "y = nro", 7)
    assert "nrow" in reply["matches"] and reply["cursor_start"] == 4
    reply = shell(kc, "complete", "print myv", 9)
    assert reply["matches"] == ["myvariable"]
    reply = shell(kc, "complete", "x = TWI", 7)
    assert "TWICE" in reply["matches"]            # modules too, in the case typed


def test_inspect(kc):
    reply = shell(kc, "inspect", "call eigen(v, e, a);", 7)
    assert reply["found"] and "EIGEN(" in reply["data"]["text/plain"]
    reply = shell(kc, "inspect", "qqqqq", 2)
    assert not reply["found"]


def test_is_complete(kc):
    assert shell(kc, "is_complete", "x = 1;")["status"] == "complete"
    reply = shell(kc, "is_complete", "do i = 1 to 3;")
    assert reply["status"] == "incomplete" and reply["indent"] == "   "


def test_plot_inline(kc):
    pytest.importorskip("matplotlib")
    reply, outputs = execute(kc, "call heatmapcont(I(3) @ {1 2, 3 4});")
    assert reply["status"] == "ok"
    images = [c["data"]["image/png"] for t, c in outputs if t == "display_data" and "image/png" in c["data"]]
    assert len(images) == 1
    assert base64.b64decode(images[0])[:8] == b"\x89PNG\r\n\x1a\n"


try:
    import jupyter_kernel_test as jkt
except ImportError:          # optional: the generic protocol tests
    jkt = None


@pytest.mark.skipif(jkt is None, reason="jupyter_kernel_test is not installed")
@pytest.mark.usefixtures("spec_dir")
class TestProtocol(jkt.KernelTests if jkt else object):
    kernel_name = "imlpy"
    language_name = "iml"
    file_extension = ".iml"
    code_stderr = "reset nosuchoption;"
    code_generate_error = "x = {1 2} * {3 4};"
    code_display_data = [{"code": "print (1:3);", "mime": "text/html"},
                          {"code": "print (1:3);", "mime": "text/plain"}]
    completion_samples = [{"text": "nro", "matches": {"nrow"}}]
    complete_code_samples = ["x = 1;", "print x;"]
    incomplete_code_samples = ["do i = 1 to 3;", "start m(x);"]
    code_inspect_sample = "eigen"

    @classmethod
    def setUpClass(cls):
        pass                      # started lazily, once JUPYTER_PATH points at the spec

    @pytest.fixture(autouse=True, scope="class")
    def _kernel(self, request, spec_dir):
        from jupyter_client.manager import start_new_kernel
        cls = request.cls
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=60)
        yield
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    @classmethod
    def tearDownClass(cls):
        pass
