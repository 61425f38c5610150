package org.dcec4j.dcec.train;

import java.util.SplittableRandom;

/**
 * How the two phases walk the data. Pretraining: a fresh seeded permutation every epoch, batches of B
 * with a short last one. Clustering: the data in order, iteration t trains batch t mod ⌈N/B⌉, whose
 * last one is the short remainder N − (⌈N/B⌉ − 1)·B.
 *
 * <p>Math: docs/math/dcec.md#batches
 */
public final class Batches {
    private Batches() {}

    /**
     * ⌈N/B⌉, in longs: N + B − 1 in ints wraps for a batch size near 2³¹ (--batch-size 2147483647 for "the whole set
     * in one batch" gave 0 batches, and every embedding stayed 0).
     */
    public static int count(int N, int B) { return (int) (((long) N + B - 1) / B); }

    /** First index of batch b. */
    public static int start(int b, int B) { return b * B; }

    /** One past the last index of batch b (N for the short last batch). */
    public static int end(int b, int N, int B) { return (int) Math.min(N, (b + 1L) * B); }

    /** The batch iteration t of the clustering phase trains: t mod ⌈N/B⌉. */
    public static int orderedBatch(long t, int N, int B) { return (int) (t % count(N, B)); }

    /** A uniformly random permutation of 0..N-1 (Fisher–Yates from the back). */
    public static int[] permutation(int N, SplittableRandom rng) {
        int[] perm = new int[N];
        for (int i = 0; i < N; i++) perm[i] = i;
        for (int i = N - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        return perm;
    }

    /**
     * Copies rows index[from..to) of src [N, D] into dst [to − from, D].
     *
     * @param dst   written, at least (to − from)·D values
     * @param src   read, [N, D]
     * @param index read, row numbers
     */
    public static void gather(float[] dst, float[] src, int D, int[] index, int from, int to) {
        for (int r = from; r < to; r++) System.arraycopy(src, index[r] * D, dst, (r - from) * D, D);
    }
}
