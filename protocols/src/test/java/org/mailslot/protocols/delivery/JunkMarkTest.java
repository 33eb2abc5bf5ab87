package org.mailslot.protocols.delivery;

import org.junit.jupiter.api.Test;
import org.mailslot.store.MessageContent;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JunkMarkTest {
    private static boolean marked(String message) {
        return JunkMark.present(MessageContent.of(message.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theMarkAmongTheTraceFieldsOnTop() {
        assertThat(marked("X-Spam-Flag: YES\r\nAuthentication-Results: mx; none\r\nReceived: x\r\nSubject: s\r\n\r\nb")).isTrue();
        assertThat(marked("Received: from lmtp\r\n\tby store\r\nx-spam-flag:   yes \r\nReceived: mx\r\nFrom: a@b\r\n\r\n")).isTrue();
        assertThat(marked("Return-Path: <a@b>\r\nX-Spam-Score: 9\r\nX-Spam-Flag: YES\r\n\r\n")).isTrue();
        assertThat(marked("X-Spam-Flag: YES")).isTrue();
    }

    @Test
    void notBelowTheSendersFieldsNorInTheBodyNorWithoutYes() {
        assertThat(marked("Received: x\r\nSubject: s\r\nX-Spam-Flag: YES\r\n\r\n")).isFalse();
        assertThat(marked("Received: x\r\n\r\nX-Spam-Flag: YES\r\n")).isFalse();
        assertThat(marked("X-Spam-Flag: NO\r\nSubject: s\r\n\r\n")).isFalse();
        assertThat(marked("X-Spam-Flag: YESSIR\r\n\r\n")).isFalse();
        assertThat(marked("Received: x\r\n" + "\tlong".repeat(20_000) + "\r\nX-Spam-Flag: YES\r\n\r\n")).isFalse();
        assertThat(marked("")).isFalse();
        assertThat(marked("garbage without colon\r\nX-Spam-Flag: YES\r\n")).isFalse();
    }
}
