"""Coercion of the JSON values Twilio sends into the Inventory's plain types.

Twilio (or anything behind --api-base-url) may send a field with an
unexpected type; the Inventory keeps its declared types so the snapshot always
loads again, and an odd value becomes None rather than a crash.
"""

from __future__ import annotations

from datetime import datetime, timezone


def text(value) -> str | None:
    return value if isinstance(value, str) else None


def flag(value) -> bool | None:
    return value if isinstance(value, bool) else None


def integer(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def mapping(value) -> dict | None:
    return value if isinstance(value, dict) else None


def listing(value) -> list | None:
    return value if isinstance(value, list) else None


def timestamp(value) -> str | None:
    """ISO-8601 UTC (`2026-01-31T09:00:00Z`); a string that is no ISO-8601 date is kept as is."""
    moment = _moment(value)
    if moment is not None:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value if isinstance(value, str) else None


def utc_day(value) -> str | None:
    """The UTC date of an ISO-8601 timestamp (`2026-01-31`), or None."""
    moment = _moment(value)
    return moment.date().isoformat() if moment is not None else None


def _moment(value) -> datetime | None:
    # v1/v2 APIs send ISO 8601 with a `Z`; fromisoformat reads that and offsets.
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
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
