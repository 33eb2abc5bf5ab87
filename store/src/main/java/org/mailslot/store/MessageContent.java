package org.mailslot.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** A message body to store; it may be opened more than once. */
public interface MessageContent {
    long size();

    InputStream open() throws IOException;

    static MessageContent of(byte[] bytes) {
        return new BytesContent(bytes.clone());
    }

    static MessageContent of(Path file) {
        return new FileContent(file);
    }
}
