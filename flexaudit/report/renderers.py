"""The registry of report formats: one instance of each renderer, by `--format` value."""

from __future__ import annotations

from flexaudit.report.csv_format import CsvFormat
from flexaudit.report.html import HtmlFormat
from flexaudit.report.interface import ReportFormat
from flexaudit.report.json_format import JsonFormat
from flexaudit.report.markdown import MarkdownFormat

RENDERERS: dict[str, ReportFormat] = {
    r.format: r for r in (MarkdownFormat(), HtmlFormat(), JsonFormat(), CsvFormat())
}
