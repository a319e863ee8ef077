#!/usr/bin/env bash
# Installs what Linli needs on Debian 12, only what is missing. Safe to run again.
set -euo pipefail
debs=(build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev
      libvips-dev libcmocka-dev libcurl4-openssl-dev sqlite3)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node may come from another source whose nodejs package already carries npm; only add Debian's when absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
