package org.dcec4j.datasets;

import java.util.Random;
import org.joml.Matrix3x2f;

/**
 * The built-in synthetic data set: ten seeded, labelled classes of simple shapes, each drawn under
 * its own random 2D affine transform with random stroke, ink and noise.
 *
 * <p>Classes (label: shape): 0 disk, 1 square, 2 triangle, 3 cross (×), 4 horizontal bar, 5 ring,
 * 6 rhombus (a tall diamond), 7 plus (+), 8 L, 9 two dots. Every class occurs n/10 times (the first
 * n mod 10 classes once more), in a seeded random order.
 *
 * <p>Each shape is a signed distance function d(u, v) in a canonical frame where the image spans
 * [-1, 1]²; the image point p is mapped back by the inverse of M = translate · rotate · shear · scale
 * (a JOML {@link Matrix3x2f}) and the pixel gets ink · clamp(1/2 − d/a, 0, 1), with a the pixel size in
 * the shape's frame (antialiasing), then Gaussian noise, clamped to [0, 1]. Rotation is at most ±18°, so
 * the square and the rhombus, the cross and the plus, never turn into each other.
 *
 * <p>The same (n, seed, S) always gives the same floats: {@link java.util.Random} is fully specified.
 */
public final class Shapes {
    /** Number of classes. */
    public static final int K = 10;
    /** Class names by label. */
    public static final String[] CLASS_NAMES = {
        "disk", "square", "triangle", "cross", "bar", "ring", "rhombus", "plus", "L", "two-dots"};
    /** The default image side. */
    public static final int DEFAULT_SIZE = 28;
    /** The default number of images of {@code Datasets.load("shapes", ...)}. */
    public static final int DEFAULT_N = 10_000;
    /** The default seed of {@code Datasets.load("shapes", ...)}. */
    public static final long DEFAULT_SEED = 1L;

    /** Largest rotation, radians (18°). */
    static final float MAX_ROTATION = (float) Math.toRadians(18);
    static final float MIN_SCALE = 0.8f;
    static final float MAX_SCALE = 1.0f;
    static final float MAX_ANISOTROPY = 0.12f;
    static final float MAX_SHEAR = 0.15f;
    static final float MAX_TRANSLATION = 0.12f;
    static final float MIN_STROKE = 0.16f;
    static final float MAX_STROKE = 0.32f;
    static final float MIN_INK = 0.85f;
    static final float MAX_NOISE = 0.06f;

    private Shapes() {
    }

    /** n images of 1×28×28. */
    public static Dataset generate(int n, long seed) {
        return generate(n, seed, DEFAULT_SIZE);
    }

    /** n images of 1×S×S, S ≥ 8. */
    public static Dataset generate(int n, long seed, int S) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive, got " + n);
        }
        if (S < 8 || (long) n * S * S > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("image size must be >= 8 and n*S*S must fit an array, got n=" + n + ", S=" + S);
        }
        Random random = new Random(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % K;
        }
        // Fisher–Yates with the seeded generator: equal counts, random order
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        float[] images = new float[n * S * S];
        Matrix3x2f m = new Matrix3x2f();
        Matrix3x2f shear = new Matrix3x2f();
        for (int i = 0; i < n; i++) {
            float theta = uniform(random, -MAX_ROTATION, MAX_ROTATION);
            float s = uniform(random, MIN_SCALE, MAX_SCALE);
            float a = 1 + uniform(random, -MAX_ANISOTROPY, MAX_ANISOTROPY);
            float sh = uniform(random, -MAX_SHEAR, MAX_SHEAR);
            float tx = uniform(random, -MAX_TRANSLATION, MAX_TRANSLATION);
            float ty = uniform(random, -MAX_TRANSLATION, MAX_TRANSLATION);
            float stroke = uniform(random, MIN_STROKE, MAX_STROKE);
            float ink = uniform(random, MIN_INK, 1f);
            float sigma = uniform(random, 0f, MAX_NOISE);
            // M = T · R · Sh · Sc maps shape coordinates to image coordinates; draw with M⁻¹
            shear.set(1, 0, sh, 1, 0, 0);
            m.translation(tx, ty).rotate(theta).mul(shear).scale(s * a, s / a).invert();
            draw(images, i * S * S, S, labels[i], m, stroke, ink, sigma, s, random);
        }
        return new Dataset("shapes", 1, S, S, images, labels);
    }

    private static float uniform(Random random, float lo, float hi) {
        return lo + (hi - lo) * random.nextFloat();
    }

    /**
     * Draws one shape into x[o .. o+S*S).
     *
     * @param x       written: S*S pixels from offset o
     * @param inverse image coordinates ([-1, 1]²) to shape coordinates; read only
     * @param s       the transform's mean scale, for the antialiasing width
     */
    private static void draw(float[] x, int o, int S, int label, Matrix3x2f inverse, float stroke, float ink,
                             float sigma, float s, Random random) {
        float m00 = inverse.m00();
        float m01 = inverse.m01();
        float m10 = inverse.m10();
        float m11 = inverse.m11();
        float m20 = inverse.m20();
        float m21 = inverse.m21();
        float half = S / 2f;
        // one pixel is 2/S wide in image coordinates, about (2/S)/s in shape coordinates
        float aa = 2f / S / s;
        for (int h = 0; h < S; h++) {
            float py = (h + 0.5f - half) / half;
            for (int w = 0; w < S; w++) {
                float px = (w + 0.5f - half) / half;
                float u = m00 * px + m10 * py + m20;
                float v = m01 * px + m11 * py + m21;
                float d = distance(label, u, v, stroke);
                // coverage = clamp(1/2 − d/aa, 0, 1): 1 inside, 0 outside, a ramp one pixel wide
                float coverage = Math.min(1f, Math.max(0f, 0.5f - d / aa));
                float value = ink * coverage + sigma * (float) random.nextGaussian();
                x[o + h * S + w] = Math.min(1f, Math.max(0f, value));
            }
        }
    }

    /** Signed distance (negative inside) from (u, v) to the shape of a class, in shape coordinates. */
    static float distance(int label, float u, float v, float stroke) {
        float r = stroke / 2;
        switch (label) {
            case 0: // disk
                return length(u, v) - 0.6f;
            case 1: // square
                return box(u, v, 0.5f, 0.5f);
            case 2: // triangle, apex up (v grows downwards)
                return triangle(u, v + 0.1f, 0.68f);
            case 3: // cross ×
                return Math.min(segment(u, v, -0.55f, -0.55f, 0.55f, 0.55f),
                        segment(u, v, -0.55f, 0.55f, 0.55f, -0.55f)) - r;
            case 4: // horizontal bar, as thick as 1.5 strokes
                return box(u, v, 0.72f, 0.75f * stroke);
            case 5: // ring
                return Math.abs(length(u, v) - 0.55f) - r;
            case 6: // rhombus, taller than wide
                return (Math.abs(u) / 0.45f + Math.abs(v) / 0.75f - 1f) * 0.38f;
            case 7: // plus +
                return Math.min(segment(u, v, -0.62f, 0f, 0.62f, 0f), segment(u, v, 0f, -0.62f, 0f, 0.62f)) - r;
            case 8: // L: a vertical stroke and a foot to the right
                return Math.min(segment(u, v, -0.35f, -0.6f, -0.35f, 0.5f), segment(u, v, -0.35f, 0.5f, 0.45f, 0.5f)) - r;
            case 9: // two dots side by side
                return Math.min(length(u + 0.42f, v), length(u - 0.42f, v)) - (0.2f + 0.3f * stroke);
            default:
                throw new IllegalArgumentException("label " + label);
        }
    }

    private static float length(float u, float v) {
        return (float) Math.sqrt(u * u + v * v);
    }

    /** Signed distance to an axis-aligned box of half sizes bu, bv. */
    private static float box(float u, float v, float bu, float bv) {
        float qu = Math.abs(u) - bu;
        float qv = Math.abs(v) - bv;
        float outside = length(Math.max(qu, 0f), Math.max(qv, 0f));
        return outside + Math.min(Math.max(qu, qv), 0f);
    }

    /** Distance to the segment from (au, av) to (bu, bv). */
    private static float segment(float u, float v, float au, float av, float bu, float bv) {
        float pu = u - au;
        float pv = v - av;
        float du = bu - au;
        float dv = bv - av;
        float t = Math.min(1f, Math.max(0f, (pu * du + pv * dv) / (du * du + dv * dv)));
        return length(pu - t * du, pv - t * dv);
    }

    /**
     * Signed distance to an equilateral triangle of circumradius R centred at the origin, apex at
     * v = −R (up in the image): the maximum of the distances to its three edge lines, a lower bound
     * of the true distance outside and exact inside (enough for a one-pixel antialiasing ramp).
     */
    private static float triangle(float u, float v, float R) {
        // edge normals at 90°, 210°, 330° (pointing away from the centre); each edge is R/2 from it
        float n = 0.8660254f;
        float d1 = v - R / 2;                       // bottom edge, normal (0, 1)
        float d2 = -n * u - 0.5f * v - R / 2;       // upper-left edge, normal (-√3/2, -1/2)
        float d3 = n * u - 0.5f * v - R / 2;        // upper-right edge, normal (√3/2, -1/2)
        return Math.max(d1, Math.max(d2, d3));
    }
}
