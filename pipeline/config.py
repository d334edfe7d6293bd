"""Settings, read in one place (the CLI or the caller) and passed down; steps never read the environment."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("moedearkiv-data")


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    db_url: str
    ocr_language: str = "dan"
    ocr_dpi: int = 300
    workers: int = 2  # Tesseract processes at once: one per core
    min_text_chars: int = 25  # a page whose text layer has fewer non-space characters is OCR'd if it has an image
    quiet: bool = False
    engine: str = "whoosh"  # whoosh (default), tantivy (faster), postgres (inside PostgreSQL)

    @property
    def index_dir(self) -> Path:
        """Each engine keeps its own folder, so switching engines never opens the other's files."""
        return self.home / ("index" if self.engine == "whoosh" else f"index-{self.engine}")

    @property
    def cache_dir(self) -> Path:
        """Derived data that can be rebuilt at any time (the compiled Danish lexicon)."""
        return self.home / "cache"

    @classmethod
    def resolve(
        cls,
        home: str | Path | None = None,
        db_url: str | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> Settings:
        """Options win over environment variables (MOEDEARKIV_HOME, MOEDEARKIV_DB, MOEDEARKIV_ENGINE), which win
        over defaults."""
        env = os.environ if env is None else env
        home_path = Path(home or env.get("MOEDEARKIV_HOME") or DEFAULT_HOME)
        url = db_url or env.get("MOEDEARKIV_DB") or f"sqlite:///{(home_path / 'moedearkiv.sqlite').resolve()}"
        workers = int(env.get("MOEDEARKIV_WORKERS", 0)) or max(1, os.cpu_count() or 1)
        values: dict[str, object] = {"workers": workers, **overrides}
        if "engine" not in overrides and env.get("MOEDEARKIV_ENGINE"):
            values["engine"] = env["MOEDEARKIV_ENGINE"].strip().lower()
        elif "engine" not in overrides and url.startswith("postgresql"):
            values["engine"] = "postgres"  # search inside the database many machines share
        return cls(home=home_path, db_url=url, **values)  # type: ignore[arg-type]
