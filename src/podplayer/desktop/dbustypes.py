"""D-Bus values whose wire type PySide6 can't express on its own.

PySide6 turns a Python int into a 32-bit ``i`` (or ``x`` only when it does not fit), writes an
int through ``QDBusArgument <<`` as a ``q`` (uint16), and an empty list as ``av``. MPRIS needs
``x`` for every position and length, ``as`` for empty string lists, and notifications need
``u``. An empty ``as`` can be built with PySide6's own API; for ``x`` and ``u`` the typed
``QDBusArgument::operator<<`` overloads are called through ctypes. Where those symbols can't be
found the values fall back to plain ints (wrong on the wire, logged once).
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable, Iterable

import shiboken6
from PySide6.QtCore import QMetaType
from PySide6.QtDBus import QDBusArgument

log = logging.getLogger(__name__)

_LIBRARY = "libQt6DBus.so.6"
# Itanium C++ ABI names of QDBusArgument::operator<<(qlonglong) and operator<<(uint).
_SYMBOLS = {
    "x": ("_ZN13QDBusArgumentlsEx", ctypes.c_longlong),
    "u": ("_ZN13QDBusArgumentlsEj", ctypes.c_uint),
}

_writers: dict[str, Callable[[int, int], object] | None] = {}


def _writer(signature: str) -> Callable[[int, int], object] | None:
    if signature not in _writers:
        name, ctype = _SYMBOLS[signature]
        try:
            function = getattr(ctypes.CDLL(_LIBRARY), name)
        except (OSError, AttributeError) as exc:
            log.warning("D-Bus %s values will be sent as 32-bit ints: %s", signature, exc)
            _writers[signature] = None
        else:
            function.restype = ctypes.c_void_p
            function.argtypes = [ctypes.c_void_p, ctype]
            _writers[signature] = function
    return _writers[signature]


def _typed(signature: str, value: int) -> QDBusArgument | int:
    write = _writer(signature)
    if write is None:
        return int(value)
    argument = QDBusArgument()
    write(shiboken6.getCppPointer(argument)[0], int(value))
    return argument


def int64(value: int) -> QDBusArgument | int:
    """``value`` as a D-Bus ``x`` (usable as an argument, a dict value or inside a variant)."""
    return _typed("x", value)


def uint32(value: int) -> QDBusArgument | int:
    """``value`` as a D-Bus ``u``."""
    return _typed("u", value)


def string_list(values: Iterable[str]) -> QDBusArgument | list[str]:
    """A D-Bus ``as``, also when empty (PySide6 would send an empty list as ``av``)."""
    items = [str(v) for v in values]
    if items:
        return items
    argument = QDBusArgument()
    argument.beginArray(QMetaType(QMetaType.Type.QString))
    argument.endArray()
    return argument
