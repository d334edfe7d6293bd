#!/usr/bin/env bash
# Install everything, then lint and run the whole test suite (real Tesseract, SQLite and Whoosh included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest -q "$@"
