# Shared by the scripts in bench/ (lmtp-smtp.sh, pop3-retr.sh, imap-load.sh, replication.sh, front-proxy.sh):
# build mailslot, start one mailslot node and one Dovecot instance (own config, own ports on 127.0.0.1, own data
# under $WORK), create accounts on both, count deliveries, stop everything on exit. Sourced, not run.

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH/.." && pwd)"

: "${MAILSLOT_BUILD:=target-bench}"              # Maven output folder (-Dmailslot.build)
: "${BENCH_BASE:=/var/tmp}"                      # must be a real disk: fsync on tmpfs is free
: "${BENCH_KEEP:=0}"                             # 1 = keep $WORK (data, logs) after the run
: "${BENCH_TIMEOUT:=1200}"                       # seconds any single load command may take
: "${MS_LMTP_PORT:=3424}" "${MS_SMTP_PORT:=3525}" "${MS_POP3_PORT:=3110}"
: "${DC_LMTP_PORT:=4424}" "${DC_POP3_PORT:=4110}"
: "${MS_IMAP_PORT:=3143}" "${DC_IMAP_PORT:=4143}"
: "${DC_PROTOCOLS:=lmtp pop3}"                   # imap-load.sh adds imap (needs dovecot-imapd)
# MS_IMAP_CONFIG: extra "  key: value" lines for the imap section of the mailslot config
# MS_EXTRA_CONFIG: YAML sections appended to the mailslot config (sections not already in it)
# DC_EXTRA_CONF: lines appended to the Dovecot config (e.g. service blocks)
: "${DC_FORMAT:=maildir}"                        # Dovecot mailbox format: maildir (default), sdbox or mdbox
: "${BENCH_PASSWORD:=bench-secret}"
# MS_JAVA_OPTS: extra JVM options for the mailslot node, e.g. -XX:StartFlightRecording=filename=/tmp/ms.jfr,settings=profile
DOMAIN=bench.test

JAVA_HOME="${JAVA_HOME:-}"
if [ -z "$JAVA_HOME" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
JAR="$ROOT/server/$MAILSLOT_BUILD/mailslot.jar"

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

require_root_and_tools() {
  [ "$(id -u)" = 0 ] || die "run as root (Dovecot must switch to the vmail user)"
  for tool in smtp-source dovecot doveadm python3 mvn; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install postfix dovecot-core dovecot-lmtpd dovecot-pop3d maven python3)"
  done
  for port in "$MS_LMTP_PORT" "$MS_SMTP_PORT" "$MS_POP3_PORT" "$DC_LMTP_PORT" "$DC_POP3_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "127.0.0.1:$port is already in use"; fi
  done
}

# Dies when something already answers on one of the addresses.
require_free_ports() { # host:port...
  local a
  for a in "$@"; do
    if (exec 3<>"/dev/tcp/${a%:*}/${a##*:}") 2>/dev/null; then die "$a is already in use"; fi
  done
}

# Builds server/$MAILSLOT_BUILD/mailslot.jar when it is missing or older than any source or pom.
build_mailslot() {
  if [ -f "$JAR" ] \
     && [ -z "$(find "$ROOT" -path "$ROOT/*/src/main/*" -newer "$JAR" -print -quit 2>/dev/null)" ] \
     && [ -z "$(find "$ROOT" -maxdepth 2 -name pom.xml -newer "$JAR" -print -quit)" ]; then
    return 0
  fi
  log "building mailslot into server/$MAILSLOT_BUILD (tests compiled, not run)"
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  # -DskipTests, not -Dmaven.test.skip: other modules' tests depend on core's test jar, which must be built
  (cd "$ROOT" && { mvn -B -q -ntp -o "-Dmailslot.build=$MAILSLOT_BUILD" -DskipTests package \
      || mvn -B -q -ntp "-Dmailslot.build=$MAILSLOT_BUILD" -DskipTests package; }) >&2 \
    || die "mailslot does not build"
}

# --- process bookkeeping -------------------------------------------------------------------------
PIDS=()
cleanup() {
  local rc=$?
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "${WORK:-}" ] && [ -d "$WORK" ]; then
    if [ "$BENCH_KEEP" = 1 ] || [ "$rc" != 0 ]; then
      log "kept $WORK (logs and data)"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$rc"
}

make_workdir() {
  WORK="$(mktemp -d "$BENCH_BASE/mailslot-bench.XXXXXX")"
  chmod 755 "$WORK"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

wait_port() { # port seconds
  wait_host_port 127.0.0.1 "$1" "$2"
}

wait_host_port() { # host port seconds
  local i
  for i in $(seq $(( $3 * 5 ))); do
    if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  return 1
}

# --- mailslot ------------------------------------------------------------------------------------
ms() { java --enable-native-access=ALL-UNNAMED -jar "$JAR" "$@"; }

start_mailslot() {
  MS_DIR="$WORK/mailslot"; mkdir -p "$MS_DIR"
  cat > "$MS_DIR/mailslot.yaml" <<EOF
# Written by bench/common.sh. Defaults everywhere except listeners and the loopback plaintext login.
node:
  name: bench
  hostname: localhost
  data-dir: data
  slots: 8
auth:
  plaintext: loopback
smtp:
  listen: 127.0.0.1:$MS_SMTP_PORT
submission:
  listen: ""
lmtp:
  listen: 127.0.0.1:$MS_LMTP_PORT
pop3:
  listen: 127.0.0.1:$MS_POP3_PORT
imap:
  listen: 127.0.0.1:$MS_IMAP_PORT
${MS_IMAP_CONFIG:-}
metrics:
  listen: ""
${MS_EXTRA_CONFIG:-}
EOF
  # shellcheck disable=SC2086 # MS_JAVA_OPTS is a list of options, e.g. a JFR recording for profiling
  java --enable-native-access=ALL-UNNAMED ${MS_JAVA_OPTS:-} -jar "$JAR" run --config "$MS_DIR/mailslot.yaml" --status-file "$MS_DIR/status.json" > "$MS_DIR/node.log" 2>&1 &
  MS_PID=$!
  PIDS+=("$MS_PID")
  local i
  for i in $(seq 120); do
    [ -s "$MS_DIR/status.json" ] && break
    kill -0 "$MS_PID" 2>/dev/null || { tail -20 "$MS_DIR/node.log" >&2; die "mailslot stopped at start"; }
    sleep 0.5
  done
  [ -s "$MS_DIR/status.json" ] || die "mailslot not ready after 60 s"
  ms admin --config "$MS_DIR/mailslot.yaml" domain add "$DOMAIN" >&2
  log "mailslot running, pid $MS_PID, data $MS_DIR/data"
}

# Same password hash on both sides: one {SHA512-CRYPT} made by doveadm.
password_hash() {
  [ -n "${PW_HASH:-}" ] || PW_HASH="$(doveadm pw -s SHA512-CRYPT -p "$BENCH_PASSWORD")"
  echo "$PW_HASH"
}

ms_add_account() { # local-part
  ms admin --config "$MS_DIR/mailslot.yaml" account add "$1@$DOMAIN" --hash "$(password_hash)" >&2
}

# --- Dovecot -------------------------------------------------------------------------------------
ensure_vmail_user() {
  if ! id vmail >/dev/null 2>&1; then
    log "creating system user vmail for Dovecot's mail files"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin vmail
  fi
  VMAIL_UID="$(id -u vmail)"; VMAIL_GID="$(id -g vmail)"
}

start_dovecot() {
  ensure_vmail_user
  DC_DIR="$WORK/dovecot"; mkdir -p "$DC_DIR/run" "$DC_DIR/state" "$DC_DIR/mail"
  chmod 755 "$DC_DIR"
  chown vmail:vmail "$DC_DIR/mail"
  : > "$DC_DIR/users"
  local location
  case "$DC_FORMAT" in
    maildir) location="maildir:~/Maildir" ;;
    sdbox|mdbox) location="$DC_FORMAT:~/$DC_FORMAT" ;;
    *) die "DC_FORMAT must be maildir, sdbox or mdbox" ;;
  esac
  # Only what is needed to run beside the system instance; everything else (mail_fsync, lock_method,
  # lmtp and pop3 settings) stays at Dovecot's compiled-in defaults, which Debian's conf.d does not change.
  cat > "$DC_DIR/dovecot.conf" <<EOF
# Written by bench/common.sh
base_dir = $DC_DIR/run
state_dir = $DC_DIR/state
instance_name = mailslot-bench
log_path = $DC_DIR/dovecot.log
protocols = $DC_PROTOCOLS
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
mail_location = $location
first_valid_uid = $VMAIL_UID
last_valid_uid = $VMAIL_UID
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $DC_DIR/users
}
userdb {
  driver = passwd-file
  args = $DC_DIR/users
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DC_LMTP_PORT
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DC_POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
$(case " $DC_PROTOCOLS " in *" imap "*) printf 'service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n    port = %s\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n' "$DC_IMAP_PORT" ;; esac)
${DC_EXTRA_CONF:-}
EOF
  dovecot -F -c "$DC_DIR/dovecot.conf" > "$DC_DIR/master.out" 2>&1 &
  DC_PID=$!
  PIDS+=("$DC_PID")
  wait_port "$DC_LMTP_PORT" 30 && wait_port "$DC_POP3_PORT" 30 \
    || { cat "$DC_DIR/master.out" "$DC_DIR/dovecot.log" >&2 2>/dev/null; die "Dovecot did not start"; }
  log "Dovecot running, pid $DC_PID, mail $DC_DIR/mail ($DC_FORMAT)"
}

# Stops the Dovecot instance start_dovecot started (its mail stays), e.g. to start it again with DC_EXTRA_CONF.
stop_dovecot() {
  local i
  kill -TERM "$DC_PID" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$DC_PID" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$DC_PID" 2>/dev/null || true
  for i in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$DC_LMTP_PORT") 2>/dev/null || break; sleep 0.2; done
}

dc_add_account() { # local-part
  local home="$DC_DIR/mail/$1"
  mkdir -p "$home"; chown vmail:vmail "$home"
  echo "$1@$DOMAIN:$(password_hash):$VMAIL_UID:$VMAIL_GID::$home::" >> "$DC_DIR/users"
}

# --- counting ------------------------------------------------------------------------------------
# Messages in an account's maildrop as the POP3 server reports them (STAT).
pop3_count() { # port local-part
  python3 - "$1" "$2@$DOMAIN" "$BENCH_PASSWORD" <<'EOF'
import poplib, sys
p = poplib.POP3("127.0.0.1", int(sys.argv[1]), timeout=120)
p.user(sys.argv[2]); p.pass_(sys.argv[3])
print(p.stat()[0])
p.quit()
EOF
}

ms_count() { pop3_count "$MS_POP3_PORT" "$1"; }

# Dovecot: messages in the mailbox files themselves (doveadm for the dbox formats).
dc_count() {
  if [ "$DC_FORMAT" = maildir ]; then
    find "$DC_DIR/mail/$1/Maildir/new" "$DC_DIR/mail/$1/Maildir/cur" -type f 2>/dev/null | wc -l
  else
    doveadm -c "$DC_DIR/dovecot.conf" -f flow mailbox status -u "$1@$DOMAIN" messages INBOX | sed 's/.*messages=//'
  fi
}

# CPU seconds used so far by a process and its (live and reaped) children.
cpu_seconds() { # pid
  local tck pids total=0 p f
  tck="$(getconf CLK_TCK)"
  pids="$1 $(pgrep -P "$1" | tr '\n' ' ')"
  for p in $pids; do
    f="$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null)" || continue
    # fields after "(comm)": state=1 ... utime=12 stime=13 cutime=14 cstime=15
    total=$(( total + $(echo "$f" | awk '{print $12 + $13 + $14 + $15}') ))
  done
  awk -v t="$total" -v k="$tck" 'BEGIN { printf "%.2f", t / k }'
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", n / s; else print "n/a" }'; }

machine_summary() {
  local disk rot
  disk="$(findmnt -n -o SOURCE,FSTYPE -T "$BENCH_BASE" | tr -s ' ')"
  rot="$(lsblk -n -d -o ROTA "$(findmnt -n -o SOURCE -T "$BENCH_BASE")" 2>/dev/null | tr -d ' ' || true)"
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, kernel $(uname -r)"
  echo "- Disk: $disk (rotational flag: ${rot:-unknown}; a virtual disk, backing storage unknown), data under $BENCH_BASE"
  echo "- fsync latency (4 KiB write + fsync, 200 times, one thread): $(fsync_latency) ms"
  echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other engineers build and test on this machine at the same time: numbers are noisy)"
  echo "- Versions: mailslot $(git -C "$ROOT" rev-parse --short HEAD) ($(java -version 2>&1 | head -1)), Dovecot $(dovecot --version), Postfix smtp-source $(dpkg-query -W -f='${Version}' postfix 2>/dev/null), Python $(python3 -c 'import platform; print(platform.python_version())')"
}

fsync_latency() {
  python3 - "$WORK" <<'EOF'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
start = time.perf_counter()
for _ in range(200):
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
print(f"{(time.perf_counter() - start) / 200 * 1000:.2f}")
os.close(fd); os.unlink(path)
EOF
}

durability_summary() {
  echo "- Dovecot: format $DC_FORMAT, $(doveconf -c "$DC_DIR/dovecot.conf" mail_fsync), $(doveconf -c "$DC_DIR/dovecot.conf" lock_method), $(doveconf -c "$DC_DIR/dovecot.conf" mail_nfs_storage) (all compiled-in defaults)."
  echo "- mailslot: default store settings: every delivery's body written, fsynced, renamed and its directory fsynced, then one SQLite transaction (WAL, synchronous=FULL, group commit) before 250."
}
