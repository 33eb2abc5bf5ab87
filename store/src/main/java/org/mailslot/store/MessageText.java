package org.mailslot.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.mailslot.core.mime.HeaderDecoder;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.apache.james.mime4j.util.ByteSequence;

/**
 * The searchable text of a message, decoded: {@code headers} (the top-level header and every MIME part header,
 * unfolded, encoded words decoded — what SEARCH TEXT adds) and {@code body} (every text part decoded from
 * base64/quoted-printable and its charset, plus the headers of attached messages — what SEARCH BODY sees).
 * Non-text parts (images, attachments) are skipped. Both are case-folded with {@link #fold}. Never fails on
 * content: malformed MIME yields whatever text was read.
 */
record MessageText(String headers, String body, boolean truncated) {
    private static final MimeConfig CONFIG = new MimeConfig.Builder()
            .setMaxLineLen(-1).setMaxHeaderCount(-1).setMaxHeaderLen(-1).setMaxContentLen(-1)
            .setMalformedHeaderStartsBody(true).setStrictParsing(false).build();

    /** The case folding applied to indexed text and to the needle alike. */
    static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Reads the whole message (the stream is not closed); keeps at most {@code maxChars} of text in all. */
    static MessageText extract(InputStream raw, int maxChars) throws IOException {
        Builder b = new Builder(maxChars);
        MimeTokenStream tokens = new MimeTokenStream(CONFIG);
        tokens.setRecursionMode(RecursionMode.M_RECURSE);
        tokens.parse(raw);
        Deque<Boolean> entities = new ArrayDeque<>(); // true: a message, false: a body part
        int messages = 0;
        try {
            for (EntityState s = tokens.getState(); s != EntityState.T_END_OF_STREAM && !b.full(); s = tokens.next()) {
                switch (s) {
                    case T_START_MESSAGE -> {
                        entities.push(true);
                        messages++;
                    }
                    case T_END_MESSAGE -> {
                        if (!entities.isEmpty() && entities.pop()) {
                            messages--;
                        }
                    }
                    case T_START_BODYPART -> entities.push(false);
                    case T_END_BODYPART -> entities.poll();
                    case T_FIELD -> {
                        boolean inMessageHeader = entities.isEmpty() || entities.peek();
                        String line = fieldText(tokens.getField());
                        if (inMessageHeader && messages > 1) {
                            b.body(line); // the header of an attached message is part of the outer body
                        } else {
                            b.header(line);
                        }
                    }
                    case T_BODY -> body(b, tokens.getBodyDescriptor(), tokens.getDecodedInputStream());
                    default -> {
                        // structure only
                    }
                }
            }
        } catch (MimeException | RuntimeException e) {
            // malformed beyond what lenient parsing absorbs: keep the text read so far
        }
        return new MessageText(fold(b.headers.toString()), fold(b.body.toString()), b.full());
    }

    private static void body(Builder b, BodyDescriptor d, InputStream decoded) throws IOException {
        String type = d.getMimeType() == null ? "text/plain" : d.getMimeType().toLowerCase(Locale.ROOT);
        if (!type.startsWith("text/") && !type.startsWith("message/")) {
            return; // binary content is not text a user searches for
        }
        String declared = d.getCharset();
        Charset cs = charset(declared);
        if (cs == null) { // none, us-ascii or unknown: UTF-8 when it is valid, else Latin-1 (legacy 8-bit mail)
            byte[] bytes = decoded.readNBytes(b.room() * 4 + 4);
            b.body(HeaderDecoder.text(bytes, 0, bytes.length)); // UTF-8 when valid, else Latin-1
            return;
        }
        try (Reader r = new InputStreamReader(decoded, cs.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE))) {
            char[] buf = new char[8192];
            for (int n; !b.full() && (n = r.read(buf, 0, Math.min(buf.length, b.room() + 1))) >= 0; ) {
                b.body(new String(buf, 0, n));
            }
        }
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            Charset cs = Charset.forName(name.trim());
            return cs.equals(StandardCharsets.US_ASCII) ? null : cs;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * "Name: value", the value decoded exactly as IMAP's header keys decode it ({@link HeaderDecoder}: raw 8-bit as
     * UTF-8 else Latin-1, unfolded, RFC 2047 words decoded), so SEARCH TEXT and SEARCH SUBJECT agree.
     */
    private static String fieldText(Field f) {
        ByteSequence raw = f.getRaw();
        if (raw == null) {
            return f.getName() + ": " + HeaderDecoder.decode(f.getBody()) + "\n";
        }
        byte[] b = raw.toByteArray();
        int colon = 0;
        while (colon < b.length && b[colon] != ':') {
            colon++;
        }
        return f.getName() + ": " + HeaderDecoder.decodeWords(HeaderDecoder.unfold(
                HeaderDecoder.text(b, Math.min(colon + 1, b.length), b.length))) + "\n";
    }

    private static final class Builder {
        final StringBuilder headers = new StringBuilder();
        final StringBuilder body = new StringBuilder();
        final int max;

        Builder(int max) {
            this.max = max;
        }

        int room() {
            return Math.max(0, max - headers.length() - body.length());
        }

        boolean full() {
            return headers.length() + body.length() > max;
        }

        void header(String s) {
            append(headers, s);
        }

        void body(String s) {
            append(body, s);
        }

        /** Appends up to one char past the limit, so that {@link #full} tells text was cut. */
        private void append(StringBuilder sb, String s) {
            int room = room();
            sb.append(s, 0, Math.min(s.length(), room + 1));
        }
    }
}
