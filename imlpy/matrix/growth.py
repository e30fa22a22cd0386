"""Amortised growth for the loop idiom `x = x || v;` (and `x = x // v;`).

Concatenation copies both operands, so growing a vector one element at a time is quadratic in
SAS, Octave and numpy alike. When a statement of exactly this shape runs again on the value it
produced last time, we instead write v into spare capacity of a buffer and hand out a longer view
of it: linear time overall, identical values.

Why this is safe: the variable's value is a view of the buffer's first n columns (rows for //);
we only ever write past n, and only when the variable still holds the latest (and longest) view
this statement made, so no other live value can see the write. Any other value in the variable
(reassigned, modified in place — views are copied before in-place writes — or freed) falls back
to an ordinary concatenation and starts a new buffer.
"""
from __future__ import annotations

import numpy as np

from . import operators as ops

_MIN_BUFFERED = 8      # below this a plain concatenation is as fast


class Grower:
    __slots__ = ("axis", "view", "buffer")

    def __init__(self, axis: int):
        self.axis = axis          # 1 for ||, 0 for //
        self.view = None
        self.buffer = None

    def append(self, current, piece):
        if current is not None and current is self.view and type(piece) in (float, np.ndarray):
            grown = self._extend(current, piece)
            if grown is not None:
                return grown
        result = (ops.hconcat if self.axis == 1 else ops.vconcat)(
            ops.EMPTY if current is None else current, piece)
        if type(result) is np.ndarray and result.dtype.kind == "f" and result.size >= _MIN_BUFFERED:
            return self._adopt(result)
        self.view = None
        return result

    def _extend(self, current: np.ndarray, piece):
        axis = self.axis
        if type(piece) is float:
            if current.shape[1 - axis] != 1:
                return None
            k = 1
        else:
            if piece.dtype.kind != "f" or piece.ndim != 2 or piece.shape[1 - axis] != current.shape[1 - axis]:
                return None
            k = piece.shape[axis]
        n = current.shape[axis]
        if n + k > self.buffer.shape[axis]:
            self._reserve(current, n + k)
        if axis == 1:
            self.buffer[:, n:n + k] = piece
            self.view = self.buffer[:, :n + k]
        else:
            self.buffer[n:n + k, :] = piece
            self.view = self.buffer[:n + k, :]
        return self.view

    def _reserve(self, current: np.ndarray, needed: int):
        capacity = max(needed * 2, 16)
        shape = (current.shape[0], capacity) if self.axis == 1 else (capacity, current.shape[1])
        buffer = np.empty(shape)
        n = current.shape[self.axis]
        if self.axis == 1:
            buffer[:, :n] = current
        else:
            buffer[:n, :] = current
        self.buffer = buffer

    def _adopt(self, result: np.ndarray):
        self._reserve(result, result.shape[self.axis])
        n = result.shape[self.axis]
        self.view = self.buffer[:, :n] if self.axis == 1 else self.buffer[:n, :]
        return self.view
