#!/usr/bin/env bash
# Fuzzes the CSV reader, the users.csv validator and the user_groups.csv scanner with libFuzzer (Tests/Fuzz/).
#
#   deploy/dev/fuzz.sh                  # CI size: 60 s of fuzzing
#   deploy/dev/fuzz.sh --seconds 3600   # a long run
#   deploy/dev/fuzz.sh --runs 200000    # a fixed number of executions
#   FUZZ_SEED=0 deploy/dev/fuzz.sh ...  # a random seed (default 1: CI explores the same inputs each run)
#
# The harness is built with swiftc -sanitize=fuzzer,address in .build-fuzz/ (untracked), from
# AudienceCSV plus the few AudienceCore files the scanners need, so GRDB and the normal
# `swift build` are not involved. Exits non-zero on any crash, failed check, timeout or OOM;
# the input is saved in .build-fuzz/artifacts/ (move it into a regression test).
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=60
runs=-1
while (($#)); do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; seconds=0; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--seconds N | --runs N]" >&2; exit 64 ;;
    esac
done

work=.build-fuzz
mkdir -p "$work/obj" "$work/corpus" "$work/artifacts"
flags=(-O -parse-as-library -sanitize=fuzzer,address -g)

# The scanners' files: the header layout, the row checker, the membership scanner and what they use;
# none needs GRDB.
core=(
    Sources/AudienceCore/Schema/Attribute.swift
    Sources/AudienceCore/Schema/FileLayout.swift
    Sources/AudienceCore/Snapshot/GroupTable.swift
    Sources/AudienceCore/Snapshot/MembershipScanner.swift
    Sources/AudienceCore/Snapshot/RowIndexBuilder.swift
    Sources/AudienceCore/Snapshot/UserColumns.swift
    Sources/AudienceCore/Snapshot/UserRow.swift
    Sources/AudienceCore/Snapshot/UsersScanner.swift
    Sources/AudienceCore/Support/Hash128.swift
    Sources/AudienceCore/Support/KeyIndex.swift
    Sources/AudienceCore/Validation/FieldRules.swift
    Sources/AudienceCore/Validation/ValidationError.swift
)

build_start=$SECONDS
swiftc "${flags[@]}" -module-name AudienceCSV -wmo -emit-module -emit-module-path "$work/obj/AudienceCSV.swiftmodule" \
    -c Sources/AudienceCSV/*.swift -o "$work/obj/AudienceCSV.o"
swiftc "${flags[@]}" -module-name CSVFuzz -I "$work/obj" "${core[@]}" Tests/Fuzz/*.swift "$work/obj/AudienceCSV.o" \
    -o "$work/csv-fuzz" 2> >(grep -v "Cannot export local symbol '__asan" >&2)
echo "fuzz: harness built in $((SECONDS - build_start)) s"

# The seeds are copied, never written to: libFuzzer adds what it finds to the first directory.
# Tests/Fuzz/make-seeds.py refreshes them from Fixtures/ and the CSV tests.
cp Tests/Fuzz/seeds/* "$work/corpus/"

# The Swift runtime's backtracer would hold a crashing process for minutes; libFuzzer reports it.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
log="$work/last-run.log"
status=0
./"$work/csv-fuzz" "$work/corpus" \
    -max_total_time="$seconds" -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -seed="${FUZZ_SEED:-1}" -print_final_stats=1 -artifact_prefix="$work/artifacts/" -dict=Tests/Fuzz/csv.dict >"$log" 2>&1 || status=$?
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -2 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
if [ "$status" -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|Fatal error|Test unit written|deadly|timeout|out-of-memory' "$log" | head -20 >&2 || true
    echo "fuzz: FAILED (exit $status); input saved in $work/artifacts/, log in $log" >&2
    exit 1
fi
echo "fuzz: no crash, timeout or OOM"
