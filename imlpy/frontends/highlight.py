"""Syntax colouring of SAS/IML: a Pygments lexer, `IMLLexer`, registered as the plugin `iml`.

pyproject.toml declares it under the `pygments.lexers` entry point, so any Pygments-based tool
(`pygmentize -l iml`, Sphinx, the REPL) finds it by name. Pygments is optional
(`pip install 'imlpy[highlight]'`); without it this module cannot be imported and the REPL
simply runs uncoloured.

Why not extend Pygments' SASLexer: it is built for DATA/PROC step code (its keyword and
function lists, `cards;` and `%put` states), knows no IML statements or operators, and only sees
`* comment;` at the start of a line. IML needs its own operator table
(`@ || // # ## <> >< ** ` <:> >:<`), `{...}` matrix literals, and the rule that a `*` where a
statement begins (also after a `;` on the same line) starts a comment ending at the next `;`.
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (Comment, Keyword, Name, Number, Operator, Punctuation, String, Text,
                            Whitespace)

from ..builtins import REGISTRY
from ..builtins.registry import NOT_YET
from ..language.keywords import CLAUSE_KEYWORDS, STATEMENT_KEYWORDS

__all__ = ["IMLLexer", "STATEMENT_KEYWORDS", "builtin_names"]

_NAME_END = r"(?![A-Za-z0-9_])"


def builtin_names() -> list:
    """Every IML builtin imlpy knows: the registry plus the documented-but-missing names."""
    return sorted(set(REGISTRY) | set(NOT_YET))


def _builtin_call_rule():
    """A builtin is coloured where it is called — NAME( — so a variable named MAX stays a name."""
    names = builtin_names()
    if not names:
        return (r"(?!)", Name.Builtin)
    return (words(names, prefix=r"(?<![A-Za-z0-9_])", suffix=r"(?=\s*\()"), Name.Builtin)


class IMLLexer(RegexLexer):
    """Lexer for the SAS/IML matrix language (the statements inside PROC IML)."""

    name = "SAS/IML"
    aliases = ["iml", "sas-iml", "sasiml"]
    filenames = ["*.iml"]
    mimetypes = ["text/x-sas-iml"]
    url = "https://documentation.sas.com/doc/en/imlug/latest/titlepage.htm"

    flags = re.IGNORECASE | re.MULTILINE

    tokens = {
        "root": [
            # `* comment;` where a statement begins: at the very start, or right after a `;`
            (r"(\A\s*)(\*[^;]*;?)", bygroups(Whitespace, Comment.Single)),
            (r"(?<=;)(\s*)(\*[^;]*;?)", bygroups(Whitespace, Comment.Single)),
            (r"/\*", Comment.Multiline, "comment"),
            (r"\s+", Whitespace),
            (r'"', String.Double, "dstring"),
            (r"'", String.Single, "sstring"),
            # numbers before operators so that `1.5` is one token; `.A` is a special missing value
            (r"(\d+\.\d*|\.\d+)(e[+-]?\d+)?" + _NAME_END, Number.Float),
            (r"\d+e[+-]?\d+" + _NAME_END, Number.Float),
            (r"\d+" + _NAME_END, Number.Integer),
            (r"\.[a-z_]?" + _NAME_END, Keyword.Constant),
            # IML operators, longest first: reductions <:> >:<, concatenation || //, direct
            # product #, power ##/**, elementwise max/min <> ><, Kronecker @, transpose `
            (r"<:>|>:<|\|\||//|##|\*\*|<>|><|<=|>=|\^=|~=|¬=", Operator),
            (r"[-+*/#@<>=&|^~¬:`!$]", Operator),
            (r"[{}\[\](),;]", Punctuation),
            _builtin_call_rule(),
            (words(STATEMENT_KEYWORDS, prefix=r"(?<![A-Za-z0-9_])", suffix=_NAME_END), Keyword),
            (words(CLAUSE_KEYWORDS, prefix=r"(?<![A-Za-z0-9_])", suffix=_NAME_END), Keyword.Pseudo),
            (r"[a-z_][a-z0-9_]*(?=\s*\()", Name.Function),
            (r"%[a-z_][a-z0-9_]*", Name.Decorator),      # SAS macro statements (%let, %include)
            (r"[a-z_][a-z0-9_]*", Name),
            (r".", Text),
        ],
        "comment": [
            (r"[^*]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"\*", Comment.Multiline),
        ],
        "dstring": [
            (r'""', String.Escape),
            (r'"', String.Double, "#pop"),
            (r'[^"]+', String.Double),
        ],
        "sstring": [
            (r"''", String.Escape),
            (r"'", String.Single, "#pop"),
            (r"[^']+", String.Single),
        ],
    }

    def analyse_text(text):
        """Guess IML from `proc iml`, `start ...; finish;` modules or `||`/`//` with `{`."""
        low = text.lower()
        if "proc iml" in low:
            return 0.9
        if "finish;" in low and "start " in low:
            return 0.4
        if "{" in text and ("||" in text or "//" in text):
            return 0.1
        return 0.0
