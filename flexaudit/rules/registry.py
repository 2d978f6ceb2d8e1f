"""The rule registry: every rule is metadata plus one short pure function.

A rule is a short function declared with `@rule("FLX101", families=...)`
(the inventory families it reads); the rest of its metadata (severity, title,
rationale, remediation, docs link, the resource type its findings name, tags,
and what it means for an address's readiness) is data in the TOML file beside
its module. Together they are the single source for the `flexaudit rules`
output, the generated flexaudit/rules/CATALOG.md, the report's
title/remediation/docs_url, the coverage section and readiness.py.

A rule function takes the prepared `Context` and yields `Hit`s; the engine
turns them into `Finding`s with the rule's metadata, so a rule never spells
its own title or link.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Callable, Iterable, Iterator

from flexaudit.analysis.index import address_name, display_name, flow_name, number_name
from flexaudit.model.findings import RESOURCE_TYPES, RULE_ID, Severity
from flexaudit.model.inventory import FAMILIES, AddressConfiguration, FlexFlow, PhoneNumber

BLOCK_NAMES = {
    "1": "routing",
    "2": "studio",
    "3": "chat",
    "4": "migration",
    "5": "conversations",
    "6": "code",
    "9": "coverage",
}

BLOCK_TITLES = {
    "routing": "1xx: legacy routing (number, Flex Flow, handler)",
    "studio": "2xx: Studio (the flow behind an enabled studio integration)",
    "chat": "3xx: Programmable Chat end of life and legacy hygiene",
    "migration": "4xx: Flex Conversations migration readiness",
    "conversations": "5xx: Flex Conversations health (the addresses already migrated)",
    "code": "6xx: custom code still on the legacy APIs",
    "coverage": "9xx: the scan itself",
}


@dataclass(frozen=True)
class Hit:
    """What a rule reports about one resource; the engine adds the metadata."""

    resource_sid: str
    resource_name: str
    message: str
    severity: Severity | None = None  # None: the rule's default severity


def on_flow(flow: FlexFlow, message: str, severity: Severity | None = None) -> Hit:
    return Hit(str(flow.sid), flow_name(flow), message, severity)


def on_number(number: PhoneNumber, message: str) -> Hit:
    return Hit(str(number.sid), number_name(number), message)


def on_address(address: AddressConfiguration, message: str) -> Hit:
    """A finding on a Conversations address configuration, named by its friendly name, else its address."""
    return Hit(str(address.sid), address_name(address), message)


def on_resource(resource, message: str) -> Hit:
    """A finding on a Studio flow, a chat service … named by its friendly name."""
    return Hit(str(resource.sid), display_name(resource), message)


# What a rule's finding on an address (its Flex Flow, its number or its Studio
# flow) means for the address's readiness (rules.md "Address readiness").
BLOCKS = "blocks"  # the address cannot move until it is fixed
WORK = "work"  # work to do before the move
READINESS_EFFECTS = (BLOCKS, WORK, None)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    docs_url: str
    families: tuple[str, ...]
    resource_type: str
    scope: str  # which resource a finding names, as rules.md says it ("per mapped number")
    tags: tuple[str, ...] = ()
    severity_note: str | None = None  # when the severity is not fixed (FLX301: by date)
    readiness: str | None = None  # BLOCKS, WORK or None (no effect on readiness)
    account_wide: bool = False  # one finding for the whole account, alike for every address
    # A blocker's first step in an address's plan: a str.format template over the
    # values readiness.py offers ({flex_flow}, {studio_flow}, {account} …).
    blocker_fix: str | None = None
    # An account-wide blocker's short imperative for the reports' first line
    # ("upgrade Flex UI to 2.x"): the account's prerequisite before any address moves.
    prerequisite: str | None = None
    check: Callable[..., Iterable[Hit]] | None = field(default=None, compare=False, repr=False)

    @property
    def block(self) -> str:
        return BLOCK_NAMES[self.id[3]]

    @property
    def blocks_migration(self) -> bool:
        return self.readiness == BLOCKS

    def run(self, ctx) -> Iterator[Hit]:
        return iter(self.check(ctx) if self.check else ())


_REGISTRY: dict[str, Rule] = {}


def rule(id: str, *, families: Iterable[str]):
    """Register the decorated function as the check of rule `id`, which reads `families`.

    Everything else about the rule (severity, title, rationale …) is data: the
    `[id]` table of the TOML file beside the function's module (routing.py's
    rules in routing.toml).
    """

    def decorate(func: Callable[..., Iterable[Hit]]):
        module = func.__module__.rsplit(".", 1)[-1]
        data = dict(_metadata(module).get(id) or {})
        if not data:
            raise ValueError(f"rule {id} has no [{id}] table in {module}.toml")
        try:
            meta = Rule(
                id=id,
                severity=Severity.parse(data.pop("severity")),
                title=data.pop("title"),
                rationale=_folded(data.pop("rationale")),
                remediation=_folded(data.pop("remediation")),
                docs_url=data.pop("docs_url"),
                families=tuple(families),
                resource_type=data.pop("resource_type"),
                scope=data.pop("scope"),
                tags=tuple(data.pop("tags", ())),
                severity_note=data.pop("severity_note", None),
                readiness=data.pop("readiness", None),
                account_wide=data.pop("account_wide", False),
                blocker_fix=_folded(data.pop("blocker_fix", None)),
                prerequisite=_folded(data.pop("prerequisite", None)),
                check=func,
            )
        except KeyError as exc:
            raise ValueError(f"{module}.toml [{id}] lacks {exc}") from None
        if data:
            raise ValueError(f"{module}.toml [{id}] has unknown keys {sorted(data)}")
        _validate(meta)
        existing = _REGISTRY.get(id)
        if existing is not None and existing.check is not func:
            if getattr(existing.check, "__qualname__", None) != func.__qualname__:
                raise ValueError(f"rule id {id} registered twice")
        _REGISTRY[id] = meta
        func.rule = meta
        return func

    return decorate


@functools.cache
def _metadata(module: str) -> dict:
    return tomllib.loads(resources.files("flexaudit.rules").joinpath(f"{module}.toml").read_text(encoding="utf-8"))


def _folded(text: str | None) -> str | None:
    """Long texts are wrapped in the TOML files: line breaks and runs of spaces read as one space."""
    return " ".join(text.split()) if text else None


def _validate(meta: Rule) -> None:
    if not RULE_ID.match(meta.id) or meta.id[3] not in BLOCK_NAMES:
        raise ValueError(f"bad rule id {meta.id!r}")
    unknown = set(meta.families) - set(FAMILIES)
    if unknown:
        raise ValueError(f"{meta.id}: unknown families {sorted(unknown)}")
    if meta.resource_type not in RESOURCE_TYPES:
        raise ValueError(f"{meta.id}: unknown resource type {meta.resource_type!r}")
    if not meta.docs_url.startswith("https://www.twilio.com/docs/"):
        raise ValueError(f"{meta.id}: docs_url must be a twilio.com docs page")
    for name in ("title", "rationale", "remediation", "scope"):
        if not getattr(meta, name).strip():
            raise ValueError(f"{meta.id}: empty {name}")
    if meta.readiness not in READINESS_EFFECTS:
        raise ValueError(f"{meta.id}: readiness must be one of {READINESS_EFFECTS}")
    if (meta.readiness == BLOCKS) != (meta.blocker_fix is not None):
        raise ValueError(f"{meta.id}: a rule that blocks migration, and only such a rule, has a blocker_fix")
    if (meta.readiness == BLOCKS and meta.account_wide) != (meta.prerequisite is not None):
        raise ValueError(f"{meta.id}: an account-wide blocker, and only such a rule, has a prerequisite")


def all_rules() -> list[Rule]:
    """Every registered rule, by id."""
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_rule(rule_id: str) -> Rule:
    """The rule with that id; KeyError for an id not in the catalog."""
    _load()
    try:
        return _REGISTRY[rule_id]
    except KeyError:
        raise KeyError(f"unknown rule id {rule_id!r}") from None


def account_blockers(findings) -> list[str]:
    """The rule ids of the findings that block the migration of every address alike (FLX401)."""
    _load()
    return sorted({f.rule_id for f in findings if (r := _REGISTRY.get(f.rule_id)) and r.account_wide
                   and r.blocks_migration})


def rule_ids() -> frozenset[str]:
    _load()
    return frozenset(_REGISTRY)


def _load() -> None:
    # importing the block modules registers their rules
    from flexaudit.rules import chat, code, conversations, coverage, migration, routing, studio  # noqa: F401
