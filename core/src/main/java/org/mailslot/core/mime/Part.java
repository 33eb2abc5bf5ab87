package org.mailslot.core.mime;

import java.util.List;

/** The parsed shape of one MIME entity, rendered as BODY and BODYSTRUCTURE. */
sealed interface Part {

    /** The MIME header values that BODYSTRUCTURE reports for any part. */
    record Info(String type, String subtype, List<ContentValue.Param> params, String id, String description,
                String encoding, ContentValue disposition, List<String> languages, String location) {}

    Info info();

    /** A single part with a body of {@code size} octets and {@code lines} text lines. */
    record Leaf(Info info, long size, long lines) implements Part {}

    /** A message/rfc822 part: the encapsulated message's envelope and structure. */
    record Message(Info info, long size, long lines, String envelope, Part body) implements Part {}

    /** A multipart with at least one child. */
    record Multi(Info info, List<Part> children) implements Part {}
}
