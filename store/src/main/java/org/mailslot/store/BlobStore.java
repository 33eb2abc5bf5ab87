package org.mailslot.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Content-addressed, immutable bodies under {@code blobs/ab/cd/<sha256>}. A body is written to
 * {@code blobs/tmp}, fsynced and renamed into place; the caller then has it <em>pinned</em> until the row
 * that refers to it commits, so garbage collection never removes a body that is about to be referenced.
 */
final class BlobStore {
    private static final int BUFFER = 64 * 1024;

    /**
     * A body now on disk; {@code dirToSync} is its directory when a rename into it still needs an fsync;
     * {@code header} its top-level header as {@link HeaderCapture} keeps it (null when over the cap).
     */
    record Written(String hash, long size, Path dirToSync, byte[] header) {}

    private final Path root;
    private final Path tmp;
    private final Map<String, Integer> pins = new HashMap<>();

    BlobStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        cleanTmp();
    }

    /** Temp files left by an abrupt stop never became blobs: remove them. */
    private void cleanTmp() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    Path path(String hash) {
        return root.resolve(hash.substring(0, 2) + "/" + hash.substring(2, 4) + "/" + hash);
    }

    /** 64 lower-case hex digits (checked on every read, so no regular expression). */
    static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes and fsyncs the body, leaving it pinned; the caller must {@link #unpin} it. The header is captured from
     * the same buffers as they are written, so it costs no second read.
     */
    Written write(MessageContent content) throws IOException {
        Path temp = tmp.resolve(UUID.randomUUID() + ".tmp");
        MessageDigest sha = sha256();
        HeaderCapture header = new HeaderCapture();
        long size = 0;
        try (InputStream in = content.open();
             FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                header.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                size += n;
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        pin(hash);
        try {
            Path target = path(hash);
            if (Files.exists(target) && Files.size(target) == size) {
                Files.delete(temp); // already stored: bodies are immutable and shared
                return new Written(hash, size, null, header.header());
            }
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                createDirSynced(dir.getParent());
                createDirSynced(dir);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Written(hash, size, dir, header.header());
        } catch (IOException | RuntimeException e) {
            unpin(hash);
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Stores a body that must hash to {@code expected}: streamed to a temp file while hashing, fsynced, and only then
     * renamed over {@code ab/cd/<expected>} (replacing a damaged file of that name, or an identical one) with the
     * directory fsynced. Returns the SHA-256 the bytes had: a body with another hash than {@code expected} is deleted
     * before it reaches the store.
     */
    String receive(String expected, InputStream in) throws IOException {
        Path temp = tmp.resolve(UUID.randomUUID() + ".tmp");
        MessageDigest sha = sha256();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
            }
            out.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(expected)) {
            Files.delete(temp);
            return actual;
        }
        pin(expected);
        try {
            Path target = path(expected);
            Path dir = target.getParent();
            if (!Files.isDirectory(dir)) {
                createDirSynced(dir.getParent());
                createDirSynced(dir);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir(dir);
            return expected;
        } finally {
            unpin(expected);
            Files.deleteIfExists(temp);
        }
    }

    private static void createDirSynced(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            syncDir(dir.getParent());
        }
    }

    static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    boolean exists(String hash) {
        return isHash(hash) && Files.isRegularFile(path(hash));
    }

    InputStream open(String hash) throws IOException {
        if (!isHash(hash)) {
            throw new NoSuchFileException("not a blob hash: " + hash);
        }
        return Files.newInputStream(path(hash));
    }

    private void pin(String hash) {
        synchronized (pins) {
            pins.merge(hash, 1, Integer::sum);
        }
    }

    void unpin(String hash) {
        synchronized (pins) {
            pins.computeIfPresent(hash, (h, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Deletes the blob if nobody has it pinned and {@code referenced} says no committed row uses it.
     * Both checks and the delete happen under the pin lock, so a writer that pins afterwards sees the
     * file gone and writes it again.
     */
    boolean collect(String hash, Predicate<String> referenced) throws IOException {
        synchronized (pins) {
            if (pins.containsKey(hash) || referenced.test(hash)) {
                return false;
            }
            return Files.deleteIfExists(path(hash));
        }
    }

    /** Every stored blob file (the tmp folder excluded). */
    List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> level1 = Files.newDirectoryStream(root)) {
            for (Path a : level1) {
                if (!Files.isDirectory(a) || a.equals(tmp)) {
                    continue;
                }
                try (DirectoryStream<Path> level2 = Files.newDirectoryStream(a)) {
                    for (Path b : level2) {
                        if (!Files.isDirectory(b)) {
                            continue;
                        }
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(b)) {
                            for (Path f : files) {
                                out.add(f);
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Re-hashes a stored blob; null when it is missing. */
    String rehash(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) >= 0; ) {
                sha.update(buf, 0, n);
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    Path root() {
        return root;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
