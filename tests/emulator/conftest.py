"""The small scenario (tests/support/emulator.py) served once per test module."""

import pytest

from flexaudit.emulator import Emulator
from tests.support.emulator import small_scenario


@pytest.fixture(scope="module")
def emu():
    with Emulator(small_scenario()) as emulator:
        yield emulator
