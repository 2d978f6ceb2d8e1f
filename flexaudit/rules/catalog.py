"""The rule catalog as Markdown and JSON, generated from the rule metadata.

`flexaudit rules` prints these; flexaudit/rules/CATALOG.md is `render_markdown()` written
to disk (a test checks it is current):

    python -m flexaudit.rules.catalog --write flexaudit/rules/CATALOG.md
    python -m flexaudit.rules.catalog --check flexaudit/rules/CATALOG.md
    python -m flexaudit.rules.catalog --write-readme README.md
    python -m flexaudit.rules.catalog --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flexaudit.rules.registry import BLOCK_TITLES, WORK, Rule, all_rules

CATALOG_SCHEMA_VERSION = 1

_TERMS = """\
## Terms
- *Legacy address*: a Flex Flow (flex-api v1 `/FlexFlows`).
- *Flex chat service*: the Flex configuration's `chat_service_instance_sid`.
- *Flex Proxy Service*: the Proxy service whose `chat_instance_sid` is the Flex
  chat service; failing that, the one with `unique_name` "Flex Proxy Service".
  If neither identifies exactly one, the rules that need it say so in their
  message and name the candidates.
- *Flex Proxy webhook*: `https://webhooks.twilio.com/v1/Accounts/{AC}/Proxy/{KS}/Webhooks/Message`
  for the audited account and the Flex Proxy Service (compared
  case-insensitively, trailing slash ignored).
- *Normalized number*: a `whatsapp:` prefix, spaces, dashes, dots and
  parentheses stripped, a missing leading `+` added.
- *Mapped number*: the IncomingPhoneNumber whose normalized number equals the
  normalized contact identity of an **enabled** `sms` or `whatsapp` Flex Flow.
- Routing rules (1xx, 2xx) concern enabled Flex Flows unless stated; a
  disabled flow only gets FLX106 and the 3xx/4xx items that still apply.
- A rule whose inventory families could not be read is skipped and listed in
  the report's coverage; FLX901 names the gap.
"""


def rule_to_dict(r: Rule) -> dict:
    return {
        "id": r.id,
        "severity": r.severity.label,
        "severity_note": r.severity_note,
        "title": r.title,
        "block": r.block,
        "resource_type": r.resource_type,
        "scope": r.scope,
        "rationale": r.rationale,
        "remediation": r.remediation,
        "docs_url": r.docs_url,
        "families": list(r.families),
        "tags": list(r.tags),
        "readiness": r.readiness,
        "account_wide": r.account_wide,
        "blocker_fix": r.blocker_fix,
        "prerequisite": r.prerequisite,
    }


def select_rules(ids=(), severity: str | None = None) -> list[Rule]:
    """The rules named (any case; every rule when none is) of that default severity (any when None).
    An id not in the catalog is a KeyError naming it."""
    rules = all_rules()
    wanted = [i.strip().upper() for i in ids]
    unknown = [i for i in wanted if i not in {r.id for r in rules}]
    if unknown:
        raise KeyError(unknown[0])
    return [r for r in rules if (not wanted or r.id in wanted) and (severity is None or r.severity.label == severity)]


def render_json(rules: list[Rule] | None = None) -> str:
    """The catalog (or those rules) as a JSON document (text, ending with a newline)."""
    rules = all_rules() if rules is None else rules
    doc = {"schema_version": CATALOG_SCHEMA_VERSION, "rules": [rule_to_dict(r) for r in rules]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _cell(value: str) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _severity(r: Rule) -> str:
    return f"{r.severity.label} (by date)" if r.severity_note else r.severity.label


def _readiness(r: Rule) -> str:
    if r.blocks_migration:
        return "blocks the migration" + (" of every address (account-wide)" if r.account_wide else " of the address it names")
    if r.readiness == WORK:
        return "work to do before the address moves (needs-work)"
    return "no effect"


def render_markdown(for_file: bool = True, rules: list[Rule] | None = None) -> str:
    """The catalog as Markdown: a summary table, then one section per rule.

    for_file adds the do-not-edit note that CATALOG.md carries; the terminal does without it.
    With `rules` (a selection), only those rules, without the terms.
    """
    if rules is not None:
        return _selection(rules)
    rules = all_rules()
    note = [
        "<!-- Generated from the rule metadata by `python -m flexaudit.rules.catalog --write flexaudit/rules/CATALOG.md`."
        " Do not edit by hand. -->",
        "",
    ] if for_file else []
    out = [
        "# flexaudit rule catalog",
        "",
        *note,
        "Rule ids are stable: suppressions, CI gates and tickets quote them. Severities are defaults;",
        "`flexaudit rules --format json` prints the same catalog as JSON.",
        "",
        _TERMS,
        "## Summary",
        "",
        "| id | severity | title | finding names | needs |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        out.append(_summary_row(r))
    out.append("")
    block = None
    for r in rules:
        if r.block != block:
            block = r.block
            out += [f"## {BLOCK_TITLES[block]}", ""]
        out += _rule_section(r)
    return "\n".join(out).rstrip("\n") + "\n"


def _summary_row(r: Rule) -> str:
    needs = ", ".join(f"`{f}`" for f in r.families) or "-"
    return f"| [{r.id}](#{r.id.lower()}) | {_severity(r)} | {_cell(r.title)} | `{r.resource_type}` ({_cell(r.scope)}) | {needs} |"


def _selection(rules: list[Rule]) -> str:
    if not rules:
        return "No rule matches.\n"
    out = []
    if len(rules) > 1:
        out += ["| id | severity | title | finding names | needs |", "|---|---|---|---|---|"]
        out += [_summary_row(r) for r in rules] + [""]
    for r in rules:
        out += _rule_section(r)
    return "\n".join(out).rstrip("\n") + "\n"


def _rule_section(r: Rule) -> list[str]:
    lines = [
        f"### {r.id}",
        "",
        f"**{r.title}**",
        "",
        f"- Severity: {r.severity.label}" + (f" ({r.severity_note})" if r.severity_note else ""),
        f"- Finding names: `{r.resource_type}` ({r.scope})",
        f"- Needs: {', '.join(f'`{f}`' for f in r.families) or 'nothing (always runs)'}",
        f"- Tags: {', '.join(r.tags) or '-'}",
        f"- Address readiness: {_readiness(r)}",
        f"- Docs: <{r.docs_url}>",
        "",
        f"Why: {r.rationale}",
        "",
        f"Fix: {r.remediation}",
        "",
    ]
    return lines


README_START = "<!-- rules:start -->"
README_END = "<!-- rules:end -->"


def render_readme_table() -> str:
    """The short table the README carries between its rules markers."""
    lines = ["| id | severity | what it finds |", "|---|---|---|"]
    lines += [f"| {r.id} | {_severity(r)} | {_cell(r.title)} |" for r in all_rules()]
    return "\n".join(lines) + "\n"


def with_readme_table(readme: str) -> str:
    """README text with the generated table between the markers (which must both be there)."""
    head, start, rest = readme.partition(README_START)
    _, end, tail = rest.partition(README_END)
    if not start or not end:
        raise ValueError(f"README has no {README_START} … {README_END} section")
    return f"{head}{README_START}\n{render_readme_table()}{README_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flexaudit.rules.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=("md", "json"), default="md")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="PATH", help="write the catalog to PATH")
    group.add_argument("--check", metavar="PATH", help="exit 1 if PATH is not the current catalog")
    group.add_argument("--write-readme", metavar="README", help="refresh the rules table in README")
    args = parser.parse_args(argv)
    if args.write_readme:
        path = Path(args.write_readme)
        path.write_text(with_readme_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    content = render_json() if args.format == "json" else render_markdown()
    if args.write:
        Path(args.write).write_text(content, encoding="utf-8")
        return 0
    if args.check:
        path = Path(args.check)
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != content:
            print(f"{path} is out of date: run python -m flexaudit.rules.catalog --write {path}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
