"""Regenerate the sample reports of the demo account in reports/demo/.

    python reports/regenerate.py            # rewrite reports/demo/
    python reports/regenerate.py --check    # exit 1 if reports/demo/ is stale (what the test runs)

The demo is scanned through the emulator like any account; its inventory gets
a fixed scan time and the reports a fixed --as-of, so the output only changes
when flexaudit's behaviour does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

AS_OF = "2026-11-21"
SCANNED_AT = "2026-11-21T09:00:00Z"
SAMPLES = Path(__file__).resolve().parent / "demo"


def flexaudit(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "flexaudit", *args], check=True)


def generate(into: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scan_dir = Path(tmp) / "scan"
        flexaudit("scan", "--demo", "--quiet", "--as-of", AS_OF, "--format", "json", "--output-dir", str(scan_dir))
        inventory = json.loads((scan_dir / "flexaudit-inventory.json").read_text(encoding="utf-8"))
    inventory["scanned_at"] = SCANNED_AT
    into.mkdir(parents=True)
    (into / "flexaudit-inventory.json").write_text(json.dumps(inventory, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    flexaudit("report", str(into / "flexaudit-inventory.json"), "--quiet", "--as-of", AS_OF,
              "--output-dir", str(into))


def stale_files(fresh: Path, committed: Path) -> list[str]:
    names = sorted({p.name for p in fresh.iterdir()} | {p.name for p in committed.glob("*") if p.is_file()})
    return [n for n in names
            if not (fresh / n).exists() or not (committed / n).exists()
            or (fresh / n).read_bytes() != (committed / n).read_bytes()]


def main(generate=generate, samples: Path = SAMPLES, script: str = "reports/regenerate.py") -> int:
    """Write `samples` with `generate(folder)`, or with --check say whether they are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of rewriting")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / samples.name
        generate(fresh)
        if args.check:
            stale = stale_files(fresh, samples) if samples.exists() else [f"(reports/{samples.name}/ missing)"]
            if stale:
                print(f"stale sample reports: {', '.join(stale)}; run: python {script}", file=sys.stderr)
                return 1
            print("sample reports are current")
            return 0
        if samples.exists():
            shutil.rmtree(samples)
        shutil.copytree(fresh, samples)
    print(f"wrote {samples}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
