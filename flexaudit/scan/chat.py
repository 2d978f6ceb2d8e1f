"""Programmable Chat services: the Flex one and any other a Flex Flow uses. Channels are
counted while streaming, never stored."""

from __future__ import annotations

import json

from flexaudit.api.paging import fetch_record, list_records, path_segment
from flexaudit.model.inventory import ChannelSummary, ChatService
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record, string

# Chat v2 caps PageSize at 100; Flex creates its channels private, and the list
# returns only public ones unless asked for both.
PAGE_SIZE = 100
CHANNEL_TYPES = ["public", "private"]
PROGRESS_EVERY = 10_000


def scan_chat(ctx: ScanContext, needed: Needed) -> Scanned:
    config, flows = needed["flex_configuration"], needed["flex_flows"] or []
    flex_chat = config.chat_service_instance_sid if config else None
    others = sorted({f.chat_service_sid for f in flows if f.chat_service_sid} - {flex_chat})
    # The other services are read while the Flex one is still paging, not after it.
    services = ctx.fetch_all(lambda sid: read_chat_service(ctx, sid), ([flex_chat] if flex_chat else []) + others)
    error = None if config else "the Flex configuration could not be read, so the Flex chat service is unknown"
    return Scanned([s for s in services if s is not None], error)


def read_chat_service(ctx: ScanContext, service_sid: str) -> ChatService | None:
    """None when the service does not exist (a flow or the configuration points at a deleted one)."""
    version = ctx.client.chat.v2
    base = f"/Services/{path_segment(service_sid)}"
    found = fetch_record(version, base, missing_ok=True)
    if found is None:
        return None
    summary = ChannelSummary()
    channels = list_records(version, f"{base}/Channels", {"Type": CHANNEL_TYPES, "PageSize": PAGE_SIZE},
                            executor=ctx.prefetch)
    for channel in channels:
        count_channel(summary, string(channel.get("type")) or "unknown", channel.get("attributes"))
        if summary.total % PROGRESS_EVERY == 0:
            ctx.progress(f"chat service {service_sid}: {summary.total} channels so far")
    ctx.progress(f"chat service {service_sid}: {summary.total} channels")
    return from_record(ChatService, found, sid=string(found.get("sid")) or service_sid, channels=summary)


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
