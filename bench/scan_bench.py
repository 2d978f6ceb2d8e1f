"""Scan benchmark: flexaudit against a naive SDK script on synthetic large Flex accounts.

For each size (medium, large): generate the account (flexaudit.emulator.synthetic),
serve it with `flexaudit emulator --latency-ms 30` in its own process, then run
(a) `flexaudit scan` (the real CLI, all formats, --quiet) and (b) bench/naive_baseline.py,
each as a child process, and measure its wall time, the requests the emulator
logged for it, and the child's own peak RSS (os.wait4). Prints a table, the
targets with PASS/FAIL, and writes bench/results/<UTC timestamp>.json.

    python bench/scan_bench.py                    # medium and large, everything
    python bench/scan_bench.py --sizes medium     # one size
    python bench/scan_bench.py --naive-large skip # estimate the naive large run instead of running it

Each run is repeated (--runs, default 3 on medium; --large-runs, default 1, on
large), flexaudit and naive taking turns, and the median run is reported: single
runs on a shared 2-core machine vary by 10% and more.

IDEAL for flexaudit = max(chain x latency, requests x latency / concurrency), where
chain is the longer of the two sequences of requests that must follow each other:
the Flex configuration fetch + ceil(channels / 100) chat channel pages (the
configuration names the chat service; each page needs the previous page's
next_page_url), and the Conversations configuration fetch + ceil(active
conversations / 100) pages of the Flex conversation service's active conversations.
The two chains run side by side; neither may starve the other or the rest.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from flexaudit.emulator.synthetic import PRESETS, generate_account  # noqa: E402

TARGET_SPEEDUP = 5.0  # flexaudit at least 5x faster than naive on medium
TARGET_IDEAL_RATIO = 1.5  # flexaudit within 1.5x of the ideal
TARGET_RSS_MB = 300.0  # flexaudit peak RSS on large
CHAT_PAGE = 100  # Chat v2 maximum PageSize
CONVERSATIONS_PAGE = 100  # Conversations list maximum PageSize
NAIVE_CHAT_PAGE = 50  # the SDK's default page size (naive passes none)
_CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- emulator process ----------------------------------------------------------


class EmulatorProcess:
    """`flexaudit emulator` in its own process, with a request log we can count."""

    def __init__(self, scenario_path: Path, latency_ms: float, log_path: Path):
        self.log_path = log_path
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flexaudit", "emulator", "--scenario", str(scenario_path), "--port", "0",
             "--latency-ms", str(latency_ms), "--request-log", str(log_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        line = self.proc.stdout.readline()
        found = re.search(r"serving (\S+) account_sid=(\S+) auth_token=(\S+)", line)
        if not found:
            self.proc.kill()
            raise RuntimeError(f"the emulator did not start: {line!r} {self.proc.stderr.read()[:2000]}")
        self.base_url, self.account_sid, self.auth_token = found.groups()

    def log_lines(self) -> list[dict]:
        with open(self.log_path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.proc.pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK

    def rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- one measured child ------------------------------------------------------------


def run_child(argv: list[str], env: dict | None = None, timeout: float = 900) -> dict:
    """Run argv; wall time, exit status, own peak RSS (from wait4), stdout/stderr."""
    out = tempfile.TemporaryFile(mode="w+")
    err = tempfile.TemporaryFile(mode="w+")
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=REPO)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return {"wall_s": wall, "exit": proc.returncode, "peak_rss_mb": usage.ru_maxrss / 1024,
            "cpu_s": usage.ru_utime + usage.ru_stime, "stdout": out.read(), "stderr": err.read()}


def cli_ready() -> tuple[bool, str]:
    """Whether `flexaudit scan` can run end to end (rules and report packages present)."""
    probe = subprocess.run([sys.executable, "-c", "import flexaudit.commands.pipeline, flexaudit.report.write, "
                            "flexaudit.report.terminal"],
                           capture_output=True, text=True, cwd=REPO)
    return probe.returncode == 0, (probe.stderr.strip().splitlines() or [""])[-1]


def scan_argv(mode: str, emu: EmulatorProcess, out_dir: Path, concurrency: int, command: list[str]) -> list[str]:
    if mode == "cli":
        return [*command, "scan", "--api-base-url", emu.base_url,
                "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                "--output-dir", str(out_dir), "--quiet", "--concurrency", str(concurrency)]
    return [sys.executable, str(HERE / "scan_bench.py"), "--child-run-scan", emu.base_url, emu.account_sid,
            emu.auth_token, str(out_dir), str(concurrency)]


def child_run_scan(base_url: str, account_sid: str, token: str, out_dir: str, concurrency: str) -> int:
    """Fallback scanner child while the CLI cannot run: the same client and run_scan as `flexaudit scan`."""
    from flexaudit.model import snapshot
    from flexaudit.api.transport import GuardedHttpClient, make_client
    from flexaudit.scan.orchestrator import run_scan
    from flexaudit.settings import Credentials, Target

    creds = Credentials(account_sid, account_sid, token, "auth_token")
    http = GuardedHttpClient(api_base_url=base_url, concurrency=int(concurrency))
    client = make_client(creds, Target(api_base_url=base_url), http)
    inventory = run_scan(client, account_sid, concurrency=int(concurrency))
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    (Path(out_dir) / "flexaudit-inventory.json").write_text(snapshot.dumps(inventory), encoding="utf-8")
    return 0


# --- what the runs read -----------------------------------------------------------------


def inventory_counts(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    inv = data.get("inventory", data)
    chat = inv.get("chat_services") or []
    flex_chat = (inv.get("flex_configuration") or {}).get("chat_service_instance_sid")
    proxy = inv.get("proxy_services") or []
    return {
        "incoming_phone_numbers": len(inv.get("phone_numbers") or []),
        "flex_flows": len(inv.get("flex_flows") or []),
        "studio_flows": len(inv.get("studio_flows") or []),
        "studio_definitions": sum(1 for f in inv.get("studio_flows") or [] if f.get("definition") is not None),
        "proxy_pool_numbers": sum(len(p.get("phone_numbers") or []) for p in proxy),
        "proxy_sessions": sum((p.get("sessions") or {}).get("total", 0) for p in proxy),
        "messaging_service_numbers": sum(len(m.get("phone_numbers") or []) for m in inv.get("messaging_services") or []),
        "flex_chat_channels": sum((c.get("channels") or {}).get("total", 0) for c in chat if c.get("sid") == flex_chat),
        "chat_channels": sum((c.get("channels") or {}).get("total", 0) for c in chat),
        "address_configurations": len(inv.get("address_configurations") or []),
        "conversation_services": len(inv.get("conversation_services") or []),
        "active_conversations": (inv.get("active_conversations") or {}).get("active", 0),
        "serverless_services": len(inv.get("serverless_services") or []),
        "serverless_function_versions": sum(len(f.get("versions") or []) for s in inv.get("serverless_services") or []
                                            for f in s.get("functions") or []),
        "serverless_legacy_versions": sum(1 for s in inv.get("serverless_services") or [] for f in s.get("functions") or []
                                          for v in f.get("versions") or [] if v.get("legacy_api_use")),
        "message_addresses": len(inv.get("last_inbound") or []),
        "message_addresses_with_traffic": sum(1 for e in inv.get("last_inbound") or [] if e.get("last_inbound_at")),
        "incomplete": [k for k, v in (inv.get("coverage") or {}).items() if not v.get("complete", True)],
    }


def chain_stats(entries: list[dict], sub: str, path: str, latency_ms: float) -> dict:
    """How long a chain (chat channels, active conversations) really took, from the emulator's log."""
    pages = [e for e in entries if e["sub"] == sub and e["path"] == path]
    if len(pages) < 2:
        return {"pages": len(pages)}
    t = [datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() for e in pages]
    span = t[-1] - t[0]
    per_page = span / (len(pages) - 1)
    served = sum(e["duration_ms"] for e in pages) / len(pages)
    return {"pages": len(pages), "span_s": round(span, 3), "per_page_ms": round(per_page * 1000, 2),
            "emulator_ms_per_page": round(served, 2),
            "overhead_ms_per_page": round(per_page * 1000 - latency_ms, 2)}


def request_span(entries: list[dict]) -> float | None:
    """Seconds from the first request's arrival to the last answer: the run's network phase."""
    if not entries:
        return None
    end = [datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp() for e in entries]
    start = [t - e["duration_ms"] / 1000 for t, e in zip(end, entries)]
    return round(max(end) - min(start), 3)


def summarize_requests(entries: list[dict]) -> dict:
    by = {}
    for e in entries:
        key = e["sub"]
        by[key] = by.get(key, 0) + 1
    errors = sum(1 for e in entries if e["status"] >= 400)
    return {"by_subdomain": dict(sorted(by.items())), "errors": errors}


# --- one size ------------------------------------------------------------------------


def bench_size(size: str, args, mode: str, workdir: Path) -> dict:
    sizes = PRESETS[size]
    t0 = time.monotonic()
    scenario = generate_account(**sizes, seed=args.seed, name=f"bench {size}")
    meta = scenario["_synthetic"]
    flex_conversations = (scenario.get("conversations_configuration") or {}).get("default_chat_service_sid")
    path = workdir / f"{size}.json"
    path.write_text(json.dumps(scenario, separators=(",", ":")), encoding="utf-8")
    del scenario
    gen_s = time.monotonic() - t0
    channels = meta["counts"]["flex_chat_channels"]
    active_conversations = meta["counts"].get("conversations_active", 0) if flex_conversations else 0
    result = {"size": size, "sizes": meta["sizes"], "counts": meta["counts"], "generate_s": round(gen_s, 2),
              "latency_ms": args.latency_ms, "concurrency": args.concurrency}
    log = workdir / f"{size}-requests.jsonl"
    t0 = time.monotonic()
    emu = EmulatorProcess(path, args.latency_ms, log)
    result["emulator_start_s"] = round(time.monotonic() - t0, 2)
    try:
        samples: dict[str, list[dict]] = {"flexaudit": [], "naive": []}
        plan = [("flexaudit", True), ("naive", not (size == "large" and args.naive_large == "skip"))]
        repeats = args.large_runs if size == "large" else args.runs
        for repeat, (name, enabled) in ((r, p) for r in range(repeats) for p in plan):
            if not enabled:
                continue
            before = len(emu.log_lines())
            cpu_before = emu.cpu_seconds()
            out_dir = workdir / f"{size}-{name}-out-{repeat + 1}"
            if name == "flexaudit":
                argv = scan_argv(mode, emu, out_dir, args.concurrency, args.flexaudit_cmd)
            else:
                argv = [sys.executable, str(HERE / "naive_baseline.py"), "--api-base-url", emu.base_url,
                        "--account-sid", emu.account_sid, "--auth-token", emu.auth_token, "--json"]
            print(f"  [{size}] running {name} ({repeat + 1}/{repeats}) ...", file=sys.stderr, flush=True)
            run = run_child(argv)
            entries = emu.log_lines()[before:]
            run["requests"] = len(entries)
            run["emulator_cpu_s"] = round(emu.cpu_seconds() - cpu_before, 2)
            run["request_summary"] = summarize_requests(entries)
            run["network_span_s"] = request_span(entries)
            run["chain"] = chain_stats(entries, "chat", f"/v2/Services/{meta['flex_chat_service_sid']}/Channels",
                                       args.latency_ms)
            run["conversations_chain"] = chain_stats(entries, "conversations",
                                                     f"/v1/Services/{flex_conversations}/Conversations", args.latency_ms)
            if name == "flexaudit":
                inv = out_dir / "flexaudit-inventory.json"
                run["read"] = inventory_counts(inv) if inv.exists() else None
                run["files"] = sorted(p.name for p in out_dir.iterdir()) if out_dir.exists() else []
            else:
                try:
                    run["read"] = json.loads(run["stdout"].strip().splitlines()[-1])["counts"]
                except (ValueError, IndexError, KeyError):
                    run["read"] = None
            if run["exit"] not in (0, 1):
                print(f"  [{size}] {name} exited {run['exit']}: {run['stderr'][-2000:]}", file=sys.stderr)
            run["stderr"] = run["stderr"][-2000:]
            run["stdout"] = run["stdout"][-2000:]
            samples[name].append(run)
        runs = {name: median_run(taken) for name, taken in samples.items() if taken}
        result["runs"] = runs
        result["emulator_peak_rss_mb"] = round(emu.rss_mb(), 1)
    finally:
        emu.stop()

    fa = runs["flexaudit"]
    lat = args.latency_ms / 1000
    chat_chain = 1 + (fa["chain"].get("pages") or math.ceil(channels / CHAT_PAGE))
    conversations_chain = 1 + (fa["conversations_chain"].get("pages") or math.ceil(active_conversations / CONVERSATIONS_PAGE))
    chain = max(chat_chain, conversations_chain)
    ideal = max(chain * lat, fa["requests"] * lat / args.concurrency)
    result["ideal"] = {"chain_requests": chain, "chat_chain_requests": chat_chain,
                       "conversations_chain_requests": conversations_chain,
                       "chain_pages_expected": math.ceil(channels / CHAT_PAGE),
                       "chain_s": round(chain * lat, 3),
                       "throughput_s": round(fa["requests"] * lat / args.concurrency, 3), "ideal_s": round(ideal, 3)}
    result["flexaudit_vs_ideal"] = round(fa["wall_s"] / ideal, 3)
    if "naive" in runs:
        result["speedup"] = round(runs["naive"]["wall_s"] / fa["wall_s"], 2)
    else:
        result["naive_estimate"] = estimate_naive(meta, args.latency_ms)
    return result


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time, with every run's wall time beside it."""
    chosen = dict(sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2])
    chosen["wall_s_all"] = [r["wall_s"] for r in runs]
    return chosen


def estimate_naive(meta: dict, latency_ms: float) -> dict:
    """Requests a naive run would make at the SDK's default page size (50), and their latency alone."""
    c = meta["counts"]
    pages = lambda n, size=50: max(1, math.ceil(n / size))  # noqa: E731
    requests = (1 + pages(c["incoming_phone_numbers"]) + 1 + pages(c["flex_flows"]) + pages(c["studio_flows"])
                + c["studio_flows"] + 1 + pages(c["proxy_pool_numbers"]) + pages(c["proxy_sessions"])
                + 1 + c["messaging_services"] + 2 + pages(c["flex_chat_channels"], NAIVE_CHAT_PAGE) + 2
                + 1 + 1 + 1 + 1 + 1
                # conversation services, the active conversations, the serverless walk (services, environments,
                # two builds and every function's content per service)
                + 1 + pages(c.get("conversations_active", 0)) + 1 + c.get("serverless_services", 0) * 3
                + c.get("serverless_functions", 0)
                # one Messages page per address with traffic or none (Conversations addresses included: an upper bound)
                + c.get("message_addresses_recent", 0) + c.get("message_addresses_old", 0)
                + c.get("message_addresses_none", 0))
    return {"requests": requests, "latency_only_s": round(requests * latency_ms / 1000, 1),
            "note": "not run (--naive-large skip): requests at default page size x latency, a lower bound"}


# --- output --------------------------------------------------------------------------------


def print_report(results: list[dict], mode: str, args) -> list[tuple[str, bool]]:
    print()
    print(f"flexaudit scanner: {'`flexaudit scan` CLI (all formats, --quiet)' if mode == 'cli' else 'run_scan() child (CLI not ready: scan only, no audit/reports)'}")
    print(f"emulator latency {args.latency_ms:g} ms per request, flexaudit --concurrency {args.concurrency}, seed {args.seed}")
    if mode == "cli" and args.flexaudit_cmd != [sys.executable, "-m", "flexaudit"]:
        print(f"flexaudit command: {shlex.join(args.flexaudit_cmd)}")
    print()
    header = f"{'size':7} {'run':10} {'wall s':>8} {'requests':>9} {'peak RSS MB':>12} {'child CPU s':>12} {'emu CPU s':>10}"
    print(header)
    print("-" * len(header))
    for r in results:
        for name in ("flexaudit", "naive"):
            run = r["runs"].get(name)
            if run is None:
                est = r.get("naive_estimate", {})
                print(f"{r['size']:7} {name:10} {'skipped':>8} {est.get('requests', '?'):>9} {'-':>12} {'-':>12} {'-':>10}"
                      f"   (>= {est.get('latency_only_s', '?')} s from latency alone)")
                continue
            spread = run.get("wall_s_all", [run["wall_s"]])
            runs_note = f"   (median of {len(spread)}: {', '.join(f'{w:.2f}' for w in sorted(spread))})" if len(spread) > 1 else ""
            print(f"{r['size']:7} {name:10} {run['wall_s']:8.2f} {run['requests']:9d} {run['peak_rss_mb']:12.1f} "
                  f"{run['cpu_s']:12.2f} {run['emulator_cpu_s']:10.2f}{runs_note}")
    print()
    checks: list[tuple[str, bool]] = []
    for r in results:
        fa = r["runs"]["flexaudit"]
        ideal = r["ideal"]
        chain = fa["chain"]
        print(f"{r['size']}: IDEAL = max(chain {ideal['chain_requests']} (chat {ideal['chat_chain_requests']}, conversations "
              f"{ideal['conversations_chain_requests']}) x {args.latency_ms:g} ms = {ideal['chain_s']:.2f} s, "
              f"{fa['requests']} requests x {args.latency_ms:g} ms / {args.concurrency} = {ideal['throughput_s']:.2f} s) "
              f"= {ideal['ideal_s']:.2f} s; flexaudit {fa['wall_s']:.2f} s = {r['flexaudit_vs_ideal']:.2f}x ideal")
        if fa.get("network_span_s"):
            print(f"  of which network phase (first request to last answer): {fa['network_span_s']:.2f} s "
                  f"= {fa['network_span_s'] / ideal['ideal_s']:.2f}x ideal; the rest is process start, rules and reports")
        for label, seen in (("chat", chain), ("conversations", fa.get("conversations_chain") or {})):
            if seen.get("per_page_ms"):
                print(f"  {label} chain as the emulator saw it: {seen['pages']} pages in {seen['span_s']:.2f} s, "
                      f"{seen['per_page_ms']:.1f} ms/page (emulator {seen['emulator_ms_per_page']:.1f} ms incl. latency)")
        if "speedup" in r:
            print(f"  speedup naive/flexaudit: {r['speedup']:.2f}x")
        read_fa, read_naive = fa.get("read"), (r["runs"].get("naive") or {}).get("read")
        if read_fa and read_naive:
            keys = ("incoming_phone_numbers", "flex_flows", "studio_flows", "proxy_pool_numbers", "proxy_sessions",
                    "messaging_service_numbers", "flex_chat_channels", "address_configurations",
                    "conversation_services", "active_conversations", "serverless_services",
                    "serverless_function_versions", "serverless_legacy_versions", "message_addresses",
                    "message_addresses_with_traffic")
            diff = {k: (read_fa.get(k), read_naive.get(k)) for k in keys if read_fa.get(k) != read_naive.get(k)}
            print(f"  same data read by both: {'yes' if not diff else 'NO ' + json.dumps(diff)}")
        if read_fa and read_fa.get("incomplete"):
            print(f"  WARNING: flexaudit coverage incomplete: {read_fa['incomplete']}")
        checks.append((f"{r['size']}: flexaudit within {TARGET_IDEAL_RATIO}x of ideal "
                       f"({r['flexaudit_vs_ideal']:.2f}x)", r["flexaudit_vs_ideal"] <= TARGET_IDEAL_RATIO))
        if r["size"] == "medium" and "speedup" in r:
            checks.append((f"medium: >= {TARGET_SPEEDUP:g}x faster than naive ({r['speedup']:.2f}x)",
                           r["speedup"] >= TARGET_SPEEDUP))
        if r["size"] == "large":
            checks.append((f"large: flexaudit peak RSS < {TARGET_RSS_MB:g} MB ({fa['peak_rss_mb']:.1f} MB)",
                           fa["peak_rss_mb"] < TARGET_RSS_MB))
        if "naive_estimate" in r:
            print(f"  naive {r['size']} NOT RUN (--naive-large skip): estimated {r['naive_estimate']['requests']} "
                  f"requests, >= {r['naive_estimate']['latency_only_s']} s")
    print()
    for label, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return checks


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child-run-scan"]:
        return child_run_scan(*argv[1:6])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="medium,large", help="comma-separated: medium,large (default both)")
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=8, help="flexaudit --concurrency (its default, 8)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--naive-large", choices=("run", "skip"), default="run",
                        help="skip the naive run on large (then only estimated); default run")
    parser.add_argument("--scanner", choices=("auto", "cli", "run_scan"), default="auto",
                        help="auto: the real `flexaudit scan` CLI when it can run, else run_scan() in a child")
    parser.add_argument("--flexaudit-cmd", type=shlex.split, default=[sys.executable, "-m", "flexaudit"],
                        help="command that runs flexaudit (default: this python -m flexaudit); e.g. a wrapper "
                             "that applies a candidate change, to measure it")
    parser.add_argument("--runs", type=int, default=3, help="runs of each on medium; the median is reported (default 3)")
    parser.add_argument("--large-runs", type=int, default=1, help="runs of each on large (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (scenarios, logs, reports)")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in ("medium", "large"):
            parser.error(f"unknown size {s!r}")
    mode = args.scanner
    if mode == "auto":
        ready, why = cli_ready()
        mode = "cli" if ready else "run_scan"
        if not ready:
            print(f"NOTE: `flexaudit scan` cannot run yet ({why}); timing run_scan() in a child instead "
                  "(scan only: no rules, no reports).", file=sys.stderr)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="flexaudit-bench-"))
    results = []
    try:
        for size in sizes:
            print(f"[{size}] generating and serving the synthetic account ...", file=sys.stderr, flush=True)
            results.append(bench_size(size, args, mode, workdir))
    finally:
        if args.keep:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    checks = print_report(results, mode, args)
    total = time.monotonic() - started
    print(f"\nbench total {total:.1f} s")
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.results_dir / f"{stamp}.json"
    out.write_text(json.dumps({
        "when": stamp, "scanner": mode, "flexaudit_cmd": args.flexaudit_cmd, "latency_ms": args.latency_ms, "concurrency": args.concurrency,
        "seed": args.seed, "naive_large": args.naive_large, "total_s": round(total, 1),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "results": results, "checks": [{"check": c, "pass": ok} for c, ok in checks],
    }, indent=2), encoding="utf-8")
    print(f"figures written to {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
