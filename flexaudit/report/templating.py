"""The one way templates are loaded: from a package's templates/ folder, strict, whitespace-tidy.

Each renderer brings its own escaping (`autoescape` and a `finalize` hook) and
its own filters; everything else about its templates is the same for all
(the reports' in flexaudit/report/templates, the migration's in
flexaudit/migration/templates).
"""

from __future__ import annotations

from typing import Callable

import jinja2


def template_environment(*, autoescape: bool, finalize: Callable[[object], object],
                         package: str = "flexaudit.report") -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=autoescape,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,  # a misspelt field fails a test instead of printing nothing
    )
