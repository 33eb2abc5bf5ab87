package org.mailslot.server.admin;

import org.mailslot.directory.Alias;
import org.mailslot.directory.Directory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

@Command(name = "alias", mixinStandardHelpOptions = true,
        description = {"Adds, lists and removes aliases.", "SOURCE is user@domain, or @domain for a catch-all."},
        subcommands = {AliasCommands.Add.class, AliasCommands.ListAliases.class, AliasCommands.Remove.class})
final class AliasCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Delivers mail for SOURCE to TARGET as well.")
    static final class Add implements Runnable {
        @ParentCommand
        AliasCommands parent;
        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;
        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                Alias a = d.addAlias(source, target);
                System.out.println("alias " + a.source() + " -> " + a.target() + " added");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists aliases, of one domain or all.")
    static final class ListAliases implements Runnable {
        @ParentCommand
        AliasCommands parent;
        @Parameters(arity = "0..1", paramLabel = "DOMAIN")
        String domain;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                List<Alias> aliases = d.listAliases(domain);
                if (json) {
                    Output.json(aliases);
                } else {
                    Output.table(List.of("SOURCE", "TARGET"), aliases.stream().map(a -> List.of(a.source(), a.target())).toList());
                }
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes one alias.")
    static final class Remove implements Runnable {
        @ParentCommand
        AliasCommands parent;
        @Parameters(index = "0", paramLabel = "SOURCE")
        String source;
        @Parameters(index = "1", paramLabel = "TARGET")
        String target;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                d.removeAlias(source, target);
                System.out.println("alias " + source + " -> " + target + " removed");
            }
        }
    }
}
