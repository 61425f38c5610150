package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.dcec4j.engine.Backend;
import org.junit.jupiter.api.Test;

/**
 * {@link Version#ARITHMETIC} names the bits a seed gives: a small fit's model (LibraryTest's quick settings on 120
 * shapes images: pretraining, k-means, DCEC's clustering phase) is pinned here by its SHA-256, computed by the code of
 * arithmetic version 1 and the same on every machine, kernel width and thread count. A change that alters any of
 * those bits fails this test; it is then a new arithmetic: raise {@link Version#ARITHMETIC}, put the new digest here
 * beside it, and note the change in docs/kernels.md, so that checkpoints of the old arithmetic are refused instead of
 * continued with other bits, and the reproduction's published checksums are known to be of the older arithmetic.
 */
class ArithmeticVersionTest {
    /** The model's SHA-256 for each arithmetic version, index = version. */
    static final String[] MODEL_SHA256 = {
        null,
        "75eadac6e60e29651b69fea98a2d24d406a283c1105721d244a513a47c9ebc1b",
    };

    @Test void aSmallFitGivesTheModelOfThisArithmeticVersion() throws Exception {
        for (Backend.Kind kind : new Backend.Kind[] {Backend.Kind.SCALAR, Backend.Kind.AUTO}) {
            for (int threads : new int[] {1, 3}) {
                try (Backend b = Backend.create(kind, threads)) {
                    byte[] model = LibraryTest.quick().backend(b).build().fit(LibraryTest.DATA).toBytes();
                    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
                    assertEquals(MODEL_SHA256[Version.ARITHMETIC], sha, "the bits of a fit changed (" + b.describe()
                            + "): a change of arithmetic needs a new Version.ARITHMETIC (see this class's comment)");
                }
            }
        }
    }
}
