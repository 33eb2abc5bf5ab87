package org.mailslot.protocols.smtp;

import org.mailslot.store.MessageContent;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The content of one message while it arrives: in memory up to {@code memoryLimit}, then in a temp file (owner-only)
 * under the spool directory. The one owner of that file is the transaction; {@link #close()} deletes it, always.
 *
 * <p>Counts body octets against {@code sizeLimit}; past it the content is dropped and only counted, so the session
 * can read on to the end of the data and answer 552 instead of closing.
 */
final class Spool implements AutoCloseable {
    private final Path dir;
    private final long memoryLimit;
    private final long sizeLimit;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
    private Path file;
    private OutputStream fileOut;
    private long stored;
    private long bodySize;
    private boolean exceeded;
    private final OutputStream body = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            bodySize += len;
            if (!exceeded && bodySize > sizeLimit) {
                exceeded = true;
                memory = null; // drop what we have; we only count from here on
                if (fileOut != null) {
                    fileOut.close();
                    fileOut = null;
                }
            }
            if (!exceeded) {
                store(b, off, len);
            }
        }
    };

    Spool(Path dir, long memoryLimit, long sizeLimit) {
        this.dir = dir;
        this.memoryLimit = memoryLimit;
        this.sizeLimit = sizeLimit;
    }

    /** Content we add in front of the client's (the Received header); not counted against the size limit. */
    void prologue(byte[] header) throws IOException {
        store(header, 0, header.length);
    }

    /** Where the client's content goes; counted against the size limit. */
    OutputStream body() {
        return body;
    }

    long bodySize() {
        return bodySize;
    }

    boolean exceeded() {
        return exceeded;
    }

    /** Whether the content went to a file (for tests and logs). */
    boolean onDisk() {
        return file != null;
    }

    /** The complete content, for delivery; valid until {@link #close()}. */
    MessageContent content() throws IOException {
        if (exceeded) {
            throw new IllegalStateException("message exceeded the size limit");
        }
        if (fileOut != null) {
            fileOut.close();
            fileOut = null;
        }
        return file != null ? MessageContent.of(file) : MessageContent.of(memory.toByteArray());
    }

    private void store(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && stored + len > memoryLimit && file == null) {
            file = Files.createTempFile(dir, "smtp-", ".msg",
                    PosixFilePermissions.asFileAttribute(Set.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE)));
            fileOut = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(b, off, len);
        } else {
            memory.write(b, off, len);
        }
        stored += len;
    }

    @Override
    public void close() {
        memory = null;
        try {
            if (fileOut != null) {
                fileOut.close();
            }
        } catch (IOException ignored) {
            // deleting it next
        } finally {
            fileOut = null;
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(Spool.class).warn("cannot delete spool file {}: {}", file, e.getMessage());
            }
        }
    }
}
