"""Real Studio flow definitions from public repositories (tests/data/studio/)."""

from __future__ import annotations

import json

from tests.support import DATA

STUDIO_EXAMPLES = DATA / "studio"


def studio_example(name: str) -> dict:
    """The flow `name` (a file stem of tests/data/studio/) as Twilio's Flow resource returns it."""
    return json.loads((STUDIO_EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
