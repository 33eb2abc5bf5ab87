#!/usr/bin/env bash
# Replication (issue 4): what synchronous replication costs and how fast slots move, on this machine.
#   1. Delivery throughput: Postfix's smtp-source sends the same load (default 3,000 messages of 10 KiB, 10
#      sessions) to mailslot LMTP on one node without replica, to a 2-node cluster where the account's slot has an
#      in-sync replica, and to Dovecot LMTP; every message counted on arrival.
#   2. Replication lag: the replica's lag as the nodes report it (slot list's LAG) sampled under full load, and the
#      latency one sequential LMTP session sees with and without a replica (what shipping adds to each write).
#   3. Switchover of single slots and drain of a node, under a light delivery load that must lose nothing.
#   4. Automatic failover: SIGKILL of a master, time until a delivery to one of its slots gets 250 on the replica.
# Prints a Markdown section and appends it to bench/RESULTS.md.
#
#   sudo bench/replication.sh              # as root: Dovecot switches to the vmail user; about 5 minutes
#   ROUNDS=1 bench/replication.sh
#
# Settings (environment): ROUNDS=2 MESSAGES=3000 KIB=10 SESSIONS=10 WARMUP=1000 SLOTS_PER_PAIR=10
# LATENCY_MESSAGES=300 LAG_SECONDS=60 LAG_BATCH=2000 SWITCHOVERS=3 LOAD_THREADS=2 LOAD_PAUSE_MS=40
# FAILOVER_AFTER=3s PROBE_INTERVAL_MS=50 CL_ADDRESS1=127.0.0.21 CL_ADDRESS2=127.0.0.22 CL_LMTP_PORT=5424
# CL_POP3_PORT=5110 CL_IMAP_PORT=5143 CL_REPL_PORT=5401 RESULTS=bench/RESULTS.md, plus those in common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${ROUNDS:=2}" "${MESSAGES:=3000}" "${KIB:=10}" "${SESSIONS:=10}" "${WARMUP:=1000}" "${SLOTS_PER_PAIR:=10}"
: "${LATENCY_MESSAGES:=300}" "${LAG_SECONDS:=60}" "${LAG_BATCH:=2000}" "${SWITCHOVERS:=3}"
: "${LOAD_THREADS:=2}" "${LOAD_PAUSE_MS:=40}" "${FAILOVER_AFTER:=3s}" "${PROBE_INTERVAL_MS:=50}"
: "${CL_ADDRESS1:=127.0.0.21}" "${CL_ADDRESS2:=127.0.0.22}"
: "${CL_LMTP_PORT:=5424}" "${CL_POP3_PORT:=5110}" "${CL_IMAP_PORT:=5143}" "${CL_REPL_PORT:=5401}"
: "${RESULTS:=$BENCH/RESULTS.md}"
(( SWITCHOVERS <= SLOTS_PER_PAIR )) || die "SWITCHOVERS must be at most SLOTS_PER_PAIR"
SENDER="sender@$DOMAIN"
CLIENT="$BENCH/replclient.py"
CL_ADDR=("" "$CL_ADDRESS1" "$CL_ADDRESS2")   # node1, node2
declare -A CL_PID EXPECT                      # EXPECT: account -> messages acknowledged by the cluster
COMMANDS=""
record() { COMMANDS+="$*"$'\n'; }
STARTED="$(now)"

require_root_and_tools
python3 -c 'import sqlite3' 2>/dev/null || die "python3 lacks sqlite3"
for i in 1 2; do
  for port in "$CL_LMTP_PORT" "$CL_POP3_PORT" "$CL_IMAP_PORT" "$CL_REPL_PORT"; do
    if (exec 3<>"/dev/tcp/${CL_ADDR[$i]}/$port") 2>/dev/null; then die "${CL_ADDR[$i]}:$port is already in use"; fi
  done
done
build_mailslot
make_workdir

# --- the 2-node cluster --------------------------------------------------------------------------
CL_DIR="$WORK/cluster"
CL_DB="$CL_DIR/directory.db"
CL_SECRET="$(head -c 24 /dev/urandom | base64 | tr '+/' '-_')"

cl_config() { # node-index failover-mode
  local i=$1 dir="$CL_DIR/node$1"
  mkdir -p "$dir"
  (umask 077; cat > "$dir/mailslot.yaml" <<EOF
# Written by bench/replication.sh: store node node$i of a 2-node cluster. Defaults except listeners, the loopback
# plaintext login and the cluster section. node.slots: node1 creates its share before the cluster exists (cluster
# init gives those slots replicas and adds node2's); on node2 they exist, so it creates none.
node:
  name: node$i
  hostname: node$i.localhost
  data-dir: data
  slots: $SLOTS_PER_PAIR
directory:
  url: 'jdbc:sqlite:$CL_DB'
cluster:
  address: ${CL_ADDR[$i]}
  secret: $CL_SECRET
  replication-port: $CL_REPL_PORT
  failover: $2
  failover-after: $FAILOVER_AFTER
auth:
  plaintext: loopback
smtp:
  listen: ""
submission:
  listen: ""
lmtp:
  listen: ${CL_ADDR[$i]}:$CL_LMTP_PORT
pop3:
  listen: ${CL_ADDR[$i]}:$CL_POP3_PORT
imap:
  listen: ${CL_ADDR[$i]}:$CL_IMAP_PORT
metrics:
  listen: ""
EOF
  )
}

cl_start() { # node-index
  local i=$1 dir="$CL_DIR/node$1" n
  rm -f "$dir/status.json"
  # shellcheck disable=SC2086 # MS_JAVA_OPTS is a list of options
  java --enable-native-access=ALL-UNNAMED ${MS_JAVA_OPTS:-} -jar "$JAR" run --config "$dir/mailslot.yaml" --status-file "$dir/status.json" >> "$dir/node.log" 2>&1 &
  CL_PID[$i]=$!
  PIDS+=("${CL_PID[$i]}")
  for n in $(seq 120); do
    [ -s "$dir/status.json" ] && break
    kill -0 "${CL_PID[$i]}" 2>/dev/null || { tail -20 "$dir/node.log" >&2; die "node$i stopped at start"; }
    sleep 0.5
  done
  [ -s "$dir/status.json" ] || die "node$i not ready after 60 s"
  log "node$i running, pid ${CL_PID[$i]}, on ${CL_ADDR[$i]}"
}

cl_stop() { # node-index...: SIGTERM to all at once, a clean stop
  local i pid n
  for i in "$@"; do kill -TERM "${CL_PID[$i]}" 2>/dev/null || true; done
  for i in "$@"; do
    pid=${CL_PID[$i]}
    for n in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

cl() { ms admin --config "$CL_DIR/node1/mailslot.yaml" "$@"; }

# Slot ids whose master is NODE, from slot list --json.
masters_of() { cl slot list --json | python3 -c 'import json,sys; print(" ".join(str(r["id"]) for r in json.load(sys.stdin) if r["master"] == sys.argv[1]))' "$1"; }
master_of() { cl slot list --json | python3 -c 'import json,sys; print(next(r["master"] for r in json.load(sys.stdin) if r["id"] == int(sys.argv[1])))' "$1"; }

cl_await_in_sync() { # seconds
  local deadline=$(( $(date +%s) + $1 ))
  while (( $(date +%s) < deadline )); do
    if cl slot list --json | python3 -c 'import json,sys; sys.exit(0 if all(r["replica"] and r["inSync"] for r in json.load(sys.stdin)) else 1)'; then
      return 0
    fi
    sleep 1
  done
  cl slot list >&2
  die "replicas not in sync after $1 s"
}

cl_add_account() { # local-part slot
  cl account add "$1@$DOMAIN" --hash "$(password_hash)" --slot "$2" >&2
  EXPECT[$1]=0
}

cl_count() { # node-index local-part
  python3 "$CLIENT" count --server "${CL_ADDR[$1]}:$CL_POP3_PORT" --user "$2@$DOMAIN" --password "$BENCH_PASSWORD"
}

jget() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); [v := v[k] for k in sys.argv[2:]]; print(v)' "$@"; }

start_cluster() {
  mkdir -p "$CL_DIR"
  cl_config 1 manual; cl_config 2 manual
  cl_start 1                                    # creates the directory and its slots 1..SLOTS_PER_PAIR
  cl domain add "$DOMAIN" >&2
  cl node add node2 --address "${CL_ADDR[2]}" >&2
  cl cluster init --slots-per-pair "$SLOTS_PER_PAIR" >&2
  record "mailslot admin --config node1/mailslot.yaml node add node2 --address ${CL_ADDR[2]}"
  record "mailslot admin --config node1/mailslot.yaml cluster init --slots-per-pair $SLOTS_PER_PAIR"
  cl_start 2
  cl_await_in_sync 120                          # node1 copies its (empty) slots to their new replicas on node2
  log "cluster formed: $(( 2 * SLOTS_PER_PAIR )) slots, every replica in sync"
}

# --- start everything ----------------------------------------------------------------------------
start_mailslot
start_dovecot
start_cluster
read -r -a N1_SLOTS <<< "$(masters_of node1)"
read -r -a N2_SLOTS <<< "$(masters_of node2)"
(( ${#N1_SLOTS[@]} == SLOTS_PER_PAIR && ${#N2_SLOTS[@]} == SLOTS_PER_PAIR )) \
  || die "expected $SLOTS_PER_PAIR masters per node, got node1: ${N1_SLOTS[*]}, node2: ${N2_SLOTS[*]}"
TP_SLOT=${N1_SLOTS[0]}          # the cluster's delivery load goes to an account in this slot (master node1)
FO_SLOT=${N2_SLOTS[0]}          # the failover probe's account
MACHINE="$(machine_summary)"
DIRTY="$(git -C "$ROOT" status --porcelain 2>/dev/null | awk '$2 ~ /\/src\/main\/|pom\.xml$/ {print $2}' | tr '\n' ' ')"

label() { case "$1" in ms) echo "mailslot, 1 node" ;; cl) echo "mailslot, 2 nodes (replica in sync)" ;; dc) echo "Dovecot" ;; esac; }
lmtp_of() { case "$1" in ms) echo "127.0.0.1:$MS_LMTP_PORT" ;; cl) echo "${CL_ADDR[1]}:$CL_LMTP_PORT" ;; dc) echo "127.0.0.1:$DC_LMTP_PORT" ;; esac; }
add_account() { case "$1" in ms) ms_add_account "$2" ;; cl) cl_add_account "$2" "$TP_SLOT" ;; dc) dc_add_account "$2" ;; esac; }
count_of() { case "$1" in ms) ms_count "$2" ;; cl) cl_count 1 "$2" ;; dc) dc_count "$2" ;; esac; }
server_cpu() {
  case "$1" in
    ms) cpu_seconds "$MS_PID" ;;
    cl) awk -v a="$(cpu_seconds "${CL_PID[1]}")" -v b="$(cpu_seconds "${CL_PID[2]}")" 'BEGIN { printf "%.2f", a + b }' ;;
    dc) cpu_seconds "$DC_PID" ;;
  esac
}
command_for() { # target user count
  echo "smtp-source -L -d -s $SESSIONS -m $3 -l $(( KIB * 1024 )) -M bench.client -f $SENDER -t $2@$DOMAIN $(lmtp_of "$1")"
}

# Every account up front (Dovecot may miss a passwd-file line added within a second of its last read).
for target in ms cl dc; do
  add_account "$target" "warm$target"
  for round in $(seq "$ROUNDS"); do add_account "$target" "r$round$target"; done
done
ms_add_account latms
cl_add_account latcl "$TP_SLOT"
cl_add_account lagcl "$TP_SLOT"
DRAIN_RCPTS=""
for s in "${N1_SLOTS[@]}"; do cl_add_account "drain$s" "$s"; DRAIN_RCPTS+="${DRAIN_RCPTS:+,}drain$s@$DOMAIN"; done
cl_add_account fo "$FO_SLOT"
record "mailslot admin --config node1/mailslot.yaml account add r1cl@$DOMAIN --hash '{SHA512-CRYPT}...' --slot $TP_SLOT   # and the others"
MEASURE_START_MS="$(date +%s%3N)"
# A replica that fell out of sync would let its master answer without it: such a run would not measure replication.
out_of_sync_events() { python3 "$CLIENT" events --db "$CL_DB" --kind replica-out-of-sync --since-ms "$MEASURE_START_MS"; }

# --- 1. throughput -------------------------------------------------------------------------------
log "warm-up: $WARMUP messages of $KIB KiB to each target"
for target in ms cl dc; do
  timeout "$BENCH_TIMEOUT" $(command_for "$target" "warm$target" "$WARMUP") || die "warm-up of $(label "$target") failed"
done
EXPECT[warmcl]=$WARMUP

TP_ROWS=""
declare -A RATE
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="ms cl dc"; else order="dc cl ms"; fi
  for target in $order; do
    user="r$round$target"
    cmd="$(command_for "$target" "$user" "$MESSAGES")"
    [ "$round" = 1 ] && record "$cmd"
    log "round $round $(label "$target"): $cmd"
    cpu0="$(server_cpu "$target")"; t0="$(now)"
    timeout "$BENCH_TIMEOUT" $cmd || die "smtp-source failed or timed out: $cmd"
    t1="$(now)"; cpu1="$(server_cpu "$target")"
    s="$(elapsed "$t0" "$t1")"
    cpu="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
    got="$(count_of "$target" "$user")"
    [ "$got" = "$MESSAGES" ] || die "$(label "$target") round $round: $got of $MESSAGES messages arrived"
    [ "$target" = cl ] && EXPECT[$user]=$MESSAGES
    RATE[$round,$target]="$(rate "$MESSAGES" "$s")"
    cpu_ms="$(awk -v c="$cpu" -v n="$MESSAGES" 'BEGIN { printf "%.2f", c * 1000 / n }')"
    TP_ROWS+="| $round | $(label "$target") | $MESSAGES | $s | ${RATE[$round,$target]} | $cpu | $cpu_ms |"$'\n'
    log "  $s s, ${RATE[$round,$target]} msg/s, server CPU $cpu s; all $got arrived"
  done
done
TP_SUMMARY=""
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for round in $(seq "$ROUNDS"); do
  ms_r=${RATE[$round,ms]} cl_r=${RATE[$round,cl]} dc_r=${RATE[$round,dc]}
  TP_SUMMARY+="| $round | $ms_r | $cl_r | $dc_r | $(ratio "$cl_r" "$ms_r") | $(ratio "$cl_r" "$dc_r") | $(ratio "$ms_r" "$dc_r") |"$'\n'
done

# --- 2. lag and what shipping adds per write -----------------------------------------------------
LAT_ROWS=""
for target in ms cl; do
  user="lat$target"
  cmd="python3 bench/replclient.py latency --server $(lmtp_of "$target") --rcpt $user@$DOMAIN --count $LATENCY_MESSAGES --size $(( KIB * 1024 ))"
  record "$cmd"
  log "latency, 1 session, $(label "$target")"
  python3 "$CLIENT" latency --server "$(lmtp_of "$target")" --rcpt "$user@$DOMAIN" --count "$LATENCY_MESSAGES" \
    --size $(( KIB * 1024 )) > "$WORK/latency-$target.json" || die "latency run on $(label "$target") failed"
  LAT_ROWS+="| $(label "$target") | $LATENCY_MESSAGES | $(jget "$WORK/latency-$target.json" p50_ms) | $(jget "$WORK/latency-$target.json" p99_ms) | $(jget "$WORK/latency-$target.json" mean_ms) | $(jget "$WORK/latency-$target.json" max_ms) |"$'\n'
done
EXPECT[latcl]=$LATENCY_MESSAGES
ADDED_P50="$(awk -v a="$(jget "$WORK/latency-cl.json" p50_ms)" -v b="$(jget "$WORK/latency-ms.json" p50_ms)" 'BEGIN { printf "%.2f", a - b }')"
ADDED_P99="$(awk -v a="$(jget "$WORK/latency-cl.json" p99_ms)" -v b="$(jget "$WORK/latency-ms.json" p99_ms)" 'BEGIN { printf "%.2f", a - b }')"

log "lag: full delivery load on the cluster for $LAG_SECONDS s, the replica's reported lag sampled meanwhile"
rm -f "$WORK/lag.stop"
python3 "$CLIENT" lag --db "$CL_DB" --slot "$TP_SLOT" --stop-file "$WORK/lag.stop" --out "$WORK/lag.json" &
LAG_PID=$!; PIDS+=("$LAG_PID")
record "python3 bench/replclient.py lag --db cluster/directory.db --slot $TP_SLOT --stop-file ... --out ...   # while:"
lag_sent=0; t0="$(now)"
while awk -v e="$(elapsed "$t0" "$(now)")" -v l="$LAG_SECONDS" 'BEGIN { exit !(e < l) }'; do
  cmd="$(command_for cl lagcl "$LAG_BATCH")"
  (( lag_sent == 0 )) && record "$cmd   # repeated for $LAG_SECONDS s"
  timeout "$BENCH_TIMEOUT" $cmd || die "smtp-source failed or timed out: $cmd"
  lag_sent=$(( lag_sent + LAG_BATCH ))
done
LAG_S="$(elapsed "$t0" "$(now)")"
touch "$WORK/lag.stop"; wait "$LAG_PID" || die "lag sampler failed"
got="$(cl_count 1 lagcl)"
[ "$got" = "$lag_sent" ] || die "lag phase: $got of $lag_sent messages arrived"
EXPECT[lagcl]=$lag_sent
LAG_REPORTS="$(python3 -c 'import json,sys; print(", ".join(str(r["lag_ms"]) for r in json.load(open(sys.argv[1]))["reports"]))' "$WORK/lag.json")"
log "  $lag_sent messages in $LAG_S s; reported lags (ms): $LAG_REPORTS"

# --- 3. switchover and drain under light load ----------------------------------------------------
log "switchover and drain under light load ($LOAD_THREADS threads, ${LOAD_PAUSE_MS} ms pause)"
rm -f "$WORK/load.stop"
python3 "$CLIENT" load --nodes "${CL_ADDR[1]}:$CL_LMTP_PORT,${CL_ADDR[2]}:$CL_LMTP_PORT" --rcpts "$DRAIN_RCPTS" \
  --threads "$LOAD_THREADS" --pause-ms "$LOAD_PAUSE_MS" --size $(( KIB * 1024 )) --stop-file "$WORK/load.stop" --out "$WORK/load.json" &
LOAD_PID=$!; PIDS+=("$LOAD_PID")
record "python3 bench/replclient.py load --nodes ${CL_ADDR[1]}:$CL_LMTP_PORT,${CL_ADDR[2]}:$CL_LMTP_PORT --rcpts drain${N1_SLOTS[0]}@$DOMAIN,... --threads $LOAD_THREADS --pause-ms $LOAD_PAUSE_MS --size $(( KIB * 1024 )) --stop-file ... --out ...   # while:"
sleep 3
SW_ROWS=""
SW_MS=()
for s in "${N1_SLOTS[@]:0:$SWITCHOVERS}"; do
  for direction in there back; do
    out="$(cl slot switchover "$s")" || die "switchover of slot $s failed: $out"
    [ "$direction" = there ] && [ "$s" = "${N1_SLOTS[0]}" ] && record "mailslot admin --config node1/mailslot.yaml slot switchover $s"
    log "  $out"
    ms_taken="$(sed -nE 's/.* in ([0-9]+) ms$/\1/p' <<< "$out")"
    SW_MS+=("$ms_taken")
    SW_ROWS+="| $s | $(sed -nE 's/^slot [0-9]+: master ([^ ]+) -> ([^,]+),.*/\1 → \2/p' <<< "$out") | $ms_taken |"$'\n'
    sleep 1
  done
done
SW_SORTED="$(printf '%s\n' "${SW_MS[@]}" | sort -n | paste -sd ' ')"
SW_MEDIAN="$(printf '%s\n' "${SW_MS[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
out="$(cl node drain node1 --wait 60s)" || die "drain of node1 failed: $out"
record "mailslot admin --config node1/mailslot.yaml node drain node1"
log "  $out"
DRAIN_MOVED="$(sed -nE 's/.*: ([0-9]+) masters moved in ([0-9]+) ms$/\1/p' <<< "$out")"
DRAIN_MS="$(sed -nE 's/.*: ([0-9]+) masters moved in ([0-9]+) ms$/\2/p' <<< "$out")"
sleep 2
cl node undrain node1 >&2
record "mailslot admin --config node1/mailslot.yaml node undrain node1"
touch "$WORK/load.stop"; wait "$LOAD_PID" || die "load client failed"
# A missing acknowledged message is a finding to report, not a reason to stop: the run goes on and exits 1 at the end.
DRAIN_LOST=0; DRAIN_LOST_DETAIL=""
for s in "${N1_SLOTS[@]}"; do
  acked="$(jget "$WORK/load.json" acked "drain$s@$DOMAIN")"
  got="$(cl_count 2 "drain$s")"     # node2 masters every slot after the drain
  if [ "$got" != "$acked" ]; then
    log "  LOST: drain$s (slot $s) has $got messages on node2, $acked were acknowledged"
    DRAIN_LOST=$(( DRAIN_LOST + acked - got )); DRAIN_LOST_DETAIL+="${DRAIN_LOST_DETAIL:+, }drain$s in slot $s: $got of $acked"
  fi
  EXPECT[drain$s]=$got              # the failover check below compares with what was there before the kill
done
LOAD_TOTAL="$(jget "$WORK/load.json" total)"
OUT_OF_SYNC="$(out_of_sync_events)"
log "  replica-out-of-sync events since the measurements began: $OUT_OF_SYNC"
log "  load: $LOAD_TOTAL acknowledged, all present on node2; retries $(jget "$WORK/load.json" retries), permanent refusals $(jget "$WORK/load.json" permanent)"

# --- 4. automatic failover -----------------------------------------------------------------------
log "restarting both nodes with cluster.failover: automatic, failover-after $FAILOVER_AFTER"
# Both stop together and node2, which masters every slot since the drain, starts first: a manager that saw a node
# beat shortly before it stopped would fail it over, which is not what this part measures.
cl_stop 1 2
cl_config 1 automatic; cl_config 2 automatic
cl_start 2; cl_start 1
cl_await_in_sync 120
sleep 3     # a few manager rounds with both nodes beating: a manager fails over only nodes it saw alive
VICTIM="$(master_of "$FO_SLOT")"; VICTIM_I=${VICTIM#node}; SURVIVOR_I=$(( 3 - VICTIM_I ))
VICTIM_MASTERS="$(masters_of "$VICTIM" | wc -w)"
log "SIGKILL of $VICTIM (pid ${CL_PID[$VICTIM_I]}, masters $VICTIM_MASTERS slots); probing slot $FO_SLOT on node$SURVIVOR_I every $PROBE_INTERVAL_MS ms"
record "python3 bench/replclient.py failover --db cluster/directory.db --pid <$VICTIM's pid> --killed-node $VICTIM --slot $FO_SLOT --server ${CL_ADDR[$SURVIVOR_I]}:$CL_LMTP_PORT --rcpt fo@$DOMAIN --interval-ms $PROBE_INTERVAL_MS"
python3 "$CLIENT" failover --db "$CL_DB" --pid "${CL_PID[$VICTIM_I]}" --killed-node "$VICTIM" --slot "$FO_SLOT" \
  --server "${CL_ADDR[$SURVIVOR_I]}:$CL_LMTP_PORT" --rcpt "fo@$DOMAIN" --interval-ms "$PROBE_INTERVAL_MS" \
  --size $(( KIB * 1024 )) > "$WORK/failover.json" || { cat "$WORK/failover.json" >&2; die "no delivery after the failover"; }
wait "${CL_PID[$VICTIM_I]}" 2>/dev/null || true
EXPECT[fo]=1
log "  $(cat "$WORK/failover.json")"
fo() { jget "$WORK/failover.json" "$1"; }
left="$(masters_of "$VICTIM" | wc -w)"
[ "$left" = 0 ] || die "$VICTIM still masters $left slots after the failover"
# every message the cluster acknowledged in this run, on the surviving node
checked=0; FO_LOST=0; FO_LOST_DETAIL=""
for account in "${!EXPECT[@]}"; do
  got="$(cl_count "$SURVIVOR_I" "$account")"
  if [ "$got" != "${EXPECT[$account]}" ]; then
    log "  LOST: after the failover node$SURVIVOR_I has $got messages for $account, ${EXPECT[$account]} expected"
    FO_LOST=$(( FO_LOST + EXPECT[$account] - got )); FO_LOST_DETAIL+="${FO_LOST_DETAIL:+, }$account: $got of ${EXPECT[$account]}"
  fi
  checked=$(( checked + got ))
done
log "  node$SURVIVOR_I holds $checked messages; missing: $FO_LOST"
TOTAL_S="$(elapsed "$STARTED" "$(now)")"

# --- report --------------------------------------------------------------------------------------
fo_after_ms="$(awk -v d="$FAILOVER_AFTER" 'BEGIN { if (d ~ /ms$/) print d + 0; else if (d ~ /m$/) print d * 60000; else print d * 1000 }')"
section="$(cat <<EOF

## Replication (2 store nodes): $(date -u '+%Y-%m-%d %H:%M UTC')

Script: \`bench/replication.sh\` (ROUNDS=$ROUNDS MESSAGES=$MESSAGES KIB=$KIB SESSIONS=$SESSIONS WARMUP=$WARMUP SLOTS_PER_PAIR=$SLOTS_PER_PAIR LATENCY_MESSAGES=$LATENCY_MESSAGES LAG_SECONDS=$LAG_SECONDS LAG_BATCH=$LAG_BATCH SWITCHOVERS=$SWITCHOVERS LOAD_THREADS=$LOAD_THREADS LOAD_PAUSE_MS=$LOAD_PAUSE_MS FAILOVER_AFTER=$FAILOVER_AFTER PROBE_INTERVAL_MS=$PROBE_INTERVAL_MS), clients in \`bench/replclient.py\`; the whole run took $(printf '%.0f' "$TOTAL_S") s.
Three mailslot nodes and one Dovecot ran at once on this machine: the single node of the other scripts (127.0.0.1, no
\`cluster\` section: no replica), and a cluster of node1 on ${CL_ADDR[1]} and node2 on ${CL_ADDR[2]}, each with its own data
directory under $BENCH_BASE, one shared SQLite directory.db, a cluster secret, replication on port $CL_REPL_PORT without TLS,
\`cluster init --slots-per-pair $SLOTS_PER_PAIR\` ($(( 2 * SLOTS_PER_PAIR )) slots: each node masters $SLOTS_PER_PAIR, the replica of each on the other node) and
otherwise default settings (cluster.role-refresh 500ms, ship-timeout 5s). Accounts were put in chosen slots with
\`account add --slot\`. The cluster's 250 means: the body and row fsynced on node1, shipped to node2 and applied there
(fsynced) before the answer. Nodes not under load idled meanwhile (a role refresh and a heartbeat every 500 ms each).

$MACHINE
$(durability_summary)
- Replicas recorded out of sync during parts 1-3 (\`replica-out-of-sync\` events in the slots' histories): $OUT_OF_SYNC$( [ "$OUT_OF_SYNC" != 0 ] && echo " — some cluster writes were then answered without waiting for a replica, so the cluster figures flatter replication" ).
- Built from the working tree$( [ -n "$DIRTY" ] && echo ", which had uncommitted changes (not this benchmark's) in: $DIRTY" || echo " at that commit, no uncommitted changes in main sources" ).

### Delivery throughput

$MESSAGES messages of $KIB KiB per target and round, \`smtp-source -L -d -s $SESSIONS\` (each session keeps its connection), all to one
account (a fresh one per target and round; on the cluster in slot $TP_SLOT, master node1, replica node2), after $WARMUP unmeasured
messages to each target. Every message counted on arrival (mailslot: POP3 STAT on the master; Dovecot: files in the Maildir).
Rounds alternate the order (odd: 1 node, 2 nodes, Dovecot; even: the reverse).

| round | mailslot 1 node msg/s | mailslot 2 nodes msg/s | Dovecot LMTP msg/s | 2 nodes / 1 node | 2 nodes / Dovecot | 1 node / Dovecot |
|---|---|---|---|---|---|---|
$TP_SUMMARY
Server CPU = user+system seconds of the server processes during the run (2 nodes: node1 + node2; Dovecot: master and children):

| round | target | messages | seconds | msg/s | server CPU s | CPU ms / message |
|---|---|---|---|---|---|---|
$TP_ROWS
### Replication lag, and what shipping adds per write

The master answers only after the replica confirmed the commit, so for acknowledged writes the replica's lag is 0 by
construction; what a reader can measure from outside is (a) the lag the nodes report and (b) the latency shipping adds.

(a) \`slot list\`'s LAG (\`lagMs\`) is how long the replica has lacked some of the master's changes, reported by the master
every 5 s: it is 0 unless a commit is being shipped at the very moment of the report. The script read that column
(\`slot_copies.lag_ms\`, where \`slot list\` reads it) from the directory every 200 ms instead of starting a JVM per sample,
for $LAG_S s of full load ($lag_sent messages, $(rate "$lag_sent" "$LAG_S") msg/s, smtp-source as above, all arrived) to slot $TP_SLOT: $(jget "$WORK/lag.json" n) distinct reports,
lag in ms: $LAG_REPORTS$( [ "$(jget "$WORK/lag.json" n)" -gt 0 ] && echo " (p50 $(jget "$WORK/lag.json" p50_ms) ms, p99 = max with so few reports: $(jget "$WORK/lag.json" p99_ms) ms; $(jget "$WORK/lag.json" nonzero) nonzero)" ). Too few and too coarse for a
distribution; they say only that the replica was never seen behind by more than that.

(b) One LMTP session delivering $LATENCY_MESSAGES messages of $KIB KiB one after the other (no other load from this script; time from MAIL FROM to the
reply after the data), to the single node and to node1 of the cluster. The difference is the cost of shipping each
commit to the replica and waiting for it (round trips plus the replica's fsyncs), measured from outside; the nodes have
no ship-time metric of their own.

| target | deliveries | p50 ms | p99 ms | mean ms | max ms |
|---|---|---|---|---|---|
$LAT_ROWS
Added by the replica: p50 +$ADDED_P50 ms, p99 +$ADDED_P99 ms.

### Switchover and drain

While a light load ran ($LOAD_THREADS client threads, ${LOAD_PAUSE_MS} ms pause after each message, one account in each of node1's
$SLOTS_PER_PAIR slots; on a temporary refusal the client asks the other node after 50 ms, as the front proxy will), $SWITCHOVERS of node1's
slots were switched over to node2 and back, one at a time (\`slot switchover S\`, which prints the time from the request
to the new epoch in the directory), then node1 was drained (\`node drain node1\`) and undrained.

| slot | master | ms |
|---|---|---|
$SW_ROWS
- Switchover, $(( SWITCHOVERS * 2 )) runs: median $SW_MEDIAN ms (all: $SW_SORTED). A node picks up the request at its next role refresh
  (every 500 ms), so most of this is the wait for that refresh.
- Drain of node1: $DRAIN_MOVED masters moved in $DRAIN_MS ms.
- Light load over the whole phase: $LOAD_TOTAL deliveries acknowledged in $(jget "$WORK/load.json" seconds) s ($(jget "$WORK/load.json" rate) msg/s), $( [ "$DRAIN_LOST" = 0 ] && echo "every one found on the new
  master afterwards" || echo "**$DRAIN_LOST of them missing on the new master afterwards** ($DRAIN_LOST_DETAIL: acknowledged, then lost)" ); $(jget "$WORK/load.json" retries) temporary refusals retried, $(jget "$WORK/load.json" permanent) permanent refusals, $(jget "$WORK/load.json" gave_up) given up. Time from a message's
  first attempt to its 250, retries included: p50 $(jget "$WORK/load.json" wait p50_ms) ms, p99 $(jget "$WORK/load.json" wait p99_ms) ms, max $(jget "$WORK/load.json" wait max_ms) ms.

### Automatic failover

Both nodes restarted with \`cluster.failover: automatic\` and \`cluster.failover-after: $FAILOVER_AFTER\` (role-refresh 500ms, so
heartbeats every 500 ms and the cluster manager's lease of 2 s). $VICTIM, master of all $VICTIM_MASTERS slots after the drain,
was SIGKILLed; from that moment a probe on this machine tried one LMTP delivery to an account in slot $FO_SLOT at
node$SURVIVOR_I (the replica) every $PROBE_INTERVAL_MS ms, a new connection each time, until one got 250. The promotion's time is
the \`failover\` event the cluster manager wrote in the slot's history; the last heartbeat is $VICTIM's row in the
directory.

| | ms |
|---|---|
| SIGKILL → first 250 on node$SURVIVOR_I | $(fo kill_to_first_250_ms) |
| of which SIGKILL → promotion in the directory | $(fo kill_to_promotion_ms) |
| of which promotion → first 250 (node$SURVIVOR_I's role refresh, ≤ 500 ms, + the probe's period and one delivery) | $(fo promotion_to_first_250_ms) |
| $VICTIM's last heartbeat before the kill (age at the kill) | $(fo heartbeat_age_at_kill_ms) |
| failover-after | $fo_after_ms |
| last of the $(fo slots_failed_over) promotions, after the kill | $(fo last_promotion_after_kill_ms) |

Detection takes failover-after counted from the last heartbeat, so kill → promotion ≈ failover-after − the heartbeat's
age at the kill + up to one manager round (500 ms). The cluster-manager lease was held by $(fo lease_owner_before_kill) before the kill.
Promotion detail: "$(fo promotion_detail)". Probe attempts: $(fo attempts) (reply codes: $(fo codes | tr -d "{}'")). Afterwards
$( [ "$FO_LOST" = 0 ] && echo "node$SURVIVOR_I held every one of the $checked messages the cluster held before the kill (POP3 STAT per account)." || echo "**node$SURVIVOR_I lacked $FO_LOST of the messages the cluster held before the kill** ($FO_LOST_DETAIL)." )

### Caveats

- One 2-core machine, shared with other engineers' builds and tests: the load generator, three mailslot JVMs, Dovecot
  and unrelated work compete for the same cores, and both cluster nodes write to the same virtual disk, so
  replication here costs CPU and fsyncs that two real machines would spread over two. Single numbers can be off by
  tens of percent; compare rounds.
- Replica and master on one machine: the network round trip is loopback's, far below a real network's.
- The lag figures are the nodes' own 5-second reports, a handful per run; there is no per-commit ship-time metric,
  so the latency difference in (b) stands in for it.

Exact commands (round 1; paths relative to the run's directory):

\`\`\`
$COMMANDS\`\`\`
EOF
)"
echo "$section"
[ -f "$RESULTS" ] || printf '# mailslot benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest last.\n' > "$RESULTS"
echo "$section" >> "$RESULTS"
log "appended to $RESULTS"
if (( DRAIN_LOST + FO_LOST > 0 )); then
  die "$(( DRAIN_LOST + FO_LOST )) acknowledged message(s) lost (see the section); data and logs kept"
fi
