"""Audit and render benchmark on the large synthetic account: rules + readiness + report model, then every format.

Builds the large inventory straight from the generator's scenario (the same
plain data the scanners would produce: channel and session summaries, Studio
definitions of the flows Flex Flows point at), or with --scan by scanning the
account through an in-process emulator (no latency). Then times
`flexaudit.commands.pipeline.audit(inventory, as_of)` and every renderer in
`flexaudit.report.RENDERERS`. Target: < 5 s in total.

    python bench/render_bench.py                 # large, inventory built directly
    python bench/render_bench.py --scan          # large, inventory from a real scan
    python bench/render_bench.py --preset medium
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from flexaudit.model import snapshot  # noqa: E402
from flexaudit.emulator.synthetic import PRESETS, generate_preset  # noqa: E402
from flexaudit.emulator.synthetic_inventory import inventory_from_scenario  # noqa: E402
from flexaudit.model.inventory import Inventory  # noqa: E402

TARGET_S = 5.0


def inventory_from_scan(scenario: dict) -> Inventory:
    from flexaudit.api.transport import GuardedHttpClient, make_client
    from flexaudit.emulator import Emulator
    from flexaudit.scan.orchestrator import run_scan
    from flexaudit.settings import Credentials, Target

    with Emulator(scenario) as emu:
        creds = Credentials(emu.account_sid, emu.account_sid, emu.auth_token, "auth_token")
        http = GuardedHttpClient(api_base_url=emu.base_url, concurrency=8)
        return run_scan(make_client(creds, Target(api_base_url=emu.base_url), http), emu.account_sid,
                        concurrency=8)


def _timed(fn, repeat: int):
    times, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - started)
    return value, min(times), statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="large")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scan", action="store_true", help="build the inventory by scanning an in-process emulator")
    parser.add_argument("--as-of", default="2026-06-01", help="as-of date for the rules (default 2026-06-01)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; the best and median are shown")
    parser.add_argument("--save", action="store_true", help="also write bench/results/render-<timestamp>.json")
    args = parser.parse_args(argv)

    try:
        from flexaudit.commands.pipeline import audit
        from flexaudit.report import RENDERERS
    except ImportError as exc:
        print(f"render_bench: flexaudit.commands.pipeline / flexaudit.report.RENDERERS not available yet ({exc})", file=sys.stderr)
        return 2

    as_of = date.fromisoformat(args.as_of)
    started = time.perf_counter()
    scenario = generate_preset(args.preset, seed=args.seed)
    inventory = inventory_from_scan(scenario) if args.scan else inventory_from_scenario(scenario)
    built = time.perf_counter() - started
    print(f"{args.preset} inventory ({'scanned' if args.scan else 'built from the scenario'}) in {built:.2f} s: "
          f"{len(inventory.phone_numbers)} numbers, {len(inventory.flex_flows)} Flex Flows, "
          f"{len(inventory.studio_flows)} Studio flows "
          f"({sum(1 for f in inventory.studio_flows if f.definition is not None)} with definitions), "
          f"{sum(c.channels.total for c in inventory.chat_services)} chat channels")

    rows = []
    report, best, median = _timed(lambda: audit(inventory, as_of), args.repeat)
    rows.append(("audit (rules + readiness + model)", best, median, ""))
    findings = getattr(report, "findings", [])
    for fmt, renderer in RENDERERS.items():
        text, best, median = _timed(lambda r=renderer: r.render(report), args.repeat)
        rows.append((f"render {fmt} ({renderer.filename})", best, median, f"{len(text.encode('utf-8')) / 1e6:.2f} MB"))
    _, best, median = _timed(lambda: snapshot.dumps(inventory), args.repeat)
    rows.append(("inventory snapshot (flexaudit-inventory.json)", best, median, ""))

    print(f"{len(findings)} findings, as of {as_of}")
    print()
    print(f"{'step':48} {'best s':>8} {'median s':>9} {'output':>9}")
    print("-" * 77)
    for name, best, median, size in rows:
        print(f"{name:48} {best:8.3f} {median:9.3f} {size:>9}")
    total_best = sum(r[1] for r in rows)
    total_median = sum(r[2] for r in rows)
    print("-" * 77)
    print(f"{'total':48} {total_best:8.3f} {total_median:9.3f}")
    ok = total_median < TARGET_S
    print(f"\n  {'PASS' if ok else 'FAIL'}  audit + every renderer + snapshot < {TARGET_S:g} s (median {total_median:.2f} s)")
    if args.save:
        out = HERE / "results" / f"render-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"preset": args.preset, "scan": args.scan, "as_of": args.as_of,
                                   "findings": len(findings),
                                   "steps": [{"step": n, "best_s": round(b, 4), "median_s": round(m, 4), "output": s}
                                             for n, b, m, s in rows],
                                   "total_median_s": round(total_median, 3), "pass": ok}, indent=2), encoding="utf-8")
        print(f"figures written to {out.relative_to(REPO)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
