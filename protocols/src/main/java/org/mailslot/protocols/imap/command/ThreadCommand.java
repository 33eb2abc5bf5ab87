package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.message.ThreadAlgorithm;
import org.mailslot.protocols.imap.message.ThreadNode;
import org.mailslot.protocols.imap.message.Threader;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.store.MessageMeta;

import java.io.IOException;
import java.util.List;

/**
 * THREAD and UID THREAD (RFC 5256: ORDEREDSUBJECT and REFERENCES) over the messages a search key matches, built by
 * the message package's {@link Threader}. An empty result is a bare "* THREAD".
 */
public final class ThreadCommand {
    private ThreadCommand() {}

    public static void run(ImapSession s, ImapRequest.Thread r) throws IOException {
        SearchMatches found = SearchMatches.of(s, r.key(), true);
        ThreadAlgorithm algorithm = ThreadAlgorithm.valueOf(r.algorithm().name());
        List<ThreadNode> threads = new Threader(s.settings().message(), found.source())
                .thread(found.view(), found.sequences(), algorithm);
        List<MessageMeta> view = found.view();
        String data = r.uid() ? ThreadNode.toWire(threads, seq -> view.get(seq - 1).uid()) : ThreadNode.toWire(threads);
        s.out().start().atom("THREAD");
        if (!data.isEmpty()) {
            s.out().raw(data);
        }
        s.out().end();
        s.ok(r.tag(), null, "THREAD completed");
    }
}
