package org.mailslot.protocols.imap.parse;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** LIST with LIST-EXTENDED (RFC 5258), SPECIAL-USE (6154) and LIST-STATUS (5819); STATUS items. */
final class ListParser {
    private ListParser() {
    }

    /** "LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat [SP list-return-opts]. */
    static ImapRequest list(String tag, Cursor c, boolean utf8) {
        c.sp();
        Set<ImapRequest.ListSelect> selection = EnumSet.noneOf(ImapRequest.ListSelect.class);
        boolean extended = false;
        if (c.tryChar('(')) {
            extended = true;
            if (!c.tryChar(')')) {
                do {
                    String o = c.atomUpper();
                    switch (o) {
                        case "SUBSCRIBED" -> selection.add(ImapRequest.ListSelect.SUBSCRIBED);
                        case "REMOTE" -> selection.add(ImapRequest.ListSelect.REMOTE);
                        case "RECURSIVEMATCH" -> selection.add(ImapRequest.ListSelect.RECURSIVEMATCH);
                        case "SPECIAL-USE" -> selection.add(ImapRequest.ListSelect.SPECIAL_USE);
                        default -> throw new Syntax("Unknown LIST selection option " + o);
                    }
                } while (c.trySp());
                c.expect(')');
            }
            if (selection.contains(ImapRequest.ListSelect.RECURSIVEMATCH)
                    && !selection.contains(ImapRequest.ListSelect.SUBSCRIBED)
                    && !selection.contains(ImapRequest.ListSelect.SPECIAL_USE)) {
                throw new Syntax("RECURSIVEMATCH needs another selection option");
            }
            c.sp();
        }
        String reference = Args.mailboxName(c.astringBytes(), utf8);
        c.sp();
        List<String> patterns = new ArrayList<>(1);
        if (c.tryChar('(')) {
            extended = true;
            do {
                patterns.add(Args.mailboxName(c.listMailboxBytes(), utf8));
            } while (c.trySp());
            c.expect(')');
        } else {
            patterns.add(Args.mailboxName(c.listMailboxBytes(), utf8));
        }
        Set<ImapRequest.ListReturn> returns = EnumSet.noneOf(ImapRequest.ListReturn.class);
        List<ImapRequest.StatusItem> statusItems = List.of();
        if (c.trySp()) {
            if (!c.tryKeyword("RETURN")) throw new Syntax("Expected RETURN");
            extended = true;
            c.sp();
            c.expect('(');
            if (!c.tryChar(')')) {
                do {
                    String o = c.atomUpper();
                    switch (o) {
                        case "SUBSCRIBED" -> returns.add(ImapRequest.ListReturn.SUBSCRIBED);
                        case "CHILDREN" -> returns.add(ImapRequest.ListReturn.CHILDREN);
                        case "SPECIAL-USE" -> returns.add(ImapRequest.ListReturn.SPECIAL_USE);
                        case "STATUS" -> {
                            if (returns.contains(ImapRequest.ListReturn.STATUS)) throw new Syntax("STATUS given twice");
                            returns.add(ImapRequest.ListReturn.STATUS);
                            c.sp();
                            statusItems = statusItems(c);
                        }
                        default -> throw new Syntax("Unknown LIST return option " + o);
                    }
                } while (c.trySp());
                c.expect(')');
            }
        }
        return new ImapRequest.ListMailboxes(tag, reference, patterns, selection, returns, statusItems, extended);
    }

    /** "(" status-att *(SP status-att) ")". */
    static List<ImapRequest.StatusItem> statusItems(Cursor c) {
        c.expect('(');
        List<ImapRequest.StatusItem> items = new ArrayList<>(4);
        do {
            String a = c.atomUpper();
            ImapRequest.StatusItem item;
            try {
                item = ImapRequest.StatusItem.valueOf(a);
            } catch (IllegalArgumentException e) {
                throw new Syntax("Unknown status item " + a);
            }
            if (!items.contains(item)) items.add(item);
        } while (c.trySp());
        c.expect(')');
        return items;
    }
}
