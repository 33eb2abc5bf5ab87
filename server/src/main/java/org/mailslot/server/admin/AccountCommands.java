package org.mailslot.server.admin;

import org.mailslot.directory.Account;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import org.mailslot.server.UsageException;
import org.mailslot.store.QuotaUsage;
import org.mailslot.server.control.SlotAdmin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "account", mixinStandardHelpOptions = true, description = "Manages accounts: passwords, quotas, restores.",
        subcommands = {AccountCommands.Add.class, AccountCommands.Passwd.class, AccountCommands.ListAccounts.class,
                AccountCommands.Show.class, AccountCommands.Remove.class, AccountCommands.Quota.class,
                AccountCommands.Restore.class})
final class AccountCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** Where a new password comes from: generated (the default, printed once), standard input, or an imported hash. */
    static final class PasswordSource {
        @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
        boolean stdin;
        @Option(names = "--hash", paramLabel = "HASH",
                description = "import an existing hash: {SHA512-CRYPT}$6$..., {BLF-CRYPT}$2y$... or {ARGON2ID}$argon2id$...")
        String hash;
        @Option(names = "--generate", description = "generate a random password and print it (the default)")
        boolean generate;
    }

    /** Applies the chosen source; returns the generated password to print, or null. */
    static String apply(PasswordSource source, java.util.function.Consumer<char[]> setPassword,
                        java.util.function.Consumer<String> setHash) {
        if (source != null && source.hash != null) {
            setHash.accept(source.hash);
            return null;
        }
        if (source != null && source.stdin) {
            char[] password = readStdinLine();
            setPassword.accept(password);
            return null;
        }
        String generated = Passwords.generate();
        setPassword.accept(generated.toCharArray());
        return generated;
    }

    private static char[] readStdinLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw new UsageException("--password-stdin: no password on standard input");
            }
            return line.toCharArray();
        } catch (IOException e) {
            throw new UsageException("--password-stdin: cannot read standard input: " + e.getMessage());
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds an account (its domain must be hosted).")
    static final class Add implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--quota", paramLabel = "SIZE", defaultValue = "0", description = "storage limit, e.g. 2G; 0 = unlimited (default)")
        String quota;
        @Option(names = "--slot", paramLabel = "SLOT", defaultValue = "0",
                description = "put the account in this slot (see 'slot list'), e.g. one a given node masters; default: the slot with the fewest accounts")
        int slot;
        @ArgGroup(exclusive = true)
        PasswordSource password;

        @Override
        public void run() {
            long quotaBytes = Sizes.parseSize("--quota", quota);
            if (slot < 0) {
                throw new UsageException("--slot: a slot number is positive, got " + slot);
            }
            try (Directory d = parent.admin.openDirectory()) {
                Account[] created = new Account[1];
                String generated = apply(password,
                        pw -> created[0] = d.addAccount(address, pw, quotaBytes, slot),
                        hash -> created[0] = d.importAccount(address, hash, quotaBytes, slot));
                System.out.println("account " + created[0].address() + " added in slot " + created[0].slotId());
                if (generated != null) {
                    System.out.println("password: " + generated);
                }
            }
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Sets a new password (generated unless --password-stdin or --hash).")
    static final class Passwd implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @ArgGroup(exclusive = true)
        PasswordSource password;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                String generated = apply(password, pw -> d.setPassword(address, pw), hash -> d.setPasswordHash(address, hash));
                System.out.println("password of " + address + " changed");
                if (generated != null) {
                    System.out.println("password: " + generated);
                }
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists accounts, of one domain or all.")
    static final class ListAccounts implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(arity = "0..1", paramLabel = "DOMAIN")
        String domain;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                List<Account> accounts = d.listAccounts(domain);
                if (json) {
                    Output.json(accounts);
                } else {
                    Output.table(List.of("ADDRESS", "SLOT", "QUOTA", "CREATED"), accounts.stream().map(a -> List.of(
                            a.address(), String.valueOf(a.slotId()), a.quotaBytes() == 0 ? "unlimited" : Output.bytes(a.quotaBytes()),
                            a.created().toString())).toList());
                }
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one account with its storage use.")
    static final class Show implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory(); SlotAdmin slots = parent.admin.openSlotAdmin()) {
                Account a = find(d, address);
                QuotaUsage usage = slots.usage(a.slotId(), a.id());
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("address", a.address());
                out.put("id", a.id());
                out.put("domain", a.domain());
                out.put("slot", a.slotId());
                out.put("quotaBytes", a.quotaBytes());
                out.put("usedBytes", usage.bytes());
                out.put("messages", usage.messages());
                out.put("created", a.created().toString());
                if (json) {
                    Output.json(out);
                } else {
                    out.forEach((k, v) -> System.out.printf("%-11s %s%n", k, v));
                }
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes an account and deletes its mail.")
    static final class Remove implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory(); SlotAdmin slots = parent.admin.openSlotAdmin()) {
                Account a = find(d, address);
                d.removeAccount(a.address());
                slots.deleteAccount(a.slotId(), a.id());
                System.out.println("account " + a.address() + " removed");
            }
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true, description = "Sets the storage limit, e.g. 2G; 0 = unlimited.")
    static final class Quota implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;
        @Parameters(index = "1", paramLabel = "SIZE")
        String size;

        @Override
        public void run() {
            long bytes = Sizes.parseSize("SIZE", size);
            try (Directory d = parent.admin.openDirectory()) {
                d.setQuota(address, bytes);
                System.out.println("quota of " + address + " set to " + (bytes == 0 ? "unlimited" : Output.bytes(bytes)));
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Brings back messages expunged in the last DURATION (default 7d) into their mailboxes.")
    static final class Restore implements Runnable {
        @ParentCommand
        AccountCommands parent;
        @Parameters(paramLabel = "ADDRESS")
        String address;
        @Option(names = "--since", paramLabel = "DURATION", defaultValue = "7d", description = "how far back, e.g. 2h or 7d (default ${DEFAULT-VALUE})")
        String since;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            Duration window = Sizes.parseDuration("--since", since);
            try (Directory d = parent.admin.openDirectory(); SlotAdmin slots = parent.admin.openSlotAdmin()) {
                Account a = find(d, address);
                int restored = slots.restore(a.slotId(), a.id(), Instant.now().minus(window));
                if (json) {
                    Output.json(Map.of("address", a.address(), "restored", restored));
                } else {
                    System.out.println(restored + " message(s) restored for " + a.address());
                }
            }
        }
    }

    static Account find(Directory d, String address) {
        return d.findAccount(address).orElseThrow(() ->
                new DirectoryException(DirectoryException.Reason.NOT_FOUND, "account " + address + " does not exist"));
    }
}
