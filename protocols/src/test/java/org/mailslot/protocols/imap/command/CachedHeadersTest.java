package org.mailslot.protocols.imap.command;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailslot.protocols.imap.message.MessageSource;
import org.mailslot.store.AppendRequest;
import org.mailslot.store.MessageContent;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;
import org.mailslot.store.StoreSettings;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Windows of kept headers over a real slot store: every message's header, whatever order it is asked in. */
class CachedHeadersTest {
    private static final long ALICE = 7;

    @TempDir
    Path dir;

    private static String header(int n) {
        return "Subject: message " + n + "\r\nX-N: " + n + "\r\n\r\n";
    }

    @Test
    void everyHeaderAcrossWindowsInAnyOrder() throws Exception {
        try (SlotStore store = SlotStore.open(dir.resolve("slot"), 1, StoreSettings.defaults())) {
            store.createAccount(ALICE);
            int count = CachedHeaders.WINDOW * 2 + 50;
            List<AppendRequest> batch = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                batch.add(new AppendRequest(MessageContent.of((header(n) + "body " + n + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII)), Set.of(), Instant.EPOCH));
            }
            long box = store.appendAll(ALICE, "INBOX", batch, 0).getFirst().mailboxId();
            List<Long> gone = List.of(3L, 300L, 301L, 555L);
            store.expunge(box, gone);
            List<MessageMeta> messages = store.messages(box);
            long[] uids = messages.stream().mapToLong(MessageMeta::uid).toArray();

            CachedHeaders inOrder = new CachedHeaders(store, box, uids);
            for (long uid : uids) {
                assertThat(new String(inOrder.get(uid), StandardCharsets.US_ASCII)).isEqualTo(header((int) uid));
            }
            for (long uid : gone) {
                assertThat(inOrder.get(uid)).isNull(); // expunged: not visible, read the blob (the caller skips it)
            }

            // a sparse list, asked in random order, and a uid outside the list
            long[] sparse = {2, 560, 5, 450, 299, 302};
            CachedHeaders shuffled = new CachedHeaders(store, box, sparse);
            List<Long> order = new ArrayList<>();
            for (long uid : sparse) {
                order.add(uid);
            }
            Collections.shuffle(order, new Random(1));
            for (long uid : order) {
                assertThat(new String(shuffled.get(uid), StandardCharsets.US_ASCII)).isEqualTo(header((int) uid));
            }
            assertThat(shuffled.get(400)).isNotNull();

            // the message source gives the same bytes as the blob's start, and nothing for a stand-in
            MessageSource source = inOrder.source();
            MessageMeta first = messages.getFirst();
            try (InputStream in = source.open(first)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(header(1));
            }
            MessageMeta standIn = new MessageMeta(box, 3, 0, Set.of(), Instant.EPOCH, 0, null, "NIL", "NIL", "NIL",
                    0, 0);
            try (InputStream in = source.open(standIn)) {
                assertThat(in.readAllBytes()).isEmpty();
            }
        }
    }
}
