package org.mailslot.cluster.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The answering function on its own: protocol corners, and fuzzing with random and mutated messages. */
class DnsAnswererTest {
    static final ZoneView VIEW = ZoneView.build(DnsResponderTest.settings(), DnsResponderTest.zone(DnsResponderTest.VIPS), 7);

    static byte[] query(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        return q.toWire();
    }

    static Message ask(byte[] query, boolean tcp) throws Exception {
        byte[] answer = DnsAnswerer.answer(query, tcp, VIEW);
        assertThat(answer).isNotNull();
        return new Message(answer);
    }

    @Test
    void responsesAndTinyMessagesGetSilence() throws Exception {
        byte[] q = query("imap.example.test.", Type.A);
        q[2] |= (byte) 0x80; // QR: it is a response
        assertThat(DnsAnswerer.answer(q, false, VIEW)).isNull();
        assertThat(DnsAnswerer.answer(new byte[11], false, VIEW)).isNull();
        assertThat(DnsAnswerer.answer(null, false, VIEW)).isNull();
    }

    @Test
    void otherOpcodesGetNotimpAndTwoQuestionsFormerr() throws Exception {
        Message notify = Message.newQuery(Record.newRecord(Name.fromString("example.test."), Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(ask(notify.toWire(), false).getRcode()).isEqualTo(Rcode.NOTIMP);
        Message two = Message.newQuery(Record.newRecord(Name.fromString("imap.example.test."), Type.A, DClass.IN));
        two.addRecord(Record.newRecord(Name.fromString("pop.example.test."), Type.A, DClass.IN), Section.QUESTION);
        assertThat(ask(two.toWire(), false).getRcode()).isEqualTo(Rcode.FORMERR);
        Message none = new Message();
        assertThat(ask(none.toWire(), false).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void ednsIsAnsweredWithEdnsAndNewerVersionsWithBadvers() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("imap.example.test."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Message a = ask(q.toWire(), false);
        assertThat(a.getOPT()).isNotNull();
        assertThat(a.getOPT().getPayloadSize()).isEqualTo(DnsAnswerer.EDNS_PAYLOAD);
        assertThat(a.getSection(Section.ANSWER)).hasSize(5 - 1); // the IPv6 VIP is an AAAA record
        Message v1 = Message.newQuery(Record.newRecord(Name.fromString("imap.example.test."), Type.A, DClass.IN));
        v1.addRecord(new OPTRecord(4096, 0, 1), Section.ADDITIONAL);
        assertThat(ask(v1.toWire(), false).getRcode()).isEqualTo(Rcode.BADVERS);
    }

    @Test
    void theQuestionsSpellingIsKeptAndOtherClassesAreRefused() throws Exception {
        Message a = ask(query("iMaP.ExAmPlE.tEsT.", Type.A), false);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(a.getSection(Section.ANSWER)).allSatisfy(r -> assertThat(r.getName().toString()).isEqualTo("iMaP.ExAmPlE.tEsT."));
        Message chaos = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        assertThat(ask(chaos.toWire(), false).getRcode()).isEqualTo(Rcode.REFUSED);
        Message any = ask(query("example.com.", Type.ANY), false);
        assertThat(any.getSection(Section.ANSWER)).extracting(Record::getType)
                .contains(Type.SOA, Type.NS, Type.MX, Type.TXT);
    }

    @Test
    void fuzzRandomBytesNeverThrowAndAnswersAreWellFormed() throws Exception {
        Random random = new Random(20261129);
        List<byte[]> seeds = List.of(query("imap.example.test.", Type.A), query("example.com.", Type.MX),
                query("mail._domainkey.example.com.", Type.TXT), query("nosuch.example.test.", Type.AAAA));
        int answered = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] input;
            if (i % 3 == 0) {
                input = new byte[random.nextInt(600)];
                random.nextBytes(input);
            } else {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                input = java.util.Arrays.copyOf(seed, Math.max(0, seed.length + random.nextInt(9) - 4));
                for (int flips = 1 + random.nextInt(4); flips > 0 && input.length > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
            }
            for (boolean tcp : new boolean[]{false, true}) {
                byte[] answer = DnsAnswerer.answer(input, tcp, VIEW);
                if (answer != null) {
                    answered++;
                    Message m = new Message(answer);
                    assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
                    assertThat(m.getHeader().getID()).isEqualTo(((input[0] & 0xff) << 8) | (input[1] & 0xff));
                    if (!tcp) {
                        assertThat(answer.length).isLessThanOrEqualTo(DnsAnswerer.EDNS_PAYLOAD);
                    }
                }
            }
        }
        assertThat(answered).isGreaterThan(10_000);
    }

    @Test
    void settingsNameTheKeyThatIsWrong() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsSettings("127.0.0.1", 53, "", List.of(), "mx",
                Duration.ofSeconds(30), List.of(), Duration.ofSeconds(1))).hasMessageStartingWith("dns.zone is needed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsSettings("127.0.0.1", 53, "example..test",
                List.of(), "mx", Duration.ofSeconds(30), List.of(), Duration.ofSeconds(1))).hasMessageStartingWith("dns.zone must");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsSettings("127.0.0.1", 53, "example.test",
                List.of("imap.x"), "mx", Duration.ofSeconds(30), List.of(), Duration.ofSeconds(1)))
                .hasMessageStartingWith("dns.service-names");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsSettings("127.0.0.1", 53, "example.test",
                List.of(), "mx", Duration.ofSeconds(30), List.of("+all"), Duration.ofSeconds(1)))
                .hasMessageStartingWith("dns.spf-extra");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DnsSettings("127.0.0.1", 53, "example.test",
                List.of(), "mx", Duration.ofSeconds(30), List.of("ip4:1.2.3.4 -all"), Duration.ofSeconds(1)))
                .hasMessageStartingWith("dns.spf-extra");
    }
}
