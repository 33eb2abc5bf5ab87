package org.mailslot.protocols.imap.message;

/**
 * Limits of the message semantics.
 *
 * @param maxNesting     {@code imap.mime-max-nesting}: multipart / message/rfc822 levels mapped; deeper levels are
 *                       opaque (default 32, the indexer's, so part numbers agree with BODYSTRUCTURE; 1..100)
 * @param maxHeaderBytes {@code imap.search-header-bytes}: octets of a message read to find its header for SEARCH
 *                       HEADER/FROM/..., SORT and THREAD (default 256 KiB, 1 KiB..16 MiB); a longer header is cut
 */
public record MessageSettings(int maxNesting, int maxHeaderBytes) {
    public static final int DEFAULT_MAX_NESTING = 32;
    public static final int DEFAULT_MAX_HEADER_BYTES = 256 * 1024;

    public MessageSettings {
        if (maxNesting < 1 || maxNesting > 100) {
            throw new IllegalArgumentException("imap.mime-max-nesting must be 1..100, got " + maxNesting);
        }
        if (maxHeaderBytes < 1024 || maxHeaderBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("imap.search-header-bytes must be 1024..16777216, got "
                    + maxHeaderBytes);
        }
    }

    public static MessageSettings defaults() {
        return new MessageSettings(DEFAULT_MAX_NESTING, DEFAULT_MAX_HEADER_BYTES);
    }
}
