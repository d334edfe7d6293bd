"""The closing line of an ingest run and the notes on files that joined a meeting or replaced a version."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.ingest import FileResult


@dataclass(slots=True)
class Summary:
    ingested: int = 0
    skipped: int = 0
    failed: int = 0
    attached: dict[str, int] = field(default_factory=lambda: {"copy": 0, "item": 0, "bilag": 0})

    def add(self, result: FileResult) -> None:
        if result.status == "ingested":
            self.ingested += 1
            if result.role in self.attached:
                self.attached[result.role] += 1
        elif result.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1

    @staticmethod
    def note(result: FileResult) -> str | None:
        if result.status != "ingested":
            return None
        notes = []
        if result.replaced:
            notes.append(f"replaced the older version of {result.path}")
        if result.joined:
            notes.append(f"joined meeting {result.meeting_id} as {result.role}")
        return "; ".join(notes) or None

    def line(self, seconds: float) -> str:
        attached = ", ".join(f"{n} as {role}" for role, n in self.attached.items())
        return (f"ingested {self.ingested} (attached {attached}), skipped {self.skipped}, failed {self.failed}, "
                f"{seconds:.1f} s")
