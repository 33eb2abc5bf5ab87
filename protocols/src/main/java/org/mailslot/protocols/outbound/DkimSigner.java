package org.mailslot.protocols.outbound;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.exceptions.FailException;
import org.mailslot.directory.DkimKey;
import org.mailslot.store.MessageContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs outgoing mail with DKIM (RFC 6376: rsa-sha256, relaxed/relaxed) using Apache jDKIM, with the active key of
 * the domain in the From field, or else of the envelope sender's domain; mail from a domain without a key goes
 * unsigned. The body is streamed through the hash once and the message is never copied: the signed message is the
 * DKIM-Signature field followed by the original content.
 *
 * <p>Line ends are hashed as they will be sent: {@link org.mailslot.protocols.smtp.client.SmtpClient} turns every bare
 * LF or CR into CRLF, and so does the stream the hash reads.
 */
public final class DkimSigner {
    private static final Logger log = LoggerFactory.getLogger(DkimSigner.class);

    /** The fields signed when present (RFC 6376 5.4.1's list); From is signed once more than it occurs. */
    private static final List<String> SIGNED = List.of("from", "sender", "reply-to", "subject", "date", "message-id",
            "to", "cc", "mime-version", "content-type", "content-transfer-encoding", "content-id", "content-description",
            "resent-date", "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-message-id",
            "in-reply-to", "references", "list-id", "list-help", "list-unsubscribe", "list-subscribe", "list-post",
            "list-owner", "list-archive");
    /** A header block larger than this is not signed (no real message comes near; the body may be any size). */
    private static final int MAX_HEADER = 1 << 20;
    private static final Pattern ADDRESS_DOMAIN = Pattern.compile("@([A-Za-z0-9.\\-\\[\\]:]+)\\s*>?\\s*$");

    private final Function<String, Optional<DkimKey>> keys;

    /** {@code keys} finds a domain's active key, e.g. {@code directory::findDkimKey}. */
    public DkimSigner(Function<String, Optional<DkimKey>> keys) {
        this.keys = keys;
    }

    /** A signer that signs nothing (when {@code outbound.dkim} is off). */
    public static DkimSigner none() {
        return new DkimSigner(domain -> Optional.empty());
    }

    /**
     * The message to send: signed when the From domain or {@code envelopeSender}'s domain has a key, otherwise
     * {@code content} itself. A message that cannot be signed (no header, key unusable) is sent unsigned and logged.
     */
    public MessageContent sign(String envelopeSender, MessageContent content) throws IOException {
        HeaderBlock header = HeaderBlock.read(content);
        if (header == null) {
            return content;
        }
        Optional<DkimKey> key = Optional.empty();
        String from = header.fromDomain();
        if (from != null) {
            key = find(from);
        }
        int at = envelopeSender.lastIndexOf('@');
        if (key.isEmpty() && at > 0) {
            key = find(envelopeSender.substring(at + 1));
        }
        if (key.isEmpty()) {
            return content;
        }
        try {
            String field = signature(key.get(), header, content);
            return new Prefixed(field.getBytes(StandardCharsets.UTF_8), content);
        } catch (FailException | GeneralSecurityException | IllegalArgumentException e) {
            log.warn("cannot DKIM-sign a message from {} with selector {}: {}; sending it unsigned", key.get().domain(),
                    key.get().selector(), e.getMessage());
            return content;
        }
    }

    private Optional<DkimKey> find(String domain) {
        try {
            return keys.apply(domain.toLowerCase(Locale.ROOT));
        } catch (RuntimeException e) { // a malformed domain, or the directory is down: send unsigned rather than not at all
            log.debug("no DKIM key for {}: {}", domain, e.getMessage());
            return Optional.empty();
        }
    }

    /** The DKIM-Signature field, folded, ending in CRLF. */
    private static String signature(DkimKey key, HeaderBlock header, MessageContent content)
            throws IOException, FailException, GeneralSecurityException {
        List<String> names = new ArrayList<>();
        for (String n : SIGNED) {
            int count = header.getFields(n).size();
            for (int i = 0; i < count + (n.equals("from") ? 1 : 0); i++) {
                names.add(n);
            }
        }
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + key.domain() + "; s=" + key.selector()
                + "; t=; h=" + String.join(":", names) + "; bh=; b=;";
        DKIMSigner signer = new DKIMSigner(template, privateKey(key.privateKeyPem()));
        BodyHasher hasher = signer.newBodyHasher(signer.newSignatureRecordTemplate(template));
        try (InputStream in = new CrlfInputStream(content.open()); OutputStream body = hasher.getOutputStream()) {
            in.skipNBytes(header.length);
            in.transferTo(body);
        }
        return fold(signer.sign(header, hasher)) + "\r\n";
    }

    /** Breaks the field before each tag (at the spaces jDKIM put there), which relaxed canonicalization ignores. */
    private static String fold(String field) {
        return field.replace("; ", ";\r\n\t");
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String body = pem.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----.*", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    /**
     * The message's header fields as they will be sent (CRLF line ends), for jDKIM: each field with its name,
     * folding kept, without the final CRLF. {@code length} is the header's size in the CRLF form, blank line included.
     */
    private record HeaderBlock(List<String> fields, int length) implements Headers {

        /** Null when the message has no header/body separator within {@link #MAX_HEADER} octets. */
        static HeaderBlock read(MessageContent content) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            try (InputStream in = new CrlfInputStream(content.open())) {
                int c;
                int state = 0; // matches of "\r\n\r\n" so far, counting from a line start
                boolean lineStart = true;
                while ((c = in.read()) >= 0) {
                    raw.write(c);
                    if (raw.size() > MAX_HEADER) {
                        return null;
                    }
                    if (lineStart && c == '\r') {
                        state = 1;
                    } else if (state == 1 && c == '\n') {
                        break; // an empty line: the header ends
                    } else {
                        state = 0;
                    }
                    lineStart = c == '\n';
                }
                if (c < 0) {
                    return null;
                }
            }
            String text = raw.toString(StandardCharsets.UTF_8);
            int length = raw.size();
            List<String> fields = new ArrayList<>();
            StringBuilder current = null;
            for (String line : text.substring(0, text.length() - 2).split("\r\n", -1)) {
                if (line.isEmpty()) {
                    continue;
                }
                if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                    current.append("\r\n").append(line);
                } else {
                    if (current != null) {
                        fields.add(current.toString());
                    }
                    current = new StringBuilder(line);
                }
            }
            if (current != null) {
                fields.add(current.toString());
            }
            return fields.isEmpty() ? null : new HeaderBlock(List.copyOf(fields), length);
        }

        @Override
        public List<String> getFields() {
            return fields;
        }

        @Override
        public List<String> getFields(String name) {
            List<String> out = new ArrayList<>();
            for (String f : fields) {
                int colon = f.indexOf(':');
                if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    out.add(f);
                }
            }
            return out;
        }

        /** The domain of the first From field's (last) address, or null. */
        String fromDomain() {
            List<String> from = getFields("from");
            if (from.isEmpty()) {
                return null;
            }
            String value = from.getFirst().substring(from.getFirst().indexOf(':') + 1).replace("\r\n", "").strip();
            Matcher m = ADDRESS_DOMAIN.matcher(value.replaceAll("\\([^)]*\\)\\s*$", ""));
            return m.find() ? m.group(1).replaceAll("[\\[\\]]", "") : null;
        }
    }

    /** Bare LF and bare CR become CRLF, as the DATA encoder sends them. */
    static final class CrlfInputStream extends InputStream {
        private final InputStream in;
        private final byte[] raw = new byte[8192];
        private final byte[] out = new byte[2 * raw.length + 1];
        private int pos;
        private int limit;
        private boolean afterCr;
        private boolean eof;

        CrlfInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            while (pos == limit) {
                if (!fill()) {
                    return -1;
                }
            }
            return out[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == limit) {
                if (!fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(out, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            pos = 0;
            limit = 0;
            int n = in.read(raw);
            if (n < 0) {
                eof = true;
                if (afterCr) {
                    out[limit++] = '\n';
                    afterCr = false;
                }
                return limit > 0;
            }
            for (int i = 0; i < n; i++) {
                byte b = raw[i];
                if (b == '\n') {
                    if (!afterCr) {
                        out[limit++] = '\r';
                    }
                    out[limit++] = '\n';
                    afterCr = false;
                } else {
                    if (afterCr) {
                        out[limit++] = '\n';
                    }
                    afterCr = b == '\r';
                    out[limit++] = b;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** The DKIM-Signature field followed by the message. */
    private record Prefixed(byte[] prefix, MessageContent rest) implements MessageContent {
        @Override
        public long size() {
            return prefix.length + rest.size();
        }

        @Override
        public InputStream open() throws IOException {
            return new SequenceInputStream(new java.io.ByteArrayInputStream(prefix), rest.open());
        }
    }

    static Set<String> signedFields() {
        return Set.copyOf(SIGNED);
    }
}
