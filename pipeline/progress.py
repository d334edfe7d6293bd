"""OCR page progress: which file Tesseract is reading and how many of its pages are done, for the CLI's stderr.

A count travels as (file name, pages done, pages to OCR). In-process the OCR engine calls the sink itself
(`OcrEngine.progress`); a pool worker puts the count on a queue that a thread of the parent drains into the
same sink (`PageFeed`), so a scan read by a worker shows its pages as one read in-process does.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import TextIO

PageSink = Callable[[str, int, int], None]  # (file name, pages done, pages to OCR)
PageCount = Callable[[int, int], None]  # what the OCR engine calls: (pages done, pages to OCR)


def for_file(sink: PageSink | None, path: Path) -> PageCount | None:
    """The engine's callback for one file, or None when nobody listens."""
    if sink is None:
        return None
    name = path.name
    return lambda done, total: sink(name, done, total)


class PageFeed:
    """The parent's end of the workers' page counts: a thread moving them from the queue into the sink."""

    def __init__(self, queue: SimpleQueue, sink: PageSink) -> None:
        self._queue = queue
        self._sink = sink
        self._thread = threading.Thread(target=self._drain, name="ocr-progress", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (count := self._queue.get()) is not None:
            with contextlib.suppress(Exception):  # a display error must not stop the ingest
                self._sink(*count)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)


class PageLine:
    """The count as one line on a terminal, rewritten in place (`\\r`), cleared before any other output so a
    result line never lands inside it. Off when the stream is no terminal: logs get the result lines only."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._shown = False
        self.enabled = stream.isatty()

    def __call__(self, name: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._stream.write(f"\r\033[K  OCR {name}: page {min(done, total)} of {total}")
            self._stream.flush()
            self._shown = True

    def clear(self) -> None:
        with self._lock:
            if self._shown:
                self._stream.write("\r\033[K")
                self._stream.flush()
                self._shown = False
