package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BatchesTest {
    @Test void orderedWalkWithShortLastBatch() {
        int N = 10, B = 4;
        assertEquals(3, Batches.count(N, B));
        int[] sizes = new int[3];
        for (int b = 0; b < 3; b++) sizes[b] = Batches.end(b, N, B) - Batches.start(b, B);
        assertArrayEquals(new int[] {4, 4, 2}, sizes);
        int[] walk = new int[8];
        for (int t = 0; t < 8; t++) walk[t] = Batches.orderedBatch(t, N, B);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1}, walk);
        // every index covered exactly once per pass
        int[] seen = new int[N];
        for (int b = 0; b < 3; b++) for (int i = Batches.start(b, B); i < Batches.end(b, N, B); i++) seen[i]++;
        for (int s : seen) assertEquals(1, s);
        assertEquals(1, Batches.count(4, 4));
        assertEquals(4, Batches.end(0, 4, 4));
    }

    /**
     * A batch size near 2³¹ (more than the set: the whole set in one batch) is one batch of N, not zero batches:
     * ⌈N/B⌉ was (N + B − 1) / B in ints, which wrapped negative and gave 0 for N + B − 1 > 2³¹ − 1.
     */
    @Test void aBatchSizeNearTheIntLimitIsOneBatch() {
        for (int B : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 50, 1 << 30 | 1 << 29}) {
            assertEquals(1, Batches.count(100, B), "B = " + B);
            assertEquals(100, Batches.end(0, 100, B), "B = " + B);
        }
        // N and B both past 2³⁰: two batches, the second ending at N
        int N = Integer.MAX_VALUE - 1, B = (1 << 30) + 7;
        assertEquals(2, Batches.count(N, B));
        assertEquals(B, Batches.end(0, N, B));
        assertEquals(N, Batches.end(1, N, B));
        assertEquals(1, Batches.count(Integer.MAX_VALUE, Integer.MAX_VALUE));
    }

    /**
     * The embeddings of a set with batch size Integer.MAX_VALUE are those of one batch of N (dcec train, predict and embed
     * pass --batch-size through): with the wrapped count the loop ran no batch and returned N × K zeros.
     */
    @Test void embeddingWithTheLargestBatchSizeEmbedsEveryImage() {
        org.dcec4j.datasets.Dataset d = org.dcec4j.datasets.Shapes.generate(30, 3, 12);
        var ae = new org.dcec4j.dcec.model.ConvAutoencoder(1, 12, 12, 3, new int[] {2, 2, 2}, 1);
        float[] one = Inference.embed(ae, d.images(), 30, 30);
        float[] huge = Inference.embed(ae, d.images(), 30, Integer.MAX_VALUE);
        assertTrue(Arrays.stream(toDouble(one)).anyMatch(v -> v != 0), "the reference embeddings are not all zero");
        assertArrayEquals(one, huge);
    }

    /**
     * A training's pass over the whole set (the centre initialisation's and each target update's: seconds for 70,000
     * images) asks its Cancellation before each batch, so a cancel during it ends the fit there, naming the batch; without
     * a handle (predict, embed) nothing is asked, not even the interrupt. Before, a cancel waited for the whole pass.
     */
    @Test void aTrainingsEmbeddingPassStopsAtTheNextBatchWhenCancelled() {
        org.dcec4j.datasets.Dataset d = org.dcec4j.datasets.Shapes.generate(30, 3, 12);
        var ae = new org.dcec4j.dcec.model.ConvAutoencoder(1, 12, 12, 3, new int[] {2, 2, 2}, 1);
        org.dcec4j.dcec.Cancellation c = new org.dcec4j.dcec.Cancellation();
        assertArrayEquals(Inference.embed(ae, d.images(), 30, 8), Inference.embed(ae, d.images(), 30, 8, c, "here"));
        c.cancel("stopped by the test");
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                () -> Inference.embed(ae, d.images(), 30, 8, c, "clustering, iteration 140 (the target update)"));
        assertEquals("stopped by the test (clustering, iteration 140 (the target update), embedding batch 1 of 4)", e.getMessage());
        Thread.currentThread().interrupt();
        try {
            e = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CancellationException.class,
                    () -> Inference.embed(ae, d.images(), 30, 8, new org.dcec4j.dcec.Cancellation(), "centre initialisation"));
            assertEquals("interrupted (centre initialisation, embedding batch 1 of 4)", e.getMessage());
            assertEquals(30 * 3, Inference.embed(ae, d.images(), 30, 8).length);     // no handle: the pass runs
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test void permutationsArePermutationsAndDifferPerEpoch() {
        int[] a = Batches.permutation(100, Seeds.rng(7, Seeds.SHUFFLE, 0));
        int[] a2 = Batches.permutation(100, Seeds.rng(7, Seeds.SHUFFLE, 0));
        int[] b = Batches.permutation(100, Seeds.rng(7, Seeds.SHUFFLE, 1));
        assertArrayEquals(a, a2);
        assertFalse(Arrays.equals(a, b));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) assertEquals(i, sorted[i]);
    }

    /**
     * The shuffle is uniform (Fisher–Yates): over 1,000·N! seeds every one of the N! permutations, enumerated by brute
     * force, occurs 1,000 times give or take 200 (about 6.5 standard deviations), those with fixed points included (a
     * Sattolo shuffle, nextInt(i) for nextInt(i + 1), makes only the cyclic ones).
     */
    @Test void permutationsAreUniformOverAllNFactorial() {
        for (int N : new int[] {3, 4}) {
            java.util.Map<String, Integer> counts = new java.util.HashMap<>();
            for (int[] perm : allPermutations(N)) counts.put(Arrays.toString(perm), 0);
            int factorial = counts.size(), draws = 1000 * factorial;
            assertEquals(N == 3 ? 6 : 24, factorial);
            for (long seed = 0; seed < draws; seed++) {
                String key = Arrays.toString(Batches.permutation(N, new java.util.SplittableRandom(seed)));
                assertTrue(counts.containsKey(key), "not a permutation of 0.." + (N - 1) + ": " + key);
                counts.merge(key, 1, Integer::sum);
            }
            for (var e : counts.entrySet())
                assertTrue(e.getValue() >= 800 && e.getValue() <= 1200, "N = " + N + ": " + e.getKey() + " drawn " + e.getValue() + " times of " + draws);
            int[] identity = new int[N];
            for (int i = 0; i < N; i++) identity[i] = i;
            assertTrue(counts.get(Arrays.toString(identity)) > 0, "the identity occurs");
        }
    }

    /** Every permutation of 0..N-1, by brute force (each position takes each unused value). */
    static java.util.List<int[]> allPermutations(int N) {
        java.util.List<int[]> out = new java.util.ArrayList<>();
        permute(new int[N], new boolean[N], 0, out);
        return out;
    }

    private static void permute(int[] prefix, boolean[] used, int at, java.util.List<int[]> out) {
        if (at == prefix.length) { out.add(prefix.clone()); return; }
        for (int v = 0; v < prefix.length; v++) {
            if (used[v]) continue;
            used[v] = true; prefix[at] = v;
            permute(prefix, used, at + 1, out);
            used[v] = false;
        }
    }

    @Test void gatherCopiesRows() {
        float[] src = {0, 1, 10, 11, 20, 21};
        float[] dst = new float[4];
        Batches.gather(dst, src, 2, new int[] {2, 0, 1}, 0, 2);
        assertArrayEquals(new float[] {20, 21, 0, 1}, dst);
    }
}
