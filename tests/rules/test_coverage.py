"""FLX901 and the engine: coverage, skipped rules, rule failures, ordering."""

import dataclasses
from datetime import date, datetime

import pytest

from tests.support.inventory import ACCOUNT, InventoryBuilder, assert_fires, assert_silent, hits, rule_ids

from flexaudit.model.inventory import FAMILIES
from flexaudit.rules import evaluate, get_rule
from flexaudit.rules import registry
from flexaudit.rules.registry import Hit


def broken_account():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address()
    pn.sms_url = None  # FLX101 material
    b.inv.chat_services[0].channels.active_by_type = {"private": 2}  # FLX302 material
    return b, pn, fo


# ---------------------------------------------------------------- FLX901


def test_flx901_one_finding_per_failed_family_naming_error_and_skipped_rules():
    b, pn, fo = broken_account()
    b.fail("chat", "HTTP 403 Forbidden (20003)")
    b.fail("proxy", "HTTP 500 after 4 attempts")
    ev = b.evaluate()
    found = hits(ev, "FLX901")
    assert [f.resource_name for f in found] == ["proxy", "chat"]  # ties keep FAMILIES order
    for f in found:
        assert f.resource_type == "account" and f.resource_sid == ACCOUNT and f.severity.label == "info"
    proxy, chat = found
    assert "HTTP 500 after 4 attempts" in proxy.message and "FLX101" in proxy.message and "FLX305" in proxy.message
    assert "HTTP 403" in chat.message and "FLX302, FLX303" in chat.message
    assert_fires(ev, "FLX901", "account", ACCOUNT, "info")


def test_flx901_silent_when_everything_was_read():
    assert_silent(InventoryBuilder().evaluate(), "FLX901")


def test_family_never_attempted_counts_as_incomplete():
    b, pn, fo = broken_account()
    del b.inv.coverage["messaging"]
    ev = b.evaluate()
    (f,) = [f for f in hits(ev, "FLX901") if f.resource_name == "messaging"]
    assert "not scanned" in f.message and "FLX103" in f.message
    cov = {c.family: c for c in ev.coverage}["messaging"]
    assert cov.complete is False and cov.error == "not scanned" and "FLX103" in cov.skipped_rules


# ---------------------------------------------------------------- coverage and skipping


def test_skipped_rules_produce_nothing_and_are_listed():
    b, pn, fo = broken_account()
    b.fail("proxy")
    ev = b.evaluate()
    assert_silent(ev, "FLX101")  # would fire, but cannot be judged
    coverage = {c.family: c for c in ev.coverage}
    assert [c.family for c in ev.coverage] == list(FAMILIES)
    assert coverage["proxy"].complete is False and coverage["proxy"].error.startswith("HTTP 403")
    assert coverage["proxy"].skipped_rules == ["FLX101", "FLX108", "FLX112", "FLX305"]
    assert all(c.complete and c.error is None and c.skipped_rules == [] for f, c in coverage.items() if f != "proxy")
    assert "FLX302" in rule_ids(ev)  # the rest still runs


def test_rule_needing_several_failed_families_is_listed_under_each():
    b, pn, fo = broken_account()
    b.fail("phone_numbers")
    b.fail("flex_flows")
    coverage = {c.family: c for c in b.evaluate().coverage}
    assert "FLX102" in coverage["phone_numbers"].skipped_rules and "FLX102" in coverage["flex_flows"].skipped_rules


# ---------------------------------------------------------------- a rule that raises


def _swap(monkeypatch, rule_id, check):
    monkeypatch.setitem(registry._REGISTRY, rule_id, dataclasses.replace(get_rule(rule_id), check=check))


def test_a_rule_that_raises_does_not_stop_the_run(monkeypatch, caplog):
    def boom(ctx):
        yield Hit("FO1", "x", "half a result")
        raise RuntimeError("bad data")

    _swap(monkeypatch, "FLX101", boom)
    b, pn, fo = broken_account()
    ev = b.evaluate()
    assert ev.rule_errors == {"FLX101": "RuntimeError: bad data"}
    assert_silent(ev, "FLX101")  # partial output is dropped
    assert "FLX302" in rule_ids(ev) and "FLX301" in rule_ids(ev)
    coverage = {c.family: c for c in ev.coverage}
    for family in get_rule("FLX101").families:
        assert "FLX101" in coverage[family].skipped_rules
        assert coverage[family].complete is True  # the scan did read it
    assert "FLX101" in ev.skipped_rules
    assert "FLX101 failed" in caplog.text


def test_a_familyless_rule_that_raises_is_listed_under_account(monkeypatch):
    def boom(ctx):
        raise KeyError("x")

    _swap(monkeypatch, "FLX901", boom)
    ev = InventoryBuilder().evaluate()
    assert "FLX901" in {c.family: c for c in ev.coverage}["account"].skipped_rules
    assert ev.rule_errors["FLX901"].startswith("KeyError")


# ---------------------------------------------------------------- findings


def test_findings_sorted_by_severity_then_rule_then_sid_and_carry_metadata():
    b = InventoryBuilder(ui_version="1.34.0")
    for i in range(3):
        pn, fo, fw = b.sms_address(f"+1555010010{i}", janitor_enabled=False)
        pn.sms_url = None
    b.fail("chat")
    ev = b.evaluate(date(2026, 3, 1))
    keys = [(-int(f.severity), f.rule_id, f.resource_sid) for f in ev.findings]
    assert keys == sorted(keys)
    assert ev.findings[0].severity.label == "high"
    for f in ev.findings:
        meta = get_rule(f.rule_id)
        assert (f.title, f.remediation, f.docs_url, f.resource_type) == (meta.title, meta.remediation, meta.docs_url, meta.resource_type)
        assert f.suppressed is False


def test_findings_unique_per_rule_and_resource():
    b, pn, fo = broken_account()
    b.sms_address("+15550100001")  # a second flow on the same number
    ev = b.evaluate()
    keys = [(f.rule_id, f.resource_sid, f.resource_name) for f in ev.findings]
    assert len(keys) == len(set(keys))


def test_evaluate_accepts_a_datetime_and_rejects_junk():
    b, pn, fo = broken_account()
    assert b.evaluate(datetime(2025, 1, 1, 12, 0)).as_of == date(2025, 1, 1)
    with pytest.raises(TypeError):
        evaluate(b.inv, "2025-01-01")
