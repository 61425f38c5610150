package org.dcec4j.datasets;

import java.util.List;

import java.util.Random;
import org.joml.Matrix3x2f;

/**
 * The built-in synthetic data set: ten seeded, labelled classes of hand-drawn-looking stroke glyphs,
 * made so that, as on MNIST, k-means on the raw pixels does poorly while a learned embedding separates
 * the classes (docs/datasets.md#shapes).
 *
 * <p>Classes (label: glyph): 0 circle, 1 triangle, 2 cross (×), 3 plus (+), 4 L, 5 T, 6 Z,
 * 7 zigzag, 8 equals (=), 9 V. Every class occurs n/10 times (the first n mod 10 classes once more), in
 * a seeded random order.
 *
 * <p>A glyph is a few polylines in a canonical frame where the image spans [-1, 1]² (v grows
 * downwards). Per image, in this order of random draws:
 * <ol>
 *   <li>every vertex moves by up to ±{@link #MAX_JITTER} in u and v (a closed polyline keeps its
 *       end on its start): the hand-drawn shape;</li>
 *   <li>a 2D affine M = translate · rotate · shear · scale (JOML {@link Matrix3x2f}, sine and cosine
 *       from {@link StrictMath}): rotation ±18°, scale 0.7–1, anisotropy, slant, translation
 *       ±{@link #MAX_TRANSLATION};</li>
 *   <li>stroke width 0.06–0.16 (about 0.6–2.2 pixels at 28×28) and ink 0.8–1;</li>
 *   <li>a smooth wobble (a low-frequency elastic deformation): the image point (x, y) is read at
 *       (x + a₁ sin(f₁ y + φ₁), y + a₂ sin(f₂ x + φ₂)), |aᵢ| ≤ {@link #MAX_WOBBLE}.</li>
 * </ol>
 * A pixel centre p is mapped to the glyph frame by M⁻¹(p + wobble), d is its distance to the nearest
 * segment, and the pixel gets ink · clamp(1/2 − (d − w/2)/a, 0, 1) with a the pixel size in the glyph
 * frame (a one-pixel antialiasing ramp at the stroke edge). No noise: the variation is all geometric.
 *
 * <p>The same (n, seed, S) always gives the same floats: {@link java.util.Random} is fully specified,
 * float arithmetic is strict and the trigonometry is {@link StrictMath}.
 */
public final class Shapes {
    /** Number of classes. */
    public static final int K = 10;
    /** Class names by label (unmodifiable: a public array could be changed by any caller, for every later load). */
    public static final List<String> CLASS_NAMES = List.of(
        "circle", "triangle", "cross", "plus", "L", "T", "Z", "zigzag", "equals", "V");
    /** The default image side. */
    public static final int DEFAULT_SIZE = 28;
    /** The default number of images of {@code Datasets.load("shapes", ...)}. */
    public static final int DEFAULT_N = 10_000;
    /** The default seed of {@code Datasets.load("shapes", ...)}. */
    public static final long DEFAULT_SEED = 1L;

    /** Largest vertex displacement, each coordinate, glyph frame. */
    static final float MAX_JITTER = 0.10f;
    /** Largest rotation, radians (18°: a × and a + are 45° apart, so they never turn into each other). */
    static final float MAX_ROTATION = (float) (18 * StrictMath.PI / 180);
    static final float MIN_SCALE = 0.7f;
    static final float MAX_SCALE = 1.0f;
    static final float MAX_ANISOTROPY = 0.10f;
    static final float MAX_SHEAR = 0.20f;
    /** Largest translation, each axis, in image half-widths (0.16 · 14 ≈ 2.2 pixels at 28×28). */
    static final float MAX_TRANSLATION = 0.16f;
    static final float MIN_STROKE = 0.06f;
    static final float MAX_STROKE = 0.16f;
    static final float MIN_INK = 0.8f;
    /** Largest wobble amplitude, image half-widths. */
    static final float MAX_WOBBLE = 0.08f;
    /** Wobble frequencies, radians per image half-width (0.6 to 1.3 periods across the image). */
    static final float MIN_WOBBLE_FREQUENCY = 2f;
    static final float MAX_WOBBLE_FREQUENCY = 4f;

    /**
     * The glyphs: polylines as flat (u0, v0, u1, v1, ...) arrays in the glyph frame; a polyline whose
     * last point equals its first is closed. Indexed by label.
     */
    static final float[][][] GLYPHS = {
        {polygon(16, 0.6f)},                                                          // circle
        {{0f, -0.62f, 0.62f, 0.45f, -0.62f, 0.45f, 0f, -0.62f}},                      // triangle, apex up
        {{-0.55f, -0.55f, 0.55f, 0.55f}, {-0.55f, 0.55f, 0.55f, -0.55f}},             // cross ×
        {{-0.62f, 0f, 0.62f, 0f}, {0f, -0.62f, 0f, 0.62f}},                           // plus +
        {{-0.4f, -0.6f, -0.4f, 0.55f, 0.45f, 0.55f}},                                 // L
        {{-0.55f, -0.55f, 0.55f, -0.55f}, {0f, -0.55f, 0f, 0.6f}},                    // T
        {{-0.55f, -0.55f, 0.55f, -0.55f, -0.55f, 0.55f, 0.55f, 0.55f}},               // Z
        {{-0.6f, 0.3f, -0.2f, -0.35f, 0.2f, 0.35f, 0.6f, -0.3f}},                     // zigzag
        {{-0.6f, -0.3f, 0.6f, -0.3f}, {-0.6f, 0.3f, 0.6f, 0.3f}},                     // equals =
        {{-0.5f, -0.6f, 0f, 0.6f, 0.5f, -0.6f}},                                      // V
    };

    /** Most segments of one glyph. */
    static final int MAX_SEGMENTS = 16;

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
        float[] segments = new float[4 * MAX_SEGMENTS];
        float[] vertices = new float[2 * (MAX_SEGMENTS + 1)];
        float[] wobbleX = new float[S];
        float[] wobbleY = new float[S];
        Matrix3x2f m = new Matrix3x2f();
        Matrix3x2f rotation = new Matrix3x2f();
        Matrix3x2f shear = new Matrix3x2f();
        float half = S / 2f;
        for (int i = 0; i < n; i++) {
            int count = jitteredSegments(segments, vertices, GLYPHS[labels[i]], random);
            float theta = uniform(random, -MAX_ROTATION, MAX_ROTATION);
            float s = uniform(random, MIN_SCALE, MAX_SCALE);
            float a = 1 + uniform(random, -MAX_ANISOTROPY, MAX_ANISOTROPY);
            float sh = uniform(random, -MAX_SHEAR, MAX_SHEAR);
            float tx = uniform(random, -MAX_TRANSLATION, MAX_TRANSLATION);
            float ty = uniform(random, -MAX_TRANSLATION, MAX_TRANSLATION);
            float stroke = uniform(random, MIN_STROKE, MAX_STROKE);
            float ink = uniform(random, MIN_INK, 1f);
            float a1 = uniform(random, -MAX_WOBBLE, MAX_WOBBLE);
            float a2 = uniform(random, -MAX_WOBBLE, MAX_WOBBLE);
            float f1 = uniform(random, MIN_WOBBLE_FREQUENCY, MAX_WOBBLE_FREQUENCY);
            float f2 = uniform(random, MIN_WOBBLE_FREQUENCY, MAX_WOBBLE_FREQUENCY);
            float phi1 = uniform(random, 0f, (float) (2 * StrictMath.PI));
            float phi2 = uniform(random, 0f, (float) (2 * StrictMath.PI));
            // wobbleX[h] shifts x along row h, wobbleY[w] shifts y along column w
            for (int h = 0; h < S; h++) {
                wobbleX[h] = a1 * (float) StrictMath.sin(f1 * ((h + 0.5f - half) / half) + phi1);
            }
            for (int w = 0; w < S; w++) {
                wobbleY[w] = a2 * (float) StrictMath.sin(f2 * ((w + 0.5f - half) / half) + phi2);
            }
            // M = T · R · Sh · Sc maps glyph coordinates to image coordinates; draw with M⁻¹
            float cos = (float) StrictMath.cos(theta);
            float sin = (float) StrictMath.sin(theta);
            rotation.set(cos, sin, -sin, cos, 0, 0);
            shear.set(1, 0, sh, 1, 0, 0);
            m.translation(tx, ty).mul(rotation).mul(shear).scale(s * a, s / a).invert();
            draw(images, i * S * S, S, segments, count, m, wobbleX, wobbleY, stroke, ink, s);
        }
        return new Dataset("shapes", 1, S, S, images, labels);
    }

    private static float uniform(Random random, float lo, float hi) {
        return lo + (hi - lo) * random.nextFloat();
    }

    /**
     * The segments of a glyph with every vertex moved by up to ±MAX_JITTER (u, then v, vertex by
     * vertex, polyline by polyline); returns the number of segments.
     *
     * @param segments written: (au, av, bu, bv) per segment
     * @param vertices scratch: the jittered vertices of one polyline
     * @param glyph    the polylines; read only
     */
    static int jitteredSegments(float[] segments, float[] vertices, float[][] glyph, Random random) {
        int count = 0;
        for (float[] line : glyph) {
            int V = line.length / 2;
            boolean closed = line[0] == line[2 * V - 2] && line[1] == line[2 * V - 1];
            int free = closed ? V - 1 : V;
            for (int v = 0; v < free; v++) {
                vertices[2 * v] = line[2 * v] + uniform(random, -MAX_JITTER, MAX_JITTER);
                vertices[2 * v + 1] = line[2 * v + 1] + uniform(random, -MAX_JITTER, MAX_JITTER);
            }
            if (closed) {
                vertices[2 * V - 2] = vertices[0];
                vertices[2 * V - 1] = vertices[1];
            }
            for (int v = 0; v + 1 < V; v++, count++) {
                System.arraycopy(vertices, 2 * v, segments, 4 * count, 4);
            }
        }
        return count;
    }

    /**
     * Draws one glyph into x[o .. o+S*S).
     *
     * @param x        written: S*S pixels from offset o
     * @param segments the glyph's segments, glyph frame; read only
     * @param inverse  image coordinates ([-1, 1]²) to glyph coordinates; read only
     * @param wobbleX  x shift of each row; read only
     * @param wobbleY  y shift of each column; read only
     * @param s        the transform's mean scale, for the antialiasing width
     */
    private static void draw(float[] x, int o, int S, float[] segments, int count, Matrix3x2f inverse,
                             float[] wobbleX, float[] wobbleY, float stroke, float ink, float s) {
        float m00 = inverse.m00();
        float m01 = inverse.m01();
        float m10 = inverse.m10();
        float m11 = inverse.m11();
        float m20 = inverse.m20();
        float m21 = inverse.m21();
        float half = S / 2f;
        float r = stroke / 2;
        // one pixel is 2/S wide in image coordinates, about (2/S)/s in glyph coordinates
        float aa = 2f / S / s;
        for (int h = 0; h < S; h++) {
            float py = (h + 0.5f - half) / half;
            for (int w = 0; w < S; w++) {
                float px = (w + 0.5f - half) / half + wobbleX[h];
                float qy = py + wobbleY[w];
                float u = m00 * px + m10 * qy + m20;
                float v = m01 * px + m11 * qy + m21;
                float d2 = Float.MAX_VALUE;
                for (int k = 0; k < count; k++) {
                    d2 = Math.min(d2, segmentDistanceSquared(u, v, segments, k));
                }
                float d = (float) Math.sqrt(d2);
                // coverage = clamp(1/2 − (d − r)/aa, 0, 1): 1 on the stroke, 0 off it, a ramp one pixel wide
                float coverage = Math.min(1f, Math.max(0f, 0.5f - (d - r) / aa));
                x[o + h * S + w] = ink * coverage;
            }
        }
    }

    /** Squared distance from (u, v) to segment k of (au, av, bu, bv) quadruples. */
    static float segmentDistanceSquared(float u, float v, float[] segments, int k) {
        float au = segments[4 * k];
        float av = segments[4 * k + 1];
        float du = segments[4 * k + 2] - au;
        float dv = segments[4 * k + 3] - av;
        float pu = u - au;
        float pv = v - av;
        float t = Math.min(1f, Math.max(0f, (pu * du + pv * dv) / (du * du + dv * dv)));
        float eu = pu - t * du;
        float ev = pv - t * dv;
        return eu * eu + ev * ev;
    }

    /** A closed regular polygon of m sides and circumradius R centred at the origin, first vertex at (R, 0). */
    private static float[] polygon(int m, float R) {
        float[] p = new float[2 * (m + 1)];
        for (int k = 0; k < m; k++) {
            double angle = 2 * StrictMath.PI * k / m;
            p[2 * k] = R * (float) StrictMath.cos(angle);
            p[2 * k + 1] = R * (float) StrictMath.sin(angle);
        }
        p[2 * m] = p[0];
        p[2 * m + 1] = p[1];
        return p;
    }
}
