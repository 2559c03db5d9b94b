#!/usr/bin/env bash
# Long crash-consistency run: the import of a changed 1,000,000-user export SIGKILLed at 49 points (after each
# phase, at 30 fractions of a measured run, 10 points in the commit/checkpoint window), plus the torn-WAL test.
# The CI run of the same tests uses 100,000 users and 21 points.
#
#   Benchmarks/crash/run.sh            # the release binary (about 1 s of import per 100,000 users)
#   Benchmarks/crash/run.sh --debug    # the debug binary the CI tests use (several times slower)
#
# The trial table is printed in the output; the run fails if any trial found a damaged database, a state
# that is neither the one before nor the one after the import, or a failing next import.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build --build-tests
if [ "${1:-}" != "--debug" ]; then
    swift build -c release --product audience-sync
    export AUDIENCE_SYNC_TEST_BINARY="$PWD/.build/release/audience-sync"
fi
AUDIENCE_SYNC_LONG=1 swift test --skip-build --filter 'CrashConsistencyTests|TornWALTests'
