#!/usr/bin/env python3
"""Scripted imaplib session against mailslot: every step checks the exact response. Usage: suite.py PORT USER PASS"""
import imaplib
import sys
import time

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
for cap in ["IMAP4rev1", "IMAP4rev2", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "ESEARCH", "SPECIAL-USE", "NAMESPACE"]:
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
check("logout", m.logout()[0], "BYE")
print("ALL OK")
