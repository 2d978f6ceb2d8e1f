"""From the JSON records Twilio sends to the Inventory's plain dataclasses.

Twilio (or anything behind --api-base-url) may send a field with an
unexpected type; the Inventory keeps its declared types so the snapshot always
loads again, and an odd value becomes None rather than a crash. Every scanner
builds its dataclasses with `from_record`, which reads each field under its own
name and coerces it by its declared type; a scanner states only what differs.

Two guarantees hold for everything kept, by these coercions rather than by
each scanner:
- a URL is kept without user info and without query string or fragment
  (`https://user:pw@host/path?token=x` → `https://host/path`), wherever it
  sits: a webhook field, a Flex Flow's integration, a Studio definition;
- a nested value (an object, a list, a Studio definition) nests at most
  bounds.NESTING_LIMIT deep: a deeper one is not kept (None, or the
  TOO_DEEP marker for a Studio definition, which the Studio rules report).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

from flexaudit.bounds import NESTING_LIMIT, TOO_DEEP

# A URL inside any text: a scheme, "://", then everything up to white space or a quote.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s\"'<>`]*")


def string(value) -> str | None:
    """Text as sent, but with every URL in it bare (no user info, query or fragment)."""
    return url(value)


def url(value) -> str | None:
    """`value` with every URL in it stripped of user info, query string and fragment; None for non-text."""
    if not isinstance(value, str):
        return None
    if "://" not in value:
        return value
    return _URL.sub(lambda found: _bare(found.group(0)), value)


def _bare(link: str) -> str:
    try:
        parts = urlsplit(link)
    except ValueError:  # an unparsable host or port: keep only what precedes any query or fragment
        head = re.split(r"[?#]", link, maxsplit=1)[0]
        scheme, _, rest = head.partition("://")
        netloc, slash, path = rest.partition("/")
        return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


class _TooDeep(Exception):
    pass


def nested(value, depth: int = 0):
    """A JSON value kept from the API: URLs bare in every string, at most NESTING_LIMIT deep
    (raises _TooDeep past it)."""
    if isinstance(value, str):
        return url(value)
    if isinstance(value, dict):
        if depth >= NESTING_LIMIT:
            raise _TooDeep
        return {url(k) if isinstance(k, str) else k: nested(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth >= NESTING_LIMIT:
            raise _TooDeep
        return [nested(v, depth + 1) for v in value]
    return value


def anything(value):
    """A field kept as sent whatever its type (a Studio definition): nested() or the TOO_DEEP marker."""
    try:
        return nested(value)
    except _TooDeep:
        return TOO_DEEP


def boolean(value) -> bool | None:
    return value if isinstance(value, bool) else None


def integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mapping(value) -> dict | None:
    try:
        return nested(value) if isinstance(value, dict) else None
    except _TooDeep:
        return None


def sequence(value) -> list | None:
    try:
        return nested(value) if isinstance(value, list) else None
    except _TooDeep:
        return None


def timestamp(value) -> str | None:
    """ISO-8601 UTC (`2026-01-31T09:00:00Z`) of an ISO-8601 or RFC 2822 date; any other string is kept as is."""
    return instant(value) or url(value)


def instant(value) -> str | None:
    """ISO-8601 UTC (`2026-01-31T09:00:00Z`) of an ISO-8601 or RFC 2822 date, else None."""
    moment = _moment(value)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


def utc_day(value) -> str | None:
    """The UTC date of an ISO-8601 timestamp (`2026-01-31`), or None."""
    moment = _moment(value)
    return moment.date().isoformat() if moment is not None else None


def _moment(value) -> datetime | None:
    # v1/v2 APIs send ISO 8601 with a `Z`, which fromisoformat reads; the 2010 API
    # sends RFC 2822 (`Fri, 02 Oct 2026 14:03:11 +0000`).
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            try:
                value = parsedate_to_datetime(value)
            except (TypeError, ValueError, IndexError):
                return None
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def capabilities(value) -> dict[str, bool] | None:
    if not isinstance(value, dict):
        return None
    # 2010 numbers use lowercase keys, Proxy/Messaging pools sometimes upper case (SMS, MMS)
    return {str(k).lower(): v for k, v in value.items() if isinstance(v, bool)}


_COERCE = {str: string, bool: boolean, int: integer, dict: mapping, list: sequence, object: anything}


@functools.cache
def _plan(cls) -> tuple[tuple[str, typing.Callable, bool], ...]:
    """(field, coercion, required) for every field of `cls` a record can fill.

    Fields of other types (a list of pool numbers, a session summary) are filled
    by the scanner, not from the record, and keep their defaults unless given.
    """
    hints = typing.get_type_hints(cls)
    plan = []
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        args = typing.get_args(tp) if typing.get_origin(tp) in (typing.Union, types.UnionType) else (tp,)
        kinds = [a for a in args if a is not type(None)]
        if len(kinds) == 1 and kinds[0] in _COERCE:  # a plain type: list[PoolNumber] is not read from a record
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            plan.append((f.name, _COERCE[kinds[0]], required))
    return tuple(plan)


def from_record(cls, record: dict, **given):
    """`cls` with each field read from `record` under its own name; `given` fields as they are.

    A required text field (a SID) that the record lacks becomes "".
    """
    values = dict(given)
    for name, coerce, required in _plan(cls):
        if name not in values:
            value = coerce(record.get(name))
            values[name] = "" if value is None and required else value
    return cls(**values)
