package org.mailslot.directory;

/** Which node should master a slot and which should hold its replica ({@code replica} null: none). */
public record SlotPlacement(int slot, String master, String replica) {}
