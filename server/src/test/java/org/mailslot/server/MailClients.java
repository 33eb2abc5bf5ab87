package org.mailslot.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Minimal SMTP/LMTP and POP3 clients over plain sockets, so tests see exactly what goes over the wire. */
final class MailClients {
    private MailClients() {
    }

    /** One SMTP or LMTP connection; {@link #send} runs one transaction and returns the final reply code(s). */
    static final class Smtp implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final boolean lmtp;

        Smtp(int port, boolean lmtp) throws IOException {
            this.socket = new Socket("127.0.0.1", port);
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
                if (reply() / 100 == 2) {
                    accepted++;
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
            socket = new Socket("127.0.0.1", port);
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
