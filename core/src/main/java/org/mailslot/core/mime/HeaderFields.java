package org.mailslot.core.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.util.ByteSequence;

/** The header fields of one entity, values unfolded and decoded from raw bytes (UTF-8, else Latin-1). */
final class HeaderFields {
    private record Entry(String name, String value) {}

    private final List<Entry> entries = new ArrayList<>();

    void add(Field field) {
        String name = field.getName() == null ? "" : field.getName().trim().toLowerCase(Locale.ROOT);
        entries.add(new Entry(name, valueOf(field)));
    }

    /** The first field of this name, or null. */
    String first(String lowerCaseName) {
        for (Entry e : entries) {
            if (e.name.equals(lowerCaseName)) {
                return e.value;
            }
        }
        return null;
    }

    private static String valueOf(Field field) {
        ByteSequence raw = field.getRaw();
        String text;
        if (raw != null) {
            text = decode(raw.toByteArray());
            int colon = text.indexOf(':');
            text = colon >= 0 ? text.substring(colon + 1) : "";
        } else {
            text = field.getBody() == null ? "" : field.getBody();
        }
        return clean(text);
    }

    /** Unfolds (drops CRLF before white space), trims, and replaces NUL which no IMAP string may carry. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                int next = i + 1;
                while (next < text.length() && (text.charAt(next) == '\r' || text.charAt(next) == '\n')) {
                    next++;
                }
                if (next < text.length() && (text.charAt(next) == ' ' || text.charAt(next) == '\t')) {
                    i = next - 1; // folding: keep the white space that follows
                    continue;
                }
                sb.append(c); // a bare line break that is not folding: kept, forces a literal
            } else if (c == 0) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString().strip();
    }

    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1); // legacy 8-bit headers
        }
    }
}
