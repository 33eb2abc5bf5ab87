package org.mailslot.protocols.smtp.inbound;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code X-Spam-Status} field, in SpamAssassin's words so that users' filters keep working:
 * {@code X-Spam-Status: Yes, score=1002.3 required=5.0 tests=GTUBE,MISSING_DATE}. Our own reasons for Junk
 * (DMARC_QUARANTINE, DMARC_REJECT, DMARC_PERMERROR) join spamd's test names; without a spamd score the score
 * parts are left out. The test list is folded at about 78 columns.
 */
final class SpamStatus {
    private SpamStatus() {}

    static String field(boolean junk, SpamdClient.Outcome.Scored scored, List<String> reasons) {
        StringBuilder b = new StringBuilder("X-Spam-Status: ").append(junk ? "Yes" : "No");
        if (scored != null) {
            b.append(", score=").append(InboundChecks.score(scored.score()))
                    .append(" required=").append(InboundChecks.score(scored.threshold()));
        }
        List<String> tests = new ArrayList<>(scored == null ? List.of() : scored.tests());
        tests.addAll(reasons);
        b.append(scored == null ? ", tests=" : " tests=");
        int column = b.length() - b.lastIndexOf("\n") - 1;
        for (int i = 0; i < tests.size(); i++) {
            String t = tests.get(i) + (i < tests.size() - 1 ? "," : "");
            if (column + t.length() > 78 && i > 0) {
                b.append("\r\n\t");
                column = 8;
            }
            b.append(t);
            column += t.length();
        }
        if (tests.isEmpty()) {
            b.append("none");
        }
        return b.append("\r\n").toString();
    }
}
