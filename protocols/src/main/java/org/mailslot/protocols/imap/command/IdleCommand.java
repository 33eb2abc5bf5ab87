package org.mailslot.protocols.imap.command;

import org.mailslot.core.net.Line;
import org.mailslot.protocols.imap.ImapSession;
import org.mailslot.protocols.imap.response.ResponseStatus;
import org.mailslot.protocols.imap.parse.CommandParser;
import org.mailslot.protocols.imap.parse.ImapRequest;
import org.mailslot.protocols.imap.session.SelectedMailbox;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * IDLE (RFC 2177, RFC 9051 6.3.13). The session thread blocks reading the client's DONE; a notifier thread,
 * woken by the store's mailbox listener within milliseconds of a commit (delivery, another session), refreshes the
 * view and sends the updates, and sends "* OK Still here" every {@code imap.idle-keepalive}. The notifier is the
 * only writer and the only user of the view until it has been stopped and joined, so nothing is shared unguarded.
 */
public final class IdleCommand {
    private IdleCommand() {}

    public static void run(ImapSession s, ImapRequest.Idle r) throws IOException {
        s.sendUpdates();
        s.out().continuation("idling");
        s.flush();
        SelectedMailbox sel = s.selected();
        Semaphore wake = new Semaphore(0);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long keepalive = s.settings().idleKeepalive().toMillis();
        AutoCloseable subscription = sel == null ? () -> { } : sel.watch().subscribe(sel.mailboxId(), wake::release);
        Thread notifier = Thread.ofVirtual().name("imap-idle-" + s.connection().id()).start(() -> {
            try {
                while (!stop.get()) {
                    if (s.slotMoved()) { // the copy was switched or failed over: end the session
                        s.flush();
                        s.connection().close();
                        break;
                    }
                    s.sendUpdates();
                    s.flush();
                    boolean woke = wake.tryAcquire(keepalive, TimeUnit.MILLISECONDS);
                    if (stop.get()) {
                        break;
                    }
                    wake.drainPermits();
                    if (!woke) {
                        s.out().untagged(ResponseStatus.OK, null, "Still here");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        Line line;
        try {
            line = s.connection().readLine();
        } finally {
            stop.set(true);
            wake.release();
            join(notifier);
            try {
                subscription.close();
            } catch (Exception ignored) {
                // removing a waiter cannot fail
            }
        }
        if (failure.get() instanceof IOException e) {
            throw e;
        }
        if (failure.get() instanceof RuntimeException e) {
            throw e;
        }
        if (line == null || !line.complete()) {
            s.close();
            return;
        }
        if (CommandParser.isDone(line.bytes())) {
            s.ok(r.tag(), null, "IDLE terminated");
        } else {
            s.bad(r.tag(), "Expected DONE to end IDLE");
        }
    }

    private static void join(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
