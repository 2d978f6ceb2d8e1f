"""flexaudit-report.html: one self-contained file for readiness reviews.

Inline CSS and script only; no fonts, images, CDNs or any other request. A
Content-Security-Policy meta tag backs that up: `default-src 'none'` and the
page's own style and script allowed by their SHA-256 hashes, so even markup
that slipped through escaping could neither run a script nor fetch anything.

Jinja autoescaping is on and no account value is ever marked safe: the only
`Markup` in the page is our own CSS/JS and the migration steps, which
`html_step` builds from parts that each went through `markupsafe.escape`.
The charts are SVG drawn here from counts; the filtering script reads the
rows' data-* attributes, so no data is passed to the script at all.
"""

from __future__ import annotations

import base64
import hashlib
import re

from markupsafe import Markup, escape

from flexaudit.report.write import REPORT_FILES
from flexaudit.report.interface import ReportFormat
from flexaudit.report.model import READINESS_LABELS, Report, RuleGroup, step_segments
from flexaudit.safe_text import one_line
from flexaudit.report.templating import template_environment

# Plans are expanded on load when there are this many addresses or fewer.
PLANS_OPEN_MAX = 10
# First-wave addresses named on the first screen (the readiness table has them all).
WAVE_CAP = 10

_HTTP_URL = re.compile(r"^https?://[^\s\"'<>`]+$", re.IGNORECASE)


def http_url(value: object) -> str | None:
    """The value if it is a plain http(s) URL (the only links the report makes), else None."""
    text = one_line(value).strip()
    return text if _HTTP_URL.match(text) else None


def html_step(value: object) -> Markup:
    """A migration step or a message: `commands` in <code class="cmd">, the rest as escaped text."""
    # One join and one Markup: adding Markups would copy and re-check the
    # growing step for every part.
    return Markup("".join(_html_segment(kind, text) for kind, text in step_segments(value)))


# Where a long command or URL may wrap: after a path's or a form's separators. A line
# then breaks between tokens, never inside a SID: overflow-wrap breaks a word only when
# a line cannot hold it, and no token between these is longer than a line. (Breaking
# anywhere instead would let a table column shrink to a few characters.)
_WRAP_IN_CODE = re.compile(r"([/&=,])")
_WRAP_IN_TEXT = re.compile(r"(/)")


def _wrappable(text: str, separators: re.Pattern) -> str:
    pieces = separators.split(text)  # text, separator, text, …
    return "".join(str(escape(p)) + ("<wbr>" if i % 2 else "") for i, p in enumerate(pieces))


def _html_segment(kind: str, text: str) -> str:
    if kind == "code":
        return '<code class="cmd">' + _wrappable(text, _WRAP_IN_CODE) + "</code>"
    return _wrappable(text, _WRAP_IN_TEXT)


def _finalize(value: object) -> object:
    # Runs before autoescaping: account text loses line breaks, control and
    # bidi characters; Markup (our own) and numbers pass through unchanged.
    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return one_line(value)


def _readiness_kpi(readiness: str, n: int) -> str:
    one = n == 1
    return {
        "blocked": "address blocked" if one else "addresses blocked",
        "needs-work": "address needs work" if one else "addresses need work",
        "ready": "address ready" if one else "addresses ready",
    }.get(readiness, readiness)


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _severity_bars(report: Report) -> dict:
    width, label_w, count_w = 480, 78, 40
    bar_h, row_h, top = 18, 30, 6
    bar_w = width - label_w - count_w - 8
    most = report.summary.max_count
    rows = []
    for i, c in enumerate(report.summary.counts):
        y = top + i * row_h
        w = 0.0 if not most else max(bar_w * c.count / most, 3.0)
        rows.append(
            {
                "key": c.label,
                "label": c.label.capitalize(),
                "count": c.count,
                "y": y,
                "text_y": y + 14,
                "width": f"{w:.1f}",
            }
        )
    return {
        "width": width,
        "height": top * 2 + row_h * len(rows) - (row_h - bar_h),
        "bar_x": label_w,
        "bar_width": bar_w,
        "bar_height": bar_h,
        "count_x": width - 2,
        "rows": rows,
    }


def _donut(report: Report) -> list[dict]:
    """Readiness donut segments on a circle of circumference 100 (r = 15.9155), clockwise from the top."""
    total = report.address_total
    segments, done = [], 0.0
    if not total:
        return segments
    for rc in report.readiness_counts:
        if not rc.count:
            continue
        pct = 100.0 * rc.count / total
        segments.append(
            {
                "key": rc.readiness,
                "dash": f"{pct:.3f}",
                "gap": f"{100 - pct:.3f}",
                "offset": f"{(25 - done) % 100:.3f}",
            }
        )
        done += pct
    return segments


class HtmlFormat(ReportFormat):
    format = "html"
    filename = REPORT_FILES["html"]
    media_type = "text/html"

    def __init__(self) -> None:
        env = template_environment(autoescape=True, finalize=_finalize)
        env.filters.update(
            html_step=html_step,
            http_url=http_url,
            readiness_label=lambda r: READINESS_LABELS.get(r, r),
        )
        env.globals.update(readiness_kpi=_readiness_kpi)
        # Our own static assets, inlined and allowed by hash.
        self._css = env.get_template("report.css.j2").render()
        self._js = env.get_template("report.js.j2").render()
        self._csp = "; ".join(
            [
                "default-src 'none'",
                f"style-src {_csp_hash(self._css)}",
                f"script-src {_csp_hash(self._js)}",
                "img-src data:",
                "base-uri 'none'",
                "form-action 'none'",
            ]
        )
        self._template = env.get_template("report.html.j2")

    def render(self, report: Report) -> str:
        worst = report.worst_severity
        return self._template.render(
            r=report,
            css=Markup(self._css),
            js=Markup(self._js),
            csp=self._csp,
            worst_key=worst.label if worst is not None else "none",
            worst_label=worst.label.capitalize() if worst is not None else "None open",
            bars=_severity_bars(report),
            donut=_donut(report),
            plans_open=report.address_total <= PLANS_OPEN_MAX,
            wave_cap=WAVE_CAP,
            fixes=_fixes(report),
        )


def _fixes(report: Report) -> list[RuleGroup]:
    """One entry per rule with a finding (open or suppressed), worst first: its fix, said once."""
    by_rule: dict[str, list] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    return [RuleGroup(rid, fs[0].severity, fs[0].title, fs[0].docs_url, tuple(fs)) for rid, fs in by_rule.items()]
