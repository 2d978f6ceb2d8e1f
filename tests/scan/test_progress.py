"""Progress: the orchestrator says when each family starts and ends; the scan's status line shows it."""

from __future__ import annotations

from flexaudit.commands.scan import ProgressLine
from flexaudit.emulator import Emulator
from flexaudit.scan.families import FAMILY_TABLE
from flexaudit.scan.interface import FamilyProgress
from flexaudit.scan.orchestrator import run_scan

from tests.support.scanning import flexaudit_client


def test_every_family_is_reported_started_then_finished_through_the_one_callback(demo_scenario):
    events = []
    with Emulator(demo_scenario) as emu:
        client, _ = flexaudit_client(emu)
        run_scan(client, emu.account_sid, progress=events.append, not_requested={"messages": "not requested"})
    started = [e.family for e in events if isinstance(e, FamilyProgress) and not e.finished]
    finished = [e.family for e in events if isinstance(e, FamilyProgress) and e.finished]
    expected = sorted(f.name for f in FAMILY_TABLE if f.name != "messages")  # a family not requested never runs
    assert sorted(started) == sorted(finished) == expected
    for family in expected:
        assert events.index(FamilyProgress(family, False)) < events.index(FamilyProgress(family, True))
    assert any(isinstance(e, str) and e.startswith("chat service") for e in events)  # the scanners' own notes


def test_the_status_line_shows_elapsed_time_what_is_still_running_and_the_latest_note():
    written, now = [], [100.0]
    line = ProgressLine(written.append, clock=lambda: now[0], width=lambda: 200)
    line(FamilyProgress("chat", False))
    line(FamilyProgress("messages", False))
    now[0] = 104.25
    line("chat service IS1: 3000 channels so far")
    assert written[-1] == "\r\x1b[Kscanning… 4.2 s · reading chat, messages · chat service IS1: 3000 channels so far"
    line(FamilyProgress("messages", True))
    assert written[-1] == "\r\x1b[Kscanning… 4.2 s · reading chat · chat service IS1: 3000 channels so far"
    line(None)
    assert written[-1] == "\r\x1b[K"


def test_the_status_line_never_wraps_and_carries_no_control_character():
    written = []
    line = ProgressLine(written.append, clock=lambda: 0.0, width=lambda: 80)
    for family in ("account", "phone_numbers", "flex_configuration", "flex_flows", "studio", "proxy", "chat"):
        line(FamilyProgress(family, False))
    line("name \x1b[2J\u202e with controls and a long tail " + "x" * 200)
    text = written[-1].removeprefix("\r\x1b[K")
    assert len(text) <= 79 and text.endswith("…")
    assert "\x1b" not in text and "\u202e" not in text
