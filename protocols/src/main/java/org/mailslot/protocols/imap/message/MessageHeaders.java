package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.HeaderDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.mailslot.store.MessageMeta;

/**
 * The top-level header of one message, read from the start of its stored bytes (up to a limit) and decoded on
 * demand; decoded values are cached per field name for the life of this object.
 */
final class MessageHeaders {
    private final HeaderBlock block;
    private final Map<String, List<String>> decoded = new HashMap<>();

    private MessageHeaders(HeaderBlock block) {
        this.block = block;
    }

    static MessageHeaders parse(byte[] raw) {
        return new MessageHeaders(HeaderBlock.parse(raw, 0, raw.length));
    }

    /** Reads the header of {@code m}; a storage failure is a server fault, not a non-match. */
    static MessageHeaders read(MessageSource source, MessageMeta m, int maxBytes) {
        try {
            return parse(source.header(m, maxBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the header of uid " + m.uid(), e);
        }
    }

    /** Bytes up to and including the blank line that ends the header (or {@code max} bytes, or all). */
    static byte[] headerBytes(InputStream in, int max) throws IOException {
        byte[] buf = new byte[Math.min(max, 8192)];
        int n = 0;
        int scanned = 0;
        while (n < max) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            for (int i = Math.max(scanned, 1); i < n; i++) {
                if (buf[i] == '\n' && (buf[i - 1] == '\n' || (i >= 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n'))) {
                    return Arrays.copyOf(buf, i + 1);
                }
            }
            scanned = n;
        }
        return Arrays.copyOf(buf, n);
    }

    /** Decoded values of every field of that lower-case name, in order. */
    List<String> all(String lowerName) {
        return decoded.computeIfAbsent(lowerName, k -> {
            List<String> raw = block.all(k);
            return raw.stream().map(HeaderDecoder::decodeWords).toList();
        });
    }

    /** The first field of that name as raw text (unfolded, not RFC 2047-decoded), or null. */
    String raw(String lowerName) {
        return block.first(lowerName);
    }

    OffsetDateTime date() {
        return DateHeader.parse(block.first("date"));
    }
}
