"""6xx rules: custom code still on the legacy APIs (Twilio Functions, --code trees)."""

import pytest

from tests.support.inventory import InventoryBuilder, assert_fires, assert_silent, hits, only


# ---------------------------------------------------------------- FLX601


def test_flx601_names_the_function_its_environments_and_each_location():
    b = InventoryBuilder()
    fn = b.function("/close-chat", (["production", "staging"], [(4, ".chat.v2"), (9, ".proxy.v1")]),
                    (["dev"], [(2, "/FlexFlows")]))
    f = assert_fires(b.evaluate(), "FLX601", "serverless_function", fn.sid, "high")
    assert f.resource_name == "flex-helpers/close-chat"
    assert "deployed in production, staging" in f.message and "/close-chat:4 (.chat.v2), /close-chat:9 (.proxy.v1)" in f.message
    assert "deployed in dev" in f.message and "/close-chat:2 (/FlexFlows)" in f.message


def test_flx601_long_lists_are_cut():
    b = InventoryBuilder()
    fn = b.function("/sync", (["production"], [(n, ".chat.v2") for n in range(1, 16)]))
    assert "and 5 more" in only(b.evaluate(), "FLX601").message
    assert fn.sid == only(b.evaluate(), "FLX601").resource_sid


def test_flx601_near_misses():
    b = InventoryBuilder()
    b.function("/send-survey", (["production"], []))  # on Conversations already
    fixed = b.function("/close-chat", (["production"], []), (["dev"], []))
    assert fixed.versions
    assert_silent(b.evaluate(), "FLX601")


# ---------------------------------------------------------------- FLX602


def test_flx602_names_the_file_with_line_numbers():
    b = InventoryBuilder()
    b.code_file("src/ChatCleanup.js", [(12, ".chat.v2"), (30, "'twilio-chat'")])
    f = assert_fires(b.evaluate(), "FLX602", "code_file", "src/ChatCleanup.js", "high")
    assert f.resource_name == "src/ChatCleanup.js"
    assert "src/ChatCleanup.js:12 (.chat.v2), src/ChatCleanup.js:30 ('twilio-chat')" in f.message


def test_flx602_near_misses():
    b = InventoryBuilder()
    b.code_file("src/Conversations.ts")  # read, nothing legacy in it
    b.code_file("package.json", flex_ui=[("dependencies", "^2.7.0", 8)])
    assert_silent(b.evaluate(), "FLX602")


def test_code_rules_have_nothing_to_judge_without_code():
    b = InventoryBuilder()
    ev = b.evaluate()
    assert_silent(ev, "FLX602")
    assert_silent(ev, "FLX603")


# ---------------------------------------------------------------- FLX603


@pytest.mark.parametrize("declared", ["1.x", "^1.34.0", "~1.19", "1.", "1.34.6", ">=1 <2", "1.0.0 - 1.9.9", "^1."])
def test_flx603_flex_ui_1_plugin(declared):
    b = InventoryBuilder()
    b.code_file("plugin-returns/package.json", flex_ui=[("devDependencies", declared, 14)])
    f = assert_fires(b.evaluate(), "FLX603", "code_file", "plugin-returns/package.json", "medium")
    assert f"devDependencies '{declared}' (plugin-returns/package.json:14)" in f.message


@pytest.mark.parametrize("declared", ["^2.0.0", "~2.9", "2.x", ">=1", "^1 || ^2", "*", "latest", "file:../flex-ui",
                                      None, "github:twilio/flex-ui#v1"])
def test_flx603_near_misses(declared):
    b = InventoryBuilder()
    b.code_file("package.json", flex_ui=[("dependencies", declared, 3)])
    assert_silent(b.evaluate(), "FLX603")


def test_flx603_one_finding_per_manifest_naming_each_section():
    b = InventoryBuilder()
    b.code_file("package.json", flex_ui=[("dependencies", "^1.30.0", 9), ("peerDependencies", "1.x", 20)])
    message = only(b.evaluate(), "FLX603").message
    assert "dependencies '^1.30.0' (package.json:9); peerDependencies '1.x' (package.json:20)" in message
    assert len(hits(b.evaluate(), "FLX603")) == 1
