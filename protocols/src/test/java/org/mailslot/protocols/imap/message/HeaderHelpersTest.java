package org.mailslot.protocols.imap.message;

import org.mailslot.core.mime.HeaderDecoder;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class HeaderHelpersTest {

    @Test
    void encodedWordsDecodeInTheirCharsetAndJoinWhenAdjacent() {
        assertThat(HeaderDecoder.decode("=?UTF-8?B?SsO8cmdlbg==?= <j@x>")).isEqualTo("Jürgen <j@x>");
        assertThat(HeaderDecoder.decode("=?iso-8859-1?Q?caf=E9_au_lait?=")).isEqualTo("café au lait");
        assertThat(HeaderDecoder.decode("=?utf-8?q?a?=  \r\n =?utf-8?q?b?= c")).isEqualTo("ab c");
        // a multi-byte character split across two words
        assertThat(HeaderDecoder.decode("=?utf-8?B?w6k=?= =?utf-8?B?w6k=?=")).isEqualTo("éé");
        assertThat(HeaderDecoder.decode("=?utf-8?B?ww==?= =?utf-8?B?qQ==?=")).isEqualTo("é");
        assertThat(HeaderDecoder.decode("=?x-unknown?q?a?= plain")).isEqualTo("=?x-unknown?q?a?= plain");
        assertThat(HeaderDecoder.decode("=?utf-8*en?q?hi?=")).isEqualTo("hi");
        assertThat(HeaderDecoder.decode("broken =?utf-8?q?no end")).isEqualTo("broken =?utf-8?q?no end");
        assertThat(HeaderDecoder.decode("a =?utf-8?q?x?= b")).isEqualTo("a x b");
    }

    @Test
    void rawEightBitHeadersAreUtf8ElseLatin1() {
        byte[] utf8 = "Grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(HeaderDecoder.text(utf8, 0, utf8.length)).isEqualTo("Grüße");
        byte[] latin = "Grüße".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(HeaderDecoder.text(latin, 0, latin.length)).isEqualTo("Grüße");
    }

    @Test
    void baseSubjectsPerRfc5256() {
        assertThat(BaseSubject.of("Re: hello")).isEqualTo(new BaseSubject("hello", true));
        assertThat(BaseSubject.of("RE: Fwd: re[2]: hello")).isEqualTo(new BaseSubject("hello", true));
        assertThat(BaseSubject.of("Fw: hello (fwd)")).isEqualTo(new BaseSubject("hello", true));
        assertThat(BaseSubject.of("[list] Re: [other] hello")).isEqualTo(new BaseSubject("hello", true));
        assertThat(BaseSubject.of("[Fwd: Re: hello]")).isEqualTo(new BaseSubject("hello", true));
        assertThat(BaseSubject.of("[only blob]")).isEqualTo(new BaseSubject("[only blob]", false));
        assertThat(BaseSubject.of("[list]   hello\t  world  ")).isEqualTo(new BaseSubject("hello world", false));
        assertThat(BaseSubject.of("Regarding: x")).isEqualTo(new BaseSubject("Regarding: x", false));
        assertThat(BaseSubject.of("=?utf-8?q?Re=3A_caf=C3=A9?=")).isEqualTo(new BaseSubject("café", true));
        assertThat(BaseSubject.of(null)).isEqualTo(new BaseSubject("", false));
        assertThat(BaseSubject.of("Re:")).isEqualTo(new BaseSubject("", true));
        assertThat(BaseSubject.of("HeLLo").key()).isEqualTo("hello");
    }

    @Test
    void datesLenientlyAndTheirZones() {
        assertThat(DateHeader.parse("Mon, 7 Feb 1994 21:52:25 -0800"))
                .isEqualTo(OffsetDateTime.of(1994, 2, 7, 21, 52, 25, 0, ZoneOffset.ofHours(-8)));
        assertThat(DateHeader.parse("7 Feb 94 21:52 EST (comment)"))
                .isEqualTo(OffsetDateTime.of(1994, 2, 7, 21, 52, 0, 0, ZoneOffset.ofHours(-5)));
        assertThat(DateHeader.parse("Tue, 1 Jan 2030 00:00:00")).isEqualTo(
                OffsetDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        assertThat(DateHeader.parse("31 Feb 2020 10:00 +0000")).isNull();
        assertThat(DateHeader.parse("yesterday")).isNull();
        assertThat(DateHeader.parse("")).isNull();
        assertThat(DateHeader.parse(null)).isNull();
    }

    @Test
    void firstAddresses() {
        assertThat(Address.first("\"Doe, John\" <John.Doe@Example.com>, x@y"))
                .isEqualTo(new Address("Doe, John", "John.Doe", "Example.com"));
        assertThat(Address.first("jane@example.org (Jane Roe)"))
                .isEqualTo(new Address("Jane Roe", "jane", "example.org"));
        assertThat(Address.first("undisclosed-recipients:;")).isNull();
        assertThat(Address.first("team: a@b, c@d;")).isEqualTo(new Address("", "a", "b"));
        assertThat(Address.first("=?utf-8?q?J=C3=BCrgen?= <j@x.de>").display()).isEqualTo("Jürgen");
        assertThat(Address.first("<@route:u@h>")).isEqualTo(new Address("", "u", "h"));
        assertThat(Address.first("j@x.de").display()).isEqualTo("j@x.de");
        assertThat(Address.first("")).isNull();
        assertThat(Address.first("<unterminated")).isEqualTo(new Address("", "unterminated", ""));
    }

    @Test
    void objectIds() {
        assertThat(ObjectIds.parseEmailId(ObjectIds.emailId(42))).isEqualTo(42);
        assertThat(ObjectIds.parseEmailId("M")).isEqualTo(-1);
        assertThat(ObjectIds.parseEmailId("M99999999999999999999")).isEqualTo(-1);
        assertThat(ObjectIds.parseThreadId(ObjectIds.threadId(7))).isEqualTo(7);
        assertThat(ObjectIds.parseThreadId("M7")).isEqualTo(-1);
        assertThat(ObjectIds.parseEmailId("T7")).isEqualTo(-1);
        assertThat(ObjectIds.parseThreadId("T7x")).isEqualTo(-1);
    }
}
