package org.dcec4j.engine.kernels.vector;

import java.util.Arrays;
import java.util.Random;

/**
 * A diagnostic, not a test: the register micro-kernel alone ({@link Gemm#micro}, one MR×NR tile continued from C),
 * its packed A and B panels small enough to stay in L1, called in a loop on one thread. Its GFLOP/s is the ceiling of
 * every packed pass on the host; compare it with {@code bench/peer/fma_peak.c} (docs/benchmarks.md#intel-where).
 * <pre>
 *   mvn -B -q -pl engine test-compile
 *   java --add-modules jdk.incubator.vector -cp engine/target/classes:engine/target/test-classes \
 *        org.dcec4j.engine.kernels.vector.MicroKernelPeak [kc=256] [reps=7]
 * </pre>
 * (positional arguments, written name=default: {@code MicroKernelPeak 256 9})
 * Prints the median and the range of the timed repetitions (4·10¹⁰ multiply-adds each, after one untimed).
 */
public final class MicroKernelPeak {
    private MicroKernelPeak() {}

    public static void main(String[] args) {
        final int kc = args.length > 0 ? Integer.parseInt(args[0]) : 256, reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        final int MR = Gemm.MR, NR = Gemm.NR;
        float[] ap = new float[MR * kc], bp = new float[NR * kc], c = new float[MR * NR], tile = new float[MR * NR];
        Random r = new Random(1);
        for (int i = 0; i < ap.length; i++) ap[i] = r.nextFloat() * 1e-3f;
        for (int i = 0; i < bp.length; i++) bp[i] = r.nextFloat() * 1e-3f;
        final long calls = 40_000_000_000L / ((long) MR * NR * kc);
        double[] gflops = new double[reps];
        for (int rep = -1; rep < reps; rep++) {
            long t0 = System.nanoTime();
            for (long i = 0; i < calls; i++) Gemm.micro(c, 0, NR, 0, MR, NR, ap, 0, bp, 0, kc, Gemm.LOAD, null, 0, tile);
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (rep >= 0) gflops[rep] = 2.0 * MR * NR * kc * calls / seconds / 1e9;
        }
        Arrays.sort(gflops);
        System.out.printf("micro-kernel %d×%d (%d-bit species), kc %d, 1 thread: median %.1f GFLOP/s (%.1f–%.1f) over %d runs; c[0] = %g%n",
                MR, NR, Gemm.L * 32, kc, gflops[reps / 2], gflops[0], gflops[reps - 1], reps, c[0]);
    }
}
