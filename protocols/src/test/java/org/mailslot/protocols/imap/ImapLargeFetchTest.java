package org.mailslot.protocols.imap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.directory.Account;
import org.mailslot.store.DeliveryOutcome;
import org.mailslot.store.DeliveryTarget;
import org.mailslot.protocols.auth.PlaintextAuth;
import org.mailslot.store.MessageContent;
import org.mailslot.store.StoreSettings;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FETCH of a 30 MB message: BODY.PEEK[] streams the stored body as a literal, and partials read only their range.
 * The bytes are checked by SHA-256 on the client side, which reads the literal in chunks too.
 */
class ImapLargeFetchTest {
    private static final Pattern LITERAL = Pattern.compile("~?\\{(\\d+)}$");
    private static final String HEADER = "From: sender@example.net\r\nTo: alice@example.com\r\nSubject: big\r\n"
            + "Message-ID: <big@example.net>\r\n\r\n";

    @TempDir
    Path dir;

    @Test
    void bodyPeekAndPartialsOfA30MegabyteMessage() throws Exception {
        Path file = dir.resolve("big.eml");
        byte[] head = new byte[200];
        byte[] tail = new byte[1000];
        long size;
        String sha;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            // numbered lines of one phrase: varied enough to catch a misplaced range, and cheap for the full-text
            // index, which the store fills in the background (random text makes that take seconds)
            byte[] phrase = " the quick brown fox jumps over the lazy dog and runs far away\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] line = new byte[10 + phrase.length];
            System.arraycopy(phrase, 0, line, 10, phrase.length);
            byte[] start = HEADER.getBytes(StandardCharsets.US_ASCII);
            out.write(start);
            digest.update(start);
            long written = start.length;
            while (written < 30L * 1024 * 1024) {
                byte[] number = String.format("%010d", written).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(number, 0, line, 0, 10);
                out.write(line);
                digest.update(line);
                written += line.length;
            }
            size = written;
            sha = HexFormat.of().formatHex(digest.digest());
        }
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(head, 0, head.length);
            in.skipNBytes(size - head.length - tail.length);
            in.readNBytes(tail, 0, tail.length);
        }
        // the store indexes the text of each message in the background: a short prefix keeps closing it quick
        StoreSettings store = new StoreSettings(Duration.ofDays(7), 256, 16, Duration.ofSeconds(30),
                StoreSettings.MIN_FTS_INDEXED_CHARS, Duration.ofSeconds(60));
        try (ImapTestServer server = new ImapTestServer(dir.resolve("server"), PlaintextAuth.LOOPBACK,
                ImapSettings.defaults(), store)) {
            Account alice = server.account("alice@example.com");
            List<DeliveryOutcome> delivered = server.store(alice).deliver(MessageContent.of(file), Instant.now(),
                    List.of(new DeliveryTarget(alice.id(), 0)));
            assertThat(delivered.getFirst()).isInstanceOf(DeliveryOutcome.Delivered.class);
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                Client c = new Client(socket);
                c.line();
                c.command("a LOGIN alice@example.com \"" + ImapTestServer.PASSWORD + "\"");
                c.expectTagged("a OK");
                c.command("b SELECT INBOX");
                c.expectTagged("b OK");

                c.command("c FETCH 1 (RFC822.SIZE BODY.PEEK[])");
                assertThat(c.line()).isEqualTo("* 1 FETCH (RFC822.SIZE " + size + " BODY[] {" + size + "}");
                assertThat(c.literalSha256(size)).isEqualTo(sha);
                assertThat(c.line()).isEqualTo(")");
                c.expectTagged("c OK FETCH completed");

                c.command("d FETCH 1 (BODY.PEEK[]<0.100> BODY.PEEK[]<" + (size - 1000) + ".5000>)");
                assertThat(c.line()).isEqualTo("* 1 FETCH (BODY[]<0> {100}");
                assertThat(c.bytes(100)).isEqualTo(Arrays.copyOf(head, 100));
                assertThat(c.line()).isEqualTo(" BODY[]<" + (size - 1000) + "> {1000}");
                assertThat(c.bytes(1000)).isEqualTo(tail);
                assertThat(c.line()).isEqualTo(")");
                c.expectTagged("d OK FETCH completed");

                c.command("e FETCH 1 (BODY.PEEK[HEADER] BODY.PEEK[TEXT]<0.10> BINARY.SIZE[] BINARY.PEEK[]<0.4> FLAGS)");
                assertThat(c.line()).isEqualTo("* 1 FETCH (BODY[HEADER] {" + HEADER.length() + "}");
                assertThat(new String(c.bytes(HEADER.length()), StandardCharsets.US_ASCII)).isEqualTo(HEADER);
                assertThat(c.line()).isEqualTo(" BODY[TEXT]<0> {10}");
                assertThat(c.bytes(10)).isEqualTo(Arrays.copyOfRange(head, HEADER.length(), HEADER.length() + 10));
                assertThat(c.line()).isEqualTo(" BINARY.SIZE[] " + size + " BINARY[]<0> {4}");
                assertThat(new String(c.bytes(4), StandardCharsets.US_ASCII)).isEqualTo("From");
                assertThat(c.line()).isEqualTo(" FLAGS ())");
                c.expectTagged("e OK FETCH completed");
            }
        }
    }

    /** Reads responses byte-exact, literals in chunks. */
    private static final class Client {
        private final InputStream in;
        private final OutputStream out;

        Client(Socket socket) throws IOException {
            this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            this.out = socket.getOutputStream();
            socket.setSoTimeout(60_000);
        }

        void command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Skips untagged lines (and their literals) up to the tagged one, which must start with prefix. */
        void expectTagged(String prefix) throws IOException {
            String tag = prefix.substring(0, prefix.indexOf(' ') + 1);
            while (true) {
                String l = line();
                Matcher m = LITERAL.matcher(l);
                if (m.find()) {
                    bytes(Integer.parseInt(m.group(1)));
                }
                if (l.startsWith(tag)) {
                    assertThat(l).startsWith(prefix);
                    return;
                }
            }
        }

        /** One line without its CRLF. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new EOFException("connection closed after " + b);
                }
                b.write(c);
            }
            String s = b.toString(StandardCharsets.UTF_8);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        byte[] bytes(int n) throws IOException {
            return in.readNBytes(n);
        }

        String literalSha256(long n) throws Exception {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            long left = n;
            while (left > 0) {
                int k = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (k < 0) {
                    throw new EOFException(left + " bytes of the literal missing");
                }
                digest.update(chunk, 0, k);
                left -= k;
            }
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
