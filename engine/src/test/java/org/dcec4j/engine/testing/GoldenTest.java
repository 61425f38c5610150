package org.dcec4j.engine.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Checks the fixture reader {@link Golden} against the fixtures themselves (every file is compared with
 * index.txt, the text listing the generator writes beside them: names, dtypes, shapes, sums and first
 * values), against a GLD1 file written here by hand, and against damaged copies.
 */
class GoldenTest {

    /** One line of index.txt. */
    private record Listed(String entry, String dtype, int[] shape, double sum, double first) {}

    private static Map<String, List<Listed>> index() throws IOException {
        Map<String, List<Listed>> byFile = new LinkedHashMap<>();
        try (InputStream in = GoldenTest.class.getResourceAsStream(Golden.FOLDER + "index.txt")) {
            assertTrue(in != null, "index.txt missing from " + Golden.FOLDER);
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (String line : lines) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.trim().split(" ");
                assertEquals(6, f.length, "index.txt line: " + line);
                int[] shape = Arrays.stream(f[3].split("x")).mapToInt(Integer::parseInt).toArray();
                byFile.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new Listed(f[1], f[2], shape, Double.parseDouble(f[4]), Double.parseDouble(f[5])));
            }
        }
        return byFile;
    }

    private static long product(int[] shape) {
        long p = 1;
        for (int d : shape) p *= d;
        return p;
    }

    @Test
    void everyFixtureMatchesTheIndex() throws IOException {
        Map<String, List<Listed>> index = index();
        assertTrue(index.size() >= 29, "index.txt lists " + index.size() + " files");
        for (Map.Entry<String, List<Listed>> file : index.entrySet()) {
            Golden g = Golden.load(file.getKey());
            List<Listed> listed = file.getValue();
            assertEquals(listed.stream().map(Listed::entry).collect(Collectors.toList()), g.names(), file.getKey());
            for (Listed l : listed) {
                String what = file.getKey() + " " + l.entry();
                int[] shape = g.shape(l.entry());
                assertArrayEquals(l.shape(), shape, what);
                double sum = 0, sumAbs = 0, first;
                long length;
                if (l.dtype().equals("f32")) {
                    float[] v = g.f32(l.entry());
                    length = v.length;
                    for (float x : v) { sum += x; sumAbs += Math.abs(x); }
                    first = v[0];
                    assertThrows(IllegalArgumentException.class, () -> g.i32(l.entry()), what);
                } else {
                    assertEquals("i32", l.dtype(), what);
                    int[] v = g.i32(l.entry());
                    length = v.length;
                    for (int x : v) { sum += x; sumAbs += Math.abs(x); }
                    first = v[0];
                    assertThrows(IllegalArgumentException.class, () -> g.f32(l.entry()), what);
                }
                assertEquals(product(shape), length, what + ": shape multiplies to the number of values");
                assertEquals(l.first(), first, 0.0, what + ": first value");
                // the index sums exactly (math.fsum); Java sums in order: rounding differs by ~n·ulp(sumAbs)
                assertEquals(l.sum(), sum, 1e-10 * sumAbs + 1e-300, what + ": sum of values");
            }
        }
    }

    @Test
    void theIndexListsEveryFixtureFile() throws IOException, URISyntaxException {
        URL folder = GoldenTest.class.getResource(Golden.FOLDER + "index.txt");
        assertTrue(folder != null && folder.getProtocol().equals("file"),
                "fixtures are expected in a folder on the test classpath, got " + folder);
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()).getParent())) {
            onDisk = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(new TreeSet<>(index().keySet()), onDisk);
    }

    @Test
    void fixtureShapesFollowTheirGeometry() {
        for (String tag : List.of("28_conv1", "28_conv2", "28_conv3", "16_conv1", "16_conv2", "16_conv3",
                "s1_sym", "nonsquare", "rect_stride", "odd_b1")) {
            Golden g = Golden.load("conv2d_" + tag + ".bin");
            int[] q = g.i32("geom");   // N, C, H, W, K, KH, KW, SH, SW, PT, PB, PL, PR
            int N = q[0], C = q[1], H = q[2], W = q[3], K = q[4], KH = q[5], KW = q[6];
            int OH = (H + q[9] + q[10] - KH) / q[7] + 1, OW = (W + q[11] + q[12] - KW) / q[8] + 1;
            assertArrayEquals(new int[] {N, C, H, W}, g.shape("x"), tag);
            assertArrayEquals(new int[] {K, C, KH, KW}, g.shape("w"), tag);
            assertArrayEquals(new int[] {N, K, OH, OW}, g.shape("y"), tag);
            assertArrayEquals(g.shape("y"), g.shape("dy"), tag);
            assertArrayEquals(g.shape("x"), g.shape("dx"), tag);
            assertArrayEquals(g.shape("w"), g.shape("dw"), tag);
            assertArrayEquals(new int[] {K}, g.shape("db"), tag);
        }
        // DCEC's conv1 at 28×28: Keras 'same' k5 s2 pads (1, 2) and gives 14×14
        assertArrayEquals(new int[] {2, 1, 28, 28, 32, 5, 5, 2, 2, 1, 2, 1, 2},
                Golden.load("conv2d_28_conv1.bin").i32("geom"));
        for (String tag : List.of("28_deconv3", "28_deconv2", "28_deconv1", "16_deconv3", "16_deconv2",
                "16_deconv1", "torch_pad", "s1", "nonsquare")) {
            Golden g = Golden.load("convT_" + tag + ".bin");
            int[] q = g.i32("geom");   // N, CIN, H, W, COUT, KH, KW, SH, SW, CT, CB, CL, CR
            int N = q[0], CIN = q[1], H = q[2], W = q[3], COUT = q[4], KH = q[5], KW = q[6];
            int OH = (H - 1) * q[7] + KH - q[9] - q[10], OW = (W - 1) * q[8] + KW - q[11] - q[12];
            assertArrayEquals(new int[] {N, CIN, H, W}, g.shape("x"), tag);
            assertArrayEquals(new int[] {CIN, COUT, KH, KW}, g.shape("w"), tag);
            assertArrayEquals(new int[] {N, COUT, OH, OW}, g.shape("y"), tag);
            assertArrayEquals(g.shape("y"), g.shape("dy"), tag);
            assertArrayEquals(new int[] {COUT}, g.shape("db"), tag);
        }
        // Keras 'same' transposed conv k5 s2 from 14: full 31, crop (1, 2) → 28
        assertArrayEquals(new int[] {2, 1, 28, 28}, Golden.load("convT_28_deconv1.bin").shape("y"));
    }

    @Test
    void caeFixturesHoldDcecParameterCountsAndAGradientPerParameter() {
        for (String[] c : new String[][] {{"cae_28.bin", "275979"}, {"cae_16.bin", "262539"}}) {
            Golden g = Golden.load(c[0]);
            long count = 0;
            int parameters = 0;
            for (String name : g.names()) {
                if (!name.startsWith("encoder.") && !name.startsWith("decoder.")) continue;
                parameters++;
                count += product(g.shape(name));
                assertArrayEquals(g.shape(name), g.shape("grad." + name), c[0] + " " + name);
            }
            assertEquals(16, parameters, c[0]);
            assertEquals(Long.parseLong(c[1]), count, c[0] + ": parameter count (docs/spec.md#architecture)");
            assertArrayEquals(g.shape("x"), g.shape("xr"), c[0]);
            assertArrayEquals(new int[] {4, 10}, g.shape("z"), c[0]);
            // loss = mean((xr − x)²), recomputed from the stored float32 values
            float[] x = g.f32("x"), xr = g.f32("xr");
            double loss = 0;
            for (int i = 0; i < x.length; i++) loss += (xr[i] - (double) x[i]) * (xr[i] - (double) x[i]);
            loss /= x.length;
            assertEquals(g.scalar("loss"), loss, 1e-6 * loss, c[0] + ": loss");
        }
    }

    /** A GLD1 file written by hand with DataOutputStream: the format as documented, not as the script writes it. */
    private static byte[] handWritten() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeBytes("GLD1");
        out.writeInt(2);
        byte[] name = "w".getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length); out.write(name);
        out.writeByte(0); out.writeInt(2); out.writeInt(2); out.writeInt(3);
        for (float v : new float[] {1f, -2.5f, 3f, 0f, 1e-7f, -0f}) out.writeFloat(v);
        name = "geom µ".getBytes(StandardCharsets.UTF_8);
        out.writeShort(name.length); out.write(name);
        out.writeByte(1); out.writeInt(1); out.writeInt(3);
        for (int v : new int[] {7, -1, 65536}) out.writeInt(v);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        return bytes.toByteArray();
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        Golden g = Golden.parse(handWritten(), "hand");
        assertEquals(List.of("w", "geom µ"), g.names());
        assertArrayEquals(new int[] {2, 3}, g.shape("w"));
        assertArrayEquals(new float[] {1f, -2.5f, 3f, 0f, 1e-7f, -0f}, g.f32("w"));
        assertArrayEquals(new int[] {3}, g.shape("geom µ"));
        assertArrayEquals(new int[] {7, -1, 65536}, g.i32("geom µ"));
        assertTrue(g.has("w"));
        assertFalse(g.has("W"));
        // returned arrays are copies: a test cannot spoil the fixture for the next one
        g.f32("w")[0] = 99f;
        assertEquals(1f, g.f32("w")[0]);
    }

    @Test
    void clearErrors() throws IOException {
        byte[] good = handWritten();

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Golden.parse(good, "hand").f32("dx"));
        assertTrue(missing.getMessage().contains("hand") && missing.getMessage().contains("'dx'")
                && missing.getMessage().contains("[w, geom µ]"), missing.getMessage());

        IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class,
                () -> Golden.parse(good, "hand").i32("w"));
        assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());

        byte[] magic = good.clone();
        magic[3] = '2';
        IllegalArgumentException m = assertThrows(IllegalArgumentException.class, () -> Golden.parse(magic, "hand"));
        assertTrue(m.getMessage().contains("magic") && m.getMessage().contains("GLD2"), m.getMessage());

        byte[] flipped = good.clone();
        flipped[30] ^= 0x10;   // inside the float data
        IllegalArgumentException crc = assertThrows(IllegalArgumentException.class, () -> Golden.parse(flipped, "hand"));
        assertTrue(crc.getMessage().contains("CRC"), crc.getMessage());

        byte[] truncated = Arrays.copyOf(good, good.length - 9);
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> Golden.parse(truncated, "hand"));
        assertTrue(t.getMessage().contains("CRC"), t.getMessage());

        // a consistent checksum over an inconsistent body: the shape claims more values than there are
        byte[] lying = good.clone();
        lying[4 + 4 + 2 + 1 + 1 + 4 + 4 + 3] = 9;   // second dim of "w": 3 → 9
        CRC32 c = new CRC32();
        c.update(lying, 0, lying.length - 4);
        int v = (int) c.getValue();
        for (int i = 0; i < 4; i++) lying[lying.length - 4 + i] = (byte) (v >>> (24 - 8 * i));
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> Golden.parse(lying, "hand"));
        assertTrue(s.getMessage().contains("'w'") && s.getMessage().contains("[2, 9]"), s.getMessage());

        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Golden.load("no_such_fixture.bin"));
        assertTrue(none.getMessage().contains("/golden/no_such_fixture.bin"), none.getMessage());
    }

    @Test
    void assertCloseReportsTheWorstElement() {
        float[] expected = {1f, 100f, -3f, 0f};
        Golden.assertClose("ok", expected, new float[] {1.000001f, 100.0005f, -3f, 1e-9f}, 1e-5, 1e-8);
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> Golden.assertClose("dw", expected, new float[] {1.1f, 100.5f, -3f, 0f}, 1e-5, 1e-8));
        // index 0 is off by 0.1 (≈10⁴× its allowance), index 1 by 0.5 (≈500×): index 0 is the worst
        assertTrue(e.getMessage().startsWith("dw: 2 of 4"), e.getMessage());
        assertTrue(e.getMessage().contains("index 0") && e.getMessage().contains("1.10000002"), e.getMessage());
        assertTrue(e.getMessage().contains("largest |error| 0.500"), e.getMessage());
        AssertionFailedError shaped = assertThrows(AssertionFailedError.class,
                () -> Golden.assertClose("y", expected, new float[] {1f, 100f, -3f, 0.5f}, new int[] {2, 2}, 1e-5, 1e-8));
        assertTrue(shaped.getMessage().contains("index 3 [1, 1]"), shaped.getMessage());
        assertThrows(AssertionFailedError.class,
                () -> Golden.assertClose("nan", expected, new float[] {1f, Float.NaN, -3f, 0f}, 1e-5, 1e-8));
        assertThrows(AssertionFailedError.class,
                () -> Golden.assertClose("length", expected, new float[3], 1e-5, 1e-8));
    }
}
