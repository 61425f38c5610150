package org.dcec4j.engine.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.opentest4j.AssertionFailedError;

/**
 * One golden fixture file written by docs/tools/make_golden.py (PyTorch, float64 references stored as
 * float32): named arrays with shapes. The script's docstring is the catalogue of files and entries.
 *
 * <p>Format "GLD1", big-endian: magic {@code GLD1}; int32 entry count; per entry int16 name length,
 * UTF-8 name, int8 dtype (0 = float32, 1 = int32), int32 rank, int32[rank] dims, the values; then an
 * int32 CRC32 of every preceding byte. Magic and checksum are checked before anything is parsed, so a
 * damaged file is reported as such instead of as a strange shape.
 */
public final class Golden {

    /** Classpath folder of the fixtures. */
    public static final String FOLDER = "/golden/";

    private static final byte[] MAGIC = {'G', 'L', 'D', '1'};
    private static final int DTYPE_F32 = 0, DTYPE_I32 = 1;

    private record Entry(int[] shape, float[] f32, int[] i32) {
        String dtype() { return f32 != null ? "float32" : "int32"; }
    }

    private final String source;
    private final Map<String, Entry> entries;

    private Golden(String source, Map<String, Entry> entries) {
        this.source = source;
        this.entries = entries;
    }

    /**
     * Loads a fixture from the classpath: {@code "conv2d_28_conv1.bin"} means {@code /golden/conv2d_28_conv1.bin}
     * (a name already starting with {@code /} is used as is).
     */
    public static Golden load(String resource) {
        String path = resource.startsWith("/") ? resource : FOLDER + resource;
        try (InputStream in = Golden.class.getResourceAsStream(path)) {
            if (in == null)
                throw new IllegalArgumentException("golden fixture " + path + " not found on the classpath "
                        + "(regenerate with: /usr/bin/python3 docs/tools/make_golden.py engine/src/test/resources/golden)");
            return parse(in.readAllBytes(), path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden fixture " + path, e);
        }
    }

    /** Parses the bytes of a GLD1 file; {@code source} names it in error messages. */
    public static Golden parse(byte[] bytes, String source) {
        if (bytes.length < MAGIC.length + 4 + 4)
            throw new IllegalArgumentException(source + ": " + bytes.length + " bytes is too short for a GLD1 file "
                    + "(need at least magic, entry count and CRC: 12 bytes)");
        for (int i = 0; i < MAGIC.length; i++)
            if (bytes[i] != MAGIC[i])
                throw new IllegalArgumentException(source + ": bad magic at byte 0: expected \"GLD1\", found \""
                        + printable(bytes, 0, MAGIC.length) + "\"");
        int end = bytes.length - 4;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, end);
        int stored = ((bytes[end] & 0xFF) << 24) | ((bytes[end + 1] & 0xFF) << 16)
                | ((bytes[end + 2] & 0xFF) << 8) | (bytes[end + 3] & 0xFF);
        if ((int) crc.getValue() != stored)
            throw new IllegalArgumentException(String.format(
                    "%s: bad CRC32: the last 4 bytes (at byte %d) say %08x, the %d preceding bytes give %08x "
                            + "(file damaged or truncated)", source, end, stored, end, (int) crc.getValue()));

        Counting counting = new Counting(bytes, MAGIC.length, end - MAGIC.length);
        DataInputStream in = new DataInputStream(counting);
        Map<String, Entry> entries = new LinkedHashMap<>();
        try {
            int count = in.readInt();
            if (count < 0)
                throw new IllegalArgumentException(source + ": negative entry count " + count + " at byte 4");
            for (int e = 0; e < count; e++) {
                long at = counting.position();
                int nameLength = in.readShort();
                if (nameLength <= 0)
                    throw new IllegalArgumentException(source + ": entry " + e + " at byte " + at
                            + ": name length " + nameLength + ", expected > 0");
                byte[] nameBytes = new byte[nameLength];
                in.readFully(nameBytes);
                String name = new String(nameBytes, StandardCharsets.UTF_8);
                int dtype = in.readByte();
                if (dtype != DTYPE_F32 && dtype != DTYPE_I32)
                    throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at
                            + ": dtype " + dtype + ", expected 0 (float32) or 1 (int32)");
                int rank = in.readInt();
                if (rank < 0 || rank > 8)
                    throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at
                            + ": rank " + rank + ", expected 0..8");
                int[] shape = new int[rank];
                long length = 1;
                for (int d = 0; d < rank; d++) {
                    shape[d] = in.readInt();
                    if (shape[d] < 0)
                        throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at
                                + ": dimension " + d + " is " + shape[d] + ", expected >= 0");
                    length *= shape[d];
                    if (length > Integer.MAX_VALUE)
                        throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at
                                + ": shape " + java.util.Arrays.toString(shape) + " has more than 2^31-1 values");
                }
                long remaining = end - counting.position();
                if (length * 4 > remaining)
                    throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at + ": shape "
                            + java.util.Arrays.toString(shape) + " needs " + length * 4 + " bytes, only "
                            + remaining + " remain before the CRC");
                float[] f = null;
                int[] v = null;
                if (dtype == DTYPE_F32) {
                    f = new float[(int) length];
                    for (int i = 0; i < f.length; i++) f[i] = in.readFloat();
                } else {
                    v = new int[(int) length];
                    for (int i = 0; i < v.length; i++) v[i] = in.readInt();
                }
                if (entries.put(name, new Entry(shape, f, v)) != null)
                    throw new IllegalArgumentException(source + ": entry '" + name + "' at byte " + at
                            + " appears twice");
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(source + ": unexpected end of data at byte " + counting.position()
                    + " (before the CRC at byte " + end + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(source, e);
        }
        if (counting.position() != end)
            throw new IllegalArgumentException(source + ": " + (end - counting.position())
                    + " unexpected bytes between the last entry (ends at byte " + counting.position()
                    + ") and the CRC at byte " + end);
        return new Golden(source, Collections.unmodifiableMap(entries));
    }

    /** Where this fixture came from (classpath path or the name given to {@link #parse}). */
    public String source() { return source; }

    /** Entry names in file order. */
    public List<String> names() { return new ArrayList<>(entries.keySet()); }

    public boolean has(String name) { return entries.containsKey(name); }

    /** A copy of the shape of an entry. */
    public int[] shape(String name) { return entry(name).shape.clone(); }

    /** A copy of a float32 entry's values, row-major. */
    public float[] f32(String name) {
        Entry e = entry(name);
        if (e.f32 == null)
            throw new IllegalArgumentException(source + ": entry '" + name + "' is " + e.dtype() + ", not float32");
        return e.f32.clone();
    }

    /** A copy of an int32 entry's values, row-major. */
    public int[] i32(String name) {
        Entry e = entry(name);
        if (e.i32 == null)
            throw new IllegalArgumentException(source + ": entry '" + name + "' is " + e.dtype() + ", not int32");
        return e.i32.clone();
    }

    /** The single value of a float32 entry of one element (such as {@code loss} [1]). */
    public float scalar(String name) {
        float[] v = f32(name);
        if (v.length != 1)
            throw new IllegalArgumentException(source + ": entry '" + name + "' has " + v.length
                    + " values, expected exactly 1");
        return v[0];
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null)
            throw new IllegalArgumentException(source + ": no entry '" + name + "'; it has " + entries.keySet());
        return e;
    }

    /**
     * Asserts |actual[i] − expected[i]| ≤ atol + rtol·|expected[i]| for every i (NaN never passes). On
     * failure the message names {@code what}, how many elements fail, the worst one (largest error
     * relative to its allowance) with its index, both values and the error, and the largest absolute error.
     */
    public static void assertClose(String what, float[] expected, float[] actual, double rtol, double atol) {
        assertClose(what, expected, actual, null, rtol, atol);
    }

    /** As {@link #assertClose(String, float[], float[], double, double)}, reporting the worst index as coordinates of {@code shape}. */
    public static void assertClose(String what, float[] expected, float[] actual, int[] shape, double rtol, double atol) {
        if (expected.length != actual.length)
            throw new AssertionFailedError(what + ": length " + actual.length + ", expected " + expected.length);
        int failures = 0, worst = -1;
        double worstRatio = -1, maxAbs = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            double error = Math.abs(a - e);
            double allowed = atol + rtol * Math.abs(e);
            double ratio = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error / allowed;
            if (!(error <= allowed)) failures++;
            if (ratio > worstRatio) { worstRatio = ratio; worst = i; }
            maxAbs = Math.max(maxAbs, error);   // NaN propagates
        }
        if (failures > 0)
            throw new AssertionFailedError(String.format(
                    "%s: %d of %d values differ beyond atol %.3g + rtol %.3g·|expected|; worst at %s: expected %.9g, actual %.9g, "
                            + "|error| %.3g (%.3g× allowed); largest |error| %.3g",
                    what, failures, expected.length, atol, rtol, where(worst, shape), (double) expected[worst],
                    (double) actual[worst], Math.abs((double) actual[worst] - expected[worst]), worstRatio, maxAbs));
    }

    private static String where(int index, int[] shape) {
        if (shape == null) return "index " + index;
        int[] at = new int[shape.length];
        int rest = index;
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? 0 : rest / shape[d];
        }
        return "index " + index + " " + java.util.Arrays.toString(at);
    }

    private static String printable(byte[] b, int from, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < from + n; i++)
            s.append(b[i] >= 32 && b[i] < 127 ? String.valueOf((char) b[i]) : String.format("\\x%02x", b[i] & 0xFF));
        return s.toString();
    }

    /** A byte-array stream that knows its absolute position in the file, for error messages. */
    private static final class Counting extends ByteArrayInputStream {
        Counting(byte[] buf, int offset, int length) { super(buf, offset, length); }
        long position() { return pos; }
    }
}
