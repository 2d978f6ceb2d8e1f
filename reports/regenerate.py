"""Regenerate the samples: the demo accounts' reports in reports/demo/ and reports/demo-migrated/,
and the migration loop in reports/migration/ (reports/migration_sample.py).

    python reports/regenerate.py            # rewrite them all
    python reports/regenerate.py --check    # exit 1 if any is stale (what the test runs)

Each demo (`scan --demo` and `scan --demo migrated`) is scanned through the
emulator like any account; its inventory gets a fixed scan time and the
reports a fixed --as-of, so the output only changes when flexaudit's
behaviour does.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

AS_OF = "2026-11-21"
SCANNED_AT = "2026-11-21T09:00:00Z"
HERE = Path(__file__).resolve().parent
# sample directory -> the `scan --demo` value that produces it
DEMOS = {HERE / "demo": "legacy", HERE / "demo-migrated": "migrated"}


def flexaudit(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "flexaudit", *args], check=True)


def generate(into: Path, demo: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        scan_dir = Path(tmp) / "scan"
        flexaudit("scan", "--demo", demo, "--quiet", "--as-of", AS_OF, "--format", "json", "--output-dir", str(scan_dir))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of rewriting")
    args = parser.parse_args()
    from migration_sample import generate as migration_loop  # beside this file

    makers = {samples: functools.partial(generate, demo=demo) for samples, demo in DEMOS.items()}
    makers[HERE / "migration"] = migration_loop
    stale = []
    for samples, make in makers.items():
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / samples.name
            make(fresh)
            if args.check:
                if not samples.exists():
                    stale.append(f"(reports/{samples.name}/ missing)")
                else:
                    stale += [f"{samples.name}/{name}" for name in stale_files(fresh, samples)]
                continue
            if samples.exists():
                shutil.rmtree(samples)
            shutil.copytree(fresh, samples)
        print(f"wrote {samples}")
    if args.check:
        if stale:
            print(f"stale sample reports: {', '.join(stale)}; run: python reports/regenerate.py", file=sys.stderr)
            return 1
        print("sample reports are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
