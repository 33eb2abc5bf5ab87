#!/usr/bin/env bash
# What the front's IMAP proxy costs, side by side with Dovecot's proxy: bench/ImapLoad.java's mixed workload
# (the one imap-load.sh runs) against four targets in one run:
#   mailslot direct   the store node (as common.sh starts it, plus cluster.address and cluster.secret)
#   mailslot front    a front process (node.roles: [front]) on its own address, relaying to that store node
#   Dovecot direct    the Dovecot backend (as imap-load.sh's "reuse" configuration), with a master user for the proxy
#   Dovecot proxy     a second Dovecot instance on its own address that checks the password and proxies to the
#                     backend, logging in there as the master user (as the front logs in with a proxy token)
# and reports ops/s, p50/p99 latency, server CPU and the proxy overhead of each server. Appends a Markdown section
# to bench/RESULTS.md.
#
#   sudo bench/front-proxy.sh              # about 6 minutes with the defaults
#   DURATION=3 WARMUP=1 CLIENTS=2 MAILBOX=20 RESULTS=/tmp/x.md bench/front-proxy.sh   # a quick try
#
# Settings (environment): CLIENTS="10 50" MAILBOX=500 (messages per load account) DURATION=20 WARMUP=10 ROUNDS=1
# FR_ADDRESS=127.0.0.2 FR_IMAP_PORT=3243 (the front) DP_ADDRESS=127.0.0.3 DP_IMAP_PORT=4243 (Dovecot's proxy)
# MS_REPL_PORT=3401 (the store's replication listener, opened because cluster.secret is set)
# RESULTS=bench/RESULTS.md, plus those in common.sh (MS_IMAP_PORT 3143, DC_IMAP_PORT 4143, ...).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${CLIENTS:=10 50}" "${MAILBOX:=500}" "${DURATION:=20}" "${WARMUP:=10}" "${ROUNDS:=1}"
: "${FR_ADDRESS:=127.0.0.2}" "${FR_IMAP_PORT:=3243}" "${DP_ADDRESS:=127.0.0.3}" "${DP_IMAP_PORT:=4243}"
: "${MS_REPL_PORT:=3401}"
: "${RESULTS:=$BENCH/RESULTS.md}"
DC_PROTOCOLS="lmtp pop3 imap"
MAX_CLIENTS=0; for c in $CLIENTS; do (( c > MAX_CLIENTS )) && MAX_CLIENTS=$c; done
# As imap-load.sh: every iteration reconnects from 127.0.0.1 (a closing connection may still count for a moment).
MS_IMAP_CONFIG="  max-connections-per-address: $(( MAX_CLIENTS * 4 ))"
LOAD="java $BENCH/ImapLoad.java"
SECRET="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"          # mailslot's cluster secret
MASTER_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')" # Dovecot's proxy master user
STARTED="$(now)"
SUREFIRE_AT_START="$(ps aux | grep -c '[s]urefire' || true)"   # other engineers' test JVMs

require_root_and_tools
[ -x /usr/lib/dovecot/imap ] || die "Dovecot's imap binary is missing (apt-get install dovecot-imapd)"
require_free_ports "127.0.0.1:$MS_IMAP_PORT" "127.0.0.1:$MS_REPL_PORT" "127.0.0.1:$DC_IMAP_PORT" \
  "$FR_ADDRESS:$FR_IMAP_PORT" "$DP_ADDRESS:$DP_IMAP_PORT"
build_mailslot
make_workdir
MS_DB="$WORK/mailslot/data/directory.db"   # the store's default place, named so that the front opens the same one

# --- mailslot: the store node and the front ------------------------------------------------------
# The store node is common.sh's, with what a front needs of it: its address (where the front finds the slots'
# master) and the cluster secret (it accepts proxy logins only then). Both check the same {SHA512-CRYPT} hash at
# every login (rehash-on-login: false), as Dovecot does.
MS_EXTRA_CONFIG="directory:
  url: 'jdbc:sqlite:$MS_DB'
  rehash-on-login: false
cluster:
  address: 127.0.0.1
  secret: $SECRET
  replication-port: $MS_REPL_PORT"

start_front() {
  FR_DIR="$WORK/front"; mkdir -p "$FR_DIR"
  (umask 077; cat > "$FR_DIR/mailslot.yaml" <<EOF
# Written by bench/front-proxy.sh: a front (docs/admin.md "Running fronts") for the store node in ../mailslot.
# Defaults except the listeners (IMAP only), the loopback plaintext login and what a front must know.
node:
  name: front1
  roles: [front]
  hostname: localhost
  data-dir: data
directory:
  url: 'jdbc:sqlite:$MS_DB'
  rehash-on-login: false
cluster:
  address: $FR_ADDRESS
  secret: $SECRET
front:
  store-ports: { imap: $MS_IMAP_PORT, pop3: $MS_POP3_PORT, submission: 587, lmtp: $MS_LMTP_PORT }
auth:
  plaintext: loopback
smtp:
  listen: ''
submission:
  listen: ''
lmtp:
  listen: ''
pop3:
  listen: ''
imap:
  listen: $FR_ADDRESS:$FR_IMAP_PORT
$MS_IMAP_CONFIG
metrics:
  listen: ''
EOF
  )
  # shellcheck disable=SC2086 # MS_JAVA_OPTS is a list of options
  java --enable-native-access=ALL-UNNAMED ${MS_JAVA_OPTS:-} -jar "$JAR" run --config "$FR_DIR/mailslot.yaml" --status-file "$FR_DIR/status.json" > "$FR_DIR/node.log" 2>&1 &
  FR_PID=$!
  PIDS+=("$FR_PID")
  local i
  for i in $(seq 120); do
    [ -s "$FR_DIR/status.json" ] && break
    kill -0 "$FR_PID" 2>/dev/null || { tail -20 "$FR_DIR/node.log" >&2; die "the front stopped at start"; }
    sleep 0.5
  done
  [ -s "$FR_DIR/status.json" ] && wait_host_port "$FR_ADDRESS" "$FR_IMAP_PORT" 30 || die "the front is not ready after 60 s"
  log "mailslot front running, pid $FR_PID, IMAP on $FR_ADDRESS:$FR_IMAP_PORT"
}

# --- Dovecot: the backend and its proxy ----------------------------------------------------------
# The backend is common.sh's Dovecot with imap-load.sh's "reuse" services, plus a master user for the proxy
# ({PLAIN}: a check as cheap as the store's HMAC of a proxy token) and the proxy's address as a trusted network (it
# then passes on the client's address, as Dovecot's proxy docs recommend).
DC_MASTERS="$WORK/dovecot-masters"
DC_EXTRA_CONF="service imap-login {
  service_count = 0
}
service imap {
  service_count = 0
}
login_trusted_networks = $DP_ADDRESS/32
passdb {
  driver = passwd-file
  args = $DC_MASTERS
  master = yes
  result_success = continue
}"

# The proxy checks the client's password itself (the same hash, its own passwd-file), then logs in to the backend
# with SASL PLAIN as the master user for that account (extra fields master= and pass=), from its own address.
# Login processes in Dovecot's high-performance mode (its docs' setting for proxies): service_count = 0 and one
# process per core.
start_dovecot_proxy() {
  DP_DIR="$WORK/dovecot-proxy"; mkdir -p "$DP_DIR/run" "$DP_DIR/state"
  chmod 755 "$DP_DIR"
  cat > "$DP_DIR/dovecot.conf" <<EOF
# Written by bench/front-proxy.sh: an IMAP proxy in front of the backend on 127.0.0.1:$DC_IMAP_PORT
base_dir = $DP_DIR/run
state_dir = $DP_DIR/state
instance_name = mailslot-bench-proxy
log_path = $DP_DIR/dovecot.log
protocols = imap
listen = $DP_ADDRESS
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $DP_DIR/users
  override_fields = proxy=y host=127.0.0.1 port=$DC_IMAP_PORT source_ip=$DP_ADDRESS master=proxy pass=$MASTER_PASSWORD
}
userdb {
  driver = static
  args = uid=vmail gid=vmail home=/nonexistent
}
service imap-login {
  inet_listener imap {
    address = $DP_ADDRESS
    port = $DP_IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
  service_count = 0
  process_min_avail = $(nproc)
}
EOF
  dovecot -F -c "$DP_DIR/dovecot.conf" > "$DP_DIR/master.out" 2>&1 &
  DP_PID=$!
  PIDS+=("$DP_PID")
  wait_host_port "$DP_ADDRESS" "$DP_IMAP_PORT" 30 \
    || { cat "$DP_DIR/master.out" "$DP_DIR/dovecot.log" >&2 2>/dev/null; die "Dovecot's proxy did not start"; }
  log "Dovecot proxy running, pid $DP_PID, IMAP on $DP_ADDRESS:$DP_IMAP_PORT"
}

# One login, SELECT and LOGOUT through a target: fails early, with the server's words, when a proxy does not work.
check_login() { # host port user
  python3 - "$1" "$2" "$3@$DOMAIN" "$BENCH_PASSWORD" <<'EOF' || die "no IMAP session through $1:$2"
import imaplib, sys
c = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]), timeout=30)
c.login(sys.argv[3], sys.argv[4])
typ, data = c.select("INBOX")
assert typ == "OK", (typ, data)
c.logout()
EOF
}

# --- start everything ----------------------------------------------------------------------------
echo "proxy:{PLAIN}$MASTER_PASSWORD" > "$DC_MASTERS"
chmod 644 "$DC_MASTERS"          # read by the backend's auth process (a random password, for this run only)
start_mailslot
start_front
start_dovecot
MACHINE="$(machine_summary)"

USERS=""; for i in $(seq "$MAX_CLIENTS"); do USERS+="${USERS:+,}u$i@$DOMAIN"; done
adders=()
for u in $(seq -f 'u%g' "$MAX_CLIENTS"); do
  ms_add_account "$u" & adders+=($!)
  if (( ${#adders[@]} == 3 )); then
    for pid in "${adders[@]}"; do wait "$pid" || die "adding accounts failed"; done
    adders=()
  fi
  dc_add_account "$u"
done
for pid in "${adders[@]}"; do wait "$pid" || die "adding accounts failed"; done
DP_DIR="$WORK/dovecot-proxy"; mkdir -p "$DP_DIR"
cut -d: -f1,2 "$DC_DIR/users" > "$DP_DIR/users"
start_dovecot_proxy
sleep 1.1 # Dovecot rereads a passwd-file changed more than a second after its last read

FILL_COMMANDS=""
for port in "$MS_IMAP_PORT" "$DC_IMAP_PORT"; do
  cmd="$LOAD fill --port $port --users $USERS --password $BENCH_PASSWORD --messages $MAILBOX --connections 1"
  log "filling $MAX_CLIENTS accounts with $MAILBOX messages each: $cmd"
  out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "fill failed: $cmd"; log "  $out"
  FILL_COMMANDS+="${cmd//$BENCH\//bench/}"$'\n'
done
check_login "$FR_ADDRESS" "$FR_IMAP_PORT" u1
check_login "$DP_ADDRESS" "$DP_IMAP_PORT" u1
grep -q "relayed to the slot's master" "$FR_DIR/node.log" || die "the front did not relay the check's login (see $FR_DIR/node.log)"
grep -qi "proxy(u1@$DOMAIN.*started proxying" "$DP_DIR/dovecot.log" \
  || die "Dovecot's proxy did not proxy the check's login (see $DP_DIR/dovecot.log)"
log "a login through each proxy works"

# --- the load ------------------------------------------------------------------------------------
host_of() { case "$1" in ms|dc) echo 127.0.0.1 ;; msf) echo "$FR_ADDRESS" ;; dcp) echo "$DP_ADDRESS" ;; esac; }
port_of() { case "$1" in ms) echo "$MS_IMAP_PORT" ;; msf) echo "$FR_IMAP_PORT" ;; dc) echo "$DC_IMAP_PORT" ;; dcp) echo "$DP_IMAP_PORT" ;; esac; }
backend_pid() { case "$1" in ms|msf) echo "$MS_PID" ;; dc|dcp) echo "$DC_PID" ;; esac; }
proxy_pid() { case "$1" in msf) echo "$FR_PID" ;; dcp) echo "$DP_PID" ;; *) echo "" ;; esac; }

POINTS="$WORK/points.tsv"; : > "$POINTS"
LOAD_COMMANDS=""
run_point() { # round target clients
  local cmd out b0 b1 p0=0 p1=0 pp load
  cmd="$LOAD load --host $(host_of "$2") --port $(port_of "$2") --users $(echo "$USERS" | cut -d, -f1-"$3") --password $BENCH_PASSWORD --warmup $WARMUP --duration $DURATION"
  log "round $1 $2, $3 clients"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  pp="$(proxy_pid "$2")"
  b0="$(cpu_seconds "$(backend_pid "$2")")"; [ -n "$pp" ] && p0="$(cpu_seconds "$pp")"
  out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "load failed: $cmd"
  b1="$(cpu_seconds "$(backend_pid "$2")")"; [ -n "$pp" ] && p1="$(cpu_seconds "$pp")"
  log "  $out"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" \
    "$(awk -v a="$b0" -v b="$b1" 'BEGIN { printf "%.2f", b - a }')" \
    "$(if [ -n "$pp" ]; then awk -v a="$p0" -v b="$p1" 'BEGIN { printf "%.2f", b - a }'; fi)" "$load" "$out" >> "$POINTS"
  [ "$1" = 1 ] && [ "$3" = "$MAX_CLIENTS" ] && LOAD_COMMANDS+="${cmd//$BENCH\//bench/}"$'\n'
  return 0
}

for round in $(seq "$ROUNDS"); do
  for clients in $CLIENTS; do
    # Odd rounds go direct first, even rounds proxied first.
    if (( round % 2 == 1 )); then order="ms msf dc dcp"; else order="dcp dc msf ms"; fi
    for target in $order; do run_point "$round" "$target" "$clients"; done
  done
done
RELAYED="$(grep -c "relayed to the slot's master" "$FR_DIR/node.log" || true)"
PROXIED="$(grep -ci 'started proxying' "$DP_DIR/dovecot.log" || true)"

# --- the section ---------------------------------------------------------------------------------
TABLES="$(python3 - "$POINTS" <<'EOF'
import json, sys
NAMES = {"ms": ("mailslot", "direct"), "msf": ("mailslot", "front"), "dc": ("Dovecot", "direct"), "dcp": ("Dovecot", "proxy")}
OPS = ["LOGIN", "SELECT", "FETCH_HEADERS", "FETCH_BODY", "STORE", "SEARCH", "APPEND", "STORE_DELETED", "EXPUNGE", "LOGOUT"]
points = []
for line in open(sys.argv[1]):
    rnd, target, clients, bcpu, pcpu, load, out = line.rstrip("\n").split("\t")
    r = json.loads(out)
    iters = r["iterations_per_second"] * r["seconds"]
    cpu = float(bcpu) + (float(pcpu) if pcpu else 0)
    points.append(dict(rnd=rnd, target=target, clients=int(clients), bcpu=float(bcpu), pcpu=pcpu, load=load, r=r,
                       cpu_iter=cpu / iters * 1000 if iters else 0))
pct = lambda a, b: "%+.0f%%" % ((b / a - 1) * 100) if a else "n/a"
print("| round | server | path | clients | load avg | ops/s | iterations/s | p50 ms | p99 ms | errors | backend CPU s | proxy CPU s | CPU ms / iteration |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for p in points:
    r = p["r"]; name, path = NAMES[p["target"]]
    print("| %s | %s | %s | %d | %s | %.0f | %.1f | %.2f | %.2f | %d | %.1f | %s | %.1f |" % (p["rnd"], name, path,
          p["clients"], p["load"], r["ops_per_second"], r["iterations_per_second"], r["p50_ms"], r["p99_ms"], r["errors"],
          p["bcpu"], p["pcpu"] or "-", p["cpu_iter"]))
print()
print("Proxy overhead (proxied against direct, same server, round and client count; ops/s change negative = slower;")
print("CPU = backend plus proxy per iteration):")
print()
print("| round | server | clients | ops/s direct → proxied | ops/s change | p50 ms | p99 ms | LOGIN p50 ms | CPU ms / iteration | CPU change |")
print("|---|---|---|---|---|---|---|---|---|---|")
by = {(p["rnd"], p["target"], p["clients"]): p for p in points}
for p in points:
    if p["target"] not in ("ms", "dc"):
        continue
    q = by.get((p["rnd"], "msf" if p["target"] == "ms" else "dcp", p["clients"]))
    if q is None:
        continue
    a, b = p["r"], q["r"]
    print("| %s | %s | %d | %.0f → %.0f | %s | %.2f → %.2f | %.2f → %.2f | %.2f → %.2f | %.1f → %.1f | %s |" % (p["rnd"],
          NAMES[p["target"]][0], p["clients"], a["ops_per_second"], b["ops_per_second"],
          pct(a["ops_per_second"], b["ops_per_second"]), a["p50_ms"], b["p50_ms"], a["p99_ms"], b["p99_ms"],
          a["per_op"]["LOGIN"]["p50_ms"], b["per_op"]["LOGIN"]["p50_ms"], p["cpu_iter"], q["cpu_iter"],
          pct(p["cpu_iter"], q["cpu_iter"])))
print()
print("Per-op p50 / p99 ms (LOGIN includes TCP connect and greeting, and through a proxy its login at the backend):")
print()
print("| round | server | path | clients | LOGIN | SELECT | FETCH headers | FETCH body | STORE | SEARCH SUBJECT | APPEND | STORE \\Deleted | EXPUNGE | LOGOUT |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for p in points:
    r = p["r"]; name, path = NAMES[p["target"]]
    cells = " | ".join("%.1f / %.1f" % (r["per_op"][o]["p50_ms"], r["per_op"][o]["p99_ms"]) for o in OPS)
    print("| %s | %s | %s | %d | %s |" % (p["rnd"], name, path, p["clients"], cells))
    if r["error_kinds"]:
        print("| %s | %s | %s | %d | errors: %s |" % (p["rnd"], name, path, p["clients"], json.dumps(r["error_kinds"])))
EOF
)"

section="$(cat <<EOF

## IMAP through a proxy: mailslot front and Dovecot proxy: $(date -u '+%Y-%m-%d %H:%M UTC')

Script: \`bench/front-proxy.sh\` (CLIENTS="$CLIENTS" MAILBOX=$MAILBOX DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS), $(elapsed "$STARTED" "$(now)" | cut -d. -f1) s in all.
Client and workload: \`bench/ImapLoad.java load\`, as in imap-load.sh: one account per client holding $MAILBOX messages,
each iteration connect + LOGIN, SELECT, FETCH 10 headers, FETCH one body, STORE, UID SEARCH SUBJECT, APPEND, STORE \\Deleted,
EXPUNGE, LOGOUT (10 ops, a new connection per iteration, so every iteration pays the proxy's login and connection).
ops/s over the $DURATION s after a $WARMUP s warm-up. Four targets per client count, one after the other (odd rounds direct first):
- **mailslot direct**: the store node on 127.0.0.1:$MS_IMAP_PORT (default settings, imap.max-connections-per-address
  $(( MAX_CLIENTS * 4 )), cluster.address 127.0.0.1 and a cluster.secret, directory.rehash-on-login: false).
- **mailslot front**: a front process (\`node.roles: [front]\`, same SQLite directory and secret) on $FR_ADDRESS:$FR_IMAP_PORT. It checks the
  password against the directory, logs in to the store as the account with a proxy token (SASL PLAIN, HMAC of the
  cluster secret), answers with the store's reply and relays bytes. Logins relayed in the run: $RELAYED.
- **Dovecot direct**: Dovecot $(dovecot --version | cut -d' ' -f1), Maildir, imap-load.sh's "reuse" services (\`service_count = 0\` for
  imap-login and imap) on 127.0.0.1:$DC_IMAP_PORT, plus a master-user passdb (\`master = yes\`, \`result_success = continue\`,
  password \`{PLAIN}\`) and \`login_trusted_networks = $DP_ADDRESS/32\`.
- **Dovecot proxy**: a second instance (own base_dir, \`protocols = imap\`) on $DP_ADDRESS:$DP_IMAP_PORT: passwd-file passdb with the same
  hash and \`override_fields = proxy=y host=127.0.0.1 port=$DC_IMAP_PORT source_ip=$DP_ADDRESS master=proxy pass=...\`, so it checks
  the password itself and logs in to the backend as the master user (authzid = the account), the same division
  of work as the front's; imap-login in high-performance mode (\`service_count = 0\`, \`process_min_avail = $(nproc)\`).
  Logins proxied in the run: $PROXIED.
Both servers verify the same {SHA512-CRYPT} hash at the client's login (mailslot at the front or the store, Dovecot at
the proxy or the backend), and a cheap secret at the backend when proxied. Backend CPU = user+system seconds of the
store JVM or of the Dovecot backend (master and its children); proxy CPU = the front JVM or the proxy instance.

$MACHINE
- Test JVMs of other engineers running at the start (surefire): $SUREFIRE_AT_START

$TABLES

Fill commands (mailslot, then Dovecot; direct):

\`\`\`
$FILL_COMMANDS\`\`\`

Load commands (round 1, $MAX_CLIENTS clients; mailslot direct, front, Dovecot direct, proxy):

\`\`\`
$LOAD_COMMANDS\`\`\`
EOF
)"
echo "$section"
[ -f "$RESULTS" ] || printf '# mailslot benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest last.\n' > "$RESULTS"
echo "$section" >> "$RESULTS"
log "appended to $RESULTS"
