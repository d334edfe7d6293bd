#!/usr/bin/env bash
# Install everything, ingest the shipped fixtures into ./moedearkiv-data, print stats and one search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export MOEDEARKIV_HOME="${MOEDEARKIV_HOME:-moedearkiv-data}"
# fixtures/bad holds deliberately broken PDFs: they are reported as failed (exit 1) while the rest is ingested
.venv/bin/moedearkiv ingest fixtures/ || echo "(some files failed, as fixtures/bad/ intends; see above)"
.venv/bin/moedearkiv stats
.venv/bin/moedearkiv search "lærepladser" --limit 5
