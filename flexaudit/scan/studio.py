"""Studio flows. The list carries no definitions, so each flow that matters is fetched."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.inventory import StudioFlow
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext

PAGE_SIZE = 1000


def scan_studio_flows(ctx: ScanContext, wanted: set[str] | None) -> list[StudioFlow]:
    """All flows of the account; definitions for `wanted` (every flow when None).

    Only flows a Flex Flow or Conversations address points at are ever judged,
    so fetching just those keeps the scan's share of the account's REST
    concurrency small on accounts with many unrelated IVR flows.
    """
    listed = [_from_instance(f) for f in ctx.client.studio.v2.flows.stream(page_size=PAGE_SIZE)]
    to_fetch = [f for f in listed if wanted is None or f.sid in wanted]
    fetched = {f.sid: f for f in ctx.fetch_all(lambda flow: _fetch(ctx, flow), to_fetch)}
    ctx.progress(f"studio flows: {len(listed)} listed, {len(to_fetch)} definitions fetched")
    return [fetched.get(f.sid, f) for f in listed]


def _fetch(ctx: ScanContext, listed: StudioFlow) -> StudioFlow:
    try:
        return _from_instance(ctx.client.studio.v2.flows(listed.sid).fetch())
    except TwilioRestException as exc:
        if exc.status == 404:  # deleted between list and fetch
            return listed
        raise


def _from_instance(f) -> StudioFlow:
    return StudioFlow(
        sid=fields.text(f.sid) or "",
        friendly_name=fields.text(f.friendly_name),
        status=fields.text(f.status),
        revision=fields.integer(f.revision),
        valid=fields.flag(f.valid),
        errors=fields.listing(f.errors),
        warnings=fields.listing(f.warnings),
        webhook_url=fields.text(f.webhook_url),
        definition=f.definition,
        date_updated=fields.timestamp(f.date_updated),
    )
