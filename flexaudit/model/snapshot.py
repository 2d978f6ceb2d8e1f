"""`flexaudit-inventory.json`: the Inventory written to disk and read back.

Loading validates every field against the dataclasses, so a truncated,
hand-edited or foreign file fails with one clear sentence instead of a
traceback deep inside a rule.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from pathlib import Path

from flexaudit.model.inventory import SCHEMA_VERSION, SNAPSHOT_KIND, Inventory


class SnapshotError(Exception):
    """The file is not a flexaudit inventory this version can read."""


def inventory_to_dict(inventory: Inventory) -> dict:
    data = dataclasses.asdict(inventory)
    # `kind` first so that `head` on the file says what it is
    return {"kind": SNAPSHOT_KIND, **data}


def dumps(inventory: Inventory) -> str:
    """The file's text: indented JSON of `inventory_to_dict(inventory)`, and a final newline.

    `default=vars` serialises each dataclass as its fields, as asdict would, without
    asdict's deep copy of a whole large inventory first.
    """
    return json.dumps({"kind": SNAPSHOT_KIND, **vars(inventory)}, default=vars, indent=2, ensure_ascii=False) + "\n"


def save(inventory: Inventory, path: Path) -> None:
    path.write_text(dumps(inventory), encoding="utf-8")


def load(path: Path) -> Inventory:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    return loads(text, source=str(path))


def loads(text: str, source: str = "snapshot") -> Inventory:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}); is the file truncated?") from None
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"{source}: not a flexaudit inventory (expected \"kind\": \"{SNAPSHOT_KIND}\")")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SnapshotError(f"{source}: inventory schema_version {version!r}; this flexaudit reads version {SCHEMA_VERSION}")
    body = {k: v for k, v in data.items() if k != "kind"}
    try:
        return _build(Inventory, body, "")
    except _FieldError as exc:
        raise SnapshotError(f"{source}: invalid inventory at {exc.where or 'top level'}: {exc.problem}") from None


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
    if tp is list:
        if not isinstance(value, list):
            raise _FieldError(where, f"expected a list, got {type(value).__name__}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise _FieldError(where, f"expected true/false, got {type(value).__name__}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _FieldError(where, f"expected an integer, got {type(value).__name__}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise _FieldError(where, f"expected a string, got {type(value).__name__}")
        return value
    raise _FieldError(where, f"unsupported type {tp!r}")  # pragma: no cover - guards new field types
