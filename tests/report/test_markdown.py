import re

import pytest

from flexaudit.report import RENDERERS
from flexaudit.model.findings import CoverageEntry
from flexaudit.report.markdown import (
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


def test_first_screen_says_what_to_do_first_for_the_account_and_which_addresses_move_first():
    text = MD.render(large_report(27))
    lines = text.splitlines()
    assert lines[0] == "# Flex legacy messaging audit: Acme Support"
    assert lines[2] == ("**⛔ Account prerequisites: upgrade Flex UI to 2.x — blocks all 27 addresses.** FLX401: "
                        "nothing can move to Flex Conversations before it.")
    assert lines[4].startswith("**Move first: wave 1 (ready), 5 addresses**, idlest first: Support line 09")
    # the first wave is named idlest first: no traffic, then the oldest last message
    first = large_report(27).first_wave
    positions = [lines[4].index(a.flex_flow_sid) for a in first]
    assert positions == sorted(positions)


def test_first_screen_tells_account_times_and_eol():
    text = MD.render(sample_report())
    head = "\n".join(text.splitlines()[:12])
    assert head.startswith("# Flex legacy messaging audit: Acme Support\n")
    assert "Account prerequisites" not in text  # none on this account
    assert ("**Move first: wave 1 (ready), 1 address**, idlest first: WhatsApp main "
            "`FO00000000000000000000000000000003` (sms `+15550000003`, last inbound 2026-10-02 14:03).") in head
    assert "`AC00000000000000000000000000000001`" in head
    assert "**Scanned:** `2026-11-21T20:00:00Z`" in head
    assert "**Evaluated as of:** `2026-11-21`" in head
    assert "**Programmable Chat for Flex end of life:** 2026-06-01: **173 days overdue**" in head
    assert "**Open findings:** 3 critical, 2 high, 1 info (1 suppressed)" in head
    assert "3: 1 ready (wave 1), 1 needs work (wave 2), 1 blocked (wave 3)" in head


def test_without_a_ready_address_the_first_wave_says_so():
    r = sample_report(addresses=[a for a in sample_report().addresses if a.readiness != "ready"])
    assert "**Move first: wave 2 (needs-work), 1 address** (no address is ready yet)" in MD.render(r)


def test_sections_in_order():
    text = MD.render(large_report(5))
    heads = [line for line in text.splitlines() if line.startswith("## ")]
    assert heads == ["## Account prerequisites", "## Summary", "## Conversations addresses", "## Address readiness",
                     "## Findings", "## Migration plan", "## Coverage", "## Waivers"]


def test_account_prerequisites_section_gives_the_fix_once():
    text = MD.render(large_report(5))
    section = text.split("## Account prerequisites")[1].split("## Summary")[0]
    assert "**FLX401: Flex UI is 1.x: Flex Conversations needs Flex UI 2.x.** Fix blocker FLX401 first" in section
    assert "`twilio flex:plugins:upgrade-plugin --ui-2 --install`" in section
    assert text.count("flex:plugins:upgrade-plugin") == 1


def test_summary_tables_and_findings_grouped_by_severity():
    text = MD.render(sample_report())
    assert "| 🔴 Critical | 3 |" in text
    assert "| Suppressed | 1 |" in text
    assert "| 1 | ✅ Ready | 1 |" in text and "| 3 | ⛔ Blocked | 1 |" in text
    assert text.index("### 🔴 Critical (3)") < text.index("### 🟠 High (2)") < text.index("### ⚪ Info (1)")
    # remediation once per rule, docs link, resource and message per finding
    assert text.count("Fix: Migrate the address to Flex Conversations") == 1
    assert "[docs](https://www.twilio.com/docs/flex/developer/conversations)" in text
    assert "- `FO00000000000000000000000000000001` Legacy task SMS: The Flex Flow uses the task integration" in text
    # suppressed findings are listed apart, by finding id
    assert "### Suppressed (1)" in text
    assert "| `FLX106:FO00000000000000000000000000000002` | low | Support SMS 2 | Flex Flow is disabled |" in text


def test_a_finding_repeated_per_address_is_one_line_with_the_count_and_the_list():
    report = large_report(27)
    text = MD.render(report)
    section = text.split("**FLX301:")[1].split("\n**FLX")[0].split("\n### ")[0]
    bullets = [line for line in section.splitlines() if line.startswith("- ")]
    assert len(bullets) == 1
    assert bullets[0].startswith("- The Flex Flow runs on Programmable Chat, which reached end of life on 2026-06-01 "
                                 "(173 days overdue). On 27 Flex Flows: `FO00000000000000000000000000000001` Support line 01")
    assert all(f"`{a.flex_flow_sid}`" in bullets[0] for a in report.addresses)
    # messages that name their own resource (FLX101: each its own handler URL) stay one line each
    flx101 = text.split("**FLX101:")[1].split("\n**FLX")[0]
    assert len([line for line in flx101.splitlines() if line.startswith("- ")]) == len(
        [f for f in report.findings if f.rule_id == "FLX101"])


def test_readiness_table_has_six_columns_in_the_order_of_the_work():
    report = large_report(20)
    text = MD.render(report)
    table = text.split("## Address readiness")[1].split("## Findings")[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert rows[0] == "| Wave | Address | Contact | Readiness | Last inbound | Findings |"
    assert all(_unescaped_pipes(row) == 7 for row in rows)
    body = rows[2:]
    assert [row.split("`")[1] for row in body] == [a.flex_flow_sid for a in report.addresses]
    blocked = next(row for row in body if "blocked" in row)
    assert "| ⛔ blocked: FLX403 |" in blocked
    assert "| 1 | Support line 09 (US East, sales) `FO00000000000000000000000000000009` | sms `+15550000009` (disabled) | ✅ ready | — |" in text


def test_every_address_plan_is_spelled_out_with_no_size_budget():
    report = large_report(400)
    text = MD.render(report)
    assert len(text) > 65_536  # an attachment: nothing is left out to fit a comment
    plans = text.split("## Migration plan")[1].split("## Coverage")[0]
    for a in report.addresses:
        assert f"· `{a.flex_flow_sid}` ·" in plans
        assert f"`twilio api:flex:v1:flex-flows:remove --sid {a.flex_flow_sid}`" in plans
    assert len(re.findall(r"^### ", plans, re.MULTILINE)) == 400
    assert "${" not in text and "left out" not in text
    open_findings = [f for f in report.findings if not f.suppressed]
    findings = text.split("## Findings")[1].split("### Suppressed")[0]
    assert all(f"`{f.resource_sid}`" in findings for f in open_findings)


def test_plan_steps_are_numbered_with_commands_in_code_spans():
    text = MD.render(sample_report())
    assert "### ⛔ Wave 3 · Legacy task SMS · `FO00000000000000000000000000000001` · blocked" in text
    assert ("6. Delete the Flex Flow: `twilio api:flex:v1:flex-flows:remove --sid FO00000000000000000000000000000001`"
            in text)


def test_waivers_and_coverage():
    text = MD.render(incomplete_report())
    assert "**Scan coverage:** ⚠️ **incomplete**: 2 resource families could not be read (proxy, chat)" in text
    assert "| proxy | HTTP 403 Forbidden (code 20003) | FLX101, FLX112, FLX305 |" in text
    assert "| FLX106 | `FO00000000000000000000000000000002` | active | 1 | 2027-01-15 | kept disabled for the holiday campaign |" in text
    assert "| FLX304 | all | unused | 0 | — | janitor off on purpose |" in text


def test_coverage_notes_are_shown():
    r = sample_report(coverage=[CoverageEntry("account", True),
                                CoverageEntry("messages", True, note="not requested (--no-traffic)")])
    text = MD.render(r)
    assert "- **Scan coverage:** complete; messages: not requested (--no-traffic)" in text
    assert ("Read completely but empty on purpose: `messages` (not requested (--no-traffic))."
            in text.split("## Coverage\n")[1])


def test_empty_report():
    text = MD.render(empty_report())
    assert "No open findings." in text
    assert "Nothing to migrate: no legacy addresses." in text
    assert "**Nothing to move:** no legacy addresses (Flex Flows) in this account." in text
    assert "Every resource family was read." in text


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
    assert md_step("`cmd` and `x`") == "`cmd` and `x`"


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
    assert "| sms \\<script\\>alert(1)\\</script\\> | 🛠️ needs-work |" in text  # contact identity cell
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
    # tables: each address row keeps its 6 cells
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [t for t in tokens if t.type == "td_open"]
    # severity counts, waves, 12 addresses, one coverage gap, one waiver
    assert len(rows) and len(cells) == 2 * 6 + 3 * 4 + 6 * 12 + 3 * 1 + 6 * 1


def test_rendering_is_deterministic():
    assert MD.render(large_report(50)) == MD.render(large_report(50))
