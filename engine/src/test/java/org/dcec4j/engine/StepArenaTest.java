package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.Kernels;
import org.dcec4j.engine.kernels.ScalarKernels;
import org.dcec4j.engine.nn.Conv2d;
import org.dcec4j.engine.nn.ConvTranspose2d;
import org.dcec4j.engine.nn.Linear;
import org.dcec4j.engine.nn.Padding;
import org.dcec4j.engine.optim.Adam;
import org.junit.jupiter.api.Test;

/**
 * {@link StepArena}: what it hands out, when, and that a training loop computes the same bits with and without it.
 */
class StepArenaTest {

    @Test void theNextStepGetsThePreviousStepsArraysInTheSameOrder() {
        StepArena arena = new StepArena();
        float[] a, b, c;
        try (var step = arena.open()) {
            a = StepArena.array(100);
            b = StepArena.array(100);
            c = StepArena.array(7);
            assertNotSame(a, b, "one step never gets the same array twice");
        }
        assertEquals(3, arena.allocatedArrays());
        try (var step = arena.open()) {
            assertSame(a, StepArena.array(100));
            assertSame(b, StepArena.array(100));
            assertSame(c, StepArena.array(7));
            float[] d = StepArena.array(100);                 // more than last time: a new one
            assertNotSame(a, d);
            assertNotSame(b, d);
        }
        assertEquals(4, arena.allocatedArrays());
        assertEquals(3, arena.reusedArrays());
        assertEquals(3 * 100 + 7, arena.heldFloats());
        arena.clear();
        assertEquals(0, arena.heldFloats());
    }

    @Test void withoutAnOpenArenaEveryArrayIsNewAndZero() {
        assertFalse(StepArena.isOpen());
        float[] a = StepArena.array(10), b = StepArena.array(10);
        assertNotSame(a, b);
        assertArrayEquals(new float[10], a);
        assertArrayEquals(new float[10], StepArena.zeroedArray(10));
    }

    @Test void zeroedArraysAreClearedWhenReused() {
        StepArena arena = new StepArena();
        float[] z;
        try (var step = arena.open()) {
            z = StepArena.zeroedArray(33);
            Arrays.fill(z, -4.5f);
        }
        try (var step = arena.open()) {
            float[] again = StepArena.zeroedArray(33);
            assertSame(z, again);
            assertArrayEquals(new float[33], again);
        }
    }

    @Test void computedTensorsGradientsComeFromTheArenaLeavesAndZerosNever() {
        StepArena arena = new StepArena();
        Tensor w = Tensor.parameter(new float[] {1f, -2f, 3f}, 3);
        Set<float[]> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int step = 0; step < 3; step++) {
            try (var s = arena.open()) {
                Tensor y = ReLU(w);                            // an op output: the arena's
                Tensor loss = F.sum(y);
                Tensor z = Tensor.zeros(3);                    // Tensor.zeros: never the arena's
                loss.backward();
                handedOut.add(y.data);
                handedOut.add(y.grad());
                assertFalse(handedOut.contains(w.grad()), "a parameter's gradient must be its own");
                assertFalse(handedOut.contains(z.data), "Tensor.zeros must not come from the arena");
                // the reused gradient array starts at zero each step: ∂Σrelu(w)/∂w = [w > 0], accumulated over steps
                assertArrayEquals(new float[] {step + 1, 0f, step + 1}, w.grad());
            }
        }
        assertEquals(2, handedOut.size(), "steps 2 and 3 reuse step 1's two arrays");
    }

    private static Tensor ReLU(Tensor x) { return F.relu(x); }

    @Test void misuseIsAClearError() throws Exception {
        StepArena arena = new StepArena();
        try (var step = arena.open()) {
            assertTrue(StepArena.isOpen());
            assertThrows(IllegalStateException.class, arena::open, "opened twice");
            assertThrows(IllegalStateException.class, () -> new StepArena().open(), "two arenas on one thread");
            assertThrows(IllegalStateException.class, arena::clear, "cleared while open");
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try { arena.open(); } catch (Throwable e) { other.set(e); }
            });
            t.start();
            t.join();
            assertTrue(other.get() instanceof IllegalStateException, "opened from a second thread while open: " + other.get());
            assertTrue(other.get().getMessage().contains(Thread.currentThread().getName()), other.get().getMessage());
        }
        assertFalse(StepArena.isOpen());
        var step = arena.open();
        step.close();
        step.close();                                          // idempotent
        assertFalse(StepArena.isOpen());
    }

    /**
     * A small encoder–decoder with every op the arena serves (conv2d with fused ReLU, linear, transposed conv2d
     * with and without ReLU, a separate ReLU), trained by Adam on batches of two sizes: the weights after every
     * step are the same bits with and without the arena, and the arena's second and later steps allocate nothing.
     */
    @Test void aTrainingLoopGivesTheSameBitsWithAndWithoutTheArena() {
        sameBitsWithAndWithoutTheArena(new ScalarKernels());
    }

    /** The same with the vector kernels on two threads (their ReLU backward writes its masked gradient too). */
    @Test void aVectorTrainingLoopGivesTheSameBitsWithAndWithoutTheArena() {
        assumeTrue(Backend.vectorModulePresent(), "needs --add-modules jdk.incubator.vector");
        try (Backend b = Backend.create(Backend.Kind.VECTOR, 2)) {
            sameBitsWithAndWithoutTheArena(b.kernels());
        }
    }

    private static void sameBitsWithAndWithoutTheArena(Kernels k) {
        List<int[]> plain = train(null, k);
        StepArena arena = new StepArena();
        List<int[]> arenaRun = train(arena, k);
        assertEquals(plain.size(), arenaRun.size());
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), arenaRun.get(i), "step " + (i / 8) + ", tensor " + (i % 8));
        long firstTwoSteps = arena.allocatedArrays();           // a full batch and a short one
        // steps 3–6 take what steps 1–2 took (and step 2 already reused the arrays whose length both sizes share)
        assertTrue(arena.reusedArrays() >= 2 * firstTwoSteps, "reused " + arena.reusedArrays() + ", allocated " + firstTwoSteps);
        List<int[]> again = train(arena, k);                       // the same arena again: all arrays reused, same bits
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), again.get(i));
        assertEquals(firstTwoSteps, arena.allocatedArrays(), "a warm arena allocates nothing more");
    }

    private static List<int[]> train(StepArena arena, Kernels k) {
        Random r = new Random(3);
        Conv2d conv = new Conv2d(1, 4, 3, 2, Padding.same(), Activation.RELU, new SplittableRandom(1));
        Linear down = new Linear(4 * 4 * 4, 5, new SplittableRandom(2)), up = new Linear(5, 4 * 4 * 4, new SplittableRandom(4));
        ConvTranspose2d deconv = new ConvTranspose2d(4, 1, 3, 2, Padding.same(), Activation.NONE, new SplittableRandom(5));
        for (var m : List.of(conv, down, up, deconv)) m.use(k);
        List<Tensor> params = new ArrayList<>();
        for (var m : List.of(conv, down, up, deconv)) params.addAll(m.parameters());
        Adam opt = new Adam(params, 1e-2f, k);
        List<int[]> bits = new ArrayList<>();
        for (int step = 0; step < 6; step++) {
            int n = step % 2 == 0 ? 6 : 3;                      // two batch sizes, as at the end of an epoch
            float[] xb = new float[n * 8 * 8];
            for (int i = 0; i < xb.length; i++) xb[i] = r.nextFloat();
            Tensor x = Tensor.of(xb, n, 1, 8, 8);
            try (var s = arena != null ? arena.open() : null) {
                opt.zeroGrad();
                Tensor h = F.relu(k, up.forward(down.forward(conv.forward(x).reshape(n, 64)))).reshape(n, 4, 4, 4);
                Tensor loss = F.mse(deconv.forward(h), x);
                loss.backward();
                opt.step();
            }
            for (Tensor p : params) bits.add(bits(p.data));
        }
        return bits;
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
