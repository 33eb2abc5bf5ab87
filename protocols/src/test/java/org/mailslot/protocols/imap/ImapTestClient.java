package org.mailslot.protocols.imap;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A raw IMAP client for exact transcripts: sends lines, reads responses up to the tagged one (literals inlined). */
public final class ImapTestClient implements AutoCloseable {
    private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d+)\\}$");
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private int tags;

    public ImapTestClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public String greeting() throws IOException {
        return readLine();
    }

    /** Sends "tN command" and returns every line up to and including the tagged one. */
    public List<String> command(String command) throws IOException {
        String tag = "t" + (++tags);
        send(tag + " " + command);
        return until(tag);
    }

    public String lastTag() {
        return "t" + tags;
    }

    public List<String> until(String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("connection closed; got " + lines);
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    public void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void login(String user) throws IOException {
        greeting();
        List<String> r = command("LOGIN " + user + " \"" + ImapTestServer.PASSWORD + "\"");
        if (!r.getLast().contains(" OK ")) {
            throw new IOException("login failed: " + r);
        }
    }

    /** One response line with any literals it announces appended (CRLF kept inside), or null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        while (true) {
            String part = rawLine();
            if (part == null) {
                return acc.size() == 0 ? null : acc.toString(StandardCharsets.UTF_8);
            }
            acc.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            Matcher m = LITERAL.matcher(part);
            if (!m.find()) {
                return acc.toString(StandardCharsets.UTF_8);
            }
            int n = Integer.parseInt(m.group(1));
            acc.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            acc.writeBytes(in.readNBytes(n));
        }
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] a = b.toByteArray();
                int len = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
                return new String(a, 0, len, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    public void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
