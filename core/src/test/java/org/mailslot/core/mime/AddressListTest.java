package org.mailslot.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AddressListTest {
    private static String render(String header) {
        StringBuilder out = new StringBuilder();
        AddressList.render(out, header);
        return out.toString();
    }

    @Test
    void commonForms() {
        assertThat(render("a@b")).isEqualTo("((NIL NIL \"a\" \"b\"))");
        assertThat(render("John Q. Public <jqp@x.org>")).isEqualTo("((\"John Q. Public\" NIL \"jqp\" \"x.org\"))");
        assertThat(render("jqp@x.org (John Public)")).isEqualTo("((\"John Public\" NIL \"jqp\" \"x.org\"))");
        assertThat(render("<@r1,@r2:u@h>")).isEqualTo("((NIL \"@r1,@r2\" \"u\" \"h\"))");
        assertThat(render("=?utf-8?b?SsO8cmdlbg==?= <j@x>")).isEqualTo("((\"=?utf-8?b?SsO8cmdlbg==?=\" NIL \"j\" \"x\"))");
        assertThat(render("team: a@x, \"B\" <b@x>;, c@y")).isEqualTo(
                "((NIL NIL \"team\" NIL)(NIL NIL \"a\" \"x\")(\"B\" NIL \"b\" \"x\")(NIL NIL NIL NIL)(NIL NIL \"c\" \"y\"))");
    }

    @Test
    void emptyAndBroken() {
        assertThat(render("")).isEqualTo("NIL");
        assertThat(render(" , ,")).isEqualTo("NIL");
        assertThat(render(null)).isEqualTo("NIL");
        assertThat(render("localonly")).isEqualTo("((NIL NIL \"localonly\" \"\"))");
        assertThat(render("<unterminated@x")).isEqualTo("((NIL NIL \"unterminated\" \"x\"))");
        assertThat(render("\"unterminated <a@b>")).isEqualTo("((NIL NIL \"unterminated <a\" \"b>\"))");
    }
}
