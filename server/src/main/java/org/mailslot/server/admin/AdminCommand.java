package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.server.NodeConfig;
import org.mailslot.store.SlotStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code mailslot admin}: changes the directory and inspects slots, directly, with the node's own configuration. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manages domains, accounts, aliases and slots.",
        subcommands = {DomainCommands.class, AccountCommands.class, AliasCommands.class, SlotCommands.class})
public final class AdminCommand implements Runnable {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "the node's mailslot.yaml (the demo prints its path)")
    Path config;

    private NodeConfig loaded;

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    NodeConfig nodeConfig() {
        if (loaded == null) {
            loaded = NodeConfig.load(config);
        }
        return loaded;
    }

    Directory openDirectory() {
        return Directory.open(nodeConfig().directory());
    }

    SlotStores openStores() {
        return SlotStores.open(nodeConfig().dataDir(), nodeConfig().store());
    }
}
