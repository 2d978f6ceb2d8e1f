"""Flex Conversations side: the configuration and the address configurations."""

from __future__ import annotations

from flexaudit.api.paging import fetch_record, list_records
from flexaudit.model.inventory import AddressConfiguration, ConversationsConfiguration
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.records import from_record

PAGE_SIZE = 50  # the Address Configurations endpoint caps PageSize at 50


def scan_conversations(ctx: ScanContext, needed: Needed) -> Scanned:
    version = ctx.client.conversations.v1
    # 404: Conversations never configured on this account. Fetched while the addresses
    # page: the active conversations chain waits for this family.
    config = ctx.fanout.submit(fetch_record, version, "/Configuration", missing_ok=True)
    addresses = [from_record(AddressConfiguration, a)
                 for a in list_records(version, "/Configuration/Addresses", {"PageSize": PAGE_SIZE})]
    config = config.result()
    return Scanned((None if config is None else from_record(ConversationsConfiguration, config), addresses))
