package org.dcec4j.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
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
        Path f = dir.resolve("m.dc4j");
        a.save(f);
        b.load(f);
        for (String n : a.namedParameters().keySet())
            assertArrayEquals(a.namedParameters().get(n).data, b.namedParameters().get(n).data, 0f, n);
        assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), TensorFile.read(f).names());
        try (Stream<Path> s = Files.list(dir)) { assertEquals(1, s.count(), "temp files left behind"); }
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
        a.save(f);
        byte[] good = Files.readAllBytes(f);

        expectError(Files.write(dir.resolve("magic"), withByte(good, 0, 'X')), "magic");
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

        // wrong name and wrong shape, with a valid checksum
        TensorFile.builder().tensor("fc1.weight", new int[] {4, 5}, new float[20]).tensor("fc1.bias", new int[] {4}, new float[4])
                .tensor("fc2.weight", new int[] {3, 4}, new float[12]).tensor("fc2.bias", new int[] {2}, new float[2]).write(dir.resolve("shape"));
        expectError(dir.resolve("shape"), "'fc2.bias' has shape [2]");
        TensorFile.builder().tensor("fc1.weight", new int[] {4, 5}, new float[20]).write(dir.resolve("missing"));
        expectError(dir.resolve("missing"), "'fc1.bias' is missing");
        a.addTo(TensorFile.builder(), "").tensor("extra", new int[] {1}, new float[1]).write(dir.resolve("extra"));
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

    @Test void aFailureOnTheTemporaryFileNamesTheTarget() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        Path target = Path.of("/proc/self/weights.dc4j");
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> TensorFile.writeAtomically(target, new byte[] {1, 2, 3}));
        assertEquals(target.toString(), e.getFile());
        assertTrue(e.getReason() != null && !e.getReason().isEmpty() && Character.isLowerCase(e.getReason().charAt(0)), e.getReason());
    }

    @Test void atomicWriteReplacesWholeFileOrNothing() throws Exception {
        Path f = dir.resolve("x.dc4j");
        TensorFile.builder().tensor("a", new int[] {1}, new float[] {1}).write(f);
        TensorFile.builder().tensor("a", new int[] {1}, new float[] {2}).write(f);
        assertEquals(2f, TensorFile.read(f).get("a").data()[0]);
        Path blocker = dir.resolve("sub");
        Files.writeString(blocker, "a file where a folder is needed");
        assertThrows(java.io.IOException.class, () -> TensorFile.builder().tensor("a", new int[] {1}, new float[] {3}).write(blocker.resolve("y.dc4j")));
        assertEquals(2f, TensorFile.read(f).get("a").data()[0]);
    }

    /**
     * Files are written and read through java.io streams, which an interrupt does not close: on an interrupted thread a
     * write and a read work and the flag stays set (an NIO channel failed with ClosedByInterruptException); a missing
     * file is still NIO's NoSuchFileException, naming it.
     */
    @Test void writesAndReadsWorkOnAnInterruptedThreadAndAMissingFileIsNamed() throws Exception {
        Path f = dir.resolve("interrupted.dc4j");
        Thread.currentThread().interrupt();
        try {
            TensorFile.builder().tensor("a", new int[] {2}, new float[] {1, 2}).write(f);
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
        b.write(f);
        Tensor p2 = Tensor.parameter(p.data.clone(), 3);
        Adam a2 = new Adam(List.of(p2));
        a2.loadState(TensorFile.read(f), "opt.", f.toString());
        assertEquals(3, a2.iterations());
        p.grad()[0] = 0.5f; p2.grad()[0] = 0.5f; p2.grad()[1] = -1;
        a.step(); a2.step();
        assertArrayEquals(p.data, p2.data);   // continues bit for bit (no delta: compared as bits)
    }

    /** Files are created like any other new file (permissions from the umask, not owner-only); a folder is refused. */
    @Test void writtenFilesFollowTheUmaskAndAFolderIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        java.nio.file.Path plain = java.nio.file.Files.createFile(dir.resolve("plain"));
        java.nio.file.Path written = dir.resolve("model.dc4j");
        TensorFile.writeAtomically(written, new byte[] {1, 2, 3});
        assertEquals(java.nio.file.Files.getPosixFilePermissions(plain), java.nio.file.Files.getPosixFilePermissions(written));
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left");
        }
        java.nio.file.Path folder = java.nio.file.Files.createDirectory(dir.resolve("folder"));
        java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileSystemException.class,
                () -> TensorFile.writeAtomically(folder, new byte[] {1}));
        assertTrue(e.getMessage().contains("Is a directory"), e.getMessage());
    }

    /**
     * The rename replaced whatever was at the path: `dcec reproduce table --table FIFO` turned the FIFO into a regular
     * file, and as root `--table /dev/null` or `/dev/stdout` would replace the device or the link, as usage.md says no
     * output does. A device, a pipe or a socket, a link to one, and a link into a process's file descriptors (/dev/stdout
     * when the standard output is a file) are refused before anything is written, as the datasets module's OutputFiles
     * refuses them; a link to a regular file is still replaced, its target left as it was.
     */
    @Test void aPipeAStandardStreamOrALinkToThemIsRefusedNothingWritten(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        Path toFifo = Files.createSymbolicLink(tmp.resolve("to-fifo"), fifo);
        for (Path target : List.of(fifo, toFifo)) {
            java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                    () -> TensorFile.writeAtomically(target, new byte[] {1}));
            assertEquals(target + ": is a device, pipe or socket, not a regular file; the file is written by renaming a new file"
                    + " over the path, which would replace it: give the path of a regular file", e.getMessage());
        }
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo) && Files.isSymbolicLink(toFifo));

        Path redirected = Files.writeString(tmp.resolve("redirected"), "old");
        Path fds = Path.of("/proc/self/fd");
        if (Files.isDirectory(fds)) {
            try (java.io.FileOutputStream open = new java.io.FileOutputStream(redirected.toFile(), true)) {
                Path fd = null;
                try (Stream<Path> s = Files.list(fds)) {
                    for (Path p : s.toList()) {
                        try {
                            if (Files.readSymbolicLink(p).equals(redirected)) fd = fds.resolve(p.getFileName());
                        } catch (java.io.IOException gone) {
                            // the descriptor of the listing itself, closed by now
                        }
                    }
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(fd != null, "the open file is not among /proc/self/fd");
                Path stdout = Files.createSymbolicLink(tmp.resolve("stdout"), fd);        // as /dev/stdout -> /proc/self/fd/1
                java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                        () -> TensorFile.writeAtomically(stdout, new byte[] {1}));
                assertEquals(stdout + ": is a file descriptor of a process (such as /dev/stdout), not a regular file; the file is"
                        + " written by renaming a new file over the path, which would replace it: give the path of a regular file",
                        e.getMessage());
                assertEquals(fd, Files.readSymbolicLink(stdout));
            }
        }
        assertEquals("old", Files.readString(redirected));

        Path link = Files.createSymbolicLink(tmp.resolve("model.dc4j"), redirected);
        TensorFile.writeAtomically(link, new byte[] {7});
        assertTrue(Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("old", Files.readString(redirected));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(Files.isDirectory(fds) ? 5 : 4, s.count(), "no temporary file left");
        }
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
        e = assertThrows(IllegalArgumentException.class, () -> TensorFile.builder().meta("a", null));
        assertTrue(e.getMessage().contains("metadata 'a'"), e.getMessage());
        // a good shape still round-trips
        TensorFile f = TensorFile.parse(TensorFile.builder().tensor("a", new int[] {1, 2}, new float[] {1, 2}).toBytes(), "x");
        assertArrayEquals(new int[] {1, 2}, f.get("a").shape());
    }
}
