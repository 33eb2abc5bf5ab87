package org.mailslot.core.mime;

/** Renders the IMAP ENVELOPE of one set of header fields (RFC 9051 section 7.5.2). */
final class Envelope {
    private Envelope() {}

    static String render(HeaderFields h) {
        StringBuilder out = new StringBuilder(256);
        out.append('(');
        ImapStrings.nstring(out, h.first("date"));
        out.append(' ');
        ImapStrings.nstring(out, h.first("subject"));
        String from = h.first("from");
        out.append(' ');
        AddressList.render(out, from);
        out.append(' ');
        AddressList.render(out, orElse(h.first("sender"), from));
        out.append(' ');
        AddressList.render(out, orElse(h.first("reply-to"), from));
        out.append(' ');
        AddressList.render(out, h.first("to"));
        out.append(' ');
        AddressList.render(out, h.first("cc"));
        out.append(' ');
        AddressList.render(out, h.first("bcc"));
        out.append(' ');
        ImapStrings.nstring(out, h.first("in-reply-to"));
        out.append(' ');
        ImapStrings.nstring(out, h.first("message-id"));
        out.append(')');
        return out.toString();
    }

    /** Sender and Reply-To default to From when absent or empty, as the RFC requires of servers. */
    private static String orElse(String value, String fallback) {
        return value == null || AddressList.parse(value).isEmpty() ? fallback : value;
    }
}
