package org.mailslot.protocols.imap.message;

/** What BINARY[part] (RFC 3516) gives for one message. */
public sealed interface BinaryResult {

    /** The decoded content; BINARY.SIZE is {@code bytes().length()}. May hold NUL and 8-bit bytes (use literal8). */
    record Decoded(Slice bytes) implements BinaryResult {}

    /** The part's Content-Transfer-Encoding cannot be undone: the session answers {@code NO [UNKNOWN-CTE]}. */
    record UnknownEncoding(String encoding) implements BinaryResult {}

    /**
     * The part does not exist. RFC 3516 does not say; like BODY[] of a missing part (RFC 9051 6.4.5) the session
     * should answer with an empty string rather than fail the whole FETCH.
     */
    record NoSuchPart() implements BinaryResult {}
}
