package org.mailslot.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Vectors from akkadia.org/drepper/SHA-crypt.txt, cross-checked against glibc/libxcrypt crypt(3). */
class ShaCryptTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "$6$saltstring | Hello world! | $6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1",
            "$6$rounds=10000$saltstringsaltstring | Hello world! | $6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.",
            "$6$rounds=5000$toolongsaltstring | This is just a test | $6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0",
            "$6$rounds=1400$anotherlongsaltstring | a very much longer text to encrypt.  This one even stretches over morethan one line. | $6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1",
            "$6$rounds=77777$short | we have a short salt string but not a short password | $6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0",
            "$6$rounds=123456$asaltof16chars.. | a short string | $6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1",
            "$5$saltstring | Hello world! | $5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
            "$5$rounds=10000$saltstringsaltstring | Hello world! | $5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
    })
    void matchesTheSpecVectors(String setting, String key, String expected) {
        assertThat(ShaCrypt.crypt(key.getBytes(StandardCharsets.UTF_8), setting)).isEqualTo(expected);
        assertThat(ShaCrypt.verify(key.toCharArray(), expected)).isTrue();
        assertThat(ShaCrypt.verify((key + "x").toCharArray(), expected)).isFalse();
    }

    @Test
    void clampsRoundsBelowTheMinimum() {
        String low = ShaCrypt.crypt("x".getBytes(StandardCharsets.UTF_8), "$6$rounds=10$roundstoolow");
        String min = ShaCrypt.crypt("x".getBytes(StandardCharsets.UTF_8), "$6$rounds=1000$roundstoolow");
        assertThat(low).isEqualTo(min).startsWith("$6$rounds=1000$roundstoolow$");
    }

    @Test
    void verifiesHashesMadeByOpensslAndGlibc() {
        // openssl passwd -6 -salt abcdefgh secret
        assertThat(ShaCrypt.verify("secret".toCharArray(),
                "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.")).isTrue();
        // perl -e 'print crypt("pässwörd", q($6$Zm9vYmFy))' (UTF-8 source)
        assertThat(ShaCrypt.verify("pässwörd".toCharArray(),
                "$6$Zm9vYmFy$mcc1Erl7SEepE7unHu2CKzTfZ5p.LusUJ6fT6JdzeielYDmfIXlRb9wbL0vtmAgg4FQixldRmblbdLai4jc0p0")).isTrue();
        assertThat(ShaCrypt.verify("".toCharArray(),
                "$6$emptypw$TWmzQ8/uLn1BFSZ5Lkfum8lAba5vixF9Nl3Aiof.Praatq9nh0kkPuTdoVrIL6du0L6LAoadbPq.q.D7keveg/")).isTrue();
        assertThat(ShaCrypt.verify("x".repeat(200).toCharArray(),
                "$6$longpw$Twg.5yo9tdE0/GKj1C9dbKPzN/7PpOhfimMWAki/FOXdeFw9B0G9qAY8tiTfvNA1f1ZfL5d8c4Zo.NC9CM2eZ0")).isTrue();
    }

    @Test
    void rejectsMalformedHashes() {
        assertThat(ShaCrypt.isWellFormed("$6$salt$short")).isFalse();
        assertThat(ShaCrypt.isWellFormed("$1$salt$abc")).isFalse();
        assertThat(ShaCrypt.isWellFormed("$6$rounds=abc$salt$" + "a".repeat(86))).isFalse();
        assertThat(ShaCrypt.isWellFormed("$6$salt$" + "!".repeat(86))).isFalse();
        assertThat(ShaCrypt.isWellFormed("$6$salt$" + "a".repeat(86))).isTrue();
        assertThat(ShaCrypt.verify("x".toCharArray(), "$6$salt$short")).isFalse();
    }
}
