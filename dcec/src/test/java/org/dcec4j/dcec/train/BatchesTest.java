package org.dcec4j.dcec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

    @Test void gatherCopiesRows() {
        float[] src = {0, 1, 10, 11, 20, 21};
        float[] dst = new float[4];
        Batches.gather(dst, src, 2, new int[] {2, 0, 1}, 0, 2);
        assertArrayEquals(new float[] {20, 21, 0, 1}, dst);
    }
}
