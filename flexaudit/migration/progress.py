"""`flexaudit diff`: what moved between two scans of one account, address by address. Pure.

Both snapshots come in already evaluated (the same rules, as-of date and
waivers: `commands.pipeline.audit`). An address is keyed by channel type and
normalized contact identity (`sms:+14155550101`, `whatsapp:+14155550112`,
`facebook:messenger:3259…`); `web` and `custom` flows, and any flow or
Conversations address without an identity, by their own SID. Each key gets
one change (contract, "flexaudit diff BEFORE AFTER"):

- `migrated`: an enabled Flex Flow before; none after, and a Conversations address;
- `lost`: an enabled Flex Flow before; after, neither an enabled flow nor a
  Conversations address: inbound messages reach no one. A Conversations
  address deleted with nothing in its place is `lost` too, for the same reason
  (the contract's table is silent on it; "unchanged" would hide it);
- `added`: an enabled flow or a Conversations address after, neither before;
- `removed`: only a disabled flow before (or a `web`/`custom` flow), gone after;
- `changed`: an enabled flow in both, with another readiness;
- `unchanged`: anything else.

Findings are compared by `finding_id`: new, resolved, and how many persist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flexaudit.analysis.index import NUMBER_CHANNELS, channel, is_enabled, text
from flexaudit.analysis.phone import normalize_number
from flexaudit.model.findings import SEVERITIES_DESC, Finding, Severity
from flexaudit.model.inventory import AddressConfiguration, FlexFlow, Inventory
from flexaudit.report.model import READINESS, Report, finding_to_dict

SCHEMA_VERSION = 1

# Every listing's order: what needs a person first.
CHANGES = ("lost", "migrated", "added", "removed", "changed", "unchanged")
# The summary's key order (the contract's).
SUMMARY_ORDER = ("migrated", "lost", "added", "removed", "changed", "unchanged")

# Flows without an identity of their own: keyed by their SID.
_KEYED_BY_SID = ("web", "custom")
# A Conversations address type and the Flex Flow channel type it replaces.
_CHANNEL_OF_ADDRESS_TYPE = {"messenger": "facebook"}


@dataclass(frozen=True)
class Evaluated:
    """One snapshot and the Report the rules made of it."""

    inventory: Inventory
    report: Report


@dataclass(frozen=True)
class Side:
    """An address in one of the two scans."""

    flex_flow_sid: str | None = None
    conversations_address_sid: str | None = None
    readiness: str | None = None
    name: str = ""  # the flow's (else the address's) friendly name, for the Markdown

    def as_dict(self) -> dict:
        return {"flex_flow_sid": self.flex_flow_sid, "conversations_address_sid": self.conversations_address_sid,
                "readiness": self.readiness}


@dataclass(frozen=True)
class AddressChange:
    key: str
    channel_type: str
    contact_identity: str
    change: str
    before: Side
    after: Side

    @property
    def name(self) -> str:
        return self.before.name or self.after.name

    def as_dict(self) -> dict:
        return {"key": self.key, "channel_type": self.channel_type, "contact_identity": self.contact_identity,
                "change": self.change, "before": self.before.as_dict(), "after": self.after.as_dict()}


@dataclass(frozen=True)
class Progress:
    account_sid: str
    account_friendly_name: str
    before_scanned_at: str
    after_scanned_at: str
    as_of: date
    addresses: tuple[AddressChange, ...]  # CHANGES order, then key
    new_findings: tuple[Finding, ...]  # the report's order: severity, rule, resource
    resolved_findings: tuple[Finding, ...]
    persisting_findings: int
    legacy_before: int  # enabled Flex Flows before
    legacy_remaining: int  # enabled Flex Flows after
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, change: str) -> tuple[AddressChange, ...]:
        return tuple(a for a in self.addresses if a.change == change)

    @property
    def progress_line(self) -> str:
        """"3 of 25 legacy addresses migrated, 22 remaining" (and how many were lost)."""
        noun = "address" if self.legacy_before == 1 else "addresses"
        line = f"{self.counts['migrated']} of {self.legacy_before} legacy {noun} migrated, {self.legacy_remaining} remaining"
        if self.counts["lost"]:
            line += f", {self.counts['lost']} lost"
        return line

    @property
    def new_by_severity(self) -> dict[str, int]:
        """Unsuppressed new findings per severity, most severe first."""
        return {s.label: sum(1 for f in self.new_findings if f.severity == s and not f.suppressed)
                for s in SEVERITIES_DESC}

    def fails(self, threshold: Severity) -> bool:
        """--fail-on-new: a new unsuppressed finding at or above `threshold`, or any lost
        address (a lost address counts as critical, the top of the scale)."""
        return bool(self.counts["lost"]) or any(
            not f.suppressed and f.severity >= threshold for f in self.new_findings)


def compare(before: Evaluated, after: Evaluated, as_of: date) -> Progress:
    """The progress from `before` to `after` (the same account: the caller checks)."""
    old, new = _slots(before), _slots(after)
    rows = []
    for key in old.keys() | new.keys():
        b, a = old.get(key), new.get(key)
        shape = b or a
        rows.append(AddressChange(key, shape.channel, shape.identity, _classify(b, a, shape.keyed_by_sid),
                                  _side(b), _side(a)))
    rows.sort(key=lambda r: (CHANGES.index(r.change), r.key))
    before_ids = {f.finding_id for f in before.report.findings}
    after_ids = {f.finding_id for f in after.report.findings}
    counts = {c: 0 for c in SUMMARY_ORDER}
    for r in rows:
        counts[r.change] += 1
    return Progress(
        account_sid=after.report.account_sid,
        account_friendly_name=after.report.account_friendly_name or before.report.account_friendly_name or "",
        before_scanned_at=before.report.scanned_at,
        after_scanned_at=after.report.scanned_at,
        as_of=as_of,
        addresses=tuple(rows),
        new_findings=tuple(f for f in after.report.findings if f.finding_id not in before_ids),
        resolved_findings=tuple(f for f in before.report.findings if f.finding_id not in after_ids),
        persisting_findings=sum(1 for f in after.report.findings if f.finding_id in before_ids),
        legacy_before=sum(1 for f in before.inventory.flex_flows if is_enabled(f)),
        legacy_remaining=sum(1 for f in after.inventory.flex_flows if is_enabled(f)),
        counts=counts,
    )


def progress_to_dict(progress: Progress) -> dict:
    """`flexaudit-diff.json` (schema_version 1), keys in the contract's order; extensions last."""
    return {
        "schema_version": SCHEMA_VERSION,
        "account": {"sid": progress.account_sid, "friendly_name": progress.account_friendly_name},
        "before": {"scanned_at": progress.before_scanned_at},
        "after": {"scanned_at": progress.after_scanned_at},
        "as_of": progress.as_of.isoformat(),
        "summary": {
            **{c: progress.counts[c] for c in SUMMARY_ORDER},
            "legacy_remaining": progress.legacy_remaining,
            "new_findings": progress.new_by_severity,
            "resolved_findings": len(progress.resolved_findings),
            "legacy_before": progress.legacy_before,
        },
        "addresses": [a.as_dict() for a in progress.addresses],
        "findings": {
            "new": [_finding(f) for f in progress.new_findings],
            "resolved": [_finding(f) for f in progress.resolved_findings],
            "persisting": progress.persisting_findings,
        },
    }


def _finding(f: Finding) -> dict:
    return {"finding_id": f.finding_id, **finding_to_dict(f)}


# ---------------------------------------------------------------- keys


@dataclass
class _Slot:
    """Everything one scan holds under one key."""

    channel: str
    identity: str
    keyed_by_sid: bool
    readiness: dict[str, str]  # FO sid -> readiness, from that scan's report
    flows: list[FlexFlow] = field(default_factory=list)
    addresses: list[AddressConfiguration] = field(default_factory=list)

    @property
    def enabled(self) -> list[FlexFlow]:
        return [f for f in self.flows if is_enabled(f)]

    @property
    def any(self) -> bool:
        return bool(self.flows or self.addresses)


def _slots(scan: Evaluated) -> dict[str, _Slot]:
    readiness = {a.flex_flow_sid: a.readiness for a in scan.report.addresses}
    slots: dict[str, _Slot] = {}
    for flow in scan.inventory.flex_flows:
        key, chan, identity, by_sid = _flow_key(flow)
        slots.setdefault(key, _Slot(chan, identity, by_sid, readiness)).flows.append(flow)
    for address in scan.inventory.address_configurations:
        key, chan, identity, by_sid = _address_key(address)
        slots.setdefault(key, _Slot(chan, identity, by_sid, readiness)).addresses.append(address)
    return slots


def _flow_key(flow: FlexFlow) -> tuple[str, str, str, bool]:
    """(key, channel type, normalized identity, keyed by its SID)."""
    return _key(channel(flow), text(flow.contact_identity), str(flow.sid), channel(flow) in _KEYED_BY_SID)


def _address_key(address: AddressConfiguration) -> tuple[str, str, str, bool]:
    kind = text(address.type).lower()
    return _key(_CHANNEL_OF_ADDRESS_TYPE.get(kind, kind), text(address.address), str(address.sid), False)


def _key(chan: str, identity: str, sid: str, by_sid: bool) -> tuple[str, str, str, bool]:
    if not by_sid:
        normalized = normalize_number(identity) if chan in NUMBER_CHANNELS else identity
        if normalized:
            return f"{chan}:{normalized}", chan, normalized, False
    return f"{chan or 'unknown'}:{sid}", chan, identity, True


# ---------------------------------------------------------------- classification


def _classify(b: _Slot | None, a: _Slot | None, keyed_by_sid: bool) -> str:
    b_enabled, a_enabled = bool(b and b.enabled), bool(a and a.enabled)
    b_address, a_address = bool(b and b.addresses), bool(a and a.addresses)
    a_any = bool(a and a.any)
    if b_enabled and not a_enabled:
        if a_address:
            return "migrated"
        if keyed_by_sid and not a_any:
            return "removed"
        return "lost"
    if b_address and not a_address and not a_enabled:
        return "lost"
    if (a_enabled or a_address) and not (b_enabled or b_address):
        return "added"
    if b is not None and b.any and not b_enabled and not b_address and not a_any:
        return "removed"
    if b_enabled and a_enabled and _readiness(b) != _readiness(a):
        return "changed"
    return "unchanged"


def _readiness(slot: _Slot | None) -> str | None:
    """The worst readiness of the slot's enabled flows (else, without a Conversations address, of its
    disabled ones); None without flows."""
    if slot is None:
        return None
    flows = slot.enabled or ([] if slot.addresses else slot.flows)
    found = [slot.readiness.get(str(f.sid)) for f in flows]
    ranked = [r for r in READINESS if r in found]
    return ranked[0] if ranked else None


def _side(slot: _Slot | None) -> Side:
    if slot is None:
        return Side()
    # a disabled flow (an outbound-only one) names the address only when nothing else does
    flows = sorted(slot.enabled or ([] if slot.addresses else slot.flows), key=lambda f: str(f.sid))
    addresses = sorted(slot.addresses, key=lambda x: str(x.sid))
    name = text(flows[0].friendly_name) if flows else (text(addresses[0].friendly_name) if addresses else "")
    return Side(
        flex_flow_sid=str(flows[0].sid) if flows else None,
        conversations_address_sid=str(addresses[0].sid) if addresses else None,
        readiness=_readiness(slot),
        name=name,
    )
