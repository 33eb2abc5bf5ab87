package org.mailslot.store;

/** STORE FLAGS (REPLACE), +FLAGS (ADD), -FLAGS (REMOVE). */
public enum FlagOp { ADD, REMOVE, REPLACE }
