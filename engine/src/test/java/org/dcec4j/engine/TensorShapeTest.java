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
}
