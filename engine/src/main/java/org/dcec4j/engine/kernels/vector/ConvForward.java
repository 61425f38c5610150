package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import org.dcec4j.engine.kernels.Activation;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * Convolution forward as one packed product per group of images, with the im2col operand copied
 * straight into B micro-panels (no separate im2col matrix) from a padded copy of each chunk's images (column phases for
 * a stride above 1 with long enough output rows, else NCHW; x itself when there is no padding):
 * <pre>
 *   Y_n[K, P] = act(b + W[K, CKK] · col_n[CKK, P])       CKK = C·KH·KW, P = OH·OW
 *   col_n[(c,kh,kw), (oh,ow)] = xPad[n, c, oh·SH + kh, ow·SW + kw]
 * </pre>
 * Each y element is one FMA chain over (c, kh, kw) started from b[k] (docs/kernels.md#reduction-order).
 * Also the backward-input of a transposed convolution (its adjoint), with no bias or activation. With few
 * kernel indices (conv1) the product is computed in its {@link Direct direct form} instead.
 *
 * <p>Math: docs/kernels.md#forward
 */
final class ConvForward {
    private ConvForward() {}

    private static final int L = Gemm.L, NR = Gemm.NR, MR = Gemm.MR;

    /** y written ([N, K, OH, OW]); x, w read; b read or null. */
    static void run(Resources r, float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        r.pool.run(plan(r, y, x, w, b, act, g));
    }

    /** {@link #run} up to the parallel part: packs the weights (into r.packedW) and returns the chunks to run. */
    static WorkerPool.Planned plan(Resources r, float[] y, float[] x, float[] w, float[] b, Activation act, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW;
        if (Tuning.directForward(g)) {
            int G = Tuning.imagesPerChunk(Tuning.DIRECT_FORWARD_COLS, P, g.N);
            return new WorkerPool.Planned(new Direct(y, x, channelPanels(r, w, g), b, act, g, G, r.ws), (g.N + G - 1) / G);
        }
        if (Tuning.lanesForward(g))
            return new WorkerPool.Planned(new Lanes(y, x, channelPanels(r, w, g), b, act, g, r.ws), (g.N + L - 1) / L);
        // A = W[K, CKK], packed once for all images
        float[] packedW = r.packedW = Workspace.grow(r.packedW, Gemm.packedASize(g.K, CKK));
        Gemm.packA(packedW, w, 0, CKK, 1, 0, g.K, 0, CKK);
        final boolean phases = Tuning.columnPhasesForward(g);
        int G = Tuning.imagesPerChunk(Tuning.FORWARD_COLS, P, g.N, NR);   // chunks of whole column panels
        return new WorkerPool.Planned(new Job(y, x, packedW, b, act, g, G, phases, r.ws), (g.N + G - 1) / G);
    }

    /** W in panels of CH channels, l-major (into r.packedW): wp[k0·CKK + l·CH + r] = W[k0 + r, l], channels past K zero. */
    private static float[] channelPanels(Resources r, float[] w, ConvGeometry g) {
        final int CKK = g.C * g.KH * g.KW, panels = (g.K + CH - 1) / CH;
        float[] wp = r.packedW = Workspace.grow(r.packedW, panels * CH * CKK);
        for (int k = 0; k < panels * CH; k++)
            for (int l = 0; l < CKK; l++)
                wp[(k / CH) * CH * CKK + l * CH + k % CH] = k < g.K ? w[k * CKK + l] : 0f;
        return wp;
    }

    /** Images [chunk·G, chunk·G + G): Y[k, (n,p)] = act(b[k] + Σ_l W[k,l]·col[l,(n,p)]). y written. */
    private record Job(float[] y, float[] x, float[] packedW, float[] b, Activation act, ConvGeometry g, int G,
                       boolean phases, Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K;
            final int n0 = chunk * G, nG = Math.min(G, g.N - n0), J = nG * P;
            Workspace s = ws[worker];
            // this chunk's images, padded into the worker's buffer (image n at n − n0) right before they are packed; with
            // no padding and no column phases that copy would be x itself (conv3 at 28×28: 11 % of its forward), so x is
            // read in place, unless a run's vector load (up to L floats past a window) could pass x's end
            final boolean inPlace = !phases && PaddedInput.unpadded(g)
                                    && (n0 + nG) * g.C * g.H * g.W + L <= x.length;
            final float[] xPad = inPlace ? x
                    : PaddedInput.chunk(s, x, g, phases ? PaddedInput.Layout.COLUMN_PHASES : PaddedInput.Layout.NCHW, n0, nG);
            s.forwardTables(g, inPlace ? n0 : 0, J, CKK, phases);   // window origins from xPad's first image
            // the tiles go to a contiguous [K, J] buffer (always whole-vector stores, even for tiles that
            // straddle two images), copied to y[n, k, p] at the end
            final float[] yb = s.ybuf = Workspace.grow(s.ybuf, K * J);
            final int JP = (J + NR - 1) / NR, IP = (K + MR - 1) / MR, KB = Tuning.balancedKc(CKK);
            s.bp = Workspace.grow(s.bp, NR * KB + L);     // + L: slack for the run stores
            for (int l0 = 0; l0 < CKK; l0 += KB) {
                int kc = Math.min(KB, CKK - l0);
                int init = l0 > 0 ? Gemm.LOAD : (b != null ? Gemm.BIAS : Gemm.ZERO);
                for (int jp = 0; jp < JP; jp++) {
                    // one B micro-panel, packed right before the K/MR tiles that use it (it stays in L1)
                    packIm2colPanel(s.bp, xPad, s.colX, s.rowC, jp * NR, l0, kc, s);
                    for (int ip = 0; ip < IP; ip++)
                        Gemm.micro(yb, ip * MR, J, jp * NR, Math.min(MR, K - ip * MR), Math.min(NR, J - jp * NR),
                                   packedW, ip * MR * CKK + l0 * MR, s.bp, 0, kc, init, b, ip * MR, s.tile);
                }
            }
            // y[n0 + i, k, p] = act(yb[k, i·P + p]): the activation over the whole tile buffer while it is in cache (one
            // vector loop; per image row it was a call per P floats, scalar below a vector: 12 % of conv3's forward at
            // P = 9), then each image row copied: rows shorter than a vector in a plain loop, no call per row
            if (act == Activation.RELU) Pointwise.relu(yb, 0, yb, 0, K * J);
            for (int i = 0; i < nG; i++)
                for (int k = 0; k < K; k++) {
                    final int d = ((n0 + i) * K + k) * P, src = k * J + i * P;
                    if (P >= L) System.arraycopy(yb, src, y, d, P);
                    else for (int p = 0; p < P; p++) y[d + p] = yb[src + p];
                }
        }
    }

    /**
     * Output channels per tile of the direct form: 8 at 512 bits (16 accumulators of the 32 registers,
     * {@link #directTile8}), else 4 (8 accumulators, two loaded vectors and a broadcast fit AVX2's 16).
     */
    static final int CH = Gemm.MR == 8 ? 8 : 4;

    /**
     * The direct form, for few kernel indices (conv1 and deconv1's backward-input: C·KH·KW = 25;
     * {@link Tuning#directForward}): no im2col panel and no tile buffer. In the column-phase copy of the
     * input, the windows of the consecutive pixels ow of one output row start at consecutive floats, so
     * <pre>
     *   Y[k, (oh, ow₀ + q)] = act(b[k] + Σ_l W[k, l] · xPad[origin(oh, ow₀) + off[l] + q])      q = 0 … L−1
     * </pre>
     * is one FMA chain per lane over l = (c, kh, kw) in order, fed by a plain vector load of xPad per l: the
     * same chains as the packed form, so the same bits. An output row is cut into segments of at most L pixels; a
     * tile is CH channels × two segments (2·CH accumulators), and its vectors are stored straight into y with the
     * activation applied. A segment shorter than L stores L lanes all the same: the lanes past it land on pixels of
     * the same channel plane that a later segment of this chunk stores again (segments go in pixel order for every
     * channel), so only a store that would pass the end of the plane, and the tiles of the last channels when CH
     * does not divide K, go through the small tile buffer. Images [chunk·G, chunk·G + G). y written.
     */
    private record Direct(float[] y, float[] x, float[] wp, float[] b, Activation act, ConvGeometry g, int G,
                          Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K, OW = g.OW;
            final int n0 = chunk * G, nG = Math.min(G, g.N - n0);
            Workspace s = ws[worker];
            final float[] xPad = PaddedInput.chunk(s, x, g, PaddedInput.Layout.COLUMN_PHASES, n0, nG);
            s.windowOffsets(g, CKK, true);
            final int[] off = s.rowC;
            final int imageSize = PaddedInput.imageSize(g, PaddedInput.Layout.COLUMN_PHASES);
            final int Wp = g.W + g.PL + g.PR, ohStep = g.SH * g.SW * ((Wp + g.SW - 1) / g.SW);   // SH padded rows
            final int segs = (OW + L - 1) / L, T = g.OH * segs;                  // segments per output row, per image
            final boolean relu = act == Activation.RELU;
            for (int i = 0; i < nG; i++) {
                final int yImage = (n0 + i) * K * P, xImage = i * imageSize;
                for (int t = 0; t < T; t += 2) {
                    // segments t and t + 1 of this image (no second one when T is odd: len1 = 0, never stored)
                    final int oh0 = t / segs, ow0 = t % segs * L;
                    final int p0 = oh0 * OW + ow0, len0 = Math.min(L, OW - ow0), x0 = xImage + oh0 * ohStep + ow0;
                    int p1 = p0, len1 = 0, x1 = x0;
                    if (t + 1 < T) {
                        final int oh1 = (t + 1) / segs, ow1 = (t + 1) % segs * L;
                        p1 = oh1 * OW + ow1; len1 = Math.min(L, OW - ow1); x1 = xImage + oh1 * ohStep + ow1;
                    }
                    for (int k0 = 0; k0 < K; k0 += CH)
                        directTile(y, yImage + k0 * P, P, p0, len0, p1, len1, Math.min(CH, K - k0),
                                   wp, k0 * CKK, CKK, xPad, x0, x1, off, b, k0, relu, s.tile);
                }
            }
        }
    }

    /**
     * The forward with the batch in the lanes, for the big products ({@link Tuning#lanesForward}: conv2, conv3 and the
     * transposed layers' backward-input of the same shapes). Chunk t holds the L images n0 = t·L … (fewer in the last
     * chunk; the lanes past the batch compute zeros and are never stored). Their padded input is copied into the lanes
     * ({@link ImageLanes#in}), so that one vector load of xl at a window origin plus a tap offset is that tap of L
     * images, and
     * <pre>
     *   Yl[k, p] = act(b[k] + Σ_l W[k, l] · xl[origin(p) + off[l]])      one lane per image, l = (c, kh, kw) in order
     * </pre>
     * is the direct form's tile ({@link #directTile}: CH channels × two output pixels, one vector load per pixel and
     * tap, one broadcast per channel and tap) over the whole reduction, with no im2col panel, no reduction blocks and
     * no edge columns: every tile is whole (an odd last pixel is computed twice, stored once). Each lane is the same
     * FMA chain as the packed form's, so the same bits. The tiles go to yl = [K, P, L], copied out to y image by image
     * ({@link ImageLanes#out}). y written.
     */
    private record Lanes(float[] y, float[] x, float[] wp, float[] b, Activation act, ConvGeometry g,
                         Workspace[] ws) implements WorkerPool.Job {
        @Override public void run(int worker, int chunk) {
            final int CKK = g.C * g.KH * g.KW, P = g.OH * g.OW, K = g.K, OW = g.OW, Wp = g.W + g.PL + g.PR;
            final int n0 = chunk * L, count = Math.min(L, g.N - n0);
            Workspace s = ws[worker];
            s.lanesTables(g, CKK);
            ImageLanes.in(s.xLanes, s.lanesTo, x, n0, count, g.C * g.H * g.W, s.block);
            final float[] yl = s.ybuf = Workspace.grow(s.ybuf, K * P * L);
            final boolean relu = act == Activation.RELU;
            for (int p0 = 0; p0 < P; p0 += 2) {
                final int p1 = Math.min(p0 + 1, P - 1);
                // window origins of pixels p0 and p1: (oh·SH, ow·SW) in xl, in floats
                final int x0 = ((p0 / OW) * g.SH * Wp + (p0 % OW) * g.SW) * L;
                final int x1 = ((p1 / OW) * g.SH * Wp + (p1 % OW) * g.SW) * L;
                for (int k0 = 0; k0 < K; k0 += CH)
                    directTile(yl, k0 * P * L, P * L, p0 * L, L, p1 * L, p1 > p0 ? L : 0, Math.min(CH, K - k0),
                               wp, k0 * CKK, CKK, s.xLanes, x0, x1, s.rowC, b, k0, relu, s.tile);
            }
            ImageLanes.out(y, yl, n0, count, K * P, false);
        }
    }

    /**
     * One tile of the direct form: channels k0 … k0 + rows − 1 (rows ≤ CH) × the segments of L pixels starting at
     * plane positions p0 and p1 (len0 and len1 of them valid; len1 = 0: no second segment), whose windows start at
     * x0 and x1 in xPad. acc[r][s] = b[k0 + r] (or 0) + Σ_l wp[a0 + l·CH + r] · xPad[x_s + off[l] + q], l in order;
     * y[yo + r·P + p_s + q] = act(acc[r][s]) for q &lt; len_s. y written (and, below the plane's end, up to L − len_s
     * floats past a segment, which a later segment overwrites).
     */
    private static void directTile(float[] y, int yo, int P, int p0, int len0, int p1, int len1, int rows,
                                   float[] wp, int a0, int CKK, float[] xPad, int x0, int x1, int[] off,
                                   float[] b, int k0, boolean relu, float[] buf) {
        if (CH == 8) {
            directTile8(y, yo, P, p0, len0, p1, len1, rows, wp, a0, CKK, xPad, x0, x1, off, b, k0, relu, buf);
            return;
        }
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (b == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(Gemm.S);
        } else {
            c00 = c01 = FloatVector.broadcast(Gemm.S, b[k0]);
            c10 = c11 = FloatVector.broadcast(Gemm.S, rows > 1 ? b[k0 + 1] : 0f);
            c20 = c21 = FloatVector.broadcast(Gemm.S, rows > 2 ? b[k0 + 2] : 0f);
            c30 = c31 = FloatVector.broadcast(Gemm.S, rows > 3 ? b[k0 + 3] : 0f);
        }
        for (int l = 0, a = a0; l < CKK; l++, a += CH) {
            // acc[r][s] = fma(W[k0 + r, l], xPad[x_s + off[l] + q], acc[r][s])
            final int o = off[l];
            FloatVector v0 = FloatVector.fromArray(Gemm.S, xPad, x0 + o);
            FloatVector v1 = FloatVector.fromArray(Gemm.S, xPad, x1 + o);
            FloatVector w = FloatVector.broadcast(Gemm.S, wp[a]);
            c00 = w.fma(v0, c00); c01 = w.fma(v1, c01);
            w = FloatVector.broadcast(Gemm.S, wp[a + 1]);
            c10 = w.fma(v0, c10); c11 = w.fma(v1, c11);
            w = FloatVector.broadcast(Gemm.S, wp[a + 2]);
            c20 = w.fma(v0, c20); c21 = w.fma(v1, c21);
            w = FloatVector.broadcast(Gemm.S, wp[a + 3]);
            c30 = w.fma(v0, c30); c31 = w.fma(v1, c31);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f); c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f); c30 = c30.max(0f); c31 = c31.max(0f);
        }
        if (rows == CH && p1 + L <= P) {
            // every store ends inside the plane (p0 ≤ p1); the second segment's is last, so its lanes win
            c00.intoArray(y, yo + p0);         c01.intoArray(y, yo + p1);
            c10.intoArray(y, yo + P + p0);     c11.intoArray(y, yo + P + p1);
            c20.intoArray(y, yo + 2 * P + p0); c21.intoArray(y, yo + 2 * P + p1);
            c30.intoArray(y, yo + 3 * P + p0); c31.intoArray(y, yo + 3 * P + p1);
            return;
        }
        // the plane's last segments, or channels past K: through the tile buffer, then the valid lanes only
        c00.intoArray(buf, 0);     c01.intoArray(buf, L);
        c10.intoArray(buf, 2 * L); c11.intoArray(buf, 3 * L);
        c20.intoArray(buf, 4 * L); c21.intoArray(buf, 5 * L);
        c30.intoArray(buf, 6 * L); c31.intoArray(buf, 7 * L);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(buf, 2 * r * L, y, yo + r * P + p0, len0);
            System.arraycopy(buf, (2 * r + 1) * L, y, yo + r * P + p1, len1);
        }
    }

    /**
     * {@link #directTile} for CH = 8 (512-bit species): the same chains, FMAs, order and stores, with 16 accumulators.
     * Written out again because the accumulators must be named locals to stay in registers.
     */
    private static void directTile8(float[] y, int yo, int P, int p0, int len0, int p1, int len1, int rows,
                                    float[] wp, int a0, int CKK, float[] xPad, int x0, int x1, int[] off,
                                    float[] b, int k0, boolean relu, float[] buf) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (b == null) {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = FloatVector.zero(Gemm.S);
        } else {
            c00 = c01 = FloatVector.broadcast(Gemm.S, b[k0]);
            c10 = c11 = FloatVector.broadcast(Gemm.S, rows > 1 ? b[k0 + 1] : 0f);
            c20 = c21 = FloatVector.broadcast(Gemm.S, rows > 2 ? b[k0 + 2] : 0f);
            c30 = c31 = FloatVector.broadcast(Gemm.S, rows > 3 ? b[k0 + 3] : 0f);
            c40 = c41 = FloatVector.broadcast(Gemm.S, rows > 4 ? b[k0 + 4] : 0f);
            c50 = c51 = FloatVector.broadcast(Gemm.S, rows > 5 ? b[k0 + 5] : 0f);
            c60 = c61 = FloatVector.broadcast(Gemm.S, rows > 6 ? b[k0 + 6] : 0f);
            c70 = c71 = FloatVector.broadcast(Gemm.S, rows > 7 ? b[k0 + 7] : 0f);
        }
        for (int l = 0, a = a0; l < CKK; l++, a += 8) {
            // acc[r][s] = fma(W[k0 + r, l], xPad[x_s + off[l] + q], acc[r][s])
            final int o = off[l];
            FloatVector v0 = FloatVector.fromArray(Gemm.S, xPad, x0 + o);
            FloatVector v1 = FloatVector.fromArray(Gemm.S, xPad, x1 + o);
            FloatVector w = FloatVector.broadcast(Gemm.S, wp[a]);
            c00 = w.fma(v0, c00); c01 = w.fma(v1, c01);
            w = FloatVector.broadcast(Gemm.S, wp[a + 1]);
            c10 = w.fma(v0, c10); c11 = w.fma(v1, c11);
            w = FloatVector.broadcast(Gemm.S, wp[a + 2]);
            c20 = w.fma(v0, c20); c21 = w.fma(v1, c21);
            w = FloatVector.broadcast(Gemm.S, wp[a + 3]);
            c30 = w.fma(v0, c30); c31 = w.fma(v1, c31);
            w = FloatVector.broadcast(Gemm.S, wp[a + 4]);
            c40 = w.fma(v0, c40); c41 = w.fma(v1, c41);
            w = FloatVector.broadcast(Gemm.S, wp[a + 5]);
            c50 = w.fma(v0, c50); c51 = w.fma(v1, c51);
            w = FloatVector.broadcast(Gemm.S, wp[a + 6]);
            c60 = w.fma(v0, c60); c61 = w.fma(v1, c61);
            w = FloatVector.broadcast(Gemm.S, wp[a + 7]);
            c70 = w.fma(v0, c70); c71 = w.fma(v1, c71);
        }
        if (relu) {
            c00 = c00.max(0f); c01 = c01.max(0f); c10 = c10.max(0f); c11 = c11.max(0f);
            c20 = c20.max(0f); c21 = c21.max(0f); c30 = c30.max(0f); c31 = c31.max(0f);
            c40 = c40.max(0f); c41 = c41.max(0f); c50 = c50.max(0f); c51 = c51.max(0f);
            c60 = c60.max(0f); c61 = c61.max(0f); c70 = c70.max(0f); c71 = c71.max(0f);
        }
        if (rows == 8 && p1 + L <= P) {
            c00.intoArray(y, yo + p0);         c01.intoArray(y, yo + p1);
            c10.intoArray(y, yo + P + p0);     c11.intoArray(y, yo + P + p1);
            c20.intoArray(y, yo + 2 * P + p0); c21.intoArray(y, yo + 2 * P + p1);
            c30.intoArray(y, yo + 3 * P + p0); c31.intoArray(y, yo + 3 * P + p1);
            c40.intoArray(y, yo + 4 * P + p0); c41.intoArray(y, yo + 4 * P + p1);
            c50.intoArray(y, yo + 5 * P + p0); c51.intoArray(y, yo + 5 * P + p1);
            c60.intoArray(y, yo + 6 * P + p0); c61.intoArray(y, yo + 6 * P + p1);
            c70.intoArray(y, yo + 7 * P + p0); c71.intoArray(y, yo + 7 * P + p1);
            return;
        }
        c00.intoArray(buf, 0);      c01.intoArray(buf, L);
        c10.intoArray(buf, 2 * L);  c11.intoArray(buf, 3 * L);
        c20.intoArray(buf, 4 * L);  c21.intoArray(buf, 5 * L);
        c30.intoArray(buf, 6 * L);  c31.intoArray(buf, 7 * L);
        c40.intoArray(buf, 8 * L);  c41.intoArray(buf, 9 * L);
        c50.intoArray(buf, 10 * L); c51.intoArray(buf, 11 * L);
        c60.intoArray(buf, 12 * L); c61.intoArray(buf, 13 * L);
        c70.intoArray(buf, 14 * L); c71.intoArray(buf, 15 * L);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(buf, 2 * r * L, y, yo + r * P + p0, len0);
            System.arraycopy(buf, (2 * r + 1) * L, y, yo + r * P + p1, len1);
        }
    }

    /**
     * One column micro-panel: B[l, j0 + q] = xPad[src[j0 + q] + off[l0 + l]] for l &lt; kc, q &lt; NR.
     * Column j = (n, oh, ow) starts its window at src[j], row l = (c, kh, kw) adds off[l], both in
     * padded, column-phase coordinates, so no bounds check. Stored dst[l·NR + q]; dst written (and up to L
     * floats past the kc rows: slack). When the panel's columns are a few runs of consecutive window origins
     * (the pixels of an output row), each row is one load and one store per run ({@link Workspace.PanelRuns#copyRows});
     * otherwise one float at a time.
     */
    private static void packIm2colPanel(float[] dst, float[] xPad, int[] src, int[] off, int j0, int l0, int kc,
                                        Workspace s) {
        final int jp = j0 / NR;
        final Workspace.PanelRuns runs = s.pixelRuns;
        if (runs.use[jp]) {      // a few runs of consecutive window origins: one load and one store per run and row
            runs.copyRows(dst, xPad, off, l0, kc, jp);
            return;
        }
        // scattered columns (more runs than a vector copy pays for): one float at a time, never a gather (see
        // Workspace.PanelRuns)
        for (int l = 0; l < kc; l++) {
            final int o = off[l0 + l], d = l * NR;
            for (int q = 0; q < NR; q++) dst[d + q] = xPad[src[j0 + q] + o];
        }
    }
}
