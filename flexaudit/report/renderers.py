"""The registry of report renderers: one instance of each, by its key in `write.REPORT_FILES`.

A renderer's `format` is the `--format` value that writes its file: `md` writes both
the complete report (key `md`) and the summary sized for a comment (key `summary`).
"""

from __future__ import annotations

from flexaudit.report.csv_format import CsvFormat
from flexaudit.report.html import HtmlFormat
from flexaudit.report.interface import ReportFormat
from flexaudit.report.json_format import JsonFormat
from flexaudit.report.markdown import MarkdownFormat
from flexaudit.report.summary import SummaryFormat
from flexaudit.report.write import REPORT_FILES

RENDERERS: dict[str, ReportFormat] = {
    key: renderer
    for renderer in (MarkdownFormat(), SummaryFormat(), HtmlFormat(), JsonFormat(), CsvFormat())
    for key in REPORT_FILES if REPORT_FILES[key] == renderer.filename
}
