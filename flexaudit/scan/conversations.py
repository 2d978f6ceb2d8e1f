"""Flex Conversations side: the configuration and the address configurations."""

from __future__ import annotations

from twilio.base.exceptions import TwilioRestException

from flexaudit.inventory import AddressConfiguration, ConversationsConfiguration
from flexaudit.scan import fields
from flexaudit.scan.context import ScanContext

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
            sid=fields.text(a.sid) or "",
            type=fields.text(a.type),
            address=fields.text(a.address),
            friendly_name=fields.text(a.friendly_name),
            auto_creation=fields.mapping(a.auto_creation),
        )
        for a in ctx.client.conversations.v1.address_configurations.stream(page_size=PAGE_SIZE)
    ]
