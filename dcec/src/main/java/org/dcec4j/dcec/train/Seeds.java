package org.dcec4j.dcec.train;

import java.util.SplittableRandom;

/**
 * Every random choice of a run comes from the one user seed through {@link #derive}: a stream (weights,
 * shuffling, k-means) and an index (the epoch) are mixed into the seed with SplitMix64's finaliser. A
 * resumed run re-derives the generator of epoch e from (seed, e), so no generator state is stored.
 */
public final class Seeds {
    private Seeds() {}

    public static final long WEIGHTS = 1, SHUFFLE = 2, KMEANS = 3;
    /** The random transforms of the data-augmented methods: one stream per phase (step = epoch, or iteration). */
    public static final long AUGMENT_PRETRAIN = 4, AUGMENT_CLUSTER = 5;
    /**
     * The pixel k-means baseline a command line run computes after training ({@code run.PixelBaseline}): a stream
     * of its own, so that whether it runs changes nothing else.
     */
    public static final long BASELINE = 6;

    /** A seed for (stream, index) of a run seeded with {@code seed}. */
    public static long derive(long seed, long stream, long index) {
        return mix64(mix64(seed ^ mix64(stream * 0x9E3779B97F4A7C15L)) + index * 0xBF58476D1CE4E5B9L);
    }

    public static SplittableRandom rng(long seed, long stream, long index) { return new SplittableRandom(derive(seed, stream, index)); }

    /** SplitMix64's output function (Stafford's variant 13). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
