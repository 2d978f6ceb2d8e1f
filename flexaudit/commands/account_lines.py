"""One status line per running account on stderr, redrawn in place, for a person watching a fleet scan.

Four accounts scan at once; a single self-rewriting line (as a one-account
scan has) would flicker between them. Each running account keeps its own line;
when it ends, its line leaves and a one-line result stays above the running
ones. Account values go through `one_line` (a name cannot move the cursor or
recolour the terminal) and every line is cut to the terminal's width, so the
redraw always knows how many lines it drew.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
import unicodedata
from typing import Callable, TextIO

from flexaudit.safe_text import one_line

_UP_AND_CLEAR = "\x1b[{n}F\x1b[J"  # to the start of the line n lines up, then clear to the end of the screen
REDRAW_EVERY = 0.1  # seconds: updates in between are shown by the next redraw


class AccountLines:
    def __init__(self, stream: TextIO | None, *, width: Callable[[], int] | None = None,
                 clock: Callable[[], float] = time.monotonic):
        """stream None: nothing is shown (not a terminal, or --quiet)."""
        self._stream = stream
        self._width = width or (lambda: shutil.get_terminal_size((100, 24)).columns)
        self._clock = clock
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, str]] = {}  # sid -> (label, latest message)
        self._done: list[str] = []  # results not printed yet
        self._drawn = 0
        self._last_draw = float("-inf")

    def start(self, sid: str, name: str | None) -> None:
        with self._redraw(force=True):
            self._running[sid] = (_label(sid, name), "starting")

    def update(self, sid: str, message: object) -> None:
        """The account's latest note; the orchestrator's family start/finish events are not notes."""
        if not isinstance(message, str):
            return
        with self._redraw(force=False):
            if sid in self._running:
                self._running[sid] = (self._running[sid][0], one_line(message))

    def finish(self, sid: str, result: str) -> None:
        with self._redraw(force=True):
            label, _ = self._running.pop(sid, (_label(sid, None), ""))
            self._done.append(f"{label}: {one_line(result)}")

    def close(self) -> None:
        """Leave the results on screen, the running lines (if any are left) cleared."""
        with self._redraw(force=True):
            self._running.clear()

    @contextlib.contextmanager
    def _redraw(self, force: bool):
        """Change the lines (the with-block), then draw them unless the last draw was under REDRAW_EVERY ago."""
        with self._lock:
            yield
            if self._stream is None:
                return
            now = self._clock()
            if force or now - self._last_draw >= REDRAW_EVERY:
                self._last_draw = now
                self._draw()

    def _draw(self) -> None:
        width = max(20, self._width() - 1)
        parts = [_UP_AND_CLEAR.format(n=self._drawn) if self._drawn else ""]
        parts += [_cut(line, width) + "\n" for line in self._done]
        running = [_cut(f"scanning {label}: {message}", width) for label, message in self._running.values()]
        parts += [line + "\n" for line in running]
        self._done.clear()
        self._drawn = len(running)
        self._stream.write("".join(parts))
        self._stream.flush()


def _label(sid: str, name: str | None) -> str:
    name = one_line(name).strip()
    return f"{one_line(sid)} {name}" if name else one_line(sid)


def _cut(text: str, width: int) -> str:
    """The text cut to `width` terminal columns (wide characters take two): a line never wraps."""
    used = 0
    for i, char in enumerate(text):
        used += _columns(char)
        if used > width - 1 and i < len(text) - 1 or used > width:
            return text[:i] + "…"
    return text


def _columns(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
