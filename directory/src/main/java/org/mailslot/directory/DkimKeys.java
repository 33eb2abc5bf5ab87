package org.mailslot.directory;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The dkim_keys table: RSA keys per hosted domain, at most one active. */
final class DkimKeys {
    static final int MIN_BITS = 1024;   // RFC 8301: shorter keys must not be used
    static final int MAX_BITS = 4096;
    /** A selector is a dot-separated sequence of DNS labels (RFC 6376 3.1). */
    private static final Pattern SELECTOR = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final String COLUMNS = "domain, selector, private_key, public_key, active, created";

    private final Database db;
    private final Clock clock;

    DkimKeys(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    DkimKey generate(String domain, String selector, int bits) {
        if (bits < MIN_BITS || bits > MAX_BITS || bits % 8 != 0) {
            throw DirectoryException.invalid("DKIM key size must be a multiple of 8 within " + MIN_BITS + ".." + MAX_BITS
                    + " bits, got " + bits);
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            KeyPair pair = g.generateKeyPair();
            return store(domain, selector, pem(pair.getPrivate().getEncoded()),
                    Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make RSA keys: " + e.getMessage(), e);
        }
    }

    /** Imports an existing RSA key (PKCS#8 PEM, "BEGIN PRIVATE KEY") as the domain's active key. */
    DkimKey put(String domain, String selector, String privateKeyPem) {
        RSAPrivateCrtKey key = parse(privateKeyPem);
        int bits = key.getModulus().bitLength();
        if (bits < MIN_BITS) {
            throw DirectoryException.invalid("DKIM key of " + bits + " bits is too short (at least " + MIN_BITS + ")");
        }
        try {
            byte[] pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded();
            return store(domain, selector, pem(key.getEncoded()), Base64.getEncoder().encodeToString(pub));
        } catch (GeneralSecurityException e) {
            throw DirectoryException.invalid("not a usable RSA key: " + e.getMessage());
        }
    }

    Optional<DkimKey> active(String name) {
        String domain = Addresses.domain(name);
        return db.read(c -> {
            try (var st = c.prepareStatement("SELECT " + COLUMNS + " FROM dkim_keys WHERE domain = ? AND active")) {
                st.setString(1, domain);
                try (var rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every key, of one domain or of all (null), by domain, newest first. */
    List<DkimKey> list(String domainOrNull) {
        String domain = domainOrNull == null ? null : Addresses.domain(domainOrNull);
        return db.read(c -> {
            String sql = "SELECT " + COLUMNS + " FROM dkim_keys" + (domain == null ? "" : " WHERE domain = ?")
                    + " ORDER BY domain, created DESC, selector";
            try (var st = c.prepareStatement(sql)) {
                if (domain != null) {
                    st.setString(1, domain);
                }
                try (var rs = st.executeQuery()) {
                    List<DkimKey> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                    return out;
                }
            }
        });
    }

    private DkimKey store(String name, String selector, String privatePem, String publicKey) {
        String domain = Addresses.domain(name);
        String sel = selector == null ? "" : selector.toLowerCase(java.util.Locale.ROOT);
        if (!SELECTOR.matcher(sel).matches()) {
            throw DirectoryException.invalid("invalid DKIM selector '" + selector + "': DNS labels of a-z, 0-9 and '-'");
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        return db.write(c -> {
            Domains.requireHosted(c, domain);
            if (exists(c, domain, sel)) {
                throw DirectoryException.exists("DKIM selector " + sel + " of " + domain);
            }
            try (var st = c.prepareStatement("UPDATE dkim_keys SET active = ? WHERE domain = ? AND active")) {
                st.setBoolean(1, false);
                st.setString(2, domain);
                st.executeUpdate();
            }
            try (var st = c.prepareStatement("INSERT INTO dkim_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
                st.setString(1, domain);
                st.setString(2, sel);
                st.setString(3, privatePem);
                st.setString(4, publicKey);
                st.setBoolean(5, true);
                st.setLong(6, now.toEpochMilli());
                st.executeUpdate();
            }
            return new DkimKey(domain, sel, privatePem, publicKey, true, now);
        });
    }

    private static boolean exists(Connection c, String domain, String selector) throws SQLException {
        try (var st = c.prepareStatement("SELECT 1 FROM dkim_keys WHERE domain = ? AND selector = ?")) {
            st.setString(1, domain);
            st.setString(2, selector);
            try (var rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static DkimKey row(ResultSet rs) throws SQLException {
        return new DkimKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                Instant.ofEpochMilli(rs.getLong(6)));
    }

    static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** Reads a PKCS#8 PEM RSA private key; INVALID when it is not one. */
    static RSAPrivateCrtKey parse(String pem) {
        if (pem == null || !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw DirectoryException.invalid("a DKIM key must be a PKCS#8 PEM RSA key (-----BEGIN PRIVATE KEY-----);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        String body = pem.replaceAll("(?s).*-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----.*", "")
                .replaceAll("\\s", "");
        try {
            var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            if (key instanceof RSAPrivateCrtKey crt) {
                return crt;
            }
            throw DirectoryException.invalid("the DKIM key has no public exponent (not a CRT RSA key)");
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw DirectoryException.invalid("not a PKCS#8 RSA private key: " + e.getMessage());
        }
    }
}
