package org.dcec4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.nn.Linear;
import org.dcec4j.engine.nn.Module;
import org.dcec4j.engine.nn.Sequential;
import org.dcec4j.engine.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parameter file: round trip, every kind of corruption named, nothing half-loaded, atomic writes. */
class TensorFileTest {
    @TempDir Path dir;

    static Sequential net(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential().add("fc1", new Linear(5, 4, r)).add("fc2", new Linear(4, 3, r));
    }

    @Test void roundTripRestoresEveryParameterExactly() throws Exception {
        Sequential a = net(1), b = net(2);
        // the layers start with zero biases: give a's values of their own, so that every parameter of b has to change
        SplittableRandom r = new SplittableRandom(5);
        for (String n : List.of("fc1.bias", "fc2.bias")) {
            float[] v = a.namedParameters().get(n).data;
            for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (String n : a.namedParameters().keySet())
            for (int i = 0; i < a.namedParameters().get(n).size(); i++)
                assertTrue(a.namedParameters().get(n).data[i] != b.namedParameters().get(n).data[i], n + "[" + i + "] equal before loading");
        Path f = dir.resolve("m.dc4j");
        Files.write(f, a.toBytes());
        b.load(f);
        for (String n : a.namedParameters().keySet())
            assertArrayEquals(a.namedParameters().get(n).data, b.namedParameters().get(n).data, 0f, n);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), TensorFile.read(f).names());
    }

    @Test void headerLayoutIsAsDocumented() throws Exception {
        byte[] bytes = TensorFile.builder().meta("k", "v").tensor("t", new int[] {2}, new float[] {1f, -2f}).toBytes();
        // "DC4J", version 1, 1 meta entry: (0x0001 'k') (0x00000001 'v'), 1 tensor: (0x0001 't') rank 1, dim 2, 1.0f, -2.0f, crc64
        assertEquals(4 + 4 + 4 + (2 + 1 + 4 + 1) + 4 + (2 + 1 + 4 + 4 + 8) + 8, bytes.length);
        assertEquals('D', bytes[0]); assertEquals('J', bytes[3]);
        assertEquals(1, bytes[7]);
        int f0 = 4 + 4 + 4 + 8 + 4 + 2 + 1 + 4 + 4;
        assertEquals(0x3F, bytes[f0] & 0xFF);          // 1.0f = 0x3F800000, big-endian
        assertEquals(0x80, bytes[f0 + 1] & 0xFF);
    }

    @Test void everyCorruptionIsNamedAndNothingIsLoaded() throws Exception {
        Sequential a = net(1);
        Path f = dir.resolve("m.dc4j");
        byte[] good = a.toBytes();
        Files.write(f, good);

        expectError(Files.write(dir.resolve("magic"), withByte(good, 0, 'X')), "magic");
        // the wrong bytes in hex, not as signed decimals ("found [-69, 67, 52, 74]"); here a JSON file given as a model
        byte[] json = java.util.Arrays.copyOf("{\n  \"method\": \"dcec\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 40);
        json[0] = (byte) 0xbb;
        expectError(Files.write(dir.resolve("config.json"), json),
                "expected magic \"DC4J\" (44 43 34 4a), found the bytes bb 0a 20 20 (not a dcec4j tensor file)");
        // a later format version (its checksum intact) is named as such (the user needs a newer dcec4j), not as damage
        expectError(Files.write(dir.resolve("version"), withCrc(withByte(good, 7, 9))),
                "expected version 1, found 9 (written by a newer dcec4j: read it with that version or a later one)");
        expectError(Files.write(dir.resolve("version0"), withCrc(withByte(good, 7, 0))), "expected version 1, found 0 (not a dcec4j tensor file?)");
        // a damaged version field fails the checksum too: corruption, not a newer dcec4j's file (one bit: version 4097)
        expectError(Files.write(dir.resolve("versionFlip"), withByte(good, 6, good[6] ^ 0x10)),
                "expected version 1, found 4097 (the file is corrupt: its CRC-32 does not match either, unless a newer dcec4j");
        expectError(Files.write(dir.resolve("versionZeroed"), withByte(good, 7, 0)),
                "expected version 1, found 0 (the file is corrupt: its CRC-32 does not match either)");
        expectError(Files.write(dir.resolve("flip"), withByte(good, good.length / 2, good[good.length / 2] ^ 0x10)), "CRC-32");
        expectError(Files.write(dir.resolve("trunc"), java.util.Arrays.copyOf(good, good.length - 100)), "CRC-32");
        // cut inside the float data: the last 8 bytes are floats, not a CRC-32 (they were printed as a 16-digit "CRC-32")
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 100);
        String trailer = String.format("%016x", java.nio.ByteBuffer.wrap(cut, cut.length - 8, 8).getLong());
        expectError(Files.write(dir.resolve("cut"), cut), (trailer.startsWith("00000000") ? "found " + trailer.substring(8)
                : "found the bytes " + trailer + " in the last 8, where a CRC-32 has four zero bytes first") + " (the file is corrupt or truncated)");
        expectError(Files.write(dir.resolve("tiny"), new byte[] {'D', 'C'}), "truncated");
        // bytes appended to a whole file: named as such, at the end of its own checksum (it was "corrupt or truncated")
        byte[] appended = java.util.Arrays.copyOf(good, good.length + 5);
        appended[good.length] = 'x';
        expectError(Files.write(dir.resolve("appended"), appended), "at byte " + good.length
                + ": expected the end of the file after its CRC-32, found 5 extra bytes (appended to a whole file");
        // a second whole file after the first (the appended bytes end with a valid trailer of their own): the first one's end
        byte[] twice = java.util.Arrays.copyOf(good, 2 * good.length);
        System.arraycopy(good, 0, twice, good.length, good.length);
        expectError(Files.write(dir.resolve("twice"), twice), "at byte " + good.length + ": expected the end of the file after its"
                + " CRC-32, found " + good.length + " extra bytes");

        // wrong name and wrong shape, with a valid checksum
        Files.write(dir.resolve("shape"), TensorFile.builder().tensor("fc1.weight", new int[] {4, 5}, new float[20])
                .tensor("fc1.bias", new int[] {4}, new float[4]).tensor("fc2.weight", new int[] {3, 4}, new float[12])
                .tensor("fc2.bias", new int[] {2}, new float[2]).toBytes());
        expectError(dir.resolve("shape"), "'fc2.bias' has shape [2]");
        Files.write(dir.resolve("missing"), TensorFile.builder().tensor("fc1.weight", new int[] {4, 5}, new float[20]).toBytes());
        expectError(dir.resolve("missing"), "'fc1.bias' is missing");
        Files.write(dir.resolve("extra"), a.addTo(TensorFile.builder(), "").tensor("extra", new int[] {1}, new float[1]).toBytes());
        expectError(dir.resolve("extra"), "unexpected parameter 'extra'");
    }

    private static byte[] withByte(byte[] b, int i, int v) { byte[] c = b.clone(); c[i] = (byte) v; return c; }

    /** The bytes with their trailing CRC-32 made right again (a file as a writer of that content would write it). */
    private static byte[] withCrc(byte[] b) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 8);
        java.nio.ByteBuffer.wrap(b, b.length - 8, 8).putLong(crc.getValue());
        return b;
    }

    private void expectError(Path file, String fragment) {
        Module m = net(3);
        float[] before = m.namedParameters().get("fc1.weight").data.clone();
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> m.load(file));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), "message must name the file: " + e.getMessage());
        assertArrayEquals(before, m.namedParameters().get("fc1.weight").data, 0f, "half-loaded");
    }

    /**
     * A failure on the hidden temporary file is reported on the file asked for (a full table of file slots named the
     * temporary file). /proc refuses new files, so creating the temporary file fails there, on Linux.
     */
    /**
     * A file larger than a tensor file can be (a sparse 3 GB file starting with the magic: nothing is read) is a
     * FormatException naming it and its size, not an OutOfMemoryError from readAllBytes, which the command line
     * reported as a full heap ("give Java more memory") that no heap could cure.
     */
    @Test void aFileLargerThanATensorFileCanBeIsNamed(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path big = tmp.resolve("big.dc4j");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.write(TensorFile.MAGIC);
            f.setLength(3_000_000_000L);
        }
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> TensorFile.read(big));
        assertEquals(big + ": at byte 0: expected a dcec4j tensor file of at most 2147483631 bytes, found 3000000000 bytes "
                + "(not a dcec4j tensor file?)", e.getMessage());
    }

    /**
     * A device (here through a link, as --model zero.dc4j -> /dev/zero) has no size to check: it was read until the heap
     * was full and reported as out of memory. Refused before reading, naming the file.
     */
    @Test void aDeviceIsRefusedBeforeReading(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        Path link = Files.createSymbolicLink(tmp.resolve("zero.dc4j"), Path.of("/dev/zero"));
        TensorFile.FormatException e = assertThrows(TensorFile.FormatException.class, () -> TensorFile.read(link));
        assertEquals(link + ": at byte 0: expected a dcec4j tensor file, found a device, pipe or socket (not a regular file)",
                e.getMessage());
    }

    /**
     * Files are read through a java.io stream, which an interrupt does not close: on an interrupted thread a read works
     * and the flag stays set (an NIO channel failed with ClosedByInterruptException); a missing file is still NIO's
     * NoSuchFileException, naming it.
     */
    @Test void readsWorkOnAnInterruptedThreadAndAMissingFileIsNamed() throws Exception {
        Path f = dir.resolve("interrupted.dc4j");
        Files.write(f, TensorFile.builder().tensor("a", new int[] {2}, new float[] {1, 2}).toBytes());
        Thread.currentThread().interrupt();
        try {
            assertArrayEquals(new float[] {1, 2}, TensorFile.read(f).get("a").data());
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        java.nio.file.NoSuchFileException e = assertThrows(java.nio.file.NoSuchFileException.class,
                () -> TensorFile.read(dir.resolve("missing.dc4j")));
        assertTrue(e.getMessage().contains("missing.dc4j"), e.getMessage());
    }

    @Test void adamStateRoundTrips() throws Exception {
        Tensor p = Tensor.parameter(new float[] {1, 2, 3}, 3);
        Adam a = new Adam(List.of(p));
        for (int s = 0; s < 3; s++) { p.grad()[0] = s; p.grad()[1] = -1; a.step(); }
        Path f = dir.resolve("opt");
        TensorFile.Builder b = TensorFile.builder();
        a.saveState(b, "opt.");
        Files.write(f, b.toBytes());
        Tensor p2 = Tensor.parameter(p.data.clone(), 3);
        Adam a2 = new Adam(List.of(p2));
        a2.loadState(TensorFile.read(f), "opt.", f.toString());
        assertEquals(3, a2.iterations());
        p.grad()[0] = 0.5f; p2.grad()[0] = 0.5f; p2.grad()[1] = -1;
        a.step(); a2.step();
        assertArrayEquals(p.data, p2.data);   // continues bit for bit (no delta: compared as bits)
    }

    /** What the builder accepts, parse reads back: a shape parse would refuse is refused when it is added. */
    @Test void theBuilderRefusesShapesThatParseRefuses() {
        for (int[] shape : new int[][] {{-1, -2}, {0}, {2, 0}, {65536, 65536, 65536, 65536}, {}, new int[9]}) {
            float[] data = new float[Math.max(0, shape.length == 2 ? shape[0] * shape[1] : shape.length == 1 ? shape[0] : 0)];
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TensorFile.builder().tensor("a", shape, data), java.util.Arrays.toString(shape));
            assertTrue(e.getMessage().startsWith("tensor 'a': "), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TensorFile.builder().tensor("a", new int[] {3}, new float[2]));
        assertTrue(e.getMessage().contains("does not fit 2 values"), e.getMessage());
        // a good shape still round-trips
        TensorFile f = TensorFile.parse(TensorFile.builder().tensor("a", new int[] {1, 2}, new float[] {1, 2}).toBytes(), "x");
        assertArrayEquals(new int[] {1, 2}, f.get("a").shape());
    }

    /**
     * A null argument to the builder is a NullPointerException naming it at once, as the engine's other entry points
     * name theirs: it was an IllegalArgumentException that did not say which of name, shape and data was null.
     */
    @Test void theBuilderNamesItsNullArgument() {
        TensorFile.Builder b = TensorFile.builder();
        assertEquals("name", assertThrows(NullPointerException.class, () -> b.tensor(null, new int[] {1}, new float[1])).getMessage());
        assertEquals("shape (tensor 'w')", assertThrows(NullPointerException.class, () -> b.tensor("w", null, new float[1])).getMessage());
        assertEquals("data (tensor 'w')", assertThrows(NullPointerException.class, () -> b.tensor("w", new int[] {1}, null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> b.meta(null, "v")).getMessage());
        assertEquals("value (metadata 'kind')", assertThrows(NullPointerException.class, () -> b.meta("kind", null)).getMessage());
        // nothing was added: the builder still writes an empty file
        assertTrue(TensorFile.parse(b.toBytes(), "x").names().isEmpty());
        assertTrue(TensorFile.parse(b.toBytes(), "x").meta().isEmpty());
    }
}
