package org.dcec4j.datasets.augment;

/**
 * The affine resampling of Keras' {@code ImageDataGenerator} (rotation and shift only), as DEC-DA runs
 * it: for a rotation θ (degrees), a row shift tx and a column shift ty (pixels),
 *
 * <pre>
 *   A = [[cos θ, −sin θ], [sin θ, cos θ]]          (acting on (row, col) coordinates)
 *   o = (H/2 + 1/2, W/2 + 1/2)                     (Keras' centre, see the docs)
 *   p_in = A·(p_out − o + t) + o = A·p_out + (o + A·t − A·o)
 * </pre>
 *
 * maps every output pixel p_out = (r, q) to the input point it samples (the inverse mapping), and the
 * output is the bilinear interpolation of the input there, with points outside the image moved to the
 * nearest edge first ("nearest" fill: the border pixels repeat outwards). This is what
 * {@code scipy.ndimage.affine_transform(channel, M[:2,:2], M[:2,2], order=1, mode='nearest')} computes
 * with Keras' matrix; the test fixtures come from there.
 *
 * <p>Everything is plain double arithmetic plus {@link StrictMath#sin}/{@link StrictMath#cos}, so the
 * output is bit-identical on every JVM and CPU (Java 17 floating point is strict and never fuses a
 * multiply-add on its own). Images are float, NCHW; computing in double and rounding once matches
 * scipy, which also computes in double and stores float32.
 *
 * <p>Math: docs/math/augmentation.md#matrix
 */
public final class AffineWarp {

    /** π/180 as one constant: {@code Math.toRadians} has used two different formulas across JDKs. */
    static final double DEG_TO_RAD = Math.PI / 180.0;

    private AffineWarp() {
    }

    /**
     * Writes the 2×3 matrix M (output coordinates → input coordinates) into {@code m[0..5]} =
     * {m00, m01, off0, m10, m11, off1}, so that the input point of output pixel (r, q) is
     * (m00·r + m01·q + off0, m10·r + m11·q + off1). Allocates nothing.
     *
     * <p>Math: docs/math/augmentation.md#matrix
     */
    public static void matrix(double[] m, double thetaDegrees, double rowShift, double colShift, int H, int W) {
        checkParams(thetaDegrees, rowShift, colShift);
        if (m == null || m.length < 6) {
            throw new IllegalArgumentException("m must hold 6 doubles, got " + (m == null ? "null" : m.length));
        }
        checkGeometry(1, H, W);
        double t = thetaDegrees * DEG_TO_RAD;
        double cos = StrictMath.cos(t), sin = StrictMath.sin(t);
        double oR = H / 2.0 + 0.5, oC = W / 2.0 + 0.5;
        m[0] = cos;
        m[1] = -sin;
        m[2] = offset(oR, cos, -sin, rowShift, colShift, oR, oC);
        m[3] = sin;
        m[4] = cos;
        m[5] = offset(oC, sin, cos, rowShift, colShift, oR, oC);
    }

    /**
     * One row of the offset o + A·t − A·o: {@code oRow} is this row's centre coordinate, (a, b) this
     * row of A, (tx, ty) the shift, (oR, oC) the centre.
     */
    private static double offset(double oRow, double a, double b, double tx, double ty, double oR, double oC) {
        return oRow + (a * tx + b * ty) - (a * oR + b * oC);
    }

    /**
     * Transforms one image with explicit parameters: out[c, r, q] for every channel c, row r and column q.
     * {@code out} is written (C·H·W values from {@code outOff}), {@code in} is only read; the two ranges
     * must not overlap. Allocates nothing.
     *
     * <p>Math: docs/math/augmentation.md#bilinear
     */
    public static void apply(float[] out, int outOff, float[] in, int inOff, int C, int H, int W,
                             double thetaDegrees, double rowShift, double colShift) {
        checkParams(thetaDegrees, rowShift, colShift);
        checkImage(out, outOff, in, inOff, C, H, W);
        resample(out, outOff, in, inOff, C, H, W, thetaDegrees, rowShift, colShift);
    }

    /** {@link #apply} without the argument checks (the callers have checked them). */
    static void resample(float[] out, int outOff, float[] in, int inOff, int C, int H, int W,
                         double thetaDegrees, double rowShift, double colShift) {
        double t = thetaDegrees * DEG_TO_RAD;
        double cos = StrictMath.cos(t), sin = StrictMath.sin(t);
        double oR = H / 2.0 + 0.5, oC = W / 2.0 + 0.5;   // Keras' centre. Math: docs/math/augmentation.md#centre
        double off0 = offset(oR, cos, -sin, rowShift, colShift, oR, oC);
        double off1 = offset(oC, sin, cos, rowShift, colShift, oR, oC);
        resample(out, outOff, in, inOff, C, H, W, cos, -sin, off0, sin, cos, off1);
    }

    /**
     * The resampling loop for a given matrix: bilinear interpolation at the clamped input point.
     *
     * <p>Math: docs/math/augmentation.md#bilinear
     */
    static void resample(float[] out, int outOff, float[] in, int inOff, int C, int H, int W,
                         double m00, double m01, double off0, double m10, double m11, double off1) {
        final int S = H * W;
        final double rMax = H - 1, cMax = W - 1;
        for (int r = 0; r < H; r++) {
            final double rm00 = r * m00, rm10 = r * m10;   // hoisted; the sums below keep scipy's order
            for (int q = 0; q < W; q++) {
                // the input point (y, x) this output pixel samples: M · (r, q, 1)
                double y = rm00 + q * m01 + off0;
                double x = rm10 + q * m11 + off1;
                // nearest fill: a point outside the image takes the value at the closest border point
                // Math: docs/math/augmentation.md#nearest-fill
                y = y < 0 ? 0 : (y > rMax ? rMax : y);
                x = x < 0 ? 0 : (x > cMax ? cMax : x);
                // bilinear weights: (1 − fy, fy) on rows r0, r0 + 1 and (1 − fx, fx) on columns q0, q0 + 1
                int r0 = (int) y, q0 = (int) x;                 // floor: y, x ≥ 0
                double wy0 = 1.0 - (y - r0), wy1 = 1.0 - wy0;   // scipy's order: w1 = 1 − w0
                double wx0 = 1.0 - (x - q0), wx1 = 1.0 - wx0;
                int r1 = r0 + 1 < H ? r0 + 1 : r0;              // at the last row fy = 0: the neighbour's weight is 0
                int q1 = q0 + 1 < W ? q0 + 1 : q0;
                int i00 = r0 * W + q0, i01 = r0 * W + q1, i10 = r1 * W + q0, i11 = r1 * W + q1;
                int o = outOff + r * W + q;
                for (int c = 0, base = inOff; c < C; c++, base += S, o += S) {
                    // out[c,r,q] = Σ_{i,j ∈ {0,1}} in[c, r_i, q_j] · wy_i · wx_j
                    double v = in[base + i00] * wy0 * wx0;
                    v += in[base + i01] * wy0 * wx1;
                    v += in[base + i10] * wy1 * wx0;
                    v += in[base + i11] * wy1 * wx1;
                    out[o] = (float) v;
                }
            }
        }
    }

    // ------------------------------------------------------------------ argument checks

    static void checkParams(double thetaDegrees, double rowShift, double colShift) {
        if (!Double.isFinite(thetaDegrees) || !Double.isFinite(rowShift) || !Double.isFinite(colShift)) {
            throw new IllegalArgumentException("affine parameters must be finite, got theta=" + thetaDegrees
                    + " degrees, rowShift=" + rowShift + ", colShift=" + colShift);
        }
    }

    static void checkGeometry(int C, int H, int W) {
        if (C < 1 || H < 1 || W < 1 || (long) C * H * W > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("image shape must be C, H, W >= 1 with C*H*W fitting an array, got C="
                    + C + ", H=" + H + ", W=" + W);
        }
    }

    static void checkImage(float[] out, int outOff, float[] in, int inOff, int C, int H, int W) {
        checkGeometry(C, H, W);
        int n = C * H * W;
        checkRange("out", out, outOff, n);
        checkRange("in", in, inOff, n);
        if (out == in && outOff < inOff + n && inOff < outOff + n) {
            throw new IllegalArgumentException("out and in overlap (offsets " + outOff + " and " + inOff + ", image of "
                    + n + " values): the transform reads neighbours, it cannot run in place");
        }
    }

    static void checkRange(String name, float[] a, long off, long n) {
        if (a == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        if (off < 0 || off + n > a.length) {
            throw new IllegalArgumentException(name + " must hold " + n + " values from offset " + off
                    + ", but its length is " + a.length);
        }
    }
}
