package org.dcec4j.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The threaded batch: bit-identical to the single-threaded loop for every thread count. */
class RandomAffinePoolTest {

    /** 1, 2 and 3 threads (and 7, more threads than some parts have rows) give the same bits. */
    @Test
    void threadCountDoesNotChangeTheResult() {
        int C = 3, H = 9, W = 14, n = C * H * W;
        RandomAffine a = RandomAffine.decDa();
        for (int B : new int[] {1, 2, 5, 37}) {
            float[] in = RandomAffineTest.image(B * n, B);
            int[] indices = new int[B];
            for (int b = 0; b < B; b++) indices[b] = (b * 7919) % 1000;
            float[] want = new float[B * n], wantConsecutive = new float[B * n];
            a.applyBatch(want, in, C, H, W, 99L, 3L, indices, 0, B);
            a.applyBatch(wantConsecutive, in, C, H, W, 99L, 3L, 500, 0, B);
            for (int T : new int[] {1, 2, 3, 7}) {
                try (RandomAffinePool pool = new RandomAffinePool(a, T)) {
                    assertEquals(T, pool.threads());
                    float[] got = new float[B * n];
                    pool.apply(got, in, B, C, H, W, 99L, 3L, indices);
                    assertArrayEquals(want, got, "B=" + B + ", T=" + T + " (indices)");
                    Arrays.fill(got, Float.NaN);
                    pool.apply(got, in, B, C, H, W, 99L, 3L, 500);
                    assertArrayEquals(wantConsecutive, got, "B=" + B + ", T=" + T + " (consecutive)");
                }
            }
        }
    }

    /**
     * Many batches back to back (as in training) on 3 threads: every one complete and right when
     * apply returns, so no worker is still writing a batch when the caller reads it.
     */
    @Test
    void backToBackBatchesAreCompleteWhenApplyReturns() {
        int C = 1, H = 28, W = 28, n = C * H * W, B = 48;
        RandomAffine a = RandomAffine.decDa();
        float[] in = RandomAffineTest.image(B * n, 8), want = new float[B * n], got = new float[B * n];
        try (RandomAffinePool pool = new RandomAffinePool(a, 3)) {
            for (int step = 0; step < 300; step++) {
                Arrays.fill(got, Float.NaN);
                pool.apply(got, in, B, C, H, W, 5L, step, step * B);
                a.applyBatch(want, in, C, H, W, 5L, step, step * B, 0, B);
                assertArrayEquals(want, got, "step " + step);
            }
        }
    }

    @Test
    void closedPoolRefusesWorkAndBadBatchesAreRejected() {
        RandomAffinePool pool = new RandomAffinePool(RandomAffine.decDa(), 2);
        float[] x = new float[784], y = new float[784];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool.apply(new float[2 * 784], x, 2, 1, 28, 28, 0, 0, 0));
        assertTrue(e.getMessage().contains("in must hold 1568"), e.getMessage());
        pool.apply(y, x, 1, 1, 28, 28, 0, 0, 0);   // still usable after a rejected call
        pool.close();
        assertThrows(IllegalStateException.class, () -> pool.apply(y, x, 1, 1, 28, 28, 0, 0, 0));
    }

    /**
     * The threaded call allocates nothing per batch on the calling thread either, once compiled: the first few hundred
     * calls may run code that the JIT has not compiled yet (on JDK 25, 50 warm-up calls left 131 KB allocated in the next
     * 200), so rounds of 200 batches are measured until one allocates nothing, at most 20 of them.
     */
    @Test
    void noAllocationPerBatch() {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        // reported as skipped, not passed, on a JVM without HotSpot's per-thread allocation counter
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean h && h.isThreadAllocatedMemorySupported(),
                "needs HotSpot's per-thread allocation counter");
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) bean;
        hs.setThreadAllocatedMemoryEnabled(true);
        int B = 32, n = 784;
        float[] in = RandomAffineTest.image(B * n, 9), out = new float[B * n];
        int[] indices = new int[B];
        try (RandomAffinePool pool = new RandomAffinePool(RandomAffine.decDa(), 2)) {
            for (int i = 0; i < 50; i++) pool.apply(out, in, B, 1, 28, 28, 1L, i, indices);
            java.util.List<Long> rounds = new java.util.ArrayList<>();
            long bytes;
            do {
                long before = hs.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) pool.apply(out, in, B, 1, 28, 28, 1L, i, indices);
                bytes = hs.getCurrentThreadAllocatedBytes() - before;
                rounds.add(bytes);
            } while (bytes >= 4096 && rounds.size() < 20);
            assertTrue(bytes < 4096, "bytes allocated per round of 200 batches: " + rounds);
        }
    }

    /**
     * An interrupted idle worker stays parked (left set, the flag made park return at once and the worker spin for as
     * long as the pool lived), and the pool still gives the same batches; an interrupted caller keeps its flag.
     */
    @Test
    void anInterruptedWorkerStaysParkedAndThePoolStillWorks() {
        java.util.Set<Thread> before = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        RandomAffine a = RandomAffine.decDa();
        int B = 8, n = 784;
        float[] in = RandomAffineTest.image(B * n, 10), want = new float[B * n], got = new float[B * n];
        try (RandomAffinePool pool = new RandomAffinePool(a, 2)) {
            Thread worker = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("dcec4j-augment-")).findFirst().orElseThrow();
            pause(100);
            worker.interrupt();
            int runnable = 0;
            for (int i = 0; i < 20; i++) { pause(15); if (worker.getState() == Thread.State.RUNNABLE) runnable++; }
            assertTrue(runnable <= 3, "the interrupted worker parks: RUNNABLE in " + runnable + " of 20 samples");
            Thread.currentThread().interrupt();
            pool.apply(got, in, B, 1, 28, 28, 3L, 0, 0);
            assertTrue(Thread.interrupted(), "the caller's flag is kept");
            a.applyBatch(want, in, 1, 28, 28, 3L, 0, 0, 0, B);
            assertArrayEquals(want, got);
        }
    }

    private static void pause(long ms) {
        long end = System.nanoTime() + ms * 1_000_000L;
        for (long left; (left = end - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(left);
    }

    /**
     * A worker that cannot start (the JVM's OutOfMemoryError "unable to create native thread", here from the factory):
     * the error reaches the caller and the worker already started ends, since the pool the caller never receives could
     * not be closed by anyone. Before, it stayed parked for the life of the JVM.
     */
    @Test
    void aWorkerThatCannotStartLeavesNoWorkerBehind() throws Exception {
        java.util.List<Thread> made = new java.util.ArrayList<>();
        java.util.concurrent.ThreadFactory second = r -> {
            if (made.size() == 1) throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
            Thread t = new Thread(r);
            made.add(t);
            return t;
        };
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> new RandomAffinePool(RandomAffine.decDa(), 4, second));
        assertTrue(e.getMessage().startsWith("unable to create native thread"), e.getMessage());
        assertEquals(1, made.size());
        made.get(0).join(10_000);
        assertTrue(!made.get(0).isAlive(), "the started worker is still there: " + made.get(0).getState());
    }
}
