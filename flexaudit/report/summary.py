"""flexaudit-summary.md: the audit in fewer than 32,000 characters, to paste into a Jira or GitHub comment.

Jira Cloud cuts a comment at 32,767 characters and GitHub at 65,536; the
summary stays under `MAX_CHARS` on any account size. It opens like the full
report (account prerequisites, the first wave, the counts), then names every
rule with a critical or high finding with its count and as many of its
resources as fit, and the files attached beside it (`flexaudit-report.md` has
everything, with no size budget).

What fits is found by rendering: first with every resource of every rule; if
that is too long, the largest number of resources per rule that fits (the
same for every rule, so the worst rules are not starved by a long first one);
then, if even names alone do not fit, fewer first-wave addresses. Every value
from the account is clipped (`CLIP`), so one huge name cannot eat the budget,
and a last-resort cut at a line boundary keeps the promise whatever happens.
"""

from __future__ import annotations

from typing import Callable

from flexaudit.model.findings import Severity
from flexaudit.report.interface import ReportFormat
from flexaudit.report.markdown import markdown_environment
from flexaudit.report.model import Report
from flexaudit.report.write import REPORT_FILES

#: Jira's comment limit is 32,767 characters; the contract promises under 32,000, and the
#: margin leaves room for the line or two a person writes above the pasted summary.
MAX_CHARS = 31_000
WAVE_CAP = 25  # first-wave addresses named at most
HIGH_AND_WORSE = (Severity.CRITICAL, Severity.HIGH)


class SummaryFormat(ReportFormat):
    format = "md"
    filename = REPORT_FILES["summary"]
    media_type = "text/markdown"

    def __init__(self, max_chars: int = MAX_CHARS) -> None:
        self.max_chars = max_chars
        self._template = markdown_environment().get_template("summary.md.j2")

    def render(self, report: Report) -> str:
        rules = tuple(g for sg in report.open_groups if sg.severity in HIGH_AND_WORSE for g in sg.rules)
        most = max((len(g.findings) for g in rules), default=0)

        def fitting(resources: int | None, wave: int) -> str | None:
            return self._within_max(dict(r=report, rules=rules, resource_cap=resources, wave_cap=wave,
                                         high_and_worse=HIGH_AND_WORSE))

        text = fitting(None, WAVE_CAP)
        if text is not None:
            return text
        k = _largest(lambda k: fitting(k, WAVE_CAP) is not None, most)
        if k is not None:
            return fitting(k, WAVE_CAP)
        w = _largest(lambda w: fitting(0, w) is not None, WAVE_CAP)
        if w is not None:
            return fitting(0, w)
        text = self._template.render(r=report, rules=rules, resource_cap=0, wave_cap=0, high_and_worse=HIGH_AND_WORSE)
        note = f"\n\n… (cut at {self.max_chars} characters: see {REPORT_FILES['md']})\n"
        return text[: self.max_chars - len(note)].rsplit("\n", 1)[0] + note

    def _within_max(self, context: dict) -> str | None:
        """The document, or None as soon as it passes max_chars (a probe never renders much more)."""
        chunks, size = [], 0
        for chunk in self._template.generate(**context):
            size += len(chunk)
            if size > self.max_chars:
                return None
            chunks.append(chunk)
        return "".join(chunks)


def _largest(fits: Callable[[int], bool], hi: int) -> int | None:
    """The largest k in [0, hi] with fits(k), fits being true up to some k; None if not even 0 fits."""
    if not fits(0):
        return None
    lo = 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo

