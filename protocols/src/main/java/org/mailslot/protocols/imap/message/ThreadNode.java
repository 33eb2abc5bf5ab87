package org.mailslot.protocols.imap.message;

import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * One node of a THREAD response: a message (its sequence number) or a dummy (sequence 0, RFC 5256 "dummy
 * message" standing for a missing parent or grouping same-subject threads), and its children in order.
 */
public record ThreadNode(int sequence, List<ThreadNode> children) {

    public boolean dummy() {
        return sequence == 0;
    }

    /** The THREAD response data with sequence numbers, e.g. {@code (2)(3 6 (4 23)(44 7 96))}. */
    public static String toWire(List<ThreadNode> threads) {
        return toWire(threads, seq -> seq);
    }

    /** The same with each message written as {@code label.applyAsLong(sequence)}: UIDs for UID THREAD. */
    public static String toWire(List<ThreadNode> threads, IntToLongFunction label) {
        StringBuilder sb = new StringBuilder();
        for (ThreadNode t : threads) {
            sb.append('(');
            t.chain(sb, label);
            sb.append(')');
        }
        return sb.toString();
    }

    /** This node, then its only child and so on, then the children of a branching node each in parentheses. */
    private void chain(StringBuilder sb, IntToLongFunction label) {
        ThreadNode cur = this;
        boolean first = true;
        while (true) {
            if (!cur.dummy()) {
                if (!first) {
                    sb.append(' ');
                }
                sb.append(label.applyAsLong(cur.sequence));
                first = false;
            }
            if (cur.children.size() == 1 && !cur.children.getFirst().dummy()) {
                cur = cur.children.getFirst();
                continue;
            }
            if (cur.children.isEmpty()) {
                return;
            }
            if (!first) {
                sb.append(' ');
            }
            for (ThreadNode c : cur.children) {
                sb.append('(');
                c.chain(sb, label);
                sb.append(')');
            }
            return;
        }
    }
}
