"""The Flex conversation service's active conversations, counted by day of last update while
streaming (FLX508): 100 a page, each page naming the next, nothing of a conversation kept."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.api.paging import list_records, path_segment
from flexaudit.model.inventory import ConversationSummary
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import string, utc_day

PAGE_SIZE = 100  # the Conversations list caps PageSize at 100
ACTIVE = "active"
PROGRESS_EVERY = 10_000


def scan_active_conversations(ctx: ScanContext, needed: Needed) -> Scanned:
    conversations = needed["conversations"]
    if conversations is None:
        return Scanned(None, "the Conversations configuration could not be read, so the Flex conversation "
                             "service is unknown")
    config, _addresses = conversations
    service = string(config.default_chat_service_sid) if config is not None else None
    if not service:
        return Scanned(None, note="no Flex conversation service (the Conversations configuration names no "
                                  "default_chat_service_sid)")
    # The pages follow each other: they go through the chain's threads, whose requests
    # the transport sends ahead of the fan-out's.
    summary = ctx.fanout.submit(count_active, ctx, service).result()
    if summary is None:
        return Scanned(None, note=f"the Flex conversation service {service} does not exist")
    return Scanned(summary)


def count_active(ctx: ScanContext, service_sid: str) -> ConversationSummary | None:
    summary = ConversationSummary(service_sid=service_sid)
    records = list_records(ctx.client.conversations.v1, f"/Services/{path_segment(service_sid)}/Conversations",
                           {"State": ACTIVE, "PageSize": PAGE_SIZE})
    try:
        for conversation in records:
            # the filter asks for active ones only; a server that ignores it must not inflate the count
            if string(conversation.get("state")) != ACTIVE:
                continue
            count_conversation(summary, conversation)
            if summary.active % PROGRESS_EVERY == 0:
                ctx.progress(f"conversation service {service_sid}: {summary.active} active conversations so far")
    except TwilioRestException as exc:
        if exc.status == 404 and summary.active == 0:
            return None
        raise
    ctx.progress(f"conversation service {service_sid}: {summary.active} active conversations")
    return summary


def count_conversation(summary: ConversationSummary, conversation: dict) -> None:
    summary.active += 1
    day = utc_day(conversation.get("date_updated")) or utc_day(conversation.get("date_created"))
    if day is None:
        summary.undated += 1
    else:
        summary.active_by_update_day[day] = summary.active_by_update_day.get(day, 0) + 1
