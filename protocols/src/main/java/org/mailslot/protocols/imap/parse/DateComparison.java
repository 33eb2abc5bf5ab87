package org.mailslot.protocols.imap.parse;

/** How a SEARCH date key compares, by day, disregarding time and time zone. */
public enum DateComparison { BEFORE, ON, SINCE }
