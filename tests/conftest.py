"""Fixtures for every test: the demo scenario, and the read-only check after each test."""

from __future__ import annotations

import copy
import json

import pytest

from flexaudit.emulator import Emulator, demo_scenario_path


@pytest.fixture(scope="session")
def demo_scenario_dict() -> dict:
    with open(demo_scenario_path(), encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture
def demo_scenario(demo_scenario_dict) -> dict:
    """A fresh deep copy each test may change freely."""
    return copy.deepcopy(demo_scenario_dict)


@pytest.fixture(autouse=True)
def every_scan_only_reads(request, monkeypatch):
    """The read-only guarantee, checked after every test: no emulator a test started
    (directly, or inside `flexaudit scan --demo`) ever received a request other than GET.
    Tests that send writes on purpose (to the emulator's write mode, or to prove it refuses
    them) carry the `sends_writes` mark."""
    started: list[Emulator] = []
    original_stop = Emulator.stop

    def stop_and_remember(self):
        started.append(self)
        return original_stop(self)

    monkeypatch.setattr(Emulator, "stop", stop_and_remember)
    yield
    if request.node.get_closest_marker("sends_writes"):
        return
    writes = [(r["method"], r["path"]) for emu in started for r in emu.requests if r["method"] != "GET"]
    assert not writes, f"non-GET requests reached the emulator: {writes[:5]}"
