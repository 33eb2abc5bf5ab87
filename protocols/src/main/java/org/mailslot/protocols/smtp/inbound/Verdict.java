package org.mailslot.protocols.smtp.inbound;

import org.mailslot.store.MessageContent;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * What the inbound checks decided about one message.
 *
 * @param headers   header fields to put on top of the message, each with its CRLF: X-Spam-* (when spamd scored it
 *                  or it goes to Junk) and Authentication-Results
 * @param removed   the received header fields to leave out: Authentication-Results claiming our authserv-id and
 *                  every X-Spam-* field (a sender must not vouch for itself or pick its folder)
 * @param junk      file into the recipients' Junk mailbox (the headers then start with {@code X-Spam-Flag: YES},
 *                  which is what the store files by)
 * @param rejection refuse the message instead (DMARC p=reject with inbound.dmarc-reject)
 * @param summary   one line for the log: {@code spf=pass dkim=pass dmarc=pass spam=1.2/5.0}
 */
public record Verdict(List<String> headers, List<Removed> removed, boolean junk, Optional<Rejection> rejection,
                      String summary) {

    public Verdict {
        headers = List.copyOf(headers);
        removed = List.copyOf(removed);
    }

    /** One received header field left out: its name and octets start..end of the content checked. */
    public record Removed(String name, long start, long end) {}

    /** An SMTP refusal: {@code code} (550), enhanced {@code status} (5.7.1) and text. */
    public record Rejection(int code, String status, String text) {}

    /** The message to deliver: our fields, then {@code checked} without the removed fields. */
    public MessageContent applyTo(MessageContent checked) {
        if (headers.isEmpty() && removed.isEmpty()) {
            return checked;
        }
        return new RewrittenContent(String.join("", headers).getBytes(StandardCharsets.UTF_8), checked, removed);
    }
}
