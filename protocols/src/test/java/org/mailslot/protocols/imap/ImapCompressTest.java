package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** COMPRESS=DEFLATE (RFC 4978) with a raw socket client doing its own raw deflate in both directions. */
class ImapCompressTest {
    @TempDir
    Path dir;

    @Test
    void bothDirectionsAreDeflatedAfterTheAnswer() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            Account alice = server.account("alice@example.com");
            String body = "line of text that compresses well\r\n".repeat(200);
            server.deliver(alice, ImapTestServer.message("big", body));
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(20_000);
                InputStream rawIn = socket.getInputStream();
                OutputStream rawOut = socket.getOutputStream();
                readLine(rawIn);
                send(rawOut, "t1 LOGIN alice@example.com \"" + ImapTestServer.PASSWORD + "\"");
                assertThat(until(rawIn, "t1").getLast()).startsWith("t1 OK ");
                send(rawOut, "t2 CAPABILITY");
                assertThat(until(rawIn, "t2").getFirst()).contains(" COMPRESS=DEFLATE");
                send(rawOut, "t3 COMPRESS DEFLATE");
                assertThat(until(rawIn, "t3")).containsExactly("t3 OK DEFLATE active");
                // nothing (not even an empty deflate block) follows the OK before the client's next command: a
                // client may read it together with the OK line, before it inflates (isync 1.4 then fails)
                Thread.sleep(200);
                assertThat(rawIn.available()).isZero();

                CountingInput counted = new CountingInput(rawIn);
                InputStream in = new InflaterInputStream(counted, new Inflater(true));
                OutputStream out = new DeflaterOutputStream(rawOut, new Deflater(Deflater.DEFAULT_COMPRESSION, true), true);
                send(out, "t4 NOOP");
                assertThat(until(in, "t4")).containsExactly("t4 OK NOOP completed");
                send(out, "t5 SELECT INBOX");
                assertThat(until(in, "t5").getLast()).isEqualTo("t5 OK [READ-WRITE] SELECT completed");
                long before = counted.count;
                send(out, "t6 FETCH 1 BODY.PEEK[TEXT]");
                assertThat(readLine(in)).isEqualTo("* 1 FETCH (BODY[TEXT] {" + body.length() + "}");
                assertThat(new String(in.readNBytes(body.length()), StandardCharsets.UTF_8)).isEqualTo(body);
                assertThat(until(in, "t6")).containsExactly(")", "t6 OK FETCH completed");
                assertThat(counted.count - before).isLessThan(body.length() / 10);
                send(out, "t7 COMPRESS DEFLATE");
                assertThat(until(in, "t7")).containsExactly("t7 NO [COMPRESSIONACTIVE] DEFLATE is active already");
                // IDLE: the notifier thread's updates are flushed through the deflater too
                send(out, "t8 IDLE");
                assertThat(readLine(in)).startsWith("+ ");
                server.deliver(alice, ImapTestServer.message("new", "x\r\n"));
                assertThat(readLine(in)).isEqualTo("* 2 EXISTS");
                send(out, "DONE");
                assertThat(until(in, "t8")).containsExactly("t8 OK IDLE terminated");
                send(out, "t9 LOGOUT");
                assertThat(until(in, "t9").getFirst()).startsWith("* BYE");
            }
        }
    }

    @Test
    void refusesPipelinedInputAndUnknownMechanisms() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.com");
            try (ImapTestClient c = new ImapTestClient(server.port())) {
                c.login("alice@example.com");
                assertThat(c.command("COMPRESS LZMA").getLast()).startsWith("t2 BAD ");
                c.send("p1 COMPRESS DEFLATE\r\np2 NOOP");
                assertThat(c.until("p1")).containsExactly("p1 BAD Commands sent after COMPRESS before its answer");
                assertThat(c.until("p2")).containsExactly("p2 OK NOOP completed");
            }
        }
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static List<String> until(InputStream in, String tag) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new IOException("closed; got " + lines);
            }
            lines.add(line);
            if (line.startsWith(tag + " ")) {
                return lines;
            }
        }
    }

    /** A line without its CRLF (literals are read by the caller). */
    private static String readLine(InputStream in) throws IOException {
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

    private static final class CountingInput extends java.io.FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count += c >= 0 ? 1 : 0;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}
