"""Settings, read in one place (the CLI or the caller) and passed down; steps never read the environment."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError

ENGINES = ("whoosh", "tantivy", "postgres")  # as index/engine_choice.py; kept here so settings fail early
DEFAULT_HOME = Path("moedearkiv-data")


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    db_url: str
    ocr_language: str = "dan"
    ocr_dpi: int = 300  # only for pages without an image; scans are read at their own resolution (pipeline/ocr.py)
    ocr_timeout: float = 120.0  # CPU seconds Tesseract may use on a page before its file fails (MOEDEARKIV_OCR_TIMEOUT)
    workers: int = 2  # Tesseract processes at once: one per core
    min_text_chars: int = 25  # a page whose text layer has fewer non-space characters is OCR'd if it has an image
    quiet: bool = False
    engine: str = "whoosh"  # whoosh (default), tantivy (faster), postgres (inside PostgreSQL)
    lock_timeout: float = 600.0  # seconds a writer waits for another writer of the same data folder
    max_page_megapixels: float = 200.0  # a page image for OCR is rendered coarser to fit, or refused (memory)
    max_pages: int = 5000  # a file claiming more pages is refused
    max_page_text_chars: int = 500_000  # a page whose text layer is larger is refused
    max_page_objects: int = 200_000  # a page drawn with more objects (text runs, paths, images) is refused
    max_image_megabytes: float = 500.0  # a page to OCR whose images take more memory decoded is refused
    max_file_seconds: float = 600.0  # wall time for one file's extraction, OCR and parsing
    split_ocr_pages: int = 4  # a queued document with more pages to OCR is read as one job per page (page_jobs.py)
    user_cache_dir: Path | None = None  # per machine (MOEDEARKIV_CACHE_DIR, $XDG_CACHE_HOME/moedearkiv, ~/.cache)

    @property
    def index_dir(self) -> Path:
        """Each engine keeps its own folder, so switching engines never opens the other's files."""
        return self.home / ("index" if self.engine == "whoosh" else f"index-{self.engine}")

    @property
    def cache_dir(self) -> Path:
        """Derived data that can be rebuilt at any time (the compiled Danish lexicon)."""
        return self.home / "cache"

    @property
    def lexicon_dir(self) -> Path:
        """Where the compiled Danish lexicon is cached: once per machine, so a fresh data folder (and every
        worker process) loads it instead of building it; the data folder's cache when no user folder is known."""
        return self.user_cache_dir or self.cache_dir

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
        given = db_url or env.get("MOEDEARKIV_DB")
        url = given or f"sqlite:///{(home_path / 'moedearkiv.sqlite').resolve()}"
        if given:  # our own default needs no check (nor SQLAlchemy's import, 0.19 s, before a command's first step)
            _check_db_url(url)
        workers = _number(env, "MOEDEARKIV_WORKERS", int, 0, 256) or max(1, os.cpu_count() or 1)
        values: dict[str, object] = {"workers": workers, "user_cache_dir": user_cache_dir(env)}
        if env.get("MOEDEARKIV_LOCK_TIMEOUT"):
            values["lock_timeout"] = _number(env, "MOEDEARKIV_LOCK_TIMEOUT", float, 0, 86_400)
        if env.get("MOEDEARKIV_OCR_TIMEOUT"):
            values["ocr_timeout"] = _number(env, "MOEDEARKIV_OCR_TIMEOUT", float, 1, 86_400)
        if env.get("MOEDEARKIV_ENGINE"):
            values["engine"] = env["MOEDEARKIV_ENGINE"].strip().lower()
        elif "engine" not in overrides and url.startswith("postgresql"):
            values["engine"] = "postgres"  # search inside the database many machines share
        values.update(overrides)
        if values.get("engine", "whoosh") not in ENGINES:
            raise ConfigError(f"unknown search engine {values['engine']!r} (MOEDEARKIV_ENGINE or --engine)",
                              f"choose one of {', '.join(ENGINES)}")
        if values.get("engine") == "postgres" and not url.startswith("postgresql"):
            raise ConfigError(f"the postgres search engine searches inside PostgreSQL, not {url.split(':')[0]}",
                              "give --db postgresql+psycopg://USER@HOST/DB, or choose --engine whoosh or tantivy")
        return cls(home=home_path, db_url=url, **values)  # type: ignore[arg-type]


def user_cache_dir(env: Mapping[str, str]) -> Path | None:
    """MOEDEARKIV_CACHE_DIR, else $XDG_CACHE_HOME/moedearkiv, else ~/.cache/moedearkiv (None without a home)."""
    if env.get("MOEDEARKIV_CACHE_DIR", "").strip():
        return Path(env["MOEDEARKIV_CACHE_DIR"].strip())
    if env.get("XDG_CACHE_HOME", "").strip():
        return Path(env["XDG_CACHE_HOME"].strip()) / "moedearkiv"
    home = env.get("HOME", "").strip()
    return Path(home) / ".cache" / "moedearkiv" if home else None


def _number(env: Mapping[str, str], name: str, kind: type, low: float, high: float) -> float:
    """A numeric environment variable in [low, high], or a ConfigError naming it (0 when unset)."""
    raw = env.get(name, "").strip()
    if not raw:
        return kind(0)
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ConfigError(f"{name}={raw!r} is not a {kind.__name__} from {low:g} to {high:g}",
                          f"set it to a number, e.g. {name}={int(high) if high < 10 else 2}, or unset it")
    return value


def _check_db_url(url: str) -> None:
    """A URL SQLAlchemy can parse and has a driver for; connecting is checked when the archive opens."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        make_url(url).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as err:
        raise ConfigError(f"unusable database URL {url!r} (--db or MOEDEARKIV_DB): {err}",
                          "give an SQLAlchemy URL such as sqlite:////path/archive.sqlite") from err
    except ImportError as err:
        raise ConfigError(f"no driver for the database URL {url!r}: {err}",
                          "install the driver package named above into the virtualenv") from err
