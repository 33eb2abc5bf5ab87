package org.mailslot.protocols.pop3;

import org.mailslot.core.net.Line;
import org.mailslot.protocols.auth.SaslPlain;

import java.io.IOException;
import java.util.Optional;

/**
 * AUTH (RFC 5034): SASL PLAIN with an initial response on the command line or after a "+ " continuation; "*"
 * cancels. A bare "AUTH" lists the mechanisms (the older RFC 1734 form some clients still send).
 */
final class AuthCommand {
    static final String PLAIN = "PLAIN";

    private AuthCommand() {
    }

    static void run(Pop3Session s, Pop3Command.Auth c) throws IOException {
        if (c.mechanism() == null) {
            s.ok("Supported mechanisms follow");
            if (s.mayAuthenticate()) {
                s.line(PLAIN);
            }
            s.endMultiline();
            return;
        }
        if (!PLAIN.equals(c.mechanism())) {
            s.bad(Pop3Verb.AUTH, "AUTH", "Unsupported authentication mechanism", "syntax");
            return;
        }
        if (!s.mayAuthenticate() && !SaslPlain.isProxyLogin(c.initialResponse())) {
            s.refuse(Pop3Verb.AUTH, "plaintext", RespCode.AUTH, Pop3Session.PLAINTEXT_REFUSED);
            return;
        }
        String response = c.initialResponse();
        if (response == null) {
            s.connection().writeLine("+ ");
            s.connection().flush();
            Line line = s.connection().readLine();
            if (line == null || !line.complete()) {
                if (line != null && line.ending() == Line.Ending.NONE && s.connection().skipLine()) {
                    s.bad(Pop3Verb.AUTH, "AUTH", "Authentication response too long", "limit");
                    return;
                }
                s.close();
                return;
            }
            response = line.text();
            if (response.equals("*")) {
                s.refuse(Pop3Verb.AUTH, "auth-cancelled", RespCode.NONE, "Authentication cancelled");
                return;
            }
        } else if (response.equals("=")) {
            response = ""; // RFC 5034 section 4: "=" is an empty initial response
        }
        Optional<SaslPlain> plain = SaslPlain.decode(response);
        if (plain.isEmpty()) {
            s.bad(Pop3Verb.AUTH, "AUTH", "Invalid SASL PLAIN response", "syntax");
            return;
        }
        s.login(Pop3Verb.AUTH, plain.get());
    }
}
