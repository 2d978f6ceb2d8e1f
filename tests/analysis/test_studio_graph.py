"""Studio definition parsing and reachability (flexaudit/analysis/studio_graph.py)."""

import json

import pytest

from flexaudit.analysis.studio_graph import (
    INCOMING_CONVERSATION_MESSAGE,
    INCOMING_MESSAGE,
    is_placeholder,
    parse_definition,
)
from tests.support.studio import studio_example


def load(name):
    return studio_example(name.removesuffix(".json"))


def names(widgets):
    return sorted(w.name for w in widgets)


# ---------------------------------------------------------------- real examples


@pytest.mark.parametrize("name", ["fpt_messaging-flow.json", "fpt_chat-flow.json"])
def test_flex_project_template_flows_route_both_triggers(name):
    graph = parse_definition(load(name))
    assert graph.problems == []
    assert names(graph.send_to_flex) == ["SendConversationToAgent", "SendMessageToAgent"]
    assert names(graph.reachable_send_to_flex(INCOMING_MESSAGE)) == ["SendMessageToAgent"]
    assert names(graph.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE)) == ["SendConversationToAgent"]


def test_lex_poc_reaches_send_to_flex_through_a_bot_loop_but_not_from_conversations():
    graph = parse_definition(load("tps-lex-poc_studio-flow.json"))
    assert graph.problems == []
    reached = graph.reachable_from(INCOMING_MESSAGE)
    # the bot loop: CheckIntent -> SendBotReplyAndWait -> SetCustomerReplyMessage -> SendMessageToLex -> CheckIntent
    assert {"CheckIntent", "SendBotReplyAndWait", "SetCustomerReplyMessage", "SendMessageToLex"} <= reached
    assert names(graph.reachable_send_to_flex(INCOMING_MESSAGE)) == ["SendMessageToAgent"]
    assert graph.reachable_from(INCOMING_CONVERSATION_MESSAGE) == frozenset()
    assert graph.reachable_send_to_flex(INCOMING_CONVERSATION_MESSAGE) == []


def test_definition_as_json_string_parses_the_same():
    raw = load("fpt_messaging-flow.json")
    from_text = parse_definition(json.dumps(raw))
    assert from_text.problems == []
    assert names(from_text.reachable_send_to_flex(INCOMING_MESSAGE)) == ["SendMessageToAgent"]
    assert names(parse_definition(json.dumps(raw).encode()).widgets) == names(from_text.widgets)


# ---------------------------------------------------------------- broken definitions


@pytest.mark.parametrize(
    "raw, problem",
    [
        (None, "missing"),
        ("", "empty"),
        ("{not json", "not valid JSON"),
        ("[" * 100_000, "not valid JSON"),
        ('"a string in JSON"', "not an object"),
        ([{"name": "Trigger"}], "a list"),
        (42, "not an object"),
        ({"description": "no states"}, "no 'states'"),
        ({"states": {"Trigger": {}}}, "not a list"),
        ({"states": []}, "empty"),
        (b"\xff\xfe", "not text"),
    ],
)
def test_unreadable_definitions_are_problems_not_crashes(raw, problem):
    graph = parse_definition(raw)
    assert not graph.usable
    assert any(problem in p for p in graph.problems), graph.problems
    assert graph.reachable_from(INCOMING_MESSAGE) == frozenset()
    assert graph.send_to_flex == []


def trig(**events):
    return {"name": "Trigger", "type": "trigger", "transitions": [{"event": e, **({"next": n} if n else {})} for e, n in events.items()]}


def stf(name="Flex"):
    return {"name": name, "type": "send-to-flex", "transitions": [{"event": "callComplete"}], "properties": {"workflow": "WW1"}}


def node(name, *nexts, wtype="set-variables"):
    return {"name": name, "type": wtype, "transitions": [{"event": "next", "next": n} for n in nexts]}


def test_states_that_are_not_objects_are_skipped_and_reported():
    graph = parse_definition({"states": [trig(incomingMessage="Flex"), "junk", None, 7, {"type": "x"}, stf()]})
    assert graph.usable
    assert names(graph.reachable_send_to_flex(INCOMING_MESSAGE)) == ["Flex"]
    assert sum("not an object" in p for p in graph.problems) == 3
    assert any("has no name" in p for p in graph.problems)


def test_transition_to_missing_widget_is_a_problem_and_reaches_nothing():
    graph = parse_definition({"states": [trig(incomingMessage="Ghost"), stf()]})
    assert any("'Ghost', which does not exist" in p for p in graph.problems)
    assert graph.reachable_from(INCOMING_MESSAGE) == frozenset()


def test_unknown_widget_types_are_fine():
    graph = parse_definition({"states": [trig(incomingMessage="Mystery"), node("Mystery", "Flex", wtype="quantum-widget"), stf()]})
    assert graph.problems == []
    assert names(graph.reachable_send_to_flex(INCOMING_MESSAGE)) == ["Flex"]


def test_cycles_terminate_and_reach_through_the_loop():
    graph = parse_definition(
        {"states": [trig(incomingMessage="A"), node("A", "B"), node("B", "A", "C"), node("C", "C", "Flex"), stf()]}
    )
    assert graph.problems == []
    assert graph.reachable_from(INCOMING_MESSAGE) == {"A", "B", "C", "Flex"}


def test_absent_event_or_event_without_next_reaches_nothing():
    graph = parse_definition({"states": [trig(incomingMessage=None), stf()]})
    assert graph.reachable_from(INCOMING_MESSAGE) == frozenset()
    assert graph.reachable_from(INCOMING_CONVERSATION_MESSAGE) == frozenset()


def test_only_the_asked_event_is_followed():
    graph = parse_definition({"states": [trig(incomingCall="Flex", incomingMessage="A"), node("A"), stf()]})
    assert graph.reachable_from(INCOMING_MESSAGE) == {"A"}


def test_duplicate_names_are_a_problem_and_reach_every_widget_of_that_name():
    graph = parse_definition({"states": [trig(incomingMessage="Dup"), node("Dup"), {**stf("Dup")}]})
    assert any("2 widgets are named 'Dup'" in p for p in graph.problems)
    assert names(graph.reachable_send_to_flex(INCOMING_MESSAGE)) == ["Dup"]


def test_missing_trigger_is_a_problem():
    graph = parse_definition({"states": [node("A", "Flex"), stf()]})
    assert "there is no trigger widget" in graph.problems
    assert graph.reachable_from(INCOMING_MESSAGE) == frozenset()
    assert names(graph.send_to_flex) == ["Flex"]


def test_malformed_transitions_are_reported():
    graph = parse_definition(
        {
            "states": [
                {"name": "Trigger", "type": "TRIGGER", "transitions": [{"event": "incomingMessage", "next": 5}, "x", {"next": "Flex"}]},
                {"name": "Flex", "type": "send-to-flex", "transitions": "nope", "properties": ["not", "a", "dict"]},
                {"name": "NoType"},
            ]
        }
    )
    assert any("'next' is a number" in p for p in graph.problems)
    assert any("transition that is a string" in p for p in graph.problems)
    assert any("transitions that are a string" in p for p in graph.problems)
    assert any("'NoType' has no type" in p for p in graph.problems)
    # the event-less transition is followed by nobody; the numeric `next` is dropped
    assert graph.reachable_from(INCOMING_MESSAGE) == frozenset()
    assert graph.send_to_flex[0].properties == {}


def test_placeholders():
    assert is_placeholder("${WORKFLOW_SID}")
    assert is_placeholder("{{flow.variables.workflow}}")
    assert not is_placeholder("WW0123")
    assert not is_placeholder(None)
