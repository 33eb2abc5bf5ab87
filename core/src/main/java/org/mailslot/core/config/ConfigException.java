package org.mailslot.core.config;

/** A configuration problem, always naming the key (for example {@code smtp.recipient-limit}) and what is wrong. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
