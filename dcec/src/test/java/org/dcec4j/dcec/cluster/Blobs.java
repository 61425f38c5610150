package org.dcec4j.dcec.cluster;

import java.util.SplittableRandom;

/** Seeded Gaussian blobs for the k-means tests and the timing tool. */
final class Blobs {
    private Blobs() {
    }

    /**
     * N points in D dimensions around K centres drawn from N(0, spread²·I), each point = its centre +
     * N(0, I) noise; point n belongs to blob n mod K.
     *
     * @param blobOf written when not null: the blob of every point
     * @return x [N, D] row-major
     */
    static float[] gaussian(int[] blobOf, long seed, int N, int D, int K, double spread) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centres = new double[K * D];
        for (int k = 0; k < K * D; k++) {
            centres[k] = spread * gauss(rng);
        }
        float[] x = new float[N * D];
        for (int n = 0; n < N; n++) {
            int k = n % K;
            if (blobOf != null) {
                blobOf[n] = k;
            }
            for (int d = 0; d < D; d++) {
                x[n * D + d] = (float) (centres[k * D + d] + gauss(rng));
            }
        }
        return x;
    }

    /** N points uniform in [0, 1)^D: no structure, the slowest case for Lloyd. */
    static float[] uniform(long seed, int N, int D) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[N * D];
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) rng.nextDouble();
        }
        return x;
    }

    /** A standard normal draw (Box–Muller, one of the pair). */
    static double gauss(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
