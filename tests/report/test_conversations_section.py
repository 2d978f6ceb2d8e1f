"""The Conversations addresses in every output: JSON (contract keys, schema), Markdown and HTML
sections (escaped, capped), the terminal line; and how each address's health is derived."""

from __future__ import annotations

import json
import re
from datetime import date

import jsonschema
import pytest

from flexaudit.report.conversations import address_health
from flexaudit.model.findings import ConversationsAddressHealth, Finding, Severity
from flexaudit.report.html import HtmlFormat
from flexaudit.report.json_format import JsonFormat, load_schema
from flexaudit.report.markdown import MarkdownFormat
from flexaudit.report.model import report_to_dict
from flexaudit.report.terminal import render_terminal_summary
from flexaudit.rules import evaluate

from tests.support.inventory import InventoryBuilder
from tests.support.reports import HOSTILE, empty_report, sample_report
from tests.support.sids import sid


def health(n: int, state: str, name: str = "", **kw) -> ConversationsAddressHealth:
    values = dict(sid=sid("IG", n), type="sms", address=f"+1555010{n:04d}", friendly_name=name or f"Address {n}",
                  integration="studio", studio_flow_sid=sid("FW", n), webhook_url=None, health=state,
                  finding_ids=[f"FLX503:{sid('IG', n)}"] if state == "broken" else [])
    values.update(kw)
    return ConversationsAddressHealth(**values)


def code_finding(rule_id: str, resource_type: str, sid_: str, name: str) -> Finding:
    return Finding(rule_id, Severity.HIGH, "Still on a legacy API", resource_type, sid_, name,
                   f"{name} still calls a legacy API: {name}:3 (.chat.v2).", "Rewrite it.",
                   "https://www.twilio.com/docs/flex")


def report(addresses, findings=()):
    base = sample_report()
    return sample_report(findings=list(base.findings) + list(findings), conversations_addresses=addresses)


def test_json_lists_every_address_with_the_contract_keys_and_validates():
    r = report([health(1, "broken"), health(2, "ok", integration="webhook", studio_flow_sid=None,
                                              webhook_url="https://bots.example.com/in")])
    doc = json.loads(JsonFormat().render(r))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    assert [list(a) for a in doc["conversations_addresses"]] == [[
        "sid", "type", "address", "friendly_name", "integration", "studio_flow_sid", "webhook_url", "health",
        "finding_ids"]] * 2
    assert doc["conversations_addresses"][0]["finding_ids"] == [f"FLX503:{sid('IG', 1)}"]
    assert doc["conversations_addresses"][1]["webhook_url"] == "https://bots.example.com/in"
    assert report_to_dict(empty_report())["conversations_addresses"] == []


def test_the_schema_refuses_an_unknown_health_or_integration():
    validator = jsonschema.Draft202012Validator(load_schema())
    doc = json.loads(JsonFormat().render(report([health(1, "ok")])))
    for key, value in (("health", "sick"), ("integration", "task")):
        bad = json.loads(json.dumps(doc))
        bad["conversations_addresses"][0][key] = value
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(bad)


def test_markdown_section_comes_first_counts_broken_and_caps_rows():
    addresses = [health(n, "broken" if n <= 3 else "ok") for n in range(1, 61)]
    code = [code_finding("FLX601", "serverless_function", sid("ZH", 1), "flex-helpers/close-chat"),
            code_finding("FLX602", "code_file", "src/Chat.js", "src/Chat.js")]
    text = MarkdownFormat().render(report(addresses, code))
    section = text.split("## Conversations addresses")[1].split("## Address readiness")[0]
    assert "- **Conversations addresses:** 60: 3 broken now, 57 ok" in text.split("## Summary")[0]
    assert "**⛔ 3 broken now**, 57 ok" in section
    assert section.count("| ⛔ broken |") == 3 and section.count("| ✅ ok |") == 47  # 50 rows, broken first
    assert "… 10 more (the healthiest last)" in section
    assert "- FLX601 `flex-helpers/close-chat`" in section and "- FLX602 `src/Chat.js`" in section


def test_markdown_section_when_there_is_nothing():
    text = MarkdownFormat().render(empty_report())
    assert "No Conversations address configurations in this account." in text
    assert "Custom code still on the legacy APIs" not in text


@pytest.mark.parametrize("evil", HOSTILE)
def test_account_text_in_the_section_is_inert(evil):
    r = report([health(1, "broken", name=evil, address=evil, type=evil, webhook_url=evil, studio_flow_sid=None)],
               [code_finding("FLX602", "code_file", evil, evil)])
    md = MarkdownFormat().render(r)
    section = md.split("## Conversations addresses")[1].split("## Address readiness")[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert len({len(re.findall(r"(?<!\\)\|", line)) for line in table}) == 1, table  # no cell was split
    prose = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", section)  # code spans aside
    assert not re.search(r"(?<!\\)<", prose) and "](javascript:" not in prose.replace(r"\](", "")
    assert not re.search(r"(?<!\\)<script|(?<!\\)<img", md)
    assert "\x1b" not in md and "\u202e" not in md and not any(line.startswith("line2") for line in md.splitlines())
    html = HtmlFormat().render(r)
    assert "<script>alert" not in html and "<img src=x" not in html and "\x1b" not in html


def test_html_section_and_kpi():
    html = HtmlFormat().render(report([health(1, "broken"), health(2, "ok")],
                                      [code_finding("FLX601", "serverless_function", sid("ZH", 1), "flex-helpers/sync")]))
    assert 'id="conversations-kpi"' in html and "of 2 Conversations addresses broken now" in html
    assert html.count('<tr data-health="broken">') == 1 and html.count('<tr data-health="ok">') == 1
    assert 'href="#conversations"' in html and 'id="legacy-code"' in html and "flex-helpers/sync" in html
    assert 'id="conversations-kpi"' not in HtmlFormat().render(empty_report())


def test_terminal_counts_broken_addresses_and_code_next_to_readiness():
    r = report([health(n, "broken", name=f"Line {n}") for n in range(1, 8)] + [health(9, "ok")],
               [code_finding("FLX601", "serverless_function", sid("ZH", 1), "flex-helpers/close-chat")])
    out = render_terminal_summary(r, [], color=False)
    lines = out.splitlines()
    at = lines.index("Conversations addresses: 7 broken now of 8")
    assert lines[at + 1].startswith("  Line 1 (FLX503), Line 2 (FLX503),") and "+2 more" in lines[at + 2]
    assert all(len(line) <= 80 for line in lines[at:at + 6])
    at = lines.index("Custom code on the legacy APIs: 1 function(s), 0 file(s)")
    assert lines[at + 1] == "  flex-helpers/close-chat"
    plain = render_terminal_summary(sample_report(), [], color=False)
    assert "Conversations addresses" not in plain and "Custom code" not in plain


# ---------------------------------------------------------------- health


def test_health_follows_the_findings_on_the_address_and_flx406_on_its_number():
    b = InventoryBuilder()
    _, healthy, fw = b.studio_address("+15550100021")
    _, disabled, _ = b.studio_address("+15550100022")
    disabled.auto_creation["enabled"] = False  # FLX501
    pn, double, _ = b.studio_address("+15550100023")
    b.flow("+15550100023", integration={"flow_sid": fw.sid})  # an enabled Flex Flow on its number too: FLX406
    _, hook = b.webhook_address("+15550100024", url="https://user:pw@bots.example.com/in?key=1")
    ev = evaluate(b.inv, date(2026, 11, 21))
    by_sid = {h.sid: h for h in address_health(b.inv, ev.findings, ev.context)}
    assert by_sid[healthy.sid].health == "ok" and by_sid[healthy.sid].finding_ids == []
    assert by_sid[disabled.sid].health == "broken" and by_sid[disabled.sid].finding_ids == [f"FLX501:{disabled.sid}"]
    assert by_sid[double.sid].health == "broken" and f"FLX406:{pn.sid}" in by_sid[double.sid].finding_ids
    assert by_sid[hook.sid].integration == "webhook" and by_sid[hook.sid].webhook_url == "https://bots.example.com/in"
    assert by_sid[healthy.sid].integration == "studio" and by_sid[healthy.sid].studio_flow_sid == fw.sid
    order = [h.health for h in address_health(b.inv, ev.findings, ev.context)]
    assert order == sorted(order, key=lambda s: s != "broken")  # broken first


def test_an_unknown_auto_creation_type_reads_as_default():
    b = InventoryBuilder()
    b.address("sms", "+15550100031", {"enabled": True, "type": "something-new"})
    b.address("sms", "+15550100032", None)
    assert [h.integration for h in address_health(b.inv, [])] == ["default", "default"]
