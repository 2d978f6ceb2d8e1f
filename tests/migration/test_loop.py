"""The migration loop a team follows, end to end, as users run it: scan → plan → migrate → scan → diff,
a rerun stopped at preflight, a flow deleted by hand, rollback → scan → diff.

The generated scripts run in a subprocess with the credentials in the environment and
FLEXAUDIT_API_BASE_URL pointing at the emulator, which accepts their writes.
"""

from __future__ import annotations

import json

import pytest
import requests

from tests.migration.conftest import (
    ACCOUNT,
    FO_EXTERNAL,
    FO_OTHER,
    FO_SMS,
    FO_TASK,
    FO_WHATSAPP,
    IS_CONV,
    KS,
    MG,
    PN_EXTERNAL,
    PN_OTHER,
    PN_PAIR,
    PN_TASK,
    TOKEN,
    run_cli,
    run_script,
    scan,
    wiring,
    writes,
)

pytestmark = pytest.mark.sends_writes


def diff(before, after, out, *extra):
    result = run_cli("diff", str(before), str(after), "--output-dir", str(out), *extra)
    return result, json.loads((out / "flexaudit-diff.json").read_text(encoding="utf-8"))


def changes(diff_json) -> dict[str, str]:
    return {a["key"]: a["change"] for a in diff_json["addresses"]}


def test_the_migration_loop(writable, tmp_path):
    first = scan(writable, tmp_path / "before")

    # plan: the pair number is ready; the external one needs work and is chosen by hand
    result = run_cli("plan", str(tmp_path / "before"), "--address", FO_SMS, "--address", FO_EXTERNAL,
                     "--output-dir", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    plan = tmp_path / "plan"
    assert sorted(p.name for p in plan.iterdir()) == sorted(
        ["PLAN.md"] + [f"{kind}-{pn}.py" for kind in ("migrate", "rollback") for pn in (PN_PAIR, PN_EXTERNAL)])
    assert not writes(writable), "flexaudit itself sends nothing but GETs"

    # migrate both numbers, as a user would
    for pn in (PN_PAIR, PN_EXTERNAL):
        done = run_script(plan / f"migrate-{pn}.py", writable, "--yes")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "the live state verified" in done.stdout
        assert TOKEN not in done.stdout + done.stderr
    sent = writes(writable)
    assert ("DELETE", f"/flex-api/v1/FlexFlows/{FO_SMS}") in sent
    assert ("DELETE", f"/flex-api/v1/FlexFlows/{FO_WHATSAPP}") in sent
    assert ("DELETE", f"/messaging/v1/Services/{MG}/PhoneNumbers/{PN_EXTERNAL}") in sent
    assert ("DELETE", f"/proxy/v1/Services/{KS}/PhoneNumbers/{PN_PAIR}") in sent

    migrated = scan(writable, tmp_path / "migrated")
    by_address = {(a.type, a.address): a for a in migrated.address_configurations}
    assert by_address[("sms", "+15550130001")].auto_creation["studio_flow_sid"] == first.flex_flows[0].integration["flow_sid"]
    assert by_address[("sms", "+15550130001")].auto_creation["conversation_service_sid"] == IS_CONV
    assert by_address[("whatsapp", "whatsapp:+15550130001")].auto_creation["type"] == "studio"
    assert by_address[("sms", "+15550130002")].auto_creation["webhook_url"] == "https://hooks.example.com/flex"
    assert all(a.auto_creation["enabled"] is True for a in by_address.values())
    assert by_address[("sms", "+15550130001")].friendly_name == first.flex_flows[0].friendly_name

    result, progress = diff(tmp_path / "before", tmp_path / "migrated", tmp_path / "diff1")
    assert result.exit_code == 0, result.output
    assert changes(progress) == {
        "sms:+15550130001": "migrated", "whatsapp:+15550130001": "migrated", "sms:+15550130002": "migrated",
        "sms:+15550130003": "unchanged", "sms:+15550130004": "unchanged"}
    assert progress["summary"]["legacy_remaining"] == 2
    assert "3 of 5 legacy addresses migrated, 2 remaining" in (tmp_path / "diff1" / "flexaudit-diff.md").read_text()

    # a rerun stops at preflight and changes nothing
    before_rerun = len(writes(writable))
    again = run_script(plan / f"migrate-{PN_PAIR}.py", writable, "--yes")
    assert again.returncode == 3, again.stdout + again.stderr
    assert f"Flex Flow {FO_SMS} is gone" in again.stdout and "nothing changed" in again.stdout
    assert len(writes(writable)) == before_rerun

    # someone deletes another flow by hand: its number reaches no one
    gone = requests.delete(f"{writable.base_url}/flex-api/v1/FlexFlows/{FO_OTHER}", auth=(ACCOUNT, TOKEN), timeout=10)
    assert gone.status_code == 204
    scan(writable, tmp_path / "broken")
    result, progress = diff(tmp_path / "before", tmp_path / "broken", tmp_path / "diff2", "--fail-on-new", "high")
    assert result.exit_code == 1, result.output
    assert changes(progress)["sms:+15550130003"] == "lost"
    assert progress["addresses"][0]["key"] == "sms:+15550130003", "lost addresses come first"
    md = (tmp_path / "diff2" / "flexaudit-diff.md").read_text(encoding="utf-8")
    assert md.index("lost address") < md.index("3 of 5 legacy addresses migrated, 1 remaining, 1 lost")
    assert "LOST: sms:+15550130003" in result.output

    # roll both numbers back: everything as the first scan recorded it, but the flows' SIDs
    for pn in (PN_PAIR, PN_EXTERNAL):
        undone = run_script(plan / f"rollback-{pn}.py", writable, "--yes")
        assert undone.returncode == 0, undone.stdout + undone.stderr
    restored = scan(writable, tmp_path / "restored")
    expected = wiring(first)
    expected["flows"] = [f for f in expected["flows"] if f[1] != "+15550130003"]  # deleted by hand, not by the scripts
    assert wiring(restored) == expected
    assert {f.sid for f in restored.flex_flows}.isdisjoint({FO_SMS, FO_WHATSAPP, FO_EXTERNAL})
    assert FO_TASK in {f.sid for f in restored.flex_flows}

    result, progress = diff(tmp_path / "before", tmp_path / "restored", tmp_path / "diff3")
    assert {k: v for k, v in changes(progress).items() if k != "sms:+15550130003"} == {
        "sms:+15550130001": "unchanged", "whatsapp:+15550130001": "unchanged", "sms:+15550130002": "unchanged",
        "sms:+15550130004": "unchanged"}

    # a rollback run again finds nothing to do
    count = len(writes(writable))
    twice = run_script(plan / f"rollback-{PN_EXTERNAL}.py", writable, "--yes")
    assert twice.returncode == 0, twice.stdout + twice.stderr
    assert len(writes(writable)) == count
    assert twice.stdout.count("skipped:") >= 4


def test_the_default_plan_takes_every_ready_number_and_says_why_not_the_others(writable, tmp_path):
    scan(writable, tmp_path / "scan")
    result = run_cli("plan", str(tmp_path / "scan"), "--output-dir", str(tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "plan").iterdir())
    assert names == sorted(["PLAN.md", f"migrate-{PN_OTHER}.py", f"migrate-{PN_PAIR}.py",
                            f"rollback-{PN_OTHER}.py", f"rollback-{PN_PAIR}.py"])
    plan_md = (tmp_path / "plan" / "PLAN.md").read_text(encoding="utf-8")
    assert f"{FO_EXTERNAL}` | Flex Flow {FO_EXTERNAL} needs work" in plan_md
    assert "FLX403" in plan_md and PN_TASK in plan_md
    # the pair number's two flows are in one script
    script = (tmp_path / "plan" / f"migrate-{PN_PAIR}.py").read_text(encoding="utf-8")
    assert FO_SMS in script and FO_WHATSAPP in script
