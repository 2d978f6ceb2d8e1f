import csv
import io

import pytest

from flexaudit.report import RENDERERS
from flexaudit.report.csv_format import COLUMNS, guard_cell

from tests.support.reports import HOSTILE, empty_report, hostile_report, large_report, sample_report

CSV = RENDERERS["csv"]


def _rows(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_registered_with_contract_file_name():
    assert CSV.format == "csv"
    assert CSV.filename == "flexaudit-addresses.csv"


def test_one_row_per_address_with_tracker_columns():
    r = sample_report()
    text = CSV.render(r)
    assert text.splitlines()[0].split(",") == list(COLUMNS)
    rows = _rows(text)
    assert [row["flex_flow_sid"] for row in rows] == [a.flex_flow_sid for a in r.addresses]
    # the order of the work: ready (wave 1) first, blocked (wave 3) last
    assert [(row["wave"], row["readiness"]) for row in rows] == [("1", "ready"), ("2", "needs-work"), ("3", "blocked")]
    assert rows[0]["last_inbound_at"] == "2026-10-02T14:03:11Z" and rows[1]["last_inbound_at"] == ""
    blocked = rows[2]
    assert blocked["friendly_name"] == "Legacy task SMS"
    assert blocked["contact_identity"] == "+15550000001"  # phone numbers stay intact
    assert blocked["blockers"] == "FLX403"
    assert blocked["finding_ids"] == "FLX301:FO00000000000000000000000000000001;FLX403:FO00000000000000000000000000000001"
    assert blocked["enabled"] == "true"
    assert blocked["phone_number_sid"] == "PN00000000000000000000000000000001"
    assert blocked["worst_severity"] == "critical"
    assert blocked["step_count"] == "7"
    steps = blocked["steps"].split("\n")
    assert len(steps) == 7
    assert steps[0].startswith("1. Fix blocker FLX403")
    assert steps[-1].startswith("7. Test: send an SMS to +15550000001")
    assert rows[1]["enabled"] == "false"
    assert blocked["account_sid"] == r.account_sid


def test_header_only_without_addresses():
    assert CSV.render(empty_report()) == ",".join(COLUMNS) + "\r\n"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-cmd", "'-cmd"),
        ("+", "'+"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),  # a digit first is not enough
        ("  =1+1", "'  =1+1"),
        ("+15551234567", "+15551234567"),
        ("-42", "-42"),
        ("+1 (555) 123-4567", "+1 (555) 123-4567"),
        ("whatsapp:+15551234567", "whatsapp:+15551234567"),
        ("Support = sales", "Support = sales"),
        ("", ""),
        (None, ""),
        (7, "7"),
    ],
)
def test_formula_injection_guard(value, expected):
    assert guard_cell(value) == expected


def test_hostile_values_cannot_start_formulas_or_break_rows():
    text = CSV.render(hostile_report())
    rows = _rows(text)
    assert len(rows) == len(HOSTILE)
    by_name = {row["flex_flow_sid"]: row for row in rows}
    hyper = next(row for row in rows if "HYPERLINK" in row["friendly_name"])
    assert hyper["friendly_name"] == "'=HYPERLINK(\"https://evil.example\",\"click\")"
    assert hyper["contact_identity"].startswith("'=")
    for row in by_name.values():
        for col in COLUMNS:
            cell = row[col]
            assert cell[:1] not in ("=", "@", "\t", "\r"), (col, cell)
            if cell[:1] in ("+", "-"):
                assert cell[1:2].isdigit(), (col, cell)
    # newlines inside names became spaces: only the steps cell is multi-line
    multi = [(row["flex_flow_sid"], col) for row in rows for col in COLUMNS if "\n" in row[col]]
    assert {col for _, col in multi} == {"steps"}
    assert "\x1b" not in text


def test_large_csv_round_trips():
    r = large_report(50)
    rows = _rows(CSV.render(r))
    assert len(rows) == 50
    assert all(int(row["step_count"]) == len(row["steps"].split("\n")) for row in rows)
