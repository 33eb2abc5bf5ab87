package org.mailslot.directory;

/** A store or front server known to the directory; {@code address} is how peers reach it. */
public record Node(String name, String address) {}
