"""The resource families a scan reads: one row each, the one table the orchestrator runs.

A row names the family (an Inventory field carries the same name: the value
the scanner returns fills it), the scanner, the families whose values it needs
first, and whether its requests are the scan's longest sequential chain. A row
may only need families listed above it. Adding a family is a scanner module,
its Inventory field and one row here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flexaudit.model.inventory import FAMILIES, family_fields
from flexaudit.scan.account import scan_account
from flexaudit.scan.active_conversations import scan_active_conversations
from flexaudit.scan.chat import scan_chat
from flexaudit.scan.code import scan_code
from flexaudit.scan.conversation_services import scan_conversation_services
from flexaudit.scan.conversations import scan_conversations
from flexaudit.scan.flex_configuration import scan_flex_configuration
from flexaudit.scan.flex_flows import scan_flex_flows
from flexaudit.scan.interface import Needed, ScanContext, Scanned
from flexaudit.scan.messages import scan_messages
from flexaudit.scan.messaging import scan_messaging_services
from flexaudit.scan.phone_numbers import scan_phone_numbers
from flexaudit.scan.proxy import scan_proxy_services
from flexaudit.scan.serverless import scan_serverless
from flexaudit.scan.studio_flows import scan_studio_flows
from flexaudit.scan.taskrouter import scan_taskrouter


@dataclass(frozen=True)
class Family:
    name: str
    scan: Callable[[ScanContext, Needed], Scanned]
    needs: tuple[str, ...] = ()
    # A long sequential list (chat channels, active conversations: 100 a page, each
    # page naming the next) decides how long a scan takes, so its requests go ahead
    # of the others.
    chain: bool = False
    # False for the family that reads local files (--code): its coverage says nothing about the credentials
    reads_api: bool = True

    @property
    def fills(self) -> tuple[str, ...]:
        """The Inventory fields its value fills (a tuple value when several)."""
        return family_fields(self.name)


FAMILY_TABLE: tuple[Family, ...] = (
    Family("account", scan_account),
    Family("phone_numbers", scan_phone_numbers),
    Family("flex_configuration", scan_flex_configuration),
    Family("flex_flows", scan_flex_flows),
    Family("conversations", scan_conversations),
    # The second chain: started as soon as the configuration names the Flex conversation service.
    Family("active_conversations", scan_active_conversations, needs=("conversations",), chain=True),
    Family("studio", scan_studio_flows, needs=("flex_flows", "conversations")),
    Family("proxy", scan_proxy_services),
    Family("messaging", scan_messaging_services),
    Family("chat", scan_chat, needs=("flex_configuration", "flex_flows"), chain=True),
    Family("taskrouter", scan_taskrouter, needs=("flex_configuration", "flex_flows")),
    Family("conversation_services", scan_conversation_services),
    Family("serverless", scan_serverless),
    Family("code", scan_code, reads_api=False),  # the disk, not the API: only with --code
    Family("messages", scan_messages, needs=("flex_flows",)),
)


def _check(table: tuple[Family, ...]) -> None:
    seen: list[str] = []
    for family in table:
        missing = [n for n in family.needs if n not in seen]
        if missing:
            raise ValueError(f"family {family.name} needs {missing} before it in the table")
        if not family.fills:
            raise ValueError(f"family {family.name} fills no Inventory field")
        seen.append(family.name)
    if sorted(seen) != sorted(FAMILIES):
        raise ValueError(f"the table's families {seen} are not the Inventory's {list(FAMILIES)}")


_check(FAMILY_TABLE)
