"""Report files: written once each, never over a file that appeared meanwhile, every other file still written."""

from __future__ import annotations

import errno

import pytest
from click.testing import CliRunner

from flexaudit.cli import cli
from flexaudit.emulator import Emulator
from flexaudit.report.write import FilesNotWritten, write_outputs
from tests.support.reports import sample_report


@pytest.mark.parametrize("clash", ["flexaudit-report.md", "flexaudit-summary.md", "flexaudit-addresses.csv"])
def test_a_report_file_that_appeared_meanwhile_is_never_overwritten(tmp_path, clash):
    out = tmp_path / "o"
    out.mkdir()
    (out / clash).write_text("mine")  # after the pre-scan check, before the write
    with pytest.raises(FilesNotWritten) as caught:
        write_outputs(sample_report(), None, out, ("md", "html", "json", "csv"))
    [(name, error)] = caught.value.failed
    assert name == clash and error.errno == errno.EEXIST and error.filename == str(out / clash)
    assert (out / clash).read_text() == "mine"
    # every other file is there, whole; no temporary file is left behind
    assert sorted(p.name for p in out.iterdir()) == ["flexaudit-addresses.csv", "flexaudit-report.html",
                                                       "flexaudit-report.json", "flexaudit-report.md",
                                                       "flexaudit-summary.md"]
    assert sorted(p.name for p in caught.value.written) == sorted({"flexaudit-addresses.csv", "flexaudit-report.html",
                                                                  "flexaudit-report.json", "flexaudit-report.md",
                                                                  "flexaudit-summary.md"} - {clash})


def test_the_cli_names_the_file_it_could_not_write(demo_scenario, tmp_path, monkeypatch):
    from flexaudit.commands import pipeline

    out = tmp_path / "o"
    checked = pipeline.output_dir

    def check_then_clash(*args, **kwargs):
        out_dir = checked(*args, **kwargs)
        out_dir.mkdir(parents=True)
        (out_dir / "flexaudit-report.json").write_text("mine")  # someone else, during the scan
        return out_dir

    monkeypatch.setattr(pipeline, "output_dir", check_then_clash)
    with Emulator(demo_scenario) as emu:
        result = CliRunner().invoke(cli, ["scan", "--account-sid", emu.account_sid, "--auth-token", emu.auth_token,
                                          "--api-base-url", emu.base_url, "--quiet", "--output-dir", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"flexaudit: error: cannot write flexaudit-report.json in {out}: File exists; "
                                     "written: flexaudit-report.md, flexaudit-summary.md, flexaudit-report.html, "
                                     "flexaudit-addresses.csv, flexaudit-inventory.json")
    assert (out / "flexaudit-report.json").read_text() == "mine"
    assert {p.name for p in out.iterdir()} == {"flexaudit-report.md", "flexaudit-summary.md", "flexaudit-report.html",
                                              "flexaudit-report.json", "flexaudit-addresses.csv",
                                              "flexaudit-inventory.json"}


@pytest.mark.parametrize("formats, names", [
    (("md",), ["flexaudit-report.md", "flexaudit-summary.md"]),
    (("json", "csv"), ["flexaudit-addresses.csv", "flexaudit-report.json"]),
    (("html",), ["flexaudit-report.html"]),
])
def test_the_summary_comes_with_md_and_only_with_it(tmp_path, formats, names):
    written = write_outputs(sample_report(), None, tmp_path / "o", formats)
    assert sorted(p.name for p in written) == names == sorted(p.name for p in (tmp_path / "o").iterdir())
