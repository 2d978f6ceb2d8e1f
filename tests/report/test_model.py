import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexaudit.model.findings import CoverageEntry, Severity
from flexaudit.report.model import build_report, report_to_dict, step_segments
from flexaudit.safe_text import one_line

from tests.support.reports import ACCOUNT_SID, AS_OF, address, empty_report, finding, inventory, sample_report


def test_summary_counts_unsuppressed_per_severity_and_suppressed():
    r = sample_report()
    assert r.summary.as_dict() == {"critical": 3, "high": 2, "medium": 0, "low": 0, "info": 1, "suppressed": 1}
    assert r.summary.open_total == 6
    assert r.worst_severity is Severity.CRITICAL
    assert [f.rule_id for f in r.suppressed_findings] == ["FLX106"]


def test_findings_sorted_by_severity_then_rule_then_sid():
    fs = [
        finding("FLX409", ACCOUNT_SID),
        finding("FLX106", "FO2"),
        finding("FLX403", "FO9"),
        finding("FLX101", "PN2"),
        finding("FLX101", "PN1"),
        finding("FLX301", "FO1"),
    ]
    r = build_report(inventory(), fs, [], [], [], AS_OF, "0.1.0")
    assert [(f.rule_id, f.resource_sid) for f in r.findings] == [
        ("FLX301", "FO1"),
        ("FLX101", "PN1"),
        ("FLX101", "PN2"),
        ("FLX403", "FO9"),
        ("FLX106", "FO2"),
        ("FLX409", ACCOUNT_SID),
    ]
    # grouped views keep that order
    assert [sg.severity for sg in r.open_groups] == [Severity.CRITICAL, Severity.HIGH, Severity.LOW, Severity.INFO]
    assert [g.rule_id for g in r.open_groups[1].rules] == ["FLX101", "FLX403"]


def test_addresses_worst_readiness_first_and_readiness_counts():
    r = sample_report()
    assert [a.readiness for a in r.addresses] == ["blocked", "needs-work", "ready"]
    assert [(c.readiness, c.count) for c in r.readiness_counts] == [("blocked", 1), ("needs-work", 1), ("ready", 1)]


@pytest.mark.parametrize(
    "as_of, days, phrase, level",
    [
        (date(2025, 12, 2), 181, "181 days left", "medium"),
        (date(2025, 12, 3), 180, "180 days left", "high"),
        (date(2026, 5, 31), 1, "1 day left", "high"),
        (date(2026, 6, 1), 0, "ends today", "critical"),
        (date(2026, 6, 2), -1, "1 day overdue", "critical"),
        (date(2026, 11, 21), -173, "173 days overdue", "critical"),
    ],
)
def test_eol_countdown(as_of, days, phrase, level):
    r = empty_report(as_of=as_of)
    assert r.eol.days == days
    assert r.eol.phrase == phrase
    assert r.eol.level == level
    assert r.eol.eol_date == date(2026, 6, 1)


def test_as_of_accepts_iso_string():
    assert empty_report(as_of="2026-11-21").as_of == date(2026, 11, 21)


def test_coverage_sorted_in_family_order_and_completeness():
    r = empty_report(coverage=[CoverageEntry("chat", False, "HTTP 404"), CoverageEntry("account", True)])
    assert [c.family for c in r.coverage] == ["account", "chat"]
    assert not r.scan_complete
    assert [c.family for c in r.coverage_gaps] == ["chat"]
    assert empty_report().scan_complete


def test_report_to_dict_keys_in_contract_order():
    d = report_to_dict(sample_report())
    assert list(d) == [
        "schema_version", "tool", "account", "scanned_at", "as_of", "summary",
        "findings", "addresses", "conversations_addresses", "coverage", "waivers",
    ]
    assert d["schema_version"] == 1
    assert d["tool"] == {"name": "flexaudit", "version": "0.1.0"}
    assert d["account"] == {"sid": ACCOUNT_SID, "friendly_name": "Acme Support"}
    assert d["as_of"] == "2026-11-21"
    assert list(d["summary"]) == ["critical", "high", "medium", "low", "info", "suppressed"]
    assert list(d["findings"][0]) == [
        "rule_id", "severity", "title", "resource_type", "resource_sid", "resource_name",
        "message", "remediation", "docs_url", "suppressed",
    ]
    assert d["findings"][0]["severity"] == "critical"
    # contract keys first, extensions after
    assert list(d["addresses"][0])[:8] == [
        "flex_flow_sid", "friendly_name", "channel_type", "contact_identity", "integration_type",
        "readiness", "blockers", "steps",
    ]
    assert list(d["waivers"][0]) == ["rule", "resource", "reason", "expires", "status", "matched"]
    assert list(d["coverage"][0]) == ["family", "complete", "error", "skipped_rules", "note"]


def test_unknown_account_name_is_an_empty_string_in_json():
    r = empty_report(inventory=inventory(friendly_name=None))
    assert report_to_dict(r)["account"]["friendly_name"] == ""
    assert r.account_label == ACCOUNT_SID


def test_address_findings_cover_flow_number_and_studio_flow():
    r = sample_report()
    a2 = next(a for a in r.addresses if a.flex_flow_sid.endswith("2"))
    assert [f.rule_id for f in r.address_findings(a2)] == ["FLX301", "FLX101", "FLX106"]
    assert r.address_worst_severity(a2) is Severity.CRITICAL


def test_build_report_is_deterministic_whatever_the_input_order():
    a = sample_report()
    b = sample_report(findings=list(reversed(a.findings)), addresses=list(reversed(a.addresses)))
    assert report_to_dict(a) == report_to_dict(b)


def test_step_segments_split_commands():
    assert step_segments("Run `twilio api:x --sid FO1` now") == [
        ("text", "Run "), ("code", "twilio api:x --sid FO1"), ("text", " now")
    ]
    assert step_segments("odd ` backtick") == [("text", "odd ` backtick")]
    assert step_segments("``a`b`` end") == [("code", "a`b"), ("text", " end")]
    assert [k for k, _ in step_segments(address(1).steps[-2])] == ["text", "code", "text", "code", "text"]


def test_step_segments_fences_close_only_on_a_run_of_the_same_length():
    assert step_segments("`a`` b` c") == [("code", "a`` b"), ("text", " c")]
    assert step_segments("``a` b") == [("text", "``a` b")]
    assert step_segments("`` `a` ``") == [("code", "`a`")]
    assert step_segments("x `` y") == [("text", "x `` y")]
    assert step_segments("` ` and `b`") == [("text", "` `"), ("text", " and "), ("code", "b")]
    assert step_segments("``` ```") == [("text", "``` ```")]
    assert step_segments("\n`a\tb`\r\n") == [("text", " "), ("code", "a b"), ("text", " ")]
    assert step_segments("") == [] and step_segments(None) == []


_BREAKS = re.compile("\r\n|[\r\n\t\u2028\u2029\x85]")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def _one_line_by_regex(value):
    return "" if value is None else _CONTROLS.sub("\ufffd", _BREAKS.sub(" ", str(value)))


def _step_segments_by_regex(step):
    text = _one_line_by_regex(step)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos : m.start()]))
        code = m.group(2)
        if code.strip():
            out.append(("code", code.strip() if code.startswith(" ") and code.endswith(" ") else code))
        else:
            out.append(("text", m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


_STEP_TEXT = st.text(alphabet="```  ab\n\r\t\x1b\u2028\u202e", max_size=24) | st.text(max_size=40)


@settings(max_examples=1500, deadline=None)
@given(_STEP_TEXT)
def test_one_line_and_step_segments_match_their_regex_definitions(text):
    assert one_line(text) == _one_line_by_regex(text)
    assert step_segments(text) == _step_segments_by_regex(text)
