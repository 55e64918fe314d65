"""The activity log of a connector: one tab-separated line per protocol exchange, in a file per
service and day (``<dir>/<service>-activity-YYYY-MM-DD.log``):

    time (UTC, ISO 8601)  connection id  client address  direction  text

``direction`` is ``in`` (what the client sent), ``out`` (our reply, its first line) or ``note``
(an event such as a refused login). Callers pass text without secrets: the log never holds a
password or a SASL response.
"""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TextIO


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\r", "\\r").replace("\n", "\\n")


class ActivityLog:
    def __init__(self, directory: Path, service: str) -> None:
        self.directory = directory
        self.service = service
        self._day: dt.date | None = None
        self._file: TextIO | None = None
        self._lock = threading.Lock()

    def path_for(self, day: dt.date) -> Path:
        return self.directory / f"{self.service}-activity-{day.isoformat()}.log"

    def write(self, connection: str, client: str, direction: str, text: str) -> None:
        now = dt.datetime.now(dt.UTC)
        line = f"{now.isoformat(timespec='milliseconds')}\t{connection}\t{client}\t{direction}\t{_clean(text)}\n"
        with self._lock:
            if self._day != now.date() or self._file is None:
                self._open(now.date())
            assert self._file is not None
            self._file.write(line)

    def _open(self, day: dt.date) -> None:
        if self._file is not None:
            self._file.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path_for(day), "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self._day = day

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
