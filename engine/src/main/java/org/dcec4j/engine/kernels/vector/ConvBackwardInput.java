package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * The adjoint of a convolution: its backward-input (dx accumulated) and the forward of a transposed
 * convolution (y = act(b + …) written), as a product followed by a col2im gather:
 * <pre>
 *   dcol[(c,kh,kw), (n,oh,ow)] = Σ_k W[k,(c,kh,kw)] · dY[k,(n,oh,ow)]      (one FMA chain over k)
 *   dx[n,c,h,w]  += Σ_(kh,kw) dcol[(c,kh,kw), (n,oh,ow)]    over the taps with h = oh·SH+kh−PT, w = ow·SW+kw−PL
 * </pre>
 * the taps added in (kh, kw) order to a sum started from zero (or from b[c] for the transposed forward):
 * docs/kernels.md#reduction-order. Three forms compute the same numbers:
 * <ul>
 *   <li>{@link Lanes} (long sums per input pixel, at least L images: conv2's adjoint): no dcol at all; the batch in
 *       the vector lanes, and each tap's term of each input pixel one chain over k, added to the pixel's sum in tap
 *       order;</li>
 *   <li>{@link #channelMajor} (few channels): dcol = Wᵀ·dY with (c, kh, kw) rows; the gather reads one
 *       element per term through a table of dcol offsets;</li>
 *   <li>{@link #pixelMajor} (C ≥ lanes): dcolᵀ = dYᵀ·W with (kh, kw, c) columns, so a dcolᵀ row holds
 *       every tap of one output pixel with c fastest and the gather adds whole vectors of channels into a
 *       pixel-major [H·W, C] buffer, then transposes it into dx[n]. Measured against the channel-major
 *       form in docs/design-notes.md#pixel-major-col2im.</li>
 * </ul>
 *
 * <p>Math: docs/kernels.md#backward-input
 */
final class ConvBackwardInput {
    private ConvBackwardInput() {}

    private static final int L = Gemm.L, NR = Gemm.NR, MR = Gemm.MR;

    /**
     * The lanes form where an input pixel's sum is long ({@link Tuning#lanesBackwardInput}), else the pixel-major form
     * where there are at least as many channels as lanes ({@link Tuning#pixelMajorBackwardInput}), else the
     * channel-major one. With {@code act} null: out (= dx) accumulated, b ignored. Otherwise out written as
     * act(b + convᵀ(dy)), b read or null.
     */
    static void run(Resources r, float[] out, float[] dy, float[] w, float[] b, Activation act, ConvGeometry g) {
        r.pool.run(plan(r, out, dy, w, b, act, g));
    }

    /**
     * {@link #run} up to the parallel part: packs the weights (into r.packedW), builds the gather tables (r.c2iStart,
     * r.c2iOff) and returns the chunks to run.
     */
    static WorkerPool.Planned plan(Resources r, float[] out, float[] dy, float[] w, float[] b, Activation act, ConvGeometry g) {
        if (Tuning.lanesBackwardInput(g)) return lanes(r, out, dy, w, b, act, g);
        return Tuning.pixelMajorBackwardInput(g.C) ? pixelMajor(r, out, dy, w, b, act, g) : channelMajor(r, out, dy, w, b, act, g);
    }

    /** Input channels per tile of the lanes form ({@link #termTile}): as many as the forward's direct tile has output channels. */
    private static final int CH = ConvForward.CH;

    /**
     * The lanes form: the contract of {@link #plan}. Packs the weights per tap and channel panel (into r.packedW) and builds
     * the tables every chunk reads: where each dy position goes in the lanes (r.dyLanesTo) and the pairs of input pixels
     * computed together (r.pixelPairs).
     */
    private static WorkerPool.Planned lanes(Resources r, float[] out, float[] dy, float[] w, float[] b, Activation act,
                                            ConvGeometry g) {
        final int C = g.C, K = g.K, KHW = g.KH * g.KW, P = g.OH * g.OW, panels = (C + CH - 1) / CH;
        // wp[((t·panels + cp)·K + k)·CH + i] = w[k, cp·CH + i, t] for the taps t = kh·KW + kw, channels past C zero: the
        // direct tile's panel (CH channels side by side, k-major) of tap t and channel panel cp
        final float[] wp = r.packedW = Workspace.grow(r.packedW, KHW * panels * K * CH);
        for (int t = 0; t < KHW; t++)
            for (int cp = 0; cp < panels; cp++)
                for (int k = 0; k < K; k++)
                    for (int i = 0; i < CH; i++) {
                        final int c = cp * CH + i;
                        wp[((t * panels + cp) * K + k) * CH + i] = c < C ? w[(k * C + c) * KHW + t] : 0f;
                    }
        // dy in the lanes, pixel-major: dyl[(p·K + k)·L + q] = dy[n0 + q, k, p], so that one pixel's chain over k reads
        // K consecutive vectors (offsets k·L)
        final int[] to = r.dyLanesTo = Workspace.grow(r.dyLanesTo, K * P);
        for (int k = 0; k < K; k++)
            for (int p = 0; p < P; p++) to[k * P + p] = (p * K + k) * L;
        return new WorkerPool.Planned(new Lanes(out, dy, wp, b, act, g, to, pixelPairs(r, g), r.ws), (g.N + L - 1) / L);
    }

    /**
     * One tile of the lanes form: input channels r &lt; rows (≤ CH) of a channel panel × two input pixels, for one tap.
     * The terms t[r][s] = Σ_k wp[a0 + k·CH + r] · dyl[x_s + k·L + q] (one FMA chain per lane over k in order, from 0;
     * x_s: the pixel's output pixel's K vectors) are added to the sums of the pixels the tap reaches:
     * sl[so + r·PS + p_s + q] = sl[…] + t[r][s] for q &lt; L where {@code in_s}. One vector load per pixel and k, one
     * broadcast per channel and k: the forward's direct tile ({@code ConvForward.directTile}) with input channels in its
     * output channels' place and an addition in its store's. A tile whose channels and pixels are all real adds its
     * vectors where they lie; the others go through buf (≥ 2·CH·L floats). sl updated.
     */
    private static void termTile(float[] sl, int so, int PS, int p0, boolean in0, int p1, boolean in1, int rows,
                                 float[] wp, int a0, int K, float[] dyl, int x0, int x1, float[] buf) {
        if (CH == 8) {
            termTile8(sl, so, PS, p0, in0, p1, in1, rows, wp, a0, K, dyl, x0, x1, buf);
            return;
        }
        FloatVector t00, t01, t10, t11, t20, t21, t30, t31;
        t00 = t01 = t10 = t11 = t20 = t21 = t30 = t31 = FloatVector.zero(Gemm.S);
        for (int k = 0, a = a0, o = 0; k < K; k++, a += CH, o += L) {
            // t[r][s] = fma(w[k, c0 + r, kh, kw], dyl[x_s + k·L + q], t[r][s])
            FloatVector v0 = FloatVector.fromArray(Gemm.S, dyl, x0 + o);
            FloatVector v1 = FloatVector.fromArray(Gemm.S, dyl, x1 + o);
            FloatVector w = FloatVector.broadcast(Gemm.S, wp[a]);
            t00 = w.fma(v0, t00); t01 = w.fma(v1, t01);
            w = FloatVector.broadcast(Gemm.S, wp[a + 1]);
            t10 = w.fma(v0, t10); t11 = w.fma(v1, t11);
            w = FloatVector.broadcast(Gemm.S, wp[a + 2]);
            t20 = w.fma(v0, t20); t21 = w.fma(v1, t21);
            w = FloatVector.broadcast(Gemm.S, wp[a + 3]);
            t30 = w.fma(v0, t30); t31 = w.fma(v1, t31);
        }
        final int q0 = so + p0, q1 = so + p1;
        if (rows == CH && in0 && in1) {
            // sum[c, pixel] = sum[c, pixel] + term
            FloatVector.fromArray(Gemm.S, sl, q0).add(t00).intoArray(sl, q0);
            FloatVector.fromArray(Gemm.S, sl, q1).add(t01).intoArray(sl, q1);
            FloatVector.fromArray(Gemm.S, sl, q0 + PS).add(t10).intoArray(sl, q0 + PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + PS).add(t11).intoArray(sl, q1 + PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 2 * PS).add(t20).intoArray(sl, q0 + 2 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 2 * PS).add(t21).intoArray(sl, q1 + 2 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 3 * PS).add(t30).intoArray(sl, q0 + 3 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 3 * PS).add(t31).intoArray(sl, q1 + 3 * PS);
            return;
        }
        t00.intoArray(buf, 0);     t01.intoArray(buf, L);
        t10.intoArray(buf, 2 * L); t11.intoArray(buf, 3 * L);
        t20.intoArray(buf, 4 * L); t21.intoArray(buf, 5 * L);
        t30.intoArray(buf, 6 * L); t31.intoArray(buf, 7 * L);
        addTerms(sl, q0, in0, q1, in1, PS, rows, buf);
    }

    /**
     * {@link #termTile} for CH = 8 (512-bit species): the same chains, FMAs, order and additions, with 16 accumulators.
     * Written out again because the accumulators must be named locals to stay in registers.
     */
    private static void termTile8(float[] sl, int so, int PS, int p0, boolean in0, int p1, boolean in1, int rows,
                                  float[] wp, int a0, int K, float[] dyl, int x0, int x1, float[] buf) {
        FloatVector t00, t01, t10, t11, t20, t21, t30, t31, t40, t41, t50, t51, t60, t61, t70, t71;
        t00 = t01 = t10 = t11 = t20 = t21 = t30 = t31 = t40 = t41 = t50 = t51 = t60 = t61 = t70 = t71 = FloatVector.zero(Gemm.S);
        for (int k = 0, a = a0, o = 0; k < K; k++, a += 8, o += L) {
            // t[r][s] = fma(w[k, c0 + r, kh, kw], dyl[x_s + k·L + q], t[r][s])
            FloatVector v0 = FloatVector.fromArray(Gemm.S, dyl, x0 + o);
            FloatVector v1 = FloatVector.fromArray(Gemm.S, dyl, x1 + o);
            FloatVector w = FloatVector.broadcast(Gemm.S, wp[a]);
            t00 = w.fma(v0, t00); t01 = w.fma(v1, t01);
            w = FloatVector.broadcast(Gemm.S, wp[a + 1]);
            t10 = w.fma(v0, t10); t11 = w.fma(v1, t11);
            w = FloatVector.broadcast(Gemm.S, wp[a + 2]);
            t20 = w.fma(v0, t20); t21 = w.fma(v1, t21);
            w = FloatVector.broadcast(Gemm.S, wp[a + 3]);
            t30 = w.fma(v0, t30); t31 = w.fma(v1, t31);
            w = FloatVector.broadcast(Gemm.S, wp[a + 4]);
            t40 = w.fma(v0, t40); t41 = w.fma(v1, t41);
            w = FloatVector.broadcast(Gemm.S, wp[a + 5]);
            t50 = w.fma(v0, t50); t51 = w.fma(v1, t51);
            w = FloatVector.broadcast(Gemm.S, wp[a + 6]);
            t60 = w.fma(v0, t60); t61 = w.fma(v1, t61);
            w = FloatVector.broadcast(Gemm.S, wp[a + 7]);
            t70 = w.fma(v0, t70); t71 = w.fma(v1, t71);
        }
        final int q0 = so + p0, q1 = so + p1;
        if (rows == 8 && in0 && in1) {
            // sum[c, pixel] = sum[c, pixel] + term
            FloatVector.fromArray(Gemm.S, sl, q0).add(t00).intoArray(sl, q0);
            FloatVector.fromArray(Gemm.S, sl, q1).add(t01).intoArray(sl, q1);
            FloatVector.fromArray(Gemm.S, sl, q0 + PS).add(t10).intoArray(sl, q0 + PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + PS).add(t11).intoArray(sl, q1 + PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 2 * PS).add(t20).intoArray(sl, q0 + 2 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 2 * PS).add(t21).intoArray(sl, q1 + 2 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 3 * PS).add(t30).intoArray(sl, q0 + 3 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 3 * PS).add(t31).intoArray(sl, q1 + 3 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 4 * PS).add(t40).intoArray(sl, q0 + 4 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 4 * PS).add(t41).intoArray(sl, q1 + 4 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 5 * PS).add(t50).intoArray(sl, q0 + 5 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 5 * PS).add(t51).intoArray(sl, q1 + 5 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 6 * PS).add(t60).intoArray(sl, q0 + 6 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 6 * PS).add(t61).intoArray(sl, q1 + 6 * PS);
            FloatVector.fromArray(Gemm.S, sl, q0 + 7 * PS).add(t70).intoArray(sl, q0 + 7 * PS);
            FloatVector.fromArray(Gemm.S, sl, q1 + 7 * PS).add(t71).intoArray(sl, q1 + 7 * PS);
            return;
        }
        t00.intoArray(buf, 0);      t01.intoArray(buf, L);
        t10.intoArray(buf, 2 * L);  t11.intoArray(buf, 3 * L);
        t20.intoArray(buf, 4 * L);  t21.intoArray(buf, 5 * L);
        t30.intoArray(buf, 6 * L);  t31.intoArray(buf, 7 * L);
        t40.intoArray(buf, 8 * L);  t41.intoArray(buf, 9 * L);
        t50.intoArray(buf, 10 * L); t51.intoArray(buf, 11 * L);
        t60.intoArray(buf, 12 * L); t61.intoArray(buf, 13 * L);
        t70.intoArray(buf, 14 * L); t71.intoArray(buf, 15 * L);
        addTerms(sl, q0, in0, q1, in1, PS, rows, buf);
    }

    /** The terms of a tile that went through buf (term [r][s] at buf[(2r + s)·L …]) added to the sums of the pixels taking them. */
    private static void addTerms(float[] sl, int q0, boolean in0, int q1, boolean in1, int PS, int rows, float[] buf) {
        for (int r = 0; r < rows; r++) {
            if (in0) FloatVector.fromArray(Gemm.S, sl, q0 + r * PS).add(FloatVector.fromArray(Gemm.S, buf, 2 * r * L))
                                .intoArray(sl, q0 + r * PS);
            if (in1) FloatVector.fromArray(Gemm.S, sl, q1 + r * PS).add(FloatVector.fromArray(Gemm.S, buf, (2 * r + 1) * L))
                                .intoArray(sl, q1 + r * PS);
        }
    }

    /**
     * The input pixels of one plane in pairs that the lanes form computes together (r.pixelPairs: pixel pairs[2e] and
     * pairs[2e + 1], −1 for a pixel left alone; the list ends with {@code Integer.MIN_VALUE}), returned. The taps that reach
     * pixel (h, w) are the valid kh of row h times the valid kw of column w ({@link #firstTap}): kh ≡ h + PT (mod SH) with
     * oh = (h + PT − kh)/SH inside the output, a run of every SH-th kh. Pixels are paired within their phase class
     * ((h + PT) mod SH, (w + PL) mod SW: the same candidate taps), first among those whose rows and columns have the same
     * runs (the same taps exactly: both take every term), in row-major order; a pixel left over in one such group pairs
     * with the next group's first (at the plane's border a tap may then reach one and miss the other), and a class with
     * an odd count leaves its last pixel alone. Every pixel appears once. At 28×28, conv2's backward-input computes 1 074
     * tap terms per plane for the 1 024 needed (pairing each class in plain row-major order: 1 134).
     */
    private static int[] pixelPairs(Resources r, ConvGeometry g) {
        final int H = g.H, W = g.W, SH = g.SH, SW = g.SW;
        final int[] pairs = r.pixelPairs = Workspace.grow(r.pixelPairs, 2 * H * W + 2);
        int e = 0;
        for (int ph = 0; ph < SH; ph++)
            for (int pw = 0; pw < SW; pw++) {
                int alone = -1;
                // each group: the rows with the tap run of row h, times the columns with the tap run of column w, taking
                // h and w at the first row and column of their runs
                for (int h = 0; h < H; h++) {
                    if ((h + g.PT) % SH != ph || !firstOfRun(h, g.PT, SH, g.KH, g.OH)) continue;
                    for (int w = 0; w < W; w++) {
                        if ((w + g.PL) % SW != pw || !firstOfRun(w, g.PL, SW, g.KW, g.OW)) continue;
                        for (int h2 = h; h2 < H; h2 += SH) {
                            if (!sameRun(h2, h, g.PT, SH, g.KH, g.OH)) continue;
                            for (int w2 = w; w2 < W; w2 += SW) {
                                if (!sameRun(w2, w, g.PL, SW, g.KW, g.OW)) continue;
                                if (alone < 0) { alone = h2 * W + w2; continue; }
                                pairs[e++] = alone;
                                pairs[e++] = h2 * W + w2;
                                alone = -1;
                            }
                        }
                    }
                }
                if (alone >= 0) { pairs[e++] = alone; pairs[e++] = -1; }
            }
        pairs[e] = pairs[e + 1] = Integer.MIN_VALUE;
        return pairs;
    }

    /**
     * Along one axis (input position x, padding before it pad, stride S, kernel size KS, output size O): the first kernel
     * index that reaches x, x + pad − k ≡ 0 (mod S) with (x + pad − k)/S in [0, O), or KS if none does; the ones that do
     * are every S-th from there up to {@link #lastTap}.
     */
    private static int firstTap(int x, int pad, int S, int KS, int O) {
        for (int k = (x + pad) % S; k < KS; k += S) {
            final int o = (x + pad - k) / S;
            if (o >= 0 && o < O) return k;
        }
        return KS;
    }

    /** The last kernel index that reaches x (as {@link #firstTap}), or −1 if none does. */
    private static int lastTap(int x, int pad, int S, int KS, int O) {
        int last = -1;
        for (int k = (x + pad) % S; k < KS; k += S) {
            final int o = (x + pad - k) / S;
            if (o >= 0 && o < O) last = k;
        }
        return last;
    }

    /** Positions x and y (same phase) are reached by the same kernel indices. */
    private static boolean sameRun(int x, int y, int pad, int S, int KS, int O) {
        return firstTap(x, pad, S, KS, O) == firstTap(y, pad, S, KS, O) && lastTap(x, pad, S, KS, O) == lastTap(y, pad, S, KS, O);
    }

    /** No earlier position of x's phase is reached by the same kernel indices as x. */
    private static boolean firstOfRun(int x, int pad, int S, int KS, int O) {
        for (int y = x - S; y >= 0; y -= S) if (sameRun(x, y, pad, S, KS, O)) return false;
        return true;
    }

    /**
     * The adjoint with the batch in the lanes ({@link Tuning#lanesBackwardInput}: conv2's backward-input and deconv2's
     * forward). Chunk t holds the L images n0 = t·L … (fewer in the last chunk; the lanes past
     * the batch compute the bias and are never stored). Their dy goes into the lanes ({@link ImageLanes#in}), and for
     * every input pixel (h, w) of channel c, lane q of
     * <pre>
     *   sl[c, (h, w)] = b[c] (or 0) + Σ_(kh,kw) ( Σ_k w[k, c, kh, kw] · dyl[(oh, ow), k] )     taps in (kh, kw) order
     * </pre>
     * over the taps that reach it (h = oh·SH + kh − PT, w = ow·SW + kw − PL inside the output), each tap's term one FMA
     * chain over k from 0 added to the pixel's sum: the reference's order (ScalarKernels' transposed scatter) in every
     * lane. The terms are computed by {@link #termTile}: CH channels × two pixels of one phase class ({@link #pixelPairs})
     * for one tap; a pixel that the tap does not reach takes no term. Then act, and out written (or, with act null,
     * accumulated) image by image ({@link ImageLanes#out}).
     */
    private record Lanes(float[] out, float[] dy, float[] wp, float[] b, Activation act, ConvGeometry g, int[] to,
                         int[] pairs, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int C = g.C, K = g.K, H = g.H, W = g.W, HW = H * W, P = g.OH * g.OW, panels = (C + CH - 1) / CH;
            final int KH = g.KH, KW = g.KW, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW, PT = g.PT, PL = g.PL;
            final int n0 = chunk * L, count = Math.min(L, g.N - n0);
            final Workspace s = ws[worker];
            final float[] dyl = s.dcol = Workspace.grow(s.dcol, K * P * L);
            ImageLanes.in(dyl, to, dy, n0, count, K * P, s.block);
            // the pixels' sums sl[(c·HW + i)·L + q], started from b[c] (the transposed forward) or 0
            final float[] sl = s.ybuf = Workspace.grow(s.ybuf, C * HW * L);
            for (int c = 0; c < C; c++)
                java.util.Arrays.fill(sl, c * HW * L, (c + 1) * HW * L, act != null && b != null ? b[c] : 0f);
            for (int e = 0; pairs[e] != Integer.MIN_VALUE; e += 2) {
                final boolean two = pairs[e + 1] >= 0;
                final int i0 = pairs[e], i1 = two ? pairs[e + 1] : i0;
                final int h0 = i0 / W, w0 = i0 % W, h1 = i1 / W, w1 = i1 % W;
                for (int kh = (h0 + PT) % SH; kh < KH; kh += SH) {
                    // exact divisions: kh ≡ h + PT (mod SH) for both pixels
                    final int oh0 = (h0 + PT - kh) / SH, oh1 = (h1 + PT - kh) / SH;
                    for (int kw = (w0 + PL) % SW; kw < KW; kw += SW) {
                        final int ow0 = (w0 + PL - kw) / SW, ow1 = (w1 + PL - kw) / SW;
                        final boolean in0 = oh0 >= 0 && oh0 < OH && ow0 >= 0 && ow0 < OW;
                        final boolean in1 = two && oh1 >= 0 && oh1 < OH && ow1 >= 0 && ow1 < OW;
                        if (!in0 && !in1) continue;
                        // each pixel's chain starts at its output pixel's K vectors (a pixel the tap misses reads the
                        // other's, and takes no term)
                        final int d0 = (oh0 * OW + ow0) * K * L, d1 = (oh1 * OW + ow1) * K * L;
                        final int x0 = in0 ? d0 : d1, x1 = in1 ? d1 : x0, t = kh * KW + kw;
                        for (int cp = 0; cp < panels; cp++)
                            termTile(sl, cp * CH * HW * L, HW * L, i0 * L, in0, i1 * L, in1, Math.min(CH, C - cp * CH),
                                     wp, (t * panels + cp) * K * CH, K, dyl, x0, x1, s.tile);
                    }
                }
            }
            // out = act(sl), or out += sl (ReLU over the whole chunk while it is in cache)
            if (act == Activation.RELU) Pointwise.relu(sl, 0, sl, 0, C * HW * L);
            ImageLanes.out(out, sl, n0, count, C * HW, act == null);
        }
    }

    /** Channel-major form: the contract of {@link #plan}. */
    private static WorkerPool.Planned channelMajor(Resources r, float[] out, float[] dy, float[] w, float[] b, Activation act,
                                                   ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // A = Wᵀ: A[(c,kh,kw), k] = w[k, (c,kh,kw)], packed once
        float[] packedW = r.packedW = Workspace.grow(r.packedW, Gemm.packedASize(CKK, g.K));
        Gemm.packA(packedW, w, 0, 1, CKK, 0, CKK, 0, g.K);
        int G = Tuning.imagesPerChunk(Tuning.BACKWARD_INPUT_COLS, P, g.N, NR);   // chunks of whole column panels
        // every chunk's dcol has the leading dimension G·P (the last chunk uses fewer columns), so one col2im
        // table serves all chunks; built once per call (for conv1, C = 1, building it per chunk cost as much
        // as the gather itself)
        col2imTable(r, g, G * P, 1);
        phaseTable(r, g);
        return new WorkerPool.Planned(new ChannelMajor(out, dy, packedW, b, act, g, G, r.c2iStart, r.c2iOff,
                                                       r.phStart, r.phOff, r.phRange, r.ws), (g.N + G - 1) / G);
    }

    /** Images [chunk·G, …): dcol = Wᵀ·dY, then the gather into out. */
    private record ChannelMajor(float[] out, float[] dy, float[] packedW, float[] b, Activation act, ConvGeometry g, int G,
                                int[] start, int[] off, int[] phStart, int[] phOff, int[] phRange, Workspace[] ws)
            implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K;
            final int n0 = chunk * G, nG = Math.min(G, g.N - n0), J = nG * P, LD = G * P;
            Workspace s = ws[worker];
            // + W + PL + L: slack for the gather's vector loads, whose lanes past a row are never used
            s.dcol = Workspace.grow(s.dcol, CKK * LD + g.W + g.PL + L);
            s.bp = Workspace.grow(s.bp, Gemm.packedBSize(J, Math.min(Tuning.KC, K)));
            for (int l0 = 0; l0 < K; l0 += Tuning.KC) {
                int kc = Math.min(Tuning.KC, K - l0);
                packOutputColumns(s.bp, dy, K, P, n0, J, l0, kc);
                Gemm.block(s.dcol, 0, LD, 0, packedW, l0 * MR, MR * K, s.bp, 0, CKK, J, kc,
                           l0 == 0 ? Gemm.ZERO : Gemm.LOAD, null, 0, s.tile);
            }
            final int C = g.C, HW = g.H * g.W, KHW = g.KH * g.KW;
            final float[] dcol = s.dcol;
            for (int n = 0; n < nG; n++) {
                for (int c = 0; c < C; c++) {
                    int xBase = ((n0 + n) * C + c) * HW, dBase = c * KHW * LD + n * P;
                    float bias = act == null || b == null ? 0f : b[c];
                    gatherPlane(out, xBase, dcol, dBase, bias, act == null, start, off, phStart, phOff, phRange, g, s.tile);
                    // y = max(y, 0) on the plane just written (still in L1), in vectors
                    if (act == Activation.RELU) Pointwise.relu(out, xBase, out, xBase, HW);
                }
            }
        }
    }

    /**
     * The col2im gather of one channel plane of one image:
     * out[xBase + h·W + w] = bias + Σ_(kh,kw) dcol[dBase + (kh·KW + kw)·LD + oh·OW + ow] over the taps reaching (h, w), in
     * (kh, kw) order (out accumulated instead when {@code accumulate}, bias then 0). It runs in column phases: the pixels
     * w = p + SW·w' of one row share their taps (kh, kw), and tap kw reads ow = w' + (p + PL − kw)/SW, so L consecutive
     * w' are one vector load of dcol per tap ({@link #phaseTable}), added in the same tap order as the scalar sum. Lanes
     * where some tap falls outside the output row (the row's ends), or past the phase's last pixel, are not used: the
     * edge pixels take the scalar sum over their own taps from the table (start, off), in the same order. So every pixel
     * gets the same additions in the same order either way (docs/kernels.md#backward-input). The loads may read up to
     * W + PL + L floats past the last dcol row (slack, never used). buf (≥ L floats) is scratch. out written or accumulated.
     */
    private static void gatherPlane(float[] out, int xBase, float[] dcol, int dBase, float bias, boolean accumulate,
                                    int[] start, int[] off, int[] phStart, int[] phOff, int[] phRange, ConvGeometry g,
                                    float[] buf) {
        final int H = g.H, W = g.W, SW = g.SW;
        for (int h = 0; h < H; h++) {
            final int row = xBase + h * W;
            for (int p = 0; p < SW && p < W; p++) {
                final int nw = (W - p + SW - 1) / SW, lo = phRange[2 * p], hi = phRange[2 * p + 1];
                final int t0 = phStart[h * SW + p], t1 = phStart[h * SW + p + 1];
                for (int w0 = 0; w0 < nw; w0 += L) {
                    // Σ_(kh,kw) dcol[(kh,kw), (oh, w' + shift)] for L consecutive w', taps in (kh, kw) order
                    FloatVector sum = FloatVector.broadcast(Gemm.S, bias);
                    for (int t = t0; t < t1; t++) sum = sum.add(FloatVector.fromArray(Gemm.S, dcol, dBase + w0 + phOff[t]));
                    sum.intoArray(buf, 0);
                    // lanes [a, b) have every tap inside the row: the vector's sums, in plain loops (three tests per
                    // lane here cost about a quarter of deconv1's transposed forward); the rest, the row's ends, below
                    final int end = Math.min(nw, w0 + L), a = Math.max(w0, lo), b = Math.max(a, Math.min(end, hi + 1));
                    final int o = row + p;                        // out[o + SW·w1] is pixel w = p + SW·w1, its sum buf[w1 − w0]
                    if (accumulate) for (int w1 = a; w1 < b; w1++) out[o + SW * w1] += buf[w1 - w0];
                    else            for (int w1 = a; w1 < b; w1++) out[o + SW * w1] = buf[w1 - w0];
                    for (int w1 = w0; w1 < end; w1++) {
                        if (w1 == a) w1 = b;                       // skip the inner lanes
                        if (w1 >= end) break;
                        // an end of the row: the taps that reach (h, w), from the table, in the same order
                        final int w = p + SW * w1;
                        float v = bias;
                        for (int t = start[h * W + w], e = start[h * W + w + 1]; t < e; t++) v += dcol[dBase + off[t]];
                        if (accumulate) out[row + w] += v;
                        else out[row + w] = v;
                    }
                }
            }
        }
    }

    /**
     * The taps of each input row h and column phase p (pixels w = p + SW·w') for {@link #gatherPlane}, taken from the
     * per-pixel table (r.c2iStart, r.c2iOff, built by {@link #col2imTable} with tap stride LD and pixel stride 1):
     * r.phRange[2p], r.phRange[2p + 1] are the lanes w' whose every tap kw reads inside the output row,
     * 0 ≤ w' + (p + PL − kw)/SW &lt; OW; such a pixel has all the row's taps, so its table entries, less w', are the
     * offsets for lane w' = 0 (lane w' adds w'): r.phOff[r.phStart[h·SW + p] … r.phStart[h·SW + p + 1]), in the table's
     * (kh, kw) order. A phase without such lanes gets no offsets (all its pixels take the table's scalar sum).
     * r.phStart, r.phOff, r.phRange written.
     */
    private static void phaseTable(Resources r, ConvGeometry g) {
        final int H = g.H, W = g.W, SW = g.SW;
        final int[] start = r.phStart = Workspace.grow(r.phStart, H * SW + 1);
        final int[] off = r.phOff = Workspace.grow(r.phOff, H * SW * g.KH * g.KW);
        final int[] range = r.phRange = Workspace.grow(r.phRange, 2 * SW);
        for (int p = 0; p < SW; p++) {
            int lo = 0, hi = (W - p + SW - 1) / SW - 1;
            for (int kw = (p + g.PL) % SW; kw < g.KW; kw += SW) {
                final int shift = (p + g.PL - kw) / SW;
                lo = Math.max(lo, -shift);
                hi = Math.min(hi, g.OW - 1 - shift);
            }
            range[2 * p] = lo;
            range[2 * p + 1] = hi;
        }
        int t = 0;
        for (int h = 0; h < H; h++)
            for (int p = 0; p < SW; p++) {
                start[h * SW + p] = t;
                final int lo = range[2 * p];
                if (p >= W || lo > range[2 * p + 1]) continue;
                final int i = h * W + p + SW * lo;       // an inner pixel of this row and phase
                for (int e = r.c2iStart[i]; e < r.c2iStart[i + 1]; e++) off[t++] = r.c2iOff[e] - lo;
            }
        start[H * SW] = t;
    }

    /**
     * B[l, j] = dy[n0 + j/P, l0 + l, j % P], packed in column micro-panels: dst[jp·NR·kc + l·NR + q] holds column
     * j = jp·NR + q, zero past J. Read in dy's own order, one channel row of one image at a time (a sequential
     * stream), each row cut where it crosses a panel boundary: whole panel rows are copied with two vector loads
     * and stores, the pieces with {@code arraycopy}. J = (images in the chunk)·P. dst written.
     */
    private static void packOutputColumns(float[] dst, float[] dy, int K, int P, int n0, int J, int l0, int kc) {
        for (int n = 0; n < J / P; n++)
            for (int l = 0; l < kc; l++) {
                final int src = ((n0 + n) * K + l0 + l) * P;
                for (int p = 0; p < P; ) {
                    final int j = n * P + p, q = j % NR, len = Math.min(P - p, NR - q);
                    final int d = (j / NR) * NR * kc + l * NR + q;
                    if (len == NR) {
                        FloatVector.fromArray(Gemm.S, dy, src + p).intoArray(dst, d);
                        FloatVector.fromArray(Gemm.S, dy, src + p + L).intoArray(dst, d + L);
                    } else {
                        System.arraycopy(dy, src + p, dst, d, len);
                    }
                    p += len;
                }
            }
        final int tail = J % NR, d = J / NR * NR * kc;
        if (tail != 0)
            for (int l = 0; l < kc; l++) java.util.Arrays.fill(dst, d + l * NR + tail, d + l * NR + NR, 0f);
    }

    /** Pixel-major form, for C ≥ lanes: the contract of {@link #plan}. */
    private static WorkerPool.Planned pixelMajor(Resources r, float[] out, float[] dy, float[] w, float[] b, Activation act,
                                                 ConvGeometry g) {
        final int K = g.K, CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        // B = W with columns in (kh, kw, c) order, packed once per KC block of k: block l0 at l0·CKKp
        final int CKKp = (CKK + NR - 1) / NR * NR;
        float[] packedW = r.packedW = Workspace.grow(r.packedW, CKKp * K);
        for (int l0 = 0; l0 < K; l0 += Tuning.KC) packWeightsPixelMajor(packedW, l0 * CKKp, w, g, l0, Math.min(Tuning.KC, K - l0));
        int G = Tuning.imagesPerChunk(Tuning.BACKWARD_INPUT_COLS, P, g.N, MR);   // chunks of whole row panels
        col2imTable(r, g, g.C, CKK);
        return new WorkerPool.Planned(new PixelMajor(out, dy, packedW, b, act, g, G, r.c2iStart, r.c2iOff, r.ws),
                                      (g.N + G - 1) / G);
    }

    /** B[l, (kh,kw,c)] = w[l0 + l, c, kh, kw] for l &lt; kc, in column micro-panels at dst[off …]. dst written. */
    private static void packWeightsPixelMajor(float[] dst, int off, float[] w, ConvGeometry g, int l0, int kc) {
        final int C = g.C, KHW = g.KH * g.KW, CKK = C * KHW;
        for (int jp = 0; jp * NR < CKK; jp++) {
            final int d = off + jp * NR * kc, t0 = jp * NR / C, c0 = jp * NR % C;
            for (int l = 0; l < kc; l++) {
                final int row = (l0 + l) * CKK;
                // column col = jp·NR + q = t·C + c, t = kh·KW + kw: (t, c) stepped along, no division per element
                for (int q = 0, col = jp * NR, t = t0, c = c0; q < NR; q++, col++) {
                    dst[d + l * NR + q] = col < CKK ? w[row + c * KHW + t] : 0f;
                    if (++c == C) { c = 0; t++; }
                }
            }
        }
    }

    /** Images [chunk·G, …) of the pixel-major form. */
    private record PixelMajor(float[] out, float[] dy, float[] packedW, float[] b, Activation act, ConvGeometry g, int G,
                              int[] start, int[] off, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int C = g.C, K = g.K, CKK = C * g.KH * g.KW, P = g.OH * g.OW, HW = g.H * g.W;
            final int CKKp = (CKK + NR - 1) / NR * NR;
            final int n0 = chunk * G, nG = Math.min(G, g.N - n0), J = nG * P;
            Workspace s = ws[worker];
            s.dcol = Workspace.grow(s.dcol, J * CKK);
            s.ap = Workspace.grow(s.ap, Gemm.packedASize(J, Math.min(Tuning.KC, K)));
            s.pix = Workspace.grow(s.pix, HW * C);
            for (int l0 = 0; l0 < K; l0 += Tuning.KC) {
                int kc = Math.min(Tuning.KC, K - l0);
                // A[j, l] = dy[n0 + j/P, l0 + l, j % P]: rows are output pixels, in row micro-panels
                for (int ip = 0; ip * MR < J; ip++) {
                    int d = ip * MR * kc;
                    final int j0 = ip * MR;
                    if (j0 + MR <= J && j0 / P == (j0 + MR - 1) / P) {
                        // the panel's MR pixels are consecutive pixels of one image: for each l, MR neighbouring floats
                        // of dY copied to MR neighbouring slots (reading P floats apart instead cost more)
                        final int src = (n0 + j0 / P) * K * P + l0 * P + j0 % P;
                        for (int l = 0; l < kc; l++)
                            for (int r = 0; r < MR; r++) s.ap[d + l * MR + r] = dy[src + l * P + r];
                        continue;
                    }
                    for (int r = 0; r < MR; r++) {
                        int j = ip * MR + r;
                        if (j >= J) { for (int l = 0; l < kc; l++) s.ap[d + l * MR + r] = 0f; continue; }
                        int src = (n0 + j / P) * K * P + l0 * P + j % P;
                        for (int l = 0; l < kc; l++, src += P) s.ap[d + l * MR + r] = dy[src];
                    }
                }
                Gemm.block(s.dcol, 0, CKK, 0, s.ap, 0, MR * kc, packedW, l0 * CKKp, J, CKK, kc,
                           l0 == 0 ? Gemm.ZERO : Gemm.LOAD, null, 0, s.tile);
            }
            final float[] pix = s.pix, dcol = s.dcol;
            final boolean withBias = act != null && b != null;
            final int CV = Gemm.S.loopBound(C);
            for (int n = 0; n < nG; n++) {
                final int rowBase = n * P * CKK, xBase = (n0 + n) * C * HW;
                for (int i = 0; i < HW; i++) {
                    final int t0 = start[i], t1 = start[i + 1], pBase = i * C;
                    int c = 0;
                    for (; c < CV; c += L) {
                        FloatVector sum = withBias ? FloatVector.fromArray(Gemm.S, b, c) : FloatVector.zero(Gemm.S);
                        // Σ_(kh,kw) dcolᵀ[(oh,ow), (kh,kw,c…c+L)], taps in (kh, kw) order
                        for (int t = t0; t < t1; t++) sum = sum.add(FloatVector.fromArray(Gemm.S, dcol, rowBase + off[t] + c));
                        if (act == Activation.RELU) sum = sum.max(0f);
                        sum.intoArray(pix, pBase + c);
                    }
                    for (; c < C; c++) {
                        float sum = withBias ? b[c] : 0f;
                        for (int t = t0; t < t1; t++) sum += dcol[rowBase + off[t] + c];
                        pix[pBase + c] = act == Activation.RELU ? Math.max(sum, 0f) : sum;
                    }
                }
                transpose(out, xBase, pix, C, HW, act == null);
            }
        }
    }

    /**
     * [H·W, C] → out[C, H·W] from image offset {@code o}: out[o + c·HW + i] = pix[i·C + c], added to out with
     * {@code accumulate}. Four channels per pass over the pixels, so that the four floats read per pixel are
     * neighbours in pix (which is in L1), one float at a time: a gather of L pixels C apart was 3–4 % faster
     * but is not safe on JDK 17 (see Workspace.PanelRuns). Each out element gets one store (or one addition),
     * so the order does not matter for the bits. out written (or accumulated).
     */
    private static void transpose(float[] out, int o, float[] pix, int C, int HW, boolean accumulate) {
        final int C4 = C - C % 4;
        for (int c = 0; c < C4; c += 4) {
            final int d0 = o + c * HW, d1 = d0 + HW, d2 = d1 + HW, d3 = d2 + HW;
            if (accumulate)
                for (int i = 0, v = c; i < HW; i++, v += C) {
                    out[d0 + i] += pix[v]; out[d1 + i] += pix[v + 1]; out[d2 + i] += pix[v + 2]; out[d3 + i] += pix[v + 3];
                }
            else
                for (int i = 0, v = c; i < HW; i++, v += C) {
                    out[d0 + i] = pix[v]; out[d1 + i] = pix[v + 1]; out[d2 + i] = pix[v + 2]; out[d3 + i] = pix[v + 3];
                }
        }
        for (int c = C4; c < C; c++) {
            final int d = o + c * HW;
            if (accumulate) for (int i = 0; i < HW; i++) out[d + i] += pix[i * C + c];
            else for (int i = 0; i < HW; i++) out[d + i] = pix[i * C + c];
        }
    }

    /**
     * For every input pixel (h, w) the dcol offsets (kh·KW + kw)·tapStride + (oh·OW + ow)·pixelStride of the
     * taps (kh, kw, oh, ow) with h = oh·SH + kh − PT, w = ow·SW + kw − PL, in (kh, kw) order; relative to
     * channel 0, image 0 of a chunk. The channel-major dcol has tap stride J (its leading dimension) and
     * pixel stride 1; the pixel-major dcolᵀ tap stride C and pixel stride KH·KW·C. r.c2iStart, r.c2iOff written.
     */
    private static void col2imTable(Resources r, ConvGeometry g, int tapStride, int pixelStride) {
        final int H = g.H, W = g.W, KW = g.KW, OH = g.OH, OW = g.OW, SH = g.SH, SW = g.SW;
        final int[] start = r.c2iStart = Workspace.grow(r.c2iStart, H * W + 1);
        final int[] off = r.c2iOff = Workspace.grow(r.c2iOff, H * W * g.KH * KW);
        int t = 0;
        for (int h = 0; h < H; h++) {
            for (int w = 0; w < W; w++) {
                start[h * W + w] = t;
                // kh ≡ h + PT (mod SH), oh = (h + PT − kh) / SH ∈ [0, OH); the same for kw
                for (int kh = (h + g.PT) % SH; kh < g.KH; kh += SH) {
                    int oh = (h + g.PT - kh) / SH;
                    if (oh < 0 || oh >= OH) continue;
                    for (int kw = (w + g.PL) % SW; kw < KW; kw += SW) {
                        int ow = (w + g.PL - kw) / SW;
                        if (ow < 0 || ow >= OW) continue;
                        off[t++] = (kh * KW + kw) * tapStride + (oh * OW + ow) * pixelStride;
                    }
                }
            }
        }
        start[H * W] = t;
    }
}
