"""The legacy API matcher (rules.md Terms, "Legacy API use"): locations, never text."""

from hypothesis import given
from hypothesis import strategies as st

from flexaudit.analysis.legacy_api import PATTERNS, describe, legacy_api_use


def test_every_pattern_of_rules_md_is_found_with_its_line():
    source = "\n".join(f"call({p})" for p in PATTERNS)
    assert legacy_api_use(source) == [(n, p) for n, p in enumerate(PATTERNS, 1)]


def test_real_code_shapes():
    source = """const Chat = require('twilio-chat');
// old: client.chat.v2.services(sid).channels(ch).remove()
await client.conversations.v1.conversations(sid).messages.create({ body });
const helper = require('twilio-chat-helper');
const url = `https://flex-api.twilio.com/v1/FlexFlows/${sid}`;  await fetch("https://chat.twilio.com/v2/Services");
client.proxy.services(KS).sessions(s).remove(); client.flexApi.v1.flexFlow.list();
import Chat from "twilio-chat"
"""
    assert legacy_api_use(source) == [
        (1, "'twilio-chat'"),
        (2, ".chat.v2"),  # a comment still counts: a reviewer decides
        (5, "chat.twilio.com"),
        (5, "/FlexFlows"),
        (6, ".proxy.services("),
        (6, ".flexFlow"),
        (7, '"twilio-chat"'),
    ]


def test_near_misses_stay_silent():
    for line in ["client.conversations.v1.conversations.list()", "require('twilio-chat-helper')",
                 "const flexFlowSid = event.FlexFlowSid", "client.CHAT.V2", "chat.v2", "proxy_v1",
                 "https://conversations.twilio.com/v1/Services", "flex_flows = []", "'twilio-chat-"]:
        assert legacy_api_use(line) == [], line


def test_a_pattern_twice_on_one_line_is_one_location_and_line_ends_count():
    assert legacy_api_use("a.chat.v2; b.chat.v2\r\n\r\nc.proxy.v1") == [(1, ".chat.v2"), (3, ".proxy.v1")]


def test_describe():
    assert describe("/close-chat", [(3, ".chat.v2")]) == ["/close-chat:3 (.chat.v2)"]


@given(st.lists(st.sampled_from(["x = 1", "client.chat.v2.x()", "// .proxy.v1", "", "é ✓ \t"]), max_size=40))
def test_lines_are_counted_like_an_editor(lines):
    found = legacy_api_use("\n".join(lines))
    expected = [(i, p) for i, line in enumerate(lines, 1) for p in PATTERNS if p in line]
    assert found == sorted(expected, key=lambda e: (e[0], PATTERNS.index(e[1])))
