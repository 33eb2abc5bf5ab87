package org.mailslot.core.config;

/** One setting as the code reads it: its full dotted key, its default and its bounds, for docs and {@code config defaults}. */
public record ConfigKey(String key, String type, String defaultValue, String bounds) {}
