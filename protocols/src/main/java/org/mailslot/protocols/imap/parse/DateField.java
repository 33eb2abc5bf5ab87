package org.mailslot.protocols.imap.parse;

/** Which date a SEARCH date key compares: the internal date (BEFORE/ON/SINCE) or the Date: header (SENTBEFORE/SENTON/SENTSINCE). */
public enum DateField { INTERNAL, SENT }
