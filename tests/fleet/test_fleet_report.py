"""The fleet report's pieces without a network: which accounts are scanned and how, the exit code rule,
and the renderers on rows no emulator produces (a broken listing, hostile text)."""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest

from flexaudit.commands.fleet import _plan
from flexaudit.exits import first_exit_code
from flexaudit.report.fleet import (FleetAccount, FleetReport, fleet_to_dict, render_fleet_json,
                                    render_fleet_markdown, render_fleet_terminal)
from flexaudit.report.json_format import load_schema
from flexaudit.scan.subaccounts import ListedAccount
from flexaudit.settings import Credentials

from tests.support.markdown import markdown_tokens
from tests.support.reports import HOSTILE
from tests.support.sids import sid

PARENT = sid("AC", 1)
TOKEN = "a" * 32
SUMMARY = {"critical": 1, "high": 2, "medium": 0, "low": 0, "info": 1, "suppressed": 3}


@pytest.mark.parametrize("codes, expected", [
    ([], 0), ([0, 0], 0), ([3, 0], 3), ([3, 1, 0], 1), ([1, 4, 3], 4), ([4, 2, 1], 2), ([0, 70, 2], 70),
])
def test_the_first_of_2_4_1_3_0_wins(codes, expected):
    assert first_exit_code(codes) == expected


def test_plan_scans_the_parent_with_the_given_credentials_and_active_subaccounts_with_their_own_token():
    given = Credentials(PARENT, sid("SK", 1), "k" * 32, "api_key")
    listed = [
        ListedAccount(sid("AC", 2), "Active", "active", TOKEN),
        ListedAccount(PARENT, "Parent", "active", "p" * 32),
        ListedAccount(sid("AC", 3), "Suspended", "suspended", TOKEN),
        ListedAccount(sid("AC", 4), "Odd status", "frozen", TOKEN),
        ListedAccount("../../etc", "Traversal", "active", TOKEN),
        ListedAccount(sid("AC", 5), "No token", "active", None),
        ListedAccount(sid("AC", 6), "Bad token", "active", "not a token"),
    ]
    planned = _plan(given, listed)
    assert [p.listed.sid for p in planned] == [PARENT, sid("AC", 2), sid("AC", 3), sid("AC", 4), "../../etc",
                                               sid("AC", 5), sid("AC", 6)]
    assert planned[0].credentials is given and planned[0].listed.friendly_name == "Parent"
    assert (planned[1].credentials.username, planned[1].credentials.password) == (sid("AC", 2), TOKEN)
    assert [p.credentials for p in planned[2:]] == [None] * 5
    assert [p.problem for p in planned[2:4]] == [None, None]  # listed, not scanned: not an error
    assert planned[4].problem == "not scanned: the listing gave a malformed account SID"
    assert planned[5].problem.startswith("the listing gave no usable auth token: missing credentials")
    assert planned[6].problem.startswith("the listing gave no usable auth token: malformed auth token")
    assert "not a token" not in planned[6].problem
    assert TOKEN not in repr(planned)


def test_a_parent_missing_from_its_own_listing_is_still_scanned():
    given = Credentials(PARENT, PARENT, TOKEN)
    planned = _plan(given, [])
    assert [(p.listed.sid, p.listed.status, p.credentials) for p in planned] == [(PARENT, "active", given)]


def fleet(*accounts, listing_error=None, exit_code=2) -> FleetReport:
    return FleetReport(scanned_at="2026-11-21T20:00:00Z", as_of=date(2026, 11, 21), parent=PARENT,
                       accounts=accounts, exit_code=exit_code, tool_version="9.9.9", listing_error=listing_error)


def rows():
    return (
        FleetAccount(PARENT, HOSTILE[0], "active", True, 0, SUMMARY, {"ready": 1, "needs-work": 0, "blocked": 2},
                     ("FLX401",), (), None, f"{PARENT}/flexaudit-report.md"),
        FleetAccount(sid("AC", 2), HOSTILE[3], "active", True, 2, error=HOSTILE[8] + " " + HOSTILE[4]),
        FleetAccount("../../x|y", HOSTILE[1], HOSTILE[2], False, error="not scanned: the listing gave a malformed "
                     "account SID"),
        FleetAccount(sid("AC", 3), None, None, False),
    )


def test_the_json_validates_and_keeps_account_text_as_it_was():
    data = json.loads(render_fleet_json(fleet(*rows(), listing_error="HTTP 503: try later")))
    jsonschema.Draft202012Validator(load_schema("fleet-v1")).validate(data)
    assert data == fleet_to_dict(fleet(*rows(), listing_error="HTTP 503: try later"))
    first, failed, malformed, unknown = data["accounts"]
    assert first["summary"] == SUMMARY and first["account_blockers"] == ["FLX401"] and first["coverage_complete"]
    assert first["addresses"] == {"ready": 1, "needs-work": 0, "blocked": 2}
    assert failed["friendly_name"] == HOSTILE[3] and failed["coverage_complete"] is False
    assert (unknown["friendly_name"], unknown["status"], unknown["exit_code"]) == ("", "", None)
    assert data["listing_error"] == "HTTP 503: try later" and data["tool"]["version"] == "9.9.9"


def test_the_markdown_escapes_every_account_value_and_keeps_its_table():
    text = render_fleet_markdown(fleet(*rows(), listing_error=HOSTILE[5]))
    tokens = markdown_tokens(text)
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]
    assert [t.attrGet("href") for t in tokens if t.type == "link_open"] == [f"{PARENT}/flexaudit-report.md"]
    assert "\x1b" not in text and "\x07" not in text
    assert len([t for t in tokens if t.type == "tr_open"]) == 1 + 4
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 4 * 16
    assert "could not be listed" in text and "only the parent account was scanned" in text


def test_the_terminal_table_shows_no_control_characters():
    text = render_fleet_terminal(fleet(*rows(), listing_error=HOSTILE[8]), [])
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "Subaccounts could not be listed" in text and "Exit code 2: the first of 2, 4, 1, 3, 0" in text
    assert "not scanned: status unknown" in text


@pytest.mark.parametrize("columns", [80, 200])
def test_the_terminal_summary_fits_the_terminal(columns):
    text = render_fleet_terminal(fleet(*rows(), listing_error=HOSTILE[8]), [], width=columns)
    assert max(len(line) for line in text.splitlines()) <= columns
    for row in rows():
        assert row.sid in text  # every account's SID, whole, to find its folder
