"""Every request the emulator answered, for tests to inspect and for a JSON-lines file.

Never holds a password or secret: only the Basic-auth username is kept.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path


class RequestLog:
    def __init__(self, path: str | Path | None = None):
        self._entries: list[dict] = []
        self._lock = threading.Lock()
        self._file = open(path, "a", encoding="utf-8") if path else None

    def record(self, entry: dict) -> None:
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(json.dumps(entry) + "\n")
                self._file.flush()

    def entries(self) -> list[dict]:
        """A snapshot: copies, so callers may keep or change them freely."""
        with self._lock:
            return [dict(e) for e in self._entries]

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
