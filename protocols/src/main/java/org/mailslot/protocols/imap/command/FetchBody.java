package org.mailslot.protocols.imap.command;

import org.mailslot.protocols.imap.message.BinaryResult;
import org.mailslot.protocols.imap.message.FetchRenderer;
import org.mailslot.protocols.imap.message.HeaderPrefix;
import org.mailslot.protocols.imap.message.PartMap;
import org.mailslot.protocols.imap.message.Slice;
import org.mailslot.protocols.imap.parse.FetchAttribute;
import org.mailslot.protocols.imap.parse.Partial;
import org.mailslot.protocols.imap.parse.Section;
import org.mailslot.protocols.imap.response.ResponseWriter;
import org.mailslot.store.MessageMeta;
import org.mailslot.store.SlotStore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The body of one message as FETCH needs it, read no further than the sections asked for. BODY[], RFC822,
 * BODY[]&lt;partial&gt;, BINARY[] and the top-level TEXT are byte ranges of the stored message whose size is known
 * (MessageMeta.size), so they are streamed from the blob to the connection as literals without holding the message;
 * the top-level HEADER, HEADER.FIELDS(.NOT) and where TEXT starts come from the header the store keeps with the row
 * ({@link CachedHeaders}) or, for a message without one, from the blob read only up to its blank line
 * ({@link HeaderPrefix}); numbered parts and decoded BINARY need the part map and read the whole message, once per
 * message.
 */
final class FetchBody {
    private final SlotStore store;
    private final MessageMeta meta;
    private final FetchRenderer renderer;
    private final CachedHeaders headers;
    private PartMap full;
    private PartMap header;

    FetchBody(SlotStore store, MessageMeta meta, FetchRenderer renderer, CachedHeaders headers) {
        this.store = store;
        this.meta = meta;
        this.renderer = renderer;
        this.headers = headers;
    }

    /** The literal of BODY[section]&lt;partial&gt;. */
    void section(ResponseWriter out, FetchAttribute.BodySection b) throws IOException {
        Section section = b.section();
        if (section.part().isEmpty()) {
            switch (section.text()) {
                case NONE -> {
                    range(out, 0, meta.size(), b.partial(), false);
                    return;
                }
                case TEXT -> {
                    long from = headerMap().bodyStart();
                    range(out, from, meta.size() - from, b.partial(), false);
                    return;
                }
                case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT -> {
                    Slice slice = renderer.section(headerMap(), section, b.partial());
                    out.literal(slice.array(), slice.offset(), slice.length(), false);
                    return;
                }
                case MIME -> {
                    // not in the grammar without a part; the renderer answers it (with the empty string)
                }
            }
        }
        Slice slice = renderer.section(fullMap(), section, b.partial());
        out.literal(slice.array(), slice.offset(), slice.length(), false);
    }

    /** BINARY[part]&lt;partial&gt; of a part, decoded (needs the whole message); BINARY[] is written by {@link #binaryWhole}. */
    BinaryResult decoded(List<Integer> part, Partial partial) throws IOException {
        return renderer.binary(fullMap(), part, partial);
    }

    /** BINARY[]&lt;partial&gt;: the message as stored (it has no transfer encoding), literal8 when it holds a NUL. */
    void binaryWhole(ResponseWriter out, Partial partial) throws IOException {
        long[] span = span(0, meta.size(), partial);
        range(out, span[0], span[1], null, hasNul(span[0], span[1]));
    }

    /** A range of the stored message, cut by a partial, as a literal streamed from the blob. */
    private void range(ResponseWriter out, long from, long length, Partial partial, boolean binary) throws IOException {
        long[] span = span(from, length, partial);
        if (span[1] == 0) {
            out.literal(new byte[0], 0, 0, binary);
            return;
        }
        if (full != null) {
            out.literal(full.raw(), (int) span[0], (int) span[1], binary);
            return;
        }
        try (InputStream in = store.openBody(meta.blobHash())) {
            in.skipNBytes(span[0]);
            out.literal(in, span[1], binary);
        }
    }

    /** {start, length} of {@code <offset.length>} within [from, from + length), as {@link Slice#partial} cuts. */
    private static long[] span(long from, long length, Partial partial) {
        if (partial == null) {
            return new long[] {from, Math.max(0, length)};
        }
        if (partial.offset() >= length || partial.length() <= 0) {
            return new long[] {from, 0};
        }
        return new long[] {from + partial.offset(), Math.min(partial.length(), length - partial.offset())};
    }

    private boolean hasNul(long from, long length) throws IOException {
        if (length == 0) {
            return false;
        }
        if (full != null) {
            byte[] raw = full.raw();
            for (long i = from; i < from + length; i++) {
                if (raw[(int) i] == 0) {
                    return true;
                }
            }
            return false;
        }
        try (InputStream in = store.openBody(meta.blobHash())) {
            in.skipNBytes(from);
            byte[] chunk = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    return false;
                }
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == 0) {
                        return true;
                    }
                }
                left -= n;
            }
            return false;
        }
    }

    private PartMap headerMap() throws IOException {
        if (full != null) {
            return full;
        }
        if (header == null) {
            // the kept header is the blob's first bytes through its first blank line: the same prefix either way
            byte[] kept = headers.get(meta.uid());
            try (InputStream in = kept != null ? new ByteArrayInputStream(kept) : store.openBody(meta.blobHash())) {
                header = renderer.map(HeaderPrefix.read(in));
            }
        }
        return header;
    }

    private PartMap fullMap() throws IOException {
        if (full == null) {
            try (InputStream in = store.openBody(meta.blobHash())) {
                full = renderer.map(in.readAllBytes());
            }
            header = null;
        }
        return full;
    }
}
