package org.mailslot.protocols.delivery;

import org.mailslot.store.MessageContent;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether a message carries the MX's "file into Junk" mark: {@code X-Spam-Flag: YES} among the trace fields on top
 * of its header ({@code Received}, {@code Return-Path}, {@code Authentication-Results}, {@code X-Spam-*}), above
 * the first field the sender wrote. The MX puts it there (org.mailslot.protocols.smtp.inbound) after removing every
 * X-Spam-* field the sender sent, so a sender can neither file itself into Junk nor out of it; an LMTP client in
 * front of a store node is trusted like our MX. Reads at most {@link #MAX_OCTETS} of the header.
 */
final class JunkMark {
    static final int MAX_OCTETS = 64 * 1024;

    private JunkMark() {}

    static boolean present(MessageContent content) {
        try (InputStream in = new BufferedInputStream(content.open(), 8192)) {
            return present(in);
        } catch (IOException e) {
            return false; // the delivery reads the content again and reports the failure
        }
    }

    static boolean present(InputStream in) throws IOException {
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        int read = 0;
        int b;
        boolean lineStart = true;
        while ((b = in.read()) != -1 && read++ < MAX_OCTETS) {
            if (lineStart && b != ' ' && b != '\t' && field.size() > 0) {
                switch (judge(field.toString(StandardCharsets.ISO_8859_1))) {
                    case JUNK -> {
                        return true;
                    }
                    case END -> {
                        return false;
                    }
                    case TRACE -> field.reset();
                }
            }
            if (lineStart && (b == '\r' || b == '\n')) {
                return false; // the end of the header
            }
            lineStart = b == '\n';
            field.write(b);
        }
        return field.size() > 0 && read <= MAX_OCTETS && judge(field.toString(StandardCharsets.ISO_8859_1)) == Verdict.JUNK;
    }

    private enum Verdict { JUNK, TRACE, END }

    private static Verdict judge(String field) {
        int colon = field.indexOf(':');
        if (colon <= 0) {
            return Verdict.END;
        }
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (name.equals("x-spam-flag")) {
            return field.substring(colon + 1).strip().equalsIgnoreCase("YES") ? Verdict.JUNK : Verdict.TRACE;
        }
        boolean trace = name.equals("received") || name.equals("return-path") || name.equals("authentication-results")
                || name.startsWith("x-spam-");
        return trace ? Verdict.TRACE : Verdict.END;
    }
}
