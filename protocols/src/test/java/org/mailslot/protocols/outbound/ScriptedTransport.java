package org.mailslot.protocols.outbound;

import org.mailslot.store.MessageContent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport for tests: each recipient's server answers what the test set for that address (accepting by default),
 * and every attempt is recorded with the bytes it carried.
 */
final class ScriptedTransport implements OutboundTransport {
    /** One call: the envelope and the message as read from the queue. */
    record Call(Envelope envelope, byte[] message) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final Map<String, RecipientResult.Status> answers = new ConcurrentHashMap<>();
    volatile RuntimeException failWith;

    void answer(String address, RecipientResult.Status status) {
        answers.put(address, status);
    }

    /** Every recipient that got the message, one entry per delivery. */
    List<String> delivered() {
        return List.copyOf(delivered);
    }

    @Override
    public List<RecipientResult> deliver(Envelope envelope, MessageContent content) {
        byte[] bytes;
        try (InputStream in = content.open()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length != content.size()) {
            throw new AssertionError("content size " + content.size() + " but " + bytes.length + " bytes");
        }
        calls.add(new Call(envelope, bytes));
        if (failWith != null) {
            throw failWith;
        }
        List<RecipientResult> out = new ArrayList<>();
        for (String r : envelope.recipients()) {
            RecipientResult.Status s = answers.getOrDefault(r, RecipientResult.Status.DELIVERED);
            if (s == RecipientResult.Status.DELIVERED) {
                delivered.add(r);
            }
            out.add(switch (s) {
                case DELIVERED -> new RecipientResult(r, s, 250, "2.0.0", "Ok: queued", "mx.example.org[192.0.2.1]");
                case TEMPORARY -> new RecipientResult(r, s, 451, "4.3.0", "Try again later", "mx.example.org[192.0.2.1]");
                case PERMANENT -> new RecipientResult(r, s, 550, "5.1.1", "<" + r + ">: Recipient address rejected",
                        "mx.example.org[192.0.2.1]");
            });
        }
        return out;
    }
}
