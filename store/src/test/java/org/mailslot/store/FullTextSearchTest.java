package org.mailslot.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SEARCH BODY / TEXT through the slot's full-text index: decoding, exactness, lifecycle. */
class FullTextSearchTest {
    private static final long ALICE = 1001;
    private static final Instant DATE = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;
    SlotStore store;
    long box;

    @BeforeEach
    void open() {
        store = SlotStore.open(dir.resolve("slot"), 3, StoreSettings.defaults());
        store.createAccount(ALICE);
        box = store.mailbox(ALICE, "INBOX").orElseThrow().id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen(StoreSettings settings) {
        store.close();
        store = SlotStore.open(dir.resolve("slot"), 3, settings);
    }

    private long add(String raw) {
        return store.append(ALICE, "INBOX", MessageContent.of(raw.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1)),
                Set.of(), DATE, 0).uid();
    }

    private static String plain(String subject, String body) {
        return "From: a@example.com\nTo: b@example.org\nSubject: " + subject + "\n\n" + body + "\n";
    }

    private Set<Long> body(String needle) {
        return store.searchText(box, needle, TextField.BODY);
    }

    private Set<Long> text(String needle) {
        return store.searchText(box, needle, TextField.TEXT);
    }

    @Test
    void substringCaseInsensitiveAnywhereInBody() {
        long a = add(plain("one", "The Quick brown fox jumps over the lazy dog"));
        long b = add(plain("two", "quickly, quietly"));
        assertThat(body("quick")).containsExactly(a, b);
        assertThat(body("QUICK BROWN")).containsExactly(a);
        assertThat(body("uick bro")).containsExactly(a); // inside words: substring, not word match
        assertThat(body("ickly, qui")).containsExactly(b);
        assertThat(body("fox jumps over the lazy dog")).containsExactly(a);
        assertThat(body("fox jumps over the lazy cat")).isEmpty();
        assertThat(body("dog dog")).isEmpty();
        assertThat(body("z")).containsExactly(a); // one and two characters: prefix of grams
        assertThat(body("og")).containsExactly(a); // the very end of the text
        assertThat(body("qx")).isEmpty();
        assertThat(body("")).containsExactly(a, b);
        assertThat(body("oneone")).isEmpty();
    }

    @Test
    void quotedPrintableSoftLineBreakIsJoined() {
        long a = add("Subject: qp\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "This is a long line that the encoder broke in the mid=\ndle of a word, and an =C3=A9l=C3=A8ve.\n");
        assertThat(body("middle of a word")).containsExactly(a);
        assertThat(body("ÉLÈVE")).containsExactly(a);
        assertThat(body("mid=")).isEmpty();
    }

    @Test
    void base64TextPartIsDecodedAndBinaryPartsAreNot() {
        String text = Base64.getMimeEncoder().encodeToString("Meeting moved to Thursday at noon".getBytes(StandardCharsets.UTF_8));
        String image = Base64.getMimeEncoder().encodeToString("PNG secret-in-binary".getBytes(StandardCharsets.UTF_8));
        long a = add("Subject: mixed\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
                + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + text + "\n--XX\n"
                + "Content-Type: image/png\nContent-Disposition: attachment; filename=\"pic.png\"\n"
                + "Content-Transfer-Encoding: base64\n\n" + image + "\n--XX--\n");
        assertThat(body("moved to thursday")).containsExactly(a);
        assertThat(body(text.substring(0, 12))).isEmpty(); // the encoded form is not text
        assertThat(body("secret-in-binary")).isEmpty();
        assertThat(text("pic.png")).containsExactly(a); // MIME part headers count for TEXT
        assertThat(body("pic.png")).isEmpty();
    }

    @Test
    void isoLatin1CharsetIsDecoded() {
        long a = add("Subject: latin\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
                + "Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9 cr\u00e8me\n");
        assertThat(body("GRÜSSE")).isEmpty(); // folding is per character (lower case), not Unicode case folding
        assertThat(body("grüße aus köln")).containsExactly(a);
        assertThat(body("CAFÉ CRÈME")).containsExactly(a);
    }

    @Test
    void headersCountForTextNotBody() {
        long a = add("From: \"Zoë\" <zoe@example.com>\nSubject: =?UTF-8?B?w5xiZXJyYXNjaHVuZw==?= party\n\nsee you there\n");
        long b = add(plain("other", "mentions ÜBERRASCHUNG in the body"));
        assertThat(text("überraschung party")).containsExactly(a); // encoded word decoded
        assertThat(text("überraschung")).containsExactly(a, b);
        assertThat(body("überraschung")).containsExactly(b);
        assertThat(text("zoe@example")).containsExactly(a);
        assertThat(body("zoe@example")).isEmpty();
        assertThat(text("see you")).containsExactly(a);
    }

    @Test
    void attachedMessageHeadersAreBody() {
        long a = add("Subject: fwd\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
                + "Content-Type: text/plain\n\nsee attached\n--B\nContent-Type: message/rfc822\n\n"
                + "Subject: Inner Topic\nFrom: inner@example.net\n\ninner words\n--B--\n");
        assertThat(body("inner topic")).containsExactly(a);
        assertThat(body("inner words")).containsExactly(a);
        assertThat(body("see attached")).containsExactly(a);
    }

    @Test
    void expungedMovedAndDeletedAreNotReturned() {
        long a = add(plain("a", "alpha needle"));
        long b = add(plain("b", "beta needle"));
        long c = add(plain("c", "gamma needle"));
        store.expunge(box, List.of(a));
        assertThat(body("needle")).containsExactly(b, c);
        long archive = store.mailbox(ALICE, "Archive").orElseThrow().id();
        List<MoveResult> moved = store.move(box, List.of(b), archive, 0);
        assertThat(body("needle")).containsExactly(c);
        assertThat(store.searchText(archive, "needle", TextField.BODY)).containsExactly(moved.getFirst().targetUid());
        store.restore(ALICE, Instant.EPOCH);
        assertThat(body("alpha")).hasSize(1).doesNotContain(a);
        assertThat(store.verify().problems()).isEmpty();
        store.deleteAccount(ALICE);
        store.createAccount(ALICE);
        long inbox = store.mailbox(ALICE, "INBOX").orElseThrow().id();
        assertThat(store.searchText(inbox, "needle", TextField.TEXT)).isEmpty();
        assertThat(store.verify().problems()).isEmpty();
        assertThatThrownBy(() -> store.searchText(box, "x", TextField.BODY))
                .hasFieldOrPropertyWithValue("reason", StoreException.Reason.NOT_FOUND);
    }

    @Test
    void searchRightAfterDeliverySeesIt() {
        for (int i = 0; i < 30; i++) {
            String word = "fresh" + i + "word";
            store.deliver(MessageContent.of(plain("d" + i, "contains " + word).getBytes(StandardCharsets.UTF_8)), DATE,
                    List.of(new DeliveryTarget(ALICE, 0)));
            assertThat(body(word)).hasSize(1);
        }
    }

    @Test
    void survivesRestartAndReplaysUncommittedChanges() {
        long a = add(plain("a", "persistent text"));
        reopen(StoreSettings.defaults());
        assertThat(body("persistent")).containsExactly(a);
        long b = add(plain("b", "persistent too"));
        store.expunge(box, List.of(a));
        reopen(StoreSettings.defaults());
        assertThat(body("persistent")).containsExactly(b);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void missingOrCorruptIndexIsRebuiltOnOpen() throws IOException {
        long a = add(plain("a", "rebuild me"));
        store.close();
        deleteTree(dir.resolve("slot/fts"));
        store = SlotStore.open(dir.resolve("slot"), 3, StoreSettings.defaults());
        assertThat(body("rebuild me")).containsExactly(a);
        store.close();
        try (Stream<Path> files = Files.list(dir.resolve("slot/fts"))) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith("segments")) {
                    Files.write(f, "garbage".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        store = SlotStore.open(dir.resolve("slot"), 3, StoreSettings.defaults());
        assertThat(body("rebuild me")).containsExactly(a);
        assertThat(store.verify().problems()).isEmpty();
    }

    @Test
    void explicitRebuildGivesTheSameAnswers() {
        long a = add(plain("a", "first message"));
        long b = add(plain("b", "second message"));
        store.expunge(box, List.of(a));
        store.rebuildSearchIndex();
        assertThat(body("message")).containsExactly(b);
        long c = add(plain("c", "third message"));
        assertThat(body("message")).containsExactly(b, c);
    }

    @Test
    void textBeyondTheIndexedPrefixIsStillFound() {
        reopen(new StoreSettings(Duration.ofDays(7), 256, 16, Duration.ofSeconds(30), 1_000, Duration.ofSeconds(60)));
        String filler = "lorem ipsum ".repeat(200);
        long a = add(plain("long", filler + "needle at the end"));
        long b = add(plain("short", "needle early"));
        assertThat(body("needle")).containsExactly(a, b);
        assertThat(body("at the end")).containsExactly(a);
        assertThat(body("not there at all")).isEmpty();
        assertThat(body("lorem")).containsExactly(a);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
