#!/usr/bin/env bash
# Delivery throughput: Postfix's smtp-source sends the same mixed-size load (default 4 batches of
# 5,000 messages: 2, 10, 30 and 100 KiB, 10 concurrent sessions) to mailslot's LMTP, to Dovecot's
# LMTP and to mailslot's SMTP, on this machine, one after the other; checks that every message
# arrived; prints messages/second and the ratio mailslot/Dovecot and appends them to bench/RESULTS.md.
#
#   sudo bench/lmtp-smtp.sh                     # as root: Dovecot switches to the vmail user
#   ROUNDS=1 PER_SIZE=1000 bench/lmtp-smtp.sh   # quicker, smaller
#
# Settings (environment): ROUNDS=2 SIZES="2 10 30 100" (KiB) PER_SIZE=5000 SESSIONS=10 WARMUP=1000
# RECONNECT=0 (1 = a new connection per message) ACCOUNTS=1 (N = the sessions split over N accounts,
# one smtp-source per account, all at once) RESULTS=bench/RESULTS.md, plus those in common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

: "${ROUNDS:=2}" "${SIZES:=2 10 30 100}" "${PER_SIZE:=5000}" "${SESSIONS:=10}" "${WARMUP:=1000}"
: "${RECONNECT:=0}" "${ACCOUNTS:=1}" "${RESULTS:=$BENCH/RESULTS.md}"
(( SESSIONS % ACCOUNTS == 0 && PER_SIZE % ACCOUNTS == 0 )) || die "ACCOUNTS must divide SESSIONS and PER_SIZE"
SENDER="sender@$DOMAIN"
keep_open=-d; [ "$RECONNECT" = 1 ] && keep_open=""

require_root_and_tools
build_mailslot
make_workdir
start_mailslot
start_dovecot
MACHINE="$(machine_summary)"

# command_for TARGET USER SIZE_KIB COUNT [SESSIONS]: echoes one smtp-source command line.
command_for() {
  local target=$1 user=$2 kib=$3 count=$4 sessions=${5:-$SESSIONS} proto="" port
  case "$target" in
    ms-lmtp) proto="-L"; port=$MS_LMTP_PORT ;;
    dc-lmtp) proto="-L"; port=$DC_LMTP_PORT ;;
    ms-smtp) port=$MS_SMTP_PORT ;;
  esac
  echo "smtp-source $proto $keep_open -s $sessions -m $count -l $(( kib * 1024 )) -M bench.client -f $SENDER -t $user@$DOMAIN 127.0.0.1:$port" | tr -s ' '
}

# accounts_of USER: the account(s) a target's load goes to.
accounts_of() {
  if [ "$ACCOUNTS" = 1 ]; then echo "$1"; else for a in $(seq "$ACCOUNTS"); do echo "${1}a$a"; done; fi
}

add_account() { # target user
  case "$1" in
    dc-*) dc_add_account "$2" ;;
    *) ms_add_account "$2" ;;
  esac
}

count_of() { # target user
  case "$1" in
    dc-*) dc_count "$2" ;;
    *) ms_count "$2" ;;
  esac
}

server_pid() { case "$1" in dc-*) echo "$DC_PID" ;; *) echo "$MS_PID" ;; esac; }

label() {
  case "$1" in
    ms-lmtp) echo "mailslot LMTP" ;;
    dc-lmtp) echo "Dovecot LMTP" ;;
    ms-smtp) echo "mailslot SMTP" ;;
  esac
}

# Every account up front: Dovecot may not notice a passwd-file line added within a second of its last read.
for target in ms-lmtp dc-lmtp ms-smtp; do
  add_account "$target" "warm${target//-/}"
  for round in $(seq "$ROUNDS"); do
    for account in $(accounts_of "r${round}${target//-/}"); do add_account "$target" "$account"; done
  done
done

# JIT warm-up for mailslot and first-use costs for both (not measured).
log "warm-up: $WARMUP messages of 10 KiB to each target"
for target in ms-lmtp dc-lmtp ms-smtp; do
  user="warm${target//-/}"
  timeout "$BENCH_TIMEOUT" $(command_for "$target" "$user" 10 "$WARMUP") || die "warm-up of $target failed"
done

ROWS=""        # the per-batch table
declare -A TOTAL_SECONDS TOTAL_MESSAGES
COMMANDS=""
for round in $(seq "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="ms-lmtp dc-lmtp ms-smtp"; else order="dc-lmtp ms-lmtp ms-smtp"; fi
  for target in $order; do
    user="r${round}${target//-/}"
    sum_s=0; sum_n=0
    for kib in $SIZES; do
      cmds=()
      for account in $(accounts_of "$user"); do
        cmds+=("$(command_for "$target" "$account" "$kib" $(( PER_SIZE / ACCOUNTS )) $(( SESSIONS / ACCOUNTS )))")
      done
      if [ "$round" = 1 ]; then
        COMMANDS+="${cmds[0]}"$'\n'
        (( ACCOUNTS > 1 )) && COMMANDS+="  ... and at the same time the same to ${user}a2 ... ${user}a$ACCOUNTS"$'\n'
      fi
      pid="$(server_pid "$target")"
      cpu0="$(cpu_seconds "$pid")"; t0="$(now)"
      log "round $round $(label "$target") ${kib} KiB: ${cmds[0]}$( (( ACCOUNTS > 1 )) && echo " (x$ACCOUNTS accounts)")"
      senders=()
      for cmd in "${cmds[@]}"; do timeout "$BENCH_TIMEOUT" $cmd & senders+=($!); done
      for i in "${!senders[@]}"; do wait "${senders[$i]}" || die "smtp-source failed or timed out: ${cmds[$i]}"; done
      t1="$(now)"; cpu1="$(cpu_seconds "$pid")"
      s="$(elapsed "$t0" "$t1")"
      cpu="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
      mbs="$(awk -v n="$PER_SIZE" -v k="$kib" -v s="$s" 'BEGIN { printf "%.1f", n * k / 1024 / s }')"
      ROWS+="| $round | $(label "$target") | $kib | $PER_SIZE | $s | $(rate "$PER_SIZE" "$s") | $mbs | $cpu |"$'\n'
      log "  $s s, $(rate "$PER_SIZE" "$s") msg/s, server CPU $cpu s"
      sum_s="$(awk -v a="$sum_s" -v b="$s" 'BEGIN { print a + b }')"; sum_n=$(( sum_n + PER_SIZE ))
    done
    got=0
    for account in $(accounts_of "$user"); do got=$(( got + $(count_of "$target" "$account") )); done
    [ "$got" = "$sum_n" ] || die "$(label "$target") round $round: $got of $sum_n messages arrived"
    log "  all $got messages arrived"
    TOTAL_SECONDS[$round,$target]=$sum_s
    TOTAL_MESSAGES[$round,$target]=$sum_n
  done
done

# --- report --------------------------------------------------------------------------------------
summary=""
for round in $(seq "$ROUNDS"); do
  ms_l="$(rate "${TOTAL_MESSAGES[$round,ms-lmtp]}" "${TOTAL_SECONDS[$round,ms-lmtp]}")"
  dc_l="$(rate "${TOTAL_MESSAGES[$round,dc-lmtp]}" "${TOTAL_SECONDS[$round,dc-lmtp]}")"
  ms_s="$(rate "${TOTAL_MESSAGES[$round,ms-smtp]}" "${TOTAL_SECONDS[$round,ms-smtp]}")"
  summary+="| $round | $ms_l | $dc_l | $ms_s | $(awk -v a="$ms_l" -v b="$dc_l" 'BEGIN { printf "%.2f", a / b }') | $(awk -v a="$ms_s" -v b="$dc_l" 'BEGIN { printf "%.2f", a / b }') |"$'\n'
done

total_msgs=$(( PER_SIZE * $(wc -w <<< "$SIZES") ))
section="$(cat <<EOF

## Delivery (LMTP, SMTP): $(date -u '+%Y-%m-%d %H:%M UTC')

Script: \`bench/lmtp-smtp.sh\` (ROUNDS=$ROUNDS SIZES="$SIZES" PER_SIZE=$PER_SIZE SESSIONS=$SESSIONS WARMUP=$WARMUP RECONNECT=$RECONNECT ACCOUNTS=$ACCOUNTS).
$total_msgs messages per target and round: $(wc -w <<< "$SIZES") batches of $PER_SIZE, payload $(echo $SIZES | sed 's/ /, /g') KiB, $SESSIONS concurrent sessions,
$( [ "$RECONNECT" = 1 ] && echo "a new connection per message" || echo "each session keeps its connection (smtp-source -d)"), $( [ "$ACCOUNTS" = 1 ] && echo "all to one account" || echo "spread over $ACCOUNTS accounts (one smtp-source with $(( SESSIONS / ACCOUNTS )) session(s) per account, all at once)"); every message counted
on arrival (mailslot: POP3 STAT; Dovecot: files in the Maildir). messages/s = messages / sum of the batches' wall times.

$MACHINE
$(durability_summary)

| round | mailslot LMTP msg/s | Dovecot LMTP msg/s | mailslot SMTP msg/s | LMTP ratio mailslot/Dovecot | SMTP mailslot / Dovecot LMTP |
|---|---|---|---|---|---|
$summary
Per batch (server CPU = user+system seconds of the server's processes during the batch; Dovecot's include its log, auth and lmtp children):

| round | target | KiB | messages | seconds | msg/s | payload MiB/s | server CPU s |
|---|---|---|---|---|---|---|---|
$ROWS
Exact commands (round 1; later rounds use accounts r2..., warm-up used $WARMUP messages of 10 KiB per target first):

\`\`\`
$COMMANDS\`\`\`
EOF
)"
echo "$section"
[ -f "$RESULTS" ] || printf '# mailslot benchmark results\n\nAppended by the scripts in bench/ (see bench/README.md). Newest last.\n' > "$RESULTS"
echo "$section" >> "$RESULTS"
log "appended to $RESULTS"
