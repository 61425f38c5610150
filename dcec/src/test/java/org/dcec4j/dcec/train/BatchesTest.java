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
