package org.mailslot.core.mime;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The msg-ids of Message-ID, In-Reply-To and References values (RFC 5322 3.6.4): each {@code <...>} with the white
 * space inside removed. Tolerant of garbage: text outside brackets is skipped, an unclosed {@code <} is dropped when
 * another one opens ({@code "<a <b>"} gives {@code b}), and {@code <>} is no id. One pass, linear in the value,
 * however hostile it is.
 */
public final class MessageIds {
    /** References kept for threading: the last ones, nearest the message (a long thread's are hundreds). */
    public static final int MAX_REFERENCES = 50;
    /** An id longer than a header line may be (RFC 5322 2.1.1) is garbage, not an id. */
    public static final int MAX_ID_LENGTH = 998;

    private MessageIds() {}

    public static List<String> all(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        StringBuilder id = null; // the id being read since the last '<', null outside brackets
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '<') {
                id = new StringBuilder();
            } else if (c == '>') {
                if (id != null && !id.isEmpty()) {
                    out.add(id.toString());
                }
                id = null;
            } else if (id != null && !Character.isWhitespace(c)) {
                id.append(c);
            }
        }
        return out;
    }

    /**
     * The ids that place a message in a thread: its own Message-ID (the first id), In-Reply-To's and the last
     * {@value #MAX_REFERENCES} of References, without repeats, none longer than {@value #MAX_ID_LENGTH} characters.
     * At most {@code 1 + 2 * MAX_REFERENCES} ids, whatever the headers hold.
     */
    public static List<String> forThreading(String messageId, String inReplyTo, String references) {
        Set<String> out = new LinkedHashSet<>();
        List<String> own = all(messageId);
        if (!own.isEmpty()) {
            add(out, own.subList(0, 1));
        }
        List<String> parents = all(inReplyTo);
        add(out, parents.subList(0, Math.min(parents.size(), MAX_REFERENCES)));
        List<String> refs = all(references);
        add(out, refs.subList(Math.max(0, refs.size() - MAX_REFERENCES), refs.size()));
        return List.copyOf(out);
    }

    private static void add(Set<String> out, List<String> ids) {
        for (String id : ids) {
            if (id.length() <= MAX_ID_LENGTH) {
                out.add(id);
            }
        }
    }
}
