"""`--code DIR`: local source trees, walked with the skips of rules.md (FLX602), text never kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flexaudit.emulator import Emulator
from flexaudit.scan.code import MAX_FILE_BYTES, NOT_REQUESTED, CodeRootError, code_roots, scan_tree
from flexaudit.scan.interface import CodeRoot

from tests.support.scanning import cli_scan
from tests.support.sids import ACCOUNT

LEGACY = "await client.chat.v2.services(sid).channels(ch).remove();\n"
MANIFEST_V1 = """{
  "name": "plugin-returns",
  "dependencies": {
    "react": "16.5.2"
  },
  "devDependencies": {
    "@twilio/flex-ui": "^1.34.0"
  }
}
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def plugin_tree(root: Path) -> Path:
    write(root, "package.json", MANIFEST_V1)
    write(root, "src/ChatCleanup.js", "// clean the channel\n" + LEGACY)
    write(root, "src/Conversations.tsx", "client.conversations.v1.conversations.list()\n")
    write(root, "src/helpers.ts", "import helper from 'twilio-chat-helper';\n")
    write(root, "functions/flows.py", "\n\nrequests.get('https://flex-api.twilio.com/v1/FlexFlows')\n")
    write(root, "README.md", LEGACY)  # not a source extension
    for skipped in ("node_modules/twilio-chat/index.js", ".git/hooks/x.js", "build/bundle.js",
                    "dist/plugin.js", "coverage/lcov.js", "src/node_modules/y.js"):
        write(root, skipped, LEGACY)
    write(root, "node_modules/@twilio/flex-ui/package.json", '{"dependencies": {"@twilio/flex-ui": "1.x"}}')
    large = write(root, "src/vendor.min.js", LEGACY)
    with large.open("a", encoding="utf-8") as fh:
        fh.write("x" * MAX_FILE_BYTES)
    outside = write(root.parent / "outside", "secret.js", LEGACY)
    os.symlink(outside, root / "src" / "linked.js")
    os.symlink(outside.parent, root / "linked-dir")
    return root


def test_a_tree_keeps_locations_and_skips_what_rules_md_skips(tmp_path):
    tree = scan_tree(CodeRoot(plugin_tree(tmp_path / "plugin"), "plugin"))
    found = {f.path: ([(loc.line, loc.pattern) for loc in f.legacy_api_use],
                      [(d.section, d.range, d.line) for d in f.flex_ui]) for f in tree.files}
    assert found == {
        "package.json": ([], [("devDependencies", "^1.34.0", 7)]),
        "src/ChatCleanup.js": ([(2, ".chat.v2")], []),
        "functions/flows.py": ([(3, "/FlexFlows")], []),
    }
    # package.json, four sources under src/ and functions/ (the large one is not read)
    assert tree.files_scanned == 5
    assert tree.skipped == {"directory": 6, "symbolic link": 2, "over 2 MB": 1}


def test_the_text_is_never_kept(tmp_path):
    root = tmp_path / "plugin"
    write(root, "src/a.js", "client.proxy.v1.services('CANARY-c0de').remove()\n")
    tree = scan_tree(CodeRoot(root, "plugin"))
    assert "CANARY" not in repr(tree) and tree.files[0].legacy_api_use[0].pattern == ".proxy.v1"


def test_file_names_that_are_not_utf8_or_hold_markup_stay_writable_text(tmp_path):
    root = tmp_path / "plugin"
    root.mkdir()
    with open(os.fsencode(root) + b"/bad-\xff.js", "wb") as fh:
        fh.write(LEGACY.encode())
    write(root, "src/<b>|`x`\n.ts", LEGACY)
    paths = sorted(f.path for f in scan_tree(CodeRoot(root, "plugin")).files)
    assert paths == ["bad-\ufffd.js", "src/<b>|`x`\n.ts"]
    assert all(p.encode("utf-8") for p in paths)


def test_several_roots_prefix_their_label_made_unique(tmp_path):
    a = write(tmp_path / "one" / "plugin", "x.js", LEGACY).parent
    b = write(tmp_path / "two" / "plugin", "x.js", LEGACY).parent
    c = write(tmp_path / "functions", "y.js", LEGACY).parent
    roots = code_roots([a, b, c])
    assert [(r.label, r.prefix) for r in roots] == [("plugin", "plugin/"), ("plugin-2", "plugin-2/"),
                                                    ("functions", "functions/")]
    assert [scan_tree(r).files[0].path for r in roots] == ["plugin/x.js", "plugin-2/x.js", "functions/y.js"]
    (only,) = code_roots([a])
    assert only.prefix == "" and scan_tree(only).files[0].path == "x.js"


def test_bad_code_paths_are_refused(tmp_path):
    with pytest.raises(CodeRootError, match="no such directory"):
        code_roots([tmp_path / "missing"])
    with pytest.raises(CodeRootError, match="not a directory"):
        code_roots([write(tmp_path, "file.js", "")])


@pytest.mark.parametrize("make", ["missing", "file"])
def test_a_bad_code_path_is_one_line_and_exit_2_before_any_request(tmp_path, make):
    target = tmp_path / "missing" if make == "missing" else write(tmp_path, "file.js", "")
    with Emulator({"account": {"sid": ACCOUNT}}) as emu:
        result = cli_scan(emu, tmp_path / "o", "--code", str(target))
        requests = list(emu.requests)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--code" in result.stderr and "Traceback" not in result.output
    assert requests == [] and not (tmp_path / "o").exists()


def test_scan_with_code_reports_files_and_without_it_says_not_requested(tmp_path):
    root = plugin_tree(tmp_path / "plugin-returns")
    with Emulator({"account": {"sid": ACCOUNT, "friendly_name": "Acme"}}) as emu:
        with_code = cli_scan(emu, tmp_path / "with", "--code", str(root))
        without = cli_scan(emu, tmp_path / "without")
    assert with_code.exit_code == without.exit_code
    report = json.loads((tmp_path / "with" / "flexaudit-report.json").read_text())
    code = {(f["rule_id"], f["resource_type"], f["resource_sid"]) for f in report["findings"] if f["rule_id"][3] == "6"}
    assert code == {("FLX602", "code_file", "src/ChatCleanup.js"), ("FLX602", "code_file", "functions/flows.py"),
                    ("FLX603", "code_file", "package.json")}
    coverage = {c["family"]: c for c in report["coverage"]}
    assert coverage["code"]["complete"] and coverage["code"]["note"] is None
    plain = json.loads((tmp_path / "without" / "flexaudit-report.json").read_text())
    assert next(c for c in plain["coverage"] if c["family"] == "code")["note"] == NOT_REQUESTED
    assert not [f for f in plain["findings"] if f["rule_id"][3] == "6"]
