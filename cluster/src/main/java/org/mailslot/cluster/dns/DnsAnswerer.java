package org.mailslot.cluster.dns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One query in, one answer out (or none), as bytes: no sockets, no clock, no directory. Authoritative answers from a
 * {@link ZoneView}; A and AAAA records in a fresh random order every time, so that clients spread over the VIPs.
 * Garbage never gets an exception out: a message with a readable header gets FORMERR, anything shorter or a response
 * gets silence (answering responses invites loops).
 */
final class DnsAnswerer {
    /** The UDP payload size offered with EDNS: the DNS flag day 2020 value, which avoids IP fragmentation. */
    static final int EDNS_PAYLOAD = 1232;
    /** Without EDNS a UDP answer must fit in 512 bytes (RFC 1035); bigger ones are truncated with TC set. */
    static final int CLASSIC_UDP = 512;
    static final int TCP_MAX = 65535;

    private DnsAnswerer() {
    }

    /**
     * @param view what to answer from; null before the first successful read (then SERVFAIL)
     * @param tcp  whether it came over TCP (no size limit below 64 KiB, no truncation)
     * @return the answer's bytes, or null for no answer
     */
    static byte[] answer(byte[] query, boolean tcp, ZoneView view) {
        if (query == null || query.length < Header.LENGTH) {
            return null;
        }
        Header header;
        try {
            header = new Header(query);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (header.getFlag(Flags.QR)) {
            return null;
        }
        Message q;
        try {
            q = new Message(query);
        } catch (IOException | RuntimeException e) {
            return headerOnly(header, Rcode.FORMERR);
        }
        try {
            return answer(q, tcp, view);
        } catch (RuntimeException e) {
            // a query dnsjava could read but not answer from (it should not happen): a server failure, not a crash
            return headerOnly(header, Rcode.SERVFAIL);
        }
    }

    private static byte[] answer(Message q, boolean tcp, ZoneView view) {
        Header qh = q.getHeader();
        OPTRecord opt = q.getOPT();
        int max = tcp ? TCP_MAX : opt == null ? CLASSIC_UDP
                : Math.max(CLASSIC_UDP, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
        Message r = new Message(qh.getID());
        Header rh = r.getHeader();
        rh.setFlag(Flags.QR);
        rh.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) {
            rh.setFlag(Flags.RD);
        }
        Record question = q.getQuestion();
        if (question != null) {
            r.addRecord(question, Section.QUESTION);
        }
        if (opt != null) {
            // EDNS version 0 only (RFC 6891): anything newer gets BADVERS, whose upper bits ride in the OPT record
            int xrcode = opt.getVersion() == 0 ? 0 : Rcode.BADVERS >>> 4;
            r.addRecord(new OPTRecord(EDNS_PAYLOAD, xrcode, 0), Section.ADDITIONAL);
            if (xrcode != 0) {
                return r.toWire(max);
            }
        }
        if (qh.getOpcode() != Opcode.QUERY) {
            rh.setRcode(Rcode.NOTIMP);
            return r.toWire(max);
        }
        if (qh.getCount(Section.QUESTION) != 1 || question == null) {
            rh.setRcode(Rcode.FORMERR);
            return r.toWire(max);
        }
        if (view == null) {
            rh.setRcode(Rcode.SERVFAIL);
            return r.toWire(max);
        }
        Name name = question.getName();
        int type = question.getType();
        Name apex = view.authority(name);
        if (apex == null || question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY
                || type == Type.AXFR || type == Type.IXFR) {
            rh.setRcode(Rcode.REFUSED); // not ours, not the Internet class, or a zone transfer
            return r.toWire(max);
        }
        rh.setFlag(Flags.AA);
        List<Record> owned = view.at(name);
        List<Record> matching = new ArrayList<>();
        for (Record rec : owned) {
            if (type == Type.ANY || rec.getType() == type) {
                matching.add(rec.withName(name)); // the question's spelling: resolvers check 0x20 case
            }
        }
        if (type == Type.A || type == Type.AAAA || type == Type.ANY) {
            Collections.shuffle(matching, ThreadLocalRandom.current());
        }
        if (!matching.isEmpty()) {
            matching.forEach(rec -> r.addRecord(rec, Section.ANSWER));
        } else {
            if (owned.isEmpty() && !view.exists(name)) {
                rh.setRcode(Rcode.NXDOMAIN);
            }
            r.addRecord(view.soa(apex), Section.AUTHORITY); // negative answers are cached for the SOA's minimum
        }
        return r.toWire(max);
    }

    /** An answer of the query's header alone: for a message whose body cannot be read. */
    private static byte[] headerOnly(Header query, int rcode) {
        Header h = new Header(query.getID());
        h.setFlag(Flags.QR);
        h.setOpcode(query.getOpcode());
        if (query.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode);
        Message m = new Message();
        m.setHeader(h);
        return m.toWire();
    }
}
