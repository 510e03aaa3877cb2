#!/usr/bin/env bash
# Debian packages the project needs: Japanese fonts and HarfBuzz subsetting for PDFs (WeasyPrint),
# poppler for PDF checks, chromium for the browser tests. Installs only what is missing.
set -euo pipefail
PKGS=(fonts-ipaexfont libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
