"""Jobs split between this process and a forked child: same results, failures raised here."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from flexaudit import parallel_jobs
from flexaudit.parallel_jobs import Job, JobFailed, run_jobs

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only; elsewhere jobs run serially")


def writes(path: Path, text: str):
    def run():
        path.write_text(f"{text} by {os.getpid()}")
    return run


def test_forked_jobs_write_everything_from_two_processes(tmp_path):
    jobs = [Job(f"f{i}", writes(tmp_path / f"f{i}", f"job {i}"), weight) for i, weight in enumerate([3, 2, 1, 1, 1])]
    run_jobs(jobs, fork=True)
    texts = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert sorted(texts) == ["f0", "f1", "f2", "f3", "f4"]
    assert all(texts[f"f{i}"].startswith(f"job {i} by ") for i in range(5))
    pids = {t.rsplit(" ", 1)[1] for t in texts.values()}
    assert str(os.getpid()) in pids and len(pids) == 2  # the heaviest stayed here, the rest was shared


def test_balance_keeps_the_heaviest_here_and_evens_the_load():
    jobs = [Job(n, lambda: None, w) for n, w in [("md", 2), ("html", 3), ("json", 0.5), ("csv", 1), ("inv", 1.5)]]
    here, there = parallel_jobs._balance(jobs)
    assert [j.name for j in here] == ["html", "csv"]  # 4, in the jobs' own order
    assert [j.name for j in there] == ["md", "json", "inv"]  # 4


def test_an_oserror_in_the_child_is_an_oserror_here_after_the_others_finished(tmp_path):
    def fails():
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "f1"))

    jobs = [Job("f0", writes(tmp_path / "f0", "job 0"), 2), Job("f1", fails, 1)]
    with pytest.raises(OSError) as caught:
        run_jobs(jobs, fork=True)
    assert caught.value.errno == errno.ENOSPC and caught.value.strerror == "No space left on device"
    assert caught.value.filename == str(tmp_path / "f1")
    assert (tmp_path / "f0").read_text().startswith("job 0")


def test_a_bug_in_the_child_is_reported_with_its_type_and_message(tmp_path):
    def buggy():
        raise KeyError("severity")

    with pytest.raises(JobFailed, match="KeyError: 'severity'"):
        run_jobs([Job("f0", writes(tmp_path / "f0", "x"), 2), Job("f1", buggy, 1)], fork=True)


def test_a_child_that_raises_systemexit_still_ends_as_a_failed_child():
    def exits():
        raise SystemExit(5)

    # not a second copy of this process carrying on from the fork: the parent hears of an abnormal end
    with pytest.raises(JobFailed, match="the process writing there ended abnormally"):
        run_jobs([Job("here", lambda: None, 2), Job("there", exits, 1)], fork=True)


def test_a_failure_here_still_waits_for_the_child(tmp_path):
    def fails():
        raise OSError(errno.EACCES, "Permission denied", "here")

    with pytest.raises(OSError, match="Permission denied"):
        run_jobs([Job("here", fails, 2), Job("there", writes(tmp_path / "there", "child"), 1)], fork=True)
    assert (tmp_path / "there").read_text().startswith("child")  # the child was reaped, not abandoned


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parallel_jobs.can_fork() is False
    finally:
        stop.set()
        other.join()


def test_serial_fallback_runs_every_job_here(tmp_path):
    jobs = [Job(f"f{i}", writes(tmp_path / f"f{i}", f"job {i}")) for i in range(3)]
    run_jobs(jobs, fork=False)
    assert {p.read_text().rsplit(" ", 1)[1] for p in tmp_path.iterdir()} == {str(os.getpid())}


@pytest.mark.parametrize("fork", [True, False])
@pytest.mark.parametrize("clash", ["flexaudit-report.md", "flexaudit-addresses.csv"])
def test_a_report_file_that_appeared_meanwhile_is_never_overwritten(tmp_path, monkeypatch, fork, clash):
    from flexaudit.output import write_outputs

    from report_builders import sample_report

    monkeypatch.setattr(parallel_jobs, "can_fork", lambda: fork)
    out = tmp_path / "o"
    out.mkdir()
    (out / clash).write_text("mine")  # after the pre-scan check, before the write
    with pytest.raises(OSError) as caught:
        write_outputs(sample_report(), None, out, ("md", "html", "json", "csv"))
    assert caught.value.errno == errno.EEXIST and caught.value.filename == str(out / clash)
    assert (out / clash).read_text() == "mine"
    # every other file was still written, whichever process wrote it and whatever came first
    assert sorted(p.name for p in out.iterdir()) == ["flexaudit-addresses.csv", "flexaudit-report.html",
                                                       "flexaudit-report.json", "flexaudit-report.md"]


def test_the_cli_names_the_file_it_could_not_write(demo_scenario, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from flexaudit.cli import cli
    from flexaudit.commands import prepare
    from flexaudit.emulator import Emulator

    out = tmp_path / "o"
    checked = prepare.prepare_output_dir

    def check_then_clash(out_dir, formats, with_inventory):
        checked(out_dir, formats, with_inventory)
        out_dir.mkdir(parents=True)
        (out_dir / "flexaudit-report.json").write_text("mine")  # someone else, during the scan

    monkeypatch.setattr("flexaudit.commands.scan.prepare_output_dir", check_then_clash)
    with Emulator(demo_scenario) as emu:
        result = CliRunner().invoke(cli, ["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                                          "--api-base-url", emu.base_url, "--quiet", "--output-dir", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"flexaudit: error: cannot write flexaudit-report.json in {out}: File exists; "
                                     "every other file that could be written is there")
    assert (out / "flexaudit-report.json").read_text() == "mine"
    assert {p.name for p in out.iterdir()} == {"flexaudit-report.md", "flexaudit-report.html", "flexaudit-report.json",
                                              "flexaudit-addresses.csv", "flexaudit-inventory.json"}
