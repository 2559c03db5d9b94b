#!/usr/bin/env bash
# Quickstart: builds audience-sync, starts a throwaway OpenSSH sshd on 127.0.0.1 serving the
# bundled example export (Fixtures/), writes a config, runs `audience-sync sync` against it,
# and prints the resulting audience. Everything lives in a temp folder removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/dev/install-deps.sh
swift build -c release --product audience-sync >&2
bin="$PWD/.build/release/audience-sync"
work=$(mktemp -d)
sshd_pid=""
cleanup() {
    [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/upload" /run/sshd
cp Fixtures/users.csv Fixtures/user_groups.csv Fixtures/groups.csv "$work/upload/"
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/id_ed25519"
cp "$work/id_ed25519.pub" "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile none
AuthorizedKeysFile $work/authorized_keys
AllowUsers $(id -un)
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
CONF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
# Pin the throwaway server's key, exactly as an operator would after checking the fingerprint.
"$bin" hostkey --host 127.0.0.1 --port "$port" >"$work/known_hosts"
cat > "$work/config.yaml" <<CONF
database: $work/audience.db
staging_dir: $work/staging
log_level: warning
directories:
  - id: acme
    sftp:
      host: 127.0.0.1
      port: $port
      username: $(id -un)
      private_key: $work/id_ed25519
      known_hosts: $work/known_hosts
      remote_dir: $work/upload
    attributes: [job_title, department_name]
    settle: 0s
    min_age: 0s
CONF
"$bin" sync --config "$work/config.yaml" >&2
"$bin" export --db "$work/audience.db"
