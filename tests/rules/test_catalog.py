"""The rule metadata: complete, matching rules.md, and the single source of the catalog and docs."""

import json
import re

import pytest

from flexaudit.model.findings import RESOURCE_TYPES
from flexaudit.model.inventory import FAMILIES
from flexaudit.rules import all_rules, get_rule
from flexaudit.rules.catalog import main, render_json, render_markdown, with_readme_table
from tests.support import ROOT


# rules.md: id -> (default severity, resource_type of its findings)
EXPECTED = {
    "FLX101": ("high", "phone_number"),
    "FLX102": ("high", "phone_number"),
    "FLX103": ("high", "phone_number"),
    "FLX104": ("medium", "flex_flow"),
    "FLX105": ("high", "flex_flow"),
    "FLX106": ("low", "flex_flow"),
    "FLX107": ("medium", "phone_number"),
    "FLX108": ("medium", "phone_number"),
    "FLX109": ("medium", "flex_flow"),
    "FLX110": ("medium", "flex_flow"),
    "FLX111": ("high", "flex_flow"),
    "FLX112": ("high", "phone_number"),
    "FLX113": ("medium", "flex_flow"),
    "FLX201": ("critical", "flex_flow"),
    "FLX202": ("high", "flex_flow"),
    "FLX203": ("high", "flex_flow"),
    "FLX204": ("medium", "studio_flow"),
    "FLX205": ("high", "studio_flow"),
    "FLX206": ("high", "studio_flow"),
    "FLX207": ("medium", "studio_flow"),
    "FLX301": ("medium", "flex_flow"),  # by date; medium is the far-from-EOL default
    "FLX302": ("medium", "chat_service"),
    "FLX303": ("low", "chat_service"),
    "FLX304": ("low", "flex_flow"),
    "FLX305": ("medium", "proxy_service"),
    "FLX401": ("high", "flex_configuration"),
    "FLX402": ("medium", "flex_flow"),
    "FLX403": ("high", "flex_flow"),
    "FLX404": ("medium", "flex_flow"),
    "FLX405": ("high", "flex_flow"),
    "FLX406": ("high", "phone_number"),
    "FLX407": ("medium", "conversations_address"),
    "FLX408": ("medium", "flex_flow"),
    "FLX409": ("info", "account"),
    "FLX501": ("high", "conversations_address"),
    "FLX502": ("critical", "conversations_address"),
    "FLX503": ("high", "conversations_address"),
    "FLX504": ("high", "conversations_address"),
    "FLX505": ("high", "conversations_address"),
    "FLX506": ("medium", "conversations_address"),
    "FLX507": ("medium", "conversations_address"),
    "FLX508": ("medium", "chat_service"),
    "FLX601": ("high", "serverless_function"),
    "FLX602": ("high", "code_file"),
    "FLX603": ("medium", "code_file"),
    "FLX901": ("info", "account"),
}


def test_catalog_is_exactly_the_rules_md_ids_with_their_severity_and_resource():
    rules = all_rules()
    assert [r.id for r in rules] == sorted(EXPECTED)
    for r in rules:
        assert (r.severity.label, r.resource_type) == EXPECTED[r.id], r.id


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_metadata_is_complete(rule):
    for name in ("title", "rationale", "remediation", "scope"):
        assert len(getattr(rule, name).strip()) > 5, (rule.id, name)
    assert rule.docs_url.startswith("https://www.twilio.com/docs/")
    assert set(rule.families) <= set(FAMILIES)
    assert rule.resource_type in RESOURCE_TYPES
    assert rule.tags and rule.tags[0] == rule.block
    assert callable(rule.check)


def test_get_rule():
    assert get_rule("FLX101").title.startswith("Mapped number")
    with pytest.raises(KeyError):
        get_rule("FLX999")


def test_render_json():
    doc = json.loads(render_json())
    assert doc["schema_version"] == 1
    assert [r["id"] for r in doc["rules"]] == sorted(EXPECTED)
    first = doc["rules"][0]
    assert set(first) >= {"id", "severity", "title", "rationale", "remediation", "docs_url", "families", "tags", "resource_type"}
    assert doc["rules"][[r["id"] for r in doc["rules"]].index("FLX301")]["severity_note"].startswith("by date")


def test_render_markdown_has_every_rule_once_in_the_table():
    md = render_markdown()
    for rule_id in EXPECTED:
        assert md.count(f"| [{rule_id}](#{rule_id.lower()}) |") == 1
        assert f"### {rule_id}" in md
    assert "medium (by date)" in md


def test_docs_rules_md_is_current():
    path = ROOT / "flexaudit" / "rules" / "CATALOG.md"
    assert path.read_text(encoding="utf-8") == render_markdown(), (
        "flexaudit/rules/CATALOG.md is stale: run python -m flexaudit.rules.catalog --write flexaudit/rules/CATALOG.md"
    )


def test_readme_rules_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == with_readme_table(readme), (
        "README's rules table is stale: run python -m flexaudit.rules.catalog --write-readme README.md"
    )
    assert all(f"| {r.id} |" in readme for r in all_rules())


def test_catalog_cli(tmp_path, capsys):
    target = tmp_path / "rules.md"
    assert main(["--check", str(target)]) == 1
    assert main(["--write", str(target)]) == 0
    assert main(["--check", str(target)]) == 0
    assert main(["--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rules"]


def test_every_rule_has_a_firing_test():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "rules").glob("test_*.py"))
    fired = set(re.findall(r'(?:assert_fires|only)\([^"]*?"(FLX\d{3})"', sources))
    silent = set(re.findall(r'assert_silent\([^"]*?"(FLX\d{3})"', sources))
    assert fired >= set(EXPECTED), sorted(set(EXPECTED) - fired)
    assert silent >= set(EXPECTED), sorted(set(EXPECTED) - silent)


def test_readiness_metadata_is_rules_md_address_readiness():
    """rules.md "Address readiness": FLX201, FLX403, FLX405 block the address they name; FLX401 blocks
    every address (account-wide); any other 1xx/2xx/4xx rule but FLX106 and FLX409 is work to do."""
    by_id = {r.id: r for r in all_rules()}
    assert {r.id for r in by_id.values() if r.blocks_migration} == {"FLX201", "FLX401", "FLX403", "FLX405"}
    assert [r.id for r in by_id.values() if r.blocks_migration and r.account_wide] == ["FLX401"]
    work = {r.id for r in by_id.values() if r.readiness == "work"}
    assert work == {i for i in by_id if i[3] in "124"} - {"FLX106", "FLX201", "FLX401", "FLX403", "FLX405", "FLX409"}
    # 5xx judge addresses already migrated, 6xx custom code: neither enters a legacy address's readiness
    assert not {i for i, r in by_id.items() if i[3] in "56" and r.readiness}
    for r in by_id.values():
        assert (r.blocker_fix is not None) == r.blocks_migration, r.id
