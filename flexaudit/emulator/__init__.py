"""Local Twilio REST API emulator: real Twilio JSON over real HTTP, from a scenario file.

    with Emulator(load_scenario("scenario.json")) as emu:
        emu.base_url  # http://127.0.0.1:PORT; <base_url>/<subdomain>/<path> answers
                      # what https://<subdomain>.twilio.com/<path> would
"""

from flexaudit.emulator.routes import FAMILIES
from flexaudit.emulator.scenario import (BUNDLED_SCENARIOS, Scenario, ScenarioError, bundled_scenario_path,
                                        demo_code_path, demo_scenario_path, load_scenario)
from flexaudit.emulator.server import Emulator

__all__ = ["BUNDLED_SCENARIOS", "Emulator", "FAMILIES", "Scenario", "ScenarioError", "bundled_scenario_path",
           "demo_code_path", "demo_scenario_path", "load_scenario"]
