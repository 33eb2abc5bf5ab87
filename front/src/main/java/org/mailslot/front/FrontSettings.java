package org.mailslot.front;

import java.time.Duration;

/**
 * How a front reaches the store nodes.
 *
 * @param imapPort       {@code front.store-ports.imap}: the stores' IMAP port (plain; the front logs in with a proxy token)
 * @param pop3Port       {@code front.store-ports.pop3}
 * @param submissionPort {@code front.store-ports.submission}
 * @param lmtpPort       {@code front.store-ports.lmtp}: where inbound mail is handed to a slot's master
 * @param connectTimeout {@code front.connect-timeout}: one connection attempt to a store node
 * @param masterWait     {@code front.master-wait}: how long a login or a delivery keeps looking for the slot's master
 *                       (a switchover takes well under a second, a failover the cluster's failover-after) before the
 *                       client gets a temporary failure
 * @param refresh        {@code front.refresh}: how often the slot map is read from the directory
 */
public record FrontSettings(int imapPort, int pop3Port, int submissionPort, int lmtpPort, Duration connectTimeout,
                            Duration masterWait, Duration refresh) {

    public static FrontSettings defaults() {
        return new FrontSettings(143, 110, 587, 24, Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMillis(500));
    }
}
