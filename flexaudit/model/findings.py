"""What the rules produce and the reports show: findings, address plans, coverage.

These are the shapes of `flexaudit-report.json` (contract schema_version 1);
renderers only ever read them.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# FLX101 …: the form of every rule id (rules.md), in the catalog and in waivers.
RULE_ID = re.compile(r"^FLX\d{3}$")


class Severity(enum.IntEnum):
    """Ordered so that `>=` means "at least as bad"."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected one of {', '.join(s.label for s in cls)})") from None


# Most severe first: the order of the report's summary and findings.
SEVERITIES_DESC = tuple(sorted(Severity, reverse=True))

RESOURCE_TYPES = (
    "flex_flow",
    "phone_number",
    "studio_flow",
    "proxy_service",
    "messaging_service",
    "chat_service",
    "flex_configuration",
    "conversations_address",
    "account",
    "serverless_function",
    "code_file",
)


@dataclass
class Finding:
    rule_id: str
    severity: Severity
    title: str
    resource_type: str
    resource_sid: str
    resource_name: str
    message: str
    remediation: str
    docs_url: str
    suppressed: bool = False

    def sort_key(self):
        return (-int(self.severity), self.rule_id, self.resource_sid)

    @property
    def finding_id(self) -> str:
        """`FLX101:PN…`: stable across scans, the key waivers, `diff` and trackers use."""
        return f"{self.rule_id}:{self.resource_sid}"


@dataclass
class AddressPlan:
    """One legacy address (Flex Flow): readiness for Flex Conversations and its plan."""

    flex_flow_sid: str
    friendly_name: str
    channel_type: str
    contact_identity: str
    integration_type: str
    readiness: str  # ready | needs-work | blocked
    blockers: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    wave: int = 0  # 1 ready, 2 needs-work, 3 blocked: the order of the work
    last_inbound_at: str | None = None  # ISO 8601 UTC of the newest message to its number; None: none or unknown
    # Extensions beyond the contract's keys, for the CSV and the tracker columns.
    enabled: bool | None = None
    phone_number_sid: str | None = None
    studio_flow_sid: str | None = None
    finding_ids: list[str] = field(default_factory=list)  # `FLX101:PN…` of its flow, number and Studio flow

    @property
    def rule_ids(self) -> list[str]:
        """The rules behind its findings, each once, by id."""
        return sorted({fid.partition(":")[0] for fid in self.finding_ids})


@dataclass(frozen=True)
class AccountBlocker:
    """A blocker of every address alike (FLX401): the account's prerequisite, said once."""

    rule_id: str
    title: str
    prerequisite: str  # "upgrade Flex UI to 2.x"
    fix: str  # the concrete step, SIDs and commands filled in


@dataclass
class ConversationsAddressHealth:
    """One Conversations address configuration as it stands after a cut-over (contract
    `conversations_addresses[]`): `broken` when a finding names it or FLX406 names its number."""

    sid: str
    type: str
    address: str
    friendly_name: str
    integration: str  # studio | webhook | default
    studio_flow_sid: str | None
    webhook_url: str | None  # without user info and query string
    health: str  # ok | broken
    finding_ids: list[str] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        return sorted({f.split(":", 1)[0] for f in self.finding_ids})


@dataclass
class CoverageEntry:
    family: str
    complete: bool
    error: str | None = None
    skipped_rules: list[str] = field(default_factory=list)
    # a complete family that holds less on purpose says why ("not requested (no --code)", "… (--no-traffic)")
    note: str | None = None


@dataclass
class WaiverResult:
    rule: str
    resource: str | None
    reason: str
    expires: str | None
    status: str  # active | expired | unused
    matched: int = 0
