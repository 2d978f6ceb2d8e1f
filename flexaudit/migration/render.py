"""The files `flexaudit diff` and `flexaudit plan` write, from their pure results.

Markdown (flexaudit-diff.md, PLAN.md) goes through the Markdown report's
environment: every value escaped by its `finalize` or an md_* filter.

The scripts come from one template each (migrate.py.j2, rollback.py.j2, which
share script_machinery.py.j2). Their environment lets a value reach the
output in two ways only: `|py`, which writes a Python literal with `repr`
(after checking that the value is plain data), and `|comment`, for
flexaudit's own titles and twilio-cli lines, which must be one line of
printable ASCII without quotes or backslashes (so that it can end neither a
comment nor the docstring). Anything else is an error at generation time,
never a script with an account value spliced into its code.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

import jinja2
from markupsafe import Markup

from flexaudit.migration.progress import Progress, progress_to_dict
from flexaudit.migration.scripts import Plan
from flexaudit.model.findings import Severity
from flexaudit.report.markdown import Md, markdown_environment
from flexaudit.report.templating import template_environment
from flexaudit.safe_text import one_line

DIFF_FILES = {"md": "flexaudit-diff.md", "json": "flexaudit-diff.json"}
PLAN_FILE = "PLAN.md"
# flexaudit-diff.md pastes into a ticket: Jira's comment limit is 32,767 characters.
DIFF_MAX_CHARS = 32_000
_ROW_CAPS = (None, 200, 100, 50, 20, 10, 5, 0)


# ---------------------------------------------------------------- diff


def diff_files(progress: Progress, formats: tuple[str, ...]) -> list[tuple[str, str]]:
    """(file name, text) of each format asked for."""
    render = {"md": render_diff_markdown, "json": render_diff_json}
    return [(DIFF_FILES[fmt], render[fmt](progress)) for fmt in formats]


@lru_cache(maxsize=1)
def load_diff_schema() -> dict:
    """The JSON Schema (draft 2020-12) of flexaudit-diff.json; its findings refer to the report's schema."""
    return json.loads(resources.files("flexaudit").joinpath("schema/diff-v1.schema.json").read_text(encoding="utf-8"))


def render_diff_json(progress: Progress) -> str:
    return json.dumps(progress_to_dict(progress), indent=2, ensure_ascii=False) + "\n"


def render_diff_markdown(progress: Progress, max_chars: int = DIFF_MAX_CHARS) -> str:
    """The lost addresses first, then progress, changes and findings; lists shortened until it fits."""
    template = _markdown().get_template("diff.md.j2")
    context = dict(p=progress, lost=progress.of("lost"), icon_lost="⛔",
                   changes=[a for a in progress.addresses if a.change not in ("lost", "unchanged")])
    text = ""
    for cap in _ROW_CAPS:
        text = template.render(cap=cap, **context)
        if len(text) <= max_chars:
            return text
    return text[: max_chars - 80].rsplit("\n", 1)[0] + "\n\n… (cut to paste into a ticket: see flexaudit-diff.json)\n"


def render_diff_terminal(progress: Progress, written, threshold: Severity | None) -> str:
    """The summary `flexaudit diff` prints: every account value through one_line."""
    out = [f"flexaudit diff: {one_line(progress.account_friendly_name) or progress.account_sid} ({progress.account_sid})",
           f"scan of {one_line(progress.before_scanned_at)} -> scan of {one_line(progress.after_scanned_at)}, "
           f"as of {progress.as_of.isoformat()}",
           progress.progress_line,
           "  ".join(f"{change} {progress.counts[change]}" for change in progress.counts)]
    for a in progress.of("lost"):
        was = a.before.flex_flow_sid or a.before.conversations_address_sid or "?"
        out.append(f"LOST: {one_line(a.key)} (was {one_line(was)}{', ' + one_line(a.name) if a.name else ''}): "
                   "inbound messages now reach no one")
    new = ", ".join(f"{n} {label}" for label, n in progress.new_by_severity.items() if n)
    out.append(f"new findings: {new or 'none'}; resolved {len(progress.resolved_findings)}; "
               f"persisting {progress.persisting_findings}")
    if threshold is not None and progress.fails(threshold):
        out.append(f"--fail-on-new {threshold.label}: "
                   + ("lost addresses count as critical" if progress.counts["lost"] else "new findings at or above it"))
    if written:
        out.append("written:")
        out.extend(f"  {one_line(str(path))}" for path in written)
    return "\n".join(out) + "\n"


@lru_cache(maxsize=1)
def _markdown() -> jinja2.Environment:
    env = markdown_environment("flexaudit.migration")
    # `{{ side(x)|macro_output }}`: a macro's text, every {{ }} of which was escaped inside it
    env.filters["macro_output"] = Md
    return env


# ---------------------------------------------------------------- plan


def plan_files(plan: Plan) -> list[tuple[str, str]]:
    """(file name, text) of PLAN.md and, for each number, its migrate and rollback scripts."""
    files = [(PLAN_FILE, _markdown().get_template("PLAN.md.j2").render(plan=plan))]
    env = _python()
    for n in plan.numbers:
        files.append((n.migrate_file, env.get_template("migrate.py.j2").render(plan=plan, n=n)))
        files.append((n.rollback_file, env.get_template("rollback.py.j2").render(plan=plan, n=n)))
    return files


class _PySource(Markup):
    """Text that is already Python source (a literal, or a checked comment)."""


def py_literal(value: object, indent: int = 0) -> _PySource:
    """Filter: `value` as a Python literal (`repr` of plain data). One line when it fits in
    LINE_WIDTH columns from `indent` (the column its line starts at), else one item per line."""
    _check_plain(value)
    return _PySource(_literal(value, indent))


LINE_WIDTH = 110
_BRACKETS = {list: "[]", tuple: "()", dict: "{}"}


def _literal(value: object, indent: int) -> str:
    flat = repr(value)
    if type(value) not in _BRACKETS or not value or indent + len(flat) <= LINE_WIDTH:
        return flat
    inner = " " * (indent + 4)
    if type(value) is dict:
        items = [f"{inner}{key!r}: {_literal(item, indent + 4)}," for key, item in value.items()]
    else:
        items = [f"{inner}{_literal(item, indent + 4)}," for item in value]
    opening, closing = _BRACKETS[type(value)]
    return "\n".join([opening, *items, " " * indent + closing])


_COMMENT_SAFE = re.compile(r'^[ !#-\[\]-~]*$')  # printable ASCII but `"` and `\`


def comment_text(value: object) -> _PySource:
    """Filter: flexaudit's own text in a comment or the docstring."""
    text = str(value)
    if not _COMMENT_SAFE.match(text):
        raise ValueError(f"refusing to write {text[:60]!r} into a script's comment or docstring")
    return _PySource(text)


def _check_plain(value: object, depth: int = 0) -> None:
    """Plain data only: a literal of anything else would be whatever its class says it is."""
    if depth > 20:
        raise ValueError("a value nested too deep for a script literal")
    if value is None or type(value) in (str, bool, int):
        return
    if type(value) is float and math.isfinite(value):
        return
    if type(value) in (list, tuple):
        for item in value:
            _check_plain(item, depth + 1)
        return
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError(f"a script literal's keys are strings, not {type(key).__name__}")
            _check_plain(item, depth + 1)
        return
    raise ValueError(f"{type(value).__name__} is not plain data for a script literal")


def _finalize_python(value: object) -> object:
    if isinstance(value, _PySource):
        return value
    if type(value) is int:  # flexaudit's own step counters
        return value
    raise ValueError(f"a value reached a script without |py or |comment: {str(value)[:60]!r}")


@lru_cache(maxsize=1)
def _python() -> jinja2.Environment:
    env = template_environment(autoescape=False, finalize=_finalize_python, package="flexaudit.migration")
    env.filters.update(py=py_literal, comment=comment_text)
    return env
