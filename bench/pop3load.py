#!/usr/bin/env python3
"""POP3 RETR load client for bench/pop3-retr.sh.

One process per account (POP3 servers may lock a maildrop to one session, RFC 1939 section 8), all
released together by a barrier. Each session: USER/PASS, STAT, RETR 1..n (optionally pipelined),
QUIT. A raw-socket reader instead of poplib's line-by-line one keeps the client from being the
bottleneck: each reply is read in large chunks and ended at CRLF.CRLF.

Prints one JSON object: sessions, messages, body bytes, login+STAT seconds, RETR seconds (first RETR
sent by any session to the last reply read by any session), messages/s and MiB/s.
"""
import argparse
import json
import multiprocessing
import socket
import sys
import time

CHUNK = 256 * 1024


class Pop3Error(Exception):
    pass


class Session:
    def __init__(self, host, port, timeout):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.line()  # greeting

    def fill(self):
        data = self.sock.recv(CHUNK)
        if not data:
            raise Pop3Error("server closed the connection")
        self.buf += data

    def send(self, text):
        self.sock.sendall(text.encode("ascii") + b"\r\n")

    def line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                status = bytes(self.buf[:i])
                del self.buf[:i + 2]
                if not status.startswith(b"+OK"):
                    raise Pop3Error(status.decode("ascii", "replace"))
                return status
            self.fill()

    def command(self, text):
        self.send(text)
        return self.line()

    def multiline(self):
        """Reads one +OK reply with its body; returns the body's length in bytes (as sent, dot-stuffed)."""
        self.line()
        # The body ends with CRLF "." CRLF; an empty body is just "." CRLF.
        if self.buf[:3] == b".\r\n":
            del self.buf[:3]
            return 0
        start = 0
        while True:
            j = self.buf.find(b"\r\n.\r\n", start)
            if j >= 0:
                del self.buf[:j + 5]
                return j + 2
            start = max(0, len(self.buf) - 4)
            self.fill()

    def close(self):
        self.sock.close()


def run_session(args, user, barrier, results):
    try:
        barrier.wait()
        t0 = time.perf_counter()
        s = Session(args.host, args.port, args.timeout)
        s.command("USER " + user)
        s.command("PASS " + args.password)
        stat = s.command("STAT").split()
        count, octets = int(stat[1]), int(stat[2])
        if args.limit:
            count = min(count, args.limit)
        t1 = time.perf_counter()
        body_bytes = 0
        sent = 0
        received = 0
        while received < count:
            while sent < count and sent - received < args.pipeline:
                sent += 1
                s.send(f"RETR {sent}")
            body_bytes += s.multiline()
            received += 1
        t2 = time.perf_counter()
        s.command("QUIT")
        s.close()
        results.put({"user": user, "login_start": t0, "retr_start": t1, "retr_end": t2,
                     "messages": received, "stat_messages": int(stat[1]), "stat_octets": octets,
                     "body_bytes": body_bytes})
    except Exception as e:  # reported to the parent, which fails the run
        results.put({"user": user, "error": f"{type(e).__name__}: {e}"})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", action="append", required=True, help="one per concurrent session")
    p.add_argument("--password", required=True)
    p.add_argument("--pipeline", type=int, default=1, help="RETR commands in flight per session (1 = none)")
    p.add_argument("--limit", type=int, default=0, help="RETR at most this many per session (0 = all)")
    p.add_argument("--timeout", type=float, default=120.0)
    args = p.parse_args()
    if args.pipeline < 1:
        p.error("--pipeline must be at least 1")

    barrier = multiprocessing.Barrier(len(args.user))
    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=run_session, args=(args, u, barrier, results)) for u in args.user]
    for proc in procs:
        proc.start()
    out = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    errors = [r for r in out if "error" in r]
    if errors:
        print(json.dumps({"errors": errors}), file=sys.stderr)
        return 1
    messages = sum(r["messages"] for r in out)
    body = sum(r["body_bytes"] for r in out)
    retr_seconds = max(r["retr_end"] for r in out) - min(r["retr_start"] for r in out)
    login_seconds = max(r["retr_start"] - r["login_start"] for r in out)
    print(json.dumps({
        "sessions": len(out),
        "pipeline": args.pipeline,
        "messages": messages,
        "stat_messages": sum(r["stat_messages"] for r in out),
        "stat_octets": sum(r["stat_octets"] for r in out),
        "body_bytes": body,
        "login_stat_seconds": round(login_seconds, 3),
        "retr_seconds": round(retr_seconds, 3),
        "messages_per_second": round(messages / retr_seconds, 1),
        "mib_per_second": round(body / retr_seconds / 1048576, 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
