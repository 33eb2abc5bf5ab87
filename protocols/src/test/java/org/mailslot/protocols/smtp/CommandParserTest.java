package org.mailslot.protocols.smtp;

import org.junit.jupiter.api.Test;
import org.mailslot.protocols.smtp.SmtpCommand.Body;
import org.mailslot.protocols.smtp.SmtpCommand.Verb;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {
    private final CommandParser mx = new CommandParser(SmtpMode.MX);
    private final CommandParser submission = new CommandParser(SmtpMode.SUBMISSION);
    private final CommandParser lmtp = new CommandParser(SmtpMode.LMTP);

    private SmtpCommand ok(CommandParser p, String line) {
        ParseResult r = p.parse(line.getBytes(StandardCharsets.UTF_8));
        assertThat(r).as(line).isInstanceOf(ParseResult.Ok.class);
        return ((ParseResult.Ok) r).command();
    }

    private ParseResult.Error error(CommandParser p, String line) {
        ParseResult r = p.parse(line.getBytes(StandardCharsets.UTF_8));
        assertThat(r).as(line).isInstanceOf(ParseResult.Error.class);
        return (ParseResult.Error) r;
    }

    private String code(CommandParser p, String line) {
        Reply r = error(p, line).reply();
        return r.code() + " " + r.enhanced();
    }

    @Test
    void hello() {
        assertThat(ok(mx, "EHLO client.example.org")).isEqualTo(new SmtpCommand.Hello(Verb.EHLO, "client.example.org"));
        assertThat(ok(mx, "helo [192.0.2.1] extra words")).isEqualTo(new SmtpCommand.Hello(Verb.HELO, "[192.0.2.1]"));
        assertThat(code(mx, "EHLO")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "LHLO x")).isEqualTo("500 5.5.2");
        assertThat(code(lmtp, "EHLO x")).isEqualTo("500 5.5.1");
        assertThat(code(lmtp, "HELO x")).isEqualTo("500 5.5.1");
        assertThat(ok(lmtp, "LHLO mta")).isEqualTo(new SmtpCommand.Hello(Verb.LHLO, "mta"));
    }

    @Test
    void mailFrom() {
        assertThat(ok(mx, "MAIL FROM:<a@b.example>")).isEqualTo(new SmtpCommand.Mail("a@b.example", -1, Body.UNSPECIFIED, false));
        assertThat(ok(mx, "mail from:<>")).isEqualTo(new SmtpCommand.Mail("", -1, Body.UNSPECIFIED, false));
        assertThat(ok(mx, "MAIL FROM: <a@b.example> SIZE=1000 BODY=8BITMIME"))
                .isEqualTo(new SmtpCommand.Mail("a@b.example", 1000, Body.EIGHT_BIT_MIME, false));
        assertThat(ok(mx, "MAIL FROM:<@relay.example,@other.example:a@b.example> BODY=7bit"))
                .isEqualTo(new SmtpCommand.Mail("a@b.example", -1, Body.SEVEN_BIT, false));
        assertThat(ok(mx, "MAIL FROM:<\"john doe\"@b.example>")).isEqualTo(new SmtpCommand.Mail("\"john doe\"@b.example", -1, Body.UNSPECIFIED, false));
        assertThat(ok(mx, "MAIL FROM:<a@[192.0.2.1]>")).isEqualTo(new SmtpCommand.Mail("a@[192.0.2.1]", -1, Body.UNSPECIFIED, false));
        assertThat(ok(mx, "MAIL FROM:<jörg@bücher.example> SMTPUTF8"))
                .isEqualTo(new SmtpCommand.Mail("jörg@bücher.example", -1, Body.UNSPECIFIED, true));
        assertThat(ok(mx, "MAIL FROM:<a@b.example> SIZE=99999999999999999999999").toString()).contains(String.valueOf(Long.MAX_VALUE));
    }

    @Test
    void mailFromErrors() {
        assertThat(code(mx, "MAIL FROM:a@b.example")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL TO:<a@b.example>")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "MAIL FROM:<a@b.example")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL FROM:<a@b.example>junk")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL FROM:<a..b@c.example>")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL FROM:<a@-c.example>")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL FROM:<no-domain>")).isEqualTo("501 5.1.7");
        assertThat(code(mx, "MAIL FROM:<a@b.example> BODY=BINARYMIME")).isEqualTo("555 5.5.4");
        assertThat(code(mx, "MAIL FROM:<a@b.example> RET=HDRS")).isEqualTo("555 5.5.4");
        assertThat(code(mx, "MAIL FROM:<a@b.example> AUTH=<>")).isEqualTo("555 5.5.4");
        assertThat(ok(submission, "MAIL FROM:<a@b.example> AUTH=<>")).isInstanceOf(SmtpCommand.Mail.class);
        assertThat(code(mx, "MAIL FROM:<a@b.example> SIZE=12x")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "MAIL FROM:<a@b.example> SIZE=1 SIZE=2")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "MAIL FROM:<a@b.example> SMTPUTF8=yes")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "MAIL FROM:<jörg@b.example>")).isEqualTo("553 5.6.7");
        assertThat(code(mx, "MAIL FROM:<" + "x".repeat(250) + "@b.example>")).isEqualTo("501 5.1.7");
    }

    @Test
    void rcptTo() {
        assertThat(ok(mx, "RCPT TO:<alice@example.com>")).isEqualTo(new SmtpCommand.Rcpt("alice@example.com"));
        assertThat(ok(mx, "rcpt to:<Postmaster>")).isEqualTo(new SmtpCommand.Rcpt("postmaster"));
        assertThat(((SmtpCommand.Rcpt) ok(mx, "RCPT TO:<postmaster>")).bare()).isTrue();
        assertThat(code(mx, "RCPT TO:<>")).isEqualTo("501 5.1.3");
        assertThat(code(mx, "RCPT TO:<alice@example.com> NOTIFY=NEVER")).isEqualTo("555 5.5.4");
        assertThat(code(mx, "RCPT TO:alice@example.com")).isEqualTo("501 5.1.3");
        assertThat(code(mx, "RCPT FROM:<alice@example.com>")).isEqualTo("501 5.5.4");
    }

    @Test
    void bdat() {
        assertThat(ok(mx, "BDAT 1000")).isEqualTo(new SmtpCommand.Bdat(1000, false));
        assertThat(ok(mx, "BDAT 0 LAST")).isEqualTo(new SmtpCommand.Bdat(0, true));
        assertThat(ok(mx, "bdat 5 last")).isEqualTo(new SmtpCommand.Bdat(5, true));
        ParseResult.Error e = error(mx, "BDAT x LAST");
        assertThat(e.fatal()).isTrue();
        assertThat(error(mx, "BDAT").fatal()).isTrue();
        assertThat(error(mx, "BDAT 10 MORE").fatal()).isTrue();
        assertThat(error(mx, "BDAT 9999999999999999999999").fatal()).isTrue();
    }

    @Test
    void auth() {
        assertThat(ok(submission, "AUTH PLAIN")).isEqualTo(new SmtpCommand.Auth("PLAIN", null));
        assertThat(ok(submission, "AUTH plain AGFsaWNlAHNlY3JldA==")).isEqualTo(new SmtpCommand.Auth("PLAIN", "AGFsaWNlAHNlY3JldA=="));
        assertThat(ok(submission, "AUTH PLAIN =")).isEqualTo(new SmtpCommand.Auth("PLAIN", ""));
        assertThat(code(submission, "AUTH")).isEqualTo("501 5.5.4");
        assertThat(code(submission, "AUTH PL/AIN")).isEqualTo("501 5.5.4");
    }

    @Test
    void simpleCommandsAndUnknown() {
        assertThat(ok(mx, "DATA")).isEqualTo(new SmtpCommand.Simple(Verb.DATA));
        assertThat(ok(mx, "noop anything")).isEqualTo(new SmtpCommand.Simple(Verb.NOOP));
        assertThat(code(mx, "DATA now")).isEqualTo("501 5.5.4");
        assertThat(code(mx, "QUIT please")).isEqualTo("501 5.5.4");
        assertThat(ok(mx, "EXPN staff")).isEqualTo(new SmtpCommand.NotImplemented(Verb.EXPN));
        assertThat(ok(mx, "VRFY bob")).isEqualTo(new SmtpCommand.Vrfy("bob"));
        assertThat(code(mx, "XYZZY")).isEqualTo("500 5.5.2");
        assertThat(code(mx, "")).isEqualTo("500 5.5.2");
        assertThat(code(mx, "MAIL\0FROM:<a@b>")).isEqualTo("500 5.5.2");
        assertThat(code(mx, "RCPT TO:<a\0@b.example>")).isEqualTo("500 5.5.2");
        ParseResult bad = mx.parse(new byte[]{'N', 'O', 'O', 'P', ' ', (byte) 0xff});
        assertThat(((ParseResult.Error) bad).reply().code()).isEqualTo(500);
    }

    @Test
    void httpRequestsEndTheSession() {
        ParseResult.Error e = error(mx, "GET / HTTP/1.1");
        assertThat(e.fatal()).isTrue();
        assertThat(e.reply().code()).isEqualTo(554);
        assertThat(error(mx, "POST /x HTTP/1.0").fatal()).isTrue();
        assertThat(error(mx, "CONNECT mx.example.com:25 HTTP/1.1").fatal()).isTrue();
    }
}
