"""Waivers: the `--suppressions` file (TOML or JSON) and how it applies to findings.

```toml
[[suppress]]
rule = "FLX106"
resource = "FO0123…"        # optional: every resource if absent
reason = "kept disabled for the holiday campaign"
expires = "2027-01-15"      # optional; after that day the waiver is ignored and reported expired
```
JSON: `{"suppress": [{"rule": …, "resource": …, "reason": …, "expires": …}]}`.

A waiver may name one finding by its id instead: `finding = "FLX101:PN…"` (the
`finding_id` of the JSON report, CSV and HTML), the same as `rule = "FLX101"`
with `resource = "PN…"`; an entry gives one form or the other.

A waiver is valid on its `expires` day and expired from the next day on.
Loading is strict: an unknown rule id, a missing reason, a bad date, an
unknown key (a typo such as `expiry` would otherwise silently waive forever)
is a `SuppressionsError` whose one-line message names the file, the entry and
the problem; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from flexaudit.bounds import InputFileError, nesting_exceeds, parse_json, read_limited
from flexaudit.model.findings import RULE_ID, Finding, WaiverResult
from flexaudit.model.lifecycle import as_date
from flexaudit.safe_text import one_line, shown

ENTRY_KEYS = ("finding", "rule", "resource", "reason", "expires")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A waivers file is a list of small tables: [[suppress]] entries nest 3 deep.
MAX_BYTES = 16 << 20
MAX_DEPTH = 8


class SuppressionsError(Exception):
    """The suppressions file cannot be used; str() is a one-line message for the user."""


@dataclass(frozen=True)
class Waiver:
    rule: str
    resource: str | None
    reason: str
    expires: date | None
    index: int = 0  # 1-based position in the file, for messages

    def expired(self, as_of: date) -> bool:
        return self.expires is not None and as_of > self.expires

    def matches(self, finding: Finding) -> bool:
        if finding.rule_id.upper() != self.rule:
            return False
        return self.resource is None or finding.resource_sid.casefold() == self.resource.casefold()


def _known_rule_ids() -> set[str] | None:
    """Rule ids from the rule registry, or None while it is not available."""
    try:
        from flexaudit.rules import all_rules  # type: ignore[attr-defined]
    except ImportError:
        return None
    ids: set[str] = set()
    for rule in all_rules():
        rid = rule if isinstance(rule, str) else getattr(rule, "id", None) or getattr(rule, "rule_id", None)
        if isinstance(rid, str):
            ids.add(rid.upper())
    return ids or None


def _parse(path: Path, text: str) -> object:
    """TOML or JSON: by extension (.toml/.json), else by content ('{' starts JSON)."""
    try:
        doc = _parse_text(path, text)
    except RecursionError:
        raise SuppressionsError(f"{path}: nested deeper than {MAX_DEPTH} levels; a waivers file is a list of "
                                "[[suppress]] tables") from None
    if nesting_exceeds(doc, MAX_DEPTH):
        raise SuppressionsError(f"{path}: nested deeper than {MAX_DEPTH} levels; a waivers file is a list of "
                                "[[suppress]] tables")
    return doc


def _parse_text(path: Path, text: str) -> object:
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix != ".toml" and text.lstrip().startswith("{")):
        return _json(path, text)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        if suffix != ".toml" and text.lstrip().startswith("["):
            try:  # a JSON array in a file without extension: report it as JSON
                return json.loads(text)
            except ValueError:
                pass
        raise SuppressionsError(f"{path}: not valid TOML: {e}") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise SuppressionsError(f"{path}: holds a number too long to read") from None


def _json(path: Path, text: str) -> object:
    try:
        return parse_json(text, MAX_DEPTH)
    except InputFileError as exc:
        raise SuppressionsError(f"{path}: {exc}") from None


def _entry(path: Path, n: int, raw: object, known: set[str] | None) -> Waiver:
    where = f"{path}: suppress entry {n}"
    if not isinstance(raw, dict):
        raise SuppressionsError(f"{where}: must be a table/object with rule, reason and optional resource, expires")
    unknown = sorted(str(k) for k in raw if k not in ENTRY_KEYS)
    if "finding" in raw and not unknown:
        raw = _finding_entry(where, raw)
    rule = raw.get("rule")
    if isinstance(rule, str) and rule.strip():
        where = f"{where} (rule {one_line(rule.strip())[:20]})"
    if unknown:
        raise SuppressionsError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(repr(k) for k in unknown)} "
            f"(allowed: {', '.join(ENTRY_KEYS)})"
        )

    if rule is None:
        raise SuppressionsError(f"{where}: missing 'rule' (a rule id such as FLX106)")
    if not isinstance(rule, str) or not RULE_ID.match(rule.strip().upper()):
        raise SuppressionsError(f"{where}: 'rule' must be a rule id such as FLX106, got {shown(rule)}")
    rule = rule.strip().upper()
    if known is not None and rule not in known:
        raise SuppressionsError(f"{where}: unknown rule id {rule} (see `flexaudit rules`)")

    reason = raw.get("reason")
    if reason is None:
        raise SuppressionsError(f"{where}: missing 'reason' (say why the finding is accepted)")
    if not isinstance(reason, str) or not reason.strip():
        raise SuppressionsError(f"{where}: 'reason' must be a non-empty string")

    resource = raw.get("resource")
    if resource is not None:
        if not isinstance(resource, str) or not resource.strip():
            raise SuppressionsError(
                f"{where}: 'resource' must be a resource SID (omit it to waive the rule for every resource)"
            )
        resource = resource.strip()

    expires = raw.get("expires")
    if expires is not None:
        if isinstance(expires, date) and not hasattr(expires, "hour"):  # TOML local date: expires = 2027-01-15
            pass
        elif isinstance(expires, str) and _DATE.match(expires.strip()):
            try:
                expires = date.fromisoformat(expires.strip())
            except ValueError:
                raise SuppressionsError(f"{where}: 'expires' is not a valid date: {shown(expires)}") from None
        else:
            raise SuppressionsError(f"{where}: 'expires' must be a date YYYY-MM-DD, got {shown(expires)}")

    return Waiver(rule=rule, resource=resource, reason=reason.strip(), expires=expires, index=n)


def _finding_entry(where: str, raw: dict) -> dict:
    """`finding = "FLX101:PN…"` read as its rule and resource (then checked like any entry)."""
    if "rule" in raw or "resource" in raw:
        raise SuppressionsError(f"{where}: give either 'finding' or 'rule' with an optional 'resource', not both")
    finding = raw["finding"]
    rule, _, resource = finding.strip().partition(":") if isinstance(finding, str) else ("", "", "")
    if not RULE_ID.match(rule.upper()) or not resource.strip():
        raise SuppressionsError(f"{where}: 'finding' must be a finding id such as FLX101:PN0123…, got {finding!r}")
    rest = {k: v for k, v in raw.items() if k != "finding"}
    return {**rest, "rule": rule, "resource": resource.strip()}


def load_waivers(path: str | Path, known_rule_ids: set[str] | None = None) -> list[Waiver]:
    """Read and validate a suppressions file (TOML, or JSON by extension or content).

    Rule ids are checked against `known_rule_ids` when given, else against
    `flexaudit.rules.all_rules()` when that exists, else only for their form.
    """
    path = Path(path)
    try:
        data = read_limited(path, MAX_BYTES)
    except InputFileError as e:
        reason = str(e)
        if reason == "no such file":
            raise SuppressionsError(f"{path}: suppressions file not found") from None
        raise SuppressionsError(f"{path}: suppressions file {reason}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SuppressionsError(f"{path}: not UTF-8 text (byte {e.start})") from None

    doc = _parse(path, text)
    if not isinstance(doc, dict):
        raise SuppressionsError(f"{path}: the top level must be a table/object with a 'suppress' list")
    extra = sorted(str(k) for k in doc if k != "suppress")
    if extra:
        raise SuppressionsError(
            f"{path}: unknown top-level key{'s' if len(extra) > 1 else ''} {', '.join(repr(k) for k in extra)} "
            "(expected only 'suppress': [[suppress]] in TOML, {\"suppress\": [...]} in JSON)"
        )
    entries = doc.get("suppress", [])
    if not isinstance(entries, list):
        raise SuppressionsError(
            f"{path}: 'suppress' must be a list ([[suppress]] tables in TOML, an array in JSON)"
        )

    known = {r.upper() for r in known_rule_ids} if known_rule_ids is not None else _known_rule_ids()
    return [_entry(path, n, raw, known) for n, raw in enumerate(entries, start=1)]


def apply_waivers(
    findings: Iterable[Finding], waivers: Sequence[Waiver], as_of: date | str
) -> tuple[list[Finding], list[WaiverResult]]:
    """Mark findings matched by an unexpired waiver as suppressed; report every waiver's status.

    Returns new Finding objects (the inputs are not modified), in the same
    order, and one WaiverResult per waiver in file order: `expired` (as_of is
    after `expires`: suppresses nothing, matched 0), `active` (matched at least
    one finding) or `unused` (matched none).
    """
    day = as_date(as_of)
    live = [i for i, w in enumerate(waivers) if not w.expired(day)]
    matched = [0] * len(waivers)
    out: list[Finding] = []
    for f in findings:
        hit = False
        for i in live:
            if waivers[i].matches(f):
                matched[i] += 1
                hit = True
        out.append(replace(f, suppressed=f.suppressed or hit))
    results = []
    for i, w in enumerate(waivers):
        if w.expired(day):
            status, count = "expired", 0
        else:
            count = matched[i]
            status = "active" if count else "unused"
        results.append(
            WaiverResult(
                rule=w.rule,
                resource=w.resource,
                reason=w.reason,
                expires=w.expires.isoformat() if w.expires else None,
                status=status,
                matched=count,
            )
        )
    return out, results
