package org.mailslot.directory;

/** Mail to {@code source} ("user@dom", or "@dom" for the domain's catch-all) goes to {@code target}. */
public record Alias(String source, String target) {}
