package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.ContentValue;

/**
 * The parts of a Content-Type value that structure depends on: type, subtype (lower-case), boundary and charset.
 * Parsed the way core's indexer reads it (comments skipped, quotes removed), so part numbers agree with the cached
 * BODYSTRUCTURE.
 */
record ContentType(String type, String subtype, String boundary, String charset) {
    static final ContentType TEXT_PLAIN = new ContentType("text", "plain", null, "us-ascii");
    static final ContentType MESSAGE_RFC822 = new ContentType("message", "rfc822", null, null);

    boolean is(String t, String s) {
        return type.equals(t) && subtype.equals(s);
    }

    /** null or an invalid type gives the default (message/rfc822 inside a multipart/digest). */
    static ContentType parse(String value, boolean inDigest) {
        ContentType fallback = inDigest ? MESSAGE_RFC822 : TEXT_PLAIN;
        if (value == null) {
            return fallback;
        }
        ContentValue parsed = ContentValue.parse(value); // the indexer's own reading, so part numbers agree
        String t = parsed.token();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
            return fallback;
        }
        return new ContentType(t.substring(0, slash), t.substring(slash + 1), parsed.param("boundary"), parsed.param("charset"));
    }
}
