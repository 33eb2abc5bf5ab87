#!/usr/bin/env bash
# IMAP mixed workload and large-mailbox SEARCH/SELECT: mailslot against Dovecot (dovecot-imapd) on this
# machine, with bench/ImapLoad.java as the client. Dovecot is measured twice per round: with its defaults
# (a new imap-login and imap process per connection) and with process reuse (service_count = 0 for
# imap-login and imap). Appends a Markdown section to bench/RESULTS.md.
#
#   sudo bench/imap-load.sh
#
# Settings (environment): CLIENTS="10 50" MAILBOX=500 (messages per load account) DURATION=30 WARMUP=10
# ROUNDS=2 BIG=100000 (0 = skip the large mailbox) REPS=7 RESULTS=bench/RESULTS.md, plus those in common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${CLIENTS:=10 50}" "${MAILBOX:=500}" "${DURATION:=30}" "${WARMUP:=10}" "${ROUNDS:=2}" "${BIG:=100000}" "${REPS:=7}"
: "${RESULTS:=$BENCH/RESULTS.md}"
DC_PROTOCOLS="lmtp pop3 imap"
MAX_CLIENTS=0; for c in $CLIENTS; do (( c > MAX_CLIENTS )) && MAX_CLIENTS=$c; done
# One account per client: mailslot's imap.sessions-per-account and Dovecot's mail_max_userip_connections (10)
# limit sessions of one user. Every iteration reconnects, so allow more than 50 connections from 127.0.0.1 at
# once (a closing connection may still be counted for a moment); Dovecot has no such per-address limit.
MS_IMAP_CONFIG="  max-connections-per-address: $(( MAX_CLIENTS * 4 ))"
HASH_NOTE="mailslot rehashes imported {SHA512-CRYPT} hashes to Argon2id at the first login: its logins verify Argon2id, Dovecot's SHA512-CRYPT"
if [ -z "${MS_EXTRA_CONFIG:-}" ]; then
  build_mailslot
  if ms config defaults 2>/dev/null | grep -q 'rehash-on-login'; then
    MS_EXTRA_CONFIG=$'directory:\n  rehash-on-login: false'
    HASH_NOTE="directory.rehash-on-login: false, so both servers verify the same {SHA512-CRYPT} hash at every login"
  fi
fi
LOAD="java $BENCH/ImapLoad.java"
DC_REUSE_CONF=$'service imap-login {\n  service_count = 0\n}\nservice imap {\n  service_count = 0\n}'

require_root_and_tools
[ -x /usr/lib/dovecot/imap ] || die "Dovecot's imap binary is missing (apt-get install dovecot-imapd)"
for port in "$MS_IMAP_PORT" "$DC_IMAP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "127.0.0.1:$port is already in use"; fi
done
build_mailslot
make_workdir
start_mailslot
start_dovecot
MACHINE="$(machine_summary)"

USERS=""; for i in $(seq "$MAX_CLIENTS"); do USERS+="${USERS:+,}u$i@$DOMAIN"; done
# Three admin JVMs at a time: each one starts in a few seconds on this machine.
adders=()
for u in $(seq -f 'u%g' "$MAX_CLIENTS") big; do
  ms_add_account "$u" & adders+=($!)
  if (( ${#adders[@]} == 3 )); then
    for pid in "${adders[@]}"; do wait "$pid" || die "adding accounts failed"; done
    adders=()
  fi
  dc_add_account "$u"
done
for pid in "${adders[@]}"; do wait "$pid" || die "adding accounts failed"; done
sleep 1.1 # Dovecot rereads a passwd-file changed more than a second after its last read

FILL_COMMANDS=""
for port in "$MS_IMAP_PORT" "$DC_IMAP_PORT"; do
  cmd="$LOAD fill --port $port --users $USERS --password $BENCH_PASSWORD --messages $MAILBOX --connections 1"
  log "filling $MAX_CLIENTS accounts with $MAILBOX messages each: $cmd"
  out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "fill failed: $cmd"; log "  $out"
  FILL_COMMANDS+="${cmd//$BENCH\//bench/}"$'\n'
  if (( BIG > 0 )); then
    cmd="$LOAD fill --port $port --users big@$DOMAIN --password $BENCH_PASSWORD --messages $BIG --connections 4 --rare-every 10000"
    log "filling the large mailbox with $BIG messages: $cmd"
    out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "fill failed: $cmd"; log "  $out"
    FILL_COMMANDS+="${cmd//$BENCH\//bench/}  # $out"$'\n'
  fi
done

restart_dovecot() { # default|reuse
  stop_dovecot
  if [ "$1" = reuse ]; then DC_EXTRA_CONF="$DC_REUSE_CONF"; else DC_EXTRA_CONF=""; fi
  # start_dovecot rewrites the config and keeps the mail directory and passwd-file
  local users; users="$(cat "$DC_DIR/users")"
  start_dovecot
  echo "$users" > "$DC_DIR/users"
  sleep 1.1
  wait_port "$DC_IMAP_PORT" 30 || die "Dovecot IMAP did not start"
}

PROBE_ROWS=""
probe() { # round server-name port round
  local cmd out
  cmd="$LOAD probe --port $3 --users big@$DOMAIN --password $BENCH_PASSWORD --reps $REPS --word quetzalcoatl --word xylophonist"
  out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "probe failed: $cmd"
  log "  probe $2: $out"
  PROBE_ROWS+="$(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); rnd, name = sys.argv[2], sys.argv[3]
s, a, b = r["SELECT"], r["SEARCH BODY quetzalcoatl"], r["SEARCH BODY xylophonist"]
span = lambda x: "%s (%s-%s)" % (x["median_ms"], x["min_ms"], x["max_ms"])
print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (rnd, name, r["messages"], s["first_ms"], span(s),
      a["first_ms"], span(a), a["hits"], span(b), b["hits"]))' "$out" "$4" "$2")"$'\n'
  PROBE_CMD="${cmd//$BENCH\//bench/}"
}

LOAD_ROWS=""
OP_ROWS=""
run_point() { # round name port pid clients
  local cmd out cpu0 cpu1
  cmd="$LOAD load --port $3 --users $(echo "$USERS" | cut -d, -f1-"$5") --password $BENCH_PASSWORD --warmup $WARMUP --duration $DURATION"
  log "round $1 $2, $5 clients"
  cpu0="$(cpu_seconds "$4")"
  out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "load failed: $cmd"
  cpu1="$(cpu_seconds "$4")"
  log "  $out"
  LOAD_ROWS+="$(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); cpu = float(sys.argv[5]) - float(sys.argv[4])
iters = r["iterations_per_second"] * r["seconds"]
per_iter = cpu / iters * 1000 if iters else 0
print("| %s | %s | %d | %.0f | %.1f | %.2f | %.2f | %d | %.1f | %.1f |" % (sys.argv[2], sys.argv[3], r["clients"],
      r["ops_per_second"], r["iterations_per_second"], r["p50_ms"], r["p99_ms"], r["errors"], cpu, per_iter))' "$out" "$1" "$2" "$cpu0" "$cpu1")"$'\n'
  OP_ROWS+="$(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
cells = " | ".join("%.1f / %.1f" % (v["p50_ms"], v["p99_ms"]) for v in r["per_op"].values())
print("| %s | %s | %d | %s |" % (sys.argv[2], sys.argv[3], r["clients"], cells))
if r["error_kinds"]: print("| %s | %s | errors: %s |" % (sys.argv[2], sys.argv[3], json.dumps(r["error_kinds"])))' "$out" "$1" "$2")"$'\n'
  [ "$1" = 1 ] && LOAD_COMMANDS+="${cmd//$BENCH\//bench/}"$'\n'
  return 0
}

LOAD_COMMANDS=""
for round in $(seq "$ROUNDS"); do
  if (( BIG > 0 )); then
    probe "$round" mailslot "$MS_IMAP_PORT" "$round"
    probe "$round" "Dovecot" "$DC_IMAP_PORT" "$round"
  fi
  for clients in $CLIENTS; do
    # Alternate who goes first; Dovecot restarts between its two configurations.
    if (( round % 2 == 1 )); then
      run_point "$round" mailslot "$MS_IMAP_PORT" "$MS_PID" "$clients"
      restart_dovecot default
      run_point "$round" "Dovecot defaults" "$DC_IMAP_PORT" "$DC_PID" "$clients"
      restart_dovecot reuse
      run_point "$round" "Dovecot reuse" "$DC_IMAP_PORT" "$DC_PID" "$clients"
    else
      restart_dovecot reuse
      run_point "$round" "Dovecot reuse" "$DC_IMAP_PORT" "$DC_PID" "$clients"
      restart_dovecot default
      run_point "$round" "Dovecot defaults" "$DC_IMAP_PORT" "$DC_PID" "$clients"
      run_point "$round" mailslot "$MS_IMAP_PORT" "$MS_PID" "$clients"
    fi
  done
done

section="$(cat <<EOF

## IMAP mixed load and large mailbox: $(date -u '+%Y-%m-%d %H:%M UTC')

Script: \`bench/imap-load.sh\` (CLIENTS="$CLIENTS" MAILBOX=$MAILBOX DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS BIG=$BIG REPS=$REPS).
Client: \`bench/ImapLoad.java\` (raw sockets, one virtual thread per client, one command in flight, LOGIN in plaintext on loopback).
Each client has its own account holding $MAILBOX generated messages (about 2.3 KiB) and loops over the fixed mix:
connect + LOGIN, SELECT INBOX, FETCH 10 messages' FLAGS UID and 5 header fields, FETCH one BODY.PEEK[], STORE +/-\\Seen on one,
UID SEARCH SUBJECT <word>, APPEND one message, STORE \\Deleted on it, EXPUNGE, LOGOUT (10 ops). ops/s = ops completed within
the $DURATION s after a $WARMUP s warm-up; p50/p99 over all those ops; an error is a tagged NO/BAD, an unexpected BYE or an I/O error.
Server CPU = user+system seconds of the server (Dovecot: master and its reaped children) during the point.
Passwords: the same {SHA512-CRYPT} hash (doveadm pw) on both; $HASH_NOTE.
mailslot: default settings but imap.max-connections-per-address $(( MAX_CLIENTS * 4 )) (every iteration reconnects).
Dovecot $(dovecot --version): Maildir, compiled-in defaults ("defaults": a new imap-login and imap process per connection),
and "reuse": \`service imap-login { service_count = 0 }\` and \`service imap { service_count = 0 }\`. No FTS plugin
(Debian's default), so Dovecot's SEARCH BODY reads the messages.

$MACHINE

| round | server | clients | ops/s | iterations/s | p50 ms | p99 ms | errors | server CPU s | CPU ms / iteration |
|---|---|---|---|---|---|---|---|---|---|
$LOAD_ROWS
Per-op p50 / p99 ms (LOGIN includes TCP connect and greeting):

| round | server | clients | LOGIN | SELECT | FETCH headers | FETCH body | STORE | SEARCH SUBJECT | APPEND | STORE \\Deleted | EXPUNGE | LOGOUT |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
$OP_ROWS
$( (( BIG > 0 )) && cat <<EOT
Large mailbox: $BIG messages appended to one INBOX (MULTIAPPEND, 4 connections), "quetzalcoatl" in every 10,000th,
"xylophonist" in none. One session: SELECT INBOX, UID SEARCH BODY each word, UNSELECT, $REPS times; "first" is the
first repetition of the round, the median (min-max) is over the other $(( REPS - 1 )). ms as seen by the client.

| round | server | messages | SELECT first | SELECT median | SEARCH BODY rare first | SEARCH BODY rare median | hits | SEARCH BODY absent median | hits |
|---|---|---|---|---|---|---|---|---|---|
$PROBE_ROWS
Probe: \`$PROBE_CMD\`
EOT
)

Fill commands (mailslot, then Dovecot):

\`\`\`
$FILL_COMMANDS\`\`\`

Load commands (round 1; port $MS_IMAP_PORT mailslot, $DC_IMAP_PORT Dovecot):

\`\`\`
$LOAD_COMMANDS\`\`\`
EOF
)"
echo "$section"
[ -f "$RESULTS" ] || printf '# mailslot benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest last.\n' > "$RESULTS"
echo "$section" >> "$RESULTS"
log "appended to $RESULTS"
