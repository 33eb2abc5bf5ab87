package org.mailslot.cluster.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fronts' DNS server (DESIGN.md section 6): authoritative for {@code dns.zone} and the hosted domains, over UDP and
 * TCP on {@code dns.listen}. Service names ({@code imap.ZONE} ...) resolve to every VIP with a live holder, in a new
 * random order in every answer; hosted domains get MX to {@code dns.mx-name}, SPF and DKIM TXT records. Names in
 * those zones that do not exist get NXDOMAIN, others REFUSED. The data comes from a {@link ZoneSource} every
 * {@code dns.refresh}, on a thread of its own, so a slow directory never delays an answer; when a read fails the
 * responder keeps answering from the last one.
 *
 * <p>{@code new DnsResponder(settings, source).start()}; {@link #close()} stops it.
 */
public final class DnsResponder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsResponder.class);
    /** A TCP client that sends nothing for this long is disconnected (RFC 7766 suggests seconds, not minutes). */
    static final int TCP_IDLE_MILLIS = 10_000;
    /** TCP connections served at once; more are closed at once (UDP is the normal path). */
    static final int MAX_TCP_CONNECTIONS = 128;
    private static final int BIND_ATTEMPTS = 20;

    private final DnsSettings settings;
    private final ZoneSource source;
    private final Object viewLock = new Object();
    private volatile ZoneView view;
    private ZoneData loaded; // guarded by viewLock
    private long serial; // guarded by viewLock
    private volatile String lastFailure;
    private DatagramSocket udp;
    private ServerSocket tcp;
    private final Semaphore tcpSlots = new Semaphore(MAX_TCP_CONNECTIONS);
    private final java.util.Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public DnsResponder(DnsSettings settings, ZoneSource source) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("dns.listen is not set: no DNS responder to start");
        }
        this.settings = settings;
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Reads the zone data once, binds UDP and TCP on the same port, and starts answering; an {@link UncheckedIOException}
     * names the address when it cannot bind.
     */
    public synchronized DnsResponder start() {
        if (running) {
            return this;
        }
        refresh();
        bind();
        running = true;
        threads.add(Thread.ofVirtual().name("dns-udp").start(this::serveUdp));
        threads.add(Thread.ofVirtual().name("dns-tcp").start(this::serveTcp));
        threads.add(Thread.ofVirtual().name("dns-refresh").start(this::refreshLoop));
        log.info("DNS responder for {} on {}:{} (UDP and TCP), TTL {}s", settings.zone(), settings.host(), port(),
                settings.ttl().toSeconds());
        return this;
    }

    /** The port it answers on once started (the bound one when dns.listen asked for port 0). */
    public int port() {
        return udp.getLocalPort();
    }

    private void bind() {
        InetAddress address;
        try {
            address = InetAddress.getByName(settings.host());
        } catch (IOException e) {
            throw new UncheckedIOException("dns.listen: cannot resolve " + settings.host() + ": " + e.getMessage(), e);
        }
        IOException last = null;
        for (int i = 0; i < (settings.port() == 0 ? BIND_ATTEMPTS : 1); i++) {
            DatagramSocket u = null;
            try {
                u = new DatagramSocket(new InetSocketAddress(address, settings.port()));
                ServerSocket t = new ServerSocket();
                try {
                    t.setReuseAddress(true);
                    t.bind(new InetSocketAddress(address, u.getLocalPort()), 64);
                } catch (IOException e) {
                    t.close();
                    throw e;
                }
                udp = u;
                tcp = t;
                return;
            } catch (IOException e) {
                if (u != null) {
                    u.close();
                }
                last = e;
                if (!(e instanceof BindException)) {
                    break;
                }
            }
        }
        throw new UncheckedIOException("dns.listen: cannot listen on " + settings.host() + ":" + settings.port()
                + " (UDP and TCP): " + last.getMessage(), last);
    }

    /** Reads the zone data now; keeps the last data when that fails. Called every dns.refresh by the responder. */
    public void refresh() {
        ZoneData data;
        try {
            data = Objects.requireNonNull(source.load(), "the zone source gave no data");
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            if (!why.equals(lastFailure)) {
                log.warn("DNS responder cannot read its data ({}); {}", why,
                        view == null ? "answering SERVFAIL until it can" : "answering from what it read last");
                lastFailure = why;
            }
            return;
        }
        if (lastFailure != null) {
            log.info("DNS responder reads its data again");
            lastFailure = null;
        }
        synchronized (viewLock) {
            if (data.equals(loaded)) {
                return;
            }
            serial = Math.max(serial + 1, System.currentTimeMillis() / 1000); // SOA serial: seconds, always rising
            view = ZoneView.build(settings, data, serial & 0xffffffffL);
            loaded = data;
        }
    }

    private void refreshLoop() {
        long period = settings.refresh().toNanos();
        while (running) {
            LockSupport.parkNanos(period);
            if (running) {
                refresh();
            }
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[DnsAnswerer.TCP_MAX];
        while (running) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] query = java.util.Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                        packet.getOffset() + packet.getLength());
                byte[] answer = DnsAnswerer.answer(query, false, view);
                if (answer != null) {
                    udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                if (running) {
                    log.warn("DNS UDP socket failed: {}", e.getMessage());
                }
                return;
            } catch (IOException | RuntimeException e) {
                log.warn("DNS UDP query from {} failed: {}", packet.getSocketAddress(), e.toString());
            }
        }
    }

    private void serveTcp() {
        while (running) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (running) {
                    log.warn("DNS TCP listener failed: {}", e.getMessage());
                }
                return;
            }
            if (!tcpSlots.tryAcquire()) {
                closeQuietly(s);
                continue;
            }
            connections.add(s);
            Thread.ofVirtual().name("dns-tcp-conn").start(() -> {
                try {
                    serveConnection(s);
                } finally {
                    connections.remove(s);
                    closeQuietly(s);
                    tcpSlots.release();
                }
            });
        }
    }

    /** RFC 7766: two-byte length, message; several queries on one connection, answered in order. */
    private void serveConnection(Socket s) {
        try {
            s.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
            while (running) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] query = new byte[length];
                in.readFully(query);
                byte[] answer = DnsAnswerer.answer(query, true, view);
                if (answer == null) {
                    return; // garbage without a header: nothing sensible follows on this stream
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away or sent a short message: the connection ends
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        udp.close();
        closeQuietly(tcp);
        connections.forEach(DnsResponder::closeQuietly);
        for (Thread t : threads) {
            LockSupport.unpark(t);
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
        log.info("DNS responder on {}:{} stopped", settings.host(), tcp.getLocalPort());
    }
}
