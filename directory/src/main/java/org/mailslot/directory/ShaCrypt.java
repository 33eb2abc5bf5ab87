package org.mailslot.directory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * SHA-256-crypt ({@code $5$}) and SHA-512-crypt ({@code $6$}) as specified by Ulrich Drepper
 * (akkadia.org/drepper/SHA-crypt.txt), the schemes behind Dovecot's {@code {SHA256-CRYPT}} and
 * {@code {SHA512-CRYPT}}. password4j has no implementation, and we only need to verify imported hashes.
 */
final class ShaCrypt {

    static final int DEFAULT_ROUNDS = 5000;
    static final int MIN_ROUNDS = 1000;
    static final int MAX_ROUNDS = 999_999_999;
    private static final int MAX_SALT = 16;
    private static final String B64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String ROUNDS = "rounds=";

    /** Byte order of the final base-64 encoding (SHA-512). */
    private static final int[] ORDER_512 = {
            0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9,
            30, 51, 31, 52, 10, 53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38,
            18, 39, 60, 40, 61, 19, 62, 20, 41, 63};
    /** Byte order of the final base-64 encoding (SHA-256). */
    private static final int[] ORDER_256 = {
            0, 10, 20, 21, 1, 11, 12, 22, 2, 3, 13, 23, 24, 4, 14, 15, 25, 5, 6, 16, 26, 27, 7, 17, 18, 28, 8, 9, 19,
            29, 31, 30};

    private ShaCrypt() {}

    /** True when {@code hash} looks like a {@code $5$} or {@code $6$} crypt string we can verify. */
    static boolean isWellFormed(String hash) {
        try {
            Setting s = Setting.parse(hash);
            String rest = hash.substring(s.prefixLength());
            int expected = s.sha512() ? 86 : 43;
            if (rest.length() != expected) {
                return false;
            }
            for (int i = 0; i < rest.length(); i++) {
                if (B64.indexOf(rest.charAt(i)) < 0) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The rounds of a well-formed crypt string. */
    static int rounds(String hash) {
        return Setting.parse(hash).rounds();
    }

    /** Whether {@code password} matches the crypt string {@code hash}; compares in constant time. */
    static boolean verify(char[] password, String hash) {
        if (!isWellFormed(hash)) {
            return false;
        }
        byte[] key = utf8(password);
        try {
            byte[] computed = crypt(key, hash).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(computed, hash.getBytes(StandardCharsets.US_ASCII));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * The full crypt string of {@code key} under {@code setting} ({@code $6$[rounds=N$]salt[$...]}); the
     * salt is cut to 16 characters and the rounds clamped to 1000..999999999, as the spec says.
     */
    static String crypt(byte[] key, String setting) {
        Setting s = Setting.parse(setting);
        MessageDigest a = digest(s.sha512());
        byte[] salt = s.salt().getBytes(StandardCharsets.UTF_8);
        int size = a.getDigestLength();

        MessageDigest b = digest(s.sha512());
        b.update(key);
        b.update(salt);
        b.update(key);
        byte[] bSum = b.digest();

        a.update(key);
        a.update(salt);
        for (int n = key.length; n > 0; n -= size) {
            a.update(bSum, 0, Math.min(n, size));
        }
        for (int n = key.length; n > 0; n >>= 1) {
            if ((n & 1) != 0) {
                a.update(bSum);
            } else {
                a.update(key);
            }
        }
        byte[] aSum = a.digest();

        MessageDigest dp = digest(s.sha512());
        for (int i = 0; i < key.length; i++) {
            dp.update(key);
        }
        byte[] p = repeat(dp.digest(), key.length);

        MessageDigest ds = digest(s.sha512());
        for (int i = 0; i < 16 + (aSum[0] & 0xff); i++) {
            ds.update(salt);
        }
        byte[] sBytes = repeat(ds.digest(), salt.length);

        byte[] c = aSum;
        MessageDigest r = digest(s.sha512());
        for (int i = 0; i < s.rounds(); i++) {
            if ((i & 1) != 0) {
                r.update(p);
            } else {
                r.update(c);
            }
            if (i % 3 != 0) {
                r.update(sBytes);
            }
            if (i % 7 != 0) {
                r.update(p);
            }
            if ((i & 1) != 0) {
                r.update(c);
            } else {
                r.update(p);
            }
            c = r.digest();
        }
        Arrays.fill(p, (byte) 0);

        StringBuilder out = new StringBuilder(s.sha512() ? "$6$" : "$5$");
        if (s.explicitRounds()) {
            out.append(ROUNDS).append(s.rounds()).append('$');
        }
        out.append(s.salt()).append('$');
        int[] order = s.sha512() ? ORDER_512 : ORDER_256;
        int i = 0;
        for (; i + 3 <= order.length; i += 3) {
            encode(out, c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
        }
        if (s.sha512()) { // 64 = 21*3 + 1
            encode(out, (byte) 0, (byte) 0, c[order[i]], 2);
        } else { // 32 = 10*3 + 2
            encode(out, (byte) 0, c[order[i]], c[order[i + 1]], 3);
        }
        return out.toString();
    }

    private static void encode(StringBuilder out, byte b2, byte b1, byte b0, int chars) {
        int w = (b2 & 0xff) << 16 | (b1 & 0xff) << 8 | (b0 & 0xff);
        for (int i = 0; i < chars; i++) {
            out.append(B64.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static byte[] repeat(byte[] digest, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = digest[i % digest.length];
        }
        return out;
    }

    private static MessageDigest digest(boolean sha512) {
        try {
            return MessageDigest.getInstance(sha512 ? "SHA-512" : "SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-2", e);
        }
    }

    private static byte[] utf8(char[] password) {
        var buffer = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(password));
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return out;
    }

    /** The parsed {@code $N$[rounds=R$]salt} head of a crypt string. */
    private record Setting(boolean sha512, int rounds, boolean explicitRounds, String salt, int prefixLength) {
        static Setting parse(String s) {
            boolean sha512;
            if (s.startsWith("$6$")) {
                sha512 = true;
            } else if (s.startsWith("$5$")) {
                sha512 = false;
            } else {
                throw new IllegalArgumentException("not a SHA-crypt string");
            }
            int pos = 3;
            int rounds = DEFAULT_ROUNDS;
            boolean explicit = false;
            if (s.startsWith(ROUNDS, pos)) {
                int end = s.indexOf('$', pos);
                if (end < 0) {
                    throw new IllegalArgumentException("rounds without salt");
                }
                String digits = s.substring(pos + ROUNDS.length(), end);
                if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    throw new IllegalArgumentException("bad rounds");
                }
                rounds = Math.clamp(Long.parseLong(digits), MIN_ROUNDS, MAX_ROUNDS);
                explicit = true;
                pos = end + 1;
            }
            int end = s.indexOf('$', pos);
            int saltEnd = end < 0 ? s.length() : end;
            String salt = s.substring(pos, Math.min(saltEnd, pos + MAX_SALT));
            int prefix = end < 0 ? s.length() : end + 1;
            return new Setting(sha512, rounds, explicit, salt, prefix);
        }
    }
}
