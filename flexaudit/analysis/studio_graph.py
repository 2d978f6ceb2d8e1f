"""Studio flow definitions: defensive parsing and trigger reachability.

The inventory keeps a Studio flow's `definition` verbatim: normally a dict,
but it may be a JSON string, a non-JSON string, None, a list, a dict without
`states`, states that are not objects, transitions to widgets that do not
exist, unknown widget types, cycles, duplicate names or no trigger at all.
`parse_definition` never raises: it keeps whatever part of the graph it can
read and lists what is wrong in `problems` (FLX205 reports them).

Reachability (FLX203, FLX206, FLX405): start at every `trigger` widget's
transition for the event (`incomingMessage`, `incomingConversationMessage`,
...), follow its `next`, then the `next` of every transition of every widget
reached. Cycles are fine; an absent event, or one without `next`, reaches
nothing. A name shared by several widgets (a broken definition) reaches all
of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from flexaudit.bounds import NESTING_LIMIT, TOO_DEEP

TRIGGER = "trigger"
SEND_TO_FLEX = "send-to-flex"
INCOMING_MESSAGE = "incomingMessage"
INCOMING_CONVERSATION_MESSAGE = "incomingConversationMessage"
INCOMING_CALL = "incomingCall"
INCOMING_REQUEST = "incomingRequest"
INCOMING_PARENT = "incomingParent"

# placeholders that make a widget property value impossible to judge statically
PLACEHOLDER_MARKERS = ("{{", "${")

# FLX207: Programmable Chat's trigger variables, read inside a Liquid tag
_LIQUID_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_CHAT_TRIGGER_VARIABLE = re.compile(r"trigger\.message\.([A-Za-z0-9_]*)")
# Studio fills these with {{trigger.message.InstanceSid}} / {{trigger.message.ChannelSid}} by
# default, and Twilio's own Conversations flows keep them: the reply goes to the conversation.
REPLY_WIDGETS = frozenset({"send-message", "send-and-wait-for-reply"})
REPLY_TARGET_PROPERTIES = frozenset({"service", "channel"})


@dataclass(frozen=True)
class Transition:
    event: str | None
    next: str | None  # None: unconnected


@dataclass(frozen=True)
class Widget:
    name: str
    type: str  # lower-cased; "" when absent
    transitions: tuple[Transition, ...] = ()
    properties: dict = field(default_factory=dict, hash=False, compare=False)

    def prop(self, key: str) -> object:
        return self.properties.get(key)


@dataclass
class StudioDefinition:
    """What could be read of one definition."""

    widgets: list[Widget] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _by_name: dict[str, list[Widget]] = field(default_factory=dict, repr=False)
    _reach_cache: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def usable(self) -> bool:
        """At least one widget could be read: the graph questions make sense."""
        return bool(self.widgets)

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    def by_name(self, name: str) -> list[Widget]:
        return self._by_name.get(name, [])

    @property
    def triggers(self) -> list[Widget]:
        return [w for w in self.widgets if w.type == TRIGGER]

    @property
    def send_to_flex(self) -> list[Widget]:
        return [w for w in self.widgets if w.type == SEND_TO_FLEX]

    def reachable_from(self, event: str) -> frozenset[str]:
        """Names of the widgets reachable from the triggers' `event` transition."""
        cached = self._reach_cache.get(event)
        if cached is not None:
            return cached
        start = [t.next for w in self.triggers for t in w.transitions if t.event == event and t.next]
        seen: set[str] = set()
        stack = [name for name in start if name in self._by_name]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for widget in self._by_name[name]:
                stack.extend(t.next for t in widget.transitions if t.next and t.next in self._by_name and t.next not in seen)
        result = frozenset(seen)
        self._reach_cache[event] = result
        return result

    def reachable_send_to_flex(self, event: str) -> list[Widget]:
        names = self.reachable_from(event)
        return [w for w in self.send_to_flex if w.name in names]


def chat_trigger_variables(widget: Widget) -> list[str]:
    """The `trigger.message.…` variables the widget reads inside Liquid tags, in any string of its
    properties (nested ones included), sorted; the default reply targets of the reply widgets excepted."""
    found: set[str] = set()
    exempt = REPLY_TARGET_PROPERTIES if widget.type in REPLY_WIDGETS else frozenset()
    stack: list[object] = [v for k, v in widget.properties.items() if k not in exempt]
    while stack:  # iterative: a hostile definition may nest deeper than the recursion limit
        value = stack.pop()
        if isinstance(value, str):
            if "trigger.message." in value:
                for tag in _LIQUID_TAG.findall(value):
                    found.update(f"trigger.message.{name}" for name in _CHAT_TRIGGER_VARIABLE.findall(tag))
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return sorted(found)


def is_placeholder(value: object) -> bool:
    """A Liquid (`{{ }}`) or template (`${ }`) value: not judged."""
    return isinstance(value, str) and any(marker in value for marker in PLACEHOLDER_MARKERS)


def parse_definition(raw: object) -> StudioDefinition:
    """Parse a definition as the inventory holds it. Never raises."""
    result = StudioDefinition()
    data = _decode(raw, result.problems)
    if data is None:
        return result
    states = data.get("states")
    if "states" not in data:
        result.problems.append("the definition has no 'states'")
        return result
    if not isinstance(states, list):
        result.problems.append(f"'states' is {_kind(states)}, not a list")
        return result
    if not states:
        result.problems.append("'states' is empty")
        return result
    for index, state in enumerate(states):
        widget = _widget(index, state, result.problems)
        if widget is not None:
            result.widgets.append(widget)
    for widget in result.widgets:
        result._by_name.setdefault(widget.name, []).append(widget)
    _check_graph(result)
    return result


def _decode(raw: object, problems: list[str]) -> dict | None:
    if raw is None:
        problems.append("the definition is missing")
        return None
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append("the definition is not text")
            return None
    if raw == TOO_DEEP:  # what the scan keeps of a definition nested past its bound
        problems.append(f"the definition nests deeper than {NESTING_LIMIT} levels (flexaudit did not keep it)")
        return None
    if isinstance(raw, str):
        if not raw.strip():
            problems.append("the definition is empty")
            return None
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            problems.append("the definition is not valid JSON")
            return None
    if not isinstance(raw, dict):
        problems.append(f"the definition is {_kind(raw)}, not an object")
        return None
    return raw


def _widget(index: int, state: object, problems: list[str]) -> Widget | None:
    if not isinstance(state, dict):
        problems.append(f"state #{index + 1} is {_kind(state)}, not an object")
        return None
    name = state.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"state #{index + 1} has no name")
        return None
    wtype = state.get("type")
    if not isinstance(wtype, str) or not wtype.strip():
        problems.append(f"widget {name!r} has no type")
        wtype = ""
    properties = state.get("properties")
    return Widget(
        name=name,
        type=wtype.strip().lower(),
        transitions=_transitions(name, state.get("transitions"), problems),
        properties=properties if isinstance(properties, dict) else {},
    )


def _transitions(name: str, raw: object, problems: list[str]) -> tuple[Transition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"widget {name!r} has transitions that are {_kind(raw)}, not a list")
        return ()
    out = []
    for item in raw:
        if not isinstance(item, dict):
            problems.append(f"widget {name!r} has a transition that is {_kind(item)}, not an object")
            continue
        event = item.get("event")
        nxt = item.get("next")
        if nxt is not None and not isinstance(nxt, str):
            problems.append(f"widget {name!r} has a transition whose 'next' is {_kind(nxt)}")
            nxt = None
        out.append(Transition(event=event if isinstance(event, str) else None, next=nxt or None))
    return tuple(out)


def _check_graph(result: StudioDefinition) -> None:
    for name, widgets in result._by_name.items():
        if len(widgets) > 1:
            result.problems.append(f"{len(widgets)} widgets are named {name!r}")
    for widget in result.widgets:
        for t in widget.transitions:
            if t.next and t.next not in result._by_name:
                result.problems.append(
                    f"widget {widget.name!r} transition {t.event or '?'!s} goes to {t.next!r}, which does not exist"
                )
    if result.widgets and not result.triggers:
        result.problems.append("there is no trigger widget")


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        str: "a string",
        list: "a list",
        dict: "an object",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
