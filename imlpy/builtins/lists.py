"""IML lists (SAS/IML 14.2+): LISTCREATE, LISTLEN, LISTGETITEM, CALL LISTSETITEM, LISTADDITEM,
LISTINSERTITEM, LISTDELETEITEM, names, nested sub-items and LISTPRINT.

A list is passed by reference: `call ListSetItem(L, 1, x);` changes the list that L holds, so
the CALL subroutines here modify their first argument in place. Items are copied into a list
(flag 'c', the default); flag 'm' moves the value, leaving the variable empty. An empty item is
held as None and reads back as an empty matrix. Positions are 1-based indices or item names
(case-insensitive).
"""
from __future__ import annotations

import numpy as np

from .. import errors as E
from ..matrix.values import EMPTY, IMLList, char_matrix, is_char, to_str
from .common import num
from .registry import builtin
from ..output.printing import make_table, render_print, Table


def _list(L, what="list") -> IMLList:
    if not isinstance(L, IMLList):
        raise E.IMLRuntimeError("The first argument must be a list.",
                                hint=f"the {what} argument is not a list; create one with ListCreate() or [ ... ]")
    return L


def _flag(flag, allowed: str) -> str:
    if flag is None:
        return "c"
    f = to_str(flag).strip().lower()[:1]
    if not f or f not in allowed:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint=f"the flag must be one of {', '.join(repr(c) for c in allowed)}")
    return f


def _positions(L: IMLList, pos) -> list:
    """0-based positions from numeric indices, names, or a list mixing both."""
    if isinstance(pos, IMLList):
        return [L.position(p) for p in pos.items]
    if is_char(pos):
        return [L.position(char_matrix([[str(s)]])) for s in pos.reshape(-1)]
    return [L.position(float(k)) for k in num(pos).reshape(-1)]


def _stored(v):
    """The value a list keeps for v (a copy of a list; None for an empty matrix)."""
    if v is None or (type(v) is np.ndarray and v.size == 0):
        return None
    return v.copy() if isinstance(v, IMLList) else v


def _read(v):
    if v is None:
        return EMPTY
    return v.copy() if isinstance(v, IMLList) else v


@builtin("LISTCREATE(<n | names>)", "A new list with n empty items, or with empty items named by names (no argument: an empty list).",
         example=("L = ListCreate(3);\nprint (ListLen(L));", '        3\n\n'))
def listcreate(arg=None):
    if arg is None:
        return IMLList()
    if is_char(arg):
        names = [str(s).strip() for s in arg.reshape(-1)]
        return IMLList([None] * len(names), names)
    n = num(arg)
    if n.size != 1 or n.flat[0] != n.flat[0] or n.flat[0] < 0:
        raise E.IMLRuntimeError(E.BAD_ARGUMENT, hint="ListCreate needs a nonnegative count or a vector of names")
    return IMLList([None] * int(n.flat[0]))


@builtin("LISTLEN(L)", "Number of items in the list.", example=("print (ListLen([1, 'a', {1 2}]));", '        3\n\n'))
def listlen(L):
    return float(len(_list(L).items))


@builtin("LISTGETITEM(L, pos <,flag>)", "The value of an item ('c' copy, default; 'm' move: the item becomes empty; 'd' delete it).",
         example=("L = [10, {1 2}];\nx = ListGetItem(L, 2);\nprint x;", '        x\n        1         2\n\n'))
def listgetitem(L, pos, flag=None):
    lst = _list(L)
    f = _flag(flag, "cmd")
    where = _positions(lst, pos)
    values = [_read(lst.items[i]) for i in where]
    if f == "m":
        for i in where:
            lst.items[i] = None
    elif f == "d":
        for i in sorted(set(where), reverse=True):
            del lst.items[i]
            del lst.names[i]
    if len(values) == 1:
        return values[0]
    return IMLList(values, [lst.names[i] for i in where] if f != "d" else [""] * len(values))


@builtin("LISTSETITEM(L, pos, v <,flag>)", "Sets existing item(s) of the list to v, in place ('m' moves v: the variable is left empty).",
         kind="call", outputs=(2,),
         example=("L = ListCreate(2);\ncall ListSetItem(L, 2, {5 6});\nprint (L$2);", '        5         6\n\n'))
def listsetitem(L, pos, v, flag=None):
    lst = _list(L)
    f = _flag(flag, "cm")
    for i in _positions(lst, pos):
        lst.items[i] = _stored(v)
    return EMPTY if f == "m" else v


@builtin("LISTADDITEM(L, v <,flag>)", "Appends v as a new last item of the list, in place.",
         kind="call", outputs=(1,),
         example=("L = ListCreate();\ncall ListAddItem(L, 1:3);\ncall ListAddItem(L, 'x');\nprint (ListLen(L));", '        2\n\n'))
def listadditem(L, v, flag=None):
    lst = _list(L)
    f = _flag(flag, "cm")
    lst.items.append(_stored(v))
    lst.names.append("")
    return EMPTY if f == "m" else v


@builtin("LISTINSERTITEM(L, pos, v <,flag>)", "Inserts v before item pos (pos = length+1 appends), in place.",
         kind="call", outputs=(2,))
def listinsertitem(L, pos, v, flag=None):
    lst = _list(L)
    f = _flag(flag, "cm")
    k = num(pos).reshape(-1)
    n = len(lst.items)
    if k.size != 1 or k[0] != k[0] or not 1 <= int(k[0]) <= n + 1:
        raise E.IMLRuntimeError(E.BAD_SUBSCRIPT, hint=f"the position must be a number from 1 to {n + 1}")
    lst.items.insert(int(k[0]) - 1, _stored(v))
    lst.names.insert(int(k[0]) - 1, "")
    return EMPTY if f == "m" else v


@builtin("LISTDELETEITEM(L, pos)", "Deletes the item(s) at pos (indices or names); later items move up.", kind="call")
def listdeleteitem(L, pos):
    lst = _list(L)
    for i in sorted(set(_positions(lst, pos)), reverse=True):
        del lst.items[i]
        del lst.names[i]


@builtin("LISTGETNAME(L <,pos>)", "Row vector of the names of the items at pos (all items by default); blank for an unnamed item.",
         example=("L = [#'a' = 1, 2, #'Cc' = 3];\nn = ListGetName(L);\nprint n;", 'n\na     Cc\n\n'))
def listgetname(L, pos=None):
    lst = _list(L)
    where = range(len(lst.items)) if pos is None else _positions(lst, pos)
    names = [lst.names[i] for i in where]
    if not names:
        return EMPTY
    return char_matrix([names], max([len(s) for s in names] + [1]))


@builtin("LISTGETALLNAMES(L)", "Row vector of the names of all items (same as ListGetName(L)).")
def listgetallnames(L):
    return listgetname(L)


@builtin("LISTSETNAME(L, pos, name)", "Names the item(s) at pos (names are case-insensitive when used as positions).", kind="call")
def listsetname(L, pos, name):
    lst = _list(L)
    where = _positions(lst, pos)
    if not is_char(name):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="item names are character values")
    names = [str(s).strip() for s in name.reshape(-1)]
    if len(names) != len(where):
        raise E.IMLRuntimeError(E.NOT_CONFORM, hint=f"{len(where)} positions but {len(names)} names")
    for i, nm in zip(where, names):
        lst.names[i] = nm


@builtin("LISTINDEX(L, name)", "Position of the item with the given name (case-insensitive), 0 if there is none.")
def listindex(L, name):
    lst = _list(L)
    if not is_char(name):
        raise E.IMLRuntimeError(E.NEED_CHARACTER, hint="give item names as character values")
    upper = [n.upper() for n in lst.names]
    out = [float(upper.index(str(s).strip().upper()) + 1) if str(s).strip().upper() in upper else 0.0
           for s in name.reshape(-1)]
    return out[0] if len(out) == 1 else np.array(out, dtype=float).reshape(name.shape)


def _path(path) -> list:
    if isinstance(path, IMLList):
        return list(path.items)
    if is_char(path):
        return [char_matrix([[str(s)]]) for s in path.reshape(-1)]
    return [float(k) for k in num(path).reshape(-1)]


def _walk(L: IMLList, steps: list):
    """The list holding the last step, and the 0-based position of that step in it."""
    lst = L
    for step in steps[:-1]:
        inner = lst.items[lst.position(step)]
        if not isinstance(inner, IMLList):
            raise E.IMLRuntimeError("The path leads through an item that is not a list.",
                                    hint="every step but the last must name a list item")
        lst = inner
    return lst, lst.position(steps[-1])


@builtin("LISTGETSUBITEM(L, path <,flag>)", "The item of a nested list reached by path (indices or names, one per level).",
         example=("L = [1, [2, {3 4}]];\nprint (ListGetSubItem(L, {2 2}));", '        3         4\n\n'))
def listgetsubitem(L, path, flag=None):
    f = _flag(flag, "cmd")
    lst, i = _walk(_list(L), _path(path))
    value = _read(lst.items[i])
    if f == "m":
        lst.items[i] = None
    elif f == "d":
        del lst.items[i]
        del lst.names[i]
    return value


@builtin("LISTSETSUBITEM(L, path, v <,flag>)", "Sets the item of a nested list reached by path, in place.",
         kind="call", outputs=(2,))
def listsetsubitem(L, path, v, flag=None):
    f = _flag(flag, "cm")
    lst, i = _walk(_list(L), _path(path))
    lst.items[i] = _stored(v)
    return EMPTY if f == "m" else v


@builtin("LISTPRINT(L)", "Prints every item of the list (nested lists item by item), labelled by its path $1, $name ...",
         kind="call", session=True,
         example=("call ListPrint([#'a' = 1, {2 3}]);", '       $a         $2\n        1          2         3\n\n'))
def listprint(session, L):
    tables = []

    def add(lst: IMLList, prefix: str):
        if not lst.items:
            tables.append(Table(f"{prefix or 'List'}: (empty list)", [], False, message=True))
        for i, item in enumerate(lst.items):
            label = f"{prefix}${lst.names[i] or i + 1}"
            if isinstance(item, IMLList):
                add(item, label)
            elif item is None:
                tables.append(Table(f"{label}: (empty)", [], False, message=True))
            else:
                tables.append(make_table(session, label, item, {}))
    add(_list(L), "")
    session.out(render_print(session, [tables]))
