package org.mailslot.protocols.imap.parse;

import java.util.List;
import java.util.Objects;

/** What FETCH asks for (RFC 9051 6.4.5); macros ALL/FAST/FULL are expanded by the parser. */
public sealed interface FetchAttribute {
    record Flags() implements FetchAttribute {}
    record InternalDate() implements FetchAttribute {}
    record Rfc822Size() implements FetchAttribute {}
    record Envelope() implements FetchAttribute {}
    /** BODY (non-extensible structure). */
    record Body() implements FetchAttribute {}
    record BodyStructure() implements FetchAttribute {}
    record Uid() implements FetchAttribute {}
    record ModSeq() implements FetchAttribute {}
    record EmailId() implements FetchAttribute {}
    record ThreadId() implements FetchAttribute {}

    /**
     * BODY[section]&lt;partial&gt;, BODY.PEEK[...], and RFC822 (= BODY[]), RFC822.HEADER (= BODY.PEEK[HEADER]),
     * RFC822.TEXT (= BODY[TEXT]) with legacy=name to echo. partial and legacyName may be null.
     */
    record BodySection(Section section, boolean peek, Partial partial, String legacyName) implements FetchAttribute {
        public BodySection { Objects.requireNonNull(section, "section"); }
    }

    /** BINARY[part]&lt;partial&gt; / BINARY.PEEK (RFC 3516). partial may be null. */
    record Binary(List<Integer> part, boolean peek, Partial partial) implements FetchAttribute {
        public Binary { part = List.copyOf(part); }
    }

    record BinarySize(List<Integer> part) implements FetchAttribute {
        public BinarySize { part = List.copyOf(part); }
    }
}
