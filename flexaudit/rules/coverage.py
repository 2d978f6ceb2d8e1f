"""9xx: the scan itself."""

from __future__ import annotations

from flexaudit.model.findings import Severity
from flexaudit.model.inventory import FAMILIES
from flexaudit.analysis.index import Context, text
from flexaudit.rules.registry import Hit, rule


@rule(
    id="FLX901",
    severity=Severity.INFO,
    title="A resource family could not be read",
    rationale="""When a family could not be read (missing permission, product not enabled on the
    account, repeated server errors), the rules that need it did not run: the report is silent about
    that part of the account, which is not the same as clean.""",
    remediation="""Fix the cause named in the message (use the Auth Token or a Standard/Main API key:
    restricted keys cannot read Flex, Proxy, Chat or Conversations; retry later for server errors)
    and scan again.""",
    docs_url="https://www.twilio.com/docs/iam/api-keys/key-resource-v1",
    families=(),
    resource_type="account",
    scope="per resource family (resource_type account with the account SID; resource_name is the family)",
    tags=("coverage", "scan"),
)
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
