"""The output directory is checked before the first request, and files appear only complete."""

from __future__ import annotations

import json
import resource
import signal

import pytest

from flexaudit.emulator import Emulator
from flexaudit.emulator.routes import FAMILIES

from tests.support.process import run_flexaudit


def flexaudit(args, limit_file_size: int | None = None):
    def limit():
        if limit_file_size is not None:  # as `ulimit -f` does; Python ignores SIGXFSZ, say so anyway
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return run_flexaudit(args, preexec_fn=limit)


def scan_args(emu, out):
    return ["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token, "--api-base-url", emu.base_url,
            "--quiet", "--output-dir", str(out)]


@pytest.mark.parametrize("where, reason", [
    ("file/reports", "is not a directory"),  # a path whose parent is a file
    ("x" * 300, "File name too long"),  # a name no file system takes
    ("/sys/flexaudit-reports", "cannot be written"),  # a directory nobody may write in, root included
])
def test_an_unusable_output_dir_is_one_line_and_exit_2_before_any_request(demo_scenario, tmp_path, where, reason):
    (tmp_path / "file").write_text("not a directory")
    out = tmp_path / where if not where.startswith("/") else where
    with Emulator(demo_scenario) as emu:
        result = flexaudit(scan_args(emu, out))
        requests = len(emu.requests)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("flexaudit: error: --output-dir ") and reason in lines[0], lines
    assert requests == 0  # it cost no scan
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_the_check_leaves_nothing_behind(demo_scenario, tmp_path):
    existing, nested = tmp_path / "existing", tmp_path / "new" / "deeper" / "o"
    existing.mkdir()
    with Emulator(demo_scenario, deny={family: 401 for family in FAMILIES}) as emu:
        for out in (existing, nested):  # checked, then credentials rejected: nothing written
            assert flexaudit(scan_args(emu, out)).returncode == 2
    assert list(existing.iterdir()) == [] and not (tmp_path / "new").exists()


def test_with_the_disk_full_every_file_is_whole_or_absent_and_a_rerun_works(demo_scenario, tmp_path):
    out = tmp_path / "o"
    with Emulator(demo_scenario) as emu:
        # 120 KiB: the HTML (about 240 KB) and the JSON report (about 160 KB) cannot be written, the others can
        result = flexaudit(scan_args(emu, out), limit_file_size=120 * 1024)
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    prefix = "flexaudit: error: cannot write "
    assert line.startswith(prefix) and "\n" not in line
    failed, _, rest = line[len(prefix):].partition(f" in {out}: File too large; written: ")
    failed, written = failed.split(", "), rest.split(", ")
    assert {"flexaudit-report.html", "flexaudit-report.json"} <= set(failed)
    assert {"flexaudit-report.md", "flexaudit-addresses.csv", "flexaudit-inventory.json"} <= set(written)
    # under a final name only complete files, and no temporary file left
    assert sorted(p.name for p in out.iterdir()) == sorted(written)
    inventory = json.loads((out / "flexaudit-inventory.json").read_text())
    assert inventory["kind"] == "flexaudit-inventory"
    # the rerun writes the missing files next to the others
    rerun = flexaudit(["report", str(out / "flexaudit-inventory.json"), "--quiet", "--format", "html", "--format",
                       "json", "--output-dir", str(out)])
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads((out / "flexaudit-report.json").read_text())["schema_version"] == 1
    assert (out / "flexaudit-report.html").read_text().rstrip().endswith("</html>")
    assert sorted(p.name for p in out.iterdir()) == sorted({*written, *failed})
