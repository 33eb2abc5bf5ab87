package org.mailslot.protocols.outbound;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny authoritative DNS server on a loopback UDP port for tests: answers from records added with {@link #mx},
 * {@link #a} and {@link #aaaa}; NODATA for a known name without the asked type, NXDOMAIN for an unknown one, and
 * SERVFAIL for names added with {@link #servfail}.
 */
final class TestDns implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Set<Name> failing = ConcurrentHashMap.newKeySet();

    TestDns() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofVirtual().name("test-dns").start(this::serve);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    TestDns mx(String domain, int preference, String host) {
        return add(new MXRecord(name(domain), DClass.IN, 60, preference, name(host)));
    }

    TestDns a(String host, String address) {
        try {
            return add(new ARecord(name(host), DClass.IN, 60, InetAddress.getByName(address)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    TestDns aaaa(String host, String address) {
        try {
            return add(new AAAARecord(name(host), DClass.IN, 60, InetAddress.getByName(address)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    TestDns servfail(String name) {
        failing.add(name(name));
        return this;
    }

    /** A name that exists but has no records of the asked types (NODATA). */
    TestDns exists(String name) {
        records.computeIfAbsent(name(name), n -> new CopyOnWriteArrayList<>());
        return this;
    }

    private TestDns add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new CopyOnWriteArrayList<>()).add(r);
        return this;
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                Message query = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                Message answer = answer(query);
                byte[] out = answer.toWire(512);
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private Message answer(Message query) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
            m.getHeader().setFlag(Flags.RA);
        }
        Record question = query.getQuestion();
        m.addRecord(question, Section.QUESTION);
        if (failing.contains(question.getName())) {
            m.getHeader().setRcode(Rcode.SERVFAIL);
            return m;
        }
        List<Record> known = records.get(question.getName());
        if (known == null) {
            m.getHeader().setRcode(Rcode.NXDOMAIN);
            return m;
        }
        for (Record r : known) {
            if (r.getType() == question.getType()) {
                m.addRecord(r, Section.ANSWER);
            }
        }
        return m;
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
