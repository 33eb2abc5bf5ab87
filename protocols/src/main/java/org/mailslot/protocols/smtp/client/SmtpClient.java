package org.mailslot.protocols.smtp.client;

import org.mailslot.protocols.smtp.client.SendResult.RecipientReply;
import org.mailslot.protocols.smtp.client.SendResult.Stage;
import org.mailslot.store.MessageContent;

import javax.net.ssl.SSLException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A blocking SMTP (RFC 5321) or LMTP (RFC 2033) client session over one TCP connection, made for one thread.
 * <pre>{@code
 * try (SmtpClient c = SmtpClient.connect(Protocol.SMTP, "mx.example.net", 25, ClientSettings.defaults())) {
 *     c.hello("out.example.com");
 *     c.startTls(ClientTls.opportunistic());
 *     SendResult r = c.send("alice@example.com", List.of("bob@example.net"), content);
 *     c.quit();
 * }
 * }</pre>
 * A server's refusal of a command is a {@link ClientReply}; a refusal of the session itself (greeting, EHLO,
 * required STARTTLS), a protocol violation, a closed connection or a timeout is a {@link SmtpClientException}, after
 * which the client is unusable. Every reply is bounded by {@link ClientSettings}.
 */
public final class SmtpClient implements AutoCloseable {

    /** Which protocol the session speaks: LMTP greets with LHLO and answers DATA once per accepted recipient. */
    public enum Protocol { SMTP, LMTP }

    /** Commands sent in one pipelined burst before their replies are read (keeps both sides' buffers small). */
    private static final int PIPELINE_BATCH = 100;

    private final Protocol protocol;
    private final ClientSettings settings;
    private final String serverName;
    private final String where;
    private final Socket raw;
    private Socket socket;
    private OutputStream out;
    private ReplyReader reader;
    private final ClientReply greeting;
    private String helloName;
    private Capabilities capabilities = Capabilities.NONE;
    private TlsInfo tls;
    private boolean broken;
    private boolean quit;

    private SmtpClient(Protocol protocol, ClientSettings settings, String serverName, Socket raw) throws IOException {
        this.protocol = protocol;
        this.settings = settings;
        this.serverName = serverName;
        this.raw = raw;
        this.where = serverName + "[" + raw.getInetAddress().getHostAddress() + "]:" + raw.getPort();
        useSocket(raw);
        ClientReply hi;
        try {
            hi = await("the greeting", settings.commandTimeout());
        } catch (IOException e) {
            throw broken(e);
        }
        if (hi.code() != 220) {
            quietQuit();
            throw broken(new SmtpClientException("server refused the session: " + hi, hi, null));
        }
        this.greeting = hi;
    }

    /**
     * Connects to {@code address} and reads the greeting. {@code serverName} is the name the server is known by
     * (the MX host name, or the configured host): TLS verifies the certificate against it, and errors mention it.
     *
     * @throws SmtpClientException when the server does not answer in time or greets with anything but 220
     * @throws IOException         when the connection cannot be made
     */
    public static SmtpClient connect(Protocol protocol, InetSocketAddress address, String serverName,
                                     ClientSettings settings) throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(settings, "settings");
        String target = serverName + "[" + (address.isUnresolved() ? address.getHostString()
                : address.getAddress().getHostAddress()) + "]:" + address.getPort();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, (int) settings.connectTimeout().toMillis());
        } catch (SocketTimeoutException e) {
            s.close();
            throw new SmtpClientException("cannot connect to " + target + ": no answer within "
                    + settings.connectTimeout().toSeconds() + "s", e);
        } catch (IOException e) {
            s.close();
            throw new SmtpClientException("cannot connect to " + target + ": " + e.getMessage(), e);
        }
        return new SmtpClient(protocol, settings, serverName, s);
    }

    /** Resolves {@code host} and connects to it (see {@link #connect(Protocol, InetSocketAddress, String, ClientSettings)}). */
    public static SmtpClient connect(Protocol protocol, String host, int port, ClientSettings settings)
            throws IOException {
        return connect(protocol, new InetSocketAddress(host, port), host, settings);
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The server as errors name it: {@code name[address]:port}. */
    public String server() {
        return where;
    }

    /** The server's 220 greeting. */
    public ClientReply greeting() {
        return greeting;
    }

    /** What the last EHLO or LHLO announced; empty before {@link #hello} and after a HELO fallback. */
    public Capabilities capabilities() {
        return capabilities;
    }

    /** What STARTTLS negotiated, or empty when the session is in plaintext. */
    public Optional<TlsInfo> tls() {
        return Optional.ofNullable(tls);
    }

    /**
     * Introduces the client as {@code clientName}: LHLO for LMTP; EHLO for SMTP, falling back to HELO when EHLO gets a
     * 5xx (then {@link #capabilities()} is empty).
     *
     * @throws SmtpClientException when the server refuses the greeting
     */
    public ClientReply hello(String clientName) throws IOException {
        checkArgument(clientName, "client name");
        usable();
        helloName = clientName;
        try {
            return greet();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private ClientReply greet() throws IOException {
        String verb = protocol == Protocol.LMTP ? "LHLO" : "EHLO";
        ClientReply r = command(verb + " " + helloName, verb);
        if (r.isPositive()) {
            capabilities = Capabilities.parse(r);
            return r;
        }
        if (protocol == Protocol.SMTP && r.isPermanent()) {
            ClientReply helo = command("HELO " + helloName, "HELO");
            if (helo.isPositive()) {
                capabilities = Capabilities.NONE;
                return helo;
            }
            r = helo;
        }
        quietQuit();
        throw new SmtpClientException("server refused " + verb + ": " + r, r, null);
    }

    /**
     * Starts TLS as {@code tls} says, after {@link #hello}: does nothing for {@link TlsPolicy#NONE}; for
     * {@link TlsPolicy#OPPORTUNISTIC} upgrades when the server offers STARTTLS and stays in plaintext when it does not
     * or refuses the command; for {@link TlsPolicy#REQUIRED} fails when it cannot upgrade or the certificate does not
     * verify. After the handshake the client says EHLO/LHLO again, so {@link #capabilities()} are the new ones.
     *
     * @return what was negotiated, or empty when the session stays in plaintext
     * @throws SmtpClientException when TLS was required but could not be had, or the handshake failed (a failed
     *                             opportunistic handshake leaves no usable session: reconnect without TLS)
     */
    public Optional<TlsInfo> startTls(ClientTls tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        usable();
        if (helloName == null) {
            throw new IllegalStateException("hello() comes before startTls()");
        }
        if (tls.policy() == TlsPolicy.NONE || this.tls != null) {
            return tls();
        }
        boolean required = tls.policy() == TlsPolicy.REQUIRED;
        try {
            if (!capabilities.startTls()) {
                if (required) {
                    throw new SmtpClientException("TLS is required but the server does not offer STARTTLS");
                }
                return Optional.empty();
            }
            ClientReply r = command("STARTTLS", "STARTTLS");
            if (r.code() != 220) {
                if (required) {
                    throw new SmtpClientException("TLS is required but the server refused STARTTLS: " + r, r, null);
                }
                return Optional.empty();
            }
            if (reader.buffered() > 0) {
                throw new SmtpClientException("server sent data after its STARTTLS reply (RFC 3207 5)");
            }
            ClientTls.Handshake h;
            try {
                h = tls.handshake(socket, serverName, (int) settings.commandTimeout().toMillis());
            } catch (SSLException e) {
                throw new SmtpClientException("TLS handshake failed: " + e.getMessage(), e);
            }
            useSocket(h.socket());
            this.tls = h.info();
            greet();
            return tls();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /**
     * AUTH PLAIN (RFC 4954, RFC 4616) with an initial response: {@code authzid} (the identity to act as; null or
     * empty for "myself"), {@code authcid} (who logs in) and {@code password}. A failure is a reply, e.g. 535.
     */
    public ClientReply authPlain(String authzid, String authcid, String password) throws IOException {
        checkArgument(authcid, "authentication identity");
        Objects.requireNonNull(password, "password");
        usable();
        byte[] message = ((authzid == null ? "" : authzid) + "\0" + authcid + "\0" + password)
                .getBytes(StandardCharsets.UTF_8);
        String response = Base64.getEncoder().encodeToString(message);
        java.util.Arrays.fill(message, (byte) 0);
        try {
            ClientReply r = command("AUTH PLAIN " + response, "AUTH PLAIN");
            if (r.code() == 334) { // a server that ignored the initial response: cancel rather than send it twice
                r = command("*", "AUTH PLAIN cancel");
            }
            return r;
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /**
     * One mail transaction: MAIL FROM (with SIZE, BODY=8BITMIME and SMTPUTF8 where the server offers them and the
     * message needs them), RCPT TO for each recipient (pipelined when the server offers PIPELINING), and DATA when
     * at least one recipient was accepted, streaming {@code content} with CRLF line ends and dot-stuffing. Under
     * LMTP each accepted recipient gets its own reply to the final dot. A transaction that did not end with DATA is
     * reset, so the session can carry another one.
     *
     * @param sender     the reverse path, "" for a bounce
     * @param recipients the forward paths, at least one
     * @return one reply per recipient, in order
     * @throws SmtpClientException when the session broke (then nothing is known about the recipients that had not
     *                             got a final reply)
     */
    public SendResult send(String sender, List<String> recipients, MessageContent content) throws IOException {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(content, "content");
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a transaction needs at least one recipient");
        }
        checkPath(sender);
        recipients.forEach(SmtpClient::checkPath);
        usable();
        if (helloName == null) {
            throw new IllegalStateException("hello() comes before send()");
        }
        try {
            return transaction(sender, recipients, content);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private SendResult transaction(String sender, List<String> recipients, MessageContent content) throws IOException {
        boolean utf8 = !isAscii(sender) || recipients.stream().anyMatch(r -> !isAscii(r));
        if (utf8 && !capabilities.smtpUtf8()) {
            return all(recipients, Stage.LOCAL, new ClientReply(553, "5.6.7",
                    List.of("non-ASCII address, and " + serverName + " does not support SMTPUTF8")));
        }
        long size = content.size();
        long limit = capabilities.sizeLimit().orElse(0);
        if (limit > 0 && size > limit) {
            return all(recipients, Stage.LOCAL, new ClientReply(552, "5.3.4",
                    List.of("message of " + size + " octets is larger than " + serverName + " accepts (" + limit + ")")));
        }
        StringBuilder mail = new StringBuilder("MAIL FROM:<").append(sender).append('>');
        if (capabilities.sizeLimit().isPresent()) {
            mail.append(" SIZE=").append(size);
        }
        if (capabilities.eightBitMime() && hasEightBit(content)) {
            mail.append(" BODY=8BITMIME");
        }
        if (utf8) {
            mail.append(" SMTPUTF8");
        }
        List<String> commands = new ArrayList<>(recipients.size() + 1);
        commands.add(mail.toString());
        for (String r : recipients) {
            commands.add("RCPT TO:<" + r + ">");
        }
        List<ClientReply> replies = envelope(commands);
        ClientReply mailReply = replies.getFirst();
        if (!mailReply.isPositive()) {
            return all(recipients, Stage.MAIL, mailReply);
        }
        RecipientReply[] out = new RecipientReply[recipients.size()];
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            ClientReply r = replies.get(i + 1);
            if (r.isPositive()) {
                accepted.add(i);
            } else {
                out[i] = new RecipientReply(recipients.get(i), Stage.RCPT, r);
            }
        }
        if (accepted.isEmpty()) {
            rsetQuietly();
            return new SendResult(List.of(out));
        }
        ClientReply go = command("DATA", "DATA");
        if (go.code() != 354) {
            accepted.forEach(i -> out[i] = new RecipientReply(recipients.get(i), Stage.DATA, go));
            rsetQuietly();
            return new SendResult(List.of(out));
        }
        List<ClientReply> finals = data(content, accepted.stream().map(recipients::get).toList());
        for (int k = 0; k < accepted.size(); k++) {
            int i = accepted.get(k);
            out[i] = new RecipientReply(recipients.get(i), Stage.DATA, finals.get(k));
        }
        return new SendResult(List.of(out));
    }

    /** Sends MAIL and the RCPTs, in pipelined batches when offered, one by one otherwise; one reply per command. */
    private List<ClientReply> envelope(List<String> commands) throws IOException {
        List<ClientReply> replies = new ArrayList<>(commands.size());
        if (!capabilities.pipelining()) {
            for (String c : commands) {
                ClientReply r = command(c, verbOf(c));
                replies.add(r);
                if (replies.size() == 1 && !r.isPositive()) {
                    break; // MAIL refused: no RCPT
                }
            }
            while (replies.size() < commands.size()) {
                replies.add(replies.getFirst());
            }
            return replies;
        }
        for (int from = 0; from < commands.size(); from += PIPELINE_BATCH) {
            List<String> batch = commands.subList(from, Math.min(commands.size(), from + PIPELINE_BATCH));
            write(batch);
            for (String c : batch) {
                replies.add(await(verbOf(c), settings.commandTimeout()));
            }
        }
        return replies;
    }

    /** Streams the message and reads the reply to the final dot: one, or one per recipient under LMTP. */
    private List<ClientReply> data(MessageContent content, List<String> accepted) throws IOException {
        try (Deadline deadline = Deadline.arm(raw, settings.dataTimeout())) {
            try (InputStream in = content.open()) {
                new DataEncoder(out).encode(in);
                out.flush();
                List<ClientReply> finals = new ArrayList<>(accepted.size());
                if (protocol == Protocol.LMTP) {
                    for (String r : accepted) {
                        finals.add(await("the end of data for <" + r + ">", settings.dataTimeout()));
                    }
                } else {
                    ClientReply r = await("the end of data", settings.dataTimeout());
                    accepted.forEach(x -> finals.add(r));
                }
                return finals;
            } catch (SocketException e) {
                if (deadline.fired()) {
                    throw new SmtpClientException("DATA not done within " + human(settings.dataTimeout()), e);
                }
                throw e;
            }
        }
    }

    /** RSET: ends the current transaction. */
    public ClientReply rset() throws IOException {
        usable();
        try {
            return command("RSET", "RSET");
        } catch (IOException e) {
            throw broken(e);
        }
    }

    /** QUIT, then closes the connection. */
    public ClientReply quit() throws IOException {
        usable();
        try {
            ClientReply r = command("QUIT", "QUIT");
            quit = true;
            return r;
        } catch (IOException e) {
            throw broken(e);
        } finally {
            closeSocket();
        }
    }

    /** Closes the connection, saying QUIT first (without waiting for its reply) when the session is still sound. */
    @Override
    public void close() {
        if (!broken && !quit && !raw.isClosed()) {
            quietQuit();
        }
        closeSocket();
    }

    private void rsetQuietly() throws IOException {
        command("RSET", "RSET");
    }

    private void quietQuit() {
        try {
            quit = true;
            write(List.of("QUIT"));
        } catch (IOException ignored) {
            // the server may already be gone
        }
    }

    private ClientReply command(String line, String what) throws IOException {
        write(List.of(line));
        return await(what, settings.commandTimeout());
    }

    private void write(List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        try (Deadline deadline = Deadline.arm(raw, settings.commandTimeout())) {
            try {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (SocketException e) {
                if (deadline.fired()) {
                    throw new SmtpClientException("server did not read " + verbOf(lines.getFirst()) + " within "
                            + human(settings.commandTimeout()), e);
                }
                throw new SmtpClientException("cannot send " + verbOf(lines.getFirst()) + ": " + e.getMessage(), e);
            }
        }
    }

    private ClientReply await(String what, Duration timeout) throws IOException {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            return reader.read(what);
        } catch (SocketTimeoutException e) {
            throw new SmtpClientException("no reply to " + what + " within " + human(timeout), e);
        }
    }

    private void useSocket(Socket s) throws IOException {
        socket = s;
        out = new BufferedOutputStream(s.getOutputStream(), 16384);
        reader = new ReplyReader(s.getInputStream(), settings.maxReplyLineLength(), settings.maxReplyLines());
    }

    private void usable() throws SmtpClientException {
        if (broken || quit) {
            throw new SmtpClientException(where + ": the session is over" + (quit ? " (QUIT)" : " (broken)"));
        }
    }

    /** Marks the session as unusable, closes it and names the server in the error. */
    private SmtpClientException broken(IOException e) {
        broken = true;
        closeSocket();
        if (e instanceof SmtpClientException s && s.getMessage().startsWith(where)) {
            return s;
        }
        ClientReply reply = e instanceof SmtpClientException s ? s.reply() : null;
        return new SmtpClientException(where + ": " + e.getMessage(), reply, e.getCause() != null ? e.getCause() : e);
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
        try {
            raw.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static SendResult all(List<String> recipients, Stage stage, ClientReply reply) {
        return new SendResult(recipients.stream().map(r -> new RecipientReply(r, stage, reply)).toList());
    }

    private static boolean hasEightBit(MessageContent content) throws IOException {
        byte[] buf = new byte[16384];
        try (InputStream in = content.open()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] < 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    private static String verbOf(String command) {
        if (command.startsWith("MAIL")) {
            return "MAIL FROM";
        }
        if (command.startsWith("RCPT")) {
            return command.substring(0, Math.min(command.length(), 200));
        }
        int sp = command.indexOf(' ');
        return sp < 0 ? command : command.substring(0, sp);
    }

    private static void checkPath(String address) {
        if (address.length() > 1000 || address.chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
            throw new IllegalArgumentException("not a mail address for the envelope: " + ReplyReader.quote(address));
        }
    }

    private static void checkArgument(String value, String what) {
        if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("invalid " + what + ": " + (value == null ? "null" : ReplyReader.quote(value)));
        }
    }
}
