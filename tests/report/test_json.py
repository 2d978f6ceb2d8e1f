import json

import jsonschema
import pytest

from flexaudit.model.findings import RESOURCE_TYPES, WaiverResult
from flexaudit.report import RENDERERS
from flexaudit.report.json_format import load_schema
from flexaudit.report.model import report_to_dict

from tests.support.reports import (
    empty_report,
    finding,
    hostile_report,
    incomplete_report,
    large_report,
    sample_report,
)

JSON = RENDERERS["json"]


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_registered_with_contract_file_name():
    assert JSON.format == "json"
    assert JSON.filename == "flexaudit-report.json"


def test_render_is_report_to_dict_indented():
    r = sample_report()
    text = JSON.render(r)
    assert json.loads(text) == report_to_dict(r)
    assert text.startswith('{\n  "schema_version": 1,\n  "tool": {')
    assert text.endswith("}\n")


@pytest.mark.parametrize(
    "build",
    [sample_report, empty_report, incomplete_report, hostile_report, lambda: large_report(50)],
    ids=["sample", "empty", "incomplete", "hostile", "large"],
)
def test_rendered_reports_validate(validator, build):
    validator.validate(json.loads(JSON.render(build())))


def test_empty_findings_validate(validator):
    doc = json.loads(JSON.render(empty_report()))
    assert doc["findings"] == [] and doc["addresses"] == [] and doc["waivers"] == []
    assert doc["summary"] == {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0, "suppressed": 0}
    validator.validate(doc)


def test_suppressed_and_waivers_validate(validator):
    doc = json.loads(JSON.render(sample_report()))
    supp = [f for f in doc["findings"] if f["suppressed"]]
    assert [f["rule_id"] for f in supp] == ["FLX106"]
    assert doc["summary"]["suppressed"] == 1
    assert [w["status"] for w in doc["waivers"]] == ["active", "unused"]
    assert doc["waivers"][1]["resource"] is None and doc["waivers"][1]["expires"] is None
    validator.validate(doc)


def test_expired_waiver_validates(validator):
    r = sample_report(waivers=[WaiverResult("FLX106", None, "old", "2026-01-01", "expired", 0)])
    validator.validate(json.loads(JSON.render(r)))


def test_incomplete_coverage_validates(validator):
    doc = json.loads(JSON.render(incomplete_report()))
    gaps = [c for c in doc["coverage"] if not c["complete"]]
    assert gaps[0] == {"family": "proxy", "complete": False, "error": "HTTP 403 Forbidden (code 20003)",
                       "skipped_rules": ["FLX101", "FLX112", "FLX305"], "note": None}
    assert doc["coverage"][0]["error"] is None
    validator.validate(doc)


def test_schema_requires_contract_keys_and_enums(validator):
    good = json.loads(JSON.render(sample_report()))

    def broken(mutate):
        doc = json.loads(json.dumps(good))
        mutate(doc)
        return list(validator.iter_errors(doc))

    assert broken(lambda d: d.pop("summary"))
    assert broken(lambda d: d["summary"].pop("suppressed"))
    assert broken(lambda d: d["findings"][0].update(severity="CRITICAL"))
    assert broken(lambda d: d["findings"][0].update(resource_type="number"))
    assert broken(lambda d: d["findings"][0].pop("docs_url"))
    assert broken(lambda d: d["findings"][0].update(suppressed="no"))
    assert broken(lambda d: d["addresses"][0].update(readiness="almost"))
    assert broken(lambda d: d["addresses"][0].pop("steps"))
    assert broken(lambda d: d["waivers"][0].update(status="paused"))
    assert broken(lambda d: d["coverage"][0].pop("skipped_rules"))
    assert broken(lambda d: d.update(schema_version=2))
    assert broken(lambda d: d.update(as_of="21/11/2026"))
    assert broken(lambda d: d.pop("account_blockers"))
    assert broken(lambda d: d.update(account_blockers=["Flex UI"]))
    assert broken(lambda d: d["findings"][0].pop("finding_id"))
    assert broken(lambda d: d["findings"][0].update(finding_id="PN123"))
    assert broken(lambda d: d["addresses"][0].update(wave=4))
    assert broken(lambda d: d["addresses"][0].pop("last_inbound_at"))
    assert broken(lambda d: d["addresses"][0].update(last_inbound_at="Fri, 02 Oct 2026 14:03:11 +0000"))
    assert not broken(lambda d: d["addresses"][0].update(last_inbound_at=None))
    assert broken(lambda d: d["coverage"][0].update(note=3))
    # extensions are allowed everywhere
    assert not broken(lambda d: d.update(x_extra=1))
    assert not broken(lambda d: d["findings"][0].update(x_extra=1))
    assert not broken(lambda d: d["addresses"][0].update(x_extra=1))


def test_schema_resource_type_enum_matches_findings_module():
    schema = load_schema()
    assert schema["$defs"]["finding"]["properties"]["resource_type"]["enum"] == list(RESOURCE_TYPES)
    assert schema["$defs"]["severity"]["enum"] == ["critical", "high", "medium", "low", "info"]


def test_every_resource_type_validates(validator):
    r = sample_report()
    for rt in RESOURCE_TYPES:
        f = finding("FLX409", "AC1")
        f.resource_type = rt
        doc = json.loads(JSON.render(sample_report(findings=[f])))
        validator.validate(doc)
    assert r


def test_non_ascii_kept_readable():
    from tests.support.reports import inventory

    text = JSON.render(empty_report(inventory=inventory("Société Générale — 客服")))
    assert '"friendly_name": "Société Générale — 客服"' in text
