"""Statistical graphics: CALL SCATTER, SERIES, HISTOGRAM, BAR, BOX, HEATMAPCONT, HEATMAPDISC, PALETTE.

SAS draws these through ODS (PROC SGPLOT / SGRENDER); imlpy draws them with matplotlib (Agg,
imported only when a plot is made). Options follow the SAS documentation and arrive as keyword
options after the parentheses (`call Scatter(x, y) group=g label={"X" "Y"};`). Options that only
steer ODS (PROCOPT=, OTHER=, OPTION=, LINEATTRS=, ...) are accepted and ignored with one NOTE.

Where a plot goes: to `session.plot_sink(png_bytes, title)` when a front end set one (the Jupyter
kernel shows it inline); otherwise to plotN.png in `session.options['plots_dir']` (`imlpy run
--plots DIR`), else next to the script, else the current folder, with `NOTE: plot written to PATH`.

Heat maps draw a matrix as SAS prints it: row 1 at the top, columns left to right, axes labelled
with 1-based row and column numbers (or XVALUES=/YVALUES=), the X axis on top (XAXISTOP=1).
"""
from __future__ import annotations

import io
import os

import numpy as np

from .. import errors as E
from ..matrix.values import as_array, char_matrix, is_char, to_float, to_str
from .registry import builtin
from ..output.formats import best
from ._palettes import KINDS, SCHEMES

NEED_MPL = 'Graphics need matplotlib: pip install "imlpy[plot]"'

# ODS-only options: accepted, ignored, one NOTE per call
ODS_ONLY = {"procopt", "other", "option", "lineattrs", "markerattrs", "fillattrs", "legendloc_ods",
            "groupopt_ods", "transparency", "datalabelattrs"}
COMMON = {"grid", "label", "xvalues", "yvalues", "title"}

# SAS's default (HTMLBlue style) group colors, GraphData1..12
DATA_COLORS = ["#445694", "#A23A2E", "#01665E", "#543005", "#9D3CDB", "#7F8E1F",
               "#2597FA", "#B26084", "#D17800", "#47A82A", "#B38EF3", "#F9DA04"]
FILL_COLORS = ["#6F7EB3", "#D05B5B", "#66A5A0", "#A9865B", "#B689CD", "#BABC5C",
               "#94BDE1", "#CD7BA1", "#CF974B", "#87C873", "#B7AEF1", "#DDD17E"]
MARKERS = ["o", "+", "x", "^", "s", "*", "D", "v", "<", ">", "p", "h"]
RAMPS = {
    "twocolor": ["#FAFBFE", "#667FA2"],
    "threecolor": ["#667FA2", "#F7F7F7", "#D05B5B"],
    "twocoloralt": ["#FFFFFF", "#1A1A1A"],
    "threecoloralt": ["#2A9D8F", "#F7F7F7", "#E76F51"],
    "temperature": ["#3A53A4", "#8FB7E3", "#F7F7F7", "#F4A582", "#B2182B"],
    "rainbow": ["#6A3D9A", "#1F78B4", "#33A02C", "#FFD92F", "#FF7F00", "#E31A1C"],
    "grey": ["#FFFFFF", "#000000"],
    "gray": ["#FFFFFF", "#000000"],
}


# ---------------------------------------------------------------- matplotlib and output
def _figure(width: float = 6.4, height: float = 4.8):
    """A new Figure on the Agg canvas (no pyplot, so no global state and no GUI backend)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise E.IMLRuntimeError(NEED_MPL, hint="the statistical graphics calls draw with matplotlib")
    fig = Figure(figsize=(width, height), dpi=80)
    FigureCanvasAgg(fig)
    return fig


def _emit(session, fig, title: str) -> None:
    """Send the finished figure to the front end's plot sink, or write plotN.png."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    png = buf.getvalue()
    sink = getattr(session, "plot_sink", None)
    if sink is not None:
        sink(png, title)
        return
    folder = session.options.get("plots_dir") or _script_folder(session) or os.getcwd()
    count = session.extensions.get("plot_count", 0) + 1
    session.extensions["plot_count"] = count
    path = os.path.join(folder, f"plot{count}.png")
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(png)
    except OSError as exc:
        raise E.IMLRuntimeError(f"The plot could not be written to {path}.",
                                hint=str(exc.strerror or exc))
    session.note(f"plot written to {path}")


def _script_folder(session) -> str:
    name = getattr(session, "source_name", "") or ""
    if name and os.path.isfile(name):
        return os.path.dirname(os.path.abspath(name))
    return ""


# ---------------------------------------------------------------- options and arguments
def _options(session, routine: str, kwargs: dict, allowed: set) -> dict:
    """Check the keyword options: unknown ones are errors, ODS-only ones get one NOTE."""
    unknown = [k for k in kwargs if k not in allowed and k not in ODS_ONLY]
    if unknown:
        raise E.IMLRuntimeError(f"{routine}: the option {unknown[0].upper()}= is not recognised.",
                                hint="options: " + " ".join(o.upper() + "=" for o in sorted(allowed)))
    ignored = sorted(k for k in kwargs if k in ODS_ONLY and k not in allowed)
    if ignored:
        session.note(f"{routine}: the ODS option{'s' if len(ignored) > 1 else ''} "
                     f"{', '.join(k.upper() + '=' for k in ignored)} "
                     f"{'have' if len(ignored) > 1 else 'has'} no meaning in imlpy and "
                     f"{'were' if len(ignored) > 1 else 'was'} ignored.")
    return {k: v for k, v in kwargs.items() if k in allowed}


def _empty(v) -> bool:
    return v is None or (type(v) is np.ndarray and v.size == 0)


def _vector(v, what: str) -> np.ndarray:
    """A numeric vector argument, flattened in row-major order."""
    if _empty(v):
        raise E.not_set(what)
    if is_char(v):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint=f"{what} must be numeric")
    arr = as_array(v)
    if min(arr.shape) != 1:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"{what} must be a vector, not a {arr.shape[0]} x {arr.shape[1]} matrix")
    return arr.astype(float).reshape(-1)


def _labels(v, what: str) -> list:
    """A vector of category values (character or numeric) as text."""
    if _empty(v):
        raise E.not_set(what)
    arr = as_array(v)
    if arr.dtype.kind == "U":
        return [str(s) for s in arr.reshape(-1)]
    return ["." if x != x else best(float(x), 12).strip() for x in arr.reshape(-1)]


def _text_list(v) -> list:
    if _empty(v):
        return []
    if is_char(v):
        return [str(s) for s in as_array(v).reshape(-1)]
    return [str(to_str(v))]


def _same_length(n: int, other: int, what: str) -> None:
    if n != other:
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{what} has {other} elements but the data have {n}")


def _title(session, opts: dict) -> str:
    if "title" in opts:
        return " ".join(_text_list(opts["title"]))
    return "\n".join(session.titles[k] for k in sorted(session.titles)) if session.titles else ""


def _decorate(ax, session, opts: dict, xlabel: str, ylabel: str) -> str:
    """LABEL=, GRID=, XVALUES=, YVALUES= and the title (TITLE statement or TITLE=)."""
    labels = _text_list(opts.get("label"))
    ax.set_xlabel(labels[0] if labels else xlabel)
    ax.set_ylabel(labels[1] if len(labels) > 1 else ylabel)
    for axis in (g.strip().lower() for g in _text_list(opts.get("grid"))):
        if axis not in ("x", "y"):
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'GRID= takes "X" and/or "Y", not "{axis}"')
        ax.grid(True, axis=axis, color="#DDDDDD")
        ax.set_axisbelow(True)
    for key, setter in (("xvalues", ax.set_xticks), ("yvalues", ax.set_yticks)):
        if key in opts and not _empty(opts[key]):
            ticks = _vector(opts[key], key.upper() + "=")
            setter(ticks[~np.isnan(ticks)])
    title = _title(session, opts)
    if title:
        ax.set_title(title)
    return title


def _groups(values: list) -> list:
    """Distinct group values in sorted order (numbers numerically)."""
    def key(s):
        try:
            return (0, float(s), s)
        except ValueError:
            return (1, 0.0, s)
    return sorted(set(values), key=key)


# ---------------------------------------------------------------- scatter and series
_XY_OPTIONS = COMMON | {"group", "datalabel", "lineparm"}


def _xy_plot(session, routine: str, x, y, group, kwargs: dict, lines: bool) -> None:
    opts = _options(session, routine, kwargs, _XY_OPTIONS)
    xs, ys = _vector(x, "x"), _vector(y, "y")
    _same_length(len(xs), len(ys), "y")
    if group is None:
        group = opts.get("group")
    groups = _labels(group, "GROUP=") if not _empty(group) else None
    if groups is not None:
        _same_length(len(xs), len(groups), "GROUP=")
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    keys = _groups(groups) if groups is not None else [None]
    for k, key in enumerate(keys):
        mask = np.ones(len(xs), bool) if key is None else np.array([g == key for g in groups])
        mask &= ~(np.isnan(xs) | np.isnan(ys))
        gx, gy = xs[mask], ys[mask]
        color = DATA_COLORS[k % len(DATA_COLORS)]
        if lines:
            order = np.arange(len(gx))
            ax.plot(gx[order], gy[order], color=color, label=key, linewidth=1.5)
        else:
            ax.scatter(gx, gy, s=28, label=key, color=color, marker=MARKERS[k % len(MARKERS)],
                       facecolors="none" if MARKERS[k % len(MARKERS)] in "o^sDvph<>" else color)
    if "datalabel" in opts and not _empty(opts["datalabel"]):
        tags = _labels(opts["datalabel"], "DATALABEL=")
        _same_length(len(xs), len(tags), "DATALABEL=")
        for xi, yi, tag in zip(xs, ys, tags):
            if xi == xi and yi == yi:
                ax.annotate(tag, (xi, yi), textcoords="offset points", xytext=(3, 3), fontsize=8)
    if "lineparm" in opts and not _empty(opts["lineparm"]):
        p = _vector(opts["lineparm"], "LINEPARM=")
        if len(p) != 3:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="LINEPARM= is {x0 y0 slope}")
        ax.axline((p[0], p[1]), slope=p[2], color="#555555", linewidth=1)
    if groups is not None:
        ax.legend(title="group", fontsize=8)
    title = _decorate(ax, session, opts, "x", "y")
    fig.tight_layout()
    _emit(session, fig, title)


@builtin("SCATTER(x, y <,group>)", "Scatter plot of y against x (options GROUP= DATALABEL= LABEL= GRID= XVALUES= YVALUES= LINEPARM=).",
         kind="call", session=True, keywords=True)
def scatter(session, x, y, group=None, **kwargs):
    _xy_plot(session, "SCATTER", x, y, group, kwargs, lines=False)


@builtin("SERIES(x, y <,group>)", "Series (line) plot of y against x, one line per GROUP= value.",
         kind="call", session=True, keywords=True)
def series(session, x, y, group=None, **kwargs):
    _xy_plot(session, "SERIES", x, y, group, kwargs, lines=True)


# ---------------------------------------------------------------- histogram
def nice_bins(x: np.ndarray) -> np.ndarray:
    """Bin edges of a 'nice' width (1, 2 or 5 times a power of ten), about Sturges' count."""
    lo, hi = float(np.min(x)), float(np.max(x))
    if hi == lo:
        return np.array([lo - 0.5, lo + 0.5])
    raw = (hi - lo) / max(np.ceil(np.log2(len(x)) + 1), 1)
    power = 10.0 ** np.floor(np.log10(raw))
    width = min((m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw), default=10 * power)
    start = np.floor(lo / width) * width
    count = int(np.floor((hi - start) / width)) + 1
    return start + width * np.arange(count + 1)


@builtin("HISTOGRAM(x)", "Histogram of x (options SCALE= DENSITY= REBIN= LABEL= GRID= XVALUES= YVALUES=).",
         kind="call", session=True, keywords=True)
def histogram(session, x, **kwargs):
    opts = _options(session, "HISTOGRAM", kwargs, COMMON | {"scale", "density", "rebin"})
    xs = _vector(x, "x")
    xs = xs[~np.isnan(xs)]
    if xs.size == 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="x has no nonmissing values")
    scale = to_str(opts["scale"]).strip().lower() if "scale" in opts else "count"
    if scale not in ("count", "percent", "proportion"):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'SCALE= is "Count", "Percent" or "Proportion", not "{scale}"')
    edges = nice_bins(xs)
    if "rebin" in opts:
        start, width = _vector(opts["rebin"], "REBIN=")[:2]
        if not width > 0:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="REBIN={start, width} needs a positive width")
        first = start + np.floor((xs.min() - start) / width) * width
        edges = first + width * np.arange(int((xs.max() - first) // width) + 2)
    counts, edges = np.histogram(xs, edges)
    factor = {"count": 1.0, "percent": 100.0 / xs.size, "proportion": 1.0 / xs.size}[scale]
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(edges[:-1], counts * factor, width=np.diff(edges), align="edge",
           color=FILL_COLORS[0], edgecolor="#333333", linewidth=0.6)
    width = edges[1] - edges[0]
    grid = np.linspace(edges[0], edges[-1], 200)
    for k, kind in enumerate(d.strip().lower() for d in _text_list(opts.get("density"))):
        area = xs.size * width * factor
        if kind == "normal":
            mu, sd = xs.mean(), xs.std(ddof=1) if xs.size > 1 else 1.0
            curve = np.exp(-0.5 * ((grid - mu) / sd) ** 2) / (sd * np.sqrt(2 * np.pi))
        elif kind == "kernel":
            bw = 1.06 * (xs.std(ddof=1) if xs.size > 1 else 1.0) * xs.size ** -0.2 or 1.0
            curve = np.exp(-0.5 * ((grid[:, None] - xs[None, :]) / bw) ** 2).sum(1) / (xs.size * bw * np.sqrt(2 * np.pi))
        else:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'DENSITY= is "Normal" and/or "Kernel", not "{kind}"')
        ax.plot(grid, curve * area, color=DATA_COLORS[k + 1], label=kind.capitalize())
    if "density" in opts:
        ax.legend(fontsize=8)
    title = _decorate(ax, session, opts, "x", scale.capitalize())
    fig.tight_layout()
    _emit(session, fig, title)


# ---------------------------------------------------------------- bar chart
@builtin("BAR(x)", "Bar chart of the frequencies of the values of x (options TYPE= GROUP= GROUPOPT= FREQ= ORDER=).",
         kind="call", session=True, keywords=True)
def bar(session, x, **kwargs):
    opts = _options(session, "BAR", kwargs, COMMON | {"type", "group", "groupopt", "freq", "order"})
    cats = _labels(x, "x")
    freq = _vector(opts["freq"], "FREQ=") if "freq" in opts else np.ones(len(cats))
    _same_length(len(cats), len(freq), "FREQ=")
    groups = _labels(opts["group"], "GROUP=") if "group" in opts else None
    if groups is not None:
        _same_length(len(cats), len(groups), "GROUP=")
    order = to_str(opts["order"]).strip().lower() if "order" in opts else ""
    levels = list(dict.fromkeys(cats)) if order == "data" else _groups(cats)
    horizontal = "type" in opts and to_str(opts["type"]).strip().lower() == "hbar"
    keys = _groups(groups) if groups is not None else [None]
    cluster = "groupopt" in opts and to_str(opts["groupopt"]).strip().lower() == "cluster"
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    pos = np.arange(len(levels))
    base = np.zeros(len(levels))
    width = 0.8 / len(keys) if cluster else 0.8
    for k, key in enumerate(keys):
        heights = np.zeros(len(levels))
        for c, f, i in zip(cats, freq, range(len(cats))):
            if (key is None or groups[i] == key) and f == f:
                heights[levels.index(c)] += f
        offset = (k - (len(keys) - 1) / 2) * width if cluster else 0.0
        draw = ax.barh if horizontal else ax.bar
        extra = {"left": base} if horizontal else {"bottom": base}
        draw(pos + offset, heights, width if not horizontal else width, color=FILL_COLORS[k % 12],
             edgecolor="#333333", linewidth=0.6, label=key, **({} if cluster else extra))
        if not cluster:
            base = base + heights
    (ax.set_yticks if horizontal else ax.set_xticks)(pos)
    (ax.set_yticklabels if horizontal else ax.set_xticklabels)(levels)
    if horizontal:
        ax.invert_yaxis()
    if "freq" not in opts:
        from matplotlib.ticker import MaxNLocator
        (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    if groups is not None:
        ax.legend(fontsize=8)
    title = _decorate(ax, session, opts, "Frequency" if horizontal else "x", "x" if horizontal else "Frequency")
    fig.tight_layout()
    _emit(session, fig, title)


# ---------------------------------------------------------------- box plot
def box_stats(xs: np.ndarray) -> dict:
    """Quartiles by SAS's definition 5 (PROC SGPLOT's box plots), 1.5 IQR whiskers, the mean."""
    q1, med, q3 = np.percentile(xs, [25, 50, 75], method="averaged_inverted_cdf")
    iqr = q3 - q1
    inside = xs[(xs >= q1 - 1.5 * iqr) & (xs <= q3 + 1.5 * iqr)]
    return {"q1": q1, "med": med, "q3": q3, "whislo": inside.min(), "whishi": inside.max(),
            "mean": xs.mean(), "fliers": xs[(xs < inside.min()) | (xs > inside.max())]}


@builtin("BOX(x)", "Box plot of x, one box per CATEGORY= value (options TYPE= CATEGORY= DATALABEL= ...).",
         kind="call", session=True, keywords=True)
def box(session, x, **kwargs):
    opts = _options(session, "BOX", kwargs, COMMON | {"type", "category", "group", "groupopt", "datalabel", "order"})
    xs = _vector(x, "x")
    key = "category" if "category" in opts else ("group" if "group" in opts else None)
    cats = _labels(opts[key], key.upper() + "=") if key else ["x"] * len(xs)
    _same_length(len(xs), len(cats), (key or "x").upper() + "=")
    order = to_str(opts["order"]).strip().lower() if "order" in opts else ""
    levels = list(dict.fromkeys(cats)) if order == "data" else _groups(cats)
    stats = []
    for level in levels:
        part = xs[[c == level for c in cats]]
        part = part[~np.isnan(part)]
        if part.size:
            stats.append(dict(box_stats(part), label=level))
    if not stats:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="x has no nonmissing values")
    horizontal = "type" in opts and to_str(opts["type"]).strip().lower() == "hbox"
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    import matplotlib
    newer = tuple(int(p) for p in matplotlib.__version__.split(".")[:2] if p.isdigit()) >= (3, 10)
    direction = ({"orientation": "horizontal" if horizontal else "vertical"} if newer
                 else {"vert": not horizontal})
    ax.bxp(stats, showmeans=True, patch_artist=True, **direction,
           boxprops={"facecolor": FILL_COLORS[0], "edgecolor": "#333333"},
           medianprops={"color": "#333333"},
           meanprops={"marker": "D", "markerfacecolor": "white", "markeredgecolor": "#333333"})
    if key is None:
        (ax.set_yticks if horizontal else ax.set_xticks)([])
    title = _decorate(ax, session, opts, key or "" if not horizontal else "x", "x" if not horizontal else key or "")
    fig.tight_layout()
    _emit(session, fig, title)


# ---------------------------------------------------------------- heat maps
_HEAT_OPTIONS = {"colorramp", "xvalues", "yvalues", "xaxistop", "displayoutlines", "title",
                 "legendtitle", "legendloc", "showlegend"}


def _color(name: str) -> str:
    """A SAS color: CXRRGGBB, #RRGGBB or a color name matplotlib knows."""
    from matplotlib.colors import is_color_like
    text = name.strip()
    if len(text) == 8 and text[:2].upper() == "CX":
        text = "#" + text[2:]
    if not is_color_like(text):
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'"{name.strip()}" is not a color (use CXRRGGBB or a color name)')
    return text


def _ramp(opts: dict, default: str) -> list:
    value = opts.get("colorramp")
    if _empty(value):
        return RAMPS[default]
    names = _text_list(value)
    if len(names) == 1 and names[0].strip().lower() in RAMPS:
        return RAMPS[names[0].strip().lower()]
    if len(names) == 1 and not names[0].strip().upper().startswith("CX") and " " not in names[0].strip():
        try:
            return [_color(names[0])] * 2
        except E.IMLRuntimeError:
            raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'COLORRAMP="{names[0].strip()}" is not a color ramp: use '
                                    + ", ".join(f'"{r}"' for r in ("TwoColor", "ThreeColor", "Temperature", "Rainbow", "Gray"))
                                    + " or a vector of colors")
    return [_color(n) for n in names]


def _flag(opts: dict, key: str, default: bool) -> bool:
    if key not in opts or _empty(opts[key]):
        return default
    v = opts[key]
    if is_char(v):
        return to_str(v).strip().lower() not in ("0", "no", "false", "off")
    return bool(to_float(v))


def _heat_axes(ax, opts: dict, nrow: int, ncol: int) -> None:
    """1-based row/column ticks (or XVALUES=/YVALUES= labels), row 1 at the top, X axis on top."""
    from matplotlib.ticker import MaxNLocator
    ax.set_xlim(0.5, ncol + 0.5)
    ax.set_ylim(nrow + 0.5, 0.5)
    for key, n, axis in (("xvalues", ncol, ax.xaxis), ("yvalues", nrow, ax.yaxis)):
        names = _labels(opts[key], key.upper() + "=") if key in opts and not _empty(opts[key]) else None
        if names is not None:
            if len(names) != n:
                raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{key.upper()}= has {len(names)} values for {n} {'columns' if key == 'xvalues' else 'rows'}")
            step = max(1, int(np.ceil(n / 30)))
            names = [t.strip() for t in names[::step]]
            axis.set_ticks(np.arange(1, n + 1, step))
            long_x = key == "xvalues" and max(len(t) for t in names) * len(names) > 60
            axis.set_ticklabels(names, rotation=90 if long_x else 0)
        elif n <= 20:
            axis.set_ticks(np.arange(1, n + 1))
        else:
            axis.set_major_locator(MaxNLocator(nbins=10, integer=True, min_n_ticks=2))
    if 1 / 3 <= nrow / ncol <= 3:
        ax.set_aspect("equal")      # square cells, as a printed matrix reads
    if _flag(opts, "xaxistop", True):
        ax.xaxis.tick_top()
        ax.xaxis.set_label_position("top")
    ax.tick_params(length=2, labelsize=9)


def _heat_figure(nrow: int, ncol: int):
    """Cells as square as the figure allows, between 3 and 7 inches wide."""
    aspect = nrow / max(ncol, 1)
    width = 5.0
    height = min(max((width - 1.2) * aspect + 0.9, 2.6), 7.0)
    return _figure(width, height)


def _outlines(opts: dict, nrow: int, ncol: int) -> dict:
    show = _flag(opts, "displayoutlines", nrow <= 40 and ncol <= 40)
    return {"edgecolors": "#FFFFFF", "linewidth": 0.8} if show else {}


@builtin("HEATMAPCONT(x)", "Heat map of a numeric matrix with a continuous color ramp (COLORRAMP= SCALE= RANGE= XVALUES= YVALUES= TITLE= ...).",
         kind="call", session=True, keywords=True)
def heatmapcont(session, x, **kwargs):
    opts = _options(session, "HEATMAPCONT", kwargs, _HEAT_OPTIONS | {"scale", "range"})
    if _empty(x):
        raise E.not_set("x")
    if is_char(x):
        raise E.IMLRuntimeError(E.NEED_NUMERIC, hint="HEATMAPCONT shows numbers; use HEATMAPDISC for character values")
    m = as_array(x).astype(float)
    scale = to_str(opts["scale"]).strip().lower() if "scale" in opts else "none"
    if scale in ("row", "col"):
        axis = 1 if scale == "row" else 0
        with np.errstate(all="ignore"):
            m = (m - np.nanmean(m, axis=axis, keepdims=True)) / np.nanstd(m, axis=axis, ddof=1, keepdims=True)
    elif scale != "none":
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'SCALE= is "None", "Row" or "Col", not "{scale}"')
    from matplotlib.colors import LinearSegmentedColormap
    cmap = LinearSegmentedColormap.from_list("iml", _ramp(opts, "threecolor"))
    cmap = cmap.with_extremes(bad="#BFBFBF")        # missing values: grey
    lo, hi = (np.nanmin(m), np.nanmax(m)) if np.isfinite(m).any() else (0.0, 1.0)
    if "range" in opts:
        lo, hi = _vector(opts["range"], "RANGE=")[:2]
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    nrow, ncol = m.shape
    fig = _heat_figure(nrow, ncol)
    ax = fig.add_subplot(1, 1, 1)
    mesh = ax.pcolormesh(np.arange(ncol + 1) + 0.5, np.arange(nrow + 1) + 0.5, np.ma.masked_invalid(m),
                         cmap=cmap, vmin=lo, vmax=hi, **_outlines(opts, nrow, ncol))
    _heat_axes(ax, opts, nrow, ncol)
    if _flag(opts, "showlegend", True):
        loc = to_str(opts["legendloc"]).strip().lower() if "legendloc" in opts else "right"
        loc = loc if loc in ("right", "left", "top", "bottom") else "right"
        bar_ = fig.colorbar(mesh, ax=ax, location=loc, shrink=0.85)
        if "legendtitle" in opts:
            bar_.set_label(" ".join(_text_list(opts["legendtitle"])))
    title = " ".join(_text_list(opts["title"])) if "title" in opts else _title(session, {})
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    _emit(session, fig, title)


@builtin("HEATMAPDISC(x)", "Heat map of a matrix with a few discrete values, one color each (COLORRAMP= XVALUES= YVALUES= TITLE= ...).",
         kind="call", session=True, keywords=True)
def heatmapdisc(session, x, **kwargs):
    opts = _options(session, "HEATMAPDISC", kwargs, _HEAT_OPTIONS)
    if _empty(x):
        raise E.not_set("x")
    arr = as_array(x)
    nrow, ncol = arr.shape
    text = np.array(_labels(arr, "x"), dtype=object).reshape(nrow, ncol)
    levels = _groups(list(text.reshape(-1)))
    if len(levels) > 64:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the matrix has {len(levels)} distinct values; use HEATMAPCONT for continuous values")
    if "colorramp" in opts and not _empty(opts["colorramp"]):
        ramp = _ramp(opts, "threecolor")
    else:
        ramp = FILL_COLORS if len(levels) <= len(FILL_COLORS) else RAMPS["rainbow"]
    from matplotlib.colors import LinearSegmentedColormap, ListedColormap
    if len(ramp) >= len(levels):
        colors = ramp[:len(levels)]
    else:
        sampler = LinearSegmentedColormap.from_list("iml", ramp)
        colors = [sampler(i / max(len(levels) - 1, 1)) for i in range(len(levels))]
    index = np.vectorize(levels.index, otypes=[float])(text)
    fig = _heat_figure(nrow, ncol)
    ax = fig.add_subplot(1, 1, 1)
    ax.pcolormesh(np.arange(ncol + 1) + 0.5, np.arange(nrow + 1) + 0.5, index, cmap=ListedColormap(colors),
                  vmin=-0.5, vmax=len(levels) - 0.5, **_outlines(opts, nrow, ncol))
    _heat_axes(ax, opts, nrow, ncol)
    if _flag(opts, "showlegend", True):
        from matplotlib.patches import Patch
        handles = [Patch(facecolor=c, edgecolor="#333333", label=lvl) for c, lvl in zip(colors, levels)]
        title = " ".join(_text_list(opts["legendtitle"])) if "legendtitle" in opts else None
        ax.legend(handles=handles, title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  fontsize=9, frameon=False)
    title = " ".join(_text_list(opts["title"])) if "title" in opts else _title(session, {})
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    _emit(session, fig, title)


# ---------------------------------------------------------------- PALETTE
@builtin("PALETTE(name, numColors)", "A 1 x numColors row of ColorBrewer colors ('CXRRGGBB') for heat maps and maps.",
         example=('p = palette("BuGn", 4); print p;', "p\nCXEDF8FB CXB2E2E2 CX66C2A4 CX238B45\n"))
def palette(name, num_colors):
    key = to_str(name).strip().upper()
    if key not in SCHEMES:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f'"{to_str(name).strip()}" is not a palette; names are ' + " ".join(sorted(SCHEMES)))
    n = to_float(num_colors)
    sizes = SCHEMES[key]
    if n != n or n != int(n) or int(n) not in sizes:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the {KINDS[key]} palette {key} has {min(sizes)} to {max(sizes)} colors, not {n:g}")
    codes = ["CX" + c for c in sizes[int(n)].split()]
    return char_matrix([codes])
