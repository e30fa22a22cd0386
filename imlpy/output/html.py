"""HTML rendering of PRINT output, for the Jupyter kernel.

The same Table model (printing.Table) that becomes the SAS listing becomes here one real
`<table>` per printed item: the item's name or LABEL= is the header above the columns, ROWNAME=
values head the rows (SAS prints the name above the row-label column), COLNAME= values head the
columns. Items of one PRINT group sit side by side, as SAS's HTML destination shows them; a comma
in the PRINT list starts a new group below. Cells keep their formatted text (BEST9., FORMAT=).
"""
from __future__ import annotations

from html import escape

from .printing import Table

_STYLE = ("<style>"
          ".imlpy-print{display:flex;flex-wrap:wrap;gap:1.5em;align-items:flex-start;margin:0.3em 0}"
          ".imlpy-print table{border-collapse:collapse;font-family:monospace}"
          ".imlpy-print th,.imlpy-print td{padding:1px 8px;border:1px solid #c8c8c8}"
          ".imlpy-print thead th{background:#edf2f9}"
          ".imlpy-print th.imlpy-row{background:#edf2f9;text-align:left}"
          ".imlpy-print td.num{text-align:right}.imlpy-print td.char{text-align:left}"
          ".imlpy-title{font-weight:bold;margin:0.3em 0}"
          "</style>")


def _cell(text: str) -> str:
    """Cell text, with blanks kept visible (a blank character cell is still a cell)."""
    return escape(text) if text.strip() else "&nbsp;"


def table_html(t: Table) -> str:
    """One printed item as a <table>; a PRINT text item ('...') as a paragraph."""
    if t.message:
        return f'<div class="imlpy-text">{escape(t.label)}</div>'
    ncol = len(t.cells[0]) if t.cells else 0
    kind = "num" if t.numeric else "char"
    head = []
    if t.rownames is not None:
        # SAS puts the item name above the row labels, column names above the columns
        cols = "".join(f"<th>{_cell(c)}</th>" for c in (t.colnames or [""] * ncol))
        head.append(f'<tr><th class="imlpy-row">{_cell(t.label)}</th>{cols}</tr>')
    else:
        if t.label:     # an unlabelled expression has no header line, as in the listing
            head.append(f'<tr><th colspan="{max(ncol, 1)}">{_cell(t.label)}</th></tr>')
        if t.colnames is not None:
            head.append("<tr>" + "".join(f"<th>{_cell(c)}</th>" for c in t.colnames) + "</tr>")
    body = []
    for i, row in enumerate(t.cells):
        kinds = [("num" if r else "char") for r in t.align] if t.align is not None else [kind] * len(row)
        cells = "".join(f'<td class="{k}">{_cell(c)}</td>' for k, c in zip(kinds, row))
        label = f'<th class="imlpy-row">{_cell(t.rownames[i])}</th>' if t.rownames is not None else ""
        body.append(f"<tr>{label}{cells}</tr>")
    thead = "<thead>" + "".join(head) + "</thead>" if head else ""
    return "<table>" + thead + "<tbody>" + "".join(body) + "</tbody></table>"


def print_html(groups: list, titles: list = ()) -> str:
    """A whole PRINT statement: TITLE lines, then each group of items side by side."""
    parts = [_STYLE]
    for title in titles:
        parts.append(f'<div class="imlpy-title">{escape(title)}</div>')
    for tables in groups:
        if not tables:
            continue
        parts.append('<div class="imlpy-print">' + "".join(table_html(t) for t in tables) + "</div>")
    return "".join(parts)
