package org.mailslot.core.net;

import java.nio.charset.StandardCharsets;

/**
 * Bytes read from a connection up to an end of line, without the line ending.
 *
 * @param bytes  the line's content
 * @param ending how the line ended: {@link Ending#CRLF}, a bare {@link Ending#LF}, {@link Ending#NONE} when the
 *               limit was reached first (the rest of the line follows in the next read), or {@link Ending#EOF}
 *               when the peer closed mid-line
 */
public record Line(byte[] bytes, Ending ending) {
    public enum Ending { CRLF, LF, NONE, EOF }

    public boolean complete() {
        return ending == Ending.CRLF || ending == Ending.LF;
    }

    /** The line as text: UTF-8, with malformed sequences replaced. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public int length() {
        return bytes.length;
    }
}
