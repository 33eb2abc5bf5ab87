package org.mailslot.store;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

record BytesContent(byte[] bytes) implements MessageContent {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }
}
