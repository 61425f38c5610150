package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import jdk.incubator.vector.VectorMask;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.KernelOptions;
import org.dcec4j.engine.kernels.Kernels;

/**
 * The fast twin of {@link org.dcec4j.engine.kernels.ScalarKernels}: Java Vector API, packed GEMM with
 * a register-blocked FMA micro-kernel ({@link Gemm}), and a fixed pool of {@code dcec4j.threads}
 * threads. This package is the only one that imports {@code jdk.incubator.vector};
 * {@link org.dcec4j.engine.kernels.Backend} loads this class by name.
 *
 * <p>Every convolution is a matrix product whose B operand is unrolled from the image straight into
 * the packed panel layout (no separate im2col matrix):
 * <pre>
 *   forward          Y_n[K, P]     = W[K, CKK] · col_n[CKK, P]            (+ b, written)
 *   backward-input   dcol_n[CKK,P] = W[K, CKK]ᵀ · dY_n[K, P], dx += col2im(dcol_n)
 *   backward-weight  dW[K, CKK]   += dY[K, N·P] · col[N·P, CKK]
 * </pre>
 * with CKK = C·KH·KW and P = OH·OW. Forward and backward-input split the batch into groups of
 * images; backward-weight splits the reduction over (n, oh, ow) into a fixed number of ranges
 * ({@link #BACKWARD_WEIGHT_SPLITS}, never the thread count) whose partial dW are summed in range order.
 * Each output element is produced with a fixed summation order (KC blocks of the reduction, in order),
 * so results are bit-identical for every thread count. Transposed convolution forward is {@link #conv2dBackwardInput}
 * and its backward-input is {@link #conv2dForward}, so both roles run through the same code.
 *
 * <p>Workspaces are per worker and grow on demand; a call allocates nothing once they are large
 * enough. Public methods are synchronized: one instance serves one caller at a time.
 *
 * <p>Math: docs/kernels.md
 */
public final class VectorKernels implements Kernels, AutoCloseable {

    /** The float species of every loop, fixed at class initialisation from {@code dcec4j.vector.bits}. */
    public static final VectorSpecies<Float> SPECIES = pickSpecies(KernelOptions.vectorBits());
    private static final VectorSpecies<Float> S = SPECIES;
    private static final int L = S.length();

    // ---- blocking parameters (docs/kernels.md#blocking)
    /** Reduction block: a KC×NR B micro-panel (16 KiB at 256 bits) stays in L1. */
    static final int KC = 256;
    /** Target GEMM columns (images × OH·OW) per forward chunk: B block KC×256 floats = 256 KiB (L2). */
    static final int FORWARD_COLS = 256;
    /**
     * Target columns per backward-input chunk. 256 (conv2: 6 images, dcol 940 KiB) beat 128 (dcol in L2) and
     * 64 by 5 %: the col2im gather reads dcol once, and more columns amortise streaming Wᵀ from L2.
     */
    static final int BACKWARD_INPUT_COLS = 256;
    /** Fixed number of reduction ranges of backward-weight (never the thread count: keeps results identical). */
    static final int BACKWARD_WEIGHT_SPLITS = 8;
    /** Fixed number of image ranges of a conv layer's bias gradient (never the thread count). */
    static final int BIAS_SPLITS = 8;
    /** Elements per chunk of the backward-weight partial-sum reduction. */
    static final int REDUCE_CHUNK = 1 << 13;
    /** Elements per Adam chunk. */
    static final int ADAM_CHUNK = 1 << 14;
    /** Elements per ReLU chunk. */
    static final int RELU_CHUNK = 1 << 15;

    private final WorkerPool pool;
    private final Workspace[] ws;
    private float[] packedW = new float[0];
    /** The input with explicit zero padding, shared by all workers of one call (see padInput). */
    private float[] xPad = new float[0];
    /** col2im gather table (CSR) of the call in flight: terms of input pixel i = h·W + w are c2iOff[c2iStart[i] … c2iStart[i+1]). */
    private int[] c2iStart = new int[0], c2iOff = new int[0];
    /** Per-range partial bias gradients of a conv layer, [R, K]. */
    private float[] partialDb = new float[0];
    /** Per-range partial weight gradients of backward-weight, [R, K, CKK]. */
    private float[] partialDw = new float[0];

    // arguments of the call in flight (read by the chunk methods; guarded by the instance lock)
    private float[] argOut, argIn, argW, argB, argM, argV;
    private ConvGeometry argG;
    /** The activation of the call in flight; for backward-input, null means "accumulate into dx" (no bias, no activation). */
    private Activation argAct;
    private int argM_, argN_, argK_, argChunk, argChunks;
    private boolean argAcc;
    /** Backward-weight of the call in flight runs on the channels-last padded input (see conv2dBackwardWeight). */
    private boolean argChannelsLast;
    private int aOff, aSi, aSl, bSl, bSj;
    private float beta1, beta2, stepSize, epsHat;

    private final WorkerPool.Job forwardJob = this::forwardChunk;
    private final WorkerPool.Job backwardInputJob = this::backwardInputChunk;
    private final WorkerPool.Job backwardWeightJob = this::backwardWeightChunk;
    private final WorkerPool.Job gemmJob = this::gemmChunk;
    private final WorkerPool.Job biasJob = this::biasChunk;
    private final WorkerPool.Job adamJob = this::adamChunk;
    private final WorkerPool.Job padJob = this::padChunk;
    private final WorkerPool.Job padChannelsLastJob = this::padChannelsLastChunk;
    private final WorkerPool.Job reducePermutedJob = this::reducePermutedChunk;
    private final WorkerPool.Job reduceJob = this::reduceChunk;
    private final WorkerPool.Job reluForwardJob = this::reluForwardChunk;
    private final WorkerPool.Job biasSpatialJob = this::biasSpatialChunk;
    private final WorkerPool.Job pixelMajorJob = this::pixelMajorChunk;
    private final WorkerPool.Job reluBackwardJob = this::reluBackwardChunk;

    /** Kernels with {@code dcec4j.threads} threads (default: available processors). */
    public VectorKernels() { this(KernelOptions.threads()); }

    /** Kernels with {@code threads} threads; 1 runs everything on the caller. */
    public VectorKernels(int threads) {
        pool = new WorkerPool(threads);
        ws = new Workspace[threads];
        for (int i = 0; i < threads; i++) ws[i] = new Workspace();
    }

    static VectorSpecies<Float> pickSpecies(int bits) {
        switch (bits) {
            case 0: return FloatVector.SPECIES_PREFERRED;
            case 128: return FloatVector.SPECIES_128;
            case 256: return FloatVector.SPECIES_256;
            case 512: return FloatVector.SPECIES_512;
            default: throw new IllegalArgumentException("dcec4j.vector.bits must be 128, 256 or 512, not " + bits);
        }
    }

    @Override public String name() {
        int t = pool.threads();
        return "vector(" + S.vectorBitSize() + "-bit, " + t + (t == 1 ? " thread)" : " threads)");
    }

    @Override public void close() { pool.close(); }

    // ================================================================== convolution forward

    @Override
    public synchronized void conv2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // A = W[K, CKK], packed once for all images
        packedW = grow(packedW, Gemm.packedASize(g.K, CKK));
        Gemm.packA(packedW, w, 0, CKK, 1, 0, g.K, 0, CKK);
        padInput(x, g, false);
        int G = groupSize(FORWARD_COLS, P, g.N);
        argOut = y; argB = b; argG = g; argChunk = G; argAct = act;
        pool.run(forwardJob, (g.N + G - 1) / G);
        clearArgs();
    }

    /** Images [n0, n0+G) of the forward pass: Y[k, (n,p)] = act(Σ_l W[k,l]·col[l,(n,p)] (+ b[k])). y written. */
    private void forwardChunk(int worker, int chunk) {
        final ConvGeometry g = argG;
        final float[] y = argOut, b = argB;
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K;
        final int n0 = chunk * argChunk, nG = Math.min(argChunk, g.N - n0), J = nG * P;
        Workspace s = ws[worker];
        s.columnTables(g, n0, J);
        s.kernelTables(g, 0, CKK);
        // the tiles go to a contiguous [K, J] buffer (always whole-vector stores, even for tiles that
        // straddle two images), copied to y[n, k, p] at the end
        final float[] yb = s.ybuf = grow(s.ybuf, K * J);
        final int NR = Gemm.NR, MR = Gemm.MR, JP = (J + NR - 1) / NR, IP = (K + MR - 1) / MR;
        final int KB = balancedKc(CKK);
        s.bp = grow(s.bp, NR * KB);
        for (int l0 = 0; l0 < CKK; l0 += KB) {
            int kc = Math.min(KB, CKK - l0);
            int mode = l0 > 0 ? Gemm.ADD : (b != null ? Gemm.BIAS : Gemm.WRITE);
            for (int jp = 0; jp < JP; jp++) {
                // one B micro-panel, packed right before the K/MR tiles that use it (it stays in L1)
                packIm2colPanel(s.bp, xPad, s.colX, s.rowC, jp * NR, l0, kc);
                for (int ip = 0; ip < IP; ip++)
                    Gemm.micro(yb, ip * MR, J, jp * NR, null, Math.min(MR, K - ip * MR), Math.min(NR, J - jp * NR),
                               packedW, ip * MR * CKK + l0 * MR, s.bp, 0, kc, mode, b, ip * MR, s.tile);
            }
        }
        // y[n0 + i, k, p] = act(yb[k, i·P + p]): the activation is applied while the tile buffer is in cache
        for (int i = 0; i < nG; i++)
            for (int k = 0; k < K; k++) {
                if (argAct == Activation.RELU) relu(y, ((n0 + i) * K + k) * P, yb, k * J + i * P, P);
                else System.arraycopy(yb, k * J + i * P, y, ((n0 + i) * K + k) * P, P);
            }
    }

    /** dst[d + i] = max(src[s + i], 0) for i &lt; n. dst written. */
    private static void relu(float[] dst, int d, float[] src, int s, int n) {
        int i = 0;
        for (; i + L <= n; i += L) FloatVector.fromArray(S, src, s + i).max(0f).intoArray(dst, d + i);
        for (; i < n; i++) dst[d + i] = Math.max(src[s + i], 0f);
    }

    /**
     * One column micro-panel: B[l, j0 + q] = xPad[src[j0 + q] + off[l0 + l]] for l &lt; kc, q &lt; NR.
     * Column j = (n, oh, ow) starts its window at src[j], row l = (c, kh, kw) adds off[l], both in
     * padded coordinates, so no bounds check. Stored dst[l·NR + q]; dst written.
     */
    private static void packIm2colPanel(float[] dst, float[] xPad, int[] src, int[] off, int j0, int l0, int kc) {
        final int NR = Gemm.NR;
        for (int l = 0; l < kc; l++) {
            int o = off[l0 + l], d = l * NR;
            FloatVector.fromArray(S, xPad, o, src, j0).intoArray(dst, d);
            FloatVector.fromArray(S, xPad, o, src, j0 + L).intoArray(dst, d + L);
        }
    }

    /** The reduction block: KC, or less so that the ⌈total/KC⌉ blocks are equal (no short last block). */
    static int balancedKc(int total) {
        int blocks = (total + KC - 1) / KC;
        return (total + blocks - 1) / blocks;
    }

    /**
     * xPad[n, c, PT + h, PL + w] = x[n, c, h, w], zero elsewhere: the input with its padding made
     * explicit ([N, C, H+PT+PB, W+PL+PR]), or with {@code channelsLast} xPad[n, PT + h, PL + w, c]
     * ([N, H+PT+PB, W+PL+PR, C], for backward-weight with C ≥ NR). Built in parallel over images;
     * shared, read by the packers.
     */
    private void padInput(float[] x, ConvGeometry g, boolean channelsLast) {
        int Hp = g.H + g.PT + g.PB, Wp = g.W + g.PL + g.PR;
        xPad = grow(xPad, g.N * g.C * Hp * Wp);
        argIn = x; argG = g;
        pool.run(channelsLast ? padChannelsLastJob : padJob, (g.N + 15) / 16);
    }

    private void padChunk(int worker, int chunk) {
        final ConvGeometry g = argG;
        final float[] x = argIn, xp = xPad;
        final int C = g.C, H = g.H, W = g.W, PT = g.PT, PL = g.PL, Hp = H + PT + g.PB, Wp = W + PL + g.PR;
        int n1 = Math.min(g.N, chunk * 16 + 16);
        for (int n = chunk * 16; n < n1; n++) {
            for (int c = 0; c < C; c++) {
                int src = (n * C + c) * H * W, dst = (n * C + c) * Hp * Wp;
                for (int hp = 0; hp < Hp; hp++, dst += Wp) {
                    int h = hp - PT;
                    if (h < 0 || h >= H) { java.util.Arrays.fill(xp, dst, dst + Wp, 0f); continue; }
                    java.util.Arrays.fill(xp, dst, dst + PL, 0f);
                    System.arraycopy(x, src + h * W, xp, dst + PL, W);
                    java.util.Arrays.fill(xp, dst + PL + W, dst + Wp, 0f);
                }
            }
        }
    }

    /** Images of one chunk of the channels-last {@link #padInput}. xPad written. */
    private void padChannelsLastChunk(int worker, int chunk) {
        final ConvGeometry g = argG;
        final float[] x = argIn, xp = xPad;
        final int C = g.C, H = g.H, W = g.W, Hp = H + g.PT + g.PB, Wp = W + g.PL + g.PR, HW = H * W;
        int n1 = Math.min(g.N, chunk * 16 + 16);
        for (int n = chunk * 16; n < n1; n++) {
            int img = n * Hp * Wp * C;
            java.util.Arrays.fill(xp, img, img + Hp * Wp * C, 0f);
            for (int c = 0; c < C; c++) {
                int src = (n * C + c) * HW;
                for (int h = 0; h < H; h++) {
                    int dst = img + ((h + g.PT) * Wp + g.PL) * C + c;
                    for (int w = 0; w < W; w++, dst += C) xp[dst] = x[src + h * W + w];
                }
            }
        }
    }

    // ================================================================== convolution backward-input

    @Override
    public synchronized void conv2dBackwardInput(float[] dx, float[] dy, float[] w, ConvGeometry g) {
        backwardInput(dx, dy, w, null, null, g);
    }

    @Override
    public synchronized void convTranspose2dForward(float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        backwardInput(y, x, w, b, act, g);
    }

    /**
     * dx = convᵀ(dy): accumulated into dx when {@code act} is null (the convolution's input gradient),
     * otherwise written as act(b + convᵀ(dy)) (the transposed convolution's forward; b may be null).
     */
    private void backwardInput(float[] dx, float[] dy, float[] w, float[] b, Activation act, ConvGeometry g) {
        if (g.C >= L) { backwardInputPixelMajor(dx, dy, w, b, act, g); return; }
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // A = Wᵀ: A[(c,kh,kw), k] = w[k, (c,kh,kw)], packed once
        packedW = grow(packedW, Gemm.packedASize(CKK, g.K));
        Gemm.packA(packedW, w, 0, 1, CKK, 0, CKK, 0, g.K);
        int G = groupSize(BACKWARD_INPUT_COLS, P, g.N);
        // every chunk's dcol has the leading dimension G·P (the last chunk uses fewer columns), so one
        // col2im table serves all chunks; built once per call (for conv1, C = 1, building it per chunk
        // cost as much as the gather itself)
        col2imTables(g, G * P, 1);
        argOut = dx; argIn = dy; argB = b; argAct = act; argG = g; argChunk = G;
        pool.run(backwardInputJob, (g.N + G - 1) / G);
        clearArgs();
    }

    /** Images [n0, n0+G): dcol = Wᵀ·dY, then dx[n] += col2im(dcol) (or = act(b + col2im(dcol)), see backwardInput). */
    private void backwardInputChunk(int worker, int chunk) {
        final ConvGeometry g = argG;
        final float[] dx = argOut, dy = argIn;
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K;
        final int n0 = chunk * argChunk, nG = Math.min(argChunk, g.N - n0), J = nG * P;
        Workspace s = ws[worker];
        final int LD = argChunk * P;   // leading dimension of dcol, the same for every chunk
        s.dcol = grow(s.dcol, CKK * LD);
        s.bp = grow(s.bp, Gemm.packedBSize(J, Math.min(KC, K)));
        for (int l0 = 0; l0 < K; l0 += KC) {
            int kc = Math.min(KC, K - l0);
            packOutputColumns(s.bp, dy, K, P, n0, J, l0, kc);
            Gemm.block(s.dcol, 0, LD, 0, null, packedW, l0 * Gemm.MR, Gemm.MR * K, s.bp, 0, CKK, J, kc,
                       l0 == 0 ? Gemm.WRITE : Gemm.ADD, null, 0, s.tile);
        }
        if (argAct == null) col2im(dx, s.dcol, g, n0, nG, LD);
        else col2imBiasAct(dx, s.dcol, g, n0, nG, LD, argB, argAct == Activation.RELU);
    }

    /** B[l, j] = dy[n0 + j/P, l0 + l, j % P], packed in column micro-panels. dst written. */
    private static void packOutputColumns(float[] dst, float[] dy, int K, int P, int n0, int J, int l0, int kc) {
        final int NR = Gemm.NR, JP = (J + NR - 1) / NR;
        for (int jp = 0; jp < JP; jp++) {
            int d = jp * NR * kc;
            for (int q = 0; q < NR; q++) {
                int j = jp * NR + q;
                if (j >= J) {
                    for (int l = 0; l < kc; l++) dst[d + l * NR + q] = 0f;
                    continue;
                }
                int src = (n0 + j / P) * K * P + l0 * P + j % P;
                for (int l = 0; l < kc; l++, src += P) dst[d + l * NR + q] = dy[src];
            }
        }
    }

    /**
     * dx[n,c,h,w] += Σ dcol[(c,kh,kw), (n−n0)·P + oh·OW + ow] over the (kh, kw) with h = oh·SH+kh−PT and
     * w = ow·SW+kw−PL, written as a gather: each dx element is read and written once and receives the
     * sum of its terms (in (kh, kw) order) from a table of dcol offsets, instead of being scattered
     * into KH·KW/(SH·SW) times. dx accumulated.
     */
    private void col2im(float[] dx, float[] dcol, ConvGeometry g, int n0, int nG, int J) {
        final int C = g.C, HW = g.H * g.W, KHW = g.KH * g.KW, P = g.OH * g.OW;
        final int[] start = c2iStart, off = c2iOff;
        for (int n = 0; n < nG; n++) {
            for (int c = 0; c < C; c++) {
                int xBase = ((n0 + n) * C + c) * HW, dBase = c * KHW * J + n * P;
                for (int i = 0; i < HW; i++) {
                    float sum = 0f;
                    // ∂L/∂x[n,c,h,w] += Σ_{(kh,kw) reaching (h,w)} dcol[(c,kh,kw),(n,oh,ow)]
                    for (int t = start[i], e = start[i + 1]; t < e; t++) sum += dcol[dBase + off[t]];
                    dx[xBase + i] += sum;
                }
            }
        }
    }

    /**
     * The transposed convolution's forward from the same gather: y[n,c,h,w] = act(b[c] + Σ dcol[…]) with
     * the terms of {@link #col2im}; b may be null. y written.
     */
    private void col2imBiasAct(float[] y, float[] dcol, ConvGeometry g, int n0, int nG, int J, float[] b, boolean relu) {
        final int C = g.C, HW = g.H * g.W, KHW = g.KH * g.KW, P = g.OH * g.OW;
        final int[] start = c2iStart, off = c2iOff;
        for (int n = 0; n < nG; n++) {
            for (int c = 0; c < C; c++) {
                int yBase = ((n0 + n) * C + c) * HW, dBase = c * KHW * J + n * P;
                float bias = b == null ? 0f : b[c];
                for (int i = 0; i < HW; i++) {
                    float sum = bias;
                    // y[n,c,h,w] = b[c] + Σ_{(kh,kw) reaching (h,w)} dcol[(c,kh,kw),(n,oh,ow)]
                    for (int t = start[i], e = start[i + 1]; t < e; t++) sum += dcol[dBase + off[t]];
                    y[yBase + i] = sum;
                }
                // y = max(y, 0) on the row just written (still in L1), in vectors
                if (relu) relu(y, yBase, y, yBase, HW);
            }
        }
    }

    /**
     * Backward-input with the product transposed, for C ≥ L channels:
     * <pre>
     *   dcolᵀ_n[P, (kh,kw,c)] = dY_nᵀ[P, K] · W[K, (kh,kw,c)]
     *   dx[n,c,h,w] += Σ_(kh,kw) dcolᵀ_n[(oh,ow), (kh,kw,c)]   for each pixel, C channels per vector
     * </pre>
     * A dcolᵀ row holds every (kh, kw, c) of one output pixel with c fastest, so the col2im gather adds
     * whole vectors of channels (one load per L terms instead of one indexed load per term) into a
     * pixel-major [H·W, C] buffer that is then transposed into dx[n] (or written as act(b + …)).
     * Measured against the channel-major form in docs/design-notes.md#pixel-major-col2im.
     */
    private void backwardInputPixelMajor(float[] dx, float[] dy, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int K = g.K, CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // B = W with columns in (kh, kw, c) order, packed once per KC block of k: block l0 at l0·CKKp
        final int CKKp = (CKK + Gemm.NR - 1) / Gemm.NR * Gemm.NR;
        packedW = grow(packedW, CKKp * K);
        for (int l0 = 0; l0 < K; l0 += KC) packWeightsPixelMajor(packedW, l0 * CKKp, w, g, l0, Math.min(KC, K - l0));
        int G = groupSize(BACKWARD_INPUT_COLS, P, g.N);
        col2imTables(g, g.C, CKK);
        argOut = dx; argIn = dy; argB = b; argAct = act; argG = g; argChunk = G;
        pool.run(pixelMajorJob, (g.N + G - 1) / G);
        clearArgs();
    }

    /** B[l, (kh,kw,c)] = w[l0 + l, c, kh, kw] for l &lt; kc, in column micro-panels at dst[off …]. dst written. */
    private static void packWeightsPixelMajor(float[] dst, int off, float[] w, ConvGeometry g, int l0, int kc) {
        final int C = g.C, KHW = g.KH * g.KW, CKK = C * KHW, NR = Gemm.NR;
        for (int jp = 0; jp * NR < CKK; jp++) {
            int d = off + jp * NR * kc;
            for (int l = 0; l < kc; l++)
                for (int q = 0; q < NR; q++) {
                    int col = jp * NR + q;                    // = (kh·KW + kw)·C + c
                    dst[d + l * NR + q] = col < CKK ? w[(l0 + l) * CKK + (col % C) * KHW + col / C] : 0f;
                }
        }
    }

    /** Images [n0, n0+G) of {@link #backwardInputPixelMajor}. dx accumulated, or written when argAct is set. */
    private void pixelMajorChunk(int worker, int chunk) {
        final ConvGeometry g = argG;
        final float[] dx = argOut, dy = argIn, b = argB;
        final Activation act = argAct;
        final int C = g.C, K = g.K, CKK = C * g.KH * g.KW, P = g.OH * g.OW, HW = g.H * g.W, MR = Gemm.MR;
        final int CKKp = (CKK + Gemm.NR - 1) / Gemm.NR * Gemm.NR;
        final int n0 = chunk * argChunk, nG = Math.min(argChunk, g.N - n0), J = nG * P;
        Workspace s = ws[worker];
        s.dcol = grow(s.dcol, J * CKK);
        s.ap = grow(s.ap, Gemm.packedASize(J, Math.min(KC, K)));
        s.pix = grow(s.pix, HW * C);
        for (int l0 = 0; l0 < K; l0 += KC) {
            int kc = Math.min(KC, K - l0);
            // A[j, l] = dy[n0 + j/P, l0 + l, j % P]: rows are output pixels, in row micro-panels
            for (int ip = 0; ip * MR < J; ip++) {
                int d = ip * MR * kc;
                for (int r = 0; r < MR; r++) {
                    int j = ip * MR + r;
                    if (j >= J) { for (int l = 0; l < kc; l++) s.ap[d + l * MR + r] = 0f; continue; }
                    int src = (n0 + j / P) * K * P + l0 * P + j % P;
                    for (int l = 0; l < kc; l++, src += P) s.ap[d + l * MR + r] = dy[src];
                }
            }
            Gemm.block(s.dcol, 0, CKK, 0, null, s.ap, 0, MR * kc, packedW, l0 * CKKp, J, CKK, kc,
                       l0 == 0 ? Gemm.WRITE : Gemm.ADD, null, 0, s.tile);
        }
        final int[] start = c2iStart, off = c2iOff;
        final float[] pix = s.pix, dcol = s.dcol;
        final int CV = S.loopBound(C);
        for (int n = 0; n < nG; n++) {
            final int rowBase = n * P * CKK, xBase = (n0 + n) * C * HW;
            for (int i = 0; i < HW; i++) {
                final int t0 = start[i], t1 = start[i + 1], pBase = i * C;
                int c = 0;
                for (; c < CV; c += L) {
                    FloatVector sum = b != null && act != null ? FloatVector.fromArray(S, b, c) : FloatVector.zero(S);
                    // Σ_(kh,kw) dcolᵀ[(oh,ow), (kh,kw,c…c+L)]
                    for (int t = t0; t < t1; t++) sum = sum.add(FloatVector.fromArray(S, dcol, rowBase + off[t] + c));
                    if (act == Activation.RELU) sum = sum.max(0f);
                    sum.intoArray(pix, pBase + c);
                }
                for (; c < C; c++) {
                    float sum = b != null && act != null ? b[c] : 0f;
                    for (int t = t0; t < t1; t++) sum += dcol[rowBase + off[t] + c];
                    pix[pBase + c] = act == Activation.RELU ? Math.max(sum, 0f) : sum;
                }
            }
            // [H·W, C] → dx[n, C, H·W]
            if (act == null) {
                for (int c = 0; c < C; c++)
                    for (int i = 0, d = xBase + c * HW; i < HW; i++) dx[d + i] += pix[i * C + c];
            } else {
                for (int c = 0; c < C; c++)
                    for (int i = 0, d = xBase + c * HW; i < HW; i++) dx[d + i] = pix[i * C + c];
            }
        }
    }

    /**
     * For every input pixel (h, w) the dcol offsets (kh·KW + kw)·J + oh·OW + ow of the (kh, kw, oh, ow) with
     * h = oh·SH + kh − PT, w = ow·SW + kw − PL, in (kh, kw) order; relative to channel 0, image 0 of a
     * chunk whose dcol has leading dimension J (tap stride J, pixel stride 1; the pixel-major dcolᵀ of
     * {@link #backwardInputPixelMajor} passes tap stride C and pixel stride KH·KW·C). c2iStart, c2iOff written.
     */
    private void col2imTables(ConvGeometry g, int J, int pixelStride) {
        final int H = g.H, W = g.W, KW = g.KW, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW;
        c2iStart = grow(c2iStart, H * W + 1);
        c2iOff = grow(c2iOff, H * W * g.KH * KW);
        int t = 0;
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) {
                c2iStart[h * W + w] = t;
                // kh ≡ h + PT (mod SH), oh = (h + PT − kh) / SH ∈ [0, OH); the same for kw
                for (int kh = (h + g.PT) % SH; kh < g.KH; kh += SH) {
                    int oh = (h + g.PT - kh) / SH;
                    if (oh < 0 || oh >= OH) continue;
                    for (int kw = (w + g.PL) % SW; kw < KW; kw += SW) {
                        int ow = (w + g.PL - kw) / SW;
                        if (ow < 0 || ow >= OW) continue;
                        c2iOff[t++] = (kh * KW + kw) * J + (oh * OW + ow) * pixelStride;
                    }
                }
            }
        }
        c2iStart[H * W] = t;
    }

    // ================================================================== convolution backward-weight

    @Override
    public synchronized void conv2dBackwardWeight(float[] dw, float[] dy, float[] x, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, NP = g.N * g.OH * g.OW, KCKK = g.K * CKK;
        final int blocks = (NP + KC - 1) / KC, R = Math.min(BACKWARD_WEIGHT_SPLITS, blocks);
        // With at least NR channels the product runs over columns j = (kh, kw, c) of a channels-last copy
        // of the input: a B micro-panel row is then NR consecutive channels of one pixel, two plain vector
        // loads instead of two gathers. Its dW columns come out in (kh, kw, c) order, so they always go
        // through the partial sums, and the reduction writes them back in (c, kh, kw) order.
        final boolean channelsLast = g.C >= Gemm.NR;
        padInput(x, g, channelsLast);
        argOut = dw; argW = dy; argG = g; argChunks = R; argChannelsLast = channelsLast;
        final boolean partials = R > 1 || channelsLast;
        if (partials) partialDw = grow(partialDw, R * KCKK);
        pool.run(backwardWeightJob, R);
        if (partials) {
            argM_ = KCKK;
            if (channelsLast) pool.run(reducePermutedJob, g.K);
            else pool.run(reduceJob, (KCKK + REDUCE_CHUNK - 1) / REDUCE_CHUNK);
        }
        clearArgs();
    }

    /**
     * Reduction range r of R (a fixed split of the KC blocks of l = (n, oh, ow), independent of the
     * thread count): dWᵣ[k, j] = Σ_{l in range r} dY[k, l] · col[l, j] for all K × CKK, the KC blocks
     * in order. With R = 1 it accumulates straight into dw; otherwise dWᵣ is written to partialDw
     * and {@link #reduceChunk} adds the R partials to dw in the fixed order r = 0…R−1.
     * dY is packed once per KC block; the im2col B operand is packed one micro-panel at a time and
     * used at once while it is in L1.
     */
    private void backwardWeightChunk(int worker, int r) {
        final ConvGeometry g = argG;
        final float[] dy = argW;
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K, NP = g.N * P, R = argChunks;
        final int blocks = (NP + KC - 1) / KC;
        final int lStart = (int) ((long) blocks * r / R) * KC, lEnd = Math.min(NP, (int) ((long) blocks * (r + 1) / R) * KC);
        if (lStart >= lEnd) return;
        final boolean channelsLast = argChannelsLast, partials = R > 1 || channelsLast;
        final float[] c = partials ? partialDw : argOut;
        final int cOff = partials ? r * K * CKK : 0;
        Workspace s = ws[worker];
        if (channelsLast) s.kernelTablesChannelsLast(g, CKK);
        else s.kernelTables(g, 0, CKK);
        s.ap = grow(s.ap, Gemm.packedASize(K, KC));
        s.bp = grow(s.bp, Gemm.NR * KC);
        s.colX = grow(s.colX, KC); s.colOff = grow(s.colOff, KC);
        final int OW = g.OW, Wp = g.W + g.PL + g.PR, CHWp = g.C * (g.H + g.PT + g.PB) * Wp;
        // window origin steps between output rows / columns: in the NCHW or the channels-last (·C) xPad
        final int stepH = g.SH * Wp * (channelsLast ? g.C : 1), stepW = g.SW * (channelsLast ? g.C : 1);
        final int NR = Gemm.NR, MR = Gemm.MR, JP = (CKK + NR - 1) / NR, IP = (K + MR - 1) / MR;
        for (int l0 = lStart; l0 < lEnd; l0 += KC) {
            int kc = Math.min(KC, lEnd - l0);
            // tables of the reduction index l = (n, oh, ow)
            for (int l = 0; l < kc; l++) {
                int n = (l0 + l) / P, p = (l0 + l) % P;
                s.colX[l] = n * CHWp + (p / OW) * stepH + (p % OW) * stepW;   // window origin in xPad
                s.colOff[l] = n * K * P + p;                 // dy[n, k, p] = dy[colOff + k·P]
            }
            packOutputRows(s.ap, dy, s.colOff, K, P, kc);
            int mode = (partials && l0 == lStart) ? Gemm.WRITE : Gemm.ADD;
            for (int jp = 0; jp < JP; jp++) {
                int j0 = jp * NR, cols = Math.min(NR, CKK - j0);
                packIm2colRowsPanel(s.bp, xPad, s.colX, s.rowC, j0, kc, s.rowRun[jp]);
                for (int ip = 0; ip < IP; ip++)
                    Gemm.micro(c, ip * MR, CKK, cOff + j0, null, Math.min(MR, K - ip * MR), cols,
                               s.ap, ip * MR * kc, s.bp, 0, kc, mode, null, 0, s.tile);
            }
        }
    }

    /** dw[i] += Σ_{r=0}^{R−1} partialDw[r·KCKK + i] (r in order) for i in this chunk. dw accumulated. */
    private void reduceChunk(int worker, int chunk) {
        final float[] dw = argOut, part = partialDw;
        final int KCKK = argM_, R = argChunks;
        final int i0 = chunk * REDUCE_CHUNK, i1 = Math.min(KCKK, i0 + REDUCE_CHUNK);
        int i = i0;
        for (; i + L <= i1; i += L) {
            FloatVector sum = FloatVector.fromArray(S, part, i);
            for (int r = 1; r < R; r++) sum = sum.add(FloatVector.fromArray(S, part, r * KCKK + i));
            FloatVector.fromArray(S, dw, i).add(sum).intoArray(dw, i);
        }
        for (; i < i1; i++) {
            float sum = part[i];
            for (int r = 1; r < R; r++) sum += part[r * KCKK + i];
            dw[i] += sum;
        }
    }

    /**
     * Row k of dw from channels-last partials: dw[k, c, kh, kw] += Σ_{r=0}^{R−1} partialDw[r, k, (kh, kw, c)],
     * r in order as in {@link #reduceChunk}. dw accumulated.
     */
    private void reducePermutedChunk(int worker, int k) {
        final ConvGeometry g = argG;
        final float[] dw = argOut, part = partialDw, buf = ws[worker].tile;   // tile: MR·NR ≥ L floats
        final int KCKK = argM_, R = argChunks, C = g.C, KHW = g.KH * g.KW, row = k * C * KHW;
        final int CV = S.loopBound(C);
        for (int t = 0; t < KHW; t++) {
            final int src = row + t * C;              // partial column (t = kh·KW + kw, c)
            int c = 0;
            for (; c < CV; c += L) {
                FloatVector v = FloatVector.fromArray(S, part, src + c);
                for (int r = 1; r < R; r++) v = v.add(FloatVector.fromArray(S, part, r * KCKK + src + c));
                v.intoArray(buf, 0);
                for (int q = 0; q < L; q++) dw[row + (c + q) * KHW + t] += buf[q];
            }
            for (; c < C; c++) {
                float v = part[src + c];
                for (int r = 1; r < R; r++) v += part[r * KCKK + src + c];
                dw[row + c * KHW + t] += v;
            }
        }
    }

    /**
     * A[k, l] = dy[off[l] + k·P] for all K rows, packed in row micro-panels. dst written.
     * off[l] steps by 1 inside an image, so the block is cut into runs of one image each and every run
     * is copied without the table lookup, MR rows at a time (one contiguous MR-float store per l).
     */
    private static void packOutputRows(float[] dst, float[] dy, int[] off, int K, int P, int kc) {
        final int MR = Gemm.MR, IP = (K + MR - 1) / MR;
        for (int l0 = 0, l1; l0 < kc; l0 = l1) {
            // the run [l0, l1) of one image: off[l] = off[l0] + (l − l0)
            l1 = l0 + 1;
            while (l1 < kc && off[l1] == off[l1 - 1] + 1) l1++;
            for (int ip = 0; ip < IP; ip++) {
                final int k0 = ip * MR, rows = Math.min(MR, K - k0), d = ip * MR * kc;
                final int src = off[l0] - l0 + k0 * P;      // dy[src + r·P + l] = A[k0 + r, l]
                for (int l = l0; l < l1; l++) {
                    int dl = d + l * MR, s = src + l, r = 0;
                    for (; r < rows; r++, s += P) dst[dl + r] = dy[s];
                    for (; r < MR; r++) dst[dl + r] = 0f;
                }
            }
        }
    }

    /**
     * One column micro-panel: B[l, j0 + q] = xPad[src[l] + off[j0 + q]] for the kc reduction rows
     * l = (n, oh, ow) (window origin src[l]) and the NR columns j = (c, kh, kw) (offset off[j], 0 past
     * the edge), stored dst[l·NR + q]. dst written.
     */
    private static void packIm2colRowsPanel(float[] dst, float[] xPad, int[] src, int[] off, int j0, int kc,
                                            boolean contiguous) {
        final int NR = Gemm.NR;
        if (contiguous) {
            // the NR columns are consecutive in xPad (channels-last: NR channels of one pixel): plain loads
            final int o = off[j0];
            for (int l = 0; l < kc; l++) {
                int base = src[l] + o, dl = l * NR;
                FloatVector.fromArray(S, xPad, base).intoArray(dst, dl);
                FloatVector.fromArray(S, xPad, base + L).intoArray(dst, dl + L);
            }
            return;
        }
        for (int l = 0; l < kc; l++) {
            int base = src[l], dl = l * NR;
            FloatVector.fromArray(S, xPad, base, off, j0).intoArray(dst, dl);
            FloatVector.fromArray(S, xPad, base, off, j0 + L).intoArray(dst, dl + L);
        }
    }

    // ================================================================== bias

    @Override
    public synchronized void biasBackward(float[] db, float[] dy, int N, int K, int S) {
        argOut = db; argIn = dy; argM_ = N; argN_ = K; argK_ = S;
        if (S > 1) {
            // conv layer: a fixed split over images (memory in address order), partial sums added in order
            int R = Math.min(BIAS_SPLITS, N);
            partialDb = grow(partialDb, R * K);
            argChunks = R;
            pool.run(biasSpatialJob, R);
            for (int k = 0; k < K; k++) {
                float sum = 0f;
                for (int r = 0; r < R; r++) sum += partialDb[r * K + k];
                db[k] += sum;
            }
        } else {
            int chunks = Math.min(K, 4 * pool.threads());
            argChunks = chunks;
            pool.run(biasJob, chunks);
        }
        clearArgs();
    }

    /**
     * Images [N·r/R, N·(r+1)/R): partialDb[r, k] = Σ_n Σ_s dy[n,k,s], walking dy in address order with
     * two vector accumulators per row. partialDb written.
     */
    private void biasSpatialChunk(int worker, int r) {
        final float[] dy = argIn, part = partialDb;
        final int N = argM_, K = argN_, SS = argK_, R = argChunks;
        final int n0 = (int) ((long) N * r / R), n1 = (int) ((long) N * (r + 1) / R), bound2 = SS - 2 * L;
        java.util.Arrays.fill(part, r * K, r * K + K, 0f);
        for (int n = n0; n < n1; n++) {
            for (int k = 0; k < K; k++) {
                int base = (n * K + k) * SS, s = 0;
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                // ∂L/∂b[k] += Σ_s ∂L/∂y[n,k,s]
                for (; s <= bound2; s += 2 * L) {
                    a0 = a0.add(FloatVector.fromArray(S, dy, base + s));
                    a1 = a1.add(FloatVector.fromArray(S, dy, base + s + L));
                }
                float tail = 0f;
                for (; s < SS; s++) tail += dy[base + s];
                part[r * K + k] += a0.add(a1).reduceLanes(VectorOperators.ADD) + tail;
            }
        }
    }

    /** Dense layer (S = 1): db[k] += Σ_n dy[n,k] for k in this chunk's range, vectors along k. db accumulated. */
    private void biasChunk(int worker, int chunk) {
        final float[] db = argOut, dy = argIn;
        final int N = argM_, K = argN_, chunks = argChunks;
        final int k0 = (int) ((long) K * chunk / chunks), k1 = (int) ((long) K * (chunk + 1) / chunks);
        int k = k0;
        for (; k + L <= k1; k += L) {
            FloatVector acc = FloatVector.zero(S);
            // db[k] += Σ_n dy[n,k]
            for (int n = 0; n < N; n++) acc = acc.add(FloatVector.fromArray(S, dy, n * K + k));
            acc.add(FloatVector.fromArray(S, db, k)).intoArray(db, k);
        }
        for (; k < k1; k++) {
            float sum = 0f;
            for (int n = 0; n < N; n++) sum += dy[n * K + k];
            db[k] += sum;
        }
    }

    // ================================================================== ReLU

    @Override
    public synchronized void reluForward(float[] y, float[] x, int n) {
        argOut = y; argIn = x; argN_ = n;
        pool.run(reluForwardJob, (n + RELU_CHUNK - 1) / RELU_CHUNK);
        clearArgs();
    }

    /** y[i] = max(x[i], 0) for i in this chunk. y written. */
    private void reluForwardChunk(int worker, int chunk) {
        int i0 = chunk * RELU_CHUNK;
        relu(argOut, i0, argIn, i0, Math.min(argN_, i0 + RELU_CHUNK) - i0);
    }

    @Override
    public synchronized void reluBackward(float[] dx, float[] dy, float[] y, int n) {
        argOut = dx; argIn = dy; argW = y; argN_ = n;
        pool.run(reluBackwardJob, (n + RELU_CHUNK - 1) / RELU_CHUNK);
        clearArgs();
    }

    /** dx[i] += y[i] &gt; 0 ? dy[i] : 0 for i in this chunk, branch-free (a masked add). dx accumulated. */
    private void reluBackwardChunk(int worker, int chunk) {
        final float[] dx = argOut, dy = argIn, y = argW;
        final int i0 = chunk * RELU_CHUNK, i1 = Math.min(argN_, i0 + RELU_CHUNK);
        int i = i0;
        for (; i + L <= i1; i += L) {
            // ∂L/∂x = ∂L/∂y · [y > 0]
            VectorMask<Float> on = FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dx, i).add(FloatVector.fromArray(S, dy, i), on).intoArray(dx, i);
        }
        for (; i < i1; i++) if (y[i] > 0f) dx[i] += dy[i];
    }

    // ================================================================== matrix products

    @Override
    public synchronized void matmulNT(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[m·K + k], B[k,n] = b[n·K + k]
        gemm(c, a, K, 1, b, 1, K, M, N, K, accumulate);
    }

    @Override
    public synchronized void matmulNN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[m·K + k], B[k,n] = b[k·N + n]
        gemm(c, a, K, 1, b, N, 1, M, N, K, accumulate);
    }

    @Override
    public synchronized void matmulTN(float[] c, float[] a, float[] b, int M, int N, int K, boolean accumulate) {
        // A[m,k] = a[k·M + m], B[k,n] = b[k·N + n]
        gemm(c, a, 1, M, b, N, 1, M, N, K, accumulate);
    }

    /** c[M,N] (= or +=) A·B for strided A[i,l] = a[i·si + l·sl] and B[l,j] = b[l·bl + j·bj]. */
    private void gemm(float[] c, float[] a, int si, int sl, float[] b, int bl, int bj,
                      int M, int N, int K, boolean accumulate) {
        if (M == 0 || N == 0) return;
        if (K == 0) {
            if (!accumulate) java.util.Arrays.fill(c, 0, M * N, 0f);
            return;
        }
        argOut = c; argIn = a; argW = b; argM_ = M; argN_ = N; argK_ = K; argAcc = accumulate;
        aSi = si; aSl = sl; bSl = bl; bSj = bj;
        // split the larger output side into chunks aligned to the micro-tile
        boolean byRows = M >= N;
        int unit = byRows ? Gemm.MR : Gemm.NR, units = ((byRows ? M : N) + unit - 1) / unit;
        int chunks = Math.min(units, 2 * pool.threads());
        argChunks = chunks; argChunk = byRows ? 1 : 0;
        pool.run(gemmJob, chunks);
        clearArgs();
    }

    private void gemmChunk(int worker, int chunk) {
        final float[] c = argOut, a = argIn, b = argW;
        final int M = argM_, N = argN_, K = argK_, chunks = argChunks;
        final boolean byRows = argChunk == 1;
        int unit = byRows ? Gemm.MR : Gemm.NR, units = ((byRows ? M : N) + unit - 1) / unit;
        int u0 = (int) ((long) units * chunk / chunks), u1 = (int) ((long) units * (chunk + 1) / chunks);
        int i0 = 0, Mc = M, j0 = 0, Jc = N;
        if (byRows) { i0 = u0 * unit; Mc = Math.min(M, u1 * unit) - i0; }
        else        { j0 = u0 * unit; Jc = Math.min(N, u1 * unit) - j0; }
        if (Mc <= 0 || Jc <= 0) return;
        Workspace s = ws[worker];
        s.ap = grow(s.ap, Gemm.packedASize(Mc, Math.min(KC, K)));
        s.bp = grow(s.bp, Gemm.packedBSize(Jc, Math.min(KC, K)));
        for (int l0 = 0; l0 < K; l0 += KC) {
            int kc = Math.min(KC, K - l0);
            Gemm.packA(s.ap, a, 0, aSi, aSl, i0, Mc, l0, kc);
            Gemm.packB(s.bp, b, 0, bSl, bSj, j0, Jc, l0, kc);
            int mode = (l0 == 0 && !argAcc) ? Gemm.WRITE : Gemm.ADD;
            Gemm.block(c, i0, N, j0, null, s.ap, 0, Gemm.MR * kc, s.bp, 0, Mc, Jc, kc, mode, null, 0, s.tile);
        }
    }

    // ================================================================== optimiser

    @Override
    public synchronized void adamStep(float[] param, float[] m, float[] v, float[] g, int n,
                                      float beta1, float beta2, float stepSize, float epsHat) {
        argOut = param; argM = m; argV = v; argIn = g; argN_ = n;
        this.beta1 = beta1; this.beta2 = beta2; this.stepSize = stepSize; this.epsHat = epsHat;
        pool.run(adamJob, (n + ADAM_CHUNK - 1) / ADAM_CHUNK);
        clearArgs();
    }

    /** Elements [i0, i1): the Adam update, vectorised. param, m, v written in place; g read. */
    private void adamChunk(int worker, int chunk) {
        final float[] p = argOut, m = argM, v = argV, g = argIn;
        final float b1 = beta1, b2 = beta2, step = stepSize, eps = epsHat, c1 = 1f - b1, c2 = 1f - b2;
        final int i0 = chunk * ADAM_CHUNK, i1 = Math.min(argN_, i0 + ADAM_CHUNK);
        int i = i0;
        for (; i + L <= i1; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            // m ← β1·m + (1−β1)·g
            FloatVector mv = FloatVector.fromArray(S, m, i).mul(b1).add(gv.mul(c1));
            // v ← β2·v + (1−β2)·g²
            FloatVector vv = FloatVector.fromArray(S, v, i).mul(b2).add(gv.mul(c2).mul(gv));
            // p ← p − stepSize · m / (√v + ε̂)
            FloatVector upd = mv.mul(step).div(vv.lanewise(VectorOperators.SQRT).add(eps));
            FloatVector.fromArray(S, p, i).sub(upd).intoArray(p, i);
            mv.intoArray(m, i);
            vv.intoArray(v, i);
        }
        for (; i < i1; i++) {
            m[i] = b1 * m[i] + c1 * g[i];
            v[i] = b2 * v[i] + c2 * g[i] * g[i];
            p[i] -= step * m[i] / ((float) Math.sqrt(v[i]) + eps);
        }
    }

    // ================================================================== helpers

    /** Images per chunk so that a chunk has about {@code target} GEMM columns. */
    private static int groupSize(int target, int P, int N) {
        return Math.max(1, Math.min(N, (target + P - 1) / P));
    }

    static float[] grow(float[] a, int n) { return a.length >= n ? a : new float[Math.max(n, a.length + a.length / 2)]; }

    static int[] grow(int[] a, int n) { return a.length >= n ? a : new int[Math.max(n, a.length + a.length / 2)]; }

    private void clearArgs() {
        argOut = argIn = argW = argB = argM = argV = null;
        argG = null;
        argAct = null;
        argChannelsLast = false;
    }

    /** Per-worker scratch, grown on demand and reused across calls. */
    static final class Workspace {
        float[] ap = new float[0], bp = new float[0], dcol = new float[0], ybuf = new float[0], pix = new float[0];
        final float[] tile = new float[Gemm.MR * Gemm.NR];
        int[] colX = new int[0], colOff = new int[0], rowC = new int[0];
        /** rowRun[jp]: the NR offsets rowC of column panel jp are consecutive (set by the kernel tables). */
        boolean[] rowRun = new boolean[0];

        /** rowRun[jp] for the panels of the J columns in rowC (a panel holding padding is never a run). */
        private void markRuns(int J) {
            int JP = (J + Gemm.NR - 1) / Gemm.NR;
            if (rowRun.length < JP) rowRun = new boolean[JP];
            for (int jp = 0; jp < JP; jp++) {
                int j0 = jp * Gemm.NR;
                boolean run = j0 + Gemm.NR <= J;
                for (int q = 1; run && q < Gemm.NR; q++) run = rowC[j0 + q] == rowC[j0] + q;
                rowRun[jp] = run;
            }
        }

        /**
         * Per GEMM column j = (n, oh, ow) of images n0…: where its window starts in xPad. Columns
         * beyond J (panel padding) point at 0: they are computed but never stored.
         */
        void columnTables(ConvGeometry g, int n0, int J) {
            int Jp = (J + Gemm.NR - 1) / Gemm.NR * Gemm.NR, P = g.OH * g.OW;
            int Wp = g.W + g.PL + g.PR, CHWp = g.C * (g.H + g.PT + g.PB) * Wp;
            colX = grow(colX, Jp);
            for (int j = 0; j < Jp; j++) {
                if (j >= J) { colX[j] = 0; continue; }
                int n = n0 + j / P, p = j % P;
                colX[j] = n * CHWp + (p / g.OW) * g.SH * Wp + (p % g.OW) * g.SW;
            }
        }

        /**
         * Per kernel index j = (kh, kw, c) ∈ [0, J), c fastest: its offset from a window origin in the
         * channels-last xPad, rowC[j] (padded to whole panels with 0), and the panel runs.
         */
        void kernelTablesChannelsLast(ConvGeometry g, int J) {
            int Jp = (J + Gemm.NR - 1) / Gemm.NR * Gemm.NR, C = g.C;
            int Wp = g.W + g.PL + g.PR;
            rowC = grow(rowC, Jp);
            for (int j = 0; j < Jp; j++) {
                if (j >= J) { rowC[j] = 0; continue; }
                int t = j / C, c = j % C;              // j = (kh·KW + kw)·C + c
                rowC[j] = ((t / g.KW) * Wp + t % g.KW) * C + c;
            }
            markRuns(J);
        }

        /**
         * Per kernel index i = (c, kh, kw) ∈ [i0, i0+J): its offset from a window origin in xPad,
         * rowC[i − i0] (padded to whole panels with 0), and the panel runs.
         */
        void kernelTables(ConvGeometry g, int i0, int J) {
            int Jp = (J + Gemm.NR - 1) / Gemm.NR * Gemm.NR, KHW = g.KH * g.KW;
            int Wp = g.W + g.PL + g.PR, HWp = (g.H + g.PT + g.PB) * Wp;
            rowC = grow(rowC, Jp);
            for (int j = 0; j < Jp; j++) {
                if (j >= J) { rowC[j] = 0; continue; }
                int i = i0 + j;
                rowC[j] = (i / KHW) * HWp + ((i % KHW) / g.KW) * Wp + i % g.KW;
            }
            markRuns(J);
        }
    }
}
