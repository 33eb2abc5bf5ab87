#!/usr/bin/env python3
"""LMTP clients and directory readers for bench/replication.sh.

Subcommands (each prints one JSON object, or a number for count):

  latency   one LMTP session, COUNT deliveries one after the other; the time of each transaction (MAIL FROM to
            the reply after the data), as p50/p99/mean/max in ms. Every delivery must get 250.
  load      light delivery load over several nodes, as the front proxy will do it: each message goes to the node
            believed to master its recipient's slot; on a temporary refusal (the moment a slot switches over) the
            client tries the other node after 50 ms. Runs until STOP_FILE exists; reports what was acknowledged per
            recipient and how long the slowest deliveries waited, retries included.
  lag       reads the replica's replication report of one slot from the directory (slot_copies.lag_ms, the column
            `mailslot admin slot list` prints as LAG) every INTERVAL until STOP_FILE exists; keeps each distinct report.
  failover  reads who holds the cluster-manager lease, SIGKILLs PID, then tries one LMTP delivery to RCPT at
            HOST:PORT every INTERVAL (a new connection each time, as an MTA retrying) until one gets 250; then reads
            from the directory the killed node's last heartbeat and the slot's failover event.
  count     messages in a maildrop (POP3 STAT).
  events    how many events of KIND the slots' histories got since SINCE_MS (epoch ms), e.g. replica-out-of-sync.

Directory reads go to the SQLite file the nodes share, read only, so that a sample costs no JVM start.
"""
import argparse
import contextlib
import json
import os
import poplib
import random
import signal
import smtplib
import socket
import sqlite3
import threading
import time

SENDER = "sender@bench.test"


def message(tag, size):
    head = (f"From: {SENDER}\r\nTo: bench@bench.test\r\nSubject: {tag}\r\n"
            f"Message-ID: <{tag}.{random.getrandbits(64):x}@bench.client>\r\n\r\n")
    line = "X" * 76 + "\r\n"
    body = line * max(1, (size - len(head)) // len(line))
    return (head + body).encode("ascii")


def host_port(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


def summary_ms(seconds):
    ms = [x * 1000 for x in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "mean_ms": round(sum(ms) / len(ms), 2), "max_ms": round(max(ms), 2)}


def connect(host, port, timeout):
    lmtp = smtplib.LMTP(local_hostname="bench.client", timeout=timeout)
    lmtp.connect(host, port)
    lmtp.ehlo("bench.client")  # LMTP's ehlo sends LHLO
    return lmtp


def transaction(lmtp, rcpt, msg):
    """One MAIL/RCPT/DATA on an open session: the RCPT reply code when refused, else the reply after the data."""
    code, _ = lmtp.mail(SENDER)
    if code != 250:
        lmtp.rset()
        return code
    code, _ = lmtp.rcpt(rcpt)
    if code != 250:
        lmtp.rset()
        return code
    try:
        code, _ = lmtp.data(msg)
    except smtplib.SMTPDataError as e:  # DATA itself refused
        return e.smtp_code
    return code


def cmd_latency(a):
    host, port = host_port(a.server)
    lmtp = connect(host, port, 60)
    times = []
    for n in range(a.count):
        msg = message(f"latency-{n}", a.size)
        t0 = time.perf_counter()
        code = transaction(lmtp, a.rcpt, msg)
        times.append(time.perf_counter() - t0)
        if code != 250:
            raise SystemExit(f"latency: delivery {n} to {a.rcpt} at {a.server} got {code}")
    lmtp.quit()
    print(json.dumps(summary_ms(times)))


def cmd_load(a):
    nodes = [host_port(x) for x in a.nodes.split(",")]
    rcpts = a.rcpts.split(",")
    master = {r: 0 for r in rcpts}  # index of the node believed to master r's slot
    lock = threading.Lock()
    acked = {r: 0 for r in rcpts}
    stats = {"retries": 0, "permanent": 0, "gave_up": 0}
    waits = []  # seconds from a message's first attempt to its 250, retries included
    started = time.time()

    def bump(key):
        with lock:
            stats[key] += 1

    def worker(w):
        sessions = {}
        rnd = random.Random(w)
        n = 0
        while not os.path.exists(a.stop_file):
            rcpt = rnd.choice(rcpts)
            msg = message(f"load-{w}-{n}", a.size)
            n += 1
            first = time.perf_counter()
            for _ in range(400):  # 20 s of retries at most
                i = master[rcpt]
                try:
                    if i not in sessions:
                        sessions[i] = connect(*nodes[i], 30)
                    code = transaction(sessions[i], rcpt, msg)
                except (OSError, smtplib.SMTPException):
                    s = sessions.pop(i, None)
                    if s is not None:
                        try:
                            s.close()
                        except OSError:
                            pass
                    code = 421
                if code == 250:
                    with lock:
                        acked[rcpt] += 1
                        waits.append(time.perf_counter() - first)
                    break
                if code >= 500:
                    bump("permanent")
                    break
                bump("retries")
                master[rcpt] = (i + 1) % len(nodes)  # the slot may have moved: ask the other node
                time.sleep(0.05)
            else:
                bump("gave_up")
            time.sleep(a.pause_ms / 1000)
        for s in sessions.values():
            try:
                s.quit()
            except (OSError, smtplib.SMTPException):
                pass

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(a.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.time() - started
    total = sum(acked.values())
    out = {"acked": acked, "total": total, "seconds": round(seconds, 1), "rate": round(total / seconds, 1), **stats,
           "wait": summary_ms(waits) if waits else None}
    with open(a.out, "w") as f:
        json.dump(out, f)


def directory(db):
    # read only, and nothing kept open between reads: the nodes write this file
    return contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10))


def cmd_lag(a):
    reports = {}
    started_ms = time.time() * 1000  # reports made before the load are not counted
    query = ("SELECT c.updated, c.lag_ms, c.applied_seq FROM slot_copies c JOIN slots s"
             " ON s.id = c.slot_id AND c.node = s.replica_node WHERE s.id = ?")
    while not os.path.exists(a.stop_file):
        try:
            with directory(a.db) as d:
                for updated, lag, seq in d.execute(query, (a.slot,)).fetchall():
                    if updated >= started_ms:
                        reports[updated] = (lag, seq)
        except sqlite3.OperationalError:
            pass  # busy: the next sample
        time.sleep(a.interval_ms / 1000)
    rows = [{"updated": u, "lag_ms": lag, "seq": seq} for u, (lag, seq) in sorted(reports.items())]
    lags = [r["lag_ms"] for r in rows]
    out = {"reports": rows, "n": len(lags)}
    if lags:
        out.update(p50_ms=percentile(lags, 50), p99_ms=percentile(lags, 99), max_ms=max(lags),
                   nonzero=sum(1 for x in lags if x > 0))
    with open(a.out, "w") as f:
        json.dump(out, f)


def attempt(host, port, rcpt, msg):
    try:
        lmtp = connect(host, port, 5)
        try:
            return transaction(lmtp, rcpt, msg)
        finally:
            try:
                lmtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
    except (OSError, smtplib.SMTPException):
        return 0  # no connection or no greeting


def cmd_failover(a):
    host, port = host_port(a.server)
    with directory(a.db) as d:
        lease = d.execute("SELECT owner, until FROM leases WHERE name = 'cluster-manager'").fetchall()
    kill_ns = time.time_ns()
    os.kill(a.pid, signal.SIGKILL)
    kill_ms = kill_ns / 1e6
    codes = {}
    attempts = 0
    first_250 = None
    first_accept_ms = None
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        t0 = time.time()
        code = attempt(host, port, a.rcpt, message(f"failover-{attempts}", a.size))
        attempts += 1
        codes[str(code)] = codes.get(str(code), 0) + 1
        if code == 250:
            first_250 = time.time_ns() / 1e6
            first_accept_ms = t0 * 1000
            break
        time.sleep(max(0.0, t0 + a.interval_ms / 1000 - time.time()))
    time.sleep(1)  # the manager promotes a dead node's other slots in the same round
    with directory(a.db) as d:
        heartbeat = d.execute("SELECT heartbeat_at FROM nodes WHERE name = ?", (a.killed_node,)).fetchone()[0]
        events = d.execute("SELECT slot_id, at, detail FROM slot_events WHERE kind = 'failover' AND at >= ?"
                           " ORDER BY id", (int(kill_ms) - 1,)).fetchall()
    event = next((e for e in events if e[0] == a.slot), None)
    out = {
        "lease_owner_before_kill": lease[0][0] if lease else None,
        "heartbeat_age_at_kill_ms": round(kill_ms - heartbeat, 1),
        "kill_to_promotion_ms": round(event[1] - kill_ms, 1) if event else None,
        "promotion_detail": event[2] if event else None,
        "promotion_to_first_250_ms": round(first_250 - event[1], 1) if event and first_250 else None,
        "kill_to_first_250_ms": round(first_250 - kill_ms, 1) if first_250 else None,
        "last_attempt_start_to_250_ms": round(first_250 - first_accept_ms, 1) if first_250 else None,
        "attempts": attempts, "codes": codes,
        "slots_failed_over": len(events),
        "last_promotion_after_kill_ms": round(max(e[1] for e in events) - kill_ms, 1) if events else None,
    }
    print(json.dumps(out))
    if first_250 is None:
        raise SystemExit(f"failover: no 250 from {a.server} within {a.timeout} s")


def cmd_events(a):
    with directory(a.db) as d:
        print(d.execute("SELECT count(*) FROM slot_events WHERE kind = ? AND at >= ?", (a.kind, a.since_ms)).fetchone()[0])


def cmd_count(a):
    host, port = host_port(a.server)
    p = poplib.POP3(host, port, timeout=120)
    p.user(a.user)
    p.pass_(a.password)
    print(p.stat()[0])
    p.quit()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("latency")
    p.add_argument("--server", required=True, help="HOST:PORT of an LMTP listener")
    p.add_argument("--rcpt", required=True)
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--size", type=int, default=10240)
    p = sub.add_parser("load")
    p.add_argument("--nodes", required=True, help="HOST:PORT,HOST:PORT of the nodes' LMTP listeners")
    p.add_argument("--rcpts", required=True, help="comma-separated recipients")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--pause-ms", type=int, default=40, help="pause after each message, per thread")
    p.add_argument("--size", type=int, default=10240)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("lag")
    p.add_argument("--db", required=True)
    p.add_argument("--slot", type=int, required=True)
    p.add_argument("--interval-ms", type=int, default=200)
    p.add_argument("--stop-file", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("failover")
    p.add_argument("--db", required=True)
    p.add_argument("--pid", type=int, required=True, help="the master's process, SIGKILLed")
    p.add_argument("--killed-node", required=True)
    p.add_argument("--slot", type=int, required=True)
    p.add_argument("--server", required=True, help="HOST:PORT of the replica node's LMTP listener")
    p.add_argument("--rcpt", required=True)
    p.add_argument("--interval-ms", type=int, default=50)
    p.add_argument("--size", type=int, default=10240)
    p.add_argument("--timeout", type=float, default=60)
    p = sub.add_parser("count")
    p.add_argument("--server", required=True, help="HOST:PORT of a POP3 listener")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p = sub.add_parser("events")
    p.add_argument("--db", required=True)
    p.add_argument("--kind", required=True)
    p.add_argument("--since-ms", type=int, required=True)
    a = ap.parse_args()
    socket.setdefaulttimeout(120)
    {"latency": cmd_latency, "load": cmd_load, "lag": cmd_lag, "failover": cmd_failover, "count": cmd_count, "events": cmd_events}[a.cmd](a)


if __name__ == "__main__":
    main()
