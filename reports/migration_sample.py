"""The sample of the migration loop in reports/migration/, made by `python reports/regenerate.py`.

The loop runs on the demo account after its Flex UI 2.x upgrade (the demo
itself runs 1.x, and `flexaudit plan` refuses it), served by the emulator with
writes allowed: scan, plan (every ready number), run each migrate script as a
user would, delete one more Flex Flow by hand (the mistake `diff` exists to
catch), scan again, diff. Scan times and the SIDs the emulator makes are fixed,
so the files only change when flexaudit's behaviour does.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from base64 import b64encode
from pathlib import Path

from regenerate import flexaudit  # reports/regenerate.py, which runs this

SCANNED_AT = ("2026-11-21T09:00:00Z", "2026-11-27T09:00:00Z")
UI_VERSION = "2.10.1"
DELETED_BY_HAND = "FOe0c24c310be7097684ad11f7a8b68bbf"  # the demo's +14155550102


def scan(emulator, into: Path, scanned_at: str) -> None:
    flexaudit("scan", "--account-sid", emulator.account_sid, "--auth-token", emulator.auth_token,
              "--api-base-url", emulator.base_url, "--quiet", "--format", "json", "--output-dir", str(into))
    path = into / "flexaudit-inventory.json"
    inventory = json.loads(path.read_text(encoding="utf-8"))
    inventory["scanned_at"] = scanned_at
    path.write_text(json.dumps(inventory, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def generate(into: Path) -> None:
    from flexaudit.emulator import Emulator, demo_scenario_path
    from flexaudit.emulator.routes import writes

    scenario = json.loads(Path(demo_scenario_path()).read_text(encoding="utf-8"))
    scenario["flex_configuration"]["ui_version"] = UI_VERSION
    counter = itertools.count(1)
    writes._new_sid = lambda prefix: f"{prefix}{0x5A3B1E00 + next(counter):032x}"  # the same SIDs every run
    with Emulator(scenario, allow_writes=True) as emulator, tempfile.TemporaryDirectory() as tmp:
        before, after = Path(tmp) / "before", Path(tmp) / "after"
        scan(emulator, before, SCANNED_AT[0])
        flexaudit("plan", str(before), "--quiet", "--output-dir", str(into))
        env = {"PATH": os.environ.get("PATH", ""), "TWILIO_ACCOUNT_SID": emulator.account_sid,
               "TWILIO_AUTH_TOKEN": emulator.auth_token, "FLEXAUDIT_API_BASE_URL": emulator.base_url}
        for script in sorted(into.glob("migrate-*.py")):
            subprocess.run([sys.executable, script.name, "--yes"], cwd=into, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        auth = b64encode(f"{emulator.account_sid}:{emulator.auth_token}".encode()).decode()
        urllib.request.urlopen(urllib.request.Request(
            f"{emulator.base_url}/flex-api/v1/FlexFlows/{DELETED_BY_HAND}", method="DELETE",
            headers={"Authorization": f"Basic {auth}"}), timeout=10).close()
        scan(emulator, after, SCANNED_AT[1])
        flexaudit("diff", str(before), str(after), "--quiet", "--output-dir", str(into))
