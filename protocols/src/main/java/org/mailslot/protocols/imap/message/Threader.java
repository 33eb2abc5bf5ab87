package org.mailslot.protocols.imap.message;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mailslot.core.mime.MessageIds;
import org.mailslot.store.MessageMeta;

/**
 * THREAD (RFC 5256): ORDEREDSUBJECT, and REFERENCES with its container tree, dummy containers, loop-safe linking,
 * pruning, subject grouping and sibling sort. Sent date is the Date: header (else the internal date); ties go to the
 * lower sequence number. Message-IDs compare exactly as written between the angle brackets; a message without one,
 * or with one an earlier message already has, gets a unique id. Stateless and thread-safe.
 */
public final class Threader {
    private final MessageSettings settings;
    private final MessageSource source;

    public Threader(MessageSettings settings, MessageSource source) {
        this.settings = settings;
        this.source = source;
    }

    /** What THREAD needs of one message; public so tests and callers can thread without message bytes. */
    public record Info(int sequence, long sentMillis, String messageId, List<String> references, String subject) {}

    /**
     * @param view      the session's messages in sequence order (sequence number = index + 1)
     * @param sequences the messages to thread (the SEARCH result), as sequence numbers ascending
     */
    public List<ThreadNode> thread(List<MessageMeta> view, int[] sequences, ThreadAlgorithm algorithm) {
        List<Info> infos = new ArrayList<>(sequences.length);
        for (int seq : sequences) {
            MessageMeta m = view.get(seq - 1);
            MessageHeaders h = MessageHeaders.read(source, m, settings.maxHeaderBytes());
            List<String> refs = MessageIds.all(h.raw("references"));
            if (refs.isEmpty()) {
                List<String> inReplyTo = MessageIds.all(h.raw("in-reply-to"));
                if (!inReplyTo.isEmpty()) {
                    refs = List.of(inReplyTo.getFirst());
                }
            }
            List<String> own = MessageIds.all(h.raw("message-id"));
            infos.add(new Info(seq, Sorter.sentMillis(h, m), own.isEmpty() ? null : own.getFirst(), refs,
                    h.raw("subject")));
        }
        return thread(infos, algorithm);
    }

    /** Threads messages already described. */
    public static List<ThreadNode> thread(List<Info> messages, ThreadAlgorithm algorithm) {
        return switch (algorithm) {
            case ORDEREDSUBJECT -> orderedSubject(messages);
            case REFERENCES -> new References(messages).run();
        };
    }

    private static final Comparator<Info> BY_DATE =
            Comparator.comparingLong(Info::sentMillis).thenComparingInt(Info::sequence);

    private static List<ThreadNode> orderedSubject(List<Info> messages) {
        Map<String, List<Info>> groups = new LinkedHashMap<>();
        for (Info i : messages.stream().sorted(BY_DATE).toList()) {
            groups.computeIfAbsent(BaseSubject.of(i.subject()).key(), k -> new ArrayList<>()).add(i);
        }
        // groups are in order of their first (earliest) message: the threads' order
        List<ThreadNode> threads = new ArrayList<>(groups.size());
        for (List<Info> g : groups.values()) {
            List<ThreadNode> children = new ArrayList<>(g.size() - 1);
            for (Info c : g.subList(1, g.size())) {
                children.add(new ThreadNode(c.sequence(), List.of()));
            }
            threads.add(new ThreadNode(g.getFirst().sequence(), List.copyOf(children)));
        }
        return threads;
    }

    /** The REFERENCES algorithm's working state. */
    private static final class References {
        /** References kept per message (the last ones): a hostile header cannot build a deep dummy chain. */
        private static final int MAX_REFERENCES = 256;
        private final List<Info> messages;
        private final Map<String, Container> byId = new HashMap<>();
        private int unique;

        References(List<Info> messages) {
            this.messages = messages;
        }

        List<ThreadNode> run() {
            for (Info m : messages) {
                link(m);
            }
            List<Container> root = new ArrayList<>();
            for (Container c : byId.values()) {
                if (c.parent == null) {
                    root.add(c);
                }
            }
            root.sort(Comparator.comparingInt(Container::firstSeen)); // deterministic before the date sort
            root = prune(root, true);
            for (Container c : root) {
                c.parent = null;
            }
            sortSiblings(root);
            root = groupBySubject(root);
            sortSiblings(root); // step 6, and the threads by date again as merged threads may start earlier
            List<ThreadNode> out = new ArrayList<>(root.size());
            for (Container c : root) {
                out.add(c.node());
            }
            return out;
        }

        /** Step 1. */
        private void link(Info m) {
            Container self = m.messageId() == null ? null : byId.get(m.messageId());
            if (self == null || self.message != null) {
                String id = m.messageId() == null || self != null ? "\u0000unique-" + unique++ : m.messageId();
                self = container(id);
            }
            self.message = m;
            Container prev = null;
            List<String> refs = m.references();
            if (refs.size() > MAX_REFERENCES) { // the nearest ancestors matter; bounds the tree's depth
                refs = refs.subList(refs.size() - MAX_REFERENCES, refs.size());
            }
            for (String ref : refs) {
                Container c = container(ref);
                if (prev != null && c.parent == null && c != prev && !c.isAncestorOf(prev)) {
                    c.setParent(prev);
                }
                prev = c;
            }
            if (self.parent != null) {
                self.detach(); // probably a truncated References in another message: this one knows better
            }
            if (prev != null && prev != self && !self.isAncestorOf(prev)) {
                self.setParent(prev);
            }
        }

        private Container container(String id) {
            return byId.computeIfAbsent(id, k -> new Container(byId.size()));
        }

        /** Step 3: drop empty dummies, promote the children of the others (at the root only a single child). */
        private static List<Container> prune(List<Container> level, boolean atRoot) {
            List<Container> out = new ArrayList<>(level.size());
            for (Container c : level) {
                c.children = prune(c.children, false);
                for (Container child : c.children) {
                    child.parent = c;
                }
                if (c.message == null) {
                    if (c.children.isEmpty()) {
                        continue;
                    }
                    if (!atRoot || c.children.size() == 1) {
                        for (Container child : c.children) {
                            child.parent = c.parent;
                            out.add(child);
                        }
                        continue;
                    }
                }
                out.add(c);
            }
            return out;
        }

        /** Steps 4 and 6: siblings by sent date (a dummy takes its first child's), youngest level first. */
        private static void sortSiblings(List<Container> level) {
            for (Container c : level) {
                sortSiblings(c.children);
            }
            level.sort(Comparator.comparingLong(Container::sentMillis).thenComparingInt(Container::sequence));
        }

        /** Step 5. */
        private static List<Container> groupBySubject(List<Container> root) {
            Map<String, Container> table = new HashMap<>();
            for (Container c : root) {
                String subject = c.threadSubject().key();
                if (subject.isEmpty()) {
                    continue;
                }
                Container old = table.get(subject);
                if (old == null || (old.message != null
                        && (c.message == null || (old.subject().replyOrForward() && !c.subject().replyOrForward())))) {
                    table.put(subject, c);
                }
            }
            List<Container> out = new ArrayList<>(root);
            for (Container c : root) {
                String subject = c.threadSubject().key();
                if (subject.isEmpty() || c.parent != null) {
                    continue; // no subject, or already merged under a new dummy
                }
                Container t = table.get(subject);
                if (t == c) {
                    continue;
                }
                if (t.message == null && c.message == null) {
                    for (Container child : c.children) {
                        t.adopt(child);
                    }
                    c.children = new ArrayList<>();
                    out.remove(c);
                } else if (t.message == null) {
                    out.remove(c);
                    t.adopt(c);
                } else if (c.subject().replyOrForward() && !t.subject().replyOrForward()) {
                    out.remove(c);
                    t.adopt(c);
                } else {
                    Container dummy = new Container(-1);
                    out.remove(c);
                    out.set(out.indexOf(t), dummy);
                    dummy.adopt(t);
                    dummy.adopt(c);
                    table.put(subject, dummy);
                }
            }
            return out;
        }
    }

    private static final class Container {
        private final int firstSeen;
        Info message;
        Container parent;
        List<Container> children = new ArrayList<>();
        private BaseSubject subject;

        Container(int firstSeen) {
            this.firstSeen = firstSeen;
        }

        int firstSeen() {
            return firstSeen;
        }

        boolean isAncestorOf(Container other) {
            for (Container p = other; p != null; p = p.parent) {
                if (p == this) {
                    return true;
                }
            }
            return false;
        }

        void setParent(Container p) {
            parent = p;
            p.children.add(this);
        }

        void detach() {
            parent.children.remove(this);
            parent = null;
        }

        void adopt(Container child) {
            child.parent = this;
            children.add(child);
        }

        /** The date a dummy sorts by is its first child's (children sorted before). */
        long sentMillis() {
            if (message != null) {
                return message.sentMillis();
            }
            return children.isEmpty() ? Long.MAX_VALUE : children.getFirst().sentMillis();
        }

        int sequence() {
            if (message != null) {
                return message.sequence();
            }
            return children.isEmpty() ? Integer.MAX_VALUE : children.getFirst().sequence();
        }

        BaseSubject subject() {
            if (subject == null) {
                subject = BaseSubject.of(message == null ? null : message.subject());
            }
            return subject;
        }

        /** Step 5.B.i: the message's base subject, or its first child's for a dummy. */
        BaseSubject threadSubject() {
            if (message != null || children.isEmpty()) {
                return subject();
            }
            return children.getFirst().subject();
        }

        ThreadNode node() {
            List<ThreadNode> kids = new ArrayList<>(children.size());
            for (Container c : children) {
                kids.add(c.node());
            }
            return new ThreadNode(message == null ? 0 : message.sequence(), List.copyOf(kids));
        }
    }
}
