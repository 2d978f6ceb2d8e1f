"""Run every rule over one inventory: findings, coverage, rule errors.

- A rule runs only when every family it needs is complete; otherwise it
  produces nothing and is listed under `skipped_rules` of each incomplete
  family it needs (FLX901 then names the gap).
- A rule that raises does not stop the run: its findings (even the ones it
  yielded before failing) are dropped, the error is kept in
  `Evaluation.rule_errors` (rule id -> "ExceptionType: message") and logged,
  and the rule is listed under `skipped_rules` of the families it needs (of
  "account" when it needs none), so the report shows the rule did not run.
  The family's own `complete`/`error` are left as the scan recorded them.
- Findings are sorted by severity (most severe first), rule id, resource
  sid; ties (FLX901, one per family, all on the account) keep their
  generation order, which follows FAMILIES.
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass, field

from flexaudit.model.findings import CoverageEntry, Finding
from flexaudit.model.inventory import FAMILIES, Inventory
from flexaudit.analysis.index import Context
from flexaudit.rules.registry import Rule, all_rules
from flexaudit.safe_text import prose

log = logging.getLogger(__name__)

NOT_SCANNED = "not scanned"


@dataclass
class Evaluation:
    as_of: _dt.date
    findings: list[Finding] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)
    # rules that raised: rule id -> "ExceptionType: message"
    rule_errors: dict[str, str] = field(default_factory=dict)
    # the indexes the rules ran on, for readiness to reuse rather than rebuild
    context: Context | None = field(default=None, repr=False, compare=False)

    @property
    def skipped_rules(self) -> list[str]:
        return sorted({r for c in self.coverage for r in c.skipped_rules})


def evaluate(inventory: Inventory, as_of: _dt.date) -> Evaluation:
    """Evaluate every rule of the catalog against `inventory` as of `as_of`."""
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, _dt.date):
        raise TypeError("as_of must be a datetime.date")
    rules = all_rules()
    ctx = Context(inventory, as_of)
    incomplete = [f for f in FAMILIES if not inventory.is_complete(f)]
    skipped: dict[str, set[str]] = {f: set() for f in FAMILIES}
    for rule in rules:
        for family in rule.families:
            if family in incomplete:
                skipped[family].add(rule.id)
    ctx.skipped_by_family = {f: sorted(skipped[f]) for f in FAMILIES}

    result = Evaluation(as_of=as_of, context=ctx)
    for rule in rules:
        if any(f in incomplete for f in rule.families):
            continue
        try:
            findings = [_finding(rule, hit) for hit in rule.run(ctx)]
        except Exception as exc:  # a rule bug must not kill the run
            message = f"{exc.__class__.__name__}: {exc}"
            log.warning("rule %s failed and was skipped: %s", rule.id, message)
            result.rule_errors[rule.id] = message
            for family in rule.families or ("account",):
                skipped[family].add(rule.id)
            continue
        result.findings.extend(findings)

    result.findings.sort(key=Finding.sort_key)
    result.coverage = [_coverage(inventory, family, skipped[family]) for family in FAMILIES]
    return result


def _finding(rule: Rule, hit) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=hit.severity if hit.severity is not None else rule.severity,
        title=rule.title,
        resource_type=rule.resource_type,
        resource_sid=str(hit.resource_sid),
        resource_name=str(hit.resource_name),
        message=prose(str(hit.message)),
        remediation=rule.remediation,
        docs_url=rule.docs_url,
    )


def _coverage(inventory: Inventory, family: str, skipped: set[str]) -> CoverageEntry:
    cov = inventory.coverage.get(family) if isinstance(inventory.coverage, dict) else None
    if cov is None:
        return CoverageEntry(family=family, complete=False, error=NOT_SCANNED, skipped_rules=sorted(skipped))
    complete = cov.complete is True
    error = cov.error if cov.error else (None if complete else "incomplete (no error recorded)")
    note = getattr(cov, "note", None)
    return CoverageEntry(family=family, complete=complete, error=error, skipped_rules=sorted(skipped),
                         note=note if isinstance(note, str) and note else None)
