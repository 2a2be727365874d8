#!/usr/bin/env bash
# Installs what ecograph needs beyond PyPI: npm packages (web workbench, Cypher linter)
# and Debian packages (Chromium for browser tests, pdftotext, a Chinese font for PDFs).
# Idempotent: does nothing when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if ! fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|noto serif cjk"; then need_apt+=(fonts-wqy-zenhei fontconfig); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install with your package manager: ${need_apt[*]} (browser tests and PDF checks are skipped without them)" >&2
  fi
fi

for dir in api/web tools/cypher-lint; do
  if [ -f "$dir/package.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      echo "setup: npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && touch node_modules)
    fi
  fi
done
