package org.mailslot.core.mime;

import java.util.List;

/**
 * The IMAP views of one message, computed once at append and cached by the store.
 *
 * @param envelope      the ENVELOPE list (RFC 9051 section 7.5.2), e.g. {@code ("date" "subject" ...)}
 * @param body          the BODY list: BODYSTRUCTURE without extension data
 * @param bodyStructure the BODYSTRUCTURE list with extension data (MD5, disposition, language, location)
 * @param threadIds     the msg-ids of the top-level Message-ID, In-Reply-To and References that place the message in
 *                      a thread ({@link MessageIds#forThreading}), own id first when there is one
 */
public record MessageIndex(String envelope, String body, String bodyStructure, List<String> threadIds) {
    public MessageIndex {
        threadIds = List.copyOf(threadIds);
    }
}
