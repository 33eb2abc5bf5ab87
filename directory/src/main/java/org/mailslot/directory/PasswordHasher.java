package org.mailslot.directory;

import com.password4j.Argon2Function;
import com.password4j.BadParametersException;
import com.password4j.BcryptFunction;
import com.password4j.Password;
import com.password4j.SecureString;
import com.password4j.types.Argon2;

/**
 * Hashes new passwords with Argon2id and verifies stored hashes of the schemes we import from Dovecot.
 *
 * <p>Stored hashes are kept in their plain crypt form, without Dovecot's {@code {SCHEME}} prefix: the
 * {@code $argon2id$}, {@code $2y$}, {@code $6$} heads already name the scheme.
 */
final class PasswordHasher {

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final int ARGON2_VERSION = 19;
    /** Imported hashes above these costs are refused, so that one login cannot pin a CPU for minutes. */
    static final int MAX_IMPORTED_SHA_CRYPT_ROUNDS = 1_000_000;
    static final int MAX_IMPORTED_BCRYPT_COST = 16;

    enum Scheme { ARGON2ID, BCRYPT, SHA_CRYPT }

    private final Argon2Function argon2;
    private final String dummyHash;

    PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.argon2 = Argon2Function.getInstance(memoryKib, iterations, parallelism, HASH_BYTES, Argon2.ID,
                ARGON2_VERSION);
        this.dummyHash = hash("dummy password for unknown users".toCharArray());
    }

    /** A new Argon2id hash of {@code password} with a random salt. The caller keeps and clears the array. */
    String hash(char[] password) {
        SecureString secret = new SecureString(password);
        try {
            return Password.hash(secret).addRandomSalt(SALT_BYTES).with(argon2).getResult();
        } finally {
            secret.clear();
        }
    }

    /** Whether {@code password} matches {@code stored}; false for a hash we cannot read. */
    boolean verify(char[] password, String stored) {
        SecureString secret = new SecureString(password); // a copy, cleared below
        try {
            return switch (scheme(stored)) {
                case ARGON2ID -> Argon2Function.getInstanceFromHash(stored).check(secret, stored);
                case BCRYPT -> BcryptFunction.getInstanceFromHash(stored).check(secret, stored);
                case SHA_CRYPT -> ShaCrypt.verify(password, stored);
                case null -> false;
            };
        } catch (IllegalArgumentException e) { // includes password4j's BadParametersException
            return false;
        } finally {
            secret.clear();
        }
    }

    /** Spends the time of a verification, for unknown users, so they cannot be told from wrong passwords. */
    void verifyDummy(char[] password) {
        verify(password, dummyHash);
    }

    /** True when {@code stored} is not an Argon2id hash with today's parameters. */
    boolean needsRehash(String stored) {
        if (scheme(stored) != Scheme.ARGON2ID) {
            return true;
        }
        try {
            Argon2Function f = Argon2Function.getInstanceFromHash(stored);
            return f.getMemory() != argon2.getMemory() || f.getIterations() != argon2.getIterations()
                    || f.getParallelism() != argon2.getParallelism() || f.getOutputLength() != HASH_BYTES;
        } catch (BadParametersException e) {
            return true;
        }
    }

    /**
     * The stored form of a Dovecot-style hash: {@code {SHA512-CRYPT}$6$...}, {@code {SHA256-CRYPT}$5$...},
     * {@code {BLF-CRYPT}$2y$...} (also $2a$/$2b$), {@code {ARGON2ID}$argon2id$...}, or {@code {CRYPT}} with any
     * of those. Anything else, or a malformed or absurdly expensive hash, is INVALID.
     */
    static String importable(String dovecotHash) {
        if (dovecotHash == null || !dovecotHash.startsWith("{")) {
            throw DirectoryException.invalid("a password hash must start with its {SCHEME}");
        }
        int close = dovecotHash.indexOf('}');
        if (close < 0) {
            throw DirectoryException.invalid("the password hash scheme is not closed with }");
        }
        String label = dovecotHash.substring(1, close).toUpperCase(java.util.Locale.ROOT);
        String hash = dovecotHash.substring(close + 1);
        Scheme scheme = scheme(hash);
        boolean matches = switch (label) {
            case "SHA512-CRYPT" -> scheme == Scheme.SHA_CRYPT && hash.startsWith("$6$");
            case "SHA256-CRYPT" -> scheme == Scheme.SHA_CRYPT && hash.startsWith("$5$");
            case "BLF-CRYPT" -> scheme == Scheme.BCRYPT;
            case "ARGON2ID" -> scheme == Scheme.ARGON2ID;
            case "CRYPT" -> scheme != null;
            default -> throw DirectoryException.invalid("password scheme {" + Addresses.printable(label)
                    + "} is not supported (use SHA512-CRYPT, SHA256-CRYPT, BLF-CRYPT or ARGON2ID)");
        };
        if (!matches) {
            throw DirectoryException.invalid("the hash does not have the form of scheme {" + label + "}");
        }
        checkWellFormed(scheme, hash, label);
        return hash;
    }

    private static void checkWellFormed(Scheme scheme, String hash, String label) {
        String problem = null;
        try {
            switch (scheme) {
                case SHA_CRYPT -> {
                    if (!ShaCrypt.isWellFormed(hash)) {
                        problem = "is malformed";
                    } else if (ShaCrypt.rounds(hash) > MAX_IMPORTED_SHA_CRYPT_ROUNDS) {
                        problem = "has more than " + MAX_IMPORTED_SHA_CRYPT_ROUNDS + " rounds";
                    }
                }
                case BCRYPT -> {
                    if (hash.length() != 60) {
                        problem = "is malformed";
                    } else if (BcryptFunction.getInstanceFromHash(hash).getLogarithmicRounds() > MAX_IMPORTED_BCRYPT_COST) {
                        problem = "has a cost above " + MAX_IMPORTED_BCRYPT_COST;
                    }
                }
                case ARGON2ID -> {
                    Argon2Function f = Argon2Function.getInstanceFromHash(hash);
                    if (f.getMemory() > DirectorySettings.MAX_ARGON2_MEMORY_KIB
                            || f.getIterations() > DirectorySettings.MAX_ARGON2_ITERATIONS
                            || f.getParallelism() > DirectorySettings.MAX_ARGON2_PARALLELISM) {
                        problem = "has costs above the directory.argon2.* limits";
                    }
                }
            }
        } catch (IllegalArgumentException e) { // includes password4j's BadParametersException
            problem = "is malformed";
        }
        if (problem != null) {
            throw DirectoryException.invalid("the {" + label + "} password hash " + problem);
        }
    }

    static Scheme scheme(String stored) {
        if (stored == null) {
            return null;
        }
        if (stored.startsWith("$argon2id$")) {
            return Scheme.ARGON2ID;
        }
        if (stored.startsWith("$2y$") || stored.startsWith("$2a$") || stored.startsWith("$2b$")) {
            return Scheme.BCRYPT;
        }
        if (stored.startsWith("$6$") || stored.startsWith("$5$")) {
            return Scheme.SHA_CRYPT;
        }
        return null;
    }

}
