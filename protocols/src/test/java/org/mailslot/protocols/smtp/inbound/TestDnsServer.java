package org.mailslot.protocols.smtp.inbound;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative-looking DNS server on 127.0.0.1 (UDP, port chosen by the OS) that answers from records the
 * test puts in; unknown names get NXDOMAIN. Names can be made to misbehave: answer garbage, SERVFAIL, or nothing.
 */
public final class TestDnsServer implements AutoCloseable {
    public enum Misbehaviour { GARBAGE, SERVFAIL, SILENT }

    private final DatagramSocket socket;
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Misbehaviour> misbehaving = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    public TestDnsServer() throws SocketException, UnknownHostException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        thread = Thread.ofVirtual().name("test-dns").start(this::serve);
    }

    public int port() {
        return socket.getLocalPort();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    DnsLookup lookup(Duration timeout) {
        return DnsLookup.of(List.of(address()), timeout);
    }

    public int queries() {
        return queries.get();
    }

    /** One TXT record; a value over 255 octets is split into several character-strings, as DNS needs. */
    public TestDnsServer txt(String name, String value) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        add(new TXTRecord(name(name), DClass.IN, 60, strings));
        return this;
    }

    public TestDnsServer a(String name, String address) {
        try {
            add(new ARecord(name(name), DClass.IN, 60, InetAddress.getByName(address)));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
        return this;
    }

    public TestDnsServer misbehave(String name, Misbehaviour how) {
        misbehaving.put(name(name), how);
        return this;
    }

    private void add(Record r) {
        records.computeIfAbsent(r.getName(), n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r);
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(packet);
                queries.incrementAndGet();
                byte[] reply = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                if (reply != null) {
                    socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] query) throws IOException {
        Message q = new Message(query);
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(question, Section.QUESTION);
        Misbehaviour bad = misbehaving.get(question.getName());
        if (bad != null) {
            return switch (bad) {
                case SILENT -> null;
                case SERVFAIL -> {
                    r.getHeader().setRcode(Rcode.SERVFAIL);
                    yield r.toWire();
                }
                case GARBAGE -> {
                    byte[] junk = new byte[40 + ThreadLocalRandom.current().nextInt(60)];
                    ThreadLocalRandom.current().nextBytes(junk);
                    junk[0] = query[0]; // the query's id, so the resolver does try to parse the rest
                    junk[1] = query[1];
                    junk[2] = (byte) (junk[2] | 0x80); // QR
                    yield junk;
                }
            };
        }
        List<Record> at = records.get(question.getName());
        if (at == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            at.stream().filter(rec -> rec.getType() == question.getType()).forEach(rec -> r.addRecord(rec, Section.ANSWER));
        }
        return r.toWire();
    }

    @Override
    public void close() {
        socket.close();
        thread.interrupt();
    }
}
