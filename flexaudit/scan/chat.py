"""Programmable Chat services: channels are counted while streaming, never stored."""

from __future__ import annotations

import contextlib
import json
from concurrent.futures import Future

from twilio.base.exceptions import TwilioRestException

from flexaudit.model.inventory import ChannelSummary, ChatService
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records, path_segment

# Chat v2 caps PageSize at 100; Flex creates its channels private, and the list
# returns only public ones unless asked for both.
PAGE_SIZE = 100
CHANNEL_TYPES = ["public", "private"]
PROGRESS_EVERY = 10_000


def scan_chat_service(ctx: ScanContext, service_sid: str) -> ChatService | None:
    """None when the service does not exist (a flow or the configuration points at a deleted one)."""
    service = ctx.client.chat.v2.services(service_sid)
    # The service's own record is read beside its channel list, not before it: the
    # list is the scan's longest chain of requests, and a missing service shows in both.
    info = ctx.prefetch.submit(_fetch, service) if ctx.prefetch else _done(_fetch(service))
    # Its requests must follow each other, so they go ahead of queued fan-out requests.
    http = ctx.client.http_client
    urgent = http if hasattr(http, "prioritized") else None
    summary = ChannelSummary()
    try:
        with urgent.prioritized() if urgent else contextlib.nullcontext():
            channels = list_records(ctx.client.chat.v2, f"/Services/{path_segment(service_sid)}/Channels",
                                    {"Type": CHANNEL_TYPES, "PageSize": PAGE_SIZE}, executor=ctx.prefetch,
                                    urgent_via=urgent)
        for channel in channels:
            count_channel(summary, fields.text(channel.get("type")) or "unknown", channel.get("attributes"))
            if summary.total % PROGRESS_EVERY == 0:
                ctx.progress(f"chat service {service_sid}: {summary.total} channels so far")
    except TwilioRestException as exc:
        if exc.status == 404 and info.result() is None:
            return None
        raise
    found = info.result()
    if found is None:
        return None
    ctx.progress(f"chat service {service_sid}: {summary.total} channels")
    return ChatService(sid=fields.text(found.sid) or service_sid, friendly_name=fields.text(found.friendly_name),
                       channels=summary)


def _fetch(service):
    try:
        return service.fetch()
    except TwilioRestException as exc:
        if exc.status == 404:
            return None
        raise


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


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
