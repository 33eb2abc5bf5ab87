package org.mailslot.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailslot.core.net.Endpoint;
import org.mailslot.directory.Directory;
import org.mailslot.directory.DirectoryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a small system on this machine for a first look: a node on 127.0.0.1 with the demo domain and two
 * accounts, then writes {@code DIR/demo.json} (the contract tests and tools read) once every listener is ready.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts mailslot on 127.0.0.1 with domain example.test and accounts demo@ and probe@,",
                "prints where to point a mail client, and writes DIR/demo.json when ready.",
                "Running it again on the same DIR keeps the data and the passwords."})
final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    static final String DOMAIN = "example.test";
    static final String[] ACCOUNTS = {"demo@" + DOMAIN, "probe@" + DOMAIN};
    private static final ObjectMapper JSON = NodeStatus.JSON;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "mailslot-demo",
            description = "where the demo keeps its configuration, data and demo.json (default: ${DEFAULT-VALUE})")
    Path data;

    @Override
    public Integer call() throws Exception {
        Path dir = data.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path demoJson = dir.resolve("demo.json");
        Files.deleteIfExists(demoJson);
        Path config = dir.resolve("mailslot.yaml");
        if (!Files.exists(config)) {
            Files.writeString(config, demoConfig());
        }
        MailNode node = MailNode.start(NodeConfig.load(config));
        try {
            Map<String, String> passwords = ensureAccounts(node.directory(), dir.resolve("demo-passwords.json"));
            NodeStatus.write(demoJson, describe(dir, config, node, passwords));
            printWelcome(dir, node, passwords);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        // demo.json says "running here": it goes when the demo stops (a SIGKILLed demo leaves it; check its pid)
        RunCommand.awaitShutdown(() -> {
            node.close();
            Files.deleteIfExists(demoJson);
        });
        return ExitCode.OK;
    }

    static String demoConfig() {
        return """
                # Written by `mailslot demo`. Every key is explained in docs/configuration.md.
                node:
                  name: node1
                  hostname: localhost
                  data-dir: data
                  slots: 8
                tls:
                  self-signed: true
                auth:
                  plaintext: loopback      # the demo lets clients on 127.0.0.1 log in without TLS
                  failure-delay: 1s
                smtp:
                  listen: 127.0.0.1:2525
                submission:
                  listen: 127.0.0.1:2587
                  listen-tls: 127.0.0.1:2465
                lmtp:
                  listen: 127.0.0.1:2424
                pop3:
                  listen: 127.0.0.1:2110
                  listen-tls: 127.0.0.1:2995
                imap:
                  listen: 127.0.0.1:2143
                  listen-tls: 127.0.0.1:2993
                metrics:
                  listen: 127.0.0.1:2932
                """;
    }

    /** Creates the demo domain and accounts on first run; later runs keep them and their passwords. */
    private static Map<String, String> ensureAccounts(Directory directory, Path passwordFile) throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        if (Files.exists(passwordFile)) {
            JSON.readTree(passwordFile.toFile()).fields().forEachRemaining(e -> known.put(e.getKey(), e.getValue().asText()));
        }
        if (!directory.isHostedDomain(DOMAIN)) {
            directory.addDomain(DOMAIN);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String address : ACCOUNTS) {
            String password = known.get(address);
            boolean exists = directory.findAccount(address).isPresent();
            if (password == null || !exists) {
                password = password == null ? org.mailslot.server.admin.Passwords.generate() : password;
                if (exists) {
                    directory.setPassword(address, password.toCharArray());
                } else {
                    try {
                        directory.addAccount(address, password.toCharArray(), 0);
                    } catch (DirectoryException e) {
                        if (e.reason() != DirectoryException.Reason.EXISTS) {
                            throw e;
                        }
                    }
                }
            }
            passwords.put(address, password);
        }
        NodeStatus.write(passwordFile, passwords);
        java.nio.file.Files.setPosixFilePermissions(passwordFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return passwords;
    }

    private static ObjectNode describe(Path dir, Path config, MailNode node, Map<String, String> passwords) {
        ObjectNode root = NodeStatus.describe("node1", config, dir, node);
        root.remove("node");
        root.put("domain", DOMAIN);
        ArrayNode accounts = root.putArray("accounts");
        passwords.forEach((address, password) -> accounts.addObject().put("address", address).put("password", password));
        ArrayNode nodes = root.putArray("nodes");
        ObjectNode self = nodes.addObject();
        self.put("name", "node1");
        self.put("roles", "store,front");
        self.put("pid", ProcessHandle.current().pid());
        self.set("services", NodeStatus.services(node));
        return root;
    }

    private static void printWelcome(Path dir, MailNode node, Map<String, String> passwords) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nmailslot demo is running (data in ").append(dir).append(")\n\n");
        sb.append("Point a mail client at 127.0.0.1 (self-signed certificate, plaintext login allowed on loopback):\n");
        describeService(sb, node, "smtp", "SMTP (MX, incoming mail for " + DOMAIN + ")");
        describeService(sb, node, "submission", "Submission (STARTTLS, AUTH PLAIN/LOGIN)");
        describeService(sb, node, "submissions", "Submission over TLS");
        describeService(sb, node, "lmtp", "LMTP");
        describeService(sb, node, "pop3", "POP3 (STLS)");
        describeService(sb, node, "pop3s", "POP3 over TLS");
        describeService(sb, node, "imap", "IMAP (STARTTLS)");
        describeService(sb, node, "imaps", "IMAP over TLS");
        describeService(sb, node, "metrics", "Prometheus metrics at /metrics");
        sb.append("\nAccounts:\n");
        passwords.forEach((a, p) -> sb.append("  ").append(a).append("  password ").append(p).append('\n'));
        sb.append("\nTry: swaks --server 127.0.0.1:").append(node.endpoint("smtp").port())
                .append(" --to demo@").append(DOMAIN).append('\n');
        sb.append("Admin: ./mailslot admin --config ").append(dir.resolve("mailslot.yaml")).append(" account list\n");
        sb.append("Everything above is also in ").append(dir.resolve("demo.json")).append(". Ctrl-C stops.\n");
        System.out.println(sb);
        System.out.flush();
    }

    private static void describeService(StringBuilder sb, MailNode node, String name, String what) {
        Endpoint e = node.endpoint(name);
        if (e != null) {
            sb.append(String.format("  %-44s %s:%d%n", what, e.host(), e.port()));
        }
    }
}
