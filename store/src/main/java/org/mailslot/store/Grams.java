package org.mailslot.store;

import java.util.ArrayList;
import java.util.List;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;

/**
 * The n-gram scheme that makes substring search exact. At every code point position {@code i} of the folded
 * text the index holds the gram {@code text[i, i+3)} (shorter at the very end) at position {@code i}. Then:
 * <ul>
 * <li>a needle of 3+ code points occurs at {@code p} iff the grams starting at its offsets 0, 3, 6, … and
 * {@code n-3} occur at positions {@code p+offset}: a phrase query with explicit positions, no verification;</li>
 * <li>a needle of 1 or 2 code points occurs iff some gram starts with it (the short end grams cover the
 * last positions): a prefix query;</li>
 * <li>the empty needle matches every message.</li>
 * </ul>
 */
final class Grams {
    static final int N = 3;

    private Grams() {}

    /** The grams of the folded text, one per code point, position increment 1. */
    static TokenStream tokens(String folded) {
        return new GramStream(folded.codePoints().toArray());
    }

    static Query query(String field, String foldedNeedle) {
        int[] cps = foldedNeedle.codePoints().toArray();
        if (cps.length == 0) {
            return new MatchAllDocsQuery();
        }
        if (cps.length < N) {
            return new PrefixQuery(new Term(field, foldedNeedle));
        }
        List<Integer> offsets = new ArrayList<>();
        for (int p = 0; p + N <= cps.length; p += N) {
            offsets.add(p);
        }
        if (offsets.getLast() != cps.length - N) {
            offsets.add(cps.length - N);
        }
        PhraseQuery.Builder b = new PhraseQuery.Builder();
        for (int p : offsets) {
            b.add(new Term(field, new String(cps, p, N)), p);
        }
        return b.build();
    }

    private static final class GramStream extends TokenStream {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final int[] cps;
        private int pos;

        GramStream(int[] cps) {
            this.cps = cps;
        }

        @Override
        public boolean incrementToken() {
            if (pos >= cps.length) {
                return false;
            }
            clearAttributes();
            char[] buf = term.resizeBuffer(2 * N);
            int len = 0;
            for (int k = pos; k < Math.min(pos + N, cps.length); k++) {
                len += Character.toChars(cps[k], buf, len);
            }
            term.setLength(len);
            pos++;
            return true;
        }

        @Override
        public void reset() throws java.io.IOException {
            super.reset();
            pos = 0;
        }
    }
}
