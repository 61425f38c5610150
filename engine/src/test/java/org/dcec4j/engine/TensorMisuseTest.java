package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Plausible misuses of Tensor by someone building a model: each is refused with a message that names what was wrong. */
class TensorMisuseTest {

    @Test void theGradientOfATensorThatDoesNotRequireGradientsIsRefusedNotZeros() {
        Tensor c = Tensor.of(new float[] {2f, 3f}, 2);                  // a constant: no gradient is computed for it
        Tensor w = Tensor.parameter(new float[] {5f, 7f}, 2);
        F.sum(F.mul(c, w)).backward();                                 // ∂L/∂c = w ≠ 0, so zeros would be wrong
        assertArrayEquals(new float[] {2f, 3f}, w.grad());
        IllegalStateException e = assertThrows(IllegalStateException.class, c::grad);
        assertTrue(e.getMessage().contains("does not require gradients") && e.getMessage().contains("Tensor[2]"), e.getMessage());
        // marked before the forward pass, it gets its gradient
        c.requiresGrad(true);
        F.sum(F.mul(c, w)).backward();
        assertArrayEquals(new float[] {5f, 7f}, c.grad());
    }

    @Test void aDimensionOutOfRangeNamesTheShape() {
        Tensor x = Tensor.zeros(2, 3);
        for (int i : new int[] {2, -3, 5}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.dim(i));
            assertTrue(e.getMessage().contains("dim(" + i + ")") && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
        assertTrue(x.dim(-1) == 3 && x.dim(-2) == 2 && x.dim(0) == 2);
    }

    @Test void dataWrittenBetweenForwardAndBackwardIsReadByBackwardAsDocumented() {
        // documented in Tensor's javadoc and docs/math/autograd.md#tensor: no version check, the backward reads the new values
        Tensor a = Tensor.parameter(new float[] {1f, 2f}, 2), b = Tensor.parameter(new float[] {3f, 4f}, 2);
        Tensor loss = F.sum(F.mul(a, b));
        b.data[0] = 10f;
        loss.backward();
        assertArrayEquals(new float[] {10f, 4f}, a.grad());
    }
}
