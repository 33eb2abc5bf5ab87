package org.mailslot.protocols.smtp.inbound;

import org.mailslot.store.MessageContent;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The top-level header fields of a message, in order, each with its byte range in the content (so that a field can
 * be left out when the message is passed on) and its unfolded value. Reads up to the empty line that ends the
 * header, or to the end of a message without a body.
 *
 * <p>Bounded: at most {@link #MAX_FIELDS} fields are listed (later ones are neither checked nor removed) and at most
 * {@link #MAX_VALUE} characters of a value are kept.
 */
public final class HeaderFields {
    static final int MAX_FIELDS = 2000;
    static final int MAX_VALUE = 16 * 1024;

    /**
     * One field: {@code name} as written (null for a line that is not a field, such as an mbox "From " line),
     * {@code start}..{@code end} its octets including the final line ending, {@code value} unfolded and trimmed.
     */
    public record Field(String name, long start, long end, String value) {
        public boolean is(String other) {
            return name != null && name.equalsIgnoreCase(other);
        }

        boolean startsWith(String prefix) {
            return name != null && name.toLowerCase(Locale.ROOT).startsWith(prefix.toLowerCase(Locale.ROOT));
        }
    }

    private HeaderFields() {}

    /** The message's header fields (see the class comment for the bounds). */
    public static List<Field> read(MessageContent content) throws IOException {
        try (InputStream in = new BufferedInputStream(content.open(), 16 * 1024)) {
            return read(in);
        }
    }

    static List<Field> read(InputStream in) throws IOException {
        List<Field> fields = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        long fieldStart = 0;
        long pos = 0;
        boolean atLineStart = true;
        boolean inField = false;
        int b;
        while ((b = in.read()) != -1) {
            if (atLineStart) {
                boolean continuation = b == ' ' || b == '\t';
                if (!continuation) {
                    if (inField) {
                        fields.add(field(current, fieldStart, pos));
                        current.reset();
                        inField = false;
                        if (fields.size() >= MAX_FIELDS) {
                            return fields;
                        }
                    }
                    if (b == '\r' || b == '\n') {
                        return fields; // the empty line: end of the header
                    }
                    fieldStart = pos;
                    inField = true;
                }
            }
            pos++;
            atLineStart = b == '\n';
            if (inField && current.size() < MAX_VALUE + 1024) {
                current.write(b);
            }
        }
        if (inField) {
            fields.add(field(current, fieldStart, pos));
        }
        return fields;
    }

    private static Field field(ByteArrayOutputStream raw, long start, long end) {
        String text = raw.toString(StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        // RFC 5322 2.2: printable US-ASCII without space; obsolete syntax (4.5.8) allows space before the colon
        String name = colon > 0 ? text.substring(0, colon).stripTrailing() : null;
        if (name != null && (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127))) {
            name = null;
        }
        String value = name == null ? text : text.substring(colon + 1);
        value = value.replaceAll("\r?\n", "").strip();
        if (value.length() > MAX_VALUE) {
            value = value.substring(0, MAX_VALUE);
        }
        return new Field(name, start, end, value);
    }
}
