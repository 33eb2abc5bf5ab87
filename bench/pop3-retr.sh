#!/usr/bin/env bash
# POP3 RETR throughput: fills the same maildrops on mailslot and on Dovecot (delivered over LMTP by
# smtp-source: a quarter each of 2, 10, 30 and 100 KiB payloads), then bench/pop3load.py downloads
# them: one session RETRieving a 10,000-message maildrop, and CONCURRENCY sessions at once, each on
# its own account holding 10,000/CONCURRENCY messages (a POP3 maildrop is one session's at a time).
# Prints messages/s and MiB/s and appends them to bench/RESULTS.md.
#
#   sudo bench/pop3-retr.sh
#
# Settings (environment): MESSAGES=10000 CONCURRENCY=4 ROUNDS=2 PIPELINE=1 RESULTS=bench/RESULTS.md,
# plus those in common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${MESSAGES:=10000}" "${CONCURRENCY:=4}" "${ROUNDS:=2}" "${PIPELINE:=1}" "${RESULTS:=$BENCH/RESULTS.md}"
SIZES="2 10 30 100"
(( MESSAGES % (4 * CONCURRENCY) == 0 )) || die "MESSAGES must be a multiple of 4 x CONCURRENCY"

require_root_and_tools
build_mailslot
make_workdir
start_mailslot
start_dovecot
MACHINE="$(machine_summary)"

FILL_COMMANDS=""
fill() { # server(ms|dc) user count
  local port n=$(( $3 / 4 )) kib cmd
  [ "$1" = ms ] && port=$MS_LMTP_PORT || port=$DC_LMTP_PORT
  for kib in $SIZES; do
    cmd="smtp-source -L -d -s 10 -m $n -l $(( kib * 1024 )) -M bench.client -f sender@$DOMAIN -t $2@$DOMAIN 127.0.0.1:$port"
    [ "$2" = drop ] && FILL_COMMANDS+="$cmd"$'\n'
    timeout "$BENCH_TIMEOUT" $cmd || die "filling $2 on $1 failed: $cmd"
  done
}

USERS="drop"
for i in $(seq "$CONCURRENCY"); do USERS+=" c$i"; done
# Every account up front: Dovecot may not notice a passwd-file line added within a second of its last read.
for user in $USERS; do ms_add_account "$user"; dc_add_account "$user"; done
for server in ms dc; do
  for user in $USERS; do
    if [ "$user" = drop ]; then count=$MESSAGES; else count=$(( MESSAGES / CONCURRENCY )); fi
    log "filling $user on $server with $count messages"
    fill "$server" "$user" "$count"
    if [ "$server" = ms ]; then got="$(ms_count "$user")"; else got="$(dc_count "$user")"; fi
    [ "$got" = "$count" ] || die "$user on $server: $got of $count messages arrived"
  done
done

# Unmeasured first: one login per maildrop (Dovecot builds its index on first open, moving new/ to cur/;
# a real maildrop has been opened before), then one full download of the small maildrops on both
# servers (warms mailslot's JIT, which the 2-3 seconds of a measured run would otherwise include).
for user in $USERS; do
  pop3_count "$MS_POP3_PORT" "$user" >/dev/null
  pop3_count "$DC_POP3_PORT" "$user" >/dev/null
done
warm_users=""; for i in $(seq "$CONCURRENCY"); do warm_users+=" --user c$i@$DOMAIN"; done
for port in "$MS_POP3_PORT" "$DC_POP3_PORT"; do
  log "warm-up: every message of c1..c$CONCURRENCY on port $port"
  timeout "$BENCH_TIMEOUT" python3 "$BENCH/pop3load.py" --port "$port" $warm_users --password "$BENCH_PASSWORD" >/dev/null \
    || die "warm-up download on port $port failed"
done

ROWS=""
COMMANDS=""
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="ms dc"; else order="dc ms"; fi
  for server in $order; do
    if [ "$server" = ms ]; then port=$MS_POP3_PORT; name=mailslot; pid=$MS_PID; else port=$DC_POP3_PORT; name=Dovecot; pid=$DC_PID; fi
    for mode in single concurrent; do
      if [ "$mode" = single ]; then users=" --user drop@$DOMAIN"; sessions=1
      else users=""; for i in $(seq "$CONCURRENCY"); do users+=" --user c$i@$DOMAIN"; done; sessions=$CONCURRENCY; fi
      cmd="python3 $BENCH/pop3load.py --port $port --pipeline $PIPELINE$users --password $BENCH_PASSWORD"
      [ "$round" = 1 ] && COMMANDS+="${cmd/$BENCH\//bench/}"$'\n'
      log "round $round $name $mode: $cmd"
      cpu0="$(cpu_seconds "$pid")"
      out="$(timeout "$BENCH_TIMEOUT" $cmd)" || die "pop3load failed: $cmd"
      cpu1="$(cpu_seconds "$pid")"
      log "  $out"
      read -r msgs stat_msgs body login retr mps mibs < <(python3 -c '
import json, sys; r = json.loads(sys.argv[1])
print(r["messages"], r["stat_messages"], r["body_bytes"], r["login_stat_seconds"], r["retr_seconds"], r["messages_per_second"], r["mib_per_second"])' "$out")
      [ "$msgs" = "$MESSAGES" ] && [ "$stat_msgs" = "$MESSAGES" ] || die "$name $mode: retrieved $msgs of $MESSAGES"
      cpu="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
      ROWS+="| $round | $name | $sessions | $msgs | $(awk -v b="$body" 'BEGIN { printf "%.1f", b / 1048576 }') | $login | $retr | $mps | $mibs | $cpu |"$'\n'
    done
  done
done

section="$(cat <<EOF

## POP3 RETR: $(date -u '+%Y-%m-%d %H:%M UTC')

Script: \`bench/pop3-retr.sh\` (MESSAGES=$MESSAGES CONCURRENCY=$CONCURRENCY ROUNDS=$ROUNDS PIPELINE=$PIPELINE).
Maildrops filled over LMTP (a quarter each of 2, 10, 30, 100 KiB payloads), then every message RETRieved
by bench/pop3load.py (USER/PASS, STAT, RETR 1..n $( [ "$PIPELINE" = 1 ] && echo "one at a time" || echo "with $PIPELINE in flight"), QUIT; one process per session).
1 session = one $MESSAGES-message maildrop; $CONCURRENCY sessions = $CONCURRENCY accounts of $(( MESSAGES / CONCURRENCY )) messages each, all at once
(mailslot answers a second session on a maildrop with -ERR [IN-USE]; Dovecot's default pop3_lock_session = no would allow it,
but both get the same layout). Same {SHA512-CRYPT} hash on both. Unmeasured first: one login per maildrop and one download of the small maildrops.
RETR seconds = first RETR sent to last reply read; MiB = message bytes as sent (dot-stuffed). Server CPU = user+system seconds.

$MACHINE
$(durability_summary)

| round | server | sessions | messages | MiB | login+STAT s | RETR s | RETR msg/s | MiB/s | server CPU s |
|---|---|---|---|---|---|---|---|---|---|
$ROWS
Exact commands (filling; shown for the $MESSAGES-message maildrop, on mailslot then Dovecot; the other accounts alike):

\`\`\`
$FILL_COMMANDS\`\`\`

Load (round 1):

\`\`\`
$COMMANDS\`\`\`
EOF
)"
echo "$section"
[ -f "$RESULTS" ] || printf '# mailslot benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest last.\n' > "$RESULTS"
echo "$section" >> "$RESULTS"
log "appended to $RESULTS"
