package org.mailslot.protocols.imap.message;

/** The THREAD algorithms of RFC 5256. */
public enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }
