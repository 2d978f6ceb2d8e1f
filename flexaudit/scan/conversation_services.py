"""Conversations services (IS…): which exist, so FLX505 can tell an address's service is real."""

from __future__ import annotations

from flexaudit.api.paging import list_records
from flexaudit.model.inventory import ConversationService
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record

PAGE_SIZE = 100  # the Conversations services list caps PageSize at 100


def scan_conversation_services(ctx: ScanContext, needed: Needed) -> Scanned:
    services = [from_record(ConversationService, s)
                for s in list_records(ctx.client.conversations.v1, "/Services", {"PageSize": PAGE_SIZE})]
    return Scanned(services)
