package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The autograd core: order, accumulation, zeroing, no-grad mode, the functional API. Hand-computed values. */
class AutogradTest {

    @Test void tensorUsedTwiceReceivesTheSumOfBothPaths() {
        // L = Σ (x ⊙ x) + 3·Σ x  →  ∂L/∂x = 2x + 3
        Tensor x = Tensor.parameter(new float[] {1, -2, 0.5f}, 3);
        Tensor loss = F.add(F.sum(F.mul(x, x)), F.scale(F.sum(x), 3f));
        loss.backward();
        assertArrayEquals(new float[] {5, -1, 4}, x.grad(), 1e-6f);
    }

    @Test void leafGradientsAccumulateAcrossPassesUntilZeroed() {
        Tensor x = Tensor.parameter(new float[] {2, 3}, 2);
        F.sum(F.scale(x, 2f)).backward();
        F.sum(F.scale(x, 2f)).backward();
        assertArrayEquals(new float[] {4, 4}, x.grad(), 0f);   // 2 + 2
        x.zeroGrad();
        assertArrayEquals(new float[] {0, 0}, x.grad(), 0f);
    }

    @Test void intermediateGradientsStartAtZeroEachPass() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor h = F.scale(x, 3f);          // intermediate
        Tensor loss = F.sum(F.mul(h, h));    // ∂L/∂x = 2·h·3 = 18x
        float[][] g1 = Autograd.gradients(loss, x);
        float[][] g2 = Autograd.gradients(loss, x);    // same graph again: must not double
        assertArrayEquals(new float[] {18, 36}, g1[0], 1e-5f);
        assertArrayEquals(g1[0], g2[0], 0f);
    }

    @Test void functionalGradientsLeaveBuffersAsTheyWere() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        x.grad()[0] = 7;
        float[][] g = Autograd.gradients(F.sum(F.mul(x, x)), x);
        assertArrayEquals(new float[] {2, 4}, g[0], 0f);
        assertArrayEquals(new float[] {7, 0}, x.grad(), 0f);
    }

    /**
     * Nor does it touch the buffers of the leaves it was not asked about, or give a buffer to a leaf that had none: before,
     * gradients(Σ y⊙z, y) left z.grad = 3 and y with a zeroed buffer, and an optimiser would then count a step for y.
     */
    @Test void functionalGradientsLeaveEveryLeafAsItWas() {
        Tensor y = Tensor.parameter(new float[] {2}, 1), z = Tensor.parameter(new float[] {3}, 1), w = Tensor.parameter(new float[] {5}, 1);
        w.grad()[0] = 7;
        Tensor loss = F.sum(F.add(F.mul(y, z), F.mul(w, w)));
        float[][] g = Autograd.gradients(loss, y);
        assertArrayEquals(new float[] {3}, g[0], 0f);                   // ∂(yz + w²)/∂y = z
        assertFalse(y.hasGrad(), "the input got a gradient buffer");
        assertFalse(z.hasGrad(), "an unlisted leaf got a gradient buffer");
        assertArrayEquals(new float[] {7}, w.grad(), 0f);               // not 7 + 2w = 17
        Tensor unreached = Tensor.parameter(new float[] {1, 1}, 2);
        assertArrayEquals(new float[] {0, 0}, Autograd.gradients(loss, unreached)[0], 0f);
        assertFalse(unreached.hasGrad());
    }

    @Test void topologicalOrderIsDeterministicAndParentsFirst() {
        Tensor a = Tensor.parameter(new float[] {1}, 1).name("a");
        Tensor b = Tensor.parameter(new float[] {2}, 1).name("b");
        Tensor c = F.mul(a, b).name("c");
        Tensor d = F.add(c, a).name("d");
        Tensor e = F.sub(d, b).name("e");
        List<Tensor> order = Autograd.topologicalOrder(e);
        StringBuilder names = new StringBuilder();
        for (Tensor t : order) names.append(t.name());
        assertEquals("abcde", names.toString());     // DFS post-order, parents in argument order
        for (int i = 0; i < 5; i++) assertEquals(order, Autograd.topologicalOrder(e));
    }

    @Test void deepChainsNeedNoRecursion() {
        Tensor x = Tensor.parameter(new float[] {1}, 1);
        Tensor h = x;
        for (int i = 0; i < 20_000; i++) h = F.addScalar(h, 0f);   // would overflow a recursive DFS
        F.sum(h).backward();
        assertEquals(1f, x.grad()[0]);
    }

    @Test void noGradRecordsNothing() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor y;
        try (var ignored = Autograd.noGrad()) {
            y = F.mul(x, x);
            assertFalse(Autograd.isGradEnabled());
        }
        assertTrue(Autograd.isGradEnabled());
        assertNull(y.op());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, () -> F.sum(y).backward());
    }

    /** The block belongs to its thread: closed elsewhere it is refused, and neither thread's state changes. */
    @Test void aNoGradBlockClosedOnAnotherThreadIsRefused() throws Exception {
        var block = Autograd.noGrad();
        Throwable[] seen = new Throwable[1];
        boolean[] enabledThere = new boolean[1];
        Thread other = new Thread(() -> {
            try { block.close(); } catch (Throwable t) { seen[0] = t; }
            enabledThere[0] = Autograd.isGradEnabled();
        }, "other");
        other.start();
        other.join();
        assertTrue(seen[0] instanceof IllegalStateException && seen[0].getMessage().contains("close it on the thread that opened it"),
                String.valueOf(seen[0]));
        assertTrue(enabledThere[0], "the other thread's gradients stay on");
        assertFalse(Autograd.isGradEnabled(), "this thread's block stays open");
        block.close();
        assertTrue(Autograd.isGradEnabled());
    }

    @Test void constantsAreNotDifferentiated() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor c = Tensor.of(new float[] {5, 6}, 2);
        F.sum(F.mul(x, c)).backward();
        assertArrayEquals(new float[] {5, 6}, x.grad(), 0f);
        assertFalse(c.hasGrad());
    }

    @Test void backwardNeedsAScalar() {
        Tensor x = Tensor.parameter(new float[] {1, 2}, 2);
        assertThrows(IllegalArgumentException.class, () -> F.scale(x, 2f).backward());
    }

    @Test void reshapeSharesDataAndRoutesGradients() {
        Tensor x = Tensor.parameter(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor r = F.reshape(x, 3, 2);
        assertTrue(r.data == x.data);
        F.sum(F.mul(r, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2))).backward();
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, x.grad(), 0f);
    }
}
