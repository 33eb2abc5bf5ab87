package org.mailslot.core.net;

import java.net.SocketTimeoutException;

/** A command or data transfer did not finish in the time allowed, even though bytes kept trickling in. */
public final class CommandTimeoutException extends SocketTimeoutException {
    public CommandTimeoutException(String message) {
        super(message);
    }
}
