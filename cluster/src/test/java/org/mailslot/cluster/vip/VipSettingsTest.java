package org.mailslot.cluster.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.mailslot.core.config.ConfigException;
import org.mailslot.core.config.ConfigNode;

/** The vip section: safe defaults, and the timing rules that keep two fronts from holding one VIP, by key. */
class VipSettingsTest {

    static VipSettings read(String yaml) {
        return VipSettings.from(ConfigNode.parse(yaml).section("vip"));
    }

    @Test
    void defaults() {
        VipSettings d = read("");
        assertThat(d).isEqualTo(VipSettings.defaults());
        assertThat(d.poll()).isEqualTo(Duration.ofMillis(250));
        assertThat(read("vip:\n  ip-manager: linux\n  interface: eth0\n").ipManager()).isEqualTo(VipSettings.LINUX);
    }

    @Test
    void badTimingIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> read("vip:\n  self-release-after: 2500ms\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("vip.self-release-after: must be at most vip.takeover-after");
        assertThatThrownBy(() -> read("vip:\n  takeover-after: 1s\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("vip.takeover-after: must be at least 3 x vip.heartbeat");
        assertThatThrownBy(() -> read("vip:\n  heartbeat: 1s\n  takeover-after: 10s\n  self-release-after: 1s\n"))
                .hasMessageStartingWith("vip.self-release-after: must be at least 2 x vip.heartbeat");
        assertThatThrownBy(() -> read("vip:\n  ip-manager: linux\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("vip.interface: is needed with vip.ip-manager: linux");
        assertThatThrownBy(() -> read("vip:\n  ip-manager: keepalived\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("vip.ip-manager: must be one of");
        assertThatThrownBy(() -> read("vip:\n  ip-manager: linux\n  interface: eth0; reboot\n"))
                .hasMessageStartingWith("vip.interface: must be a network interface name");
    }
}
