package org.dcec4j.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link AffineWarp} against Keras' matrix applied by scipy.ndimage.affine_transform(order=1,
 * mode='nearest') in float32 — the fixture written by docs/tools/make_augment_fixtures.py (and, when it
 * was written, checked bit for bit against keras_preprocessing's own apply_affine_transform).
 *
 * <p>Tolerances: the matrix within 1e-14 absolute (entries up to ~10: a few double ulps, from the order
 * in which NumPy composes the three matrices and libm's vs StrictMath's sin/cos); the output within one
 * float32 ulp of the reference value (both compute in double and round once to float32, so they can
 * only differ where that tiny matrix difference straddles a float32 rounding boundary), and at least
 * 99 % of the values bit-identical.
 */
class KerasFixtureTest {

    record Case(String name, int C, int H, int W, double theta, double tx, double ty, double[] matrix, float[] in,
                float[] out) {
    }

    /** A "stream" line: the parameters the documented hash gives (seed, step, index), computed in Python. */
    record Stream(long seed, long step, int index, int H, int W, double rotation, double heightShift,
                  double widthShift, double theta, double rowShift, double colShift) {
    }

    static List<Case> load() throws IOException {
        return load(new ArrayList<>());
    }

    static List<Case> load(List<Stream> streams) throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream s = KerasFixtureTest.class.getResourceAsStream("/augment/keras_affine.txt")) {
            if (s == null) fail("test resource /augment/keras_affine.txt is missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.US_ASCII));
            String line;
            String name = null;
            int C = 0, H = 0, W = 0;
            double[] params = null, matrix = null;
            float[] in = null, out = null;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] t = line.trim().split(" ");
                switch (t[0]) {
                    case "case" -> {
                        name = t[1];
                        C = Integer.parseInt(t[2]);
                        H = Integer.parseInt(t[3]);
                        W = Integer.parseInt(t[4]);
                    }
                    case "params" -> params = doubles(t, 3);
                    case "stream" -> {
                        assertEquals(12, t.length, "a stream line has 11 numbers");
                        streams.add(new Stream(Long.parseLong(t[1]), Long.parseLong(t[2]), Integer.parseInt(t[3]),
                                Integer.parseInt(t[4]), Integer.parseInt(t[5]), Double.parseDouble(t[6]),
                                Double.parseDouble(t[7]), Double.parseDouble(t[8]), Double.parseDouble(t[9]),
                                Double.parseDouble(t[10]), Double.parseDouble(t[11])));
                    }
                    case "matrix" -> matrix = doubles(t, 6);
                    case "in" -> {
                        in = new float[t.length - 1];
                        for (int i = 0; i < in.length; i++) in[i] = Integer.parseInt(t[i + 1]) / 255f;
                    }
                    case "out" -> {
                        out = new float[t.length - 1];
                        for (int i = 0; i < out.length; i++) out[i] = Float.parseFloat(t[i + 1]);
                    }
                    case "end" -> {
                        assertEquals(C * H * W, in.length, name + ": input size");
                        assertEquals(C * H * W, out.length, name + ": output size");
                        cases.add(new Case(name, C, H, W, params[0], params[1], params[2], matrix, in, out));
                    }
                    default -> fail("unexpected fixture line starting with '" + t[0] + "'");
                }
            }
        }
        return cases;
    }

    static double[] doubles(String[] t, int n) {
        assertEquals(n + 1, t.length, "fixture line '" + t[0] + "' must have " + n + " numbers");
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Double.parseDouble(t[i + 1]);
        return d;
    }

    @Test
    void fixtureCoversTheBriefedShapes() throws IOException {
        List<Case> cases = load();
        assertEquals(12, cases.size());
        assertTrue(cases.stream().anyMatch(c -> c.C == 3 && c.H == 28 && c.W == 28));
        assertTrue(cases.stream().anyMatch(c -> c.C == 1 && c.H == 28 && c.W == 28));
        assertTrue(cases.stream().anyMatch(c -> c.C == 3 && c.H == 16 && c.W == 16));
        assertTrue(cases.stream().anyMatch(c -> c.H != c.W));
    }

    @Test
    void matrixMatchesKeras() throws IOException {
        double[] m = new double[6];
        for (Case c : load()) {
            AffineWarp.matrix(m, c.theta, c.tx, c.ty, c.H, c.W);
            for (int i = 0; i < 6; i++) {
                assertEquals(c.matrix[i], m[i], 1e-14, c.name + ": matrix entry " + i);
            }
        }
    }

    @Test
    void outputMatchesScipy() throws IOException {
        long values = 0, identical = 0;
        double worst = 0;
        for (Case c : load()) {
            float[] got = new float[c.out.length];
            AffineWarp.apply(got, 0, c.in, 0, c.C, c.H, c.W, c.theta, c.tx, c.ty);
            for (int i = 0; i < got.length; i++) {
                float want = c.out[i];
                double diff = Math.abs((double) got[i] - want);
                assertTrue(diff <= Math.ulp(want), c.name + ": value " + i + " (c=" + i / (c.H * c.W) + ", r="
                        + i % (c.H * c.W) / c.W + ", q=" + i % c.W + ") is " + got[i] + ", scipy " + want);
                worst = Math.max(worst, diff);
                values++;
                if (Float.floatToIntBits(got[i]) == Float.floatToIntBits(want)) identical++;
            }
        }
        assertTrue(identical >= 0.99 * values, identical + " of " + values + " values bit-identical, worst diff " + worst);
    }

    /**
     * The random parameters are the documented hash of (seed, step, index), bit for bit: the script
     * computes them independently (exact integer SplitMix64, then the same double operations).
     */
    @Test
    void parameterStreamMatchesTheDocumentedHash() throws IOException {
        List<Stream> streams = new ArrayList<>();
        load(streams);
        assertEquals(9, streams.size());
        for (Stream s : streams) {
            RandomAffine.Params p = new RandomAffine(s.rotation, s.heightShift, s.widthShift)
                    .params(s.seed, s.step, s.index, s.H, s.W);
            String where = "(seed " + s.seed + ", step " + s.step + ", index " + s.index + ")";
            assertEquals(s.theta, p.thetaDegrees(), 0.0, where + " theta");
            assertEquals(s.rowShift, p.rowShift(), 0.0, where + " row shift");
            assertEquals(s.colShift, p.colShift(), 0.0, where + " column shift");
        }
    }

    /** The edge cases really test the fill: a large share of their output pixels sample outside the input. */
    @Test
    void largeShiftCasesExerciseTheNearestFill() throws IOException {
        int edgeCases = 0;
        for (Case c : load()) {
            if (!c.name.startsWith("edges")) continue;
            edgeCases++;
            double[] m = c.matrix;
            int outside = 0;
            for (int r = 0; r < c.H; r++) {
                for (int q = 0; q < c.W; q++) {
                    double y = m[0] * r + m[1] * q + m[2], x = m[3] * r + m[4] * q + m[5];
                    if (y < 0 || y > c.H - 1 || x < 0 || x > c.W - 1) outside++;
                }
            }
            assertTrue(outside > c.H * c.W / 4, c.name + ": only " + outside + " of " + c.H * c.W + " pixels sample outside");
        }
        assertEquals(2, edgeCases);
    }
}
