"""Coercion of Twilio's JSON values into the Inventory's types: odd values become None, never a crash."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from flexaudit.scan import records as fields


@pytest.mark.parametrize("value, stamp, day", [
    ("2026-01-31T09:00:00Z", "2026-01-31T09:00:00Z", "2026-01-31"),
    # an offset is moved to UTC, and may change the day
    ("2026-01-31T23:30:00-05:00", "2026-02-01T04:30:00Z", "2026-02-01"),
    (datetime(2026, 1, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2026-02-01T04:30:00Z", "2026-02-01"),
    (datetime(2026, 1, 31, 9, 0), "2026-01-31T09:00:00Z", "2026-01-31"),  # naive: taken as UTC
    # the 2010 API's RFC 2822, offset included
    ("Sat, 31 Jan 2026 09:00:00 +0000", "2026-01-31T09:00:00Z", "2026-01-31"),
    ("Sat, 31 Jan 2026 23:30:00 -0500", "2026-02-01T04:30:00Z", "2026-02-01"),
    # neither: kept as text, but no day is guessed
    ("Saturday morning", "Saturday morning", None),
    ("", "", None),
    (1769850000, None, None),
    (None, None, None),
])
def test_timestamps_and_days(value, stamp, day):
    assert fields.timestamp(value) == stamp
    assert fields.utc_day(value) == day
    # instant: the same date, but nothing that is not one
    assert fields.instant(value) == (stamp if day else None)


def test_capabilities_lowercase_keys_and_drop_non_booleans():
    assert fields.capabilities({"SMS": True, "mms": False, "voice": "yes"}) == {"sms": True, "mms": False}
    assert fields.capabilities(["sms"]) is None
