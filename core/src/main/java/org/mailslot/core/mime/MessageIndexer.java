package org.mailslot.core.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Turns raw message bytes into the IMAP ENVELOPE, BODY and BODYSTRUCTURE strings and the msg-ids that thread it.
 *
 * <p>Never fails on content: malformed MIME (no headers, 8-bit junk, a missing closing boundary)
 * yields the most sensible structure, in the worst case a single text/plain part. Only a failing
 * source stream is reported, as an {@link IOException}. Thread-safe and stateless.
 */
public final class MessageIndexer {
    /** Default limit of nested multipart and message/rfc822 levels; deeper levels are flattened. */
    public static final int DEFAULT_MAX_NESTING = 32;
    static final int MIN_NESTING = 1;
    static final int MAX_NESTING = 100;

    private static final MimeConfig CONFIG = new MimeConfig.Builder()
            .setMaxLineLen(-1)
            .setMaxHeaderCount(-1)
            .setMaxHeaderLen(-1)
            .setMaxContentLen(-1)
            .setMalformedHeaderStartsBody(true)
            .setStrictParsing(false)
            .build();

    private final int maxNesting;

    public MessageIndexer() {
        this(DEFAULT_MAX_NESTING);
    }

    /** @param maxNesting nesting levels indexed, {@value #MIN_NESTING}..{@value #MAX_NESTING} */
    public MessageIndexer(int maxNesting) {
        if (maxNesting < MIN_NESTING || maxNesting > MAX_NESTING) {
            throw new IllegalArgumentException("mime.max-nesting must be " + MIN_NESTING + ".." + MAX_NESTING
                    + ", got " + maxNesting);
        }
        this.maxNesting = maxNesting;
    }

    public MessageIndex index(byte[] raw) {
        try {
            return index(new ByteArrayInputStream(raw));
        } catch (IOException e) {
            throw new IllegalStateException("a byte array cannot fail", e);
        }
    }

    /** Reads the stream to its end (it is not closed). */
    public MessageIndex index(InputStream raw) throws IOException {
        OctetCounter source = new OctetCounter(raw);
        Parsed parsed;
        try {
            parsed = parse(source, 0);
        } catch (IOException | MimeException | RuntimeException | StackOverflowError e) {
            if (source.sourceFailed()) {
                throw e instanceof IOException io ? io : new IOException(e);
            }
            source.drain();
            parsed = new Parsed(Envelope.render(new HeaderFields()),
                    new Part.Leaf(defaultInfo(false), source.size(), source.lines()), List.of());
        }
        return new MessageIndex(parsed.envelope, BodyWriter.render(parsed.body, false),
                BodyWriter.render(parsed.body, true), parsed.threadIds);
    }

    private record Parsed(String envelope, Part body, List<String> threadIds) {}

    /** One entity being read: its header, and its children if it is a multipart. */
    private static final class Frame {
        final HeaderFields headers = new HeaderFields();
        final boolean inDigest;
        final int depth;
        Part.Info info;
        boolean multipart;
        final List<Part> children = new ArrayList<>();
        long preambleSize;
        long preambleLines;
        Part body;

        Frame(boolean inDigest, int depth) {
            this.inDigest = inDigest;
            this.depth = depth;
        }

        Part.Info info() {
            if (info == null) {
                info = infoOf(headers, inDigest);
            }
            return info;
        }
    }

    private Parsed parse(InputStream in, int depth) throws IOException, MimeException {
        MimeTokenStream tokens = new MimeTokenStream(CONFIG);
        tokens.setRecursionMode(RecursionMode.M_NO_RECURSE);
        tokens.parse(in);
        Deque<Frame> stack = new ArrayDeque<>();
        Frame root = new Frame(false, depth);
        stack.push(root);
        for (EntityState state = tokens.getState(); state != EntityState.T_END_OF_STREAM; state = tokens.next()) {
            Frame current = stack.peek();
            switch (state) {
                case T_FIELD -> current.headers.add(tokens.getField());
                case T_END_HEADER -> current.info();
                case T_START_MULTIPART -> current.multipart = true;
                case T_PREAMBLE -> {
                    OctetCounter c = new OctetCounter(tokens.getInputStream()).drain();
                    current.preambleSize = c.size();
                    current.preambleLines = c.lines();
                }
                case T_START_BODYPART -> stack.push(
                        new Frame("digest".equals(current.info().subtype()), current.depth + 1));
                case T_BODY -> current.body = body(current, tokens.getInputStream());
                case T_END_BODYPART -> {
                    if (stack.size() > 1) {
                        Frame done = stack.pop();
                        stack.peek().children.add(finish(done));
                    }
                }
                default -> {
                    // start/end of message, header start, epilogue: nothing to record
                }
            }
        }
        while (stack.size() > 1) { // unterminated parts at end of input
            Frame done = stack.pop();
            stack.peek().children.add(finish(done));
        }
        List<String> threadIds = depth > 0 ? List.of() : MessageIds.forThreading(root.headers.first("message-id"),
                root.headers.first("in-reply-to"), root.headers.first("references"));
        return new Parsed(Envelope.render(root.headers), finish(root), threadIds);
    }

    private Part finish(Frame f) {
        Part.Info info = f.info();
        if (f.multipart) {
            if (f.children.isEmpty() || f.depth > maxNesting) {
                return new Part.Leaf(f.children.isEmpty() ? defaultInfo(false) : opaque(info),
                        f.preambleSize, f.preambleLines);
            }
            return new Part.Multi(info, List.copyOf(f.children));
        }
        if (f.body != null) {
            return f.body;
        }
        return new Part.Leaf(asLeaf(info), 0, 0);
    }

    private Part body(Frame f, InputStream content) throws IOException {
        Part.Info info = asLeaf(f.info());
        if (info.type().equals("message") && info.subtype().equals("rfc822")) {
            if (f.depth < maxNesting) {
                byte[] bytes = content.readAllBytes();
                OctetCounter c = new OctetCounter(new ByteArrayInputStream(bytes)).drain();
                Parsed inner;
                try {
                    inner = parse(new ByteArrayInputStream(bytes), f.depth + 1);
                } catch (MimeException | RuntimeException e) {
                    inner = new Parsed(Envelope.render(new HeaderFields()),
                            new Part.Leaf(defaultInfo(false), c.size(), c.lines()), List.of());
                }
                return new Part.Message(info, c.size(), c.lines(), inner.envelope, inner.body);
            }
            info = opaque(info);
        }
        OctetCounter c = new OctetCounter(content).drain();
        return new Part.Leaf(info, c.size(), c.lines());
    }

    /** A multipart that mime4j read as a single body (no boundary) is reported as text/plain. */
    private static Part.Info asLeaf(Part.Info info) {
        return info.type().equals("multipart") ? defaultInfo(false) : info;
    }

    private static Part.Info opaque(Part.Info info) {
        return new Part.Info("application", "octet-stream", List.of(), info.id(), info.description(),
                info.encoding(), info.disposition(), info.languages(), info.location());
    }

    private static Part.Info defaultInfo(boolean inDigest) {
        return inDigest
                ? new Part.Info("message", "rfc822", List.of(), null, null, "7bit", null, List.of(), null)
                : new Part.Info("text", "plain", List.of(new ContentValue.Param("charset", "us-ascii")),
                        null, null, "7bit", null, List.of(), null);
    }

    static Part.Info infoOf(HeaderFields h, boolean inDigest) {
        ContentValue ct = ContentValue.parse(h.first("content-type"));
        String token = ct.token();
        int slash = token.indexOf('/');
        String type;
        String subtype;
        List<ContentValue.Param> params;
        if (slash > 0 && slash < token.length() - 1 && token.indexOf('/', slash + 1) < 0) {
            type = token.substring(0, slash);
            subtype = token.substring(slash + 1);
            params = ct.params();
        } else {
            Part.Info d = defaultInfo(inDigest);
            type = d.type();
            subtype = d.subtype();
            params = d.params();
        }
        String encoding = h.first("content-transfer-encoding");
        encoding = encoding == null || encoding.isBlank() ? "7bit" : encoding.strip().toLowerCase(Locale.ROOT);
        String dsp = h.first("content-disposition");
        ContentValue disposition = dsp == null ? null : ContentValue.parse(dsp);
        List<String> languages = new ArrayList<>();
        String lang = h.first("content-language");
        if (lang != null) {
            for (String l : lang.split(",")) {
                if (!l.isBlank()) {
                    languages.add(l.strip());
                }
            }
        }
        return new Part.Info(type, subtype, params, h.first("content-id"), h.first("content-description"),
                encoding, disposition, List.copyOf(languages), h.first("content-location"));
    }
}
