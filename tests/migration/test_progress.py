"""The pure diff: keys, each change firing and its near miss, findings by finding_id, --fail-on-new."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from flexaudit.commands.pipeline import audit
from flexaudit.migration.progress import Evaluated, compare, progress_to_dict
from flexaudit.model.findings import Severity

from tests.support.inventory import InventoryBuilder

AS_OF = date(2026, 11, 27)


def evaluated(inventory, waivers=()):
    return Evaluated(inventory, audit(inventory, AS_OF, waivers))


def progress(before, after):
    return compare(evaluated(before), evaluated(after), AS_OF)


def change_of(p, key):
    [row] = [a for a in p.addresses if a.key == key]
    return row


@pytest.fixture
def account():
    """Before: two ready sms addresses, a whatsapp address, a disabled flow, a web flow."""
    b = InventoryBuilder()
    b.sms_address("+15550100001")
    b.sms_address("+15550100003")
    b.whatsapp_address("+15550100002")
    b.flow("+15550100004", enabled=False, name="outbound only")
    b.flow(None, channel="web", name="Webchat")
    return b


def flow(inv, identity):
    return next(f for f in inv.flex_flows if f.contact_identity == identity)


def migrate_by_hand(b: InventoryBuilder, identity: str, atype: str = "sms"):
    """What the migrate script does to one address, on the inventory."""
    fo = flow(b.inv, identity)
    b.inv.flex_flows.remove(fo)
    b.address(atype, identity, {"enabled": True, "type": "studio", "studio_flow_sid": fo.integration["flow_sid"]})


def test_keys_normalize_numbers_and_key_web_and_custom_flows_by_their_sid(account):
    before = copy.deepcopy(account.inv)
    flow(account.inv, "+15550100001").contact_identity = "+1 (555) 010-0001"  # the same number, spelt otherwise
    p = progress(before, account.inv)
    keys = {a.key: a for a in p.addresses}
    web = next(f for f in before.flex_flows if f.channel_type == "web")
    assert set(keys) == {"sms:+15550100001", "sms:+15550100003", "whatsapp:+15550100002", "sms:+15550100004",
                         f"web:{web.sid}"}
    assert keys["whatsapp:+15550100002"].contact_identity == "+15550100002"
    assert {a.change for a in p.addresses} == {"unchanged"}


def test_migrated_needs_the_conversations_address_for_the_same_address(account):
    before = copy.deepcopy(account.inv)
    migrate_by_hand(account, "+15550100001")
    migrate_by_hand(account, "whatsapp:+15550100002", "whatsapp")
    p = progress(before, account.inv)
    row = change_of(p, "sms:+15550100001")
    assert row.change == "migrated"
    assert row.before.flex_flow_sid == flow(before, "+15550100001").sid and row.before.readiness == "ready"
    assert row.after.flex_flow_sid is None and row.after.readiness is None
    assert row.after.conversations_address_sid == account.inv.address_configurations[0].sid
    assert change_of(p, "whatsapp:+15550100002").change == "migrated"
    assert p.counts["migrated"] == 2 and p.legacy_before == 4 and p.legacy_remaining == 2
    assert p.progress_line == "2 of 4 legacy addresses migrated, 2 remaining"


def test_an_address_for_another_number_is_no_migration_but_a_lost_address(account):
    before = copy.deepcopy(account.inv)
    account.inv.flex_flows.remove(flow(account.inv, "+15550100001"))
    account.address("sms", "+15550100009")  # near miss: another number
    p = progress(before, account.inv)
    assert change_of(p, "sms:+15550100001").change == "lost"
    assert change_of(p, "sms:+15550100009").change == "added"
    assert p.progress_line == "0 of 4 legacy addresses migrated, 3 remaining, 1 lost"
    assert p.addresses[0].change == "lost", "lost addresses come first"


def test_a_flow_disabled_without_replacement_is_lost(account):
    before = copy.deepcopy(account.inv)
    flow(account.inv, "+15550100003").enabled = False
    assert change_of(progress(before, account.inv), "sms:+15550100003").change == "lost"


def test_a_conversations_address_deleted_with_nothing_in_its_place_is_lost(account):
    account.address("sms", "+15550100007")
    before = copy.deepcopy(account.inv)
    account.inv.address_configurations.clear()
    assert change_of(progress(before, account.inv), "sms:+15550100007").change == "lost"


def test_removed_is_a_disabled_flow_or_a_web_flow_gone(account):
    before = copy.deepcopy(account.inv)
    web = next(f for f in account.inv.flex_flows if f.channel_type == "web")
    account.inv.flex_flows.remove(web)
    account.inv.flex_flows.remove(flow(account.inv, "+15550100004"))
    p = progress(before, account.inv)
    assert change_of(p, f"web:{web.sid}").change == "removed"
    assert change_of(p, "sms:+15550100004").change == "removed"
    assert p.counts["lost"] == 0


def test_a_disabled_flow_still_there_is_unchanged_and_one_enabled_again_is_added(account):
    before = copy.deepcopy(account.inv)
    p = progress(before, account.inv)
    assert change_of(p, "sms:+15550100004").change == "unchanged"
    flow(account.inv, "+15550100004").enabled = True
    assert change_of(progress(before, account.inv), "sms:+15550100004").change == "added"


def test_changed_is_another_readiness_of_an_enabled_flow(account):
    before = copy.deepcopy(account.inv)
    pn = next(n for n in account.inv.phone_numbers if n.phone_number == "+15550100003")
    pn.sms_url = None  # FLX101: needs work now
    p = progress(before, account.inv)
    row = change_of(p, "sms:+15550100003")
    assert (row.change, row.before.readiness, row.after.readiness) == ("changed", "ready", "needs-work")
    assert change_of(p, "sms:+15550100001").change == "unchanged"


def test_new_and_resolved_findings_by_finding_id(account):
    before = copy.deepcopy(account.inv)
    pn = next(n for n in account.inv.phone_numbers if n.phone_number == "+15550100003")
    pn.sms_url = None
    fixed = flow(account.inv, "+15550100001")
    fixed.janitor_enabled = False  # FLX304 (low) appears
    p = progress(before, account.inv)
    assert {f.finding_id for f in p.new_findings} == {f"FLX101:{pn.sid}", f"FLX304:{fixed.sid}"}
    assert p.new_by_severity == {"critical": 0, "high": 1, "medium": 0, "low": 1, "info": 0}
    assert p.persisting_findings == len(evaluated(before).report.findings)
    back = progress(account.inv, before)
    assert {f.finding_id for f in back.resolved_findings} == {f"FLX101:{pn.sid}", f"FLX304:{fixed.sid}"}


def test_fail_on_new_counts_unsuppressed_findings_at_or_above_and_any_lost_address_as_critical(account):
    before = copy.deepcopy(account.inv)
    flow(account.inv, "+15550100001").janitor_enabled = False  # a new low finding
    p = progress(before, account.inv)
    assert p.fails(Severity.LOW) and not p.fails(Severity.MEDIUM)
    account.inv.flex_flows.remove(flow(account.inv, "+15550100003"))
    p = progress(before, account.inv)
    assert p.fails(Severity.CRITICAL)


def test_json_has_the_contracts_keys_in_order(account):
    before = copy.deepcopy(account.inv)
    migrate_by_hand(account, "+15550100001")
    data = progress_to_dict(progress(before, account.inv))
    assert list(data) == ["schema_version", "account", "before", "after", "as_of", "summary", "addresses", "findings"]
    assert list(data["summary"])[:9] == ["migrated", "lost", "added", "removed", "changed", "unchanged",
                                         "legacy_remaining", "new_findings", "resolved_findings"]
    row = next(a for a in data["addresses"] if a["change"] == "migrated")
    assert list(row) == ["key", "channel_type", "contact_identity", "change", "before", "after"]
    assert row["after"]["conversations_address_sid"].startswith("IG")
    assert data["findings"]["persisting"] >= 1 and isinstance(data["findings"]["new"], list)
