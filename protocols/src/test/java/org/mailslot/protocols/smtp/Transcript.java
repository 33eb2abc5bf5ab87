package org.mailslot.protocols.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays a golden transcript from test resources: "C: " lines are sent, "S: " lines must come back exactly,
 * "S~ " lines must match as regular expressions; "#" lines are comments. {NAME} in client lines is replaced.
 */
final class Transcript {
    private Transcript() {}

    static void play(String resource, SmtpClient client, Map<String, String> vars) throws IOException {
        String script;
        try (InputStream in = Transcript.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int n = 0;
        for (String line : script.split("\n", -1)) {
            n++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String body = line.length() > 3 ? line.substring(3) : "";
            switch (line.substring(0, 2)) {
                case "C:" -> {
                    for (var v : vars.entrySet()) {
                        body = body.replace("{" + v.getKey() + "}", v.getValue());
                    }
                    client.send(body + "\r\n");
                }
                case "S:" -> assertThat(client.readLine()).as(resource + ":" + n).isEqualTo(body);
                case "S~" -> assertThat(client.readLine()).as(resource + ":" + n).matches(body);
                default -> throw new IllegalArgumentException(resource + ":" + n + ": bad line " + line);
            }
        }
    }
}
