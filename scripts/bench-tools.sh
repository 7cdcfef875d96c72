#!/usr/bin/env bash
# Installs the peer tools `npm run bench` compares with, if they are missing:
#   daemon             libslack's daemon(1), Debian package `daemon` (watchdog section)
#   start-stop-daemon  comes with dpkg (tdaemon section)
# Only root can install them; anyone else is told how, and the bench then
# prints SKIP for the comparisons it cannot make. Never fails the bench.
set -u

missing=()
command -v daemon >/dev/null 2>&1 || missing+=(daemon)
command -v start-stop-daemon >/dev/null 2>&1 || missing+=(dpkg)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "bench-tools: missing ${missing[*]}; as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  echo "bench-tools: the bench skips the comparisons that need them" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench-tools: missing ${missing[*]} and no apt-get here; the bench skips those comparisons" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Try from the current package lists first; update them only if that fails.
if ! apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || echo "bench-tools: apt-get update failed" >&2
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
    echo "bench-tools: could not install ${missing[*]}; the bench skips those comparisons" >&2
fi
exit 0
