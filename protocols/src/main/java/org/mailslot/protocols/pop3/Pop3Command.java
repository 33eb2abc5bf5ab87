package org.mailslot.protocols.pop3;

/**
 * A well-formed POP3 command with its arguments (RFC 1939, 2449, 2595, 5034). Message numbers too large to
 * exist are kept as {@link Integer#MAX_VALUE}, which every maildrop answers with "no such message".
 */
sealed interface Pop3Command extends Pop3Request {

    Pop3Verb verb();

    record User(String name) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.USER; }
    }

    /** The password is the rest of the line after "PASS ", spaces included (RFC 1939 section 7 allows them). */
    record Pass(String password) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.PASS; }

        @Override
        public String toString() {
            return "Pass[***]";
        }
    }

    /**
     * AUTH with a mechanism, or without one to list the mechanisms.
     *
     * @param mechanism       upper-cased, or null for the bare "AUTH" listing
     * @param initialResponse the SASL-IR argument (RFC 5034): base64, "=" for an empty one, null when absent
     */
    record Auth(String mechanism, String initialResponse) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.AUTH; }

        @Override
        public String toString() {
            return "Auth[" + mechanism + (initialResponse == null ? "" : " ***") + "]";
        }
    }

    record Stls() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.STLS; }
    }

    record Capa() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.CAPA; }
    }

    record Quit() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.QUIT; }
    }

    record Stat() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.STAT; }
    }

    /** @param message the message number, or null for the whole listing */
    record List(Integer message) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.LIST; }
    }

    /** @param message the message number, or null for the whole listing */
    record Uidl(Integer message) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.UIDL; }
    }

    record Retr(int message) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.RETR; }
    }

    /** @param lines body lines to send after the header; counts too large to matter are {@link Long#MAX_VALUE} */
    record Top(int message, long lines) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.TOP; }
    }

    record Dele(int message) implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.DELE; }
    }

    record Rset() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.RSET; }
    }

    record Noop() implements Pop3Command {
        public Pop3Verb verb() { return Pop3Verb.NOOP; }
    }
}
