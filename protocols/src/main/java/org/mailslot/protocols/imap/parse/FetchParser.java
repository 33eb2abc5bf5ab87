package org.mailslot.protocols.imap.parse;

import java.util.ArrayList;
import java.util.List;

/** FETCH attributes (RFC 9051 6.4.5, BINARY, CONDSTORE, OBJECTID) and the macros ALL / FAST / FULL. */
final class FetchParser {
    private FetchParser() {
    }

    /** "ALL" / "FULL" / "FAST" / fetch-att / "(" fetch-att *(SP fetch-att) ")". */
    static List<FetchAttribute> attributes(Cursor c) {
        List<FetchAttribute> out = new ArrayList<>(8);
        if (c.tryChar('(')) {
            do {
                out.add(attribute(c));
            } while (c.trySp());
            c.expect(')');
            return out;
        }
        if (c.tryKeyword("ALL")) {
            out.addAll(List.of(new FetchAttribute.Flags(), new FetchAttribute.InternalDate(), new FetchAttribute.Rfc822Size(),
                    new FetchAttribute.Envelope()));
        } else if (c.tryKeyword("FAST")) {
            out.addAll(List.of(new FetchAttribute.Flags(), new FetchAttribute.InternalDate(), new FetchAttribute.Rfc822Size()));
        } else if (c.tryKeyword("FULL")) {
            out.addAll(List.of(new FetchAttribute.Flags(), new FetchAttribute.InternalDate(), new FetchAttribute.Rfc822Size(),
                    new FetchAttribute.Envelope(), new FetchAttribute.Body()));
        } else {
            out.add(attribute(c));
        }
        return out;
    }

    static FetchAttribute attribute(Cursor c) {
        String name = c.nameUpper();
        return switch (name) {
            case "FLAGS" -> new FetchAttribute.Flags();
            case "INTERNALDATE" -> new FetchAttribute.InternalDate();
            case "RFC822.SIZE" -> new FetchAttribute.Rfc822Size();
            case "ENVELOPE" -> new FetchAttribute.Envelope();
            case "BODYSTRUCTURE" -> new FetchAttribute.BodyStructure();
            case "UID" -> new FetchAttribute.Uid();
            case "MODSEQ" -> new FetchAttribute.ModSeq();
            case "EMAILID" -> new FetchAttribute.EmailId();
            case "THREADID" -> new FetchAttribute.ThreadId();
            case "RFC822" -> new FetchAttribute.BodySection(new Section(List.of(), Section.SectionText.NONE, null), false, null, "RFC822");
            case "RFC822.HEADER" -> new FetchAttribute.BodySection(new Section(List.of(), Section.SectionText.HEADER, null), true, null, "RFC822.HEADER");
            case "RFC822.TEXT" -> new FetchAttribute.BodySection(new Section(List.of(), Section.SectionText.TEXT, null), false, null, "RFC822.TEXT");
            case "BODY" -> c.peek() == '[' ? new FetchAttribute.BodySection(section(c), false, partial(c), null) : new FetchAttribute.Body();
            case "BODY.PEEK" -> new FetchAttribute.BodySection(section(c), true, partial(c), null);
            case "BINARY" -> new FetchAttribute.Binary(binarySection(c), false, partial(c));
            case "BINARY.PEEK" -> new FetchAttribute.Binary(binarySection(c), true, partial(c));
            case "BINARY.SIZE" -> new FetchAttribute.BinarySize(binarySection(c));
            default -> throw new Syntax("Unknown fetch attribute " + name);
        };
    }

    /** section = "[" [section-spec] "]". */
    static Section section(Cursor c) {
        c.expect('[');
        if (c.tryChar(']')) return new Section(List.of(), Section.SectionText.NONE, null);
        List<Integer> part = new ArrayList<>(2);
        Section.SectionText text = Section.SectionText.NONE;
        List<String> fields = null;
        if (c.peek() >= '0' && c.peek() <= '9') {
            part.add(partNumber(c));
            while (c.peek() == '.' && c.peek(1) >= '0' && c.peek(1) <= '9') {
                c.expect('.');
                part.add(partNumber(c));
            }
            if (c.tryChar('.')) text = sectionText(c, true);
        } else {
            text = sectionText(c, false);
        }
        if (text == Section.SectionText.HEADER_FIELDS || text == Section.SectionText.HEADER_FIELDS_NOT) {
            c.sp();
            fields = headerList(c);
        }
        c.expect(']');
        return new Section(part, text, fields);
    }

    private static Section.SectionText sectionText(Cursor c, boolean afterPart) {
        String t = c.nameUpper();
        return switch (t) {
            case "HEADER" -> Section.SectionText.HEADER;
            case "HEADER.FIELDS" -> Section.SectionText.HEADER_FIELDS;
            case "HEADER.FIELDS.NOT" -> Section.SectionText.HEADER_FIELDS_NOT;
            case "TEXT" -> Section.SectionText.TEXT;
            case "MIME" -> {
                if (!afterPart) throw new Syntax("MIME needs a part number");
                yield Section.SectionText.MIME;
            }
            default -> throw new Syntax("Invalid section " + t);
        };
    }

    private static List<String> headerList(Cursor c) {
        c.expect('(');
        List<String> fields = new ArrayList<>(4);
        do {
            String f = Cursor.utf8(c.astringBytes());
            if (f.isEmpty()) throw new Syntax("Empty header field name");
            fields.add(Args.upper(f));
        } while (c.trySp());
        c.expect(')');
        return fields;
    }

    private static int partNumber(Cursor c) {
        long n = c.nzNumber32();
        if (n > Integer.MAX_VALUE) throw new Syntax("Part number too large");
        return (int) n;
    }

    /** section-binary = "[" [section-part] "]". */
    private static List<Integer> binarySection(Cursor c) {
        c.expect('[');
        List<Integer> part = new ArrayList<>(2);
        if (c.tryChar(']')) return part;
        do {
            part.add(partNumber(c));
        } while (c.tryChar('.'));
        c.expect(']');
        return part;
    }

    /** partial = "<" number "." nz-number ">", or nothing. */
    private static Partial partial(Cursor c) {
        if (!c.tryChar('<')) return null;
        long offset = c.number32();
        c.expect('.');
        long length = c.nzNumber32();
        c.expect('>');
        return new Partial(offset, length);
    }
}
