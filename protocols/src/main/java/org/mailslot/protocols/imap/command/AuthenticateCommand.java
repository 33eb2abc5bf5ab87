package org.mailslot.protocols.imap.command;

import org.mailslot.core.net.Line;
import org.mailslot.protocols.auth.SaslPlain;
import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;
import java.util.Optional;

/** AUTHENTICATE PLAIN (RFC 9051 6.2.2, RFC 4616) with SASL-IR (RFC 4959). */
public final class AuthenticateCommand {
    private AuthenticateCommand() {}

    public static void run(ImapSession s, ImapRequest.Authenticate r) throws IOException {
        if (!"PLAIN".equalsIgnoreCase(r.mechanism())) {
            s.no(r.tag(), "CANNOT", "Unsupported authentication mechanism", "auth-mechanism");
            return;
        }
        if (!s.context().authenticator().mayAuthenticate(s.connection()) && !SaslPlain.isProxyLogin(r.initialResponse())) {
            s.no(r.tag(), "PRIVACYREQUIRED", "Plaintext authentication is disabled; use STARTTLS first", "auth-plaintext");
            return;
        }
        String response = r.initialResponse();
        if (response == null) {
            s.out().continuation("");
            s.flush();
            Line line = s.connection().readLine();
            if (line == null || !line.complete()) {
                s.close();
                return;
            }
            response = line.text();
            if (response.equals("*")) {
                s.bad(r.tag(), "Authentication cancelled");
                return;
            }
        }
        Optional<SaslPlain> plain = response.equals("=") ? Optional.empty() : SaslPlain.decode(response);
        if (plain.isEmpty()) {
            s.bad(r.tag(), "Invalid SASL PLAIN response");
            return;
        }
        LoginCommand.login(s, r.tag(), plain.get(), plain.get().proxyLogin() ? "proxy login" : "AUTHENTICATE PLAIN");
    }
}
