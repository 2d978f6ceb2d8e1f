"""Inventory in, Report out: the pure middle of the pipeline, shared by `scan` and `report`."""

from __future__ import annotations

from datetime import date

from flexaudit import __version__
from flexaudit.model.inventory import Inventory
from flexaudit.readiness import plan_addresses
from flexaudit.report.model import Report, build_report
from flexaudit.rules import evaluate
from flexaudit.suppressions import apply_waivers


def audit(inventory: Inventory, as_of: date, waivers=()) -> Report:
    evaluation = evaluate(inventory, as_of)
    findings, waiver_results = apply_waivers(evaluation.findings, list(waivers), as_of)
    # Readiness reads every finding, waived or not: a waiver silences a gate, it
    # does not make a blocked address migratable.
    addresses = plan_addresses(inventory, findings, evaluation.context)
    return build_report(inventory, findings, addresses, evaluation.coverage, waiver_results, as_of, __version__)
