"""The interface every report format implements.

One renderer per module (`markdown.py`, `summary.py`, `html.py`,
`json_format.py`, `csv_format.py`), each a `ReportFormat` subclass registered in
`flexaudit.report.RENDERERS` (renderers.py). Adding a file means one new module,
its name in `write.REPORT_FILES` and one line in `renderers.py`.

Renderers are pure: `render(report)` depends only on the Report (no clock,
no environment, no file system besides their own templates), so the same
Report always renders to the same text.
"""

from __future__ import annotations

import abc
from typing import ClassVar

from flexaudit.report.model import Report


class ReportFormat(abc.ABC):
    """A report format: its `--format` name, the file it is written to, and its renderer."""

    #: the value of `--format` (md, html, json, csv)
    format: ClassVar[str]
    #: the fixed file name in the output directory (contract)
    filename: ClassVar[str]
    #: MIME type, for whoever serves or attaches the file
    media_type: ClassVar[str] = "text/plain"

    @abc.abstractmethod
    def render(self, report: Report) -> str:
        """The file's whole content. Writers encode it as UTF-8 (newline='' for CSV)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} format={self.format!r} filename={self.filename!r}>"
