package org.dcec4j.dcec.cluster;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * One k-means run on a fixed data set: k-means++ seeding, then Lloyd iterations, either plain (every
 * point against every centre: the reference) or with Hamerly's bounds (the same iterates, fewer distance
 * computations). One instance is one thread's workspace: every array is allocated here once and reused
 * by every restart the thread runs; nothing allocates inside an iteration.
 *
 * <p>Math: docs/math/kmeans-metrics.md#lloyd
 */
final class KMeansRun {
    final float[] x;            // [N, D] the points, only read
    final int N;
    final int D;
    final int K;
    final int trials;           // k-means++ candidates per centre
    final int maxIterations;
    final double tolerance;     // absolute: stop when Σ_k ‖μ_k − μ_k'‖² ≤ tolerance

    final double[] centres;     // [K, D] μ, the current centres
    final int[] labels;         // [N] the centre each point is assigned to
    double inertia;             // Σ_n ‖x_n − μ_{labels[n]}‖², after a run
    int iterations;             // Lloyd iterations of the last run
    /**
     * Asked before each k-means++ centre and each Lloyd iteration: true abandons the run half way (centres, labels,
     * inertia and iterations are then meaningless), so that a cancelled fit need not wait for the restart under way,
     * which is seconds on raw pixels. Only read: an uncancelled run's arithmetic is the same with or without it.
     */
    BooleanSupplier stop = () -> false;

    private final double[] sums;        // [K, D] Σ_{n ∈ C_k} x_n, kept up to date as points move
    private final double[] recount;     // [K, D] the same sums counted afresh before a run stops (resync)
    private final int[] counts;         // [K] points per cluster
    private final double[] moved;       // [K] ‖μ_k(new) − μ_k(old)‖
    private final double[] halfGap;     // [K] s_k = ½ min_{k'≠k} ‖μ_k − μ_k'‖
    private final double[] upper;       // [N] u_n ≥ ‖x_n − μ_{labels[n]}‖
    private final double[] lower;       // [N] l_n ≤ min_{k ≠ labels[n]} ‖x_n − μ_k‖
    private final double[] closest;     // [N] δ²(x_n): squared distance to the nearest chosen centre (seeding)
    private final double[] cumulative;  // [N] running sums of closest (seeding)
    private double[] trialD2;           // [N] closest if the candidate being tried were added (seeding)
    private double[] bestD2;            // [N] the same for the best candidate so far (seeding)
    private final int[] candidate;      // [trials]
    private final int[] owner;          // [N] the chosen centre nearest to x_n (seeding)
    private final double[] gap2;        // [K] ‖x_c − μ_j‖² from the candidate to each chosen centre (seeding)

    KMeansRun(float[] x, int N, int D, int K, int trials, int maxIterations, double tolerance) {
        this.x = x;
        this.N = N;
        this.D = D;
        this.K = K;
        this.trials = trials;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        centres = new double[K * D];
        labels = new int[N];
        sums = new double[K * D];
        recount = new double[K * D];
        counts = new int[K];
        moved = new double[K];
        halfGap = new double[K];
        upper = new double[N];
        lower = new double[N];
        closest = new double[N];
        cumulative = new double[N];
        // two rows, not one per trial: trials·N would overflow an int for a billion 1-D points
        trialD2 = new double[N];
        bestD2 = new double[N];
        candidate = new int[trials];
        owner = new int[N];
        gap2 = new double[K];
    }

    /**
     * k-means++ seeding with greedy local trials (scikit-learn's variant): the first centre is a uniformly
     * drawn point; each further centre is the best, by the resulting potential Σ_n δ²(x_n), of
     * {@code trials} points drawn with probability δ²(x_n) / Σ_m δ²(x_m). trials = 1 is plain k-means++.
     * Writes {@link #centres}.
     *
     * <p>Math: docs/math/kmeans-metrics.md#kmeans-plus-plus
     */
    void seedPlusPlus(SplittableRandom rng) {
        int first = rng.nextInt(N);
        copyPoint(centres, 0, first);
        // δ²(x_n) = ‖x_n − μ_0‖²
        for (int n = 0; n < N; n++) {
            closest[n] = pointToPoint(n, first);
            owner[n] = 0;
        }
        for (int k = 1; k < K; k++) {
            if (stop.getAsBoolean()) {
                return;
            }
            // cumulative[n] = Σ_{m ≤ n} δ²(x_m); a uniform r in [0, total) falls in point n's slice with
            // probability δ²(x_n) / total
            double total = 0;
            for (int n = 0; n < N; n++) {
                total += closest[n];
                cumulative[n] = total;
            }
            for (int t = 0; t < trials; t++) {
                // all points already coincide with a centre: any point is as good as another
                candidate[t] = total > 0 ? firstAbove(cumulative, rng.nextDouble() * total) : rng.nextInt(N);
            }
            int best = 0;
            double bestPotential = 0;
            for (int t = 0; t < trials; t++) {
                int c = candidate[t];
                for (int j = 0; j < k; j++) {
                    gap2[j] = pointToCentre(c, centres, j);
                }
                // potential_t = Σ_n min(δ²(x_n), ‖x_n − x_c‖²). Triangle inequality: if
                // ‖x_c − μ_j‖ ≥ 2·δ(x_n) for x_n's nearest centre μ_j then ‖x_n − x_c‖ ≥ δ(x_n), so x_n keeps
                // δ²(x_n) without computing the distance (a 1e-9 margin absorbs rounding)
                double pot = 0;
                for (int n = 0; n < N; n++) {
                    double d2 = closest[n];
                    if (gap2[owner[n]] <= 4 * d2 * (1 + 1e-9)) {
                        d2 = Math.min(d2, pointToPoint(n, c));
                    }
                    trialD2[n] = d2;
                    pot += d2;
                }
                // the first trial, then one strictly better: ties keep the earlier candidate
                if (t == 0 || pot < bestPotential) {
                    best = t;
                    bestPotential = pot;
                    double[] swap = bestD2;
                    bestD2 = trialD2;
                    trialD2 = swap;
                }
            }
            for (int n = 0; n < N; n++) {
                if (bestD2[n] < closest[n]) {
                    closest[n] = bestD2[n];
                    owner[n] = k;
                }
            }
            copyPoint(centres, k, candidate[best]);
        }
    }

    /** Smallest n with cumulative[n] > r, or N − 1 if rounding left r at or above the last sum. */
    private int firstAbove(double[] cumulative, double r) {
        int lo = 0;
        int hi = N - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Plain Lloyd from the current {@link #centres}: every iteration assigns every point to its nearest
     * centre (E-step) and moves every centre to the mean of its points (M-step). Stops when no label
     * changes, when Σ_k ‖Δμ_k‖² ≤ tolerance, or after maxIterations; before it stops the sums are counted afresh
     * ({@link #resync}), and where the exact means lie farther than the tolerance from the centres they replace them
     * and the run goes on (short of maxIterations). If it did not
     * stop on unchanged labels and unmoved centres a last E-step makes the labels those of the final centres. Writes
     * centres, labels, inertia, iterations.
     *
     * <p>Math: docs/math/kmeans-metrics.md#lloyd
     */
    void runPlain() {
        startRun();
        boolean strict = false;
        int it = 0;
        while (it < maxIterations) {
            int changed = assignAll();
            double shift = updateCentres();
            it++;
            boolean last = it == maxIterations;
            if ((changed == 0 && shift == 0) || shift <= tolerance || last) {
                // about to stop: the centres must be within the tolerance of the exact means of their points (see resync)
                boolean resynced = resync();
                if (resynced && !last) {
                    continue;
                }
                strict = changed == 0 && shift == 0 && !resynced;
                break;
            }
        }
        if (!strict) {
            assignAll();
        }
        iterations = it;
        inertia = inertiaOfLabels();
    }

    /**
     * Lloyd with Hamerly's bounds (Hamerly 2010): the same iterates as {@link #runPlain()} (up to exact
     * distance ties), skipping a point whenever its upper bound u_n ≤ max(s_{a_n}, l_n) proves its
     * centre is still the nearest.
     *
     * <p>Math: docs/math/kmeans-metrics.md#hamerly
     */
    void runHamerly() {
        startRun();
        boolean strict = false;
        int it = 0;
        while (it < maxIterations) {
            if (stop.getAsBoolean()) {
                return;
            }
            int changed = it == 0 ? assignAllWithBounds() : assignPruned();
            double shift = updateCentres();
            updateBounds();
            it++;
            boolean last = it == maxIterations;
            if ((changed == 0 && shift == 0) || shift <= tolerance || last) {
                // about to stop: the centres must be within the tolerance of the exact means of their points (see resync)
                boolean resynced = resync();
                if (resynced) {
                    updateBounds();
                    if (!last) {
                        continue;
                    }
                }
                strict = changed == 0 && shift == 0 && !resynced;
                break;
            }
        }
        if (!strict) {
            if (it == 0) {
                assignAllWithBounds();
            } else {
                assignPruned();
            }
        }
        iterations = it;
        inertia = inertiaOfLabels();
    }

    /** No point assigned, every cluster empty. */
    private void startRun() {
        Arrays.fill(labels, -1);
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
    }

    /**
     * Moves point n to cluster b: its label, the counts and the sums follow (Σ_{C_a} −= x_n, Σ_{C_b} += x_n).
     * Both E-steps move points in increasing n, so plain and Hamerly runs form bit-identical sums.
     */
    private void move(int n, int b) {
        int a = labels[n];
        int xo = n * D;
        if (a >= 0) {
            counts[a]--;
            int ao = a * D;
            for (int d = 0; d < D; d++) {
                sums[ao + d] -= x[xo + d];
            }
        }
        counts[b]++;
        int bo = b * D;
        for (int d = 0; d < D; d++) {
            sums[bo + d] += x[xo + d];
        }
        labels[n] = b;
    }

    /** Plain E-step: labels[n] = argmin_k ‖x_n − μ_k‖² (lowest k on ties); returns how many labels changed. */
    private int assignAll() {
        int changed = 0;
        for (int n = 0; n < N; n++) {
            nearestTwo(n);
            if (labels[n] != nearest) {
                move(n, nearest);
                changed++;
            }
        }
        return changed;
    }

    // results of nearestTwo, kept in fields so the hot loop returns three values without allocating
    private int nearest;
    private double nearestD2;
    private double secondD2;

    /**
     * Squared distances from x_n to every centre, two centres per pass over d (two independent sums hide
     * the latency of the adds). Sets nearest (lowest k on ties), nearestD2 and secondD2 (+∞ when K = 1).
     */
    private void nearestTwo(int n) {
        int xo = n * D;
        int best = 0;
        double bestD2 = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        int k = 0;
        for (; k + 1 < K; k += 2) {
            int o0 = k * D;
            int o1 = o0 + D;
            // ‖x_n − μ_k‖², ‖x_n − μ_{k+1}‖²
            double s0 = 0;
            double s1 = 0;
            for (int d = 0; d < D; d++) {
                double xd = x[xo + d];
                double a0 = xd - centres[o0 + d];
                double a1 = xd - centres[o1 + d];
                s0 += a0 * a0;
                s1 += a1 * a1;
            }
            if (s0 < bestD2) {
                second = bestD2;
                bestD2 = s0;
                best = k;
            } else if (s0 < second) {
                second = s0;
            }
            if (s1 < bestD2) {
                second = bestD2;
                bestD2 = s1;
                best = k + 1;
            } else if (s1 < second) {
                second = s1;
            }
        }
        if (k < K) {
            double s0 = pointToCentre(n, centres, k);
            if (s0 < bestD2) {
                second = bestD2;
                bestD2 = s0;
                best = k;
            } else if (s0 < second) {
                second = s0;
            }
        }
        nearest = best;
        nearestD2 = bestD2;
        secondD2 = second;
    }

    /** E-step over all points that also sets u_n (nearest distance) and l_n (second nearest). */
    private int assignAllWithBounds() {
        int changed = 0;
        for (int n = 0; n < N; n++) {
            if (assignWithBounds(n)) {
                changed++;
            }
        }
        return changed;
    }

    /** Every distance from x_n: labels[n], u_n, l_n exactly; true if the label changed. */
    private boolean assignWithBounds(int n) {
        nearestTwo(n);
        upper[n] = Math.sqrt(nearestD2);
        lower[n] = Math.sqrt(secondD2);
        if (labels[n] != nearest) {
            move(n, nearest);
            return true;
        }
        return false;
    }

    /** Hamerly's E-step. Bounds are compared with a 1e-10 relative margin against rounding in their updates. */
    private int assignPruned() {
        // s_k = ½ min_{k' ≠ k} ‖μ_k − μ_k'‖: a point within s_k of μ_k is nearer to μ_k than to any other centre
        for (int k = 0; k < K; k++) {
            double minD2 = Double.POSITIVE_INFINITY;
            for (int j = 0; j < K; j++) {
                if (j != k) {
                    minD2 = Math.min(minD2, centreToCentre(centres, k, centres, j));
                }
            }
            halfGap[k] = 0.5 * Math.sqrt(minD2);
        }
        int changed = 0;
        for (int n = 0; n < N; n++) {
            int a = labels[n];
            double m = Math.max(halfGap[a], lower[n]) * (1 - 1e-10);
            if (upper[n] <= m) {
                continue;
            }
            upper[n] = Math.sqrt(pointToCentre(n, centres, a));
            if (upper[n] <= m) {
                continue;
            }
            if (assignWithBounds(n)) {
                changed++;
            }
        }
        return changed;
    }

    /**
     * M-step: μ_k = (1/|C_k|) Σ_{n ∈ C_k} x_n from the sums the E-step kept up to date; an empty cluster
     * first takes the point farthest from its centre (see {@link #relocate}). Sets moved[k]; returns
     * Σ_k ‖μ_k(new) − μ_k(old)‖².
     */
    private double updateCentres() {
        boolean anyEmpty = false;
        for (int k = 0; k < K; k++) {
            anyEmpty |= counts[k] == 0;
        }
        if (anyEmpty) {
            relocate();
        }
        return centresFromSums();
    }

    /**
     * Counts the sums Σ_{n ∈ C_k} x_n afresh from the labels (in increasing n, from zero) and, when the exact means they
     * give are farther than the tolerance from the centres (Σ_k ‖μ_k(exact) − μ_k‖² &gt; tolerance), takes them: sums and
     * centres, moved[k] set; returns whether it did. The sums kept up to date by {@link #move} carry the rounding of
     * every point that ever passed through a cluster: a point far larger than the others leaves its rounding behind
     * when it leaves (1e17 joining 10 + 11 and leaving again leaves 16, not 21), so a run checks before it stops. Within
     * the tolerance the centres are left as they are, so that a run whose sums kept only ordinary rounding (about 1e-16
     * of their size) gives the bits it gave before this check existed.
     * The same in plain and Hamerly runs, which have the same labels.
     *
     * <p>Math: docs/math/kmeans-metrics.md#lloyd
     */
    private boolean resync() {
        Arrays.fill(recount, 0);
        for (int n = 0; n < N; n++) {
            int bo = labels[n] * D;
            int xo = n * D;
            for (int d = 0; d < D; d++) {
                recount[bo + d] += x[xo + d];
            }
        }
        double drift = 0;
        for (int k = 0; k < K; k++) {
            for (int d = 0; d < D; d++) {
                double delta = recount[k * D + d] / counts[k] - centres[k * D + d];
                drift += delta * delta;
            }
        }
        if (!(drift > tolerance)) {
            return false;
        }
        System.arraycopy(recount, 0, sums, 0, K * D);
        centresFromSums();
        return true;
    }

    /** μ_k = sums_k / |C_k| for every k; sets moved[k] = ‖μ_k(new) − μ_k(old)‖ and returns Σ_k ‖μ_k(new) − μ_k(old)‖². */
    private double centresFromSums() {
        double shift = 0;
        for (int k = 0; k < K; k++) {
            int co = k * D;
            double moved2 = 0;
            for (int d = 0; d < D; d++) {
                double mu = sums[co + d] / counts[k];
                double delta = mu - centres[co + d];
                moved2 += delta * delta;
                centres[co + d] = mu;
            }
            moved[k] = Math.sqrt(moved2);
            shift += moved2;
        }
        return shift;
    }

    /**
     * Empty clusters, in increasing k: cluster k takes the point n with the largest ‖x_n − μ_{labels[n]}‖²
     * (old centres; lowest n on ties) among points whose cluster keeps at least one other point. The point
     * leaves its cluster's sum and becomes the new centre; its bounds are reset so the next E-step looks at
     * it again. Works on labels, sums and counts.
     *
     * <p>Math: docs/math/kmeans-metrics.md#empty-clusters
     */
    private void relocate() {
        for (int n = 0; n < N; n++) {
            closest[n] = pointToCentre(n, centres, labels[n]);
        }
        for (int k = 0; k < K; k++) {
            if (counts[k] != 0) {
                continue;
            }
            int far = -1;
            for (int n = 0; n < N; n++) {
                if (counts[labels[n]] > 1 && (far < 0 || closest[n] > closest[far])) {
                    far = n;
                }
            }
            move(far, k);
            upper[far] = Double.POSITIVE_INFINITY;
            lower[far] = 0;
        }
    }

    /** After the centres moved: u_n += moved[a_n]; l_n −= the largest move of any other centre. */
    private void updateBounds() {
        int top = 0;
        for (int k = 1; k < K; k++) {
            if (moved[k] > moved[top]) {
                top = k;
            }
        }
        double second = 0;
        for (int k = 0; k < K; k++) {
            if (k != top) {
                second = Math.max(second, moved[k]);
            }
        }
        for (int n = 0; n < N; n++) {
            int a = labels[n];
            upper[n] += moved[a];
            lower[n] -= a == top ? second : moved[top];
        }
    }

    /** Σ_n ‖x_n − μ_{labels[n]}‖². */
    private double inertiaOfLabels() {
        double sum = 0;
        for (int n = 0; n < N; n++) {
            sum += pointToCentre(n, centres, labels[n]);
        }
        return sum;
    }

    /** ‖x_n − μ_k‖² with μ in {@code c}. */
    private double pointToCentre(int n, double[] c, int k) {
        int xo = n * D;
        int co = k * D;
        double s = 0;
        for (int d = 0; d < D; d++) {
            double diff = x[xo + d] - c[co + d];
            s += diff * diff;
        }
        return s;
    }

    /** ‖x_n − x_m‖². */
    private double pointToPoint(int n, int m) {
        int no = n * D;
        int mo = m * D;
        double s = 0;
        for (int d = 0; d < D; d++) {
            double diff = (double) x[no + d] - x[mo + d];
            s += diff * diff;
        }
        return s;
    }

    private double centreToCentre(double[] a, int i, double[] b, int j) {
        double s = 0;
        for (int d = 0; d < D; d++) {
            double diff = a[i * D + d] - b[j * D + d];
            s += diff * diff;
        }
        return s;
    }

    private void copyPoint(double[] dst, int k, int n) {
        for (int d = 0; d < D; d++) {
            dst[k * D + d] = x[n * D + d];
        }
    }
}
