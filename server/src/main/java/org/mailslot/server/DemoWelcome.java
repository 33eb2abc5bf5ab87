package org.mailslot.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.mailslot.directory.Directory;
import org.mailslot.directory.Slot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code mailslot demo} prints once its nodes run: the nodes and the slots they master, where to point a mail
 * client, the accounts, and how to fail a slot over. Everything comes from demo.json and the slot map.
 */
final class DemoWelcome {
    private static final String[][] SERVICES = {
            {"smtp", "SMTP (MX, incoming mail for " + DemoCommand.DOMAIN + ")"},
            {"submission", "Submission (STARTTLS, AUTH PLAIN/LOGIN)"},
            {"submissions", "Submission over TLS"},
            {"lmtp", "LMTP"},
            {"pop3", "POP3 (STLS)"},
            {"pop3s", "POP3 over TLS"},
            {"imap", "IMAP (STARTTLS)"},
            {"imaps", "IMAP over TLS"},
            {"metrics", "Prometheus metrics at /metrics"},
            {"replication", "Replication (between the nodes)"}};

    private final Path dir;
    private final JsonNode demo;
    private final Directory directory;

    DemoWelcome(Path dir, JsonNode demo, Directory directory) {
        this.dir = dir;
        this.demo = demo;
        this.directory = directory;
    }

    void print(List<Integer> outOfSync) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nmailslot demo is running: three store nodes that replicate each other's slots and two fronts that\n")
                .append("share the service addresses (data in ").append(dir).append(")\n\n");
        sb.append(String.format("  %-6s %-11s %-8s %-16s %s%n", "NODE", "ADDRESS", "PID", "MASTERS SLOTS", "LOG"));
        for (JsonNode n : demo.path("nodes")) {
            List<Integer> masters = new ArrayList<>();
            n.path("masters").forEach(m -> masters.add(m.asInt()));
            sb.append(String.format("  %-6s %-11s %-8d %-16s %s%n", n.path("name").asText(), n.path("address").asText(),
                    n.path("pid").asLong(), ranges(masters), n.path("log").asText()));
        }
        sb.append("\nEvery slot has its master on one node and a replica on another, which gets each change before the\n")
                .append("client is answered.");
        if (!outOfSync.isEmpty()) {
            sb.append(" Slots ").append(ranges(outOfSync)).append(" are still being copied to their replicas.");
        }
        String host = demo.path("services").path("imap").path("host").asText();
        List<String> vips = new ArrayList<>();
        demo.path("vips").forEach(v -> vips.add(v.path("address").asText() + " (" + v.path("owner").asText() + ")"));
        sb.append("\n\nThe fronts hold the VIPs ").append(String.join(" and ", vips)).append(".\n")
                .append("Point a mail client at either, for any account: the front logs in at the node that masters the\n")
                .append("account's slot (self-signed certificate, plaintext login allowed on loopback):\n");
        JsonNode services = demo.path("services");
        for (String[] s : SERVICES) {
            JsonNode e = services.path(s[0]);
            if (!e.isMissingNode()) {
                sb.append(String.format("  %-44s %s:%d%n", s[1], e.path("host").asText(), e.path("port").asInt()));
            }
        }
        JsonNode dns = demo.path("dns");
        if (!dns.isMissingNode()) {
            sb.append("DNS for the zone and the hosted domains (the VIPs in a new order each time):\n")
                    .append("  dig @").append(dns.path("host").asText()).append(" -p ").append(dns.path("port").asInt())
                    .append(" imap.").append(dns.path("zone").asText()).append(" +short\n");
        }
        sb.append("\nAccounts:\n");
        demo.path("accounts").forEach(a -> sb.append("  ").append(a.path("address").asText()).append("  password ")
                .append(a.path("password").asText()).append('\n'));
        String config = demo.path("config").asText();
        sb.append("\nTry: swaks --server ").append(host).append(':').append(services.path("smtp").path("port").asInt())
                .append(" --to ").append(DemoCommand.ACCOUNTS[0]).append('\n');
        sb.append("Admin (the nodes share one directory, so any node's configuration will do):\n");
        sb.append("  ./mailslot admin --config ").append(config).append(" cluster status\n");
        sb.append("  ./mailslot admin --config ").append(config).append(" slot list\n");
        failoverHint(sb, config);
        sb.append("Everything above is also in ").append(dir.resolve("demo.json")).append(". Ctrl-C stops the nodes and fronts.\n");
        System.out.println(sb);
        System.out.flush();
    }

    /** How to fail the first account's slot over to its replica, as after a crash of its master. */
    private void failoverHint(StringBuilder sb, String config) {
        JsonNode account = demo.path("accounts").get(0);
        Optional<Slot> slot = directory.slot(account.path("slot").asInt());
        if (slot.isEmpty() || slot.get().replicaNode() == null) {
            return;
        }
        Slot s = slot.get();
        sb.append("Fail slot ").append(s.id()).append(" over to ").append(s.replicaNode())
                .append(", its replica, as after a crash of ").append(s.masterNode()).append(":\n");
        sb.append("  kill -9 ").append(node(s.masterNode()).path("pid").asLong()).append('\n');
        sb.append("  (automatic failover promotes it within about 10 s; or at once:)\n");
        sb.append("  ./mailslot admin --config ").append(config).append(" slot failover ").append(s.id()).append('\n');
        sb.append("  then ").append(account.path("address").asText()).append(" is served by ").append(s.replicaNode())
                .append(", with all its mail, through the same VIPs.\n");
        JsonNode vip = demo.path("vips").path(0);
        if (!vip.isMissingNode()) {
            sb.append("Kill the front holding ").append(vip.path("address").asText()).append(": the other takes it over in about 3 s:\n");
            sb.append("  kill -9 ").append(node(vip.path("owner").asText()).path("pid").asLong()).append('\n');
            sb.append("  ./mailslot admin --config ").append(config).append(" vip list\n");
        }
    }

    private JsonNode node(String name) {
        for (JsonNode n : demo.path("nodes")) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private String addressOf(String node) {
        return node(node).path("address").asText("?");
    }

    /** 1-4, 7, 9: consecutive ids as ranges. */
    static String ranges(List<Integer> ids) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < ids.size()) {
            int j = i;
            while (j + 1 < ids.size() && ids.get(j + 1) == ids.get(j) + 1) {
                j++;
            }
            parts.add(j == i ? String.valueOf(ids.get(i)) : ids.get(i) + "-" + ids.get(j));
            i = j + 1;
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }
}
