package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.KernelOptions;
import org.dcec4j.engine.kernels.Kernels;

/**
 * The fast twin of {@link org.dcec4j.engine.kernels.ScalarKernels}: Java Vector API, a packed GEMM with a
 * register-blocked FMA micro-kernel ({@link Gemm}), and a fixed pool of threads. This class is the
 * facade: it owns the pool and the workspaces ({@link Resources}) and hands each call to the kernel
 * family that fits its geometry:
 * <ul>
 *   <li>{@link ConvForward}: convolution forward (im2col panels gathered into the product);</li>
 *   <li>{@link ConvBackwardInput}: convolution backward-input and transposed-convolution forward,
 *       channel-major or pixel-major ({@link Tuning#pixelMajorBackwardInput});</li>
 *   <li>{@link ConvBackwardWeight}: weight gradient over fixed reduction ranges, NCHW or channels-last;</li>
 *   <li>{@link MatMul}: the dense products;</li>
 *   <li>{@link Pointwise}: ReLU, the bias gradient, Adam.</li>
 * </ul>
 * Each family passes its arguments to the worker threads in an immutable job record (a call allocates
 * a few small records: its job, the planned job that carries it, a reduction job; no array once the workspaces are
 * warm). Every result is bit-identical to the
 * scalar reference at every species width and thread count: each output is produced in the order that
 * {@link org.dcec4j.engine.kernels.ReductionOrder} defines, and work is split over independent outputs
 * or over reduction ranges that depend on the problem size only. This package is the only one that
 * imports {@code jdk.incubator.vector}; {@link org.dcec4j.engine.Backend} loads this class by name.
 *
 * <p>Public methods are synchronized: one instance serves one call at a time.
 *
 * <p>Math: docs/kernels.md
 */
public final class VectorKernels implements Kernels, AutoCloseable {

    /**
     * The float species of every loop: a static final constant (a species the JIT cannot fold runs about 50×
     * slower), chosen once per JVM from {@code dcec4j.vector.bits} or the platform's preferred width. The
     * width changes speed, never a result.
     */
    public static final VectorSpecies<Float> SPECIES = pickSpecies(KernelOptions.vectorBits());

    private final Resources r;

    /**
     * Kernels with {@code threads} threads; 1 runs everything on the caller and creates no thread. {@link #close} stops
     * the workers; kernels dropped without it have their workers stopped once the garbage collector finds them
     * unreachable (the workers hold the pool, never these kernels), so a dropped backend does not keep its threads for the
     * life of the JVM.
     */
    public VectorKernels(int threads) {
        r = new Resources(threads);
        if (threads > 1) Dropped.CLEANER.register(this, r.pool::close);
    }

    /** The cleaner of dropped kernels' pools: its thread is started by the first kernels with workers. */
    private static final class Dropped {
        static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    }

    static VectorSpecies<Float> pickSpecies(int bits) {
        VectorSpecies<Float> s;
        switch (bits) {
            case 0: s = FloatVector.SPECIES_PREFERRED; break;
            case 128: s = FloatVector.SPECIES_128; break;
            case 256: s = FloatVector.SPECIES_256; break;
            case 512: s = FloatVector.SPECIES_512; break;
            default: throw new IllegalArgumentException("dcec4j.vector.bits must be 128, 256 or 512, not " + bits);
        }
        if (s.length() != 4 && s.length() != 8 && s.length() != 16)
            throw new IllegalStateException("the vector kernels need 128-, 256- or 512-bit float vectors; this platform prefers "
                    + s.vectorBitSize() + " bits (set dcec4j.vector.bits or use the scalar kernels)");
        return s;
    }

    /** The species width in bits. */
    public static int bits() { return SPECIES.vectorBitSize(); }

    public int threads() { return r.threads(); }

    /** E.g. "vector(256-bit, 2 threads)"; after {@link #close} "vector(256-bit, 2 threads, closed: runs on the caller)". */
    @Override public String name() {
        int t = r.threads();
        return "vector(" + SPECIES.vectorBitSize() + "-bit, " + t + (t == 1 ? " thread" : " threads")
                + (t > 1 && r.pool.isClosed() ? ", closed: runs on the caller)" : ")");
    }

    @Override public void close() { r.close(); }

    /**
     * Call accounting, a diagnostic ({@code StepProfile}): from now on every parallel call is timed, per chunk and
     * thread, until it is turned off; turning it on forgets what was counted before. Changes no result.
     */
    public synchronized void accountCalls(boolean on) { r.pool.account(on); }

    /**
     * The calls counted since {@link #accountCalls} turned accounting on, as a table with every time divided by
     * {@code per} (the number of training steps, say): where the threads spent each kind of parallel call.
     */
    public synchronized String callTable(double per) { return r.pool.callTable(per); }

    /** Names what the following parallel calls belong to in {@link #callTable} (a kernel and its geometry, say); null for none. */
    public synchronized void labelCalls(String label) { r.pool.label(label); }

    // ---------------------------------------------------------------- convolution

    @Override
    public synchronized void conv2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        ConvForward.run(r, y, x, w, b, act, g);
    }

    @Override
    public synchronized void conv2dBackwardInput(float[] dx, float[] dy, float[] w, ConvGeometry g) {
        ConvBackwardInput.run(r, dx, dy, w, null, null, g);
    }

    @Override
    public synchronized void convTranspose2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        ConvBackwardInput.run(r, y, x, w, b, act, g);
    }

    @Override
    public synchronized void conv2dBackwardWeight(float[] dw, float[] dy, float[] x, ConvGeometry g) {
        ConvBackwardWeight.run(r, dw, dy, x, g);
    }

    /**
     * The weight gradient's ranges, the input gradient's chunks and the bias gradient's ranges run as one parallel call
     * ({@link WorkerPool#run(java.util.List)}); then the two reductions.
     */
    @Override
    public synchronized void conv2dBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w, ConvGeometry g) {
        // the long chunks first (the weight gradient's ranges), so that the threads end on the short ones
        java.util.List<WorkerPool.Planned> jobs = new java.util.ArrayList<>(3);
        if (dw != null) jobs.add(ConvBackwardWeight.plan(r, dy, x, g));
        if (dx != null) jobs.add(ConvBackwardInput.plan(r, dx, dy, w, null, Activation.NONE, g));
        if (db != null) jobs.add(Pointwise.planBias(r, dy, g.N, g.K, g.OH * g.OW));
        r.pool.run(jobs);
        if (dw != null) ConvBackwardWeight.reduce(r, dw, g);
        if (db != null) Pointwise.sumBias(r, db, g.N, g.K);
    }

    /** As {@link #conv2dBackward}, with the input gradient computed by the forward product. */
    @Override
    public synchronized void convTranspose2dBackward(float[] dx, float[] dw, float[] db, float[] dy, float[] x, float[] w,
                                                     ConvGeometry g) {
        java.util.List<WorkerPool.Planned> jobs = new java.util.ArrayList<>(3);
        if (dw != null) jobs.add(ConvBackwardWeight.plan(r, x, dy, g));
        if (dx != null) jobs.add(ConvForward.plan(r, dx, dy, w, null, Activation.NONE, g));
        if (db != null) jobs.add(Pointwise.planBias(r, dy, g.N, g.C, g.H * g.W));
        r.pool.run(jobs);
        if (dw != null) ConvBackwardWeight.reduce(r, dw, g);
        if (db != null) Pointwise.sumBias(r, db, g.N, g.C);
    }

    @Override
    public synchronized void biasBackward(float[] db, float[] dy, int N, int K, int S) {
        Pointwise.biasBackward(r, db, dy, N, K, S);
    }

    // ---------------------------------------------------------------- ReLU

    @Override
    public synchronized void reluForward(float[] y, float[] x, int n) {
        Pointwise.reluForward(r, y, x, n);
    }

    @Override
    public synchronized void reluBackward(float[] dx, float[] dy, float[] y, int n, boolean accumulate) {
        Pointwise.reluBackward(r, dx, dy, y, n, accumulate);
    }

    // ---------------------------------------------------------------- matrix products

    @Override
    public synchronized void matmulNT(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[m·K + k], B[k,n] = b[n·K + k]
        MatMul.run(r, c, a, K, 1, b, 1, K, M, N, K, accumulate);
    }

    @Override
    public synchronized void matmulNN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[m·K + k], B[k,n] = b[k·N + n]
        MatMul.run(r, c, a, K, 1, b, N, 1, M, N, K, accumulate);
    }

    @Override
    public synchronized void matmulTN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[k·M + m], B[k,n] = b[k·N + n]
        MatMul.run(r, c, a, 1, M, b, N, 1, M, N, K, accumulate);
    }

    // ---------------------------------------------------------------- optimiser

    @Override
    public synchronized void adamStep(float[] param, float[] m, float[] v, float[] g, int n,
                                      float beta1, float beta2, float stepSize, float epsHat) {
        Pointwise.adamStep(r, param, m, v, g, n, beta1, beta2, stepSize, epsHat);
    }
}
