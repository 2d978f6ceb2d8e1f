"""Studio flows. The list carries no definitions, so each flow that matters is fetched."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.model.inventory import StudioFlow
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records, path_segment

PAGE_SIZE = 1000


def scan_studio_flows(ctx: ScanContext, wanted: set[str] | None) -> list[StudioFlow]:
    """All flows of the account; definitions for `wanted` (every flow when None).

    Only flows a Flex Flow or Conversations address points at are ever judged,
    so fetching just those keeps the scan's share of the account's REST
    concurrency small on accounts with many unrelated IVR flows.
    """
    listed = [_flow(f) for f in list_records(ctx.client.studio.v2, "/Flows", {"PageSize": PAGE_SIZE})]
    to_fetch = [f for f in listed if wanted is None or f.sid in wanted]
    fetched = {f.sid: f for f in ctx.fetch_all(lambda flow: _fetch(ctx, flow), to_fetch)}
    ctx.progress(f"studio flows: {len(listed)} listed, {len(to_fetch)} definitions fetched")
    return [fetched.get(f.sid, f) for f in listed]


def _fetch(ctx: ScanContext, listed: StudioFlow) -> StudioFlow:
    try:
        record = ctx.client.studio.v2.fetch("GET", f"/Flows/{path_segment(listed.sid)}")
    except TwilioRestException as exc:
        if exc.status == 404:  # deleted between list and fetch
            return listed
        raise
    return _flow(record) if isinstance(record, dict) else listed


def _flow(f: dict) -> StudioFlow:
    return StudioFlow(
        sid=fields.text(f.get("sid")) or "",
        friendly_name=fields.text(f.get("friendly_name")),
        status=fields.text(f.get("status")),
        revision=fields.integer(f.get("revision")),
        valid=fields.flag(f.get("valid")),
        errors=fields.listing(f.get("errors")),
        warnings=fields.listing(f.get("warnings")),
        webhook_url=fields.text(f.get("webhook_url")),
        definition=f.get("definition"),
        date_updated=fields.timestamp(f.get("date_updated")),
    )
