package org.mailslot.protocols.smtp.inbound;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.store.MessageContent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class SpamdClientTest {
    static final String HAM = "From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: lunch\r\n"
            + "Date: Sun, 29 Nov 2026 02:00:00 +0000\r\nMessage-ID: <lunch-1@example.org>\r\n\r\n"
            + "Hi Bob,\r\n\r\nshall we have lunch on Tuesday at the usual place?\r\n\r\nAlice\r\n";
    static final String SPAM = "From: Alice <alice@example.org>\r\nTo: bob@example.com\r\nSubject: test\r\n\r\n"
            + TestSpamd.GTUBE + "\r\n";

    private ServerSocket fake;
    private final CompletableFuture<byte[]> request = new CompletableFuture<>();

    @AfterEach
    void stop() throws IOException {
        if (fake != null) {
            fake.close();
        }
    }

    private static MessageContent content(String s) {
        return MessageContent.of(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A spamd stand-in that reads the request (headers and Content-length octets) and answers {@code answer}. */
    private SpamdClient fakeSpamd(Function<byte[], byte[]> answer, Duration timeout) throws IOException {
        fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = fake.accept()) {
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    head.write(c);
                }
                String h = head.toString(StandardCharsets.ISO_8859_1);
                int length = Integer.parseInt(h.replaceAll("(?s).*Content-length: (\\d+)\r\n.*", "$1"));
                byte[] body = in.readNBytes(length);
                request.complete((h + new String(body, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
                byte[] reply = answer.apply(body);
                if (reply == null) {
                    // hang, then go away without a word (writing null here once failed an unrelated test that was
                    // awaiting with Awaitility, which fails on any thread's uncaught exception)
                    Thread.sleep(60_000);
                    return;
                }
                s.getOutputStream().write(reply);
            } catch (IOException | InterruptedException e) {
                request.complete(new byte[0]);
            }
        });
        return new SpamdClient("127.0.0.1", fake.getLocalPort(), timeout, 500 << 10);
    }

    private static Function<byte[], byte[]> always(String reply) {
        return body -> reply.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void sendsASymbolsRequestAndReadsTheVerdict() throws Exception {
        SpamdClient client = fakeSpamd(always("SPAMD/1.1 0 EX_OK\r\nContent-length: 23\r\nSpam: True ; 7.3 / 5.0\r\n\r\nBAYES_99,URIBL_BLACK,X"),
                Duration.ofSeconds(5));
        assertThat(client.check(content(HAM))).isEqualTo(new SpamdClient.Outcome.Scored(true, 7.3, 5.0, List.of("BAYES_99", "URIBL_BLACK", "X")));
        assertThat(new String(request.get(5, TimeUnit.SECONDS), StandardCharsets.ISO_8859_1))
                .isEqualTo("SYMBOLS SPAMC/1.5\r\nContent-length: " + HAM.length() + "\r\n\r\n" + HAM);
    }

    @Test
    void hamAndNegativeScores() throws Exception {
        SpamdClient client = fakeSpamd(always("SPAMD/1.1 0 EX_OK\r\nSpam: False ; -1.9 / 5.0\r\nContent-length: 0\r\n\r\n"),
                Duration.ofSeconds(5));
        assertThat(client.check(content(HAM))).isEqualTo(new SpamdClient.Outcome.Scored(false, -1.9, 5.0, List.of()));
    }

    @Test
    void garbageAnswersLeaveTheMessageUnscored() throws Exception {
        for (String reply : List.of("", "HTTP/1.1 200 OK\r\n\r\n", "SPAMD/1.1 76 Bad header line\r\n\r\n",
                "SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n", "SPAMD/1.1 0 EX_OK\r\nSpam: maybe ; x / y\r\n\r\n",
                "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1e999 / 5\r\nContent-length: 0\r\n\r\n",
                "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 9 / 5\r\n", "SPAMD/1.1 0 EX_OK\r\n" + "X: y\r\n".repeat(100),
                "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 9 / 5\r\nContent-length: 99999999\r\n\r\n",
                "SPAMD/1.1 0 EX_OK\r\n" + "A".repeat(100_000), "\u0000\u00ff\r\n\r\n")) {
            SpamdClient client = fakeSpamd(always(reply), Duration.ofSeconds(5));
            assertThat(client.check(content(HAM))).as(reply.length() > 60 ? reply.substring(0, 60) : reply)
                    .isInstanceOf(SpamdClient.Outcome.Unscored.class);
            fake.close();
        }
    }

    @Test
    void aSpamdThatHangsLeavesTheMessageUnscoredAfterTheTimeout() throws Exception {
        SpamdClient client = fakeSpamd(body -> null, Duration.ofMillis(500));
        SpamdClient.Outcome outcome = client.check(content(HAM));
        assertThat(outcome).isInstanceOf(SpamdClient.Outcome.Unscored.class);
        assertThat(((SpamdClient.Outcome.Unscored) outcome).reason()).contains("did not answer within 500 ms");
    }

    @Test
    void aSpamdThatDoesNotReadLeavesTheMessageUnscoredAfterTheTimeout() throws Exception {
        fake = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            try (Socket s = fake.accept()) {
                Thread.sleep(60_000);
            } catch (IOException | InterruptedException ignored) {
            }
        });
        SpamdClient client = new SpamdClient("127.0.0.1", fake.getLocalPort(), Duration.ofMillis(500), 100L << 20);
        byte[] big = new byte[20 << 20]; // more than the socket buffers hold
        MessageContent content = new MessageContent() {
            @Override
            public long size() {
                return big.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(big);
            }
        };
        assertThat(client.check(content)).isInstanceOf(SpamdClient.Outcome.Unscored.class);
    }

    @Test
    void nobodyListeningLeavesTheMessageUnscored() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(new SpamdClient("127.0.0.1", port, Duration.ofSeconds(2), 1 << 20).check(content(HAM)))
                .isInstanceOf(SpamdClient.Outcome.Unscored.class);
    }

    @Test
    void messagesOverTheSizeLimitAreNotSent() throws Exception {
        SpamdClient client = fakeSpamd(always("SPAMD/1.1 0 EX_OK\r\nSpam: True ; 9 / 5\r\nContent-length: 0\r\n\r\n"), Duration.ofSeconds(5));
        SpamdClient small = new SpamdClient("127.0.0.1", fake.getLocalPort(), Duration.ofSeconds(5), 100);
        SpamdClient.Outcome outcome = small.check(content(HAM));
        assertThat(outcome).isInstanceOf(SpamdClient.Outcome.Skipped.class);
        assertThat(((SpamdClient.Outcome.Skipped) outcome).reason()).contains("not scanned");
        assertThat(request).isNotDone();
        assertThat(client.check(content(HAM))).isInstanceOf(SpamdClient.Outcome.Scored.class);
    }

    @Test
    void debiansSpamdFindsGtubeAndLetsHamThrough(@TempDir Path dir) throws Exception {
        try (TestSpamd spamd = TestSpamd.start(dir)) {
            SpamdClient client = new SpamdClient("127.0.0.1", spamd.port(), Duration.ofSeconds(60), 500 << 10);
            SpamdClient.Outcome spam = client.check(content(SPAM));
            assertThat(spam).isInstanceOf(SpamdClient.Outcome.Scored.class);
            SpamdClient.Outcome.Scored s = (SpamdClient.Outcome.Scored) spam;
            assertThat(s.spam()).isTrue();
            assertThat(s.score()).isGreaterThan(s.threshold());
            assertThat(s.tests()).contains("GTUBE");

            SpamdClient.Outcome ham = client.check(content(HAM));
            assertThat(ham).isInstanceOf(SpamdClient.Outcome.Scored.class);
            assertThat(((SpamdClient.Outcome.Scored) ham).spam()).isFalse();
        }
    }
}
