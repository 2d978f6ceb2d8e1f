import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexaudit.model.findings import CoverageEntry, Severity
from flexaudit.report.model import build_report, report_to_dict, step_segments
from flexaudit.safe_text import one_line

from tests.support.reports import (ACCOUNT_SID, AS_OF, address, empty_report, finding, inventory, large_report,
                                   sample_report)


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


def test_addresses_in_wave_order_and_readiness_counts():
    r = sample_report()
    assert [(a.wave, a.readiness) for a in r.addresses] == [(1, "ready"), (2, "needs-work"), (3, "blocked")]
    assert [(c.readiness, c.count) for c in r.readiness_counts] == [("ready", 1), ("needs-work", 1), ("blocked", 1)]
    assert r.first_wave == (r.addresses[0],)


def test_within_a_wave_idle_addresses_first_then_the_oldest_traffic():
    def a(i, last, name="Same name"):
        return address(i, "needs-work", friendly_name=name, last_inbound_at=last)
    addresses = [a(1, "2026-11-20T10:00:00Z"), a(2, None, "Zulu"), a(3, "2026-01-02T00:00:00Z"),
                 a(4, None, "Alpha"), a(5, "2026-11-20T10:00:00Z"), address(6, "ready", last_inbound_at="2026-11-26T00:00:00Z"),
                 address(7, "blocked")]
    r = build_report(inventory(), [], addresses, [], [], AS_OF, "0.1.0")
    # wave 1 first; in wave 2 no traffic first (then by name), then oldest first (ties by name, then sid)
    assert [x.flex_flow_sid[-1] for x in r.addresses] == ["6", "4", "2", "3", "1", "5", "7"]
    assert [x.flex_flow_sid[-1] for x in r.first_wave] == ["6"]
    # without a ready address, the first wave is the needs-work one
    r = build_report(inventory(), [], addresses[:5], [], [], AS_OF, "0.1.0")
    assert [x.flex_flow_sid[-1] for x in r.first_wave] == ["4", "2", "3", "1", "5"]


def test_account_prerequisites_line():
    r = large_report(27)
    assert r.prerequisites_line == "Account prerequisites: upgrade Flex UI to 2.x — blocks all 27 addresses"
    assert sample_report().prerequisites_line is None


def test_a_message_repeated_per_resource_is_one_line():
    text = "runs on Programmable Chat: 173 days overdue."
    fs = [finding("FLX301", f"FO{i}", f"Flow {i}", f"Flex Flow FO{i} (sms, enabled) {text}") for i in range(1, 4)]
    fs.append(finding("FLX301", "FO4", "Web (2019 (old))", f"Flex Flow FO4 (web, enabled (old)) {text}"))
    fs.append(finding("FLX301", "FO5", "Other", "Flex Flow FO5 is something else entirely."))
    fs.append(finding("FLX301", "FO6", "Named only", f"Named only {text}"))
    (group,) = build_report(inventory(), fs, [], [], [], AS_OF, "0.1.0").open_groups[0].rules
    lines = group.lines
    assert [(line.message, [f.resource_sid for f in line.findings]) for line in lines] == [
        (f"Flex Flow … {text}", ["FO1", "FO2", "FO3", "FO4"]),
        ("Flex Flow FO5 is something else entirely.", ["FO5"]),
        (f"Named only {text}", ["FO6"]),
    ]
    assert [line.repeated for line in lines] == [True, False, False]


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
        "schema_version", "tool", "account", "scanned_at", "as_of", "summary", "account_blockers",
        "findings", "addresses", "conversations_addresses", "coverage", "waivers",
    ]
    assert d["account_blockers"] == [] and report_to_dict(large_report(3))["account_blockers"] == ["FLX401"]
    assert d["schema_version"] == 1
    assert d["tool"] == {"name": "flexaudit", "version": "0.1.0"}
    assert d["account"] == {"sid": ACCOUNT_SID, "friendly_name": "Acme Support"}
    assert d["as_of"] == "2026-11-21"
    assert list(d["summary"]) == ["critical", "high", "medium", "low", "info", "suppressed"]
    assert list(d["findings"][0]) == [
        "finding_id", "rule_id", "severity", "title", "resource_type", "resource_sid", "resource_name",
        "message", "remediation", "docs_url", "suppressed",
    ]
    assert d["findings"][0]["severity"] == "critical"
    # contract keys first, extensions after
    assert d["findings"][0]["finding_id"] == f"{d['findings'][0]['rule_id']}:{d['findings'][0]['resource_sid']}"
    assert list(d["addresses"][0])[:10] == [
        "flex_flow_sid", "friendly_name", "channel_type", "contact_identity", "integration_type",
        "readiness", "blockers", "wave", "last_inbound_at", "steps",
    ]
    assert (d["addresses"][0]["wave"], d["addresses"][0]["last_inbound_at"]) == (1, "2026-10-02T14:03:11Z")
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
