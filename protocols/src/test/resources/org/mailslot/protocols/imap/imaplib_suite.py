#!/usr/bin/env python3
"""Scripted imaplib session against mailslot: every step checks the exact response. Usage: suite.py PORT USER PASS"""
import imaplib
import sys
import time
import zlib

port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def check(what, got, expected):
    if got != expected:
        print(f"FAIL {what}: expected {expected!r}, got {got!r}")
        sys.exit(1)
    print(f"ok {what}")


m = imaplib.IMAP4("127.0.0.1", port)
check("capability before login has STARTTLS", "STARTTLS" in m.capabilities, True)
typ, data = m.login(user, password)
check("login", typ, "OK")
caps = m.capability()[1][0].decode().split()
for cap in ["IMAP4rev1", "IMAP4rev2", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "ESEARCH", "SPECIAL-USE", "NAMESPACE",
            "QRESYNC", "SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "COMPRESS=DEFLATE",
            "CREATE-SPECIAL-USE"]:
    check("advertises " + cap, cap in caps, True)
check("namespace", m.namespace(), ("OK", [b'(("" "/")) NIL NIL']))

msg = b"From: a@example.net\r\nSubject: hello py\r\n\r\nbody from python\r\n"
typ, data = m.append("INBOX", r"(\Flagged)", imaplib.Time2Internaldate(time.time()), msg)
check("append", typ, "OK")
check("appenduid", data[0].split()[0], b"[APPENDUID")
typ, data = m.select("INBOX")
check("select", (typ, data), ("OK", [b"1"]))
typ, data = m.fetch("1", "(FLAGS RFC822.SIZE)")
check("fetch flags size", data, [b"1 (FLAGS (\\Flagged) RFC822.SIZE %d)" % len(msg)])
typ, data = m.fetch("1", "(BODY.PEEK[])")
check("fetch body", data[0][1], msg)
typ, data = m.fetch("1", "(BODY[HEADER.FIELDS (SUBJECT)])")
check("fetch header field", data[0][1], b"Subject: hello py\r\n\r\n")
check("implicit seen", m.fetch("1", "(FLAGS)")[1], [b"1 (FLAGS (\\Flagged \\Seen))"])
check("store", m.store("1", "+FLAGS", r"(\Answered)")[1], [b"1 (FLAGS (\\Answered \\Flagged \\Seen))"])
check("search", m.search(None, "ANSWERED"), ("OK", [b"1"]))
check("search text", m.search(None, "BODY", "python"), ("OK", [b"1"]))
check("search none", m.search(None, "SUBJECT", "absent"), ("OK", [b""]))
check("uid search", m.uid("SEARCH", "ALL"), ("OK", [b"1"]))
check("create", m.create("Py/Sub")[0], "OK")
check("list", m.list('""', 'Py*')[1], [b'(\\HasChildren) "/" "Py"', b'(\\HasNoChildren) "/" "Py/Sub"'])
check("subscribe", m.subscribe("Py/Sub")[0], "OK")
check("lsub", m.lsub('""', 'Py*')[1], [b'() "/" "Py/Sub"'])
check("status", m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")[1], [b'INBOX (MESSAGES 1 UNSEEN 0 UIDNEXT 2)'])
typ, data = m.copy("1", "Py/Sub")
check("copy", typ, "OK")
check("copyuid", data[0].split()[0], b"[COPYUID")
check("uid move", m.uid("MOVE", "1", "Py")[0], "OK")
check("after move", m.select("INBOX")[1], [b"0"])
check("select moved", m.select("Py")[1], [b"1"])
check("store deleted", m.store("1", "+FLAGS.SILENT", r"(\Deleted)"), ("OK", [None]))
check("expunge", m.expunge(), ("OK", [b"1"]))
check("close", m.close()[0], "OK")
check("rename", m.rename("Py", "Snake")[0], "OK")
check("delete child", m.delete("Snake/Sub")[0], "OK")
check("delete", m.delete("Snake")[0], "OK")
check("delete special-use refused", m.delete("Sent")[0], "NO")
check("getquotaroot", m.getquotaroot("INBOX")[0], "OK")

# SORT and THREAD (RFC 5256)
def mail(subject, date, mid, extra=""):
    return (f"From: a@example.net\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: {mid}\r\n{extra}\r\n"
            "text\r\n").encode()


check("create threads", m.create("Threads")[0], "OK")
m.append("Threads", None, None, mail("topic", "1 Jan 2022 10:00:00 +0000", "<p1@x>"))
m.append("Threads", None, None, mail("Re: topic", "2 Jan 2022 10:00:00 +0000", "<p2@x>", "References: <p1@x>\r\n"))
m.append("Threads", None, None, mail("another", "3 Jan 2022 10:00:00 +0000", "<p3@x>", "In-Reply-To: <p1@x>\r\n"))
check("select threads", m.select("Threads")[1], [b"3"])
check("sort subject", m.sort("(SUBJECT)", "UTF-8", "ALL"), ("OK", [b"3 1 2"]))
check("uid sort reverse date", m.uid("SORT", "(REVERSE DATE)", "UTF-8", "ALL"), ("OK", [b"3 2 1"]))
check("sort with search", m.sort("(DATE)", "UTF-8", "SUBJECT", "topic"), ("OK", [b"1 2"]))
check("thread references", m.thread("REFERENCES", "UTF-8", "ALL"), ("OK", [b"(1 (2)(3))"]))
check("thread orderedsubject", m.thread("ORDEREDSUBJECT", "UTF-8", "ALL"), ("OK", [b"(1 2)(3)"]))
check("uid thread", m.uid("THREAD", "REFERENCES", "UTF-8", "ALL"), ("OK", [b"(1 (2)(3))"]))

# QRESYNC (RFC 7162): remember the state, change it, resync
check("unselect", m.unselect()[0], "OK")  # imaplib sends ENABLE only in the authenticated state
check("enable qresync", m.enable("QRESYNC")[0], "OK")
check("enabled qresync", m.response("ENABLED"), ("ENABLED", [b"QRESYNC"]))
m.select("Threads")
uidvalidity = int(m.response("UIDVALIDITY")[1][0])
highest = int(m.response("HIGHESTMODSEQ")[1][0])
typ, data = m.store("2", "+FLAGS", r"(\Flagged)")
check("store under qresync carries UID", data[0].startswith(b"2 (UID 2 FLAGS (\\Flagged) MODSEQ ("), True)
m.store("3", "+FLAGS.SILENT", r"(\Deleted)")
m.expunge()
check("expunge announced as VANISHED", m.response("VANISHED"), ("VANISHED", [b"3"]))
m.select(f"Threads (QRESYNC ({uidvalidity} {highest} 1:3))")
check("resync vanished", m.response("VANISHED"), ("VANISHED", [b"(EARLIER) 3"]))
typ, data = m.response("FETCH")
check("resync fetch", len(data) == 1 and data[0].startswith(b"2 (UID 2 FLAGS (\\Flagged) MODSEQ ("), True)
m.uid("FETCH", "1:*", f"(FLAGS) (CHANGEDSINCE {highest} VANISHED)")
check("uid fetch vanished", m.response("VANISHED"), ("VANISHED", [b"(EARLIER) 3"]))


# COMPRESS=DEFLATE (RFC 4978): imaplib has no support; swap its reader and sender for raw deflate ones
def compress(imap):
    imaplib.Commands.setdefault("COMPRESS", ("AUTH", "SELECTED"))
    typ, data = imap._simple_command("COMPRESS", "DEFLATE")
    check("compress", typ, "OK")
    raw, sock = imap.file, imap.sock
    inflate = zlib.decompressobj(-15)
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)

    class Reader:
        buf = b""

        def _fill(self, done):
            while not done():
                chunk = raw.read1(65536)
                if not chunk:
                    return
                self.buf += inflate.decompress(chunk)

        def readline(self, limit=-1):
            self._fill(lambda: b"\n" in self.buf)
            i = self.buf.find(b"\n")
            i = len(self.buf) if i < 0 else i + 1
            line, self.buf = self.buf[:i], self.buf[i:]
            return line

        def read(self, n):
            self._fill(lambda: len(self.buf) >= n)
            out, self.buf = self.buf[:n], self.buf[n:]
            return out

        def close(self):
            raw.close()

    imap.file = Reader()
    imap.send = lambda data: sock.sendall(deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH))


compress(m)
check("noop compressed", m.noop()[0], "OK")
typ, data = m.fetch("1", "(BODY.PEEK[])")
check("fetch compressed", data[0][1], mail("topic", "1 Jan 2022 10:00:00 +0000", "<p1@x>"))
check("compress again refused", m._simple_command("COMPRESS", "DEFLATE")[0], "NO")
check("logout", m.logout()[0], "BYE")
print("ALL OK")
