package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.directory.DkimKey;
import org.mailslot.server.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** {@code mailslot admin domain dkim ...}: the DKIM keys outbound mail is signed with. */
@Command(name = "dkim", mixinStandardHelpOptions = true,
        description = "Manages a domain's DKIM signing keys: outbound mail from it is signed with its active key.",
        subcommands = {DkimCommands.Generate.class, DkimCommands.Import.class, DkimCommands.Show.class})
final class DkimCommands implements Runnable {
    @ParentCommand
    DomainCommands domain;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** A selector that changes with each rotation: s + today's date (UTC). */
    static String defaultSelector() {
        return "s" + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    private static void printRecord(DkimKey key) {
        System.out.println("DKIM key " + key.selector() + " of " + key.domain() + " is active; publish this DNS record:");
        System.out.println(key.zoneLine());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Makes a new RSA key, makes it the domain's active key and prints the DNS TXT record to publish.")
    static final class Generate implements Runnable {
        @ParentCommand
        DkimCommands parent;
        @Parameters(paramLabel = "DOMAIN")
        String name;
        @Option(names = "--selector", paramLabel = "S", description = "the key's selector (default: s + today's date, e.g. s20261201)")
        String selector;
        @Option(names = "--bits", paramLabel = "N", defaultValue = "2048", description = "key size, 1024..4096 (default 2048)")
        int bits;

        @Override
        public void run() {
            try (Directory d = parent.domain.admin.openDirectory()) {
                printRecord(d.generateDkimKey(name, selector == null ? defaultSelector() : selector, bits));
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Makes an existing RSA key (PKCS#8 PEM file) the domain's active key and prints its DNS record.")
    static final class Import implements Runnable {
        @ParentCommand
        DkimCommands parent;
        @Parameters(paramLabel = "DOMAIN")
        String name;
        @Option(names = "--selector", paramLabel = "S", required = true, description = "the selector its DNS record is published under")
        String selector;
        @Option(names = "--key-file", paramLabel = "FILE", required = true, description = "the private key, PKCS#8 PEM (BEGIN PRIVATE KEY)")
        Path keyFile;

        @Override
        public void run() {
            String pem;
            try {
                pem = Files.readString(keyFile);
            } catch (IOException e) {
                throw new UsageException("cannot read --key-file " + keyFile + ": " + e.getMessage());
            }
            try (Directory d = parent.domain.admin.openDirectory()) {
                printRecord(d.putDkimKey(name, selector, pem));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Lists the domain's DKIM keys with their DNS records (never the private keys).")
    static final class Show implements Runnable {
        @ParentCommand
        DkimCommands parent;
        @Parameters(paramLabel = "DOMAIN")
        String name;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        /** What is shown of a key: everything but the private key. */
        record KeyView(String domain, String selector, boolean active, String created, String record) {}

        @Override
        public void run() {
            try (Directory d = parent.domain.admin.openDirectory()) {
                List<DkimKey> keys = d.listDkimKeys(name);
                if (json) {
                    Output.json(keys.stream().map(k -> new KeyView(k.domain(), k.selector(), k.active(),
                            k.created().toString(), k.zoneLine())).toList());
                    return;
                }
                if (keys.isEmpty()) {
                    System.out.println("no DKIM key for " + name + ": outbound mail from it is not signed"
                            + " (mailslot admin domain dkim generate " + name + ")");
                    return;
                }
                Output.table(List.of("SELECTOR", "ACTIVE", "CREATED"), keys.stream()
                        .map(k -> List.of(k.selector(), k.active() ? "yes" : "no", k.created().toString())).toList());
                System.out.println();
                keys.forEach(k -> System.out.println(k.zoneLine()));
            }
        }
    }
}
