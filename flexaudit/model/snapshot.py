"""`flexaudit-inventory.json`: the Inventory written to disk and read back.

Loading validates every field against the dataclasses, so a truncated,
hand-edited or foreign file fails with one clear sentence instead of a
traceback deep inside a rule. Before that, the file must be a regular file of
at most MAX_BYTES, its JSON must nest at most MAX_DEPTH deep and hold no
number too long to read, and its account SID must be `AC` + 32 hex: the SID
names the default output directory, so `../../x` must never get that far.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import types
import typing
from json.encoder import encode_basestring
from pathlib import Path

from flexaudit.bounds import InputFileError, parse_json, read_text
from flexaudit.model.inventory import SCHEMA_VERSION, SNAPSHOT_KIND, Inventory
from flexaudit.safe_text import clipped, shown

# The large synthetic account's snapshot is 13 MB and nests 11 deep; a Studio
# definition the scan keeps nests at most bounds.NESTING_LIMIT (32) inside it.
MAX_BYTES = 256 << 20
MAX_DEPTH = 48
_ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


class SnapshotError(Exception):
    """The file is not a flexaudit inventory this version can read."""


def inventory_to_dict(inventory: Inventory) -> dict:
    data = dataclasses.asdict(inventory)
    # `kind` first so that `head` on the file says what it is
    return {"kind": SNAPSHOT_KIND, **data}


def dumps(inventory: Inventory) -> str:
    """The file's text: byte for byte what `json.dumps(inventory_to_dict(inventory),
    indent=2, ensure_ascii=False)` writes, and a final newline."""
    # json.dumps falls back to its pure-Python encoder whenever it indents, and
    # that encoder hands every token up through one generator per nesting
    # level; writing into one list instead takes a third of the time. vars()
    # reads the dataclasses as they are, without dataclasses.asdict's deep copies.
    out: list[str] = []
    _write_value({"kind": SNAPSHOT_KIND, **vars(inventory)}, out, "\n")
    out.append("\n")
    return "".join(out)


# The writer below follows json.encoder's indenting encoder (type checks in its
# order, its float and key spellings) so that the text stays identical.
_INDENT = "  "
_INFINITY = float("inf")


def _write_value(value: object, out: list[str], newline: str) -> None:
    """Append `value` as indented JSON; `newline` is a line break plus the current indentation."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_json_float(value))
    elif isinstance(value, (list, tuple)):
        _write_array(value, out, newline)
    elif isinstance(value, dict):
        _write_object(value, out, newline)
    else:  # a dataclass of the inventory
        _write_value(vars(value), out, newline)


def _write_array(items: list | tuple, out: list[str], newline: str) -> None:
    if not items:
        out.append("[]")
        return
    inner = newline + _INDENT
    separator = "[" + inner
    for item in items:
        out.append(separator)
        _write_value(item, out, inner)
        separator = "," + inner
    out.append(newline + "]")


def _write_object(members: dict, out: list[str], newline: str) -> None:
    if not members:
        out.append("{}")
        return
    inner = newline + _INDENT
    separator = "{" + inner
    for key, value in members.items():
        out.append(separator)
        out.append(encode_basestring(_json_key(key)))
        out.append(": ")
        _write_value(value, out, inner)
        separator = "," + inner
    out.append(newline + "}")


def _json_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _json_key(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _json_float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def save(inventory: Inventory, path: Path) -> None:
    path.write_text(dumps(inventory), encoding="utf-8")


def load(path: Path) -> Inventory:
    try:
        text = read_text(Path(path), MAX_BYTES)
    except InputFileError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc})" if str(exc) == "not UTF-8 text" else f"{path}: {exc}") from None
    return loads(text, source=str(path))


def loads(text: str, source: str = "snapshot") -> Inventory:
    try:
        data = parse_json(text, MAX_DEPTH)
    except InputFileError as exc:
        truncated = "; is the file truncated?" if str(exc).startswith("not valid JSON") else ""
        raise SnapshotError(f"{source}: not a flexaudit inventory ({exc}){truncated}") from None
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"{source}: not a flexaudit inventory (expected \"kind\": \"{SNAPSHOT_KIND}\")")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(f"{source}: inventory schema_version {shown(version)}; this flexaudit reads version {SCHEMA_VERSION}")
    body = {k: v for k, v in data.items() if k != "kind"}
    try:
        inventory = _build(Inventory, body, "")
    except _FieldError as exc:
        raise SnapshotError(f"{source}: invalid inventory at {clipped(exc.where, 120) or 'top level'}: "
                            f"{clipped(exc.problem, 120)}") from None
    if not _ACCOUNT_SID.match(inventory.account_sid):
        raise SnapshotError(f"{source}: invalid inventory at account_sid: expected AC followed by 32 hexadecimal "
                            "characters")
    return inventory


# The plain types of the Inventory's fields: how an error names each, and the test a JSON value must pass.
_SCALARS = {
    list: ("a list", lambda v: isinstance(v, list)),
    bool: ("true/false", lambda v: isinstance(v, bool)),
    int: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    str: ("a string", lambda v: isinstance(v, str)),
}


class _FieldError(Exception):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@functools.cache
def _shape(cls):
    """Type hints and fields of a dataclass: computed once, not once per object loaded."""
    return typing.get_type_hints(cls), {f.name: f for f in dataclasses.fields(cls)}


def _build(cls, data, where: str):
    if not isinstance(data, dict):
        raise _FieldError(where, f"expected an object, got {type(data).__name__}")
    hints, fields = _shape(cls)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise _FieldError(where, f"unknown field {unknown[0]!r}")
    kwargs = {}
    for name, f in fields.items():
        path = f"{where}.{name}" if where else name
        if name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise _FieldError(path, "missing")
            continue
        kwargs[name] = _convert(hints[name], data[name], path)
    return cls(**kwargs)


def _convert(tp, value, where: str):
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, where)
            except _FieldError as exc:
                errors.append(exc)
        raise errors[0] if errors else _FieldError(where, "must not be null")
    if tp is object:
        return value
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, where)
    if origin is list:
        if not isinstance(value, list):
            raise _FieldError(where, f"expected a list, got {type(value).__name__}")
        (item_tp,) = typing.get_args(tp) or (object,)
        return [_convert(item_tp, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise _FieldError(where, f"expected an object, got {type(value).__name__}")
        args = typing.get_args(tp)
        if not args:
            return value
        key_tp, val_tp = args
        return {_convert(key_tp, k, where): _convert(val_tp, v, f"{where}.{k}") for k, v in value.items()}
    if tp in _SCALARS:
        what, fits = _SCALARS[tp]
        if not fits(value):
            raise _FieldError(where, f"expected {what}, got {type(value).__name__}")
        return value
    raise _FieldError(where, f"unsupported type {tp!r}")  # pragma: no cover - guards new field types
