package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.TransferDecoding;
import org.mailslot.core.mime.HeaderDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header of one entity as byte ranges of the message: each field from its name to the end of its last folded
 * line (line break included), where the fields end, and where the body starts.
 *
 * <p>Like mime4j with {@code malformedHeaderStartsBody}, a line that is neither a field nor a folded continuation
 * ends the header and starts the body (so {@code fieldsEnd == bodyStart}, no blank line).
 */
final class HeaderBlock {

    /** One field: name lower-cased; {@code [start, end)} is the whole field with its line break(s). */
    record Field(String name, int start, int valueStart, int end) {}

    private final byte[] raw;
    private final List<Field> fields;
    private final int fieldsEnd;
    private final int bodyStart;

    private HeaderBlock(byte[] raw, List<Field> fields, int fieldsEnd, int bodyStart) {
        this.raw = raw;
        this.fields = fields;
        this.fieldsEnd = fieldsEnd;
        this.bodyStart = bodyStart;
    }

    static HeaderBlock parse(byte[] b, int start, int end) {
        List<Field> fields = new ArrayList<>(16);
        int pos = start;
        String name = null;
        int fieldStart = 0;
        int valueStart = 0;
        while (pos < end) {
            int lineEnd = lineEnd(b, pos, end);
            int contentEnd = contentEnd(b, pos, lineEnd);
            if (contentEnd == pos) { // the blank line
                if (name != null) {
                    fields.add(new Field(name, fieldStart, valueStart, pos));
                }
                return new HeaderBlock(b, fields, pos, lineEnd);
            }
            byte c = b[pos];
            if ((c == ' ' || c == '\t') && name != null) {
                pos = lineEnd; // folded continuation of the current field
                continue;
            }
            int colon = fieldNameEnd(b, pos, contentEnd);
            if (colon < 0) { // malformed: the body starts here
                if (name != null) {
                    fields.add(new Field(name, fieldStart, valueStart, pos));
                }
                return new HeaderBlock(b, fields, pos, pos);
            }
            if (name != null) {
                fields.add(new Field(name, fieldStart, valueStart, pos));
            }
            int nameStart = pos;
            while (blank(b[nameStart])) {
                nameStart++;
            }
            int nameEnd = colon;
            while (blank(b[nameEnd - 1])) {
                nameEnd--;
            }
            name = new String(b, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            fieldStart = pos;
            valueStart = colon + 1;
            pos = lineEnd;
        }
        if (name != null) {
            fields.add(new Field(name, fieldStart, valueStart, end));
        }
        return new HeaderBlock(b, fields, end, end);
    }

    /** Index after the line's LF, or {@code end}. */
    static int lineEnd(byte[] b, int pos, int end) {
        return TransferDecoding.lineEnd(b, pos, end);
    }

    /** The line without its CRLF or LF. */
    static int contentEnd(byte[] b, int pos, int lineEnd) {
        return TransferDecoding.contentEnd(b, pos, lineEnd);
    }

    /**
     * The colon's index if the line starts with a field name: the bytes before the colon, blanks (SP, HT, CR) trimmed
     * on both sides, non-empty and without a blank inside. Other control bytes are tolerated. This is how mime4j
     * reads a field, so the header ends where the indexer saw it end.
     */
    private static int fieldNameEnd(byte[] b, int pos, int contentEnd) {
        int colon = -1;
        for (int i = pos; i < contentEnd; i++) {
            if (b[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            return -1;
        }
        int from = pos;
        int to = colon;
        while (from < to && blank(b[from])) {
            from++;
        }
        while (to > from && blank(b[to - 1])) {
            to--;
        }
        if (from == to) {
            return -1;
        }
        for (int i = from; i < to; i++) {
            if (blank(b[i])) {
                return -1;
            }
        }
        return colon;
    }

    private static boolean blank(byte c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    List<Field> fields() {
        return fields;
    }

    /** Where the fields end: the start of the blank line, or of the first body line when there is none. */
    int fieldsEnd() {
        return fieldsEnd;
    }

    int bodyStart() {
        return bodyStart;
    }

    boolean hasBlankLine() {
        return bodyStart > fieldsEnd;
    }

    /** The first field of that (lower-case) name, value unfolded and trimmed, 8-bit as UTF-8 or else Latin-1. */
    String first(String lowerName) {
        for (Field f : fields) {
            if (f.name.equals(lowerName)) {
                return value(f);
            }
        }
        return null;
    }

    /** Every field of that (lower-case) name, in order. */
    List<String> all(String lowerName) {
        List<String> out = new ArrayList<>(1);
        for (Field f : fields) {
            if (f.name.equals(lowerName)) {
                out.add(value(f));
            }
        }
        return out;
    }

    String value(Field f) {
        return HeaderDecoder.unfold(HeaderDecoder.text(raw, f.valueStart, f.end));
    }

    /** The value as Latin-1 (one char per byte): for structural fields such as a multipart boundary. */
    String latin1(Field f) {
        return HeaderDecoder.unfold(new String(raw, f.valueStart, f.end - f.valueStart, StandardCharsets.ISO_8859_1));
    }

    Field firstField(String lowerName) {
        for (Field f : fields) {
            if (f.name.equals(lowerName)) {
                return f;
            }
        }
        return null;
    }
}
