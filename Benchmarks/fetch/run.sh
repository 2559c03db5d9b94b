#!/usr/bin/env bash
# Fetch-throughput benchmark: `audience-sync fetch` vs. OpenSSH's `sftp` client.
#
#   Benchmarks/fetch/run.sh [--bin PATH] [--keep] [--reps N] [--dest DIR]
#                           [--pair-users N] [--sizes-mib "200 1024"] [--delay-ms MS] [--results FILE]
#                           [--hash-cost [--bin-nohash PATH]]
#
#   --bin PATH       audience-sync binary to measure. Default: build it with
#                    `swift build -c release --product audience-sync --scratch-path .build-bench`
#                    and use .build-bench/release/audience-sync.
#   --keep           keep the work folder (keys, sshd config and log, served files, per-command
#                    logs) and print its path; default: removed at exit.
#   --reps N         repetitions per case and client (default 3).
#   --dest DIR       where the clients download to (default: a folder in the work folder, i.e. the
#                    same disk as $TMPDIR). Both clients always write to the same file system.
#   --pair-users N   users for the realistic pair (default 1000000: reuses bench-data/v1 when it
#                    exists, else runs Fixtures/generate.py --users N --seed 42 into the work folder).
#   --sizes-mib LIST single-file sizes in MiB (default "200 1024").
#   --delay-ms MS    one-way delay of the delay proxy (default 25, i.e. ~50 ms round trip).
#   --results FILE   JSON lines go here (default bench-data/fetch-results.jsonl, git-ignored).
#   --cases LIST     only these cases, e.g. "single-1G pair" (default: all, in the order below).
#   --hash-cost      also run a third client in the same rotation: the same code built with
#                    -DAUDIENCE_SYNC_BENCHMARK_WITHOUT_SHA256 (its hash thread neither reads back nor
#                    hashes), and report what SHA-256 costs: 1 - (time without / time with).
#   --bin-nohash PATH that build (default: build it into .build-bench-nohash).
#   -h, --help       this text.
#
# Environment: TMPDIR (work folder parent, default /tmp), PYTHON (default python3).
#
# What it does: starts a throwaway OpenSSH sshd on 127.0.0.1 (free port, generated host and
# client keys, internal-sftp, Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com, LogLevel
# DEBUG1 so the negotiated cipher of every connection can be read back from its log), creates the
# served files, and for each case runs, alternating (ABAB.., starting side swapped every repetition),
# N times each:
#   OpenSSH  sftp -q -b BATCH -c aes128-gcm@openssh.com ... with one `get` per file (the pair: two
#            sequential gets in one batch, as a user would script it)
#   ours     audience-sync fetch --config CFG --directory bench --to FOLDER (settle/min_age 0s;
#            the readiness-check connection fetches the first file, one more connection per other file)
# Wall time covers the whole command (process start, connect, auth, transfer, exit); ours also prints
# its download-only time. Every downloaded file's SHA-256 is checked against the source (and ours'
# printed SHA-256 too). Cases:
#   tiny         1 KiB users.csv: fixed cost (connect, auth, readiness check, exit)
#   single-200M  one 200 MiB pseudo-random file served as users.csv (sizes from --sizes-mib)
#   single-1G    one 1 GiB pseudo-random file served as users.csv
#   pair         users.csv + user_groups.csv from Fixtures/generate.py (1M users: ~173 + ~141 MB)
#   tiny+delay, pair+delay   the same through delay_proxy.py (--delay-ms each way)
# Prints a table (medians), appends one JSON line per case to bench-data/fetch-results.jsonl.
set -euo pipefail

die() { echo "run.sh: error: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN=""
KEEP=0
REPS=3
DEST=""
PAIR_USERS=1000000
SIZES_MIB="200 1024"
DELAY_MS=25
RESULTS="$ROOT/bench-data/fetch-results.jsonl"
CASES=""
HASH_COST=0
BIN_NOHASH=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) [[ $# -ge 2 ]] || die "--bin needs a value"; BIN="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --reps) [[ $# -ge 2 ]] || die "--reps needs a value"; REPS="$2"; shift 2 ;;
    --dest) [[ $# -ge 2 ]] || die "--dest needs a value"; DEST="$2"; shift 2 ;;
    --pair-users) [[ $# -ge 2 ]] || die "--pair-users needs a value"; PAIR_USERS="$2"; shift 2 ;;
    --sizes-mib) [[ $# -ge 2 ]] || die "--sizes-mib needs a value"; SIZES_MIB="$2"; shift 2 ;;
    --delay-ms) [[ $# -ge 2 ]] || die "--delay-ms needs a value"; DELAY_MS="$2"; shift 2 ;;
    --results) [[ $# -ge 2 ]] || die "--results needs a value"; RESULTS="$2"; shift 2 ;;
    --hash-cost) HASH_COST=1; shift ;;
    --bin-nohash) [[ $# -ge 2 ]] || die "--bin-nohash needs a value"; BIN_NOHASH="$2"; HASH_COST=1; shift 2 ;;
    --cases) [[ $# -ge 2 ]] || die "--cases needs a value"; CASES="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "--reps must be a positive integer"
[[ "$PAIR_USERS" =~ ^[1-9][0-9]*$ ]] || die "--pair-users must be a positive integer"
[[ "$DELAY_MS" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--delay-ms must be a number"
for s in $SIZES_MIB; do [[ "$s" =~ ^[1-9][0-9]*$ ]] || die "--sizes-mib: not a positive integer: $s"; done

PY="${PYTHON:-python3}"
wanted() { [[ -z "$CASES" || " $CASES " == *" $1 "* ]]; }
for tool in /usr/sbin/sshd sftp ssh-keygen openssl sha256sum "$PY"; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing (apt-get install time)"
PROXY="$HERE/delay_proxy.py"
[[ -f "$PROXY" ]] || die "missing $PROXY"

# --- binary ---------------------------------------------------------------------------------
if [[ -z "$BIN" ]]; then
  log "swift build -c release --product audience-sync --scratch-path $ROOT/.build-bench"
  (cd "$ROOT" && swift build -c release --product audience-sync --scratch-path "$ROOT/.build-bench") \
    || die "swift build failed"
  BIN="$ROOT/.build-bench/release/audience-sync"
fi
[[ -x "$BIN" ]] || die "binary not found or not executable: $BIN"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
"$BIN" fetch --help >/dev/null 2>&1 || die "$BIN has no working 'fetch' subcommand"
if [[ $HASH_COST -eq 1 ]]; then
  if [[ -z "$BIN_NOHASH" ]]; then
    log "swift build -c release --product audience-sync -Xswiftc -DAUDIENCE_SYNC_BENCHMARK_WITHOUT_SHA256 --scratch-path $ROOT/.build-bench-nohash"
    (cd "$ROOT" && swift build -c release --product audience-sync -Xswiftc -DAUDIENCE_SYNC_BENCHMARK_WITHOUT_SHA256 \
      --scratch-path "$ROOT/.build-bench-nohash") || die "swift build (without SHA-256) failed"
    BIN_NOHASH="$ROOT/.build-bench-nohash/release/audience-sync"
  fi
  [[ -x "$BIN_NOHASH" ]] || die "binary not found or not executable: $BIN_NOHASH"
  BIN_NOHASH="$(cd "$(dirname "$BIN_NOHASH")" && pwd)/$(basename "$BIN_NOHASH")"
fi

# --- work folder, cleanup ----------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fetch-bench.XXXXXX")"
SSHD_PID=""
PROXY_PID=""
cleanup() {
  local rc=$?
  [[ -n "$PROXY_PID" ]] && { kill "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }
  [[ -n "$SSHD_PID" ]] && { kill "$SSHD_PID" 2>/dev/null || true; wait "$SSHD_PID" 2>/dev/null || true; }
  if [[ $KEEP -eq 1 || $rc -ne 0 ]]; then
    # On failure, drop the bulky files but keep logs and configs for a look.
    [[ $KEEP -eq 1 ]] || rm -rf "$WORK/srv" "$WORK/gen" "${DL:-$WORK/dl}"
    echo "run.sh: work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  [[ -n "$DEST" && -n "${DL:-}" && $KEEP -eq 0 ]] && rm -rf "$DL"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
LOGS="$WORK/logs"; SRV="$WORK/srv"
mkdir -p "$LOGS" "$SRV" "$WORK/ours"
if [[ -n "$DEST" ]]; then mkdir -p "$DEST"; DL="$(mktemp -d "$(cd "$DEST" && pwd)/fetch-bench-dl.XXXXXX")"
else DL="$WORK/dl"; mkdir -p "$DL"; fi
USER_NAME="$(id -un)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "work folder $WORK; $(nproc) cores; uptime: $(uptime)"

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT PID NAME LOGFILE
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2; die "$3 exited during startup"; }
    sleep 0.1
  done
  tail -n 20 "$4" >&2; die "$3 did not listen on port $1"
}

# --- sshd --------------------------------------------------------------------------------------
log "starting sshd"
ssh-keygen -q -t ed25519 -N '' -C fetch-bench-host -f "$WORK/host_key"
ssh-keygen -q -t ed25519 -N '' -C fetch-bench-client -f "$WORK/id_ed25519"
chmod 600 "$WORK/id_ed25519"
cp "$WORK/id_ed25519.pub" "$WORK/authorized_keys"
mkdir -p /run/sshd
SSHD_PORT="$(free_port)"
cat > "$WORK/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $WORK/host_key
PidFile none
AuthorizedKeysFile $WORK/authorized_keys
AllowUsers $USER_NAME
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
X11Forwarding no
PrintMotd no
MaxStartups 100
Ciphers aes128-gcm@openssh.com,chacha20-poly1305@openssh.com
LogLevel DEBUG1
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -t -f "$WORK/sshd_config" || die "sshd rejects the generated config $WORK/sshd_config"
SSHD_LOG="$LOGS/sshd.log"
/usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2>"$SSHD_LOG" &
SSHD_PID=$!
wait_port "$SSHD_PORT" "$SSHD_PID" sshd "$SSHD_LOG"

# --- delay proxy ---------------------------------------------------------------------------------
PROXY_PORT="$(free_port)"
"$PY" "$PROXY" --listen-port "$PROXY_PORT" --target-port "$SSHD_PORT" --delay-ms "$DELAY_MS" \
  2>"$LOGS/proxy.log" &
PROXY_PID=$!
wait_port "$PROXY_PORT" "$PROXY_PID" delay_proxy "$LOGS/proxy.log"

HOSTKEY="$(cut -d' ' -f1-2 "$WORK/host_key.pub")"
KNOWN_HOSTS="$WORK/known_hosts"
printf '[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$HOSTKEY" "$PROXY_PORT" "$HOSTKEY" >"$KNOWN_HOSTS"
log "sshd pid $SSHD_PID on 127.0.0.1:$SSHD_PORT; delay proxy pid $PROXY_PID on 127.0.0.1:$PROXY_PORT (${DELAY_MS} ms each way)"

# --- served files ----------------------------------------------------------------------------------
# Each case is a folder holding exactly the files of the set, under the names audience-sync expects.
mkdir -p "$SRV/tiny"
head -c 1024 /dev/urandom >"$SRV/tiny/users.csv"
SINGLE_CASES=()
for mib in $SIZES_MIB; do
  if (( mib % 1024 == 0 )); then name="single-$((mib / 1024))G"; else name="single-${mib}M"; fi
  log "creating $name ($mib MiB pseudo-random)"
  mkdir -p "$SRV/$name"
  # AES-CTR keystream of zeros: incompressible, ~1 GB/s, exactly the input length.
  head -c $((mib * 1048576)) /dev/zero \
    | openssl enc -aes-128-ctr -pbkdf2 -pass "pass:fetch-bench-$mib" -nosalt >"$SRV/$name/users.csv"
  [[ $(stat -c %s "$SRV/$name/users.csv") -eq $((mib * 1048576)) ]] || die "could not create $name"
  SINGLE_CASES+=("$name")
done
mkdir -p "$SRV/pair"
if wanted pair || wanted pair+delay; then
  PAIR_SRC="$ROOT/bench-data/v1"
  if [[ $PAIR_USERS -eq 1000000 && -s "$PAIR_SRC/users.csv" && -s "$PAIR_SRC/user_groups.csv" ]]; then
    log "pair: copying $PAIR_SRC/{users,user_groups}.csv"
  else
    PAIR_SRC="$WORK/gen"
    log "pair: generating $PAIR_USERS users (seed 42) into $PAIR_SRC"
    "$PY" "$ROOT/Fixtures/generate.py" --users "$PAIR_USERS" --seed 42 --out "$PAIR_SRC" >"$LOGS/generate.log" 2>&1 \
      || { tail -n 20 "$LOGS/generate.log" >&2; die "generate.py failed"; }
  fi
  # A private copy: another job regenerating bench-data/ during the run cannot change what we serve.
  cp "$PAIR_SRC/users.csv" "$PAIR_SRC/user_groups.csv" "$SRV/pair/"
fi
log "hashing the served files"
( cd "$SRV" && sha256sum */*.csv ) >"$WORK/expected.sha256"
cat "$SRV"/*/*.csv >/dev/null   # page cache: every run reads the sources from memory
declare -A EXPECTED
while read -r sum path; do EXPECTED["$path"]="$sum"; done <"$WORK/expected.sha256"

# --- configs ---------------------------------------------------------------------------------------
write_config() {  # CASE PORT -> path of the config
  local cfg="$WORK/ours/$1-$2.yaml"
  cat >"$cfg" <<CONF
database: $WORK/ours/audience.db
staging_dir: $WORK/ours/staging
log_level: warning
directories:
  - id: bench
    sftp:
      host: 127.0.0.1
      port: $2
      username: $USER_NAME
      private_key: $WORK/id_ed25519
      known_hosts: $KNOWN_HOSTS
      remote_dir: $SRV/$1
    settle: 0s
    min_age: 0s
    operation_timeout: 60s
CONF
  echo "$cfg"
}

# --- measurement -----------------------------------------------------------------------------------
SAMPLES="$WORK/samples.tsv"   # case  client  rep  bytes  wall_s  download_s  cpu_s  connections  ciphers  busy_s
: >"$SAMPLES"
SEQ=0

# Ciphers negotiated by the connections logged since byte offset $1 of the sshd log, and their count.
ciphers_since() {
  tail -c +$(($1 + 1)) "$SSHD_LOG" | sed -n 's/.*kex: server->client cipher: \([^ ]*\).*/\1/p' | sort | uniq -c \
    | awk '{ n += $1; s = s (s ? "," : "") $2 } END { printf "%d\t%s\n", n + 0, (s ? s : "?") }'
}

# verify CASE FOLDER LABEL: every served file of CASE is in FOLDER with the source's SHA-256.
verify() {
  local f name sum
  for f in "$SRV/$1"/*.csv; do
    name="$(basename "$f")"
    [[ -f "$2/$name" ]] || die "$3: $name was not downloaded into $2"
    sum="$(sha256sum "$2/$name" | cut -d' ' -f1)"
    [[ "$sum" == "${EXPECTED[$1/$name]}" ]] || die "$3: SHA-256 of $name differs from the source"
  done
  local extra; extra="$(find "$2" -mindepth 1 ! -name '*.csv' -print -quit)"
  [[ -z "$extra" ]] || die "$3: unexpected file left in $2: $extra"
}

# CPU seconds the whole machine (client, sshd, everything) has been busy since boot, from /proc/stat.
busy_cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

# timed LABEL OUT cmd... -> sets T_WALL, T_CPU, T_BUSY (machine CPU seconds); aborts on failure.
timed() {
  local label="$1" out="$2"; shift 2
  local tf="$LOGS/$label.time" err="$LOGS/$label.err" rc=0 t0 t1
  local b0 b1; b0=$(busy_cpu_s)
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S' -o "$tf" "$@" >"$out" 2>"$err" || rc=$?
  t1=$(date +%s.%N)
  b1=$(busy_cpu_s)
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: FAILED ($label, exit status $rc): $*" >&2
    echo "---- last 20 lines of stderr ($err):" >&2; tail -n 20 "$err" >&2 || true
    echo "---- last 20 lines of sshd log:" >&2; tail -n 20 "$SSHD_LOG" >&2 || true
    exit 1
  fi
  T_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
  T_CPU=$(awk '{ u = $1; s = $2 } END { printf "%.2f", u + s }' "$tf")
  T_BUSY=$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", b - a }')
}

run_openssh() {  # NAME CASE PORT REP (NAME: the case as reported, CASE: the served folder)
  local name="$1" case="$2" port="$3" rep="$4" label dest batch f offset n_c
  SEQ=$((SEQ + 1)); label="$(printf '%03d' $SEQ)-$name-openssh-$rep"
  dest="$DL/$label"; mkdir -p "$dest"
  batch="$WORK/ours/$label.batch"; : >"$batch"
  for f in "$SRV/$case"/*.csv; do   # users.csv before user_groups.csv
    [[ "$(basename "$f")" == users.csv ]] && echo "get $f $dest/users.csv" >>"$batch"
  done
  for f in "$SRV/$case"/*.csv; do
    [[ "$(basename "$f")" != users.csv ]] && echo "get $f $dest/$(basename "$f")" >>"$batch"
  done
  offset=$(stat -c %s "$SSHD_LOG")
  timed "$label" "$LOGS/$label.out" sftp -q -b "$batch" -P "$port" -i "$WORK/id_ed25519" -F /dev/null \
    -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o IdentitiesOnly=yes -o UpdateHostKeys=no -c aes128-gcm@openssh.com \
    "$USER_NAME@127.0.0.1"
  n_c="$(ciphers_since "$offset")"
  verify "$case" "$dest" "$label"
  rm -rf "$dest"
  printf '%s\topenssh\t%s\t%s\t%s\t\t%s\t%s\t%s\n' "$name" "$rep" "$(case_bytes "$case")" "$T_WALL" "$T_CPU" "$n_c" "$T_BUSY" >>"$SAMPLES"
  echo "   $label: ${T_WALL}s (client cpu ${T_CPU}s; connections, cipher: ${n_c/$'\t'/ x })" >&2
}

run_ours() {  # NAME CASE PORT REP [CLIENT: ours (default) or nohash]
  local name="$1" case="$2" port="$3" rep="$4" client="${5:-ours}" label dest cfg out offset n_c dl file bytes sum bin="$BIN"
  [[ "$client" == nohash ]] && bin="$BIN_NOHASH"
  SEQ=$((SEQ + 1)); label="$(printf '%03d' $SEQ)-$name-$client-$rep"
  dest="$DL/$label"   # fetch creates it
  cfg="$(write_config "$case" "$port")"
  out="$LOGS/$label.out"
  offset=$(stat -c %s "$SSHD_LOG")
  timed "$label" "$out" "$bin" fetch --config "$cfg" --directory bench --to "$dest"
  n_c="$(ciphers_since "$offset")"
  verify "$case" "$dest" "$label"
  # The SHA-256 ours printed must match too (the build without SHA-256 prints the empty input's), and the
  # byte total the source size.
  while IFS=$'\t' read -r file bytes sum; do
    [[ "$file" == total || "$client" == nohash ]] && continue
    [[ "$sum" == "${EXPECTED[$case/$file]:-missing}" ]] || die "$label: printed SHA-256 of $file is wrong ($sum)"
  done <"$out"
  dl="$(awk -F'\t' '$1 == "total" { split($3, a, " "); print a[1] }' "$out")"
  [[ "$dl" =~ ^[0-9.]+$ ]] || die "$label: no 'total' line in the output ($out)"
  bytes="$(awk -F'\t' '$1 == "total" { split($2, a, " "); print a[1] }' "$out")"
  [[ "$bytes" == "$(case_bytes "$case")" ]] || die "$label: total $bytes bytes, expected $(case_bytes "$case")"
  rm -rf "$dest"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$client" "$rep" "$bytes" "$T_WALL" "$dl" "$T_CPU" "$n_c" "$T_BUSY" >>"$SAMPLES"
  echo "   $label: ${T_WALL}s, download ${dl}s (client cpu ${T_CPU}s; connections, cipher: ${n_c/$'\t'/ x })" >&2
}

case_bytes() { cat "$SRV/$1"/*.csv | wc -c; }

# measure NAME CASE PORT: REPS x (OpenSSH, ours), alternating which goes first.
measure() {
  local name="$1" case="$2" port="$3" rep
  log "case $name ($(case_bytes "$case") bytes, port $port; load average $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '%s\t%s\n' "$name" "$(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/loads.tsv"
  for rep in $(seq "$REPS"); do
    if (( rep % 2 == 1 )); then
      run_openssh "$name" "$case" "$port" "$rep"; run_ours "$name" "$case" "$port" "$rep"
      if [[ $HASH_COST -eq 1 ]]; then run_ours "$name" "$case" "$port" "$rep" nohash; fi
    else
      if [[ $HASH_COST -eq 1 ]]; then run_ours "$name" "$case" "$port" "$rep" nohash; fi
      run_ours "$name" "$case" "$port" "$rep"; run_openssh "$name" "$case" "$port" "$rep"
    fi
  done
}

log "warm-up (not recorded): one tiny fetch per client, loopback and proxy"
for port in "$SSHD_PORT" "$PROXY_PORT"; do
  run_openssh warmup tiny "$port" 0; run_ours warmup tiny "$port" 0
done
: >"$SAMPLES"

wanted tiny && measure tiny tiny "$SSHD_PORT"
for c in "${SINGLE_CASES[@]}"; do wanted "$c" && measure "$c" "$c" "$SSHD_PORT"; done
wanted pair && measure pair pair "$SSHD_PORT"
wanted tiny+delay && measure tiny+delay tiny "$PROXY_PORT"
wanted pair+delay && measure pair+delay pair "$PROXY_PORT"

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
UPTIME_END="$(uptime)"

# --- report ------------------------------------------------------------------------------------------
mkdir -p "$(dirname "$RESULTS")"
"$PY" - "$SAMPLES" "$RESULTS" "$BIN" "$REPS" "$DELAY_MS" "$LOAD_START" "$LOAD_END" "$(nproc)" "$DL" "$WORK/loads.tsv" <<'PY'
import json, statistics, sys, time
samples, results, binary, reps, delay_ms, load_start, load_end, ncpu, dest, loads = sys.argv[1:]
case_load = dict(line.rstrip("\n").split("\t") for line in open(loads) if line.strip())
rows = [line.rstrip("\n").split("\t") for line in open(samples) if line.strip()]
order, data = [], {}
for case, client, rep, nbytes, wall, dl, cpu, conns, ciphers, busy in rows:
    if case not in data:
        order.append(case)
        data[case] = {"bytes": int(nbytes), "openssh": [], "ours": [], "nohash": []}
    data[case][client].append({"wall": float(wall), "dl": float(dl) if dl else None, "cpu": float(cpu),
                               "connections": int(conns), "ciphers": ciphers, "busy": float(busy)})
ts = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
med = statistics.median
def mbs(nbytes, secs): return nbytes / 1e6 / secs if secs > 0 else float("nan")

head = (f"{'case':<12} {'bytes':>11} {'OpenSSH s':>9} {'ours s':>7} {'ours dl s':>9} {'ours ovh s':>10} "
        f"{'OpenSSH MB/s':>12} {'ours MB/s':>9} {'ours dl MB/s':>12} {'ours/OpenSSH':>12} {'OpenSSH cpu':>11} "
        f"{'ours cpu':>8} {'load':>5}  {'target':<25} cipher")
lines = [head, "-" * len(head)]
hash_lines = []
out = open(results, "a")
for case in order:
    d = data[case]; n = d["bytes"]; o, u = d["openssh"], d["ours"]
    o_wall = med(s["wall"] for s in o); u_wall = med(s["wall"] for s in u); u_dl = med(s["dl"] for s in u)
    overhead = med(s["wall"] - s["dl"] for s in u)
    o_cpu = med(s["cpu"] for s in o); u_cpu = med(s["cpu"] for s in u)
    ratio = o_wall / u_wall  # throughput ratio ours/OpenSSH = time ratio OpenSSH/ours
    ciphers = sorted({c for s in o + u for c in s["ciphers"].split(",")})
    cipher = ",".join(ciphers)
    base = case.split("+")[0]
    if base == "pair":
        target, ok = "time <= OpenSSH", u_wall <= o_wall
    elif base.startswith("single"):
        target, ok = ">= 0.9x", ratio >= 0.9
    else:
        target, ok = None, None
    verdict = "-" if ok is None else f"{'PASS' if ok else 'FAIL'} {target}"
    h = d["nohash"]
    if h:
        h_wall = med(s["wall"] for s in h); h_cpu = med(s["cpu"] for s in h)
        u_busy = med(s["busy"] / (int(ncpu) * s["wall"]) for s in u)
        h_busy = med(s["busy"] / (int(ncpu) * s["wall"]) for s in h)
        hash_cost = 1 - h_wall / u_wall  # share of the throughput SHA-256 costs
        hash_lines.append(f"{case:<12} {u_wall:>10.3f} {h_wall:>13.3f} {u_cpu:>9.2f} {h_cpu:>12.2f} "
                          f"{100 * u_busy:>9.0f}% {100 * h_busy:>12.0f}% "
                          f"{100 * hash_cost:>9.1f}%  {'PASS' if hash_cost <= 0.10 else 'FAIL'} <= 10%")
    if base == "tiny":
        lines.append(f"{case:<12} {n:>11} {o_wall:>9.3f} {u_wall:>7.3f} {u_dl:>9.3f} {overhead:>10.3f} "
                     f"{'-':>12} {'-':>9} {'-':>12} {ratio:>12.2f} {o_cpu:>11.2f} {u_cpu:>8.2f} {case_load.get(case, '?'):>5}  {verdict:<25} {cipher}")
    else:
        lines.append(f"{case:<12} {n:>11} {o_wall:>9.3f} {u_wall:>7.3f} {u_dl:>9.3f} {overhead:>10.3f} "
                     f"{mbs(n, o_wall):>12.1f} {mbs(n, u_wall):>9.1f} {mbs(n, u_dl):>12.1f} {ratio:>12.2f} "
                     f"{o_cpu:>11.2f} {u_cpu:>8.2f} {case_load.get(case, '?'):>5}  {verdict:<25} {cipher}")
    record = {
        "ts": ts, "case": case, "path": "delay-proxy" if "+delay" in case else "loopback",
        "delay_ms_each_way": float(delay_ms) if "+delay" in case else 0.0, "bytes": n, "reps": len(u),
        "cipher": cipher,
        "openssh_wall_s": [round(s["wall"], 4) for s in o], "ours_wall_s": [round(s["wall"], 4) for s in u],
        "ours_download_s": [s["dl"] for s in u],
        "openssh_wall_s_median": round(o_wall, 4), "ours_wall_s_median": round(u_wall, 4),
        "ours_download_s_median": round(u_dl, 4), "ours_overhead_s_median": round(overhead, 4),
        "openssh_mb_per_s": round(mbs(n, o_wall), 2), "ours_mb_per_s": round(mbs(n, u_wall), 2),
        "ours_download_mb_per_s": round(mbs(n, u_dl), 2), "ratio_ours_over_openssh": round(ratio, 3),
        "target": target, "target_met": ok,
        "openssh_client_cpu_s": [s["cpu"] for s in o], "ours_client_cpu_s": [s["cpu"] for s in u],
        "openssh_client_cpu_s_median": o_cpu, "ours_client_cpu_s_median": u_cpu,
        "openssh_connections": o[0]["connections"], "ours_connections": u[0]["connections"],
        **({"nohash_wall_s": [round(s["wall"], 4) for s in h], "nohash_wall_s_median": round(h_wall, 4),
            "nohash_client_cpu_s_median": h_cpu, "sha256_cost_share": round(hash_cost, 4),
            "ours_machine_busy_share_median": round(u_busy, 3), "nohash_machine_busy_share_median": round(h_busy, 3)}
           if h else {}),
        "ncpu": int(ncpu), "loadavg_1min_at_case_start": case_load.get(case), "loadavg_start": load_start, "loadavg_end": load_end, "bin": binary, "dest": dest,
    }
    out.write(json.dumps(record) + "\n")
out.close()
print("\n".join(lines))
if hash_lines:
    head = (f"{'case':<12} {'ours s':>10} {'no SHA-256 s':>13} {'ours cpu':>9} {'no SHA cpu':>12} {'ours busy':>10} "
            f"{'no SHA busy':>13} {'SHA cost':>10}  target")
    print("\nWhat SHA-256 costs (same code built without the hash; cost = 1 - time without / time with;")
    print(" busy = whole-machine CPU (client + sshd + rest) / (cores x wall): near 100% the box, not the link, limits):")
    print("\n".join([head, "-" * len(head)] + hash_lines))
PY
echo "(medians of $REPS runs; MB = 10^6 bytes; s = wall seconds of the whole command incl. connect; 'ours dl' ="
echo " download-only time printed by fetch (parallel transfer + fsync); 'ours ovh' = wall - dl; ratio = throughput"
echo " ours/OpenSSH on wall time; cpu = client user+sys seconds (/usr/bin/time; OpenSSH: sftp + its ssh child); delay = ${DELAY_MS} ms each way through delay_proxy.py)"
echo "load average: start $LOAD_START, end $LOAD_END ($(nproc) cores); $UPTIME_END"
echo "results appended to $RESULTS; samples: $SAMPLES$([[ $KEEP -eq 1 ]] || echo ' (removed at exit; --keep keeps it)')"
