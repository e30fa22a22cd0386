"""Builtins of the SAS-program layer: data-set inquiry (CONTENTS, EXIST, CALL DELETE) and macro
variables (CALL SYMPUT, CALL SYMPUTX, SYMGET). The work is done in imlpy.datasets/dsops and
imlpy.sasprogram; they are imported when called, so the builtin table loads without them."""
from __future__ import annotations

from .. import errors as E
from ..values import char_matrix, float_repr, is_char, to_str
from .common import chars
from .registry import builtin


def _text(v) -> str:
    return to_str(chars(v)).strip()


@builtin("CONTENTS(<libref> <, member>)", "Names of the variables in a data set (or of the data sets in a library).",
         session=True)
def contents(session, lib=None, member=None):
    from ..dsops import contents as _contents
    names = _contents(session, lib, member)
    if not names:
        return char_matrix([[""]])
    return char_matrix([[n] for n in names], max(len(n) for n in names))


@builtin("EXIST(member-name)", "1 if the SAS data set exists (WORK, a LIBNAME library or SASHELP), else 0.",
         session=True)
def exist(session, name):
    from ..dsops import exists
    return 1.0 if exists(session, _text(name)) else 0.0


@builtin("DELETE(<libref,> member-name)", "Delete a SAS data set.", kind="call", session=True)
def delete(session, a, b=None):
    from ..dsops import delete_dataset
    name = _text(a) if b is None else f"{_text(a)}.{_text(b)}"
    delete_dataset(session, name)


def _macro_text(value, trim: bool) -> str:
    if is_char(value):
        text = str(value.flat[0])
        return text.strip() if trim else text
    if type(value) is float or (hasattr(value, "size") and value.size >= 1):
        x = float(value if type(value) is float else value.flat[0])
        text = float_repr(x) if x == x else "."
        return text if trim else text.rjust(12)
    raise E.not_set()


@builtin("SYMPUT(name, value)", "Set a macro variable (CALL SYMPUT); numbers are written with BEST12.",
         kind="call", session=True)
def symput(session, name, value):
    from ..sasprogram import macro_vars
    macro_vars(session)[_text(name).upper()] = _macro_text(value, trim=False)


@builtin("SYMPUTX(name, value)", "Set a macro variable, trimming blanks (CALL SYMPUTX).", kind="call", session=True)
def symputx(session, name, value):
    from ..sasprogram import macro_vars
    macro_vars(session)[_text(name).upper()] = _macro_text(value, trim=True)


@builtin("SYMGET(name)", "The value of a macro variable, as a character value.", session=True)
def symget(session, name):
    from ..sasprogram import macro_vars
    value = macro_vars(session).get(_text(name).upper())
    if value is None:
        raise E.IMLRuntimeError(f"The macro variable {_text(name).upper()} does not exist.",
                                hint="set it with %let or CALL SYMPUTX")
    return char_matrix([[value]], max(len(value), 1))
