"""The Report: everything the renderers show, derived once from a scan's results.

`build_report` is the only place where findings are sorted, the summary is
counted and the end-of-life countdown is computed; renderers (one per format,
see `interface.py`) only read a `Report`. Nothing here looks at the clock:
the same inputs always give the same report, byte for byte, in every format.

`report_to_dict` is `flexaudit-report.json` (contract schema_version 1): key
names and order exactly as the contract gives them; `addresses[]` also carry
the AddressPlan extension fields after the contract's keys.

Addresses are in the order of the work (rules.md "Address readiness"): wave
1 (ready), 2 (needs-work), 3 (blocked); within a wave the idlest first (no
inbound message at all, then the oldest last inbound message), then by name
and sid. Account-wide blockers are not in any address: `account_blockers`
says them once, first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Iterator, Sequence

from flexaudit.model.findings import (
    SEVERITIES_DESC,
    AccountBlocker,
    AddressPlan,
    ConversationsAddressHealth,
    CoverageEntry,
    Finding,
    Severity,
    WaiverResult,
)
from flexaudit.model.inventory import FAMILIES, Inventory
from flexaudit.model.lifecycle import PROGRAMMABLE_CHAT_EOL, as_date, days_until
from flexaudit.safe_text import one_line

SCHEMA_VERSION = 1
TOOL_NAME = "flexaudit"

# Readiness values of `addresses[].readiness` in the order of the work: each one's wave.
READINESS = ("ready", "needs-work", "blocked")
READINESS_LABELS = {"blocked": "Blocked", "needs-work": "Needs work", "ready": "Ready"}
WAVE_OF = {r: i for i, r in enumerate(READINESS, start=1)}

# How the reports name a finding's resource_type in plural ("on 27 Flex Flows").
RESOURCE_PLURALS = {
    "flex_flow": "Flex Flows", "phone_number": "numbers", "studio_flow": "Studio flows",
    "proxy_service": "Proxy services", "messaging_service": "Messaging Services", "chat_service": "chat services",
    "flex_configuration": "Flex configurations", "conversations_address": "Conversations addresses",
    "account": "accounts", "serverless_function": "Serverless functions", "code_file": "code files",
}


def resource_plural(resource_type: str) -> str:
    return RESOURCE_PLURALS.get(resource_type, "resources")

WAIVER_STATUSES = ("active", "expired", "unused")

CODE_RESOURCE_TYPES = ("serverless_function", "code_file")


@dataclass(frozen=True)
class EolCountdown:
    """Days from the as-of date to a product's end of life."""

    product: str
    eol_date: date
    days: int  # > 0 before the date, 0 on it, < 0 after it

    @property
    def overdue(self) -> bool:
        """On or after the end-of-life day: the product is no longer supported."""
        return self.days <= 0

    @property
    def days_left(self) -> int:
        return max(self.days, 0)

    @property
    def days_overdue(self) -> int:
        return max(-self.days, 0)

    @property
    def phrase(self) -> str:
        """'173 days left', 'ends today', '1 day overdue'."""
        if self.days > 0:
            return f"{self.days} day{'s' if self.days != 1 else ''} left"
        if self.days == 0:
            return "ends today"
        n = -self.days
        return f"{n} day{'s' if n != 1 else ''} overdue"

    @property
    def sentence(self) -> str:
        if self.days > 0:
            return f"{self.product} reaches end of life on {self.eol_date.isoformat()}: {self.phrase}."
        if self.days == 0:
            return f"{self.product} reaches end of life today ({self.eol_date.isoformat()})."
        return f"{self.product} reached end of life on {self.eol_date.isoformat()}: {self.phrase}."

    @property
    def level(self) -> str:
        """The urgency as a severity label, by FLX301's thresholds."""
        if self.days <= 0:
            return "critical"
        if self.days <= 180:
            return "high"
        return "medium"


@dataclass(frozen=True)
class SeverityCount:
    severity: Severity
    count: int

    @property
    def label(self) -> str:
        return self.severity.label


@dataclass(frozen=True)
class Summary:
    """Unsuppressed findings per severity (most severe first) and the suppressed count."""

    counts: tuple[SeverityCount, ...]
    suppressed: int

    def count(self, severity: Severity) -> int:
        for c in self.counts:
            if c.severity == severity:
                return c.count
        return 0

    @property
    def open_total(self) -> int:
        return sum(c.count for c in self.counts)

    @property
    def worst(self) -> Severity | None:
        for c in self.counts:
            if c.count:
                return c.severity
        return None

    @property
    def max_count(self) -> int:
        return max([c.count for c in self.counts] + [0])

    def as_dict(self) -> dict[str, int]:
        d = {c.severity.label: c.count for c in self.counts}
        d["suppressed"] = self.suppressed
        return d


@dataclass(frozen=True)
class ReadinessCount:
    readiness: str
    count: int

    @property
    def label(self) -> str:
        return READINESS_LABELS.get(self.readiness, self.readiness)


@dataclass(frozen=True)
class FindingLine:
    """Findings of one rule whose messages differ only by the resource they name.

    `message` is their common text, with `…` where each names its resource: FLX301 on 27
    Flex Flows is one line and a list of 27 resources rather than 27 lines.
    """

    message: str
    findings: tuple[Finding, ...]

    @property
    def repeated(self) -> bool:
        return len(self.findings) > 1


# Where a message names its resource: the SID and the description in brackets after it,
# "Flex Flow FO… (sms, enabled) runs on …" (one level of nested brackets: "(Returns Flow (v2))").
def message_template(f: Finding) -> str:
    """`f.message` with the resource it names (its SID, else its name) replaced by `…`."""
    text, sid, name = f.message, f.resource_sid, (f.resource_name or "").strip()
    for token in (sid, name if len(name) >= 4 else ""):
        start = text.find(token) if token else -1
        if start < 0:
            continue
        end = start + len(token)
        if text.startswith(" (", end):
            depth = 0
            for k in range(end + 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                if depth == 0:
                    end = k + 1
                    break
        return text[:start] + "…" + text[end:].replace(token, "…")
    return text


def _lines(findings: tuple[Finding, ...]) -> tuple[FindingLine, ...]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(message_template(f), []).append(f)
    return tuple(FindingLine(message if len(fs) > 1 else fs[0].message, tuple(fs))
                 for message, fs in groups.items())


@dataclass(frozen=True)
class RuleGroup:
    """Findings of one rule (within one severity), for reports that group them."""

    rule_id: str
    severity: Severity
    title: str
    docs_url: str
    findings: tuple[Finding, ...]

    @property
    def common_remediation(self) -> str | None:
        """The remediation when every finding of the group shares it, else None."""
        texts = {f.remediation for f in self.findings}
        return texts.pop() if len(texts) == 1 else None

    @property
    def lines(self) -> tuple[FindingLine, ...]:
        """Its findings with those that repeat one text as one line, in the order of their first finding."""
        return _lines(self.findings)


@dataclass(frozen=True)
class SeverityGroup:
    severity: Severity
    rules: tuple[RuleGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(r.findings) for r in self.rules)


@dataclass(frozen=True)
class Report:
    schema_version: int
    tool_name: str
    tool_version: str
    account_sid: str
    account_friendly_name: str | None
    scanned_at: str
    as_of: date
    eol: EolCountdown
    summary: Summary
    findings: tuple[Finding, ...]  # contract order: severity desc, rule id, resource sid
    addresses: tuple[AddressPlan, ...]  # the order of the work: wave, idlest first, name, sid
    coverage: tuple[CoverageEntry, ...]  # inventory family order
    waivers: tuple[WaiverResult, ...]  # as listed in the suppressions file
    account_blockers: tuple[AccountBlocker, ...] = ()  # what the account must do before any address moves
    # --- derived views (computed once by build_report) ---
    readiness_counts: tuple[ReadinessCount, ...] = ()
    open_groups: tuple[SeverityGroup, ...] = ()  # unsuppressed findings grouped; empty severities left out
    suppressed_findings: tuple[Finding, ...] = ()
    findings_by_resource: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    # the Conversations addresses already taking messages: broken ones first
    conversations_addresses: tuple[ConversationsAddressHealth, ...] = ()

    @property
    def account_label(self) -> str:
        return self.account_friendly_name or self.account_sid

    @property
    def open_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.suppressed)

    @property
    def worst_severity(self) -> Severity | None:
        return self.summary.worst

    @property
    def coverage_gaps(self) -> tuple[CoverageEntry, ...]:
        return tuple(c for c in self.coverage if not c.complete)

    @property
    def coverage_notes(self) -> tuple[CoverageEntry, ...]:
        """Complete families that hold nothing on purpose (`code` without --code), with why."""
        return tuple(c for c in self.coverage if c.complete and c.note)

    @property
    def conversations_broken(self) -> tuple[ConversationsAddressHealth, ...]:
        return tuple(a for a in self.conversations_addresses if a.health == "broken")

    @property
    def code_findings(self) -> tuple[Finding, ...]:
        """Open findings on custom code (Functions, --code files) still on the legacy APIs."""
        return tuple(f for f in self.open_findings if f.resource_type in CODE_RESOURCE_TYPES)

    @property
    def scan_complete(self) -> bool:
        return not self.coverage_gaps

    @property
    def address_total(self) -> int:
        return len(self.addresses)

    @property
    def traffic_read(self) -> bool:
        """Whether the scan read the addresses' traffic (the messages family, complete, not skipped)."""
        return any(c.family == "messages" and c.complete and not c.note for c in self.coverage)

    def last_inbound_label(self, a: AddressPlan) -> str:
        """'2026-10-02 14:03' (UTC); 'none' when the traffic was read and nothing came in; '—' when unknown."""
        if a.last_inbound_at:
            return a.last_inbound_at.replace("T", " ")[:16]
        if self.traffic_read and a.phone_number_sid and a.enabled is not False:
            return "none"
        return "—"

    @property
    def first_wave(self) -> tuple[AddressPlan, ...]:
        """The addresses to move first: those of the lowest wave that has any, idlest first."""
        if not self.addresses:
            return ()
        wave = wave_of(self.addresses[0])
        return tuple(a for a in self.addresses if wave_of(a) == wave)

    @property
    def prerequisites_line(self) -> str | None:
        """'Account prerequisites: upgrade Flex UI to 2.x — blocks all 27 addresses', or None."""
        if not self.account_blockers:
            return None
        what = "; ".join(b.prerequisite for b in self.account_blockers)
        n = self.address_total
        reach = f"blocks all {n} addresses" if n > 1 else ("blocks the only address" if n == 1 else "blocks every address")
        return f"Account prerequisites: {what} — {reach}"

    def readiness_count(self, readiness: str) -> int:
        for rc in self.readiness_counts:
            if rc.readiness == readiness:
                return rc.count
        return 0

    @property
    def waivers_expired(self) -> tuple[WaiverResult, ...]:
        return tuple(w for w in self.waivers if w.status == "expired")

    def address_findings(self, address: AddressPlan) -> tuple[Finding, ...]:
        """Findings naming this address's Flex Flow, its mapped number or its Studio flow."""
        out: list[Finding] = []
        seen: set[int] = set()
        for sid in (address.flex_flow_sid, address.phone_number_sid, address.studio_flow_sid):
            for f in self.findings_by_resource.get(sid or "", ()):
                if id(f) not in seen:
                    seen.add(id(f))
                    out.append(f)
        out.sort(key=Finding.sort_key)
        return tuple(out)

    def address_worst_severity(self, address: AddressPlan) -> Severity | None:
        sevs = [f.severity for f in self.address_findings(address) if not f.suppressed]
        return max(sevs) if sevs else None


def _backtick_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of backticks. str.find skips the text between
    runs in C; a `+ regex steps through it character by character."""
    runs = []
    start = text.find("`")
    while start != -1:
        end = start + 1
        while end < len(text) and text[end] == "`":
            end += 1
        runs.append((start, end))
        start = text.find("`", end)
    return runs


def _code_spans(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, end, fence length) of each `command` in a step, left to right.

    As in Markdown, a run of backticks opens a command that the next run of
    the same length closes; a run that no later run closes stays text. (A
    regex with a lazy body and a back-reference does the same but tries every
    character as a possible close: several times slower on long steps.)
    """
    runs = _backtick_runs(text)
    i = 0
    while i < len(runs):
        start, open_end = runs[i]
        fence = open_end - start
        for j in range(i + 1, len(runs)):
            close_start, end = runs[j]
            if end - close_start == fence:
                yield start, end, fence
                i = j  # the next command can only open after this one closes
                break
        i += 1


def step_segments(step: object) -> list[tuple[str, str]]:
    """Split a migration step into ("text", …) and ("code", …) parts.

    Steps are plain text in which commands and API calls are written between
    backticks, as in Markdown (`twilio api:…`). Renderers show "code" parts as
    code (Markdown code spans, HTML <code>) and escape "text" parts; an
    unmatched backtick stays text. Either way every part is escaped for where
    it goes, so the split only affects looks, never safety.
    """
    text = one_line(step)
    out: list[tuple[str, str]] = []
    pos = 0
    for start, end, fence in _code_spans(text):
        if start > pos:
            out.append(("text", text[pos:start]))
        code = text[start + fence : end - fence]
        if code.strip():
            out.append(("code", code.strip() if code.startswith(" ") and code.endswith(" ") else code))
        else:
            out.append(("text", text[start:end]))
        pos = end
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def wave_of(a: AddressPlan) -> int:
    """Its wave: as readiness set it, else (a plan built by hand) the one its readiness means."""
    return a.wave or WAVE_OF.get(a.readiness, len(READINESS) + 1)


def work_order(a: AddressPlan) -> tuple:
    """The order of the work: wave; within it no inbound traffic first, then the oldest; then name, sid."""
    return (wave_of(a), a.last_inbound_at is not None, a.last_inbound_at or "", (a.friendly_name or "").casefold(),
            a.flex_flow_sid)


def _family_rank(family: str) -> tuple[int, str]:
    try:
        return (FAMILIES.index(family), family)
    except ValueError:
        return (len(FAMILIES), family)


def _group(findings: Iterable[Finding]) -> tuple[SeverityGroup, ...]:
    groups: list[SeverityGroup] = []
    by_sev: dict[Severity, list[Finding]] = {}
    for f in findings:
        by_sev.setdefault(f.severity, []).append(f)
    for sev in SEVERITIES_DESC:
        items = by_sev.get(sev)
        if not items:
            continue
        rules: dict[str, list[Finding]] = {}
        for f in items:  # already sorted by rule id, then sid
            rules.setdefault(f.rule_id, []).append(f)
        groups.append(
            SeverityGroup(
                severity=sev,
                rules=tuple(
                    RuleGroup(
                        rule_id=rid,
                        severity=sev,
                        title=fs[0].title,
                        docs_url=fs[0].docs_url,
                        findings=tuple(fs),
                    )
                    for rid, fs in rules.items()
                ),
            )
        )
    return tuple(groups)


def build_report(
    inventory: Inventory,
    findings: Sequence[Finding],
    addresses: Sequence[AddressPlan],
    coverage: Sequence[CoverageEntry],
    waivers: Sequence[WaiverResult],
    as_of: date | str,
    tool_version: str,
    conversations_addresses: Sequence[ConversationsAddressHealth] = (),
    account_blockers: Sequence[AccountBlocker] = (),
) -> Report:
    """Assemble the Report. Findings must already carry their `suppressed` flags."""
    as_of_d = as_date(as_of)
    sorted_findings = tuple(sorted(findings, key=Finding.sort_key))

    open_counts = Counter(f.severity for f in sorted_findings if not f.suppressed)
    summary = Summary(
        counts=tuple(SeverityCount(s, open_counts.get(s, 0)) for s in SEVERITIES_DESC),
        suppressed=sum(1 for f in sorted_findings if f.suppressed),
    )

    sorted_addresses = tuple(sorted(addresses, key=work_order))
    ready_counts = Counter(a.readiness for a in sorted_addresses)
    readiness_counts = tuple(ReadinessCount(r, ready_counts.get(r, 0)) for r in READINESS)

    by_resource: dict[str, list[Finding]] = {}
    for f in sorted_findings:
        by_resource.setdefault(f.resource_sid, []).append(f)

    account = inventory.account
    friendly = account.friendly_name if account is not None else None

    return Report(
        schema_version=SCHEMA_VERSION,
        tool_name=TOOL_NAME,
        tool_version=tool_version,
        account_sid=inventory.account_sid,
        account_friendly_name=friendly,
        scanned_at=inventory.scanned_at,
        as_of=as_of_d,
        eol=EolCountdown(
            product="Programmable Chat for Flex",
            eol_date=PROGRAMMABLE_CHAT_EOL,
            days=days_until(PROGRAMMABLE_CHAT_EOL, as_of_d),
        ),
        summary=summary,
        findings=sorted_findings,
        addresses=sorted_addresses,
        coverage=tuple(sorted(coverage, key=lambda c: _family_rank(c.family))),
        waivers=tuple(waivers),
        account_blockers=tuple(account_blockers),
        readiness_counts=readiness_counts,
        open_groups=_group(f for f in sorted_findings if not f.suppressed),
        suppressed_findings=tuple(f for f in sorted_findings if f.suppressed),
        findings_by_resource={k: tuple(v) for k, v in by_resource.items()},
        conversations_addresses=tuple(conversations_addresses),
    )


def _s(value: object) -> str:
    """A text field of the contract: always a string (unknown → empty)."""
    return "" if value is None else str(value)


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _strings(values) -> list[str]:
    return [str(v) for v in values]


# Each JSON object of the report: (key, how its value is read from the model object), in the
# contract's key order. Keys past the contract's come after its own (consumers may ignore them).
_FINDING = (
    ("finding_id", lambda f: f.finding_id), ("rule_id", lambda f: f.rule_id), ("severity", lambda f: f.severity.label), ("title", lambda f: _s(f.title)),
    ("resource_type", lambda f: f.resource_type), ("resource_sid", lambda f: _s(f.resource_sid)),
    ("resource_name", lambda f: _s(f.resource_name)), ("message", lambda f: _s(f.message)),
    ("remediation", lambda f: _s(f.remediation)), ("docs_url", lambda f: _s(f.docs_url)),
    ("suppressed", lambda f: bool(f.suppressed)),
)
_ADDRESS = (
    ("flex_flow_sid", lambda a: a.flex_flow_sid), ("friendly_name", lambda a: _s(a.friendly_name)),
    ("channel_type", lambda a: _s(a.channel_type)), ("contact_identity", lambda a: _s(a.contact_identity)),
    ("integration_type", lambda a: _s(a.integration_type)), ("readiness", lambda a: a.readiness),
    ("blockers", lambda a: _strings(a.blockers)), ("wave", wave_of),
    ("last_inbound_at", lambda a: _opt(a.last_inbound_at)), ("steps", lambda a: _strings(a.steps)),
    # extensions
    ("enabled", lambda a: a.enabled), ("phone_number_sid", lambda a: a.phone_number_sid),
    ("studio_flow_sid", lambda a: a.studio_flow_sid), ("finding_ids", lambda a: _strings(a.finding_ids)),
)
_CONVERSATIONS_ADDRESS = (
    ("sid", lambda a: a.sid), ("type", lambda a: _s(a.type)), ("address", lambda a: _s(a.address)),
    ("friendly_name", lambda a: _s(a.friendly_name)), ("integration", lambda a: a.integration),
    ("studio_flow_sid", lambda a: _opt(a.studio_flow_sid)), ("webhook_url", lambda a: _opt(a.webhook_url)),
    ("health", lambda a: a.health), ("finding_ids", lambda a: _strings(a.finding_ids)),
)
_COVERAGE = (
    ("family", lambda c: c.family), ("complete", lambda c: bool(c.complete)), ("error", lambda c: _opt(c.error)),
    ("skipped_rules", lambda c: _strings(c.skipped_rules)), ("note", lambda c: _opt(c.note)),
)
_WAIVER = (
    ("rule", lambda w: w.rule), ("resource", lambda w: _opt(w.resource)), ("reason", lambda w: _s(w.reason)),
    ("expires", lambda w: _opt(w.expires)), ("status", lambda w: w.status), ("matched", lambda w: int(w.matched)),
)


def _objects(items, keys) -> list[dict]:
    return [{key: read(item) for key, read in keys} for item in items]


def finding_to_dict(finding: Finding) -> dict:
    """One finding as `findings[]` of flexaudit-report.json holds it (and `flexaudit diff` repeats it)."""
    return {key: read(finding) for key, read in _FINDING}


def report_to_dict(report: Report) -> dict:
    """`flexaudit-report.json`, schema_version 1, keys in the contract's order."""
    return {
        "schema_version": report.schema_version,
        "tool": {"name": report.tool_name, "version": report.tool_version},
        "account": {"sid": report.account_sid, "friendly_name": _s(report.account_friendly_name)},
        "scanned_at": report.scanned_at,
        "as_of": report.as_of.isoformat(),
        "summary": report.summary.as_dict(),
        "account_blockers": [b.rule_id for b in report.account_blockers],
        "findings": _objects(report.findings, _FINDING),
        "addresses": _objects(report.addresses, _ADDRESS),
        "conversations_addresses": _objects(report.conversations_addresses, _CONVERSATIONS_ADDRESS),
        "coverage": _objects(report.coverage, _COVERAGE),
        "waivers": _objects(report.waivers, _WAIVER),
    }
