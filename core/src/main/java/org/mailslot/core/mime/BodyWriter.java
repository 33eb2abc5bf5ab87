package org.mailslot.core.mime;

import java.util.List;

/** Renders a {@link Part} tree as BODY (no extension data) or BODYSTRUCTURE (with it). */
final class BodyWriter {
    private BodyWriter() {}

    static String render(Part part, boolean extended) {
        StringBuilder out = new StringBuilder(256);
        write(out, part, extended);
        return out.toString();
    }

    private static void write(StringBuilder out, Part part, boolean ext) {
        out.append('(');
        switch (part) {
            case Part.Multi m -> {
                for (Part child : m.children()) {
                    write(out, child, ext);
                }
                out.append(' ');
                ImapStrings.string(out, m.info().subtype());
                if (ext) {
                    out.append(' ');
                    params(out, m.info().params());
                    extensionTail(out, m.info());
                }
            }
            case Part.Leaf l -> {
                fields(out, l.info(), l.size());
                if (l.info().type().equals("text")) {
                    out.append(' ').append(l.lines());
                }
                if (ext) {
                    out.append(" NIL");
                    extensionTail(out, l.info());
                }
            }
            case Part.Message m -> {
                fields(out, m.info(), m.size());
                out.append(' ').append(m.envelope()).append(' ');
                write(out, m.body(), ext);
                out.append(' ').append(m.lines());
                if (ext) {
                    out.append(" NIL");
                    extensionTail(out, m.info());
                }
            }
        }
        out.append(')');
    }

    private static void fields(StringBuilder out, Part.Info info, long size) {
        ImapStrings.string(out, info.type());
        out.append(' ');
        ImapStrings.string(out, info.subtype());
        out.append(' ');
        params(out, info.params());
        out.append(' ');
        ImapStrings.nstring(out, info.id());
        out.append(' ');
        ImapStrings.nstring(out, info.description());
        out.append(' ');
        ImapStrings.string(out, info.encoding());
        out.append(' ').append(size);
    }

    /** body-fld-dsp SP body-fld-lang SP body-fld-loc. */
    private static void extensionTail(StringBuilder out, Part.Info info) {
        out.append(' ');
        ContentValue dsp = info.disposition();
        if (dsp == null || dsp.token().isEmpty()) {
            out.append("NIL");
        } else {
            out.append('(');
            ImapStrings.string(out, dsp.token());
            out.append(' ');
            params(out, dsp.params());
            out.append(')');
        }
        out.append(' ');
        List<String> langs = info.languages();
        if (langs.isEmpty()) {
            out.append("NIL");
        } else if (langs.size() == 1) {
            ImapStrings.string(out, langs.getFirst());
        } else {
            out.append('(');
            for (int i = 0; i < langs.size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                ImapStrings.string(out, langs.get(i));
            }
            out.append(')');
        }
        out.append(' ');
        ImapStrings.nstring(out, info.location());
    }

    private static void params(StringBuilder out, List<ContentValue.Param> params) {
        if (params.isEmpty()) {
            out.append("NIL");
            return;
        }
        out.append('(');
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            ImapStrings.string(out, params.get(i).name());
            out.append(' ');
            ImapStrings.string(out, params.get(i).value());
        }
        out.append(')');
    }
}
