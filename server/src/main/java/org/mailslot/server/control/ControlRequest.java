package org.mailslot.server.control;

/** One request on the control socket: an operation and its arguments, as one JSON line. */
record ControlRequest(String op, int slot, long accountId, long sinceEpochMillis) {}
