"""Studio flows. The list carries no definitions, so each flow that matters is fetched."""

from __future__ import annotations

from flexaudit.api.paging import fetch_record, list_records, path_segment
from flexaudit.model.inventory import StudioFlow
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, timestamp

PAGE_SIZE = 1000


def scan_studio_flows(ctx: ScanContext, needed: Needed) -> Scanned:
    """All flows of the account; the definitions of those a Flex Flow or Conversations
    address points at (of every flow when either list could not be read).

    Only those flows are ever judged, so fetching just them keeps the scan's share
    of the account's REST concurrency small on accounts with many unrelated IVR flows.
    """
    wanted = _wanted(needed)
    listed = [_flow(f) for f in list_records(ctx.client.studio.v2, "/Flows", {"PageSize": PAGE_SIZE})]
    to_fetch = [f for f in listed if wanted is None or f.sid in wanted]
    fetched = {f.sid: f for f in ctx.fetch_all(lambda flow: _fetch(ctx, flow), to_fetch)}
    ctx.progress(f"studio flows: {len(listed)} listed, {len(to_fetch)} definitions fetched")
    return Scanned([fetched.get(f.sid, f) for f in listed])


def _wanted(needed: Needed) -> set[str] | None:
    flows, conversations = needed["flex_flows"], needed["conversations"]
    if flows is None or conversations is None:
        return None
    _, addresses = conversations
    wanted = {(f.integration or {}).get("flow_sid") for f in flows if f.integration_type == "studio"}
    wanted |= {(a.auto_creation or {}).get("studio_flow_sid") for a in addresses}
    return {sid for sid in wanted if isinstance(sid, str)}


def _fetch(ctx: ScanContext, listed: StudioFlow) -> StudioFlow:
    record = fetch_record(ctx.client.studio.v2, f"/Flows/{path_segment(listed.sid)}", missing_ok=True)
    return listed if record is None else _flow(record)  # None: deleted between list and fetch


def _flow(f: dict) -> StudioFlow:
    return from_record(StudioFlow, f, date_updated=timestamp(f.get("date_updated")))
