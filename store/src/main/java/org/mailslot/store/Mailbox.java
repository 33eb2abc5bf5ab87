package org.mailslot.store;

/** A mailbox of one account; {@code id} is unique within the slot and never reused. */
public record Mailbox(long id, long accountId, String name, SpecialUse specialUse, long uidValidity,
                      long uidNext, long highestModSeq, boolean subscribed) {}
