package org.mailslot.protocols.smtp.inbound;

import org.mailslot.core.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The organizational domain of RFC 7489 3.2: the public suffix of a name plus one label, with the Public Suffix
 * List's rules (wildcards and exceptions, ICANN and private sections alike), read from a file: by default the one
 * Debian's {@code publicsuffix} package keeps up to date, as OpenDMARC's PublicSuffixList setting does. Without
 * the file the rule is OpenDMARC's fallback: the last two labels ({@code mail.example.co.uk} then counts as
 * {@code co.uk}, which makes relaxed alignment looser than it should be; the start logs a warning).
 */
final class OrganizationalDomain {
    private static final Logger log = LoggerFactory.getLogger(OrganizationalDomain.class);

    private final Set<String> rules;
    private final Set<String> wildcards;
    private final Set<String> exceptions;

    private OrganizationalDomain(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
        this.rules = rules;
        this.wildcards = wildcards;
        this.exceptions = exceptions;
    }

    /** The rules in {@code file}; the two-label rule when the file is null or missing. */
    static OrganizationalDomain load(Path file) {
        if (file == null) {
            return lastTwoLabels();
        }
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            log.warn("public suffix list {} not found: organizational domains are the last two labels"
                    + " (install Debian's publicsuffix package or set inbound.public-suffix-list)", file);
            return lastTwoLabels();
        } catch (IOException e) {
            throw new ConfigException("inbound.public-suffix-list", "cannot read " + file + ": " + e.getMessage());
        }
    }

    static OrganizationalDomain lastTwoLabels() {
        return new OrganizationalDomain(Set.of(), Set.of(), Set.of());
    }

    /** The list's format: one rule per line, "//" comments, "*." wildcards, "!" exceptions; names in Unicode or ASCII. */
    static OrganizationalDomain parse(List<String> lines) {
        Set<String> rules = new HashSet<>();
        Set<String> wildcards = new HashSet<>();
        Set<String> exceptions = new HashSet<>();
        for (String line : lines) {
            String rule = line.strip();
            int space = rule.indexOf(' ');
            if (space >= 0) {
                rule = rule.substring(0, space);
            }
            if (rule.isEmpty() || rule.startsWith("//")) {
                continue;
            }
            try {
                if (rule.startsWith("!")) {
                    exceptions.add(ascii(rule.substring(1)));
                } else if (rule.startsWith("*.")) {
                    wildcards.add(ascii(rule.substring(2)));
                } else {
                    rules.add(ascii(rule));
                }
            } catch (IllegalArgumentException e) {
                log.debug("public suffix rule '{}' skipped: {}", rule, e.getMessage());
            }
        }
        return new OrganizationalDomain(Set.copyOf(rules), Set.copyOf(wildcards), Set.copyOf(exceptions));
    }

    /**
     * The organizational domain of {@code domain} (lower case, without a final dot); the domain itself when it is a
     * public suffix or has a single label.
     */
    String of(String domain) {
        String d = normalize(domain);
        String[] labels = d.split("\\.");
        if (labels.length < 2) {
            return d;
        }
        int suffixLabels = suffixLabels(labels);
        if (suffixLabels >= labels.length) {
            return d;
        }
        return String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - suffixLabels - 1, labels.length));
    }

    /** How many trailing labels of {@code labels} are the public suffix (the prevailing rule; "*" when none matches). */
    private int suffixLabels(String[] labels) {
        int best = 1; // the implicit "*" rule
        for (int i = labels.length - 1; i >= 0; i--) {
            String tail = String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length));
            int n = labels.length - i;
            if (exceptions.contains(tail)) {
                return n - 1; // an exception rule wins; its suffix is the rule minus the leftmost label
            }
            if (rules.contains(tail)) {
                best = Math.max(best, n);
            }
            if (i > 0 && wildcards.contains(tail)) {
                best = Math.max(best, n + 1);
            }
        }
        return best;
    }

    static String normalize(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        try {
            return IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return d;
        }
    }

    private static String ascii(String rule) {
        return IDN.toASCII(rule.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }
}
