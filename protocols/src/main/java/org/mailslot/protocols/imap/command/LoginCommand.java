package org.mailslot.protocols.imap.command;

import org.mailslot.directory.Account;
import org.mailslot.directory.DirectoryException;
import org.mailslot.protocols.auth.SaslPlain;
import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.ImapRequest;

import java.io.IOException;
import java.util.Optional;

/** LOGIN (RFC 9051 6.2.3) through the shared authenticator, which throttles and logs failures. */
public final class LoginCommand {
    private LoginCommand() {}

    public static void run(ImapSession s, ImapRequest.Login r) throws IOException {
        if (!s.context().authenticator().mayAuthenticate(s.connection())) {
            s.no(r.tag(), "PRIVACYREQUIRED", "Plaintext authentication is disabled; use STARTTLS first", "auth-plaintext");
            return;
        }
        login(s, r.tag(), new SaslPlain("", r.user(), r.password().toCharArray()), "LOGIN");
    }

    /** Shared with AUTHENTICATE: checks the credentials and answers the tagged response. */
    static void login(ImapSession s, String tag, SaslPlain credentials, String how) throws IOException {
        Optional<Account> found;
        try {
            found = s.context().authenticator().authenticate(s.connection(), credentials);
        } catch (DirectoryException e) {
            s.no(tag, "UNAVAILABLE", "Authentication temporarily unavailable, try again later", "directory");
            return;
        }
        if (found.isEmpty()) {
            // the authenticator has counted, logged and delayed the failure
            s.out().no(tag, "AUTHENTICATIONFAILED", "Authentication failed");
            if (s.loginFailed()) {
                s.out().untagged(ResponseStatus.BYE, null, "Too many authentication failures");
                s.close();
            }
            return;
        }
        if (s.context().handoff() != null) {
            s.handOff(tag, found.get(), how);
        } else if (s.loggedIn(tag, found.get(), how)) {
            s.ok(tag, "CAPABILITY " + s.capabilities(), "Logged in");
        }
    }
}
