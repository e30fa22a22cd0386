"""PRINT: from values to SAS listing-style text (and a table model other renderers can use).

Layout rules (see the project's PRINT golden tests):
  * a PRINT statement's items sit side by side, top-aligned, 2 blanks apart (RESET SPACES=);
    a comma in the item list starts a new group below, after a blank line;
  * numbers are right-aligned in fields at least FW (9) wide, formatted BEST9. unless FORMAT=;
    character columns are left-aligned, as wide as the element length; 1 blank between columns;
  * the header line holds the name (or LABEL=) above the first column; with ROWNAME= a label
    column comes first, holding the name in its header, and a blank line follows the header;
    COLNAME= values head the columns;
  * a matrix wider than the line continues its columns in further sections.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from ..language import ast as A
from .. import errors as E
from .formats import Format, best, parse_format
from ..matrix.tables import DataTable, char_result, column_numbers
from ..matrix.values import IMLList, as_array, char_width, is_char, shape_of, to_str, type_code


@dataclass
class Table:
    """One printed item, before it becomes text or HTML."""
    label: str
    cells: list                       # rows of formatted cell strings
    numeric: bool
    rownames: Optional[list] = None
    colnames: Optional[list] = None
    width: int = 9                    # minimum column width (FW for numbers, NLENG for text)
    message: bool = False
    align: Optional[list] = None      # per-column right-alignment (mixed tables); else `numeric`


# ---------------------------------------------------------------- value -> Table
def numeric_cells(arr: np.ndarray, fmt: Optional[Format], fw: int, fuzz: bool) -> list:
    if fuzz:
        arr = np.where(np.abs(arr) < 1e-12, 0.0, arr)
    if fmt is None:
        return [[best(float(x), fw) for x in row] for row in arr]
    return [[fmt.text(float(x)) for x in row] for row in arr]


def names_from(value, count: int) -> list:
    """ROWNAME=/COLNAME=: the first `count` elements, row by row, as text."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value][:count]
    arr = as_array(value)
    if arr.dtype.kind == "U":
        flat = [str(s) for s in arr.reshape(-1)]
    else:
        flat = [best(float(x), 9) for x in arr.reshape(-1)]
    return flat[:count]


def make_table(session, label: str, value: Any, options: dict) -> Table:
    if value is None or (type(value) is np.ndarray and value.size == 0):
        raise E.not_set(label)
    arr = as_array(value)
    nrow, ncol = arr.shape
    rownames = options.get("rowname")
    colnames = options.get("colname")
    if session.options.get("autoname"):
        rownames = rownames if rownames is not None else [f"ROW{i + 1}" for i in range(nrow)]
        colnames = colnames if colnames is not None else [f"COL{j + 1}" for j in range(ncol)]
    rn = names_from(rownames, nrow) if rownames is not None else None
    cn = names_from(colnames, ncol) if colnames is not None else None
    if rn is not None:
        rn = rn + [""] * (nrow - len(rn))
    if cn is not None:
        cn = cn + [""] * (ncol - len(cn))
    if arr.dtype.kind == "U":
        cells = [[str(s) for s in row] for row in arr]
        return Table(label, cells, False, rn, cn, char_width(arr))
    fmt = options.get("format")
    fw = session.options.get("fw", 9)
    cells = numeric_cells(arr, fmt, fw, session.options.get("fuzz"))
    width = max(fw, fmt.w) if fmt is not None else fw          # FRACT. is FRACT10., BEST. is BEST12.
    return Table(label, cells, True, rn, cn, width)


# ---------------------------------------------------------------- Table -> text blocks
def _column_widths(t: Table) -> list:
    ncol = len(t.cells[0]) if t.cells else 0
    widths = []
    for j in range(ncol):
        w = max([t.width] + [len(row[j]) for row in t.cells])
        if t.colnames is not None:
            w = max(w, len(t.colnames[j]))
        widths.append(w)
    return widths


def _align(text: str, width: int, right: bool) -> str:
    return text.rjust(width) if right else text.ljust(width)


def render_table(t: Table, linesize: int) -> list:
    """The table as one or more blocks (lists of lines); wide tables continue in sections."""
    if t.message:
        return [["", t.label]]
    widths = _column_widths(t)
    label_width = 0
    if t.rownames is not None:
        label_width = max([len(t.label)] + [len(r) for r in t.rownames])
    sections = _split_columns(widths, label_width, linesize)
    blocks = []
    for cols in sections:
        blocks.append(_render_section(t, widths, cols, label_width))
    return blocks


def _split_columns(widths: list, label_width: int, linesize: int) -> list:
    sections, current, used = [], [], label_width + (1 if label_width else 0)
    for j, w in enumerate(widths):
        extra = w + (1 if current else 0)
        if current and used + extra > linesize:
            sections.append(current)
            current, used = [], label_width + (1 if label_width else 0)
            extra = w
        current.append(j)
        used += extra
    sections.append(current)
    return sections


def _render_section(t: Table, widths: list, cols: list, label_width: int) -> list:
    right = t.numeric
    rights = t.align if t.align is not None else [right] * len(widths)
    lines = []
    if t.rownames is not None:
        head = t.label.ljust(label_width)
        if t.colnames is not None:
            head += " " + " ".join(_align(t.colnames[j], widths[j], rights[j]) for j in cols)
        lines.append(head)
        lines.append("")
        for i, row in enumerate(t.cells):
            lines.append(t.rownames[i].ljust(label_width) + " " +
                         " ".join(_align(row[j], widths[j], rights[j]) for j in cols))
        return lines
    first = widths[cols[0]] if cols else 0
    right = rights[cols[0]] if cols else right
    # a label longer than the first column spans the columns, starting at the left edge
    lines.append(_align(t.label, first, right) if len(t.label) <= first else t.label)
    if t.colnames is not None:
        lines.append(" ".join(_align(t.colnames[j], widths[j], rights[j]) for j in cols))
    for row in t.cells:
        lines.append(" ".join(_align(row[j], widths[j], rights[j]) for j in cols))
    return lines


def layout_group(blocks: list, spaces: int, linesize: int) -> list:
    """Blocks side by side, top-aligned; a block that does not fit starts a new row of blocks."""
    rows, current, used = [], [], 0
    for block in blocks:
        w = max((len(line) for line in block), default=0)
        if current and used + spaces + w > linesize:
            rows.append(current)
            current, used = [], 0
        used += (spaces if current else 0) + w
        current.append((block, w))
    if current:
        rows.append(current)
    lines = []
    for k, row in enumerate(rows):
        if k:
            lines.append("")
        if all(not b[0].strip() for b, _ in row):
            # nothing but messages and unlabelled expressions: no header line at all
            row = [(b[1:], w) for b, w in row]
        height = max(len(b) for b, _ in row)
        for i in range(height):
            parts = []
            for b, w in row:
                parts.append((b[i] if i < len(b) else "").ljust(w))
            lines.append((" " * spaces).join(parts).rstrip())
    return lines


def render_print(session, groups: list) -> str:
    """groups: list of lists of Tables (a comma in PRINT starts a new group)."""
    linesize = session.options.get("linesize", 100)
    spaces = session.options.get("spaces", 2)
    out = []
    for g, tables in enumerate(groups):
        if not tables:
            continue
        blocks = []
        for t in tables:
            blocks.extend(render_table(t, linesize))
        if out:
            out.append("")
        out.extend(layout_group(blocks, spaces, linesize))
    titles = [session.titles[k] for k in sorted(session.titles)] if session.titles else []
    text = "\n".join(titles + ([""] if titles else []) + out)
    text = text + "\n\n" if text else ""
    sink = getattr(session, "print_sink", None)
    if sink is not None and text:
        # a front end that renders tables itself (the Jupyter kernel): it gets the Table
        # model and the listing text, and nothing goes to the text output
        sink(groups, text)
        return ""
    return text


# ---------------------------------------------------------------- PRINT statement
def _item_options(session, compiler, item: A.PrintItem) -> Callable:
    """A closure evaluating one item's [options] at run time into a plain dict."""
    compiled = []
    for key, value in item.options.items():
        name = {"c": "colname", "colname": "colname", "r": "rowname", "rowname": "rowname",
                "l": "label", "label": "label", "f": "format", "format": "format"}.get(key)
        if name is None:
            raise E.IMLRuntimeError(f"PRINT option {key.upper()}= is not recognised.",
                                    hint="PRINT options are COLNAME= (C=), ROWNAME= (R=), LABEL= (L=) and FORMAT= (F=)")
        if isinstance(value, tuple) and value[0] == "format":
            fmt = parse_format(value[1])
            compiled.append((name, lambda env, fmt=fmt: fmt))
        else:
            compiled.append((name, compiler.expr(value)))

    def evaluate(env) -> dict:
        opts = {}
        for name, fn in compiled:
            v = fn(env)
            if name == "format" and not isinstance(v, Format):
                v = parse_format(to_str(v))
            elif name == "label":
                v = to_str(v) if is_char(v) else best(float(v), 9)
            opts[name] = v
        return opts
    return evaluate


def compile_print(compiler, node: A.Print) -> Callable:
    session = compiler.session
    plan = []     # ('newline',) or (kind, value closure, options closure, label)
    for item in node.items:
        if item.kind in ("newline", "page"):
            plan.append(("newline", None, None, ""))
        elif item.kind == "text":
            plan.append(("text", None, None, item.value))
        elif item.kind == "name":
            plan.append(("name", compiler.expr(item.value), _item_options(session, compiler, item),
                         item.value.spelling or item.value.name))
        else:
            plan.append(("expr", compiler.expr(item.value), _item_options(session, compiler, item), ""))

    def print_statement(env):
        groups = [[]]
        for kind, value, options, label in plan:
            if kind == "newline":
                groups.append([])
            elif kind == "text":
                groups[-1].append(Table(label, [], False, message=True))
            else:
                opts = options(env)
                v = value(env)
                name = opts.get("label", label)
                attrs = session.attributes.get(label.lower(), {}) if kind == "name" else {}
                merged = {**attrs, **opts}
                groups[-1].extend(tables_for(session, name, v, merged))
        session.out(render_print(session, groups))
    return print_statement


def tables_for(session, name: str, value: Any, options: dict) -> list:
    if getattr(value, "IML_TYPE", None) == "T":        # an IML table prints as TablePrint does
        return [print_model(session, value, options.get("label", name))]
    if isinstance(value, IMLList):
        tables = []
        for i, item in enumerate(value.items):
            key = value.names[i] or str(i + 1)
            if item is None or isinstance(item, IMLList):
                tables.append(Table(f"{name}${key}: " + ("(empty)" if item is None else "(list)"), [], False, message=True))
            elif getattr(item, "IML_TYPE", None) == "T":
                tables.append(print_model(session, item, f"{name}${key}"))
            else:
                tables.append(make_table(session, f"{name}${key}", item, {}))
        return tables
    return [make_table(session, name, value, options)]


def print_value(session, name: str, value: Any) -> str:
    """RESET PRINT's echo of an assignment, and the REPL's display of a value."""
    return render_print(session, [tables_for(session, name, value, session.attributes.get(name.lower(), {}))])


# ---------------------------------------------------------------- MATTRIB, SHOW, operands
def compile_mattrib(compiler, node: A.Mattrib) -> Callable:
    session = compiler.session
    plans = []
    for name, options in node.targets:
        item = A.PrintItem("name", None, options)
        plans.append((name, _item_options(session, compiler, item)))

    def mattrib(env):
        for name, options in plans:
            session.attributes.setdefault(name, {}).update(options(env))
    return mattrib


def describe_operand(name: str, value: Any) -> list:
    """The lines SAS shows for an operand in an error message."""
    if value is None or (type(value) is np.ndarray and value.size == 0):
        return [f"{name:<8} 0 rows      0 cols    (unvalued)"]
    if isinstance(value, IMLList):
        return [f"{name:<8} list with {len(value.items)} items"]
    if getattr(value, "IML_TYPE", None) == "T":
        return [f"{name:<8} table with {value.nobs} rows and {value.nvars} columns"]
    r, c = shape_of(value)
    kind = "numeric"
    if is_char(value):
        kind = f"character, size {char_width(value)}"
    line = f"{name:<8} {r:>6} {'row ' if r == 1 else 'rows'}  {c:>6} {'col ' if c == 1 else 'cols'}   ({kind})"
    lines = [line]
    if r * c <= 12 and r <= 3:
        arr = as_array(value)
        for row in arr:
            if arr.dtype.kind == "U":
                lines.append("  " + " ".join(str(s) for s in row))
            else:
                lines.append(" ".join(best(float(x), 9).rjust(9) for x in row))
    return lines


def show_names(env: dict) -> str:
    lines = []
    for name in sorted(env):
        value = env[name]
        if isinstance(value, IMLList):
            lines.append(f" {name.upper():<16} list   {len(value.items):>6} items")
            continue
        r, c = shape_of(value)
        t = type_code(value)
        kind = {"N": "num", "C": "char", "U": "unv"}.get(t, t)
        size = 8 if t == "N" else (char_width(value) if t == "C" else 0)
        lines.append(f" {name.upper():<16} {r:>6} rows {c:>6} cols {kind:<4} {size:>6}")
    lines.append(f"  Number of symbols = {len(env)}")
    return "\n".join(lines) + "\n\n"


def show_modules(modules: dict) -> str:
    if not modules:
        return " No modules are defined.\n\n"
    lines = []
    for name, mod in sorted(modules.items()):
        params = mod.params
        sig = "" if params is None else "(" + ", ".join(p.name + ("=" if p.optional else "") for p in params) + ")"
        kind = "function" if mod.is_function else "subroutine"
        lines.append(f" {name.upper()}{sig}  {kind}")
    return "\n".join(lines) + "\n\n"


# ---------------------------------------------------------------- display (TablePrint, PRINT)
def print_model(session, table: DataTable, label: str, var=None, id_name: str = "#",
                colheader: str = "names", firstobs: int = 1, numobs: Optional[int] = None):
    """The table as one printing.Table: row headers (row numbers or the ID column), column
    headers (names, labels or none), cells formatted with each column's format (BEST9. for
    numbers without one); numbers right-aligned, text left-aligned, as PRINT does."""
    cols = column_numbers(table, var)
    id_col = None
    if id_name.strip() not in ("", "#"):
        id_col = column_numbers(table, char_result([id_name.strip()]))[0]
        if var is None:
            cols = [j for j in cols if j != id_col]
    start = max(firstobs, 1) - 1
    stop = table.nobs if numobs is None else min(table.nobs, start + max(numobs, 0))
    rows = np.arange(start, max(stop, start))
    fw = session.options.get("fw", 9)
    columns, align = [], []
    for j in cols:
        text = _cells(table, j, rows, fw, session, parse_format, numeric_cells)
        columns.append(text)
        align.append(table.kind(j) == "N")
    cells = [[columns[k][i] for k in range(len(cols))] for i in range(len(rows))]
    heads = None
    if colheader == "labels":
        heads = [table.labels[j] or table.names[j] for j in cols]
    elif colheader == "names":
        heads = [table.names[j] for j in cols]
    if id_col is None and (id_name or "").strip() == "":
        rownames = None             # ID="" suppresses the row headers
    elif id_col is None:
        rownames = [str(r + 1) for r in rows]
    else:
        rownames = [s.strip() for s in _cells(table, id_col, rows, fw, session, parse_format, numeric_cells)]
    return Table(label, cells, all(align), rownames, heads, 1, False, align)


def _cells(table, j, rows, fw, session, parse_format, numeric_cells) -> list:
    col = table.cols[j][rows]
    spec = table.formats[j]
    if table.kind(j) == "C":
        fmt = parse_format(spec) if spec else None
        texts = [fmt.text(str(s)) if fmt is not None and fmt.is_char else str(s) for s in col]
        return [t.ljust(table.width(j)) for t in texts]
    fmt = parse_format(spec) if spec else None
    if fmt is not None and fmt.is_char:
        fmt = None
    texts = numeric_cells(col.reshape(-1, 1), fmt, fw, session.options.get("fuzz"))
    return [row[0].rjust(fw) for row in texts]
