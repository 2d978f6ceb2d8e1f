"""flexaudit-report.md: the complete report in GitHub (and Jira) flavoured Markdown.

It is an attachment, so it has no size budget: every finding and every
address's plan, spelled out. Its first lines tell a migration lead what the
account must do first and which addresses to move first; `summary.py` is the
short form for a comment, built from the same filters and section templates.

Safety: every `{{ … }}` in the templates goes through one of the filters below,
which return `Md` (text already escaped for Markdown). Anything else that
reaches the output (a plain string, a number, a value that missed its filter)
is escaped by the environment's `finalize` hook, the Markdown equivalent of
HTML autoescaping. Account values can therefore not break a table, open a
link, an image, a heading, raw HTML or LaTeX math.

Layout: `templates/report.md.j2` is a list of section includes
(`templates/md/*.md.j2`); a new section is one template, one include and,
when it needs data, one field of the Report.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import jinja2

from flexaudit.model.findings import Severity
from flexaudit.report.interface import ReportFormat
from flexaudit.report.model import Report, resource_plural, step_segments
from flexaudit.report.templating import template_environment
from flexaudit.report.write import ATTACHMENTS, REPORT_FILES
from flexaudit.safe_text import clip, one_line


class Md(str):
    """Text that is already valid, escaped Markdown."""


# Escaped wherever they appear: they open code, emphasis, links/images, raw
# HTML/autolinks, entities, table cells, strikethrough, headings, math
# (GitHub renders $…$), and Jira's {macros}, !images! and ^sup^.
_ESCAPE_ANYWHERE = re.compile(r"([\\`*_{}\[\]<>#|~&$!^])")
# Only meaningful at the start of a line (and only then followed by a space
# or the end): bullets, ordered-list markers ("1." / "1)"), and lines made only
# of `=` or `-` (setext underlines, thematic breaks).
_BULLET_START = re.compile(r"^(\s*)([+\-])(?=\s|$)")
_ORDERED_START = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")
_RULE_LINE = re.compile(r"^(\s*)([=\-])(?=[=\-\s]*$)")


def md_text(value: object, line_start: bool = True) -> Md:
    """Account text as inline Markdown: shown literally, one line, never markup."""
    text = _ESCAPE_ANYWHERE.sub(r"\\\1", one_line(value))
    if line_start:
        for pattern in (_BULLET_START, _ORDERED_START, _RULE_LINE):
            text = pattern.sub(r"\1\\\2", text)
    return Md(text)


def md_inline(value: object) -> Md:
    """Filter for text in paragraphs, list items and headings (may start a line)."""
    return md_text(value, line_start=True)


def md_cell(value: object) -> Md:
    """Filter for a table cell: one line, every `|` escaped, no markup; '—' when empty."""
    text = md_text(value, line_start=False).strip()
    return Md(text if text else "—")


# Code spans are inert in every CommonMark renderer, but a value that looks like
# an HTML tag or a link (a hostile friendly name inside a command) is shown as
# escaped text instead: then no renderer, converter or grep ever finds markup in
# the file. Placeholders such as IS<Flex Conversations service> stay code.
_MARKUP_LIKE = re.compile(
    r"<\s*/?\s*(?:script|img|image|iframe|frame|frameset|svg|math|style|link|meta|base|object|embed|applet"
    r"|a|form|input|button|textarea|select|video|audio|source|track|body|html|head|template|details|marquee)\b"
    r"|\]\s*\(|javascript:|vbscript:|data:text/html",
    re.IGNORECASE,
)


def _code_span(text: str, in_table: bool) -> str:
    if not text.strip():
        return ""
    if _MARKUP_LIKE.search(text):
        return md_text(text, line_start=False)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # A code span's content may not start or end with a backtick next to the
    # fence; one space each side is stripped by the parser.
    if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")):
        text = f" {text} "
    if in_table:
        # GFM splits table rows on `|` before parsing code spans; `\|` is the
        # documented way to keep one (rendered as a plain `|`, also in code).
        text = text.replace("|", "\\|")
    return f"{fence}{text}{fence}"


def md_code(value: object) -> Md:
    """Filter: a SID, number or command as a code span outside tables (backticks inside are fine)."""
    return Md(_code_span(one_line(value), in_table=False) or "—")


def md_code_cell(value: object) -> Md:
    """Filter: a code span inside a table cell."""
    return Md(_code_span(one_line(value), in_table=True) or "—")


def md_step(value: object) -> Md:
    """Filter: a migration step; its `commands` become code spans, the rest is escaped text."""
    parts = []
    for i, (kind, text) in enumerate(step_segments(value)):
        if kind == "code":
            parts.append(_code_span(text, in_table=False))
        elif text:
            parts.append(md_text(text, line_start=(i == 0)))
    out = ""
    for part in parts:
        if out.endswith("`") and part.startswith("`"):
            out += " "  # two code spans side by side would merge their fences
        out += part
    return Md(out or "—")


def md_resource(f) -> Md:
    """Filter: a finding's resource, `SID` and name, for a list of the resources one line names."""
    name = clip(f.resource_name, 80).strip()
    sid = clip(f.resource_sid, 80)
    return Md(md_code(sid) + (" " + md_text(name, line_start=False) if name and name != sid else ""))


_URL_OK = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def md_link(url: object, label: str = "docs") -> Md:
    """Filter: a link to an http(s) URL (percent-encoded so it cannot end early); other values as text."""
    text = one_line(url).strip()
    if not _URL_OK.match(text):
        return md_inline(text) if text else Md("")
    # keep URL syntax; encode what could end the destination or a table cell:
    # spaces, ( ) < > [ ] ` | ' " * ! $ and anything non-ASCII
    safe = quote(text, safe="/:?#@&=+,;%~.-_")
    return Md(f"[{md_text(label, line_start=False)}]({safe})")


_SEVERITY_ICON = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}
_READINESS_ICON = {"blocked": "⛔", "needs-work": "🛠️", "ready": "✅"}


def _finalize(value: object) -> str:
    if isinstance(value, Md):
        return value
    if value is None:
        return ""
    return md_inline(value)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def markdown_environment(package: str = "flexaudit.report") -> jinja2.Environment:
    """The environment for Markdown files from `package`'s templates (the reports', the migration plan's):
    the md_* filters, escaping by `finalize`."""
    env = template_environment(autoescape=False, finalize=_finalize, package=package)
    env.filters.update(
        md_inline=md_inline,
        md_cell=md_cell,
        md_code=md_code,
        md_code_cell=md_code_cell,
        md_step=md_step,
        md_link=md_link,
        md_resource=md_resource,
        clip=clip,
        plural=_plural,
        resource_plural=resource_plural,
    )
    env.globals.update(
        severity_icon=lambda s: Md(_SEVERITY_ICON.get(s, "")),
        readiness_icon=lambda r: Md(_READINESS_ICON.get(r, "")),
        attachments=ATTACHMENTS,
        full_detail_files=ATTACHMENTS[1:],  # where a section of the Markdown that lists only some points
        report_file=REPORT_FILES["md"],
    )
    return env


class MarkdownFormat(ReportFormat):
    format = "md"
    filename = REPORT_FILES["md"]
    media_type = "text/markdown"

    def __init__(self) -> None:
        self._template = markdown_environment().get_template("report.md.j2")

    def render(self, report: Report) -> str:
        return self._template.render(r=report)


