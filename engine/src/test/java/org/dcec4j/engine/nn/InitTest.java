package org.dcec4j.engine.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The initialisers refuse fans that would make every weight infinite or NaN. */
class InitTest {
    @Test void fansBelowOneAreRefusedRatherThanFillingInfinityOrNaN() {
        float[] w = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Init.glorotUniform(w, 0, 0, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("glorotUniform") && e.getMessage().contains("0 and 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Init.glorotUniform(w, 3, -3, new SplittableRandom(1)));
        e = assertThrows(IllegalArgumentException.class, () -> Init.uniformFanIn(w, -1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("uniformFanIn") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Init.Scheme.GLOROT_UNIFORM.fill(w, 0, 5, new SplittableRandom(1)));
        for (float v : w) assertTrue(v == 0f, "w untouched");
        Init.glorotUniform(w, 1, 1, new SplittableRandom(1));
        for (float v : w) assertTrue(Float.isFinite(v) && Math.abs(v) <= Math.sqrt(3), "finite within the bound: " + v);
    }
}
