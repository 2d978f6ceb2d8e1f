"""The rule registry: every rule is metadata plus one short pure function.

A rule is declared with `@rule(...)` next to its logic; the metadata (id,
severity, title, rationale, remediation, docs link, the inventory families it
needs, the resource type its findings name, tags) is the single source for
the `flexaudit rules` output, the generated flexaudit/rules/CATALOG.md, the report's
title/remediation/docs_url and the coverage section.

A rule function takes the prepared `Context` and yields `Hit`s; the engine
turns them into `Finding`s with the rule's metadata, so a rule never spells
its own title or link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from flexaudit.model.findings import RESOURCE_TYPES, Severity
from flexaudit.model.inventory import FAMILIES

RULE_ID = re.compile(r"^FLX\d{3}$")

BLOCKS = {
    "1": "routing",
    "2": "studio",
    "3": "chat",
    "4": "migration",
    "9": "coverage",
}

BLOCK_TITLES = {
    "routing": "1xx: legacy routing (number, Flex Flow, handler)",
    "studio": "2xx: Studio (the flow behind an enabled studio integration)",
    "chat": "3xx: Programmable Chat end of life and legacy hygiene",
    "migration": "4xx: Flex Conversations migration readiness",
    "coverage": "9xx: the scan itself",
}


@dataclass(frozen=True)
class Hit:
    """What a rule reports about one resource; the engine adds the metadata."""

    resource_sid: str
    resource_name: str
    message: str
    severity: Severity | None = None  # None: the rule's default severity


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
    check: Callable[..., Iterable[Hit]] | None = field(default=None, compare=False, repr=False)

    @property
    def block(self) -> str:
        return BLOCKS[self.id[3]]

    def run(self, ctx) -> Iterator[Hit]:
        return iter(self.check(ctx) if self.check else ())


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    severity: Severity,
    title: str,
    rationale: str,
    remediation: str,
    docs_url: str,
    families: Iterable[str],
    resource_type: str,
    scope: str,
    tags: Iterable[str] = (),
    severity_note: str | None = None,
):
    """Register the decorated function as the check of rule `id`."""

    def decorate(func: Callable[..., Iterable[Hit]]):
        meta = Rule(
            id=id,
            severity=severity,
            title=title,
            rationale=" ".join(rationale.split()),
            remediation=" ".join(remediation.split()),
            docs_url=docs_url,
            families=tuple(families),
            resource_type=resource_type,
            scope=scope,
            tags=tuple(tags),
            severity_note=severity_note,
            check=func,
        )
        _validate(meta)
        existing = _REGISTRY.get(id)
        if existing is not None and existing.check is not func:
            if getattr(existing.check, "__qualname__", None) != func.__qualname__:
                raise ValueError(f"rule id {id} registered twice")
        _REGISTRY[id] = meta
        func.rule = meta
        return func

    return decorate


def _validate(meta: Rule) -> None:
    if not RULE_ID.match(meta.id) or meta.id[3] not in BLOCKS:
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


def rule_ids() -> frozenset[str]:
    _load()
    return frozenset(_REGISTRY)


def _load() -> None:
    # importing the block modules registers their rules
    from flexaudit.rules import chat, coverage, migration, routing, studio  # noqa: F401
