"""The statistical graphics calls (SCATTER ... HEATMAPDISC) and PALETTE.

Each call must produce a valid PNG, in the place the session asks for; bad arguments must give
IML errors, never tracebacks. Expected colors come from the SAS/IML documentation of PALETTE,
quartiles from SAS's percentile definition 5 worked by hand.
"""
from __future__ import annotations

import struct
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from imlpy import Session  # noqa: E402
from imlpy.builtins import graphics  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple:
    """(width, height) from the IHDR chunk of a PNG."""
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def run_in(tmp_path, code: str, sink=None, **options):
    out, log = [], []
    session = Session(out=out.append, log=log.append)
    session.options["plots_dir"] = str(tmp_path)
    session.options.update(options)
    if sink is not None:
        session.plot_sink = sink
    session.run(code)
    return session, "".join(out), "".join(log)


CALLS = {
    "scatter": 'x = 1:20; y = x # x; call scatter(x, y) group=mod(x, 2) label={"X" "Y"} grid={"X" "Y"};',
    "series": 'x = 1:20; y = x # x; call series(x, y) xvalues=do(0, 20, 5);',
    "histogram": 'x = {1 2 2 3 3 3 4 4 5 9}; call histogram(x) scale="Percent" density="Normal";',
    "bar": 'c = {"a" "b" "a" "c" "b" "a"}; call bar(c) type="HBar";',
    "box": 'x = 1:12; call box(x) category=(x > 6);',
    "heatmapcont": 'call heatmapcont(I(3) @ {1 2, 3 4}) title="kron";',
    "heatmapdisc": 'call heatmapdisc({"a" "b", "b" "a"}) colorramp={"CX66C2A4" "CXFC8D62"};',
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_call_writes_a_png(tmp_path, name):
    session, out, log = run_in(tmp_path, CALLS[name])
    assert session.diagnostics.errors == 0, log
    path = tmp_path / "plot1.png"
    assert f"NOTE: plot written to {path}" in log
    data = path.read_bytes()
    width, height = png_size(data)
    assert 200 <= width <= 1000 and 150 <= height <= 1000
    assert len(data) > 2000          # a real picture, not an empty canvas


def test_plots_are_numbered_and_sink_gets_bytes(tmp_path):
    got = []
    session, out, log = run_in(tmp_path, 'title "T1"; call histogram({1 2 3}); call bar({1 1 2});',
                               sink=lambda png, title: got.append((png, title)))
    assert [t for _, t in got] == ["T1", "T1"]      # the TITLE statement titles both
    assert all(png[:8] == PNG_SIGNATURE for png, _ in got)
    assert not list(tmp_path.iterdir())             # a sink means no files
    session, out, log = run_in(tmp_path, "call bar({1 1 2}); call bar({3});")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot1.png", "plot2.png"]


def test_plot_goes_next_to_the_script(tmp_path):
    script = tmp_path / "prog.iml"
    script.write_text("call bar({1 2 2});\n")
    log = []
    session = Session(out=lambda t: None, log=log.append)
    session.run_file(str(script))
    assert (tmp_path / "plot1.png").exists(), "".join(log)


def test_cli_plots_option(tmp_path, capsys):
    from imlpy.frontends.cli import main
    script = tmp_path / "prog.iml"
    script.write_text("call heatmapcont({1 2, 3 4});\n")
    target = tmp_path / "figs"
    assert main(["run", "--plots", str(target), str(script)]) == 0
    assert png_size((target / "plot1.png").read_bytes())[0] > 0


def test_kronecker_heatmap_shows_the_blocks_with_1_based_axes(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(graphics, "_emit", lambda session, fig, title: figures.append(fig))
    session, out, log = run_in(tmp_path, "call heatmapcont(I(3) @ {1 2, 3 4});")
    assert session.diagnostics.errors == 0, log
    ax = figures[0].axes[0]
    cells = np.asarray(ax.collections[0].get_array()).reshape(6, 6)
    expected = np.kron(np.eye(3), [[1, 2], [3, 4]])          # independent: numpy's Kronecker
    assert np.array_equal(cells, expected)
    assert [t for t in ax.get_xticks()] == [1, 2, 3, 4, 5, 6]
    assert [t for t in ax.get_yticks()] == [1, 2, 3, 4, 5, 6]
    bottom, top = ax.get_ylim()
    assert bottom > top                                      # row 1 at the top, as printed
    assert ax.xaxis.get_ticks_position() == "top"           # XAXISTOP=1 is the default


def test_heatmap_labels_from_xvalues_yvalues(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(graphics, "_emit", lambda session, fig, title: figures.append(fig))
    run_in(tmp_path, 'call heatmapcont({1 2, 3 4}) xvalues={"a" "b"} yvalues={"r1" "r2"} xaxistop=0;')
    ax = figures[0].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["r1", "r2"]
    assert ax.xaxis.get_ticks_position() == "bottom"


def test_ods_options_are_ignored_with_one_note(tmp_path):
    session, out, log = run_in(tmp_path, 'call scatter({1 2}, {3 4}) procopt="noautolegend" other="refline 1";')
    assert session.diagnostics.errors == 0
    assert log.count("NOTE: SCATTER: the ODS options OTHER=, PROCOPT= have no meaning") == 1


@pytest.mark.parametrize("code, message", [
    ("call scatter({1 2 3}, {1 2});", "Matrices do not conform"),
    ("call scatter({1 2}, {1 2}) colour=3;", "the option COLOUR= is not recognised"),
    ('call heatmapcont({"a" "b"});', "Character argument should be numeric"),
    ('call histogram({1 2}) scale="Bogus";', "SCALE="),
    ("call series({1 2}, y);", "Matrix has not been set to a value"),
    ('call heatmapcont({1 2}) colorramp="NoSuchRamp";', "is not a color ramp"),
    ("call box({1 2, 3 4});", "must be a vector"),
])
def test_bad_arguments_are_iml_errors(tmp_path, code, message):
    session, out, log = run_in(tmp_path, code)
    assert session.diagnostics.errors == 1
    assert message in log
    assert "Traceback" not in log and "internal error" not in log
    assert not list(tmp_path.iterdir())


def test_without_matplotlib_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)
    session, out, log = run_in(tmp_path, "call bar({1 2});")
    assert 'Graphics need matplotlib: pip install "imlpy[plot]"' in log


def test_palette_matches_the_sas_documentation(tmp_path):
    # SAS/IML User's Guide, PALETTE function, Figure "Color Palettes"
    session, out, log = run_in(tmp_path, 'a = palette("BuGn", 4); b = palette("BrBG", 5); c = palette("Pastel1", 6);')
    assert list(session.globals["a"].reshape(-1)) == ["CXEDF8FB", "CXB2E2E2", "CX66C2A4", "CX238B45"]
    assert list(session.globals["b"].reshape(-1)) == ["CXA6611A", "CXDFC27D", "CXF5F5F5", "CX80CDC1", "CX018571"]
    assert list(session.globals["c"].reshape(-1)) == ["CXFBB4AE", "CXB3CDE3", "CXCCEBC5", "CXDECBE4", "CXFED9A6", "CXFFFFCC"]
    assert session.globals["a"].shape == (1, 4)


def test_palette_bad_arguments(tmp_path):
    session, out, log = run_in(tmp_path, 'a = palette("Blues", 2); b = palette("NoSuch", 4); c = palette("Blues", 10);')
    assert session.diagnostics.errors == 3
    assert "has 3 to 9 colors" in log and '"NoSuch" is not a palette' in log


def test_box_stats_use_sas_definition_5():
    stats = graphics.box_stats(np.arange(1.0, 11.0))
    # definition 5, n=10: Q1 at np=2.5 -> x(3)=3; median (5+6)/2; Q3 at np=7.5 -> x(8)=8
    assert (stats["q1"], stats["med"], stats["q3"], stats["mean"]) == (3.0, 5.5, 8.0, 5.5)
    with_outlier = graphics.box_stats(np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100]))
    assert list(with_outlier["fliers"]) == [100.0] and with_outlier["whishi"] == 9.0


def test_nice_bins_cover_the_data():
    edges = graphics.nice_bins(np.array([0.3, 1.7, 2.2, 9.6]))
    widths = np.diff(edges)
    assert np.allclose(widths, widths[0]) and widths[0] in (1.0, 2.0, 2.5, 5.0)
    assert edges[0] <= 0.3 and edges[-1] >= 9.6


def test_palette_help_example_prints_what_it_says():
    from helpers import run
    from imlpy.builtins import REGISTRY
    code, expected = REGISTRY["palette"].example
    assert run(code).out.strip("\n") == expected.strip("\n")
    assert "CXEDF8FB CXB2E2E2 CX66C2A4 CX238B45" in expected     # the SAS documentation's BuGn4
