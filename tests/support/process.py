"""flexaudit as users run it: its own process, with none of the developer's Twilio, flexaudit or proxy settings."""

from __future__ import annotations

import os
import subprocess
import sys

PROXY_AND_CA_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy",
                          "NO_PROXY", "no_proxy", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def clean_env(extra: dict | None = None) -> dict:
    """This process's environment without TWILIO_*, FLEXAUDIT_* and proxy or CA settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TWILIO_", "FLEXAUDIT_")) and k not in PROXY_AND_CA_VARIABLES}
    env.update(extra or {})
    return env


def run_flexaudit(args, env_extra: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """`python -m flexaudit ARGS` to completion (at most 120 s): text output captured."""
    kwargs.setdefault("timeout", 120)
    return subprocess.run([sys.executable, "-m", "flexaudit", *args], capture_output=True, text=True,
                          env=clean_env(env_extra), **kwargs)
