package org.mailslot.front.proxy;

import org.mailslot.front.FrontSettings;
import org.mailslot.protocols.LoginHandoff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** What differs between IMAP, POP3 and submission when a front logs in to a store and relays a session. */
sealed interface Dialect permits Dialect.Imap, Dialect.Pop3, Dialect.Submission {

    /** The store refused the proxy login; {@code retry}: it is not (or no longer) the slot's master. */
    final class Refused extends Exception {
        final boolean retry;

        Refused(String reply, boolean retry) {
            super(reply);
            this.retry = retry;
        }
    }

    static Dialect of(LoginHandoff.Protocol p) {
        return switch (p) {
            case IMAP -> new Imap();
            case POP3 -> new Pop3();
            case SUBMISSION -> new Submission();
        };
    }

    int port(FrontSettings s);

    /** Reads the greeting, logs in with SASL PLAIN {@code plain} (base64) and returns the store's reply for the client. */
    String login(BackendLink link, String plain, String hostname) throws IOException, Refused;

    /** Sent to the client when the store went away without ending the session itself. */
    String goodbye();

    /** Whether {@code tail}, the last bytes the store sent, already ends the session. */
    boolean endedBy(String tail);

    /** Whether these bytes from the client end the session (IMAP LOGOUT, POP3 and SMTP QUIT). */
    default boolean endsSession(byte[] chunk, int length) {
        String text = new String(chunk, 0, length, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return text.startsWith("QUIT") || text.contains("\nQUIT") || text.contains(" LOGOUT");
    }

    /** Whether these bytes from the client ask for a compressed stream (IMAP COMPRESS, RFC 4978). */
    default boolean startsCompression(byte[] chunk, int length) {
        return false;
    }

    record Imap() implements Dialect {
        private static final String TAG = "P1";

        public int port(FrontSettings s) {
            return s.imapPort();
        }

        public String login(BackendLink link, String plain, String hostname) throws IOException, Refused {
            String greeting = link.readLine();
            if (!greeting.startsWith("* OK")) {
                throw new Refused(greeting, true);
            }
            link.writeLine(TAG + " AUTHENTICATE PLAIN " + plain);
            while (true) {
                String line = link.readLine();
                if (line.startsWith(TAG + " ")) {
                    String reply = line.substring(TAG.length() + 1);
                    if (reply.startsWith("OK")) {
                        return reply;
                    }
                    throw new Refused(reply, reply.contains("[UNAVAILABLE]"));
                }
                if (line.startsWith("* BYE")) {
                    throw new Refused(line, true);
                }
            }
        }

        public String goodbye() {
            return "* BYE [UNAVAILABLE] Mailbox server went away; reconnect";
        }

        public boolean endedBy(String tail) {
            return tail.startsWith("* BYE") || tail.contains("\n* BYE");
        }

        @Override
        public boolean startsCompression(byte[] chunk, int length) {
            return new String(chunk, 0, length, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT).contains(" COMPRESS ");
        }
    }

    record Pop3() implements Dialect {
        public int port(FrontSettings s) {
            return s.pop3Port();
        }

        public String login(BackendLink link, String plain, String hostname) throws IOException, Refused {
            String greeting = link.readLine();
            if (!greeting.startsWith("+OK")) {
                throw new Refused(greeting, true);
            }
            link.writeLine("AUTH PLAIN " + plain);
            String reply = link.readLine();
            if (reply.startsWith("+OK")) {
                return reply;
            }
            throw new Refused(reply, reply.contains("[SYS/TEMP]"));
        }

        public String goodbye() {
            return "-ERR [SYS/TEMP] Mailbox server went away; reconnect";
        }

        public boolean endedBy(String tail) {
            return false; // POP3 has no unsolicited goodbye; a QUIT's +OK is followed by the client closing
        }
    }

    record Submission() implements Dialect {
        public int port(FrontSettings s) {
            return s.submissionPort();
        }

        public String login(BackendLink link, String plain, String hostname) throws IOException, Refused {
            String greeting = reply(link);
            if (!greeting.startsWith("220")) {
                throw new Refused(greeting, true);
            }
            link.writeLine("EHLO " + hostname);
            String ehlo = reply(link);
            if (!ehlo.startsWith("250")) {
                throw new Refused(ehlo, true);
            }
            link.writeLine("AUTH PLAIN " + plain);
            String auth = reply(link);
            if (auth.startsWith("235")) {
                return auth;
            }
            throw new Refused(auth, auth.startsWith("4"));
        }

        /** The last line of a (multi-line) SMTP reply. */
        private static String reply(BackendLink link) throws IOException {
            String line = link.readLine();
            while (line.length() > 3 && line.charAt(3) == '-') {
                line = link.readLine();
            }
            return line;
        }

        public String goodbye() {
            return "421 4.3.0 Mail server went away, try again";
        }

        public boolean endedBy(String tail) {
            return tail.startsWith("421 ") || tail.contains("\n421 ") || tail.startsWith("221 ") || tail.contains("\n221 ");
        }
    }
}
