"""The words of IML statements: statement keywords and the clause words that only have meaning
inside statements (SAS/IML User's Guide, "Language Reference: Statements"). The REPL completes
them and the syntax colouring uses them.
"""
from __future__ import annotations

STATEMENT_KEYWORDS = (
    "abort", "append", "call", "close", "closefile", "create", "delete", "display", "do", "edit",
    "else", "end", "file", "find", "finish", "footnote", "free", "global", "goto", "if", "index",
    "infile", "input", "libname", "link", "load", "mattrib", "pause", "print", "proc", "purge",
    "put", "quit", "read", "remove", "replace", "reset", "resume", "return", "run", "setin",
    "setout", "show", "sort", "start", "stop", "store", "submit", "endsubmit", "summary", "then",
    "title", "to", "by", "until", "use", "while", "window", "iml", "ods", "options", "package",
)
CLAUSE_KEYWORDS = (
    "all", "after", "current", "except", "from", "into", "module", "names", "modules", "next",
    "point", "var", "where", "format", "colname", "rowname", "label", "noprint",
)
