package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shapes whose element count does not fit an int are refused, however the product would wrap. */
class TensorShapeTest {
    @Test void shapesOfMoreThanIntMaxElementsAreRefused() {
        // 2^64 wraps to 0 in a long, 2^32 to 0 in an int
        int[][] shapes = {{65536, 65536, 65536, 65536}, {65536, 65536}, {46341, 46341}, {Integer.MAX_VALUE, 2}};
        for (int[] shape : shapes) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], shape));
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(shape));
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, -1));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
        assertEquals(6, Tensor.zeros(2, 3).size());
        assertEquals(1, Tensor.of(new float[1], 1, 1, 1, 1, 1).size());
    }

    /** Rank 0 is refused where it would be made, not later by TensorFile: a scalar is shape [1], as losses make it. */
    @Test void rankZeroIsRefusedAtCreationAndAScalarIsShapeOne() {
        Tensor x = Tensor.of(new float[] {2.5f}, 1);
        for (org.junit.jupiter.api.function.Executable make : new org.junit.jupiter.api.function.Executable[] {
                () -> Tensor.zeros(), () -> Tensor.of(new float[1]), () -> Tensor.parameter(new float[1]), () -> x.reshape()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
            assertTrue(e.getMessage().contains("at least one dimension") && e.getMessage().contains("[1]"), e.getMessage());
        }
        Tensor loss = F.mse(x, Tensor.zeros(1));
        assertEquals(1, loss.rank());
        assertEquals(6.25f, loss.item());
        assertEquals(1, F.sum(x, 0, false).rank());
    }
}
