package org.mailslot.protocols.imap.message;

import java.util.ArrayList;
import java.util.List;

/** The msg-ids of a Message-ID, References or In-Reply-To value: each {@code <...>}, white space inside removed. */
final class MessageIds {
    private MessageIds() {}

    static List<String> all(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        while (true) {
            int open = value.indexOf('<', i);
            if (open < 0) {
                break;
            }
            int close = value.indexOf('>', open + 1);
            if (close < 0) {
                break;
            }
            int nextOpen = value.indexOf('<', open + 1);
            if (nextOpen >= 0 && nextOpen < close) {
                i = nextOpen; // "<a <b>": the first one is broken
                continue;
            }
            StringBuilder id = new StringBuilder(close - open);
            for (int j = open + 1; j < close; j++) {
                char c = value.charAt(j);
                if (c != ' ' && c != '\t') {
                    id.append(c);
                }
            }
            if (!id.isEmpty()) {
                out.add(id.toString());
            }
            i = close + 1;
        }
        return out;
    }
}
