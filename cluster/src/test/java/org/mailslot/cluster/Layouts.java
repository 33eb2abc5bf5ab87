package org.mailslot.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mailslot.directory.SlotPlacement;

/** Helpers for the placement tests: node names, and running a plan on a layout. */
final class Layouts {

    private Layouts() {}

    /** store1..storeN; names sort in number order up to 9. */
    static List<String> nodes(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add("store" + i);
        }
        return out;
    }

    /** The layout after every move, in order; a move that does not fit its slot fails. */
    static List<SlotPlacement> apply(List<SlotPlacement> before, List<Move> moves) {
        Map<Integer, SlotPlacement> slots = new TreeMap<>();
        before.forEach(p -> slots.put(p.slot(), p));
        for (Move m : moves) {
            slots.put(m.slot(), m.applyTo(slots.get(m.slot())));
        }
        return List.copyOf(slots.values());
    }

    static long copyMoves(List<Move> moves) {
        return moves.stream().filter(m -> m instanceof Move.CopyMove).count();
    }

    static long roleSwaps(List<Move> moves) {
        return moves.stream().filter(m -> m instanceof Move.RoleSwap).count();
    }
}
