#!/usr/bin/env bash
# Quickstart: builds audience-sync, imports the bundled example export into a throwaway
# database, and prints the resulting audience.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/dev/install-deps.sh
swift build -c release --product audience-sync >&2
bin=.build/release/audience-sync
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" import --db "$work/audience.db" --directory acme \
    --users Fixtures/users.csv --groups Fixtures/user_groups.csv --groups-catalog Fixtures/groups.csv \
    --attributes job_title,department_name >&2
"$bin" export --db "$work/audience.db"
