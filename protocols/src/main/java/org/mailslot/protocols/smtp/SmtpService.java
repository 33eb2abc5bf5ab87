package org.mailslot.protocols.smtp;

import org.mailslot.core.net.Connection;
import org.mailslot.core.net.SessionHandler;
import org.mailslot.protocols.ProtocolContext;
import org.mailslot.protocols.delivery.Ingest;
import org.mailslot.protocols.delivery.MailDrop;
import org.mailslot.protocols.delivery.Outbox;
import org.mailslot.protocols.smtp.inbound.InboundChecks;

import java.io.IOException;

/**
 * The SMTP engine as a {@link SessionHandler}: one instance per listener, in one of three modes (MX, submission,
 * LMTP), run by {@code LineServer} with {@link SmtpSettings#net()}:
 * <pre>
 * new LineServer("smtp", endpoint, settings.net(), tls, new SmtpService(SmtpMode.MX, settings, ctx), meters)
 * </pre>
 * Mail accepted by any mode goes to one {@link MailDrop}: on a store node {@link Ingest}, the only code that writes
 * slots.
 */
public final class SmtpService implements SessionHandler {
    private final SmtpMode mode;
    private final SmtpSettings settings;
    private final ProtocolContext ctx;
    private final String hostname;
    private final Outbox outbox;
    private final MailDrop drop;
    private final EnvelopePolicy policy;
    private final Commands commands;

    /** The command classes, stateless, shared by all sessions of this service. */
    record Commands(MailCommand mail, RcptCommand rcpt, DataCommand data, BdatCommand bdat, AuthCommand auth) {}

    /** A service that writes mail into the slots this node masters. */
    public SmtpService(SmtpMode mode, SmtpSettings settings, ProtocolContext ctx) {
        this(mode, settings, ctx, new Ingest(ctx));
    }

    /** A service that hands accepted mail to {@code drop} (a front hands it to the slots' masters). */
    public SmtpService(SmtpMode mode, SmtpSettings settings, ProtocolContext ctx, MailDrop drop) {
        this(mode, settings, ctx, drop, null);
    }

    /**
     * An MX that runs {@code inbound} (SPF, DKIM, DMARC, spamd) on every message before handing it to {@code drop};
     * null: no checks, only forged Authentication-Results and X-Spam-* fields are removed.
     */
    public SmtpService(SmtpMode mode, SmtpSettings settings, ProtocolContext ctx, MailDrop drop, InboundChecks inbound) {
        this(mode, settings, ctx, drop, inbound, null);
    }

    /**
     * Submission on a store node: every accepted message goes to {@code outbox} (Sent and the slot's outbound queue
     * in one replicated transaction). A front's submission needs none: its sessions are relayed after AUTH.
     */
    public static SmtpService submission(SmtpSettings settings, ProtocolContext ctx, Outbox outbox) {
        return new SmtpService(SmtpMode.SUBMISSION, settings, ctx, new Ingest(ctx), null, outbox);
    }

    private SmtpService(SmtpMode mode, SmtpSettings settings, ProtocolContext ctx, MailDrop drop, InboundChecks inbound,
                        Outbox outbox) {
        this.mode = mode;
        this.settings = settings;
        this.ctx = ctx;
        this.hostname = settings.hostname() != null ? settings.hostname() : ctx.hostname();
        this.outbox = outbox;
        this.drop = drop;
        this.policy = new EnvelopePolicy(mode, ctx, drop, hostname);
        MessageDelivery delivery = new MessageDelivery(inbound != null ? inbound : InboundChecks.stripOnly(hostname));
        this.commands = new Commands(new MailCommand(), new RcptCommand(), new DataCommand(delivery),
                new BdatCommand(delivery), new AuthCommand());
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new SmtpSession(connection, this, commands).run();
    }

    @Override
    public String refusal(Refusal why) {
        return switch (why) {
            case TOO_MANY_CONNECTIONS -> "421 4.7.0 " + hostname + " Too many connections, try again later";
            case TOO_MANY_FROM_ADDRESS -> "421 4.7.0 " + hostname + " Too many connections from your address, try again later";
            case SHUTTING_DOWN -> "421 4.3.2 " + hostname + " Service shutting down, try again later";
        };
    }

    @Override
    public String timeoutReply() {
        return "421 4.4.2 " + hostname + " Timeout exceeded, closing connection";
    }

    /** RFC 5321 wants 421 for a reply that closes the connection; 4.3.0 tells the sender to retry. */
    @Override
    public String internalErrorReply(String incident) {
        return "421 4.3.0 " + hostname + " Internal error (incident " + incident + "), try again later";
    }

    SmtpMode mode() {
        return mode;
    }

    SmtpSettings settings() {
        return settings;
    }

    ProtocolContext context() {
        return ctx;
    }

    String hostname() {
        return hostname;
    }

    Outbox outbox() {
        return outbox;
    }

    MailDrop drop() {
        return drop;
    }

    EnvelopePolicy policy() {
        return policy;
    }
}
