package org.mailslot.protocols.smtp.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service extensions a server announced in its EHLO or LHLO reply (RFC 5321 4.1.1.1): each line after the first
 * is a keyword and its parameters. Empty after a HELO fallback.
 */
public record Capabilities(Map<String, List<String>> extensions) {

    public static final Capabilities NONE = new Capabilities(Map.of());

    public Capabilities {
        extensions = Map.copyOf(extensions);
    }

    /** Reads the EHLO reply: the first line is the server's greeting text, every further line one extension. */
    static Capabilities parse(ClientReply ehlo) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        List<String> lines = ehlo.lines();
        for (String line : lines.subList(1, lines.size())) {
            String[] words = line.trim().split("[ \t]+");
            if (words.length == 0 || words[0].isEmpty()) {
                continue;
            }
            String keyword = words[0].toUpperCase(Locale.ROOT);
            List<String> params = List.of(words).subList(1, words.length);
            if (keyword.startsWith("AUTH=")) { // the pre-RFC 4954 form some servers still send besides AUTH
                keyword = "AUTH";
                params = List.of(words[0].substring(5));
            }
            map.merge(keyword, params, (a, b) -> {
                var both = new java.util.ArrayList<>(a);
                both.addAll(b);
                return both;
            });
        }
        return new Capabilities(map);
    }

    /** Whether the server announced {@code keyword} (case-insensitive). */
    public boolean has(String keyword) {
        return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
    }

    public boolean pipelining() {
        return has("PIPELINING");
    }

    public boolean startTls() {
        return has("STARTTLS");
    }

    public boolean eightBitMime() {
        return has("8BITMIME");
    }

    public boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    /** SIZE (RFC 1870): the announced limit in octets; 0 when SIZE came without a limit; empty when not announced. */
    public OptionalLong sizeLimit() {
        List<String> params = extensions.get("SIZE");
        if (params == null) {
            return OptionalLong.empty();
        }
        if (params.isEmpty()) {
            return OptionalLong.of(0);
        }
        try {
            return OptionalLong.of(Math.max(0, Long.parseLong(params.getFirst())));
        } catch (NumberFormatException e) {
            return OptionalLong.of(0);
        }
    }

    /** The SASL mechanisms announced with AUTH, upper case; empty when AUTH was not announced. */
    public Set<String> authMechanisms() {
        Set<String> out = new TreeSet<>();
        for (String m : extensions.getOrDefault("AUTH", List.of())) {
            out.add(m.toUpperCase(Locale.ROOT));
        }
        return out;
    }
}
