"""Programmable Chat services: the Flex one and any other a Flex Flow uses. Channels are
counted while streaming, never stored."""

from __future__ import annotations

import json

from flexaudit.api.paging import list_records, path_segment
from flexaudit.model.inventory import ChannelSummary, ChatService
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, string

# Chat v2 caps PageSize at 100; Flex creates its channels private, and the list
# returns only public ones unless asked for both.
PAGE_SIZE = 100
CHANNEL_TYPES = ["public", "private"]
PROGRESS_EVERY = 10_000


def scan_chat(ctx: ScanContext, needed: Needed) -> Scanned:
    version = ctx.client.chat.v2
    # One list says which services exist and their names, while the Flex
    # configuration (which names the Flex one) is still on its way.
    existing = {r.get("sid"): r for r in list_records(version, "/Services", {"PageSize": PAGE_SIZE})}
    config = needed["flex_configuration"]
    flex_chat = config.chat_service_instance_sid if config else None
    first = [ctx.fanout.submit(read_channels, ctx, existing[flex_chat])] if flex_chat in existing else []
    # The other services a Flex Flow uses are read while the Flex one is still paging.
    others = sorted({f.chat_service_sid for f in needed["flex_flows"] or [] if f.chat_service_sid} - {flex_chat})
    rest = ctx.fetch_all(lambda sid: read_channels(ctx, existing[sid]), [s for s in others if s in existing])
    error = None if config else "the Flex configuration could not be read, so the Flex chat service is unknown"
    return Scanned([f.result() for f in first] + rest, error)


def read_channels(ctx: ScanContext, service: dict) -> ChatService:
    """The service with its channels counted (a service a flow names but the account lacks is left out)."""
    sid = string(service.get("sid")) or ""
    summary = ChannelSummary()
    channels = list_records(ctx.client.chat.v2, f"/Services/{path_segment(sid)}/Channels",
                            {"Type": CHANNEL_TYPES, "PageSize": PAGE_SIZE})
    for channel in channels:
        count_channel(summary, string(channel.get("type")) or "unknown", channel.get("attributes"))
        if summary.total % PROGRESS_EVERY == 0:
            ctx.progress(f"chat service {sid}: {summary.total} channels so far")
    ctx.progress(f"chat service {sid}: {summary.total} channels")
    return from_record(ChatService, service, channels=summary)


def count_channel(summary: ChannelSummary, channel_type: str, raw_attributes) -> None:
    attributes = _parse(raw_attributes)
    summary.total += 1
    if attributes is None:
        summary.unparsable_attributes += 1
        attributes = {}
    status = attributes.get("status")
    active = not (isinstance(status, str) and status.upper() == "INACTIVE")
    bucket = summary.active_by_type if active else summary.inactive_by_type
    bucket[channel_type] = bucket.get(channel_type, 0) + 1
    if active:
        kind = attributes.get("channel_type")
        kind = kind if isinstance(kind, str) and kind else "unknown"
        summary.active_by_channel_type[kind] = summary.active_by_channel_type.get(kind, 0) + 1


def _parse(raw) -> dict | None:
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return None
