"""`flexaudit diff BEFORE AFTER` through the CLI: inputs, files, schema, escaping, size, exit codes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt
from referencing import Registry, Resource

from flexaudit.migration.render import load_diff_schema, render_diff_markdown
from flexaudit.migration.progress import Evaluated, compare
from flexaudit.commands.pipeline import audit
from flexaudit.model import snapshot
from flexaudit.report.json_format import load_schema

from tests.migration.conftest import run_cli
from tests.migration.test_progress import AS_OF, flow, migrate_by_hand
from tests.support.inventory import InventoryBuilder
from tests.support.sids import sid

HOSTILE = "Sales | <img src=x onerror=alert(1)> `rm -rf` [x](javascript:alert(1))\n# heading \x1b[2J"


@pytest.fixture(scope="module")
def validator():
    schema = load_diff_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    report = load_schema()
    registry = Registry().with_resource(report["$id"], Resource.from_contents(report))
    return jsonschema.Draft202012Validator(schema, registry=registry)


def saved(inventory, path: Path, scanned_at: str) -> Path:
    inventory = copy.deepcopy(inventory)
    inventory.scanned_at = scanned_at
    path.mkdir(parents=True)
    snapshot.save(inventory, path / "flexaudit-inventory.json")
    return path


@pytest.fixture
def scans(tmp_path):
    """(BEFORE dir, AFTER dir): one address migrated, one lost, a hostile name."""
    b = InventoryBuilder()
    b.sms_address("+15550100001")
    b.sms_address("+15550100003", name=HOSTILE)
    b.sms_address("+15550100005")
    before = saved(b.inv, tmp_path / "before", "2026-11-20T10:00:00Z")
    migrate_by_hand(b, "+15550100001")
    b.inv.flex_flows.remove(flow(b.inv, "+15550100003"))
    after = saved(b.inv, tmp_path / "after", "2026-11-27T09:30:00Z")
    return before, after


def test_writes_both_files_valid_against_the_schema_and_prints_a_summary(scans, tmp_path, validator, monkeypatch):
    before, after = scans
    monkeypatch.chdir(tmp_path)
    result = run_cli("diff", str(before), str(after / "flexaudit-inventory.json"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "reports" / f"{InventoryBuilder().inv.account_sid}-diff-20261120T100000Z-20261127T093000Z"
    assert sorted(p.name for p in out.iterdir()) == ["flexaudit-diff.json", "flexaudit-diff.md"]
    data = json.loads((out / "flexaudit-diff.json").read_text(encoding="utf-8"))
    validator.validate(data)
    assert data["as_of"] == "2026-11-27", "default: AFTER's scan date"
    assert data["before"] == {"scanned_at": "2026-11-20T10:00:00Z"}
    assert {a["key"]: a["change"] for a in data["addresses"]} == {
        "sms:+15550100001": "migrated", "sms:+15550100003": "lost", "sms:+15550100005": "unchanged"}
    assert "1 of 3 legacy addresses migrated, 1 remaining, 1 lost" in result.output
    assert "\x1b" not in result.output and "LOST: sms:+15550100003" in result.output


def test_the_schema_rejects_what_the_contract_forbids(scans, tmp_path, validator):
    before, after = scans
    run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "d"), "--format", "json")
    data = json.loads((tmp_path / "d" / "flexaudit-diff.json").read_text(encoding="utf-8"))
    validator.validate(data)
    for broken in (
        lambda d: d["addresses"][0].update(change="moved"),
        lambda d: d["summary"].pop("legacy_remaining"),
        lambda d: d["findings"]["new"].append({"finding_id": "FLX101:x"}),
        lambda d: d.update(schema_version=2),
    ):
        copy_ = copy.deepcopy(data)
        broken(copy_)
        assert not validator.is_valid(copy_)


def test_markdown_puts_lost_first_escapes_account_text_and_keeps_tables_whole(scans, tmp_path):
    before, after = scans
    run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "d"), "--quiet")
    md = (tmp_path / "d" / "flexaudit-diff.md").read_text(encoding="utf-8")
    assert md.index("lost address") < md.index("1 of 3 legacy addresses migrated")
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<img" not in html and "<a href" not in html and "<h1>heading" not in html
    assert "\x1b" not in md
    for line in md.splitlines():
        if line.startswith("| `sms:+15550100003`"):
            assert line.count(" | ") == 3, line  # the name's `|` stayed inside its cell


def test_markdown_stays_pasteable_on_a_large_account():
    b = InventoryBuilder()
    for i in range(600):
        b.sms_address(f"+1555{i:07d}", name=f"Address {i} " + "x" * 40)
    before = copy.deepcopy(b.inv)
    b.inv.flex_flows = b.inv.flex_flows[:100]  # 500 lost
    p = compare(Evaluated(before, audit(before, AS_OF)), Evaluated(b.inv, audit(b.inv, AS_OF)), AS_OF)
    md = render_diff_markdown(p)
    assert len(md) <= 32_000
    assert "more in `flexaudit-diff.json`" in md
    assert "0 of 600 legacy addresses migrated, 100 remaining, 500 lost" in md


def test_two_accounts_are_refused_and_nothing_is_written(scans, tmp_path):
    before, after = scans
    other = snapshot.load(after / "flexaudit-inventory.json")
    other.account_sid = sid("AC", 0xBAD)
    saved(other, tmp_path / "other", "2026-11-27T09:30:00Z")
    result = run_cli("diff", str(before), str(tmp_path / "other"), "--output-dir", str(tmp_path / "d"))
    assert result.exit_code == 2
    assert "one account" in result.output
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("args, code", [
    (("--fail-on-new", "critical"), 1),  # the lost address counts as critical
    ((), 0),
])
def test_fail_on_new_and_lost(scans, tmp_path, args, code):
    before, after = scans
    result = run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "d"), "--quiet", *args)
    assert result.exit_code == code, result.output
    assert result.output == ""


def test_fail_on_new_without_lost_addresses_follows_the_new_findings(tmp_path):
    b = InventoryBuilder()
    b.sms_address("+15550100001")
    before = saved(b.inv, tmp_path / "b", "2026-11-20T10:00:00Z")
    flow(b.inv, "+15550100001").janitor_enabled = False  # FLX304, low
    after = saved(b.inv, tmp_path / "a", "2026-11-21T10:00:00Z")
    assert run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "1"), "--fail-on-new", "medium").exit_code == 0
    assert run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "2"), "--fail-on-new", "low").exit_code == 1
    waiver = tmp_path / "w.toml"
    waiver.write_text('[[suppress]]\nrule = "FLX304"\nreason = "accepted"\n', encoding="utf-8")
    assert run_cli("diff", str(before), str(after), "--output-dir", str(tmp_path / "3"), "--fail-on-new", "low",
                   "--suppressions", str(waiver)).exit_code == 0


@pytest.mark.parametrize("make, message", [
    (lambda p: p.write_text("{not json", encoding="utf-8"), "not valid JSON"),
    (lambda p: None, "no such file"),
])
def test_bad_input_is_one_line_and_exit_2(scans, tmp_path, make, message):
    before, _ = scans
    bad = tmp_path / "bad.json"
    make(bad)
    result = run_cli("diff", str(before), str(bad), "--output-dir", str(tmp_path / "d"))
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output and not (tmp_path / "d").exists()


def test_never_overwrites(scans, tmp_path):
    before, after = scans
    out = tmp_path / "d"
    out.mkdir()
    (out / "flexaudit-diff.md").write_text("mine", encoding="utf-8")
    result = run_cli("diff", str(before), str(after), "--output-dir", str(out))
    assert result.exit_code == 2 and "already exists" in result.output
    assert (out / "flexaudit-diff.md").read_text(encoding="utf-8") == "mine"
    assert not (out / "flexaudit-diff.json").exists()
