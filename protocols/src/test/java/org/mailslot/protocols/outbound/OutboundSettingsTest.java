package org.mailslot.protocols.outbound;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigKey;
import org.mailslot.core.config.ConfigNode;
import org.mailslot.protocols.smtp.client.TlsPolicy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundSettingsTest {

    private static OutboundSettings read(String yaml) {
        return OutboundSettings.from(ConfigNode.parse("outbound:\n" + yaml.indent(2)).section("outbound"));
    }

    @Test
    void defaults() {
        OutboundSettings d = OutboundSettings.defaults();
        assertThat(d.heloName()).isNull();
        assertThat(d.resolvers()).isEmpty();
        assertThat(d.port()).isEqualTo(25);
        assertThat(d.tls()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.dataTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.maxAddresses()).isEqualTo(5);
        assertThat(d.dkim()).isTrue();
        assertThat(d.smarthost()).isNull();
        assertThat(d.withHeloName("out.example.com").heloName()).isEqualTo("out.example.com");
    }

    @Test
    void smarthostWithCredentialsNeedsTls() {
        OutboundSettings s = read("""
                smarthost: relay.example.net:587
                smarthost-user: me
                smarthost-password: secret
                resolvers: ["127.0.0.1:5353", "[::1]", "ns.example"]
                """);
        assertThat(s.smarthost().host()).isEqualTo("relay.example.net");
        assertThat(s.smarthost().port()).isEqualTo(587);
        assertThat(s.smarthost().tls()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(s.smarthost().toString()).doesNotContain("secret");
        assertThat(s.resolvers()).extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 5353),
                        org.assertj.core.groups.Tuple.tuple("::1", 53), org.assertj.core.groups.Tuple.tuple("ns.example", 53));
        assertThat(read("smarthost: relay.example.net").smarthost().tls()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(read("smarthost: relay.example.net").smarthost().port()).isEqualTo(25);

        assertThatThrownBy(() -> read("smarthost: r.example\nsmarthost-user: me\nsmarthost-password: x\nsmarthost-tls: none"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("outbound.smarthost-tls:");
        assertThatThrownBy(() -> read("smarthost: r.example\nsmarthost-user: me"))
                .hasMessageStartingWith("outbound.smarthost-password:");
        assertThatThrownBy(() -> read("smarthost-user: me\nsmarthost-password: x"))
                .hasMessageStartingWith("outbound.smarthost-user:");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> read("tls: maybe")).isInstanceOf(ConfigException.class).hasMessageStartingWith("outbound.tls:");
        assertThatThrownBy(() -> read("smarthost: \"relay:99999\"")).hasMessageStartingWith("outbound.smarthost:");
        assertThatThrownBy(() -> read("resolvers: [\"bad host!\"]")).hasMessageStartingWith("outbound.resolvers:");
        assertThatThrownBy(() -> read("port: 0")).hasMessageStartingWith("outbound.port:");
        assertThatThrownBy(() -> read("connect-timeout: 10m")).hasMessageStartingWith("outbound.connect-timeout:");
        assertThatThrownBy(() -> read("max-mx-addresses: 0")).hasMessageStartingWith("outbound.max-mx-addresses:");
        OutboundSettings missingTrust = read("tls-trust-file: /nonexistent/ca.pem");
        assertThatThrownBy(() -> missingTrust.clientTls(TlsPolicy.REQUIRED)).hasMessageStartingWith("outbound.tls-trust-file:");
        assertThatThrownBy(() -> new RemoteTransport(OutboundSettings.defaults(), DkimSigner.none()))
                .hasMessageContaining("helo-name");
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        ConfigNode root = ConfigNode.parse("");
        OutboundSettings.from(root.section("outbound"));
        String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<String> keys = root.keysRead().stream().map(ConfigKey::key).toList();
        assertThat(keys).hasSizeGreaterThan(15);
        assertThat(keys.stream().filter(k -> !docs.contains("`" + k + "`")).toList())
                .as("outbound keys missing from docs/configuration.md").isEmpty();
    }
}
