#!/usr/bin/env bash
# Runs the whole test suite, installing the build and test dependencies first when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
deploy/dev/install-deps.sh
# 60 s of libFuzzer over the CSV reader, the users.csv validator and the user_groups.csv scanner
# (~1 min more to build the harness).
deploy/dev/fuzz.sh --seconds 60
swift build --build-tests
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Per-test progress lines are dropped to keep the log readable; failures and summaries stay.
# --no-parallel: most tests block on real processes (sshd, the binary); run side by side on two cores
# they queue for the two threads of Swift's pool, and a queued test's time limit runs out while it
# waits. One at a time, each test's limit measures only itself.
swift test --skip-build --no-parallel 2>&1 | tee "$log" | grep --line-buffered -vP '^(◇|↳) |^✔ (Test|Suite) (?!run )' || status=$?
summary=$(grep -oP '(✔|✘) Test run with \K[0-9]+(?= tests?)' "$log" | tail -1 || true)
issues=$(grep -oP '✘ Test run with [0-9]+ tests?.* with \K[0-9]+(?= issues?)' "$log" | tail -1 || true)
if [ "$status" -ne 0 ] || [ -z "$summary" ] || grep -q '✘ Test run' "$log"; then
    echo "${summary:-0} tests: FAILED (${issues:-?} issues)"
    exit 1
fi
echo "$summary passed, 0 failed"
