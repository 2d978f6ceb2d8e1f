"""The HTML report in a real browser: Debian's Chromium driven by Playwright.

Needs `/usr/bin/chromium` (apt-get install chromium) and the playwright
package (no Playwright browser download). Without them the tests skip, unless
CI=true, where they fail: a CI run must not silently lose them.
Screenshots go to $FLEXAUDIT_SCREENSHOT_DIR (default: pytest's tmp dir).
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from flexaudit.commands.pipeline import audit
from flexaudit.model import snapshot
from flexaudit.report import RENDERERS

from tests.support import ROOT
from tests.support.reports import hostile_report, large_report, sample_report

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("FLEXAUDIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright python package is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    d = os.environ.get("FLEXAUDIT_SCREENSHOT_DIR")
    path = Path(d) if d else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


class Opened:
    def __init__(self, page, url, requests, errors):
        self.page, self.url, self.requests, self.errors = page, url, requests, errors

    def visible_rows(self, selector="#findings-table tbody tr.finding"):
        return self.page.locator(selector).evaluate_all("rows => rows.filter(r => !r.hidden).length")


@pytest.fixture
def open_report(browser, tmp_path):
    pages = []

    def _open(report, name="flexaudit-report.html", width=1280, height=900) -> Opened:
        path = tmp_path / name
        path.write_text(RENDERERS["html"].render(report), encoding="utf-8")
        url = path.as_uri()
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        requests, errors = [], []
        context.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.goto(url, wait_until="load")
        page.wait_for_timeout(100)  # let late requests (favicons, fonts) show up
        pages.append(context)
        return Opened(page, url, requests, errors)

    yield _open
    for c in pages:
        c.close()


def test_loads_with_no_errors_and_no_request_but_the_file(open_report, screenshot_dir):
    o = open_report(sample_report())
    assert o.errors == []
    assert o.requests == [o.url]
    assert o.page.title() == "flexaudit: Acme Support (Critical)"
    # the script ran: controls shown, status filled, suppressed finding hidden by default
    assert o.page.locator("#finding-controls").is_visible()
    assert o.page.locator("#finding-status").inner_text() == "Showing 6 of 7 findings"
    assert o.visible_rows() == 6
    o.page.screenshot(path=str(screenshot_dir / "flexaudit-report-sample.png"), full_page=True)
    o.page.screenshot(path=str(screenshot_dir / "flexaudit-report-first-screen.png"))


def test_severity_filter_hides_and_shows_rows(open_report):
    o = open_report(sample_report())
    page = o.page
    critical = page.locator("#findings-table tr.finding[data-severity='critical']")
    assert critical.count() == 3
    page.locator("label.chip.sev-critical input").uncheck()
    assert o.visible_rows() == 3
    assert all(critical.nth(i).is_hidden() for i in range(3))
    assert page.locator("#finding-status").inner_text() == "Showing 3 of 7 findings"
    page.locator("label.chip.sev-critical input").check()
    assert o.visible_rows() == 6
    assert all(critical.nth(i).is_visible() for i in range(3))
    # everything off: the empty note shows
    for sev in ("critical", "high", "medium", "low", "info"):
        page.locator(f"label.chip.sev-{sev} input").uncheck()
    assert o.visible_rows() == 0
    assert page.locator("#finding-empty").is_visible()
    # suppressed toggle
    page.locator("#finding-reset").click()
    page.locator("#show-suppressed").check()
    assert o.visible_rows() == 7
    assert page.locator("tr.finding[data-suppressed='true']").is_visible()
    assert o.errors == []


def test_text_search_filters_rows(open_report):
    o = open_report(sample_report())
    page = o.page
    search = page.locator("#finding-search")
    search.fill("FLX403")
    assert o.visible_rows() == 1
    assert page.locator("tr.finding[data-rule='FLX403']").is_visible()
    search.fill("legacy task")  # every word must match, case-insensitive, across cells
    assert o.visible_rows() == 2
    search.fill("PN00000000000000000000000000000002")
    assert o.visible_rows() == 1
    search.fill("no such thing")
    assert o.visible_rows() == 0
    assert page.locator("#finding-empty").is_visible()
    search.fill("")
    assert o.visible_rows() == 6
    # "/" focuses the search box
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "finding-search"
    assert o.errors == []


def test_search_combines_with_severity(open_report):
    o = open_report(sample_report())
    o.page.locator("#finding-search").fill("Legacy")
    assert o.visible_rows() == 2
    o.page.locator("label.chip.sev-high input").uncheck()
    assert o.visible_rows() == 1


def test_hostile_report_runs_no_injected_code(open_report, screenshot_dir):
    o = open_report(hostile_report())
    assert o.errors == []
    assert o.requests == [o.url]
    assert o.page.evaluate("document.scripts.length") == 1
    assert o.page.evaluate("document.images.length") == 0
    # the names are shown as text
    assert o.page.locator("#account-name").inner_text() == "<script>alert(1)</script> a|b"
    o.page.locator("#finding-search").fill("<script>")
    assert o.visible_rows() == 1
    o.page.screenshot(path=str(screenshot_dir / "flexaudit-report-hostile.png"), full_page=True)


def test_plans_expand_collapse_and_print_shows_everything(open_report, screenshot_dir):
    o = open_report(large_report(30))
    page = o.page
    plans = page.locator("details.plan")
    assert plans.count() == 30
    assert page.evaluate("[...document.querySelectorAll('details.plan')].filter(d => d.open).length") == 0
    page.locator("#plans-expand").click()
    assert page.evaluate("[...document.querySelectorAll('details.plan')].filter(d => d.open).length") == 30
    page.locator("#plans-collapse").click()
    # filtered-out findings are printed anyway; controls are not
    page.locator("label.chip.sev-critical input").uncheck()
    page.emulate_media(media="print")
    hidden_row = page.locator("#findings-table tr.finding[data-severity='critical']").first
    assert hidden_row.evaluate("r => r.hidden") is True
    assert hidden_row.evaluate("r => getComputedStyle(r).display") == "table-row"
    assert page.locator("#finding-controls").evaluate("e => getComputedStyle(e).display") == "none"
    pdf = page.pdf()  # fires beforeprint/afterprint
    assert pdf[:4] == b"%PDF"
    (screenshot_dir / "flexaudit-report-large.pdf").write_bytes(pdf)
    page.emulate_media(media="screen")
    assert o.errors == []
    assert o.requests == [o.url]


# --- the demo at a phone's width, a desktop's, and on paper -----------------------------------

A4_PRINTABLE_PX = 710  # 210 mm less the print stylesheet's 11 mm margins, at 96 px per inch
SID = r"\b(?:AC|AP|CH|FO|FW|IG|IS|KC|KS|MG|PN|SK|TC|WS|WW|ZH)[0-9a-f]{32}\b"


@pytest.fixture(scope="module")
def demo_report():
    inventory = snapshot.load(ROOT / "reports" / "demo" / "flexaudit-inventory.json")
    return audit(inventory, date(2026, 11, 21))


def _page_width(o) -> tuple[int, int]:
    return tuple(o.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def _finding_row_heights(o) -> list[float]:
    return o.page.evaluate("[...document.querySelectorAll('#findings-table tr.finding')]"
                           ".map(r => r.getBoundingClientRect().height)")


@pytest.mark.parametrize("width, tallest_row", [(420, 260), (1400, 220)])
def test_demo_fits_the_screen_and_keeps_finding_rows_short(open_report, screenshot_dir, demo_report, width,
                                                            tallest_row):
    o = open_report(demo_report, name=f"demo-{width}.html", width=width, height=900)
    assert o.errors == [] and o.requests == [o.url]
    # nothing scrolls the page sideways; a wide table scrolls inside its own box
    assert _page_width(o) == (width, width)
    assert o.page.evaluate("document.body.scrollWidth") == width
    if width == 420:
        assert o.page.evaluate("(w => w.scrollWidth > w.clientWidth)(document.querySelector('#addresses .table-wrap'))")
    # a finding is a few lines, not a column squeezed to a word a line
    heights = _finding_row_heights(o)
    assert len(heights) == len(demo_report.findings) and max(heights) <= tallest_row, max(heights)
    # the first screen says what to do first and which addresses move first
    top = o.page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", "prerequisites")
    wave = o.page.evaluate("id => document.getElementById(id).getBoundingClientRect().top", "first-wave")
    assert top < 900 and wave < 900 + 200 * (width == 420)
    o.page.screenshot(path=str(screenshot_dir / f"flexaudit-demo-{width}.png"))
    o.page.screenshot(path=str(screenshot_dir / f"flexaudit-demo-{width}-full.png"), full_page=True)


@pytest.mark.parametrize("width", [420, 1400])
def test_the_sticky_section_bar_never_covers_what_a_link_jumps_to(open_report, demo_report, width):
    o = open_report(demo_report, name=f"demo-nav-{width}.html", width=width, height=800)
    links = o.page.locator("nav.toc a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(targets) >= 7
    for href in targets:
        o.page.evaluate("href => { location.hash = ''; location.hash = href; }", href)
        nav_bottom = o.page.evaluate("document.querySelector('nav.toc').getBoundingClientRect().bottom")
        heading_top = o.page.evaluate("s => document.querySelector(s).getBoundingClientRect().top", href)
        assert heading_top >= nav_bottom - 1, (href, heading_top, nav_bottom)
    # the bar is one line at any width (it scrolls within itself)
    assert o.page.evaluate("document.querySelector('nav.toc').getBoundingClientRect().height") < 50


def test_demo_prints_on_at_most_30_a4_pages_with_every_plan_open_and_no_sid_broken(browser, tmp_path, screenshot_dir,
                                                                                   demo_report):
    path = tmp_path / "demo-print.html"
    path.write_text(RENDERERS["html"].render(demo_report), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(path.as_uri())
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshot_dir / "flexaudit-demo-print.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert 3 <= pages <= 30, pages
    context.close()
    # the same layout at the printable width of A4, without the script: plans open by CSS alone
    context = browser.new_context(viewport={"width": A4_PRINTABLE_PX, "height": 1000}, java_script_enabled=False)
    page = context.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    closed = page.evaluate("[...document.querySelectorAll('details.plan')].filter(d => !d.open).length")
    assert closed == len(demo_report.addresses)  # 27 plans, closed on screen…
    hidden = page.evaluate("[...document.querySelectorAll('details.plan .plan-body')]"
                           ".filter(b => b.getBoundingClientRect().height === 0).length")
    assert hidden == 0  # …and every one printed open
    assert page.evaluate("document.documentElement.scrollWidth") == A4_PRINTABLE_PX
    broken = page.evaluate(
        """(pattern) => {
            const re = new RegExp(pattern, "g"), out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let seen = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const m of node.data.matchAll(re)) {
                    const range = document.createRange();
                    range.setStart(node, m.index);
                    range.setEnd(node, m.index + m[0].length);
                    const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                    seen += 1;
                    if (tops.size > 1) out.push(m[0]);
                }
            }
            return [seen, out];
        }""", SID)
    seen, split = broken
    assert seen > 500 and split == [], split[:5]
    page.screenshot(path=str(screenshot_dir / "flexaudit-demo-print-layout.png"), full_page=True)
    context.close()


def test_chromium_is_installed_where_expected():
    """A plain check that documents the dependency (skips or fails as the fixture does)."""
    if not shutil.which(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM}")
