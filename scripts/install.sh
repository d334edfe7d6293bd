#!/usr/bin/env bash
# Installs everything moedearkiv needs on a fresh Debian machine (run as root):
# system packages (Tesseract with the Danish model, poppler, qpdf, Danish word lists, PostgreSQL for the
# tests' throwaway cluster) and a
# virtualenv in .venv with the package and its dev tools. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(tesseract-ocr tesseract-ocr-dan tesseract-ocr-eng tesseract-ocr-osd poppler-utils qpdf
              wdanish hunspell-da fonts-dejavu-core postgresql chromium)  # chromium: the reading room's browser tests
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
python3 -m venv --help >/dev/null 2>&1 || missing+=(python3-venv)
command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install.sh: apt-get install ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e '.[dev]'
