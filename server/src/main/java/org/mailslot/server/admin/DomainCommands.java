package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.directory.Domain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

@Command(name = "domain", mixinStandardHelpOptions = true, description = "Adds, lists and removes hosted domains.",
        subcommands = {DomainCommands.Add.class, DomainCommands.ListDomains.class, DomainCommands.Remove.class,
                DkimCommands.class})
final class DomainCommands implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Hosts a domain: mail to its accounts is accepted.")
    static final class Add implements Runnable {
        @ParentCommand
        DomainCommands parent;
        @Parameters(paramLabel = "DOMAIN")
        String name;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                Domain domain = d.addDomain(name);
                System.out.println("domain " + domain.name() + " added");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists hosted domains.")
    static final class ListDomains implements Runnable {
        @ParentCommand
        DomainCommands parent;
        @Option(names = "--json", description = "print JSON")
        boolean json;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                List<Domain> domains = d.listDomains();
                if (json) {
                    Output.json(domains);
                } else {
                    Output.table(List.of("DOMAIN", "CREATED"),
                            domains.stream().map(x -> List.of(x.name(), x.created().toString())).toList());
                }
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stops hosting a domain; it must have no accounts or aliases left.")
    static final class Remove implements Runnable {
        @ParentCommand
        DomainCommands parent;
        @Parameters(paramLabel = "DOMAIN")
        String name;

        @Override
        public void run() {
            try (Directory d = parent.admin.openDirectory()) {
                d.removeDomain(name);
                System.out.println("domain " + name + " removed");
            }
        }
    }
}
