package org.mailslot.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.mailslot.core.net.Endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The JSON that tells tools where a running node listens: written once every listener is ready, atomically,
 * so a reader that sees the file can connect. {@code demo.json} is this plus the demo's accounts.
 */
final class NodeStatus {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private NodeStatus() {
    }

    static ObjectNode describe(String nodeName, Path config, Path dataDir, RunningNode node) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        root.put("config", config.toAbsolutePath().toString());
        root.put("data", dataDir.toAbsolutePath().toString());
        root.put("pid", ProcessHandle.current().pid());
        root.put("node", nodeName);
        root.set("services", services(node));
        if (node.tls() != null) {
            root.putObject("tls").put("certificate", node.certificateFile().toString());
        }
        return root;
    }

    static ObjectNode services(RunningNode node) {
        ObjectNode services = JSON.createObjectNode();
        node.endpoints().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> services.set(e.getKey(), endpoint(e.getValue())));
        return services;
    }

    static ObjectNode endpoint(Endpoint e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("host", e.host());
        o.put("port", e.port());
        o.put("tls", e.tls().name().toLowerCase());
        return o;
    }

    static void write(Path file, Object json) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(json));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
