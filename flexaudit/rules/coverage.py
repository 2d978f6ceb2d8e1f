"""9xx: the scan itself."""

from __future__ import annotations

from flexaudit.model.inventory import FAMILIES
from flexaudit.analysis.index import Context, text
from flexaudit.rules.registry import Hit, rule


@rule("FLX901", families=())
def flx901(ctx: Context):
    coverage = ctx.inventory.coverage if isinstance(ctx.inventory.coverage, dict) else {}
    for family in FAMILIES:
        cov = coverage.get(family)
        if cov is not None and cov.complete is True:
            continue
        error = (text(cov.error) if cov else "") or ("not scanned" if cov is None else "no error recorded")
        skipped = ctx.skipped_by_family.get(family) or []
        yield Hit(
            ctx.account_sid,
            family,
            f"The {family} family could not be read ({error}); rules skipped: {', '.join(skipped) or 'none'}.",
        )
