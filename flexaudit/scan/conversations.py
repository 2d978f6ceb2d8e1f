"""Flex Conversations side: the configuration and the address configurations."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.model.inventory import AddressConfiguration, ConversationsConfiguration
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext
from flexaudit.api.paging import list_records

PAGE_SIZE = 50  # the Address Configurations endpoint caps PageSize at 50


def scan_conversations_configuration(ctx: ScanContext) -> ConversationsConfiguration | None:
    try:
        cfg = ctx.client.conversations.v1.configuration().fetch()
    except TwilioRestException as exc:
        if exc.status == 404:  # Conversations never configured on this account
            return None
        raise
    return ConversationsConfiguration(
        default_chat_service_sid=fields.text(cfg.default_chat_service_sid),
        default_messaging_service_sid=fields.text(cfg.default_messaging_service_sid),
    )


def scan_address_configurations(ctx: ScanContext) -> list[AddressConfiguration]:
    return [
        AddressConfiguration(
            sid=fields.text(a.get("sid")) or "",
            type=fields.text(a.get("type")),
            address=fields.text(a.get("address")),
            friendly_name=fields.text(a.get("friendly_name")),
            auto_creation=fields.mapping(a.get("auto_creation")),
        )
        for a in list_records(ctx.client.conversations.v1, "/Configuration/Addresses", {"PageSize": PAGE_SIZE})
    ]
