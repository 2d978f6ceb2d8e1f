"""Fleet benchmark: `flexaudit scan --all-subaccounts` against the slowest of its accounts scanned alone.

Four accounts of the demo's size (the demo account as the parent, three copies
of it as active subaccounts) are served by `flexaudit emulator --latency-ms 30`
in its own process. Each run times, as child processes, a single-account
`flexaudit scan` of each of the four accounts, then the fleet scan of all four;
runs repeat (--runs, default 5) and the median of the runs' ratios is the figure:

    fleet wall time / slowest single account's wall time, in the same run   (target <= 1.5)

    python bench/fleet_bench.py                 # 5 runs, about 30 s on 2 cores
    python bench/fleet_bench.py --runs 5 --latency-ms 30 --concurrency 8

The fleet scans up to 4 accounts at a time, each with its own --concurrency,
so its network phase overlaps the four; what it adds is the listing request
and the rules and report files of four accounts sharing one interpreter.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from scan_bench import EmulatorProcess, run_child  # noqa: E402

from flexaudit.emulator import demo_scenario_path  # noqa: E402

TARGET_RATIO = 1.5
SUBACCOUNTS = 3


def fleet_scenario() -> dict:
    """The demo account as the parent, with three copies of it as active subaccounts."""
    demo = json.loads(demo_scenario_path().read_text(encoding="utf-8"))
    scenario = copy.deepcopy(demo)
    scenario["name"] = "fleet bench: four demo-sized accounts"
    scenario["subaccounts"] = []
    for n in range(1, SUBACCOUNTS + 1):
        body = copy.deepcopy(demo)
        # a subaccount gets its own SID and token from the parent's; keys must be unique across the file
        body["account"] = {"friendly_name": f"Demo copy {n}", "status": "active"}
        body.pop("auth", None)
        scenario["subaccounts"].append(body)
    return scenario


def subaccount_tokens(emu: EmulatorProcess) -> dict[str, str]:
    """The `  subaccount account_sid=… auth_token=…` lines `flexaudit emulator` prints after its first."""
    tokens = {}
    for _ in range(SUBACCOUNTS):
        found = re.search(r"subaccount account_sid=(\S+) auth_token=(\S+)", emu.proc.stdout.readline())
        if not found:
            raise RuntimeError("the emulator did not print its subaccounts")
        tokens[found.group(1)] = found.group(2)
    return tokens


def scan_argv(emu: EmulatorProcess, sid: str, token: str, out: Path, concurrency: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "flexaudit", "scan", "--api-base-url", emu.base_url, "--account-sid", sid,
            "--auth-token", token, "--output-dir", str(out), "--quiet", "--concurrency", str(concurrency), *extra]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fleet-bench-") as tmp:
        work = Path(tmp)
        scenario_path = work / "fleet-bench.json"
        scenario_path.write_text(json.dumps(fleet_scenario()), encoding="utf-8")
        emu = EmulatorProcess(scenario_path, args.latency_ms, work / "requests.jsonl")
        try:
            accounts = {emu.account_sid: emu.auth_token, **subaccount_tokens(emu)}
            singles, slowest, fleets = [], [], []
            for run in range(args.runs):
                walls = {}
                for sid, token in accounts.items():
                    result = run_child(scan_argv(emu, sid, token, work / f"single-{run}-{sid}", args.concurrency))
                    if result["exit"] not in (0, 1, 3):
                        raise RuntimeError(f"single scan of {sid} failed: {result['stderr'][-500:]}")
                    walls[sid] = result["wall_s"]
                fleet = run_child(scan_argv(emu, emu.account_sid, emu.auth_token, work / f"fleet-{run}",
                                            args.concurrency, "--all-subaccounts"))
                fleet_json = json.loads((work / f"fleet-{run}" / "flexaudit-fleet.json").read_text())
                scanned = [a for a in fleet_json["accounts"] if a["exit_code"] is not None]
                if len(scanned) != len(accounts) or any(a["exit_code"] not in (0, 1, 3) for a in scanned):
                    raise RuntimeError(f"the fleet scan did not scan every account: {fleet['stderr'][-500:]}")
                singles.append(walls)
                slowest.append(max(walls.values()))
                fleets.append(fleet["wall_s"])
                print(f"run {run + 1}: singles " + ", ".join(f"{w:.2f}" for w in walls.values())
                      + f" s (slowest {slowest[-1]:.2f} s); fleet {fleet['wall_s']:.2f} s "
                      f"({fleets[-1] / slowest[-1]:.2f}x), peak RSS {fleet['peak_rss_mb']:.0f} MB", flush=True)
        finally:
            emu.stop()

    slow, whole = statistics.median(slowest), statistics.median(fleets)
    # each run's fleet against the same run's singles: the machine's drift between runs cancels out
    ratios = sorted(f / s for f, s in zip(fleets, slowest))
    ratio = statistics.median(ratios)
    total_single = statistics.median(sum(w.values()) for w in singles)
    print()
    print(f"four demo-sized accounts, {args.latency_ms:g} ms latency, --concurrency {args.concurrency}, "
          f"median of {args.runs} runs:")
    print(f"  slowest single account       {slow:6.2f} s")
    print(f"  the four one after the other {total_single:6.2f} s")
    print(f"  fleet (--all-subaccounts)    {whole:6.2f} s")
    print(f"  fleet / slowest single       {ratio:6.2f}x  (median of the runs' ratios, "
          f"{ratios[0]:.2f}x to {ratios[-1]:.2f}x; target <= {TARGET_RATIO}x) "
          f"{'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    command = ["python", "bench/fleet_bench.py", "--runs", str(args.runs), "--latency-ms", f"{args.latency_ms:g}",
               "--concurrency", str(args.concurrency)]
    print(f"reproduce: {shlex.join(command)}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
