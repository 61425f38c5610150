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

    /** A bad reshape says what is wrong, not only "reshape [2, 3] to [-2, -1]". */
    @Test void reshapeSaysWhichDimensionIsWrong() {
        Tensor x = Tensor.zeros(2, 3);
        String[][] cases = {{"-2,-1", "dimension 0 is -2", "positive, or -1"}, {"-1,-1", "at most one dimension may be -1"},
                {"0,-1", "dimension 0 is 0"}, {"4,-1", "hold 4 values", "does not divide the 6"}};
        for (String[] c : cases) {
            int[] shape = java.util.Arrays.stream(c[0].split(",")).mapToInt(Integer::parseInt).toArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.reshape(shape));
            for (int i = 1; i < c.length; i++) assertTrue(e.getMessage().contains(c[i]), c[0] + ": " + e.getMessage());
        }
        assertEquals(java.util.List.of(3, 2), java.util.Arrays.stream(x.reshape(-1, 2).shape()).boxed().toList());
    }
}
