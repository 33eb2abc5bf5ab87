package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.TransferDecoding;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;

import org.mailslot.protocols.imap.parse.Partial;
import org.mailslot.protocols.imap.parse.Section;

/**
 * The bytes of {@code BODY[section]<partial>} (RFC 9051 6.4.5, 7.5.2) and {@code BINARY[part]<partial>} (RFC 3516)
 * of one message. Map the message once ({@link #map}), then ask for any number of sections: results are slices of the
 * message except HEADER.FIELDS(.NOT) and decoded BINARY, which are built. Stateless and thread-safe; never throws on
 * content.
 *
 * <p>Choices where the RFCs leave room: a part that does not exist, and HEADER/TEXT/HEADER.FIELDS after a part that
 * is not message/rfc822, give the empty string. {@code BINARY[]} (no part) is the whole message as stored: a message
 * as a whole has no transfer encoding.
 */
public final class FetchRenderer {
    private final MessageSettings settings;

    public FetchRenderer(MessageSettings settings) {
        this.settings = settings;
    }

    /** Maps a message once for any number of sections; {@code raw} is kept, not copied. */
    public PartMap map(byte[] raw) {
        return PartMap.of(raw, settings.maxNesting());
    }

    /** BODY[section]&lt;partial&gt;; {@code partial} may be null. Missing parts give {@link Slice#EMPTY}. */
    public Slice section(PartMap map, Section section, Partial partial) {
        return extract(map, section).partial(partial);
    }

    /** BINARY[part]&lt;partial&gt;; {@code partial} may be null. For BINARY.SIZE pass null and take the length. */
    public BinaryResult binary(PartMap map, List<Integer> part, Partial partial) {
        byte[] raw = map.raw();
        if (part.isEmpty()) {
            return new BinaryResult.Decoded(new Slice(raw, 0, raw.length).partial(partial));
        }
        PartMap.Entity e = map.find(part);
        if (e == null) {
            return new BinaryResult.NoSuchPart();
        }
        TransferDecoding.Encoding enc = TransferDecoding.Encoding.of(e.encoding);
        if (enc == null) {
            return new BinaryResult.UnknownEncoding(e.encoding.toLowerCase(Locale.ROOT));
        }
        int from = e.bodyStart();
        Slice decoded = switch (enc) {
            case IDENTITY -> new Slice(raw, from, e.end - from);
            case BASE64 -> Slice.of(TransferDecoding.base64(raw, from, e.end));
            case QUOTED_PRINTABLE -> Slice.of(TransferDecoding.quotedPrintable(raw, from, e.end));
        };
        return new BinaryResult.Decoded(decoded.partial(partial));
    }

    private Slice extract(PartMap map, Section section) {
        byte[] raw = map.raw();
        PartMap.Entity target;
        if (section.part().isEmpty()) {
            target = map.root();
            if (section.text() == Section.SectionText.NONE) {
                return new Slice(raw, 0, raw.length);
            }
            if (section.text() == Section.SectionText.MIME) {
                return Slice.EMPTY; // the grammar forbids MIME without a part
            }
        } else {
            PartMap.Entity part = map.find(section.part());
            if (part == null) {
                return Slice.EMPTY;
            }
            switch (section.text()) {
                case NONE -> {
                    return span(raw, part.bodyStart(), part.end);
                }
                case MIME -> {
                    return span(raw, part.start, part.bodyStart());
                }
                default -> {
                    if (part.message == null) {
                        return Slice.EMPTY;
                    }
                    target = part.message;
                }
            }
        }
        HeaderBlock h = target.header;
        return switch (section.text()) {
            case HEADER -> span(raw, target.start, target.bodyStart());
            case TEXT -> span(raw, target.bodyStart(), target.end);
            case HEADER_FIELDS -> fields(raw, target, section.fields(), true);
            case HEADER_FIELDS_NOT -> fields(raw, target, section.fields(), false);
            case NONE, MIME -> throw new IllegalStateException("handled above: " + section.text() + h);
        };
    }

    private static Slice span(byte[] raw, int from, int to) {
        return new Slice(raw, from, to - from);
    }

    /** The matching (or non-matching) fields with their folded lines as written, then the blank line. */
    private static Slice fields(byte[] raw, PartMap.Entity e, List<String> names, boolean include) {
        HeaderBlock h = e.header;
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        for (HeaderBlock.Field f : h.fields()) {
            if (matches(f.name(), names) == include) {
                out.write(raw, f.start(), f.end() - f.start());
                if (f.end() > f.start() && raw[f.end() - 1] != '\n') {
                    out.writeBytes(CRLF); // last field of a message with no line break at its end
                }
            }
        }
        if (h.hasBlankLine()) {
            out.write(raw, h.fieldsEnd(), h.bodyStart() - h.fieldsEnd());
        } else if (h.bodyStart() < e.end) {
            out.writeBytes(CRLF); // a body without the blank line before it: the RFC still wants one
        }
        return Slice.of(out.toByteArray());
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private static boolean matches(String lowerName, List<String> names) {
        for (String n : names) {
            if (n.equalsIgnoreCase(lowerName)) {
                return true;
            }
        }
        return false;
    }
}
