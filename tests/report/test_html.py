import base64
import hashlib
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup, escape

from flexaudit.report import RENDERERS
from flexaudit.report.html import html_step, http_url
from flexaudit.report.model import step_segments

from tests.support.reports import HOSTILE, empty_report, hostile_report, incomplete_report, large_report, sample_report

HTML = RENDERERS["html"]


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []  # (tag, attrs)
        self.scripts = []
        self.styles = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data


def _parse(text):
    p = _Collect()
    p.feed(text)
    return p


def test_registered_with_contract_file_name():
    assert HTML.format == "html"
    assert HTML.filename == "flexaudit-report.html"


def test_first_screen_account_readiness_and_worst_severity():
    text = HTML.render(sample_report())
    header = text[text.index("<header"): text.index("</header>")]
    assert '<h1 id="account-name">Acme Support</h1>' in header
    assert "AC00000000000000000000000000000001" in header
    assert '<div class="verdict-value">Critical</div>' in header
    assert "6 open findings · 1 suppressed" in header
    for n, label in [(1, "address ready (wave 1)"), (1, "address needs work (wave 2)"), (1, "address blocked (wave 3)")]:
        assert f'<span class="kpi-n">{n}</span><span class="kpi-l">{label}</span>' in header
    assert '<span class="kpi-n">173</span><span class="kpi-l">days past Programmable Chat for Flex end of life (2026-06-01)' in header
    assert "<title>flexaudit: Acme Support (Critical)</title>" in text


def test_first_screen_says_what_the_account_does_first_and_which_addresses_move_first():
    r = large_report(27)
    text = HTML.render(r)
    main = text[text.index("<main"):]
    # right after the header and the section bar: the prerequisites, then the first wave
    assert main.index('id="prerequisites"') < main.index('id="first-wave"') < main.index('id="summary"')
    prerequisites = main[main.index('id="prerequisites"'):main.index('id="first-wave"')]
    assert "<strong>Account prerequisites: upgrade Flex UI to 2.x — blocks all 27 addresses</strong>" in prerequisites
    assert '<code class="cmd">twilio flex:plugins:upgrade-plugin --ui-2 --install</code>' in prerequisites
    wave = main[main.index('id="first-wave"'):main.index('id="summary"')]
    assert "<strong>Move first: 5 addresses ready</strong>, idlest first:" in wave
    named = re.findall(r'<li><a href="#plan-(FO\w+)">', wave)
    assert named == [a.flex_flow_sid for a in r.first_wave]
    # every named address links to its plan
    for sid in named:
        assert f'<details class="plan rd-ready" id="plan-{sid}"' in text
    assert 'id="prerequisites"' not in HTML.render(sample_report())


def test_finding_rows_carry_their_finding_id_and_link_to_the_rule_fix():
    r = sample_report()
    text = HTML.render(r)
    for f in r.findings:
        assert f'<code class="fid">{f.finding_id}</code>' in text
    # each rule's fix once, in "How to fix, by rule", where the rows link
    fixes = text[text.index('<section id="fixes">'):text.index('<section id="plan">')]
    assert fixes.count('<div class="fix" id="fix-') == len({f.rule_id for f in r.findings})
    assert text.count("Migrate the address to Flex Conversations: see the migration plan.") == 1
    assert '<a href="#fix-FLX301">how to fix</a>' in text


def test_readiness_table_in_wave_order_with_last_inbound():
    r = sample_report()
    text = HTML.render(r)
    table = text[text.index('<table id="addresses-table">'):text.index("</table>", text.index('<table id="addresses-table">'))]
    assert "<th>Wave</th><th>Address</th><th>Contact</th><th>Readiness</th><th>Last inbound</th><th>Findings</th>" in table
    assert re.findall(r'<tr data-wave="(\d)">', table) == ["1", "2", "3"]
    assert '<td class="nowrap">2026-10-02 14:03</td>' in table


def test_coverage_notes_are_listed():
    from flexaudit.model.findings import CoverageEntry

    text = HTML.render(sample_report(coverage=[CoverageEntry("messages", True, note="not requested (--no-traffic)")]))
    assert ('<p id="coverage-notes">Read completely but empty on purpose: <code>messages</code> '
            '(not requested (--no-traffic)).</p>') in text


def test_same_content_as_markdown():
    text = HTML.render(incomplete_report())
    for anchor in ("summary", "addresses", "findings", "plan", "coverage", "waivers"):
        assert f'<section id="{anchor}">' in text
    assert "Scan incomplete." in text
    assert "HTTP 403 Forbidden (code 20003)" in text
    assert "kept disabled for the holiday campaign" in text
    assert text.count('<tr class="finding') == 8
    assert text.count('<details class="plan') == 3
    assert '<code class="cmd">twilio api:flex:v1:flex-flows:remove --sid FO00000000000000000000000000000001</code>' in text


def test_charts_are_inline_svg():
    text = HTML.render(sample_report())
    assert '<svg class="chart" id="severity-chart"' in text
    assert '<svg class="chart" id="readiness-chart"' in text
    assert "Open findings by severity: Critical 3, High 2, Medium 0, Low 0, Info 1; 1 suppressed" in text
    # readiness donut: three equal segments
    assert text.count('class="donut-seg') == 3
    assert 'stroke-dasharray="33.333 66.667"' in text


def test_self_contained_no_external_reference():
    for report in (sample_report(), hostile_report(), large_report(50)):
        text = HTML.render(report)
        doc = _parse(text)
        for tag, attrs in doc.tags:
            assert "src" not in attrs, (tag, attrs)
            if tag == "link":
                raise AssertionError(f"external link tag: {attrs}")
            if tag == "a":
                href = attrs.get("href", "")
                # in-page anchors, or the rules' documentation (a click, never a load)
                assert href.startswith("#") or href.startswith("https://www.twilio.com/"), href
        css = "".join(doc.styles)
        assert "url(" not in css and "@import" not in css and "@font-face" not in css
        assert len(doc.scripts) == 1
        assert not re.search(r"https?://", doc.scripts[0])
        assert "fetch(" not in doc.scripts[0] and "XMLHttpRequest" not in doc.scripts[0]


def test_content_security_policy_allows_only_own_inline_code():
    text = HTML.render(sample_report())
    doc = _parse(text)
    csp = next(a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp

    def h(s):
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert f"script-src {h(doc.scripts[0])}" in csp
    assert f"style-src {h(doc.styles[0])}" in csp
    assert "unsafe-inline" not in csp
    # no inline event handlers or style attributes (the CSP would block them)
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "style" not in attrs, (tag, attrs)


def test_hostile_values_are_escaped():
    text = HTML.render(hostile_report())
    doc = _parse(text)
    assert len(doc.scripts) == 1  # only ours
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img" not in text
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    assert "javascript:" not in "".join(a.get("href", "") for _, a in doc.tags)
    # every finding row is intact
    assert len([1 for t, a in doc.tags if t == "tr" and "finding" in a.get("class", "")]) == len(HOSTILE)
    assert {a.get("data-severity") for t, a in doc.tags if t == "tr" and "data-severity" in a} == {"high"}
    # controls and bidi overrides are neutralised, newlines collapsed
    assert "\x1b" not in text and "\u202e" not in text
    assert "line1 line2 | x | y |" in text
    # the step's command is escaped inside its <code>
    assert '<code class="cmd">twilio api:x --name &lt;script&gt;alert(1)&lt;/<wbr>script&gt;</code>' in text


def test_step_and_url_filters():
    assert str(html_step("Run `rm <x>` & <b>")) == 'Run <code class="cmd">rm &lt;x&gt;</code> &amp; &lt;b&gt;'
    assert http_url("https://www.twilio.com/docs") == "https://www.twilio.com/docs"
    assert http_url("javascript:alert(1)") is None
    assert http_url('https://x" onmouseover="a') is None


def test_html_step_escapes_every_part():
    step = html_step("`<a href='x'>` & \"`b&c`\" <i>")
    assert isinstance(step, Markup)
    assert step == (
        '<code class="cmd">&lt;a href=<wbr>&#39;x&#39;&gt;</code> &amp; &#34;<code class="cmd">b&amp;<wbr>c</code>&#34; &lt;i&gt;'
    )
    # a long command or URL may wrap after / & = , (in text after /), never elsewhere: never inside a SID
    assert html_step("see https://a.b/c and `POST /x?a=1&b=2,3`") == (
        'see https:/<wbr>/<wbr>a.b/<wbr>c and <code class="cmd">POST /<wbr>x?a=<wbr>1&amp;<wbr>b=<wbr>2,<wbr>3</code>')
    assert html_step(None) == "" and html_step("") == ""


def _html_step_by_adding_markup(value):
    # How html_step first built a step: the output it must keep.
    out = Markup("")
    for kind, text in step_segments(value):
        out += Markup('<code class="cmd">%s</code>') % text if kind == "code" else escape(text)
    return out


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="``  a<>&'\"\n\u202e", max_size=24) | st.text(max_size=40))
def test_html_step_is_the_markup_it_always_was(step):
    # the same markup, with only wrapping opportunities added
    assert html_step(step).replace("<wbr>", "") == _html_step_by_adding_markup(step)


def test_filter_controls_and_rows_for_the_script():
    text = HTML.render(sample_report())
    assert '<div class="toolbar" id="finding-controls" hidden>' in text  # shown by the script
    for sev in ("critical", "high", "medium", "low", "info"):
        assert f'<input type="checkbox" name="severity" value="{sev}" checked>' in text
    assert '<input type="search" class="search" id="finding-search"' in text
    assert 'id="show-suppressed"' in text
    assert 'data-severity="low" data-suppressed="true" data-rule="FLX106"' in text


def test_empty_report_renders():
    text = HTML.render(empty_report())
    assert "No findings." in text
    assert '<div class="verdict-value">None open</div>' in text


def test_print_stylesheet():
    text = HTML.render(sample_report())
    assert "@media print" in text
    assert "tr.finding[hidden] { display: table-row !important; }" in text


def test_rendering_is_deterministic():
    assert HTML.render(large_report(30)) == HTML.render(large_report(30))
