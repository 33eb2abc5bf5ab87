package org.mailslot.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal SMTP/LMTP, POP3 and IMAP clients over plain sockets, so tests see exactly what goes over the wire. */
final class MailClients {
    private MailClients() {
    }

    /** One SMTP or LMTP connection; {@link #send} runs one transaction and returns the final reply code(s). */
    static final class Smtp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final boolean lmtp;
        private int lastRefusal;

        Smtp(int port, boolean lmtp) throws IOException {
            this("127.0.0.1", port, lmtp);
        }

        Smtp(String host, int port, boolean lmtp) throws IOException {
            this.socket = new Socket(host, port);
            socket.setSoTimeout(60_000);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
            this.lmtp = lmtp;
            expect(reply(), 220);
            command((lmtp ? "LHLO" : "EHLO") + " client.test");
            expect(reply(), 250);
        }

        /** Sends one message; returns one reply code per recipient for LMTP, one code for SMTP. */
        List<Integer> send(String from, List<String> rcpts, byte[] message) throws IOException {
            command("MAIL FROM:<" + from + ">");
            expect(reply(), 250);
            int accepted = 0;
            for (String r : rcpts) {
                command("RCPT TO:<" + r + ">");
                int code = reply();
                if (code / 100 == 2) {
                    accepted++;
                } else {
                    lastRefusal = code;
                }
            }
            if (accepted == 0) {
                command("RSET");
                reply();
                return List.of();
            }
            command("DATA");
            expect(reply(), 354);
            out.write(dotStuff(message));
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<Integer> codes = new ArrayList<>();
            for (int i = 0; i < (lmtp ? accepted : 1); i++) {
                codes.add(reply());
            }
            return codes;
        }

        void command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The code of the last refused RCPT (0 before any). */
        int lastRefusal() {
            return lastRefusal;
        }

        /** Reads one (possibly multi-line) reply and returns its code. */
        int reply() throws IOException {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    throw new IOException("connection closed");
                }
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return Integer.parseInt(line.substring(0, 3));
                }
            }
        }

        private static void expect(int code, int wanted) throws IOException {
            if (code != wanted) {
                throw new IOException("expected " + wanted + ", got " + code);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A POP3 session after USER/PASS. */
    static final class Pop3 implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Pop3(int port, String user, String password) throws IOException {
            this("127.0.0.1", port, user, password);
        }

        Pop3(String host, int port, String user, String password) throws IOException {
            socket = new Socket(host, port);
            socket.setSoTimeout(60_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            ok(readLine(in));
            ok(command("USER " + user));
            ok(command("PASS " + password));
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readLine(in);
        }

        /** UIDL listing: message number -> unique id. */
        List<String[]> uidl() throws IOException {
            ok(command("UIDL"));
            List<String[]> out = new ArrayList<>();
            for (String l : multiline()) {
                out.add(l.split(" ", 2));
            }
            return out;
        }

        byte[] retr(int n) throws IOException {
            ok(command("RETR " + n));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String line = readLineRaw(in);
                if (line.equals(".")) {
                    return body.toByteArray();
                }
                if (line.startsWith(".")) {
                    line = line.substring(1);
                }
                body.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
                body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        }

        private List<String> multiline() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String l = readLine(in); !l.equals("."); l = readLine(in)) {
                lines.add(l);
            }
            return lines;
        }

        private static void ok(String line) throws IOException {
            if (line == null || !line.startsWith("+OK")) {
                throw new IOException("POP3 error: " + line);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                command("QUIT");
            } finally {
                socket.close();
            }
        }
    }

    /**
     * One IMAP connection, one command at a time. Responses are read whole: a literal ({@code {n}}) is read and kept
     * inline, so a FETCH response is one string.
     */
    static final class Imap implements AutoCloseable {
        /** The untagged responses of a command and the text after its tag ({@code OK [APPENDUID 1 5] done}). */
        record Reply(List<String> untagged, String tagged) {
            boolean ok() {
                return tagged.startsWith("OK");
            }
        }

        private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\+?}$");
        private static final Pattern UIDVALIDITY = Pattern.compile("UIDVALIDITY (\\d+)");
        private static final Pattern UID = Pattern.compile("UID (\\d+)");
        private static final Pattern MESSAGE_ID = Pattern.compile("(?i)Message-ID:\\s*<([^>]*)>");

        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tags;

        Imap(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setSoTimeout(60_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            String greeting = response();
            if (greeting == null || !greeting.startsWith("* OK")) {
                socket.close();
                throw new IOException("IMAP greeting: " + greeting);
            }
        }

        Reply login(String user, String password) throws IOException {
            return command("LOGIN " + quote(user) + " " + quote(password));
        }

        /** SELECTs the mailbox and returns its UIDVALIDITY; throws unless OK. */
        long select(String mailbox) throws IOException {
            Reply r = command("SELECT " + quote(mailbox));
            if (!r.ok()) {
                throw new IOException("SELECT " + mailbox + ": " + r.tagged());
            }
            for (String u : r.untagged()) {
                Matcher m = UIDVALIDITY.matcher(u);
                if (m.find()) {
                    return Long.parseLong(m.group(1));
                }
            }
            throw new IOException("SELECT " + mailbox + " without UIDVALIDITY: " + r.untagged());
        }

        Reply command(String line) throws IOException {
            String tag = "T" + (++tags);
            send(tag + " " + line + "\r\n");
            return reply(tag, new ArrayList<>());
        }

        /** APPEND with a synchronizing literal: the server may refuse before the message is sent. */
        Reply append(String mailbox, byte[] message) throws IOException {
            String tag = "T" + (++tags);
            send(tag + " APPEND " + quote(mailbox) + " {" + message.length + "}\r\n");
            List<String> untagged = new ArrayList<>();
            while (true) {
                String r = response();
                if (r == null) {
                    throw new IOException("connection closed during APPEND" + untagged);
                }
                if (r.startsWith("+")) {
                    break;
                }
                if (r.startsWith(tag + " ")) {
                    return new Reply(untagged, r.substring(tag.length() + 1));
                }
                untagged.add(r);
            }
            out.write(message);
            send("\r\n");
            return reply(tag, untagged);
        }

        /** UID and Message-ID (without angle brackets) of every message in the selected mailbox, by UID. */
        SortedMap<Long, String> messageIds() throws IOException {
            Reply r = command("UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
            if (!r.ok()) {
                throw new IOException("UID FETCH: " + r.tagged());
            }
            SortedMap<Long, String> ids = new TreeMap<>();
            for (String u : r.untagged()) {
                Matcher mu = UID.matcher(u);
                if (u.contains(" FETCH ") && mu.find()) {
                    Matcher mi = MESSAGE_ID.matcher(u);
                    ids.put(Long.parseLong(mu.group(1)), mi.find() ? mi.group(1) : "(none)");
                }
            }
            return ids;
        }

        private Reply reply(String tag, List<String> untagged) throws IOException {
            while (true) {
                String r = response();
                if (r == null) {
                    throw new IOException("connection closed before the tagged reply; untagged: " + untagged);
                }
                if (r.startsWith(tag + " ")) {
                    return new Reply(untagged, r.substring(tag.length() + 1));
                }
                untagged.add(r);
            }
        }

        /** One response line with any literals it announces read into it; null at the end of the stream. */
        private String response() throws IOException {
            String line = readLineRaw(in);
            if (line == null) {
                return null;
            }
            StringBuilder sb = new StringBuilder(line);
            Matcher m = LITERAL.matcher(line);
            while (m.find()) {
                byte[] bytes = in.readNBytes(Integer.parseInt(m.group(1)));
                sb.append("\r\n").append(new String(bytes, StandardCharsets.ISO_8859_1));
                String rest = readLineRaw(in);
                if (rest == null) {
                    break;
                }
                sb.append(rest);
                m = LITERAL.matcher(rest);
            }
            return sb.toString();
        }

        private void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }

        @Override
        public void close() throws IOException {
            try {
                send("Z LOGOUT\r\n");
            } catch (IOException ignored) {
                // already gone
            } finally {
                socket.close();
            }
        }
    }

    static byte[] dotStuff(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 64);
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') {
                out.write('.');
            }
            out.write(b);
            lineStart = b == '\n';
        }
        return out.toByteArray();
    }

    static String readLine(InputStream in) throws IOException {
        String raw = readLineRaw(in);
        return raw == null ? null : new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** A line without its CRLF, bytes as ISO-8859-1 chars so they survive unchanged. */
    static String readLineRaw(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

}
