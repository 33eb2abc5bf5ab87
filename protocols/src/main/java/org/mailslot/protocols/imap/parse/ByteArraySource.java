package org.mailslot.protocols.imap.parse;

import org.mailslot.core.net.Line;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A {@link CommandSource} over bytes already in memory (tests, fuzzing, benchmarks). Counts continuations. */
public final class ByteArraySource implements CommandSource {
    private final byte[] data;
    private int pos;
    private int continuations;

    public ByteArraySource(byte[] data) {
        this.data = data;
    }

    public ByteArraySource(String text) {
        this(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** How many "+" continuations the reader asked for. */
    public int continuations() {
        return continuations;
    }

    public boolean exhausted() {
        return pos >= data.length;
    }

    @Override
    public Line readLine(int limit) {
        if (pos >= data.length) return null;
        int max = Math.min(data.length, pos + limit + 2);
        for (int i = pos; i < max; i++) {
            if (data[i] == '\n') {
                int end = i > pos && data[i - 1] == '\r' ? i - 1 : i;
                Line.Ending ending = end < i ? Line.Ending.CRLF : Line.Ending.LF;
                if (end - pos > limit) break;
                byte[] b = Arrays.copyOfRange(data, pos, end);
                pos = i + 1;
                return new Line(b, ending);
            }
        }
        if (data.length - pos <= limit) {
            byte[] b = Arrays.copyOfRange(data, pos, data.length);
            pos = data.length;
            return new Line(b, Line.Ending.EOF);
        }
        byte[] b = Arrays.copyOfRange(data, pos, pos + limit);
        pos += limit;
        return new Line(b, Line.Ending.NONE);
    }

    @Override
    public void readExact(long n, OutputStream sink) throws IOException {
        if (data.length - pos < n) {
            pos = data.length;
            throw new EOFException("stream ended inside a literal");
        }
        sink.write(data, pos, (int) n);
        pos += (int) n;
    }

    @Override
    public void continuation(long size) {
        continuations++;
    }
}
