package org.dcec4j.dcec.cluster;

import org.dcec4j.datasets.cli.Counts;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.dcec4j.dcec.Cancellation;

/**
 * k-means: k-means++ seeding (scikit-learn's greedy variant), Lloyd iterations with Hamerly's bounds,
 * several restarts, the lowest inertia kept. Used by DCEC to initialise the cluster centres μ.
 *
 * <pre>
 * KMeansResult r = new KMeans(10).withSeed(42).fit(x, N, D);   // x: float[N·D], row-major
 * </pre>
 *
 * <p>Defaults follow scikit-learn's {@code KMeans}: 300 iterations at most, tolerance 1e-4 relative to
 * the mean per-feature variance of the data, 2 + ⌊ln K⌋ candidates per k-means++ step; restarts default to
 * 20 (the DCEC reference). A seed fixes every random choice. Restarts run in parallel, each on its own
 * thread-confined workspace with its own seed drawn in order from the master seed, and the winner is the
 * lowest inertia with ties going to the lowest restart index: the result is bit-for-bit the same for any
 * thread count. {@code threads = 1} creates no thread.
 *
 * <p>Instances are immutable; the {@code with…} methods return modified copies.
 *
 * <p>Math: docs/math/kmeans-metrics.md#kmeans
 */
public final class KMeans {
    public static final int DEFAULT_RESTARTS = 20;
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private final int K;
    private final int restarts;
    private final int maxIterations;
    private final double tolerance;
    private final int localTrials;
    private final long seed;
    private final int threads;

    /** k-means with K centres and the defaults above, seed 0, all available processors. */
    public KMeans(int K) {
        this(K, DEFAULT_RESTARTS, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, defaultLocalTrials(K), 0L,
                Runtime.getRuntime().availableProcessors());
    }

    private KMeans(int K, int restarts, int maxIterations, double tolerance, int localTrials, long seed, int threads) {
        require(K >= 1, "K", K, "at least 1");
        require(restarts >= 1, "restarts", restarts, "at least 1");
        require(maxIterations >= 1, "maxIterations", maxIterations, "at least 1");
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("k-means: tolerance = " + tolerance + "; expected a finite value ≥ 0");
        }
        require(localTrials >= 1, "localTrials", localTrials, "at least 1");
        require(threads >= 1, "threads", threads, "at least 1");
        this.K = K;
        this.restarts = restarts;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.localTrials = localTrials;
        this.seed = seed;
        this.threads = threads;
    }

    /** scikit-learn's number of k-means++ candidates per centre: 2 + ⌊ln K⌋. */
    public static int defaultLocalTrials(int K) {
        return 2 + (int) StrictMath.log(Math.max(K, 1));
    }

    public KMeans withRestarts(int restarts) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    public KMeans withMaxIterations(int maxIterations) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    /** Relative tolerance: a run stops once Σ_k ‖Δμ_k‖² ≤ tolerance · mean_d Var(x_·d). */
    public KMeans withTolerance(double tolerance) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    /** Candidates drawn per k-means++ step; 1 is the original k-means++ of Arthur and Vassilvitskii. */
    public KMeans withLocalTrials(int localTrials) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    public KMeans withSeed(long seed) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    public KMeans withThreads(int threads) {
        return new KMeans(K, restarts, maxIterations, tolerance, localTrials, seed, threads);
    }

    public int K() {
        return K;
    }

    public int restarts() {
        return restarts;
    }

    public int maxIterations() {
        return maxIterations;
    }

    public double tolerance() {
        return tolerance;
    }

    public int localTrials() {
        return localTrials;
    }

    public long seed() {
        return seed;
    }

    public int threads() {
        return threads;
    }

    /**
     * Clusters N points: {@code restarts} runs of k-means++ seeding and Lloyd, the lowest inertia kept.
     *
     * @param x the points [N, D] row-major, only read
     * @throws IllegalArgumentException if x does not hold N·D finite values, or K > N
     */
    public KMeansResult fit(float[] x, int N, int D) {
        return fit(x, N, D, Cancellation.none());
    }

    /**
     * {@link #fit(float[], int, int)} that {@code cancellation} can stop from another thread, as a training run's batches
     * can be: every restart looks at it, and at an interrupt of the calling thread, before each k-means++ centre and each
     * Lloyd iteration (not per point: the check costs nothing next to an iteration), no new restart starts, and the call
     * ends, once every restart thread has ended, with {@code cancellation}'s {@link java.util.concurrent.CancellationException}
     * naming how many restarts had finished. A cancel that comes after the last restart still ends the call so, not with a
     * result. The checks only read: an uncancelled fit's result is the same to the bit.
     *
     * @throws java.util.concurrent.CancellationException if {@code cancellation} was cancelled or the calling thread interrupted
     */
    public KMeansResult fit(float[] x, int N, int D, Cancellation cancellation) {
        return fit(x, N, D, Thread::new, cancellation);
    }

    /** {@link #fit(float[], int, int, Cancellation)} with the restarts' threads made by {@code factory} (a test makes one fail to start). */
    KMeansResult fit(float[] x, int N, int D, ThreadFactory factory) {
        return fit(x, N, D, factory, Cancellation.none());
    }

    private KMeansResult fit(float[] x, int N, int D, ThreadFactory factory, Cancellation cancellation) {
        java.util.Objects.requireNonNull(cancellation, "cancellation");
        double absoluteTolerance = tolerance * checkData(x, N, D);
        long[] restartSeeds = new long[restarts];
        SplittableRandom master = new SplittableRandom(seed);
        for (int r = 0; r < restarts; r++) {
            restartSeeds[r] = master.nextLong();
        }
        int workers = Math.min(threads, restarts);
        Best[] bestOfWorker = new Best[workers];
        AtomicInteger nextRestart = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();   // restarts run to their end, for the cancellation's message
        Runnable[] tasks = new Runnable[workers];
        Thread caller = Thread.currentThread();
        AtomicBoolean abandoned = new AtomicBoolean();   // a worker thread could not start
        // the calling thread was interrupted while it waited for the workers: join() cleared its flag, which the workers read
        AtomicBoolean interrupted = new AtomicBoolean();
        // every worker stops within a k-means++ step or a Lloyd iteration when the calling thread is interrupted, a worker
        // thread could not start or the fit is cancelled: each of them makes the call throw below, never return a result
        // of the runs it cut short
        BooleanSupplier stop = () -> cancellation.isCancelled() || caller.isInterrupted() || interrupted.get() || abandoned.get();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            tasks[w] = () -> {
                KMeansRun run = new KMeansRun(x, N, D, K, localTrials, maxIterations, absoluteTolerance);
                run.stop = stop;
                Best best = null;
                for (int r = nextRestart.getAndIncrement(); r < restarts && !stop.getAsBoolean(); r = nextRestart.getAndIncrement()) {
                    run.seedPlusPlus(new SplittableRandom(restartSeeds[r]));
                    run.runHamerly();
                    if (stop.getAsBoolean()) {
                        break;      // the run may have been cut short
                    }
                    finished.incrementAndGet();
                    if (best == null || better(run.inertia, r, best.inertia, best.restart)) {
                        best = new Best(run.centres.clone(), run.labels.clone(), run.inertia, run.iterations, r);
                    }
                }
                bestOfWorker[worker] = best;
            };
        }
        runAll(tasks, factory, abandoned, interrupted);   // returns with the interrupt flag set when the caller was interrupted
        cancellation.check("k-means, " + finished.get() + " of " + Counts.of(restarts, "restart") + " done");
        Best best = null;
        for (Best b : bestOfWorker) {
            if (b != null && (best == null || better(b.inertia, b.restart, best.inertia, best.restart))) {
                best = b;
            }
        }
        // the bounds leave labels nearest up to rounding; one exact E-step makes them exactly nearest
        int[] labels = best.labels;
        double inertia = assign(labels, x, N, D, best.centres, K);
        return new KMeansResult(best.centres, labels, inertia, best.iterations, best.restart, K, D);
    }

    /**
     * One Lloyd run (with Hamerly's bounds) from given centres: no seeding, no restarts.
     *
     * @param x       the points [N, D], only read
     * @param centres the starting centres [K, D], finite, only read
     * @throws IllegalArgumentException as {@link #fit(float[], int, int)}, or if the centres are not K·D finite values
     */
    public KMeansResult fitFrom(float[] x, int N, int D, double[] centres) {
        double absoluteTolerance = tolerance * checkData(x, N, D);
        if (centres == null || centres.length != K * D) {
            throw new IllegalArgumentException("k-means: initial centres hold "
                    + (centres == null ? "nothing" : centres.length + " values") + "; expected K·D = " + K * D);
        }
        checkFiniteCentres("initial centre", centres, K, D);
        KMeansRun run = new KMeansRun(x, N, D, K, localTrials, maxIterations, absoluteTolerance);
        System.arraycopy(centres, 0, run.centres, 0, K * D);
        run.runHamerly();
        double inertia = assign(run.labels, x, N, D, run.centres, K);
        return new KMeansResult(run.centres.clone(), run.labels.clone(), inertia, run.iterations, 0, K, D);
    }

    /**
     * Nearest-centre assignment: labels[n] = argmin_k ‖x_n − μ_k‖², the lowest k on ties.
     *
     * @param labels  written, [N]
     * @param x       the points [N, D], only read
     * @param centres μ [K, D], only read
     * @return the inertia Σ_n min_k ‖x_n − μ_k‖²
     * @throws IllegalArgumentException if the lengths do not match or a point or centre holds a NaN or infinite value
     */
    public static double assign(int[] labels, float[] x, int N, int D, double[] centres, int K) {
        if (labels.length != N || x.length != (long) N * D || centres.length != (long) K * D) {
            throw new IllegalArgumentException("k-means assign: labels[" + labels.length + "], x[" + x.length
                    + "], centres[" + centres.length + "]; expected labels[N = " + N + "], x[N·D = " + (long) N * D
                    + "], centres[K·D = " + (long) K * D + "]");
        }
        // a NaN distance is never < bestD2: without these checks a NaN point took label 0 with an infinite inertia
        // and a NaN centre was silently never nearest
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                if (!Float.isFinite(x[n * D + d])) {
                    throw new IllegalArgumentException("k-means assign: x[n = " + n + ", d = " + d + "] is "
                            + x[n * D + d] + "; expected finite values");
                }
            }
        }
        checkFiniteCentres("assign: centre", centres, K, D);
        double inertia = 0;
        for (int n = 0; n < N; n++) {
            int best = 0;
            double bestD2 = Double.POSITIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                // ‖x_n − μ_k‖²
                double d2 = 0;
                for (int d = 0; d < D; d++) {
                    double diff = x[n * D + d] - centres[k * D + d];
                    d2 += diff * diff;
                }
                if (d2 < bestD2) {
                    bestD2 = d2;
                    best = k;
                }
            }
            labels[n] = best;
            inertia += bestD2;
        }
        return inertia;
    }

    private record Best(double[] centres, int[] labels, double inertia, int iterations, int restart) {
    }

    /** Lower inertia wins; equal inertia goes to the lower restart index, whichever thread ran it. */
    private static boolean better(double inertia, int restart, double bestInertia, int bestRestart) {
        return inertia < bestInertia || (inertia == bestInertia && restart < bestRestart);
    }

    /**
     * Runs task 0 on the calling thread and the others on new threads; rethrows the first failure. An interrupt while
     * waiting for them sets {@code interrupted}, which the tasks check as they check the caller's flag (join() cleared it:
     * they ran on to the last restart), and once they have all ended the call returns with the flag set again, for the
     * caller's {@link Cancellation#check} to say how many restarts had finished. A thread that
     * cannot start (an OutOfMemoryError: the limit on threads, or the memory for a stack) sets {@code abandoned}, which
     * the tasks check before each restart and each Lloyd iteration; the threads already started are waited for, and the error is rethrown.
     */
    private static void runAll(Runnable[] tasks, ThreadFactory factory, AtomicBoolean abandoned, AtomicBoolean interrupted) {
        Thread[] started = new Thread[tasks.length];
        Throwable[] failure = new Throwable[tasks.length];
        for (int w = 1; w < tasks.length; w++) {
            int worker = w;
            try {
                Thread t = factory.newThread(() -> {
                    try {
                        tasks[worker].run();
                    } catch (Throwable e) {
                        failure[worker] = e;
                    }
                });
                t.setName("kmeans-" + w);
                t.start();
                started[w] = t;
            } catch (Throwable e) {
                failure[w] = e;
                abandoned.set(true);
                break;
            }
        }
        if (!abandoned.get()) {
            try {
                tasks[0].run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }
        // every worker is waited for, even when interrupted (no restart keeps running after the call returns); an
        // interrupt then ends the call as a cancellation, with the thread's interrupt flag set again
        for (int w = 1; w < tasks.length && started[w] != null; w++) {
            while (true) {
                try {
                    started[w].join();
                    break;
                } catch (InterruptedException e) {
                    interrupted.set(true);     // the workers stop within an iteration
                }
            }
        }
        if (interrupted.get() || Thread.currentThread().isInterrupted()) {      // join() on an ended thread does not look at the flag
            Thread.currentThread().interrupt();
            return;
        }
        for (Throwable t : failure) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Validates x, N, D against K; returns mean_d Var(x_·d) (population variance). */
    private double checkData(float[] x, int N, int D) {
        if (x == null) {
            throw new IllegalArgumentException("k-means: x is null; expected N·D floats");
        }
        if (N < 1 || D < 1) {
            throw new IllegalArgumentException("k-means: N = " + N + ", D = " + D + "; expected N ≥ 1 and D ≥ 1");
        }
        if (x.length != (long) N * D) {
            throw new IllegalArgumentException("k-means: x holds " + x.length + " values; expected N·D = "
                    + N + "·" + D + " = " + (long) N * D);
        }
        if (K > N) {
            throw new IllegalArgumentException("k-means: K = " + K + " clusters for N = " + N
                    + " points; expected K ≤ N");
        }
        double[] mean = new double[D];
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                float v = x[n * D + d];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("k-means: x[n = " + n + ", d = " + d + "] is " + v
                            + "; expected finite values");
                }
                mean[d] += v;
            }
        }
        for (int d = 0; d < D; d++) {
            mean[d] /= N;
        }
        // mean_d Var(x_·d) = (1/D) Σ_d (1/N) Σ_n (x_nd − mean_d)²
        double variance = 0;
        for (int n = 0; n < N; n++) {
            for (int d = 0; d < D; d++) {
                double diff = x[n * D + d] - mean[d];
                variance += diff * diff;
            }
        }
        return variance / ((double) N * D);
    }

    /** Throws naming the first NaN or infinite value of centres [K, D]. */
    private static void checkFiniteCentres(String what, double[] centres, int K, int D) {
        for (int k = 0; k < K; k++) {
            for (int d = 0; d < D; d++) {
                if (!Double.isFinite(centres[k * D + d])) {
                    throw new IllegalArgumentException("k-means: " + what + " [k = " + k + ", d = " + d + "] is "
                            + centres[k * D + d] + "; expected finite values");
                }
            }
        }
    }

    private static void require(boolean ok, String name, int value, String expected) {
        if (!ok) {
            throw new IllegalArgumentException("k-means: " + name + " = " + value + "; expected " + expected);
        }
    }
}
