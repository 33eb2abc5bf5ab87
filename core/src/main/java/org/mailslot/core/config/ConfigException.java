package org.mailslot.core.config;

/** A configuration problem, always naming the key (for example {@code smtp.recipient-limit}) and what is wrong. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /**
     * A settings record's own check, whose message starts with the key ("imap.login-timeout must be ..."), as a
     * configuration error naming that key.
     */
    public static ConfigException fromSettings(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        int space = message.indexOf(' ');
        if (space > 0 && message.substring(0, space).matches("[a-z0-9-]+(\\.[a-z0-9-]+)+")) {
            return new ConfigException(message.substring(0, space), message.substring(space + 1));
        }
        return new ConfigException("(settings)", message);
    }

    public String key() {
        return key;
    }
}
