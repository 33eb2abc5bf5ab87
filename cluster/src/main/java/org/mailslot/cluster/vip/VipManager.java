package org.mailslot.cluster.vip;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.mailslot.directory.Directory;
import org.mailslot.directory.NodeState;
import org.mailslot.directory.Vip;
import org.mailslot.directory.VipFront;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One round of the VIP manager, run by the front that holds the directory lease {@value VipAgent#LEASE}: plans who
 * holds each VIP ({@link VipPlanner}) and writes it. A VIP whose holder is dead (no VIP heartbeat for
 * {@code takeoverAfter}) or that nobody holds is given to its planned front at once: a dead holder let it go by
 * itself after {@code vip.self-release-after}. A VIP whose holder is alive is only asked to move ({@code moving_to});
 * the holder removes the address and then hands the row over, so there are never two live holders. Every write is a
 * compare-and-set, so a second manager (after a lease change) cannot undo this one.
 */
final class VipManager {
    private static final Logger log = LoggerFactory.getLogger(VipManager.class);

    private final Directory directory;
    private final Duration takeoverAfter;

    VipManager(Directory directory, Duration takeoverAfter) {
        this.directory = directory;
        this.takeoverAfter = takeoverAfter;
    }

    /** What one round changed, for tests and the log. */
    record Round(int given, int movesAsked) {}

    Round run(Instant now) {
        Set<String> alive = new HashSet<>();
        Set<String> targets = new TreeSet<>();
        Map<String, Instant> beats = new HashMap<>();
        for (VipFront f : directory.listVipFronts()) {
            beats.put(f.node(), f.heartbeat());
            if (f.heartbeat() != null && Duration.between(f.heartbeat(), now).compareTo(takeoverAfter) <= 0) {
                alive.add(f.node());
                if (f.front() && f.state() == NodeState.ACTIVE) {
                    targets.add(f.node());
                }
            }
        }
        List<Vip> vips = directory.listVips();
        Map<String, String> holders = new HashMap<>();
        for (Vip v : vips) {
            if (v.owner() != null && targets.contains(v.owner())) {
                holders.put(v.address(), v.owner());
            }
        }
        Map<String, String> plan = VipPlanner.plan(vips.stream().map(Vip::address).toList(), holders, targets);
        int given = 0;
        int moves = 0;
        for (Vip v : vips) {
            String to = plan.get(v.address());
            if (v.owner() == null || !alive.contains(v.owner())) {
                if (to != null && directory.assignVip(v.address(), v.owner(), to)) {
                    given++;
                    if (v.owner() == null) {
                        log.info("VIP {}: given to {}", v.address(), to);
                    } else {
                        Instant beat = beats.get(v.owner());
                        log.warn("VIP {}: holder {} {}; taken over by {}", v.address(), v.owner(), beat == null
                                ? "stopped" : "sent no heartbeat for " + Duration.between(beat, now).toMillis() + " ms", to);
                    }
                }
            } else if (to == null || to.equals(v.owner())) {
                if (v.movingTo() != null) {
                    directory.planVipMove(v.address(), v.owner(), null);
                    log.info("VIP {}: move from {} to {} cancelled", v.address(), v.owner(), v.movingTo());
                }
            } else if (!Objects.equals(to, v.movingTo())) {
                if (directory.planVipMove(v.address(), v.owner(), to)) {
                    moves++;
                    log.info("VIP {}: {} is asked to hand it to {} ({})", v.address(), v.owner(), to,
                            targets.contains(v.owner()) ? "evening out the spread" : "it is not an active front");
                }
            }
        }
        return new Round(given, moves);
    }
}
