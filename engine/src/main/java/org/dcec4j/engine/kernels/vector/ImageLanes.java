package org.dcec4j.engine.kernels.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;

/**
 * L images with the batch in the vector lanes: lane q of every vector belongs to image n0 + q. The forward of the big
 * convolutions ({@code ConvForward.Lanes}) reads its input and writes its output that way, and so does their adjoint
 * ({@code ConvBackwardInput.Lanes}, with dy in xl's place and dx in y's):
 * <pre>
 *   xl[((c·Hp + hp)·Wp + wp)·L + q] = xPad[n0 + q, c, hp, wp]     (zero where padded, and for q ≥ count)
 *   y[n0 + q, k, p] = yl[(k·P + p)·L + q]                         (q &lt; count)
 * </pre>
 * Both copies are L × L transpositions ({@link #transpose}): L consecutive floats of L images become L vectors of one
 * float per image, and back. Copies only: no arithmetic, so the results are bit for bit those of any other layout.
 *
 * <p>Math: docs/kernels.md#lanes-forward
 */
final class ImageLanes {
    private ImageLanes() {}

    private static final int L = Gemm.L;

    /**
     * Into the lanes: xl[to[i] + q] = x[(n0 + q)·CHW + i] for q &lt; count, and 0 for count ≤ q &lt; L, for every
     * i &lt; CHW (to: each input position's vector in xl, padding included). xl written at those positions only (its
     * zero padding stays as it is); block: L·L floats of scratch.
     */
    static void in(float[] xl, int[] to, float[] x, int n0, int count, int CHW, float[] block) {
        final int whole = CHW - CHW % L;
        for (int i0 = 0; i0 < whole; i0 += L) {
            // block row q = x[n0 + q, i0 … i0 + L): after the transposition block row j holds position i0 + j of every image
            for (int q = 0; q < L; q++) {
                FloatVector v = q < count ? FloatVector.fromArray(Gemm.S, x, (n0 + q) * CHW + i0) : FloatVector.zero(Gemm.S);
                v.intoArray(block, q * L);
            }
            transpose(block, 0);
            for (int j = 0; j < L; j++) FloatVector.fromArray(Gemm.S, block, j * L).intoArray(xl, to[i0 + j]);
        }
        for (int i = whole; i < CHW; i++)
            for (int q = 0; q < L; q++) xl[to[i] + q] = q < count ? x[(n0 + q) * CHW + i] : 0f;
    }

    /**
     * Out of the lanes: y[(n0 + q)·KP + i] = yl[i·L + q] for q &lt; count and i &lt; KP, or with {@code add}
     * y[…] = y[…] + yl[i·L + q]. y written there; yl overwritten (transposed in place, block by block).
     */
    static void out(float[] y, float[] yl, int n0, int count, int KP, boolean add) {
        final int whole = KP - KP % L;
        for (int i0 = 0; i0 < whole; i0 += L) {
            // yl's L positions i0 … i0 + L − 1 are one L × L block: transposed, its row q is image n0 + q's run of them
            transpose(yl, i0 * L);
            for (int q = 0; q < count; q++) {
                final int d = (n0 + q) * KP + i0;
                FloatVector v = FloatVector.fromArray(Gemm.S, yl, (i0 + q) * L);
                (add ? FloatVector.fromArray(Gemm.S, y, d).add(v) : v).intoArray(y, d);
            }
        }
        for (int i = whole; i < KP; i++)
            for (int q = 0; q < count; q++) {
                final int d = (n0 + q) * KP + i;
                y[d] = add ? y[d] + yl[i * L + q] : yl[i * L + q];
            }
    }

    /**
     * In place: the L × L block a[o …] (row r at o + r·L) becomes its transpose, a[o + r·L + q] ↔ a[o + q·L + r]. Stage
     * d = 1, 2, … L/2 swaps bit d of the row index with bit d of the lane index: for every row r with bit d clear,
     * <pre>
     *   row r     lanes q with bit d set   ← row r + d, lane q − d       (rearrange UPd, blend TAKEd)
     *   row r + d lanes q with bit d clear ← row r,     lane q + d       (rearrange DOWNd, blend TAKEd)
     * </pre>
     * The rows stay in registers through all stages, so the method is written out once per width (vectors never cross
     * a call boundary and must be named locals: docs/design-notes.md#micro-kernel). Rearranges by constant shuffles and
     * blends by constant masks only: no gather, and nothing allocated.
     */
    static void transpose(float[] a, int o) {
        if (L == 16) transpose16(a, o);
        else if (L == 8) transpose8(a, o);
        else transpose4(a, o);
    }

    /** Lane q takes lane q − d (UPd) or q + d (DOWNd), modulo L; TAKEd: the lanes with bit d set. */
    private static final VectorShuffle<Float> UP1 = shift(-1), UP2 = shift(-2), UP4 = shift(-4), UP8 = shift(-8);
    private static final VectorShuffle<Float> DOWN1 = shift(1), DOWN2 = shift(2), DOWN4 = shift(4), DOWN8 = shift(8);
    private static final VectorMask<Float> TAKE1 = bit(1), TAKE2 = bit(2), TAKE4 = bit(4), TAKE8 = bit(8);

    private static VectorShuffle<Float> shift(int by) { return VectorShuffle.fromOp(Gemm.S, q -> (q + by) & (L - 1)); }

    private static VectorMask<Float> bit(int d) {
        boolean[] set = new boolean[L];
        for (int q = 0; q < L; q++) set[q] = (q & d) != 0;
        return VectorMask.fromArray(Gemm.S, set, 0);
    }

    /** {@link #transpose} at L = 16: the rows in registers, 4 stages. */
    private static void transpose16(float[] a, int o) {
        FloatVector v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, t;
        v0 = FloatVector.fromArray(Gemm.S, a, o); v1 = FloatVector.fromArray(Gemm.S, a, o + 1 * L);
        v2 = FloatVector.fromArray(Gemm.S, a, o + 2 * L); v3 = FloatVector.fromArray(Gemm.S, a, o + 3 * L);
        v4 = FloatVector.fromArray(Gemm.S, a, o + 4 * L); v5 = FloatVector.fromArray(Gemm.S, a, o + 5 * L);
        v6 = FloatVector.fromArray(Gemm.S, a, o + 6 * L); v7 = FloatVector.fromArray(Gemm.S, a, o + 7 * L);
        v8 = FloatVector.fromArray(Gemm.S, a, o + 8 * L); v9 = FloatVector.fromArray(Gemm.S, a, o + 9 * L);
        v10 = FloatVector.fromArray(Gemm.S, a, o + 10 * L); v11 = FloatVector.fromArray(Gemm.S, a, o + 11 * L);
        v12 = FloatVector.fromArray(Gemm.S, a, o + 12 * L); v13 = FloatVector.fromArray(Gemm.S, a, o + 13 * L);
        v14 = FloatVector.fromArray(Gemm.S, a, o + 14 * L); v15 = FloatVector.fromArray(Gemm.S, a, o + 15 * L);
        t = v0.blend(v1.rearrange(UP1), TAKE1); v1 = v0.rearrange(DOWN1).blend(v1, TAKE1); v0 = t;
        t = v2.blend(v3.rearrange(UP1), TAKE1); v3 = v2.rearrange(DOWN1).blend(v3, TAKE1); v2 = t;
        t = v4.blend(v5.rearrange(UP1), TAKE1); v5 = v4.rearrange(DOWN1).blend(v5, TAKE1); v4 = t;
        t = v6.blend(v7.rearrange(UP1), TAKE1); v7 = v6.rearrange(DOWN1).blend(v7, TAKE1); v6 = t;
        t = v8.blend(v9.rearrange(UP1), TAKE1); v9 = v8.rearrange(DOWN1).blend(v9, TAKE1); v8 = t;
        t = v10.blend(v11.rearrange(UP1), TAKE1); v11 = v10.rearrange(DOWN1).blend(v11, TAKE1); v10 = t;
        t = v12.blend(v13.rearrange(UP1), TAKE1); v13 = v12.rearrange(DOWN1).blend(v13, TAKE1); v12 = t;
        t = v14.blend(v15.rearrange(UP1), TAKE1); v15 = v14.rearrange(DOWN1).blend(v15, TAKE1); v14 = t;
        t = v0.blend(v2.rearrange(UP2), TAKE2); v2 = v0.rearrange(DOWN2).blend(v2, TAKE2); v0 = t;
        t = v1.blend(v3.rearrange(UP2), TAKE2); v3 = v1.rearrange(DOWN2).blend(v3, TAKE2); v1 = t;
        t = v4.blend(v6.rearrange(UP2), TAKE2); v6 = v4.rearrange(DOWN2).blend(v6, TAKE2); v4 = t;
        t = v5.blend(v7.rearrange(UP2), TAKE2); v7 = v5.rearrange(DOWN2).blend(v7, TAKE2); v5 = t;
        t = v8.blend(v10.rearrange(UP2), TAKE2); v10 = v8.rearrange(DOWN2).blend(v10, TAKE2); v8 = t;
        t = v9.blend(v11.rearrange(UP2), TAKE2); v11 = v9.rearrange(DOWN2).blend(v11, TAKE2); v9 = t;
        t = v12.blend(v14.rearrange(UP2), TAKE2); v14 = v12.rearrange(DOWN2).blend(v14, TAKE2); v12 = t;
        t = v13.blend(v15.rearrange(UP2), TAKE2); v15 = v13.rearrange(DOWN2).blend(v15, TAKE2); v13 = t;
        t = v0.blend(v4.rearrange(UP4), TAKE4); v4 = v0.rearrange(DOWN4).blend(v4, TAKE4); v0 = t;
        t = v1.blend(v5.rearrange(UP4), TAKE4); v5 = v1.rearrange(DOWN4).blend(v5, TAKE4); v1 = t;
        t = v2.blend(v6.rearrange(UP4), TAKE4); v6 = v2.rearrange(DOWN4).blend(v6, TAKE4); v2 = t;
        t = v3.blend(v7.rearrange(UP4), TAKE4); v7 = v3.rearrange(DOWN4).blend(v7, TAKE4); v3 = t;
        t = v8.blend(v12.rearrange(UP4), TAKE4); v12 = v8.rearrange(DOWN4).blend(v12, TAKE4); v8 = t;
        t = v9.blend(v13.rearrange(UP4), TAKE4); v13 = v9.rearrange(DOWN4).blend(v13, TAKE4); v9 = t;
        t = v10.blend(v14.rearrange(UP4), TAKE4); v14 = v10.rearrange(DOWN4).blend(v14, TAKE4); v10 = t;
        t = v11.blend(v15.rearrange(UP4), TAKE4); v15 = v11.rearrange(DOWN4).blend(v15, TAKE4); v11 = t;
        t = v0.blend(v8.rearrange(UP8), TAKE8); v8 = v0.rearrange(DOWN8).blend(v8, TAKE8); v0 = t;
        t = v1.blend(v9.rearrange(UP8), TAKE8); v9 = v1.rearrange(DOWN8).blend(v9, TAKE8); v1 = t;
        t = v2.blend(v10.rearrange(UP8), TAKE8); v10 = v2.rearrange(DOWN8).blend(v10, TAKE8); v2 = t;
        t = v3.blend(v11.rearrange(UP8), TAKE8); v11 = v3.rearrange(DOWN8).blend(v11, TAKE8); v3 = t;
        t = v4.blend(v12.rearrange(UP8), TAKE8); v12 = v4.rearrange(DOWN8).blend(v12, TAKE8); v4 = t;
        t = v5.blend(v13.rearrange(UP8), TAKE8); v13 = v5.rearrange(DOWN8).blend(v13, TAKE8); v5 = t;
        t = v6.blend(v14.rearrange(UP8), TAKE8); v14 = v6.rearrange(DOWN8).blend(v14, TAKE8); v6 = t;
        t = v7.blend(v15.rearrange(UP8), TAKE8); v15 = v7.rearrange(DOWN8).blend(v15, TAKE8); v7 = t;
        v0.intoArray(a, o); v1.intoArray(a, o + 1 * L); v2.intoArray(a, o + 2 * L); v3.intoArray(a, o + 3 * L);
        v4.intoArray(a, o + 4 * L); v5.intoArray(a, o + 5 * L); v6.intoArray(a, o + 6 * L); v7.intoArray(a, o + 7 * L);
        v8.intoArray(a, o + 8 * L); v9.intoArray(a, o + 9 * L); v10.intoArray(a, o + 10 * L); v11.intoArray(a, o + 11 * L);
        v12.intoArray(a, o + 12 * L); v13.intoArray(a, o + 13 * L); v14.intoArray(a, o + 14 * L); v15.intoArray(a, o + 15 * L);
    }

    /** {@link #transpose} at L = 8: the rows in registers, 3 stages. */
    private static void transpose8(float[] a, int o) {
        FloatVector v0, v1, v2, v3, v4, v5, v6, v7, t;
        v0 = FloatVector.fromArray(Gemm.S, a, o); v1 = FloatVector.fromArray(Gemm.S, a, o + 1 * L);
        v2 = FloatVector.fromArray(Gemm.S, a, o + 2 * L); v3 = FloatVector.fromArray(Gemm.S, a, o + 3 * L);
        v4 = FloatVector.fromArray(Gemm.S, a, o + 4 * L); v5 = FloatVector.fromArray(Gemm.S, a, o + 5 * L);
        v6 = FloatVector.fromArray(Gemm.S, a, o + 6 * L); v7 = FloatVector.fromArray(Gemm.S, a, o + 7 * L);
        t = v0.blend(v1.rearrange(UP1), TAKE1); v1 = v0.rearrange(DOWN1).blend(v1, TAKE1); v0 = t;
        t = v2.blend(v3.rearrange(UP1), TAKE1); v3 = v2.rearrange(DOWN1).blend(v3, TAKE1); v2 = t;
        t = v4.blend(v5.rearrange(UP1), TAKE1); v5 = v4.rearrange(DOWN1).blend(v5, TAKE1); v4 = t;
        t = v6.blend(v7.rearrange(UP1), TAKE1); v7 = v6.rearrange(DOWN1).blend(v7, TAKE1); v6 = t;
        t = v0.blend(v2.rearrange(UP2), TAKE2); v2 = v0.rearrange(DOWN2).blend(v2, TAKE2); v0 = t;
        t = v1.blend(v3.rearrange(UP2), TAKE2); v3 = v1.rearrange(DOWN2).blend(v3, TAKE2); v1 = t;
        t = v4.blend(v6.rearrange(UP2), TAKE2); v6 = v4.rearrange(DOWN2).blend(v6, TAKE2); v4 = t;
        t = v5.blend(v7.rearrange(UP2), TAKE2); v7 = v5.rearrange(DOWN2).blend(v7, TAKE2); v5 = t;
        t = v0.blend(v4.rearrange(UP4), TAKE4); v4 = v0.rearrange(DOWN4).blend(v4, TAKE4); v0 = t;
        t = v1.blend(v5.rearrange(UP4), TAKE4); v5 = v1.rearrange(DOWN4).blend(v5, TAKE4); v1 = t;
        t = v2.blend(v6.rearrange(UP4), TAKE4); v6 = v2.rearrange(DOWN4).blend(v6, TAKE4); v2 = t;
        t = v3.blend(v7.rearrange(UP4), TAKE4); v7 = v3.rearrange(DOWN4).blend(v7, TAKE4); v3 = t;
        v0.intoArray(a, o); v1.intoArray(a, o + 1 * L); v2.intoArray(a, o + 2 * L); v3.intoArray(a, o + 3 * L);
        v4.intoArray(a, o + 4 * L); v5.intoArray(a, o + 5 * L); v6.intoArray(a, o + 6 * L); v7.intoArray(a, o + 7 * L);
    }

    /** {@link #transpose} at L = 4: the rows in registers, 2 stages. */
    private static void transpose4(float[] a, int o) {
        FloatVector v0, v1, v2, v3, t;
        v0 = FloatVector.fromArray(Gemm.S, a, o); v1 = FloatVector.fromArray(Gemm.S, a, o + 1 * L);
        v2 = FloatVector.fromArray(Gemm.S, a, o + 2 * L); v3 = FloatVector.fromArray(Gemm.S, a, o + 3 * L);
        t = v0.blend(v1.rearrange(UP1), TAKE1); v1 = v0.rearrange(DOWN1).blend(v1, TAKE1); v0 = t;
        t = v2.blend(v3.rearrange(UP1), TAKE1); v3 = v2.rearrange(DOWN1).blend(v3, TAKE1); v2 = t;
        t = v0.blend(v2.rearrange(UP2), TAKE2); v2 = v0.rearrange(DOWN2).blend(v2, TAKE2); v0 = t;
        t = v1.blend(v3.rearrange(UP2), TAKE2); v3 = v1.rearrange(DOWN2).blend(v3, TAKE2); v1 = t;
        v0.intoArray(a, o); v1.intoArray(a, o + 1 * L); v2.intoArray(a, o + 2 * L); v3.intoArray(a, o + 3 * L);
    }
}
