"""The rule catalog and its engine.

    from flexaudit.rules import evaluate, all_rules, get_rule, Evaluation
    from flexaudit.rules.catalog import render_markdown, render_json

Each rule lives next to its metadata in one module per catalog block
(routing 1xx, studio 2xx, chat 3xx, migration 4xx, conversations 5xx, code 6xx,
coverage 9xx); the registry
collects them, the engine runs them over a prepared Context.
"""

from flexaudit.rules.engine import Evaluation, evaluate
from flexaudit.rules.registry import Hit, Rule, account_blockers, all_rules, get_rule, rule_ids

# register every rule at import time
from flexaudit.rules import chat, code, conversations, coverage, migration, routing, studio  # noqa: E402,F401  isort: skip

__all__ = ["Evaluation", "Hit", "Rule", "account_blockers", "all_rules", "evaluate", "get_rule", "rule_ids"]
