package org.mailslot.server.admin;

import org.mailslot.directory.Directory;
import org.mailslot.server.MailNode;
import org.mailslot.server.NodeConfig;
import org.mailslot.server.control.LocalSlotAdmin;
import org.mailslot.server.control.RemoteSlotAdmin;
import org.mailslot.server.control.SlotAdmin;
import org.mailslot.store.SlotStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;

/** {@code mailslot admin}: changes the directory and inspects slots, directly, with the node's own configuration. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manages domains, accounts, aliases, slots, nodes, the cluster and VIPs.",
        subcommands = {DomainCommands.class, AccountCommands.class, AliasCommands.class, SlotCommands.class,
                NodeCommands.class, ClusterCommands.class, VipCommands.class, QueueCommands.class})
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

    /** The running node's slots through its control socket, or the slot files themselves when no node runs. */
    SlotAdmin openSlotAdmin() {
        Optional<RemoteSlotAdmin> remote = RemoteSlotAdmin.connect(MailNode.controlSocket(nodeConfig()));
        if (remote.isPresent()) {
            return remote.get();
        }
        return new LocalSlotAdmin(SlotStores.open(nodeConfig().dataDir(), nodeConfig().store()), true);
    }
}
