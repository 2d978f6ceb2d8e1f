import re

import pytest

from flexaudit.report import RENDERERS
from flexaudit.report.markdown import (
    GITHUB_COMMENT_LIMIT,
    MarkdownFormat,
    md_cell,
    md_code,
    md_code_cell,
    md_inline,
    md_link,
    md_step,
)

from tests.support.markdown import markdown_tokens
from tests.support.reports import (
    HOSTILE,
    empty_report,
    hostile_report,
    incomplete_report,
    large_report,
    sample_report,
)

MD = RENDERERS["md"]


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_registered_with_contract_file_name():
    assert MD.format == "md"
    assert MD.filename == "flexaudit-report.md"


def test_first_screen_tells_account_times_and_eol():
    text = MD.render(sample_report())
    head = "\n".join(text.splitlines()[:10])
    assert head.startswith("# Flex legacy messaging audit: Acme Support\n")
    assert "`AC00000000000000000000000000000001`" in head
    assert "**Scanned:** `2026-11-21T20:00:00Z`" in head
    assert "**Evaluated as of:** `2026-11-21`" in head
    assert "**Programmable Chat for Flex end of life:** 2026-06-01: **173 days overdue**" in head
    assert "**Open findings:** 3 critical, 2 high, 1 info (1 suppressed)" in head
    assert "3: 1 blocked, 1 needs work, 1 ready" in head


def test_sections_in_order():
    text = MD.render(sample_report())
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert heads == ["## Summary", "## Conversations addresses", "## Address readiness", "## Findings",
                     "## Migration plan", "## Coverage gaps", "## Waivers"]


def test_summary_table_and_findings_grouped_by_severity():
    text = MD.render(sample_report())
    assert "| 🔴 Critical | 3 |" in text
    assert "| Suppressed | 1 |" in text
    assert text.index("### 🔴 Critical (3)") < text.index("### 🟠 High (2)") < text.index("### ⚪ Info (1)")
    # remediation once per rule, docs link, resource and message per finding
    assert text.count("Fix: Migrate the address to Flex Conversations") == 1
    assert "[docs](https://www.twilio.com/docs/flex/developer/conversations)" in text
    assert "- `FO00000000000000000000000000000001` Legacy task SMS: The Flex Flow uses the task integration" in text
    # suppressed findings are listed apart
    assert "### Suppressed (1)" in text
    assert "| FLX106 | low | `FO00000000000000000000000000000002` Support SMS 2 | Flex Flow is disabled |" in text


def test_plan_steps_are_numbered_with_commands_in_code_spans():
    text = MD.render(sample_report())
    assert "### ⛔ Legacy task SMS · `FO00000000000000000000000000000001` · blocked" in text
    assert ("6. Delete the Flex Flow: `twilio api:flex:v1:flex-flows:remove --sid FO00000000000000000000000000000001`"
            in text)


def test_waivers_and_coverage():
    text = MD.render(incomplete_report())
    assert "**Scan coverage:** ⚠️ **incomplete**: 2 resource families could not be read (proxy, chat)" in text
    assert "| proxy | HTTP 403 Forbidden (code 20003) | FLX101, FLX112, FLX305 |" in text
    assert "| FLX106 | `FO00000000000000000000000000000002` | active | 1 | 2027-01-15 | kept disabled for the holiday campaign |" in text
    assert "| FLX304 | all | unused | 0 | — | janitor off on purpose |" in text


def test_empty_report():
    text = MD.render(empty_report())
    assert "No open findings." in text
    assert "Nothing to migrate: no legacy addresses." in text
    assert "None: every resource family was read." in text


# --- escaping -------------------------------------------------------------------------

def test_inline_filter_escapes_markup():
    assert md_inline("<script>alert(1)</script>") == r"\<script\>alert(1)\</script\>"
    assert md_inline("a|b") == r"a\|b"
    assert md_inline("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert md_inline("![i](https://e/x.png)") == r"\!\[i\](https://e/x.png)"
    assert md_inline("*b* _i_ ~s~ `c` $m$ &amp; #") == r"\*b\* \_i\_ \~s\~ \`c\` \$m\$ \&amp; \#"
    assert md_inline("line1\nline2") == "line1 line2"
    # line-start markers only where they would start a block
    assert md_inline("- item") == r"\- item"
    assert md_inline("1. item") == r"1\. item"
    assert md_inline("===") == r"\==="
    assert md_inline("+15551234567") == "+15551234567"
    assert md_inline("0.1.0") == "0.1.0"


def test_cell_filter_keeps_one_cell():
    assert md_cell("a|b\nc") == r"a\|b c"
    assert md_cell("") == "—"
    assert md_cell(None) == "—"


def test_markup_like_code_becomes_escaped_text():
    assert md_code("<script>x</script>") == r"\<script\>x\</script\>"
    assert md_code("[a](javascript:x)") == r"\[a\](javascript:x)"
    assert md_code("--sid 'IS<Flex Conversations service>'") == "`--sid 'IS<Flex Conversations service>'`"
    assert md_step("Run `x --name '<img src=x>'` now") == r"Run x --name '\<img src=x\>' now"


def test_code_spans_cannot_be_broken_out_of():
    assert md_code("back`tick``s") == "```back`tick``s```"
    assert md_code("`edge`") == "`` `edge` ``"
    assert md_code("a|b") == "`a|b`"
    assert md_code_cell("a|b") == r"`a\|b`"
    assert md_code("x\ny") == "`x y`"


def test_step_filter():
    assert md_step("Run `twilio api:x --name a|b` for <b>") == r"Run `twilio api:x --name a|b` for \<b\>"
    # a stray backtick in account data stays text
    assert md_step("Rename a`b now") == r"Rename a\`b now"
    # adjacent code parts never merge their fences
    assert md_step("`cmd`${X}") == "`cmd` `${X}`"


def test_link_filter_only_links_http():
    assert md_link("https://www.twilio.com/docs/x?a=1&b=(2)") == "[docs](https://www.twilio.com/docs/x?a=1&b=%282%29)"
    assert md_link("javascript:alert(1)") == r"javascript:alert(1)"
    assert md_link("https://e.example/a|b`c>") == "[docs](https://e.example/a%7Cb%60c%3E)"
    assert md_link("https://e.example/a b") == r"https://e.example/a b"  # not a URL: text


def test_hostile_values_are_inert_in_the_rendered_markdown():
    text = MD.render(hostile_report())
    # no raw HTML, no link or image opener outside code spans
    prose = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text)  # drop code spans
    assert not re.search(r"(?<!\\)<", prose)  # every < outside code is backslash-escaped
    assert "](javascript:" not in prose.replace(r"\](", "")
    assert "![" not in prose.replace(r"\!\[", "")
    assert r"\<script\>alert(1)\</script\>" in text
    assert r"a\|b" in text
    # code that looks like markup (a tag, a link) is shown as escaped text, never raw, even in code
    assert not re.search(r"(?<!\\)<script|(?<!\\)\]\(javascript:", text)
    assert "| sms | \\<script\\>alert(1)\\</script\\> | studio |" in text  # contact identity cell
    assert "`twilio api:x --name a|b`" in text  # harmless commands stay code
    assert "```back`tick``s```" in text
    # newlines never start a new line in the document
    assert not any(line.startswith(("line2", "| x | y |")) for line in text.splitlines())
    assert "line1 line2 \\| x \\| y \\|" in text
    # control characters and bidi overrides are gone
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    # every table row has exactly its columns
    for table in _tables(text):
        widths = {_unescaped_pipes(line) for line in table}
        assert len(widths) == 1, table


def test_hostile_markdown_parses_to_no_html_links_or_images():
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark").enable("table").enable("strikethrough")
    text = MD.render(hostile_report())
    tokens = markdown_tokens(text)
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]
    hrefs = [t.attrGet("href") for t in tokens if t.type == "link_open"]
    assert all(h.startswith(("https://www.twilio.com/", "#")) for h in hrefs), hrefs
    html = md.render(text)
    assert "<script" not in html and "<img" not in html
    for evil in HOSTILE[:2]:
        assert evil.replace("<", "&lt;").replace(">", "&gt;") in html
    # tables: each address row keeps its 9 cells
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(rows) and len(cells) == 2 * 6 + 2 * 4 + 9 * 12 + 3 * 1 + 6 * 1


# --- size -----------------------------------------------------------------------------

def _listed_findings(text):
    return [line for line in text.splitlines() if line.startswith("- ") and not line.startswith("- **")]


def test_fifty_addresses_fit_a_github_comment_with_every_address_and_finding():
    report = large_report(50)
    text = MD.render(report)
    assert len(text) < GITHUB_COMMENT_LIMIT
    # nothing left out: every address in the readiness table and in a plan, every finding listed
    for a in report.addresses:
        assert f"| `{a.flex_flow_sid}` |" in text
    assert "left out" not in text
    open_findings = [f for f in report.findings if not f.suppressed]
    assert len(_listed_findings(text)) == len(open_findings)
    # shared plans spell out the variables and give each address its own row
    assert "### Shared plan for" in text
    assert "`twilio api:flex:v1:flex-flows:remove --sid ${FLEX_FLOW}`" in text
    plan_rows = [line for line in text.split("## Migration plan")[1].splitlines() if line.startswith("| Support line")]
    assert len(plan_rows) == 50


def test_fifty_addresses_with_distinct_plans_fit_and_point_to_the_rest():
    report = large_report(50, distinct_plans=True)
    text = MD.render(report)
    assert len(text) < GITHUB_COMMENT_LIMIT
    # the readiness table and the findings stay whole; plans are given worst first while they fit
    for a in report.addresses:
        assert f"| `{a.flex_flow_sid}` |" in text
    assert len(_listed_findings(text)) == len([f for f in report.findings if not f.suppressed])
    plan = text.split("## Migration plan")[1].split("## Coverage gaps")[0]
    shown = [a for a in report.addresses if f"· `{a.flex_flow_sid}` ·" in plan]
    assert 10 <= len(shown) < 50
    assert shown == list(report.addresses[: len(shown)])
    assert (f"This file shows the plans of the first {len(shown)} addresses (in the order of the readiness table); "
            f"the other {50 - len(shown)} are in flexaudit-report.html, flexaudit-addresses.csv, flexaudit-report.json") in plan


def test_small_accounts_get_literal_plans():
    text = MD.render(sample_report())
    assert "${" not in text
    assert "Shared plan" not in text


@pytest.mark.parametrize("n", [120, 400])
def test_huge_accounts_still_fit_and_say_what_was_left_out(n):
    text = MD.render(large_report(n))
    assert len(text) < GITHUB_COMMENT_LIMIT
    assert "flexaudit-report.html" in text
    assert "left out" in text


def test_budget_ladder_drops_detail_in_order():
    report = large_report(20)
    full = MarkdownFormat(max_chars=10**9).render(report)
    assert "${" not in full  # literal plans when there is room
    small = MarkdownFormat(max_chars=len(full) - 1).render(report)
    assert len(small) < len(full) and "Shared plan" in small
    tiny = MarkdownFormat(max_chars=12_000).render(report)
    assert len(tiny) <= 12_000
    assert "more, listed in" in tiny or "plans of the other" in tiny


def test_rendering_is_deterministic():
    assert MD.render(large_report(50)) == MD.render(large_report(50))


@pytest.mark.parametrize("max_chars, says", [
    (60_000, None),  # 0. every plan spelled out
    (40_000, "Shared plan for"),  # 1. shared plans
    (20_000, "This file shows the plans of the first"),  # 2. fewer plans
    (12_000, "more, listed in"),  # 3. findings capped per rule
    (7_000, "more addresses are listed in"),  # 4. address rows capped
])
def test_every_budget_step_keeps_its_choice_at_the_exact_size(max_chars, says):
    report = large_report(20)
    text = MarkdownFormat(max_chars=max_chars).render(report)
    assert len(text) <= max_chars
    assert says is None or says in text
    # with its own length as the budget, the same document: one of exactly max_chars fits
    assert MarkdownFormat(max_chars=len(text)).render(report) == text


def test_one_renderer_keeps_nothing_from_one_report_to_the_next():
    # MD renders every scan; what it renders once per report (rows, findings, plans) must
    # not resurface in the next report, even when the objects of the last one are gone
    MD.render(large_report(50, distinct_plans=True))
    MD.render(hostile_report())
    assert MD.render(large_report(50)) == MarkdownFormat().render(large_report(50))
    assert MD.render(sample_report()) == MarkdownFormat().render(sample_report())


@pytest.mark.parametrize("max_chars", [20_000, 12_000, 7_000])
def test_what_is_left_out_adds_up(max_chars):
    report = large_report(20)
    text = MarkdownFormat(max_chars=max_chars).render(report)
    # address rows shown + "… N more addresses" = every address
    table = text.split("## Address readiness")[1].split("## Findings")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| Address |")]
    more = re.search(r"^… (\d+) more addresses are listed in", table, re.MULTILINE)
    assert len(rows) + (int(more[1]) if more else 0) == len(report.addresses)
    # findings listed + "… N more" = the rule's count, for every rule
    findings = text.split("## Findings")[1].split("## Migration plan")[0].split("### Suppressed")[0]
    rules = re.split(r"(?m)^(?=\*\*FLX)", findings)[1:]
    assert len(rules) == sum(len(sg.rules) for sg in report.open_groups)
    for rule in rules:
        count = int(re.match(r"\*\*[^\n]*?\*\* \((\d+)\)", rule)[1])
        listed = [line for line in rule.splitlines() if line.startswith("- ") and not line.startswith("- … ")]
        more = re.search(r"^- … (\d+) more, listed in", rule, re.MULTILINE)
        assert len(listed) + (int(more[1]) if more else 0) == count, rule[:80]
    # plans shown + "the other N" = every address
    plan = text.split("## Migration plan")[1].split("## Coverage gaps")[0]
    shown = (sum(int(n) for n in re.findall(r"^### Shared plan for (\d+) addresses", plan, re.MULTILINE))
             + len(re.findall(r"^### (?!Shared plan)", plan, re.MULTILINE)))
    counts = re.search(r"the first (\d+) address(?:es)? \(.*?\); the other (\d+) are in", plan)
    assert counts and (int(counts[1]), int(counts[2])) == (shown, len(report.addresses) - shown)
