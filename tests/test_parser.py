"""The parser on real-world SAS/IML syntax: one regression test per construct it accepts.

Each test parses a snippet (the way it is written in published SAS/IML programs) and checks the
syntax tree, so a construct that is accepted must also mean what SAS says it means.
"""
import numpy as np
import pytest

from imlpy.language import ast as A
from imlpy.language.frontend import parse, syntax_errors
from imlpy.language.parser import is_complete

from helpers import run


def one(code):
    stmts = parse(code)
    assert len(stmts) == 1, stmts
    return stmts[0]


def data(code):
    node = one(code)
    assert isinstance(node, A.DataStmt), node
    return node


# ---------------------------------------------------------------- names that are also keywords
@pytest.mark.parametrize("name", ["index", "sort", "list", "start", "read", "find", "call", "print",
                                  "summary", "delete", "use", "close", "end", "free", "show"])
def test_statement_keyword_used_as_a_variable(name):
    node = one(f"{name} = 3;")
    assert isinstance(node, A.Assign) and node.name == name
    node = one(f"{name}[2] = 3;")
    assert isinstance(node, A.Assign) and node.subscript is not None


def test_keyword_variable_runs():
    r = run("index = 1:3; index = index + 1; list = 5; sort = index[2];")
    assert r.status == 0, r.log
    assert r["index"].tolist() == [[2, 3, 4]] and r["sort"] == 3 and r["list"] == 5


def test_keywords_still_start_statements():
    assert isinstance(one("print x;"), A.Print)
    assert one("index age;").action == "index"
    assert one("sort ds out=s by age;").action == "sort"
    assert isinstance(one("free / a b;"), A.Free) and one("free / a b;").except_names == ["a", "b"]


def test_function_call_with_no_arguments():
    node = one("L = ListCreate();")
    assert isinstance(node.value, A.Call) and node.value.args == []


# ---------------------------------------------------------------- CALL and PRINT forms
def test_keyword_options_after_call_arguments():
    node = one('call heatmapcont(x) colorramp="ThreeColor" title="My title" range={-1 1};')
    assert isinstance(node, A.CallStmt) and node.name == "heatmapcont"
    assert [k for k, _ in node.kwargs] == ["colorramp", "title", "range"]


def test_print_option_forms():
    node = one('print x[c={"a" "b"} r=rn L="lbl" format=8.2], y[F=Best5.] (x`)[label="t"] "text" / z;')
    kinds = [i.kind for i in node.items]
    assert kinds == ["name", "newline", "name", "expr", "text", "page", "name"]
    assert set(node.items[0].options) == {"c", "r", "l", "format"}
    assert node.items[0].options["format"] == ("format", "8.2")
    assert node.items[2].options["f"] == ("format", "Best5.")


def test_print_list_item_labels():
    node = one("print ogive[F=Best5. r=(L$'YPts') c=(L$'XPts')];")
    assert isinstance(node.items[0].options["r"], A.ListItem)


# ---------------------------------------------------------------- data-set clauses
def test_use_var_where_nobs():
    node = data('use sashelp.class var {age height} where(sex = "F" & age > 12) nobs n;')
    assert node.dataset == ("name", "sashelp", "class")
    assert node.clauses["nobs"] == "n"
    cond = node.clauses["where"]
    assert isinstance(cond, A.BinOp) and cond.op == "&"
    assert cond.left.op == "=" and cond.right.op == ">"


@pytest.mark.parametrize("text, op", [
    ("name ? 'A'", "?"), ("name ^? 'A'", "^?"), ("name ~? 'A'", "^?"), ("name contains 'A'", "?"),
    ("name =: 'A'", "=:"), ("name =* 'A'", "=*"), ("age ^= .", "^="), ("age ~= .", "~="),
    ("name in {'A' 'B'}", "="), ("name not in {'A' 'B'}", "^="), ("name ^in {'A'}", "^="),
])
def test_where_operators(text, op):
    cond = data(f"use a where({text});").clauses["where"]
    assert isinstance(cond, A.BinOp) and cond.op == op and isinstance(cond.left, A.Var)


def test_where_operators_only_inside_where():
    assert syntax_errors("x = a ? b;")
    assert syntax_errors("x = a contains b;")
    assert isinstance(one("in = 2;"), A.Assign)          # IN is a keyword only inside WHERE


def test_read_clauses():
    node = data("read all var _NUM_ into X[colname=varNames] where(age > 12);")
    assert node.clauses["range"] == ("all", None)
    name, opts = node.clauses["into"]
    assert name == "x" and "colname" in opts
    node = data("read point 3 var {age};")
    assert node.clauses["range"][0] == "point"


def test_create_from_several_matrices():
    node = data("create ds from a b[c={'a' 'b'}];")
    names, opts = node.clauses["from_names"]
    assert names == ["a", "b"] and "c" in opts
    node = data("create ds from a[c=names];")
    assert node.clauses["from"][0] == "a"


def test_summary_statement_words():
    node = data("summary var {height} class {sex} stat{mean std} opt{save};")
    assert node.action == "summary"


# ---------------------------------------------------------------- SAS text inside IML
def test_submit_block_body_is_not_parsed():
    stmts = parse("x = 1;\nsubmit x y;\n  proc print data=a; run;\n  data b; set a; run;\nendsubmit;\ny = 2;")
    assert [type(s).__name__ for s in stmts] == ["Assign", "Raw", "Assign"]
    assert stmts[1].keyword == "submit" and "proc print" in stmts[1].text


def test_submit_block_without_endsubmit_runs_to_the_end():
    stmts = parse("x = 1;\nsubmit;\n proc sgplot data=a; scatter x=x y=y;")
    assert [s.keyword for s in stmts if isinstance(s, A.Raw)] == ["submit"]


def test_macro_statements_are_raw():
    stmts = parse("%let n = 3;\n%macro foo(a=1);\n%if &a %then %do;\nx = 1;\n%end;\n%mend;\n%foo(a=2);")
    kinds = [s.keyword if isinstance(s, A.Raw) else type(s).__name__ for s in stmts]
    assert kinds == ["%let", "%macro", "%if", "Assign", "%end", "%mend", "%foo"]


def test_macro_references_parse_and_fail_clearly_at_run_time():
    node = one("x = &n + &m.;")
    assert isinstance(node.value, A.BinOp) and isinstance(node.value.left, A.MacroRef)
    assert isinstance(one("y = {1 &rho, &rho 1};").value, A.MacroRef)
    assert isinstance(one("read all var {Percent F_&hVar};").clauses["var"], A.MacroRef)
    assert isinstance(one("use &DSName;").dataset[1], A.MacroRef)
    assert isinstance(one("x = %sysfunc(ranuni(0));").value, A.MacroRef)
    r = run("x = {1 &never_defined_zz};")
    assert r.status == 2 and "macro" in r.log.lower() and "Traceback" not in r.text


def test_double_ampersand_is_and():
    node = one("idx = loc(t >= 1 && t <= 2);")
    assert node.value.args[0].op == "&"


def test_statement_labels_and_goto():
    stmts = parse("lbl1: x = 1;\ngoto lbl1;")
    assert isinstance(stmts[0], A.Label) and stmts[0].name == "lbl1"
    assert isinstance(stmts[2], A.Goto) and stmts[2].label == "lbl1"


@pytest.mark.parametrize("code, action", [
    ('file "out.txt";', "file"), ("put x 8.2 @;", "put"), ('closefile "out.txt";', "closefile"),
    ('infile "in.txt" missover;', "infile"), ("input a b $ 10-20;", "input"),
    ("display w.g;", "display"), ('window w group=g #1 "x" x;', "window"),
])
def test_file_and_window_statements(code, action):
    node = data(code)
    assert node.action == action and node.text == code


def test_file_statement_runs_to_a_clear_error():
    r = run('file "out.txt"; x = 1;')
    assert r.status == 2 and "FILE" in r.log and r["x"] == 1 and "Traceback" not in r.text


def test_datalines_block():
    stmts = parse("length Name $1;\ninput Name x y;\ndatalines;\nA 0.5 1\nB 1 0\n;\nx = 1;")
    assert [type(s).__name__ for s in stmts] == ["Raw", "DataStmt", "Raw", "Assign"]
    assert stmts[2].keyword == "datalines"


def test_mattrib():
    node = one('mattrib x rowname=r colname=c label="M" format=8.2;')
    assert isinstance(node, A.Mattrib) and node.targets[0][0] == "x"


# ---------------------------------------------------------------- literals and subscripts
def test_special_missing_values_in_literals():
    value = one("x = {. .A .Z ._};").value.value
    assert value.shape == (1, 4) and np.isnan(value).all()


def test_empty_literal_and_list_forms():
    assert one("x = {};").value.text == "{}"
    node = one('y = L$"x"[1];')
    assert isinstance(node.value, A.Subscript) and isinstance(node.value.operand, A.ListItem)


@pytest.mark.parametrize("code", ["z = x[ , ];", "z = x[,];", "z = x[ + , ];", "z = x[ , 2 ];"])
def test_subscript_spacing(code):
    node = one(code)
    assert isinstance(node.value, A.Subscript) and len(node.value.items) == 2


@pytest.mark.parametrize("text, value", [(".5", 0.5), ("5.", 5.0), ("1E-3", 1e-3), ("1e+3", 1000.0),
                                         ("2.5e2", 250.0)])
def test_number_forms(text, value):
    assert one(f"a = {text};").value.value == value


def test_comments():
    # SAS comments do not nest: the first */ ends the comment, so `x = 1;` is code
    stmts = parse("/* comment /* inner */ x = 1;\n* star comment /* with */ text;\ny = 2;")
    assert [s.name for s in stmts] == ["x", "y"]


def test_is_complete_for_the_repl():
    assert not is_complete("do i = 1 to 3;")
    assert is_complete("do i = 1 to 3; end;")
    assert not is_complete("x = {1 2,")
    assert is_complete("index = 3;")


# ---------------------------------------------------------------- the fast parser agrees with the grammar
def _dump(x):
    """A comparable form of a syntax tree (numpy values by dtype, shape and content)."""
    import dataclasses
    if isinstance(x, (list, tuple)):
        return [_dump(y) for y in x]
    if isinstance(x, dict):
        return {k: _dump(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return ("array", x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, float) and x != x:
        return ("nan", np.float64(x).tobytes())
    if dataclasses.is_dataclass(x):
        return (type(x).__name__, [(f.name, _dump(getattr(x, f.name))) for f in dataclasses.fields(x)])
    return x


CORE_PROGRAMS = [
    "x = 1; y = -2##2; z = 2##-1; w = ^x = 1; v = a || b // c <> d >< e;",
    "m = {1 2 3, 4 5 6}; c = {'a' \"bb\", c D}; e = {}; r = {[2] 1 -3 +.5 1e-3 5. ., .A ._ 1 2 3 4 5};",
    "s = x[+, ]; t = x[ , 2]; u = x[<:>]; v = x[1]; w = x[]; q = x[:, ##]; p = (x`)[2, 1];",
    "L = [1, #'a' = 2, #b = {3 4}, , ]; M = []; y = L$1; z = L$'a'[1]; L$2 = 5; L$(k)$1 = 0;",
    "a = f(); b = g(,); c = h(x, , y); d = (a + b)` * c`; e = -(a) # ~b & ^c | d ! e;",
    "if x > 0 then y = 1; else if x < 0 then y = -1; else y = 0;",
    "if a then do; b = 1; end; else do; c = 2; end;\nif a then; else;",
    "do i = 1 to n by 2; x[i] = i; end;\ndo while(k < 3); k = k + 1; end;\ndo until(k > 9); end;",
    "do k = 1 to 3 while(ok) until(done); end; do; end;",
    "start f(a, b=, c=2, d) global(g1, g2); return (a + b); finish f;\nstart; x = 1; finish;",
    "start g; free x y / z; free / a; run; finish;\nrun g; run f(1, 2) opt=3; call f(1) color=\"red\" n=2;",
    "print x, y[c={'a' 'b'} r=rn L=\"lbl\" format=8.2] (x`)[F=Best5. label='t'] \"text\" / z;",
    "print m[f=$char10.], n[format=comma10.2];",
    "proc iml;\ntitle 'A title';\nods graphics on;\nx = 1;\nstop;\nabort 'msg';\nquit;",
    "index = 1; list = 2; start = 3; end = 4; if = 5; data = 6; title = 7; x = data + title;",
    "/* comment */ x = 1; * statement comment;\ny = 2 /* inline */ + 3;\nz = 'it''s' || \"a\"\"b\";",
    "x = 1 <= 2 >= 3 ^= 4 ~= 5 < 6 > 7 = 8; y = 1:3 || 4:6; z = a && b; w = x ** 2 @ y;",
]


@pytest.mark.parametrize("code", CORE_PROGRAMS)
def test_fast_parser_gives_the_grammar_tree(code):
    from imlpy.language import parser as P
    from imlpy.language.fastparse import fast_parse
    text = P.strip_statement_comments(code)
    fast = fast_parse(text)                              # must not Bail on the common core
    grammar = P._transform(P.lark_parser().parse(text), text)
    assert _dump(fast) == _dump(grammar)


def test_fast_parser_agrees_on_the_examples():
    import glob
    import os
    from imlpy.language import parser as P
    from imlpy.language.fastparse import Bail, fast_parse
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
    checked = 0
    for path in sorted(glob.glob(os.path.join(here, "*.iml"))):
        with open(path, encoding="utf-8") as fh:
            text = P.strip_statement_comments(fh.read())
        try:
            fast = fast_parse(text)
        except Bail:
            continue
        assert _dump(fast) == _dump(P._transform(P.lark_parser().parse(text), text)), path
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("code", [
    "x = ;", "x = {1 2, 3};", "x = {1 'a'};", "print x[1];", "do i = 1 to; end;", "x = +3;",
    "if x then", "x = {- 1};", "x = a b;", "start f(; finish;",
])
def test_invalid_programs_get_the_grammar_errors(code):
    import os
    from imlpy.language import parser as P
    errors = syntax_errors(code)
    assert errors, code
    from imlpy.language import frontend
    old = frontend.FAST
    try:
        frontend.FAST = False
        lark_errors = syntax_errors(code)
    finally:
        frontend.FAST = old
    assert [(e.line, e.column, e.message) for e in errors] == \
        [(e.line, e.column, e.message) for e in lark_errors]


def test_parse_speed():
    """Generated code takes the fast path, several times faster than the grammar alone (on an idle
    machine about 25,000 lines/s against 2,500; compared, not timed absolutely, because machines
    and tracers such as coverage vary)."""
    import time
    from imlpy.language import parser as P
    from imlpy.language.fastparse import fast_parse
    lines = []
    for i in range(1000):
        lines.append([f"x{i} = a{i} # (b + {i}.5) // c[{i % 7 + 1}, ] - sum(d, 2)`;",
                      f"if x{i} > {i} then y = {{1 2, 3 4}}; else y = x[+, 2];",
                      f"do j = 1 to {i} by 2; z[j] = f(j, ., 'text'); end;",
                      f"print x{i}[c={{'a' 'b'}} format=8.2] y;",
                      f"call randgen(w{i}, 'Normal', 0, 1);"][i % 5])
    text = "\n".join(lines)
    assert len(fast_parse(text)) == 1000          # no Bail: the whole program is in the core

    def best(fn):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)
    fast = best(lambda: parse(text))
    from imlpy.language import frontend
    old = frontend.FAST
    try:
        frontend.FAST = False
        grammar = best(lambda: parse(text))
    finally:
        frontend.FAST = old
    assert grammar / fast > 4, f"fast {1000 / fast:.0f} lines/s, grammar {1000 / grammar:.0f} lines/s"
