import json
from datetime import date

import pytest
from freezegun import freeze_time

from flexaudit.suppressions import SuppressionsError, Waiver, apply_waivers, load_waivers

from tests.support.reports import finding

KNOWN = {"FLX101", "FLX106", "FLX301", "FLX304", "FLX403"}
FO1 = "FO" + "1" * 32
FO2 = "FO" + "2" * 32

TOML = f"""
[[suppress]]
rule = "FLX106"
resource = "{FO1}"
reason = "kept disabled for the holiday campaign"
expires = "2027-01-15"

[[suppress]]
rule = "FLX304"
reason = "janitor off on purpose"
"""


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def findings():
    return [
        finding("FLX106", FO1, "Holiday SMS"),
        finding("FLX106", FO2, "Old SMS"),
        finding("FLX301", FO1, "Holiday SMS"),
    ]


# --- loading --------------------------------------------------------------------------

def test_load_toml(tmp_path):
    ws = load_waivers(write(tmp_path, "s.toml", TOML), KNOWN)
    assert ws == [
        Waiver("FLX106", FO1, "kept disabled for the holiday campaign", date(2027, 1, 15), 1),
        Waiver("FLX304", None, "janitor off on purpose", None, 2),
    ]


def test_load_json_equivalent(tmp_path):
    doc = {"suppress": [
        {"rule": "FLX106", "resource": FO1, "reason": "kept disabled for the holiday campaign", "expires": "2027-01-15"},
        {"rule": "FLX304", "reason": "janitor off on purpose"},
    ]}
    assert load_waivers(write(tmp_path, "s.json", json.dumps(doc)), KNOWN) == load_waivers(
        write(tmp_path, "s.toml", TOML), KNOWN
    )


def test_a_waiver_may_name_a_finding_by_its_id(tmp_path):
    text = f'[[suppress]]\nfinding = "flx106:{FO1}"\nreason = "kept disabled"\nexpires = "2027-01-15"\n'
    (w,) = load_waivers(write(tmp_path, "s.toml", text), KNOWN)
    assert w == Waiver("FLX106", FO1, "kept disabled", date(2027, 1, 15), 1)
    out, results = apply_waivers(findings(), [w], date(2026, 11, 21))
    assert [(f.finding_id, f.suppressed) for f in out] == [
        (f"FLX106:{FO1}", True), (f"FLX106:{FO2}", False), (f"FLX301:{FO1}", False)]
    assert (results[0].rule, results[0].resource, results[0].status, results[0].matched) == ("FLX106", FO1, "active", 1)
    doc = {"suppress": [{"finding": f"FLX106:{FO1}", "reason": "kept disabled", "expires": "2027-01-15"}]}
    assert load_waivers(write(tmp_path, "s.json", json.dumps(doc)), KNOWN) == [w]


def test_format_detected_from_content_without_known_extension(tmp_path):
    assert len(load_waivers(write(tmp_path, "waivers.txt", TOML), KNOWN)) == 2
    assert len(load_waivers(write(tmp_path, "waivers", '{"suppress": []}'), KNOWN)) == 0


def test_toml_native_date_and_lowercase_rule_accepted(tmp_path):
    ws = load_waivers(write(tmp_path, "s.toml", '[[suppress]]\nrule = "flx106"\nreason = "r"\nexpires = 2027-01-15\n'), KNOWN)
    assert ws[0].rule == "FLX106" and ws[0].expires == date(2027, 1, 15)


def test_empty_file_has_no_waivers(tmp_path):
    assert load_waivers(write(tmp_path, "s.toml", ""), KNOWN) == []


def test_utf8_bom_tolerated(tmp_path):
    p = tmp_path / "s.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"suppress": [{"rule": "FLX106", "reason": "r"}]}).encode())
    assert load_waivers(p, KNOWN)[0].rule == "FLX106"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("s.toml", '[[suppress]]\nrule = "FLX999"\nreason = "r"\n', "suppress entry 1 (rule FLX999): unknown rule id FLX999"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\n', "suppress entry 1 (rule FLX106): missing 'reason'"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "  "\n', "'reason' must be a non-empty string"),
        ("s.toml", '[[suppress]]\nreason = "r"\n', "suppress entry 1: missing 'rule'"),
        ("s.toml", '[[suppress]]\nrule = "106"\nreason = "r"\n', "'rule' must be a rule id such as FLX106, got '106'"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nexpires = "2027-13-01"\n', "'expires' is not a valid date: '2027-13-01'"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nexpires = "15/01/2027"\n', "'expires' must be a date YYYY-MM-DD, got '15/01/2027'"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nexpires = "20270115"\n', "'expires' must be a date YYYY-MM-DD"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nexpires = 2027-01-15T10:00:00\n', "'expires' must be a date YYYY-MM-DD"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nexpiry = "2027-01-15"\n', "unknown key 'expiry' (allowed: finding, rule, resource, reason, expires)"),
        ("s.toml", f'[[suppress]]\nfinding = "FLX106:{FO1}"\nrule = "FLX106"\nreason = "r"\n', "give either 'finding' or 'rule'"),
        ("s.toml", '[[suppress]]\nfinding = "FLX106"\nreason = "r"\n', "'finding' must be a finding id such as FLX101:PN0123…, got 'FLX106'"),
        ("s.toml", f'[[suppress]]\nfinding = "FLX999:{FO1}"\nreason = "r"\n', "unknown rule id FLX999"),
        ("s.json", '{"suppress": [{"finding": 12, "reason": "r"}]}', "'finding' must be a finding id"),
        ("s.toml", '[[suppress]]\nrule = "FLX106"\nreason = "r"\nresource = ""\n', "'resource' must be a resource SID"),
        ("s.toml", '[[suppression]]\nrule = "FLX106"\nreason = "r"\n', "unknown top-level key 'suppression'"),
        ("s.toml", 'suppress = "FLX106"\n', "'suppress' must be a list"),
        ("s.toml", '[[suppress]\nrule = "FLX106"\n', "not valid TOML"),
        ("s.json", '{"suppress": [{"rule": "FLX106", "reason": "r",}]}', "not valid JSON"),
        ("s.json", '[{"rule": "FLX106", "reason": "r"}]', "the top level must be a table/object"),
        ("s.json", '{"suppress": ["FLX106"]}', "suppress entry 1: must be a table/object"),
        ("s.json", '{"suppress": [{"rule": "FLX106", "reason": "r"}, {"rule": "FLX101"}]}', "suppress entry 2 (rule FLX101): missing 'reason'"),
    ],
)
def test_bad_files_give_one_line_errors_naming_file_and_problem(tmp_path, name, text, expected):
    p = write(tmp_path, name, text)
    with pytest.raises(SuppressionsError) as e:
        load_waivers(p, KNOWN)
    msg = str(e.value)
    assert msg.startswith(f"{p}: ")
    assert expected in msg
    assert "\n" not in msg


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(SuppressionsError, match="suppressions file not found"):
        load_waivers(tmp_path / "nope.toml", KNOWN)
    with pytest.raises(SuppressionsError, match="is a directory"):
        load_waivers(tmp_path, KNOWN)
    p = tmp_path / "latin1.toml"
    p.write_bytes('[[suppress]]\nrule = "FLX106"\nreason = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SuppressionsError, match="not UTF-8"):
        load_waivers(p, KNOWN)


def test_without_known_ids_the_rule_form_is_still_checked(tmp_path, monkeypatch):
    import flexaudit.suppressions as s

    monkeypatch.setattr(s, "_known_rule_ids", lambda: None)
    assert load_waivers(write(tmp_path, "s.toml", '[[suppress]]\nrule = "FLX999"\nreason = "r"\n'))[0].rule == "FLX999"
    with pytest.raises(SuppressionsError, match="must be a rule id"):
        load_waivers(write(tmp_path, "t.toml", '[[suppress]]\nrule = "X1"\nreason = "r"\n'))


# --- applying -------------------------------------------------------------------------

def test_active_unused_and_matched_counts(tmp_path):
    ws = load_waivers(write(tmp_path, "s.toml", TOML), KNOWN)
    out, results = apply_waivers(findings(), ws, date(2026, 11, 21))
    assert [f.suppressed for f in out] == [True, False, False]
    assert [(r.rule, r.resource, r.status, r.matched, r.expires) for r in results] == [
        ("FLX106", FO1, "active", 1, "2027-01-15"),
        ("FLX304", None, "unused", 0, None),
    ]
    assert results[0].reason == "kept disabled for the holiday campaign"


def test_waiver_without_resource_matches_every_resource():
    w = Waiver("FLX106", None, "all of them", None)
    out, results = apply_waivers(findings(), [w], date(2026, 11, 21))
    assert [f.suppressed for f in out] == [True, True, False]
    assert results[0].status == "active" and results[0].matched == 2


def test_inputs_not_modified_and_order_kept():
    fs = findings()
    out, _ = apply_waivers(fs, [Waiver("FLX106", None, "r", None)], date(2026, 11, 21))
    assert not any(f.suppressed for f in fs)
    assert [(f.rule_id, f.resource_sid) for f in out] == [(f.rule_id, f.resource_sid) for f in fs]


def test_already_suppressed_finding_stays_suppressed():
    f = finding("FLX301", FO1, suppressed=True)
    out, _ = apply_waivers([f], [], date(2026, 11, 21))
    assert out[0].suppressed


def test_resource_match_ignores_case():
    out, results = apply_waivers(findings(), [Waiver("FLX106", FO1.lower().replace("fo", "FO", 1).upper(), "r", None)],
                                 date(2026, 11, 21))
    assert out[0].suppressed and results[0].matched == 1


@pytest.mark.parametrize(
    "as_of, status, suppressed",
    [
        (date(2027, 1, 14), "active", True),
        (date(2027, 1, 15), "active", True),  # valid through its expiry day
        (date(2027, 1, 16), "expired", False),  # the next day it suppresses nothing
    ],
)
def test_expiry_at_the_edge_day(as_of, status, suppressed):
    w = Waiver("FLX106", FO1, "r", date(2027, 1, 15))
    out, results = apply_waivers(findings(), [w], as_of)
    assert results[0].status == status
    assert results[0].matched == (1 if suppressed else 0)
    assert out[0].suppressed is suppressed


@freeze_time("2027-01-16")
def test_expiry_with_today_as_as_of(tmp_path):
    ws = load_waivers(write(tmp_path, "s.toml", TOML), KNOWN)
    out, results = apply_waivers(findings(), ws, date.today())
    assert results[0].status == "expired" and results[0].matched == 0
    assert not out[0].suppressed


def test_expired_waiver_matching_nothing_is_still_expired():
    _, results = apply_waivers([], [Waiver("FLX106", None, "r", date(2020, 1, 1))], "2026-11-21")
    assert results[0].status == "expired"


def test_overlapping_waivers_both_count():
    ws = [Waiver("FLX106", None, "a", None), Waiver("FLX106", FO1, "b", None)]
    out, results = apply_waivers(findings(), ws, date(2026, 11, 21))
    assert [r.matched for r in results] == [2, 1]
    assert sum(f.suppressed for f in out) == 2


def test_round_trip_into_a_report(tmp_path):
    from flexaudit.report.model import build_report, report_to_dict
    from tests.support.reports import inventory

    ws = load_waivers(write(tmp_path, "s.toml", TOML), KNOWN)
    out, results = apply_waivers(findings(), ws, date(2026, 11, 21))
    d = report_to_dict(build_report(inventory(), out, [], [], results, date(2026, 11, 21), "0.1.0"))
    assert d["summary"]["suppressed"] == 1
    assert d["waivers"][0] == {"rule": "FLX106", "resource": FO1, "reason": "kept disabled for the holiday campaign",
                               "expires": "2027-01-15", "status": "active", "matched": 1}
