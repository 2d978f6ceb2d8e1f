"""The HTML report in a real browser: Debian's Chromium driven by Playwright.

Needs `/usr/bin/chromium` (apt-get install chromium) and the playwright
package (no Playwright browser download). Without them the tests skip, unless
CI=true, where they fail: a CI run must not silently lose them.
Screenshots go to $FLEXAUDIT_SCREENSHOT_DIR (default: pytest's tmp dir).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from flexaudit.report import RENDERERS

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


def test_narrow_screen_renders(open_report, screenshot_dir):
    o = open_report(sample_report(), width=420, height=900)
    assert o.errors == []
    o.page.screenshot(path=str(screenshot_dir / "flexaudit-report-narrow.png"))


def test_chromium_is_installed_where_expected():
    """A plain check that documents the dependency (skips or fails as the fixture does)."""
    if not shutil.which(CHROMIUM):
        _unavailable(f"Chromium not found at {CHROMIUM}")
