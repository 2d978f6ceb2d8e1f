"""flexaudit-report.md: GitHub (and Jira) flavoured Markdown, to paste whole into a ticket.

Safety: every `{{ … }}` in the template goes through one of the filters below,
which return `Md` (text already escaped for Markdown). Anything else that
reaches the output (a plain string, a number, a value that missed its filter)
is escaped by the environment's `finalize` hook, the Markdown equivalent of
HTML autoescaping. Account values can therefore not break a table, open a
link, an image, a heading, raw HTML or LaTeX math. The pieces that the
template's macros render once per report (see `_Sizes`) are `Md` as a whole:
every `{{ … }}` inside them went through the same filters and `finalize`.

Size: a GitHub issue comment holds at most 65,536 characters. The document is
compact by design (one table row per address, steps as numbered lists, one
remediation per rule rather than per finding). When the whole document would
pass `MAX_CHARS`, detail goes in this order, deterministically: (1) addresses
whose plans differ only in their own SIDs/number share one plan written with
${FLEX_FLOW}-style variables and a table of values; (2) the plans of the last
addresses (readiness order, worst first) are left out; (3) findings beyond a
per-rule cap; (4) address rows. The file always says what it left out and
where it is: the HTML, CSV and JSON reports always carry everything.
Small accounts get every plan spelled out literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterable, Iterator, Sequence
from urllib.parse import quote

import jinja2

from flexaudit.model.findings import AddressPlan, Severity
from flexaudit.report.write import FULL_DETAIL_FILES, REPORT_FILES
from flexaudit.report.interface import ReportFormat
from flexaudit.report.model import Report, RuleGroup, step_segments
from flexaudit.safe_text import one_line
from flexaudit.report.templating import template_environment

#: GitHub's limit for an issue comment is 65,536 characters; keep a margin for
#: the line or two a person adds above the pasted report.
GITHUB_COMMENT_LIMIT = 65_536
MAX_CHARS = 64_000


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
            continue
        # shared plans' variables (${FLEX_FLOW}) read best as code in prose too
        for j, piece in enumerate(_VARIABLE.split(text)):
            if j % 2:
                parts.append(_code_span(piece, in_table=False))
            elif piece:
                parts.append(md_text(piece, line_start=(i == 0 and j == 0)))
    out = ""
    for part in parts:
        if out.endswith("`") and part.startswith("`"):
            out += " "  # two code spans side by side would merge their fences
        out += part
    return Md(out or "—")


_VARIABLE = re.compile(r"(\$\{[A-Z_]+\})")


_URL_OK = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def md_link(url: object, label: str = "docs") -> Md:
    """Filter: a link to an http(s) URL (percent-encoded so it cannot end early); other values as text."""
    text = one_line(url).strip()
    if not _URL_OK.match(text):
        return md_inline(text) if text else Md("")
    # keep URL syntax; encode what could end the destination or a table cell
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
    """The environment for Markdown files from `package`'s templates: the md_* filters, escaping by `finalize`."""
    return _environment(package)


def _environment(package: str = "flexaudit.report") -> jinja2.Environment:
    # Markdown, not HTML: escaping is _finalize + the md_* filters
    env = template_environment(autoescape=False, finalize=_finalize, package=package)
    env.filters.update(
        md_inline=md_inline,
        md_cell=md_cell,
        md_code=md_code,
        md_code_cell=md_code_cell,
        md_step=md_step,
        md_link=md_link,
        plural=_plural,
    )
    env.globals.update(
        severity_icon=lambda s: Md(_SEVERITY_ICON.get(s, "")),
        readiness_icon=lambda r: Md(_READINESS_ICON.get(r, "")),
        full_detail_files=FULL_DETAIL_FILES,
    )
    return env


# Variables of a shared plan: the address's own identifiers, written as shell
# variables so that a reader can set them from the table and paste the commands.
_PLAN_VARS = (
    ("flex_flow_sid", "${FLEX_FLOW}"),
    ("contact_identity", "${ADDRESS}"),
    ("phone_number_sid", "${NUMBER_SID}"),
    ("studio_flow_sid", "${STUDIO_FLOW}"),
)


@dataclass(frozen=True)
class PlanBlock:
    """Migration steps shown once for one address, or once for several with variables."""

    addresses: tuple[AddressPlan, ...]
    steps: tuple[str, ...]
    variables: tuple[tuple[str, str], ...] = ()  # (AddressPlan attribute, variable) used by the steps

    @property
    def shared(self) -> bool:
        return len(self.addresses) > 1


def _templated_steps(a: AddressPlan) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
    """The address's steps with its own identifiers replaced by variables, or None if unsafe."""
    values = []
    for attr, var in _PLAN_VARS:
        value = one_line(getattr(a, attr, None)).strip()
        if len(value) >= 6:  # never replace short, common words ("custom", "web")
            values.append((attr, var, value))
    steps = [one_line(s) for s in a.steps]
    if any("$" in s for s in steps) or any("$" in v for _, _, v in values):
        return None  # a literal "$" would make the variables ambiguous
    for _, var, value in sorted(values, key=lambda v: -len(v[2])):
        steps = [s.replace(value, var) for s in steps]
    used = tuple((attr, var) for attr, var, _ in values if any(var in s for s in steps))
    return tuple(steps), used


def _literal_block(a: AddressPlan) -> PlanBlock:
    return PlanBlock((a,), tuple(one_line(s) for s in a.steps))


def _shared_blocks(addresses: Sequence[AddressPlan], templated: Sequence) -> list[PlanBlock]:
    """One block per distinct plan, in the addresses' order, given each address's _templated_steps."""
    groups: dict[tuple, list[AddressPlan]] = {}
    for i, (a, t) in enumerate(zip(addresses, templated)):
        key = t if t is not None else ("unique", i)
        groups.setdefault(key, []).append(a)
    blocks = []
    for key, members in groups.items():
        if len(members) == 1:
            blocks.append(_literal_block(members[0]))
        else:
            steps, used = key
            blocks.append(PlanBlock(tuple(members), steps, used))
    return blocks


class _Lazy:
    """fn(item) for each item, each computed the first time it is asked for, then kept."""

    def __init__(self, items: Sequence, fn: Callable) -> None:
        self._items, self._fn, self._done = items, fn, []

    def first(self, k: int | None = None) -> Iterator:
        """The first k results (all when None); those not computed yet are computed as iterated."""
        for i in range(len(self._items) if k is None else k):
            if i == len(self._done):
                self._done.append(self._fn(self._items[i]))
            yield self._done[i]


# The plans are the most expensive part of the document to prepare (every step of
# every address goes through one_line, and grouping compares every address's plan),
# and on a large account the document is full long before its migration plan: both
# kinds of plans below do only the work that the part of the document rendered needs.

class _LiteralPlans:
    """Step 0: every address's own plan, spelled out."""

    grouped = False

    def __init__(self, addresses: Sequence[AddressPlan]) -> None:
        self._blocks = _Lazy(addresses, _literal_block)

    def first(self, k: int | None) -> Iterable[PlanBlock]:
        return self._blocks.first(k)


class _SharedPlans:
    """Steps 1 and on: addresses whose plans differ only in their own identifiers share one block."""

    def __init__(self, addresses: Sequence[AddressPlan]) -> None:
        self._addresses = addresses
        self._templated = _Lazy(addresses, _templated_steps)

    @cached_property
    def grouped(self) -> bool:
        """Whether any block is shared: the first two addresses with the same plan tell,
        without grouping the others."""
        seen = set()
        for t in self._templated.first():
            if t in seen:
                return True
            if t is not None:
                seen.add(t)
        return False

    @cached_property
    def _blocks(self) -> list[PlanBlock]:
        return _shared_blocks(self._addresses, list(self._templated.first()))

    def __len__(self) -> int:
        return len(self._blocks)

    def first(self, k: int | None) -> Iterable[PlanBlock]:
        return () if k == 0 else self._blocks[:k]


class _ShownPlans:
    """The template's view of the plans: the first `count` blocks (None: all) of `plans`.

    Attributes, not precomputed values, so that nothing is prepared for a migration
    plan that a probe never reaches.
    """

    def __init__(self, plans: _LiteralPlans | _SharedPlans, count: int | None, addresses: int) -> None:
        self._plans, self._count, self._addresses = plans, count, addresses

    @property
    def grouped(self) -> bool:
        return self._plans.grouped

    @property
    def blocks(self) -> Iterable[PlanBlock]:
        return self._plans.first(self._count)

    @cached_property
    def shown(self) -> int:
        """The number of addresses whose plans are shown."""
        if self._count is None:
            return self._addresses
        return sum(len(b.addresses) for b in self._plans.first(self._count))

    @property
    def omitted(self) -> int:
        return self._addresses - self.shown


class _Sizes:
    """One report's document at the sizes MarkdownFormat.render probes.

    The probes differ only in how many plans, findings per rule and address rows they
    show, so the pieces they have in common (the template's macros, called through
    `once` and `once_each`) are rendered once, when the first probe reaches them: a
    probe then mostly joins strings, and stops as soon as it passes max_chars.
    """

    def __init__(self, template: jinja2.Template, report: Report, max_chars: int) -> None:
        self._template, self._report, self._max_chars = template, report, max_chars
        self._pieces: dict[tuple, Md] = {}
        self._fixes: dict[int, str | None] = {}
        self._probed: dict[tuple, str | None] = {}

    def fitting(self, plans: _LiteralPlans | _SharedPlans, shown: int | None = None,
                findings_cap: int | None = None, address_rows: int | None = None) -> str | None:
        """That document if it stays within max_chars, else None (each size is rendered once)."""
        key = (plans, shown, findings_cap, address_rows)
        if key not in self._probed:
            self._probed[key] = self._within_max(self._context(*key))
        return self._probed[key]

    def render(self, plans: _LiteralPlans | _SharedPlans, shown: int | None = None,
               findings_cap: int | None = None, address_rows: int | None = None) -> str:
        """That document, however long."""
        return self._template.render(**self._context(plans, shown, findings_cap, address_rows))

    def _within_max(self, context: dict) -> str | None:
        # rendering stops as soon as the document would not fit, so a probe never costs
        # more than max_chars of rendering
        chunks, size = [], 0
        for chunk in self._template.generate(**context):
            size += len(chunk)
            if size > self._max_chars:
                return None
            chunks.append(chunk)
        return "".join(chunks)

    def _context(self, plans: _LiteralPlans | _SharedPlans, shown: int | None,
                 findings_cap: int | None, address_rows: int | None) -> dict:
        r = self._report
        rows = r.addresses if address_rows is None else r.addresses[:address_rows]
        return dict(
            r=r,
            plans=_ShownPlans(plans, shown, len(r.addresses)),
            findings_cap=findings_cap,
            address_rows=rows,
            address_rows_omitted=len(r.addresses) - len(rows),
            once=self._once,
            once_each=self._once_each,
            common_fix=self._common_fix,
        )

    def _once(self, macro: jinja2.runtime.Macro, item: object, *args: object) -> Md:
        """macro(item, *args), rendered the first time only.

        `item` (a report object or a plan block) is told apart by identity: it lives as
        long as this object (the report, and the plans in self._probed), so its id is
        never reused meanwhile. The other arguments are compared by value.
        """
        key = (macro.name, id(item), *args)
        piece = self._pieces.get(key)
        if piece is None:
            # the macro's {{ }} went through the filters and finalize: escaped Markdown
            piece = self._pieces[key] = Md(macro(item, *args))
        return piece

    def _once_each(self, macro: jinja2.runtime.Macro, items: Iterable, *args: object) -> Iterator[Md]:
        """_once(macro, item, *args) for each item, as the render reaches it."""
        for item in items:
            yield self._once(macro, item, *args)

    def _common_fix(self, group: RuleGroup) -> str | None:
        # RuleGroup.common_remediation looks at every finding of the rule
        if id(group) not in self._fixes:
            self._fixes[id(group)] = group.common_remediation
        return self._fixes[id(group)]


class MarkdownFormat(ReportFormat):
    format = "md"
    filename = REPORT_FILES["md"]
    media_type = "text/markdown"

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._template = markdown_environment().get_template("report.md.j2")

    def render(self, report: Report) -> str:
        doc = _Sizes(self._template, report, self.max_chars)
        fits = lambda *args: doc.fitting(*args) is not None  # noqa: E731

        # 0. every address with its own plan, literally
        literal = _LiteralPlans(report.addresses)
        text = doc.fitting(literal)
        if text is not None:
            return text

        # 1. addresses that share a plan (up to their own SIDs) get it once, with variables
        shared = _SharedPlans(report.addresses)
        text = doc.fitting(shared)
        if text is not None:
            return text

        # 2. leave out the plans of the last blocks (the largest number that fits); asking
        # first whether any number fits spares counting the blocks (grouping every plan)
        if fits(shared, 0):
            k = _largest(lambda k: fits(shared, k), 0, len(shared))
            return doc.fitting(shared, k)

        # 3. no plans; cap the findings listed per rule
        most = max((len(g.findings) for sg in report.open_groups for g in sg.rules), default=0)
        m = _largest(lambda m: fits(shared, 0, m), 0, most)
        if m is not None:
            return doc.fitting(shared, 0, m)

        # 4. and cap the address table
        a = _largest(lambda a: fits(shared, 0, 0, a), 0, len(report.addresses))
        if a is not None:
            return doc.fitting(shared, 0, 0, a)

        # 5. pathological (thousands of coverage gaps or waivers): cut at a line, say so
        text = doc.render(shared, 0, 0, 0)
        note = f"\n\n… (cut at {self.max_chars} characters: see {', '.join(FULL_DETAIL_FILES)})\n"
        return text[: self.max_chars - len(note)].rsplit("\n", 1)[0] + note


def _largest(fits, lo: int, hi: int) -> int | None:
    """The largest k in [lo, hi] with fits(k), assuming fits is monotone (true up to some k).

    Probes gallop up from lo (lo+1, lo+2, lo+4, …) before bisecting, so no probe
    renders much more than twice what fits, however large hi is.
    """
    if not fits(lo):
        return None
    step = 1
    while lo < hi:
        probe = min(hi, lo + step)
        if not fits(probe):
            hi = probe - 1
            break
        lo, step = probe, step * 2
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo
