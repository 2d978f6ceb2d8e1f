"""flexaudit-summary.md: under 32,000 characters on any account, naming every critical and high rule."""

from __future__ import annotations

import re
from datetime import date

import pytest

from flexaudit.commands.pipeline import audit
from flexaudit.emulator.synthetic import generate_preset
from flexaudit.emulator.synthetic_inventory import inventory_from_scenario
from flexaudit.model.findings import Severity
from flexaudit.report import RENDERERS
from flexaudit.report.summary import SummaryFormat

from tests.support.reports import (AS_OF, address, build_report, finding, hostile_report, incomplete_report,
                                   inventory, large_report, sample_report)

SUMMARY = RENDERERS["summary"]
LIMIT = 32_000


def _named_rules(text: str) -> dict[str, int]:
    section = text.split("## Critical and high findings")[1]
    return {m[1]: int(m[2]) for m in re.finditer(r"^- \S+ \*\*(FLX\d{3}): [^*]+\*\*: (\d+)", section, re.MULTILINE)}


def _expected_rules(report) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in report.open_findings:
        if f.severity >= Severity.HIGH:
            out[f.rule_id] = out.get(f.rule_id, 0) + 1
    return out


@pytest.fixture(scope="module")
def large_synthetic_report():
    inventory_ = inventory_from_scenario(generate_preset("large"))
    return audit(inventory_, date(2026, 11, 21))


def test_registered_as_the_md_format_second_file():
    assert SUMMARY.format == "md" and SUMMARY.filename == "flexaudit-summary.md"


def test_large_synthetic_account_fits_a_jira_comment_and_names_every_critical_and_high_rule(large_synthetic_report):
    report = large_synthetic_report
    text = SUMMARY.render(report)
    assert len(text) < LIMIT
    expected = _expected_rules(report)
    assert len(expected) >= 5 and sum(expected.values()) > 2000  # the account is large
    assert _named_rules(text) == expected
    # as many resources as fit: a good share of the budget lists them, and the rest is counted
    assert text.count("`FO") + text.count("`PN") + text.count("`FW") > 200
    assert re.search(r", and \d+ more\)", text)
    # it opens like the report: prerequisites, then the first wave
    lines = text.splitlines()
    assert lines[2].startswith("**⛔ Account prerequisites: upgrade Flex UI to 2.x — blocks all 2000 addresses.**")
    assert lines[4].startswith("**Move first: wave 1 (ready), ")
    assert "flexaudit-report.md (attached)" in lines[-1]


def test_small_account_lists_every_resource():
    report = sample_report()
    text = SUMMARY.render(report)
    assert _named_rules(text) == {"FLX301": 3, "FLX101": 1, "FLX403": 1}
    assert "more)" not in text
    for f in report.open_findings:
        if f.severity >= Severity.HIGH:
            assert f"`{f.resource_sid}`" in text
    assert "Also open: 1 info, listed in flexaudit-report.md." in text


def test_every_size_stays_under_the_limit_and_names_every_rule():
    for n in (1, 50, 400, 1500):
        report = large_report(n)
        text = SUMMARY.render(report)
        assert len(text) < LIMIT, n
        assert _named_rules(text) == _expected_rules(report)


def test_hostile_huge_values_cannot_pass_the_limit():
    huge = "x|<b>`" * 50_000
    findings = [finding("FLX101", f"PN{i:032x}", huge, message=huge) for i in range(3000)]
    findings += [finding("FLX201", f"FO{i:032x}", huge, message=huge) for i in range(3000)]
    addresses = [address(i, "ready", friendly_name=huge) for i in range(1, 200)]
    for a in addresses:
        a.contact_identity = huge
    report = build_report(inventory(huge), findings, addresses, [], [], AS_OF, "0.1.0")
    text = SUMMARY.render(report)
    assert len(text) < LIMIT
    assert _named_rules(text) == {"FLX201": 3000, "FLX101": 3000}
    assert _no_markup(text)


def test_a_tiny_budget_still_names_the_rules_before_their_resources():
    report = large_report(50)
    text = SummaryFormat(max_chars=4_000).render(report)
    assert len(text) <= 4_000
    assert _named_rules(text) == _expected_rules(report)


def test_coverage_gaps_are_said():
    text = SUMMARY.render(incomplete_report())
    assert "⚠️ Not read, so their rules were skipped: `proxy` (HTTP 403 Forbidden (code 20003)); `chat`" in text


def test_hostile_values_stay_inert():
    text = SUMMARY.render(hostile_report())
    assert _no_markup(text)
    assert "\x1b" not in text and "\u202e" not in text


def _no_markup(text: str) -> bool:
    """No raw HTML, image or foreign link once a CommonMark renderer (with GFM tables) reads it."""
    from markdown_it import MarkdownIt

    def walk(tokens):
        for t in tokens:
            yield t
            yield from walk(t.children or [])

    tokens = list(walk(MarkdownIt("commonmark").enable("table").parse(text)))
    links = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    return (not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]
            and all(h.startswith("https://www.twilio.com/") for h in links))
