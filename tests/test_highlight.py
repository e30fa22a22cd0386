"""The Pygments lexer of IML (imlpy/highlight.py) and its `pygments.lexers` plugin registration."""
from __future__ import annotations

import pytest

pygments = pytest.importorskip("pygments")

from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation,  # noqa: E402
                            String, Whitespace)

from imlpy.frontends.highlight import IMLLexer  # noqa: E402


def tokens(code):
    return [(t, v) for t, v in IMLLexer().get_tokens(code) if t is not Whitespace and v.strip()]


def kinds(code):
    return {v: t for t, v in tokens(code)}


def test_iml_operators_are_single_tokens():
    code = "z = a @ b || c // d # e ## 2 <> f >< g ** 3 * h` + m[<:>, >:<] ^= 1;"
    toks = tokens(code)
    ops = [v for t, v in toks if t is Operator]
    assert ops == ["=", "@", "||", "//", "#", "##", "<>", "><", "**", "*", "`", "+", "<:>", ">:<", "^="]
    assert not any(t in Comment for t, v in toks)           # `//` is concatenation, not a comment


def test_keywords_builtins_names_strings_numbers():
    k = kinds('do i = 1 to 3; y = sqrt(x) + 2.5e1; print y[c={"a" "b"}] "it""s"; end;')
    assert k["do"] is Keyword and k["to"] is Keyword and k["print"] is Keyword and k["end"] is Keyword
    assert k["sqrt"] is Name.Builtin
    assert k["x"] is Name and k["y"] is Name
    assert k["1"] is Number.Integer and k["2.5e1"] is Number.Float
    assert k['""'] is String.Escape and k["a"] in String
    assert k["{"] is Punctuation and k[";"] is Punctuation


def test_builtin_only_where_called_and_user_modules():
    k = kinds("max = 3; start center(q); return(q - max(q)); finish; call center(w);")
    toks = tokens("max = 3; start center(q); return(q - max(q)); finish;")
    assert toks[0] == (Name, "max")                     # a variable named MAX
    assert (Name.Builtin, "max") in toks                # MAX(q) the builtin
    assert k["start"] is Keyword and k["finish"] is Keyword and k["call"] is Keyword
    assert k["center"] is Name.Function


def test_comments_and_missing_values():
    toks = tokens("* a statement comment;\nx = 2 * 3; * another;\ny = . + .A; /* block\n comment */")
    assert toks[0] == (Comment.Single, "* a statement comment;")
    assert (Comment.Single, "* another;") in toks
    assert (Operator, "*") in toks                       # 2 * 3 is a product
    assert (Keyword.Constant, ".") in toks and (Keyword.Constant, ".A") in toks
    assert any(t is Comment.Multiline and "block" in v for t, v in toks)


def test_single_quoted_strings_with_doubled_quotes():
    toks = tokens("s = 'don''t';")
    assert (String.Escape, "''") in toks
    assert "".join(v for t, v in toks if t in String) == "'don''t'"


def test_plugin_found_by_name_and_file_name():
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    lexer = get_lexer_by_name("iml")
    assert type(lexer).__name__ == "IMLLexer" and "iml" in lexer.aliases
    assert type(get_lexer_for_filename("prog.iml")).__name__ == "IMLLexer"


def test_round_trip_keeps_text():
    code = "proc iml;\n  x = {1 2, 3 4};\n  print (x @ x)[L=\"k\"];\nquit;\n"
    assert "".join(v for t, v in IMLLexer().get_tokens(code)) == code
