package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path tmp;

    private static Dataset parse(byte[] images, byte[] labels) {
        return IdxReader.toDataset("t", "images", IdxReader.parse("images", images),
                "labels", labels == null ? null : IdxReader.parse("labels", labels));
    }

    @Test
    void readsRawAndGzippedTheSame() throws Exception {
        byte[][] f = Fixtures.mnistLike(5, 3, 4);
        Dataset raw = parse(f[0], f[1]);
        Dataset gz = parse(Fixtures.gzip(f[0]), Fixtures.gzip(f[1]));
        assertEquals(5, raw.size());
        assertEquals(3, raw.height());
        assertEquals(4, raw.width());
        assertArrayEquals(raw.images(), gz.images());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, gz.labels());
        // pixel (n, i) = (7n + 3i) mod 256, scaled by 1/255 in double then rounded to float
        for (int n = 0; n < 5; n++) {
            for (int i = 0; i < 12; i++) {
                assertEquals((float) (((7 * n + 3 * i) % 256) / 255.0), raw.images()[n * 12 + i]);
            }
        }
        Files.write(tmp.resolve("i.gz"), Fixtures.gzip(f[0]));
        Files.write(tmp.resolve("l"), f[1]);
        Dataset files = IdxReader.read("t", tmp.resolve("i.gz"), tmp.resolve("l"));
        assertArrayEquals(raw.images(), files.images());
        assertArrayEquals(raw.labels(), files.labels());
    }

    @Test
    void extremesMapToZeroAndOne() {
        byte[] img = Fixtures.idx(new int[] {1, 1, 2}, new byte[] {0, (byte) 255});
        Dataset d = parse(img, null);
        assertEquals(0f, d.images()[0]);
        assertEquals(1f, d.images()[1]);
    }

    private static String error(Runnable r) {
        return assertThrows(DatasetException.class, r::run).getMessage();
    }

    @Test
    void wrongMagicTypeAndRank() {
        byte[] good = Fixtures.mnistLike(2, 2, 2)[0];
        byte[] magic = good.clone();
        magic[0] = 1;
        assertTrue(error(() -> IdxReader.parse("f", magic)).contains("f: at byte 0: expected IDX magic"));
        byte[] type = good.clone();
        type[2] = 0x0D;
        assertTrue(error(() -> IdxReader.parse("f", type)).contains("at byte 2: expected IDX type 0x08"));
        byte[] rank = good.clone();
        rank[3] = 9;
        assertTrue(error(() -> IdxReader.parse("f", rank)).contains("at byte 3"));
        byte[] labelsAsImages = Fixtures.mnistLike(2, 2, 2)[1];
        assertTrue(error(() -> parse(labelsAsImages, null)).contains("rank 3"));
    }

    /**
     * The magic's first two bytes are both zero (IDX: 0x00 0x00 type rank): a nonzero second byte is not an IDX
     * file, even with a valid type and rank after it, and the error names the file, the position and the magic.
     */
    @Test
    void aNonzeroSecondMagicByteIsRefused() throws IOException {
        byte[][] good = Fixtures.mnistLike(2, 2, 2);
        byte[] bad = good[0].clone();
        bad[1] = 1;
        String expected = ": at byte 0: expected IDX magic 0x0000TTRR (two zero bytes, type, rank), found 0x00010803";
        assertEquals("f" + expected, error(() -> IdxReader.parse("f", bad)));
        assertEquals("g" + expected, error(() -> IdxReader.parse("g", Fixtures.gzip(bad))));
        Path raw = Files.write(tmp.resolve("images-idx3-ubyte"), bad);
        assertEquals(raw + expected, error(() -> IdxReader.read(raw)));
        Path gz = Files.write(tmp.resolve("images-idx3-ubyte.gz"), Fixtures.gzip(bad));
        Path labels = Files.write(tmp.resolve("labels-idx1-ubyte"), good[1]);
        assertEquals(gz + expected, error(() -> IdxReader.read("t", gz, labels)));
        // the same in the label file
        byte[] badLabels = good[1].clone();
        badLabels[1] = (byte) 0x80;
        Path images = Files.write(tmp.resolve("good-images"), good[0]);
        Path l = Files.write(tmp.resolve("bad-labels"), badLabels);
        assertEquals(l + ": at byte 0: expected IDX magic 0x0000TTRR (two zero bytes, type, rank), found 0x00800801",
                error(() -> IdxReader.read("t", images, l)));
    }

    /**
     * A magic of the wrong type, rank or kind of file is shown as IDX's documentation writes it (0x00000803 for images,
     * 0x00000801 for labels) beside the one expected: the rank was a decimal number alone ("found rank 1", "found 9").
     */
    @Test
    void aWrongMagicIsShownInHexBesideTheExpectedOne() throws IOException {
        byte[][] good = Fixtures.mnistLike(2, 2, 2);
        Path labels = Files.write(tmp.resolve("labels"), good[1]);
        assertEquals(labels + ": at byte 3: expected an image file, magic 0x00000803 (rank 3: N, H, W), found magic 0x00000801 (rank 1)",
                error(() -> IdxReader.read("t", labels, labels)));
        Path images = Files.write(tmp.resolve("images"), good[0]);
        assertEquals(images + ": at byte 3: expected a label file, magic 0x00000801 (rank 1: N), found magic 0x00000803 (rank 3)",
                error(() -> IdxReader.read("t", images, images)));
        byte[] rank = good[0].clone();
        rank[3] = 9;
        assertEquals("f: at byte 3: expected an IDX rank from 1 to 4 (magic 0x00000801 to 0x00000804), found magic 0x00000809 (rank 9)",
                error(() -> IdxReader.parse("f", rank)));
        byte[] type = good[0].clone();
        type[2] = 0x0D;
        assertEquals("f: at byte 2: expected IDX type 0x08 (unsigned byte: magic 0x000008RR), found magic 0x00000D03 (type 0x0D)",
                error(() -> IdxReader.parse("f", type)));
    }

    @Test
    void countMismatchNamesBothFiles() {
        byte[][] a = Fixtures.mnistLike(4, 2, 2);
        byte[][] b = Fixtures.mnistLike(3, 2, 2);
        String m = error(() -> parse(a[0], b[1]));
        assertTrue(m.contains("labels") && m.contains("4 labels") && m.contains("found 3"), m);
    }

    @Test
    void truncatedAndOverlongData() {
        byte[] good = Fixtures.mnistLike(4, 3, 3)[0];
        byte[] cut = Arrays.copyOf(good, good.length - 5);
        assertTrue(error(() -> IdxReader.parse("f", cut)).contains("expected " + good.length + " bytes"));
        // the position is where the file ends early, or its first surplus byte (both were the header's end, byte 16)
        assertTrue(error(() -> IdxReader.parse("f", cut)).startsWith("f: at byte " + cut.length + ": "));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertTrue(error(() -> IdxReader.parse("f", longer)).contains("found " + longer.length + " bytes"));
        assertTrue(error(() -> IdxReader.parse("f", longer)).startsWith("f: at byte " + good.length + ": "));
        byte[] gzCut = Fixtures.gzip(cut);
        assertTrue(error(() -> IdxReader.parse("g", gzCut)).contains("only " + (36 - 5)));
        byte[] gz = Fixtures.gzip(good);
        byte[] gzTruncated = Arrays.copyOf(gz, gz.length - 12);
        assertTrue(error(() -> IdxReader.parse("g", gzTruncated)).startsWith("g: "));
        byte[] gzLonger = Fixtures.gzip(longer);
        assertTrue(error(() -> IdxReader.parse("g", gzLonger)).contains("found more bytes"));
    }

    @Test
    void hugeClaimsAreErrorsNotOutOfMemory() {
        // 2^31 - 1 images of 28x28: the product does not fit an array
        byte[] huge = Fixtures.idx(new int[] {Integer.MAX_VALUE, 28, 28}, new byte[16]);
        assertTrue(error(() -> IdxReader.parse("f", huge)).contains("fits in an array"));
        assertTrue(error(() -> IdxReader.parse("f", Fixtures.gzip(huge))).contains("fits in an array"));
        // 2 million images claimed (1.5 GB) but 16 bytes present: detected without allocating the claim
        byte[] liar = Fixtures.idx(new int[] {2_000_000, 28, 28}, new byte[16]);
        assertTrue(error(() -> IdxReader.parse("f", liar)).contains("expected 1568000016 bytes"));
        assertTrue(error(() -> IdxReader.parse("g", Fixtures.gzip(liar))).contains("only 16"));
        // a negative dimension
        byte[] negative = Fixtures.idx(new int[] {-1, 2, 2}, new byte[4]);
        assertTrue(error(() -> IdxReader.parse("f", negative)).contains("a dimension from 0"));
    }

    /** An IDX image file that claims N images of H×W but holds only `present` random bytes after its header, gzipped. */
    private Path claiming(String name, int N, int H, int W, int present) throws IOException {
        byte[] data = new byte[present];
        new java.util.Random(present).nextBytes(data);
        return Files.write(tmp.resolve(name), Fixtures.gzip(Fixtures.idx(new int[] {N, H, W}, data)));
    }

    @Test
    void aSetOfMoreValuesThanAnArrayHoldsIsAnError() throws IOException {
        // two files of 600,000,000 images of 1x2 each fit an array alone; together they are 2.4e9 > 2^31 values,
        // refused from the headers before any data is read (a few bytes of data are enough)
        Path a = claiming("a.gz", 600_000_000, 1, 2, 16);
        Path b = claiming("b.gz", 600_000_000, 1, 2, 16);
        try (ImageStream s = IdxReader.stream("t", List.of(a, b), null, 10, Integer.MAX_VALUE)) {
            assertEquals(1_200_000_000, s.size());
            String m = error(s::readAll);
            assertEquals("t: 1200000000 images of 1x1x2 are 2400000000 values, more than one array holds (2^31):"
                    + " use fewer images (a smaller limit: the limit argument of the reader or of Datasets.open,"
                    + " --limit on the command line)", m);
        }
        // with a limit the first images load: 3 images of 2 bytes, the first 6 random bytes / 255
        try (ImageStream s = IdxReader.stream("t", List.of(a, b), null, 10, 3)) {
            byte[] first = new byte[6];
            new java.util.Random(16).nextBytes(first);
            float[] x = s.readAll().images();
            for (int i = 0; i < 6; i++) {
                assertEquals((float) ((first[i] & 0xFF) / 255.0), x[i]);
            }
        }
    }

    /**
     * A truncated gzip file whose header claims 2,700,000 images of 28x28 (2.1e9 values, 8.5 GB of floats) but holds
     * 2,500,000 bytes, in a file large enough for the claim by deflate's 1032:1 bound (which readAll once trusted to
     * allocate the claim): readAll reports the truncation
     * and allocates only about the bytes that are there (the growing buffer reaches 4 MB), never the claim.
     */
    @Test
    void aTruncatedGzipFileIsReportedBeforeTheClaimedFloatsAreAllocated() throws IOException {
        Path f = claiming("big.gz", 2_700_000, 28, 28, 2_500_000);
        assertEquals(f + ": at decompressed byte 2500016: expected 2116800000 element bytes for dimensions [2700000, 28, 28],"
                + " found only 2500000 (truncated file?)", readAllError(f, 64L << 20));
    }

    /**
     * A gzip file of 35 bytes whose header claims 8192x8192 pixels and whose ISIZE trailer was made to match the claim
     * (forged, or damaged by a one-in-2^32 chance): readAll trusted the trailer and allocated 256 MB of floats (1 GB at
     * 16384x16384, an OutOfMemoryError under -Xmx512m) before it found the data missing. A file cannot decompress to
     * more than 1032 times its size, so this one's claim is not trusted: its data is read first, and the gzip check of
     * the trailer names the byte.
     */
    @Test
    void aForgedGzipTrailerDoesNotAllocateTheClaim() throws IOException {
        byte[] gz = Fixtures.gzip(Fixtures.idx(new int[] {1, 8192, 8192}, new byte[100]));
        assertEquals(35, gz.length);
        java.nio.ByteBuffer.wrap(gz, gz.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(16 + 8192 * 8192);
        Path f = Files.write(tmp.resolve("forged.gz"), gz);
        assertEquals(f + ": at byte 31: expected the decompressed size 116 (mod 2^32), found 67108880 (corrupt data)",
                readAllError(f, 16L << 20));
        // the same bytes in memory
        assertEquals("forged.gz: at byte 31: expected the decompressed size 116 (mod 2^32), found 67108880 (corrupt data)",
                error(() -> IdxReader.parse("forged.gz", gz)));
    }

    /**
     * A forged trailer on a file large enough for its claim by deflate's 1032:1 bound: the header claims 20,500
     * images of 28x28 (64.3 MB of floats), the file holds random bytes, about 1/1032 of the claim, and its ISIZE
     * trailer was made to match the claim. Under a heap of 60 MB the floats do not fit; before saying so readAll
     * reads the file, and the trailer check names the byte, allocating only the bytes that are there. It said
     * "give java a larger heap" for a file whose data is not there (and, at 2^31 values from a 2 MB file, a larger
     * heap would have been allocated the claim before the truth came out).
     */
    @Test
    void aForgedTrailerWhoseClaimTheHeapCannotHoldIsNamedAsCorrupt() throws IOException {
        int N = 20_500;
        long claim = 16L + N * 784L;
        byte[] data = new byte[(int) (claim / IdxReader.IdxFile.MAX_DEFLATE_RATIO + 4096)];
        new java.util.Random(7).nextBytes(data);
        byte[] gz = Fixtures.gzip(Fixtures.idx(new int[] {N, 28, 28}, data));
        assertTrue(claim <= IdxReader.IdxFile.MAX_DEFLATE_RATIO * gz.length, "the file is large enough for its claim");
        java.nio.ByteBuffer.wrap(gz, gz.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) claim);
        Path f = Files.write(tmp.resolve("forged-large.gz"), gz);
        assertEquals(f + ": at byte " + (gz.length - 4) + ": expected the decompressed size " + (16 + data.length)
                + " (mod 2^32), found " + claim + " (corrupt data)", readAllError(List.of(f), 60_000_000, 16L << 20));
    }

    /**
     * Two sound files (trailers true) whose floats together exceed the heap: 300 + 200 images of 28x28 are 1.568 MB
     * of floats, refused under a 1.5 MB heap with the heap's message once both files have been read and found whole;
     * under 1.6 MB they load.
     */
    @Test
    void soundFilesTooLargeForTheHeapGetTheHeapsMessage() throws IOException {
        Path a = claiming("a.gz", 300, 28, 28, 300 * 784);
        Path b = claiming("b.gz", 200, 28, 28, 200 * 784);
        assertEquals("t: 500 images of 1x28x28 need 1.6 MB as floats and this JVM's heap holds at most 1.5 MB: give java"
                + " a larger heap (-Xmx), or read fewer images (a smaller limit: the limit argument of the reader or of"
                + " Datasets.open, --limit on the command line)", readAllError(List.of(a, b), 1_500_000, 16L << 20));
        try (ImageStream s = IdxReader.stream("t", List.of(a, b), null, 10, Integer.MAX_VALUE)) {
            assertEquals(500 * 784, ((IdxReader.IdxStream) s).readAll(1_600_000).images().length);
        }
    }

    /**
     * The message of readAll's failure on f, read on this thread while it allocates less than maxBytes (checked where the
     * JVM counts a thread's allocations): a file whose header claims more than it holds must not allocate the claim.
     */
    private static String readAllError(Path f, long maxBytes) {
        return AllocationBound.below(maxBytes, () -> {
            try (ImageStream s = IdxReader.stream("t", f, null, 10, Integer.MAX_VALUE)) {
                return error(s::readAll);
            }
        });
    }

    /** The message of readAll's failure on files against a heap limit of heap bytes, allocating less than maxBytes. */
    private static String readAllError(List<Path> files, long heap, long maxBytes) {
        return AllocationBound.below(maxBytes, () -> {
            try (ImageStream s = IdxReader.stream("t", files, null, 10, Integer.MAX_VALUE)) {
                return error(() -> ((IdxReader.IdxStream) s).readAll(heap));
            }
        });
    }

    /** Under the names mnist, mnist-test and fashion-mnist an IDX file must hold 28x28 images; another size names the file. */
    @Test
    void theNamedSetsRequire28x28() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data").resolve("mnist"));
        byte[][] good = Fixtures.mnistLike(2, 28, 28);
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(good[0]));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), Fixtures.gzip(good[1]));
        DataSource source = DataSource.of(List.of(tmp.resolve("data")), tmp.resolve("cache"));
        Dataset d = Datasets.load("mnist-test", source);
        assertEquals(2, d.size());
        assertArrayEquals(parse(good[0], good[1]).images(), d.images());

        // the same 784 bytes an image as 7x112: refused, not loaded as "mnist-test 2 x 1x7x112"
        byte[][] wide = Fixtures.mnistLike(2, 7, 112);
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(wide[0]));
        String m = error(() -> Datasets.load("mnist-test", source));
        assertEquals(dir.resolve("t10k-images-idx3-ubyte.gz") + ": at bytes 8..15: expected the mnist-test image size 28x28, found 7x112", m);
        // mnist names its training file, however few images are asked for
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(wide[0]));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), Fixtures.gzip(wide[1]));
        m = error(() -> Datasets.open("mnist", source, 1, 28, 28, 1).close());
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz") + ": at bytes 8..15: expected the mnist image size 28x28, found 7x112", m);
    }

    /** N images of 28x28, image n filled with the byte value[n], and their labels: an IDX pair. */
    private static byte[][] uniformImages(int[] value, int[] label) {
        int N = value.length, D = 28 * 28;
        byte[] pixels = new byte[N * D];
        byte[] labels = new byte[N];
        for (int n = 0; n < N; n++) {
            Arrays.fill(pixels, n * D, (n + 1) * D, (byte) value[n]);
            labels[n] = (byte) label[n];
        }
        return new byte[][] {Fixtures.idx(new int[] {N, 28, 28}, pixels), Fixtures.idx(new int[] {N}, labels)};
    }

    /**
     * mnist and fashion-mnist are the 60,000 training images followed by the 10,000 test images (Datasets' table,
     * docs: "train then test"). A training pair of 3 images (bytes 10, 20, 30; labels 1, 2, 3) and a test pair of 2
     * (bytes 200, 250; labels 7, 8) load as those 5 in that order; a limit takes the first images of that order.
     */
    @Test
    void theFullSetsAreTrainThenTest() throws IOException {
        byte[][] train = uniformImages(new int[] {10, 20, 30}, new int[] {1, 2, 3});
        byte[][] test = uniformImages(new int[] {200, 250}, new int[] {7, 8});
        int[] bytes = {10, 20, 30, 200, 250};
        int[] labels = {1, 2, 3, 7, 8};
        for (String name : List.of("mnist", "fashion-mnist")) {
            Path dir = Files.createDirectories(tmp.resolve("data-" + name).resolve(name));
            Files.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(train[0]));
            Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), Fixtures.gzip(train[1]));
            Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), Fixtures.gzip(test[0]));
            Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), Fixtures.gzip(test[1]));
            DataSource source = DataSource.of(List.of(tmp.resolve("data-" + name)), tmp.resolve("cache"));
            Dataset d = Datasets.load(name, source);
            assertEquals(5, d.size(), name);
            assertArrayEquals(labels, d.labels(), name);
            for (int n = 0; n < 5; n++) {
                for (int i = 0; i < 28 * 28; i++) {
                    assertEquals((float) (bytes[n] / 255.0), d.images()[n * 784 + i], name + " image " + n + " pixel " + i);
                }
            }
            // the first 4: all of train, then the first test image; the first 2: train only
            for (int limit : new int[] {4, 2}) {
                try (ImageStream s = Datasets.open(name, source, 1, 28, 28, limit)) {
                    Dataset first = s.readAll();
                    assertArrayEquals(Arrays.copyOf(labels, limit), first.labels(), name + " limit " + limit);
                    assertEquals((float) (bytes[limit - 1] / 255.0), first.images()[(limit - 1) * 784], name + " limit " + limit);
                }
            }
        }
    }

    @Test
    void emptyAndMissing() {
        byte[] zero = Fixtures.idx(new int[] {0, 28, 28}, new byte[0]);
        assertTrue(error(() -> parse(zero, null)).contains("at least one image"));
        assertTrue(error(() -> IdxReader.parse("f", new byte[0])).contains("the end of the data"));
        assertTrue(error(() -> IdxReader.read(tmp.resolve("nope.gz"))).contains("no such file"));
    }

    @Test
    void aStreamReadsOnlyAsFarAsItsLimit() throws IOException {
        byte[][] f = Fixtures.mnistLike(50, 3, 3);
        byte[] gz = Fixtures.gzip(f[0]);
        // the second half of the compressed images is gone: the first images are still there
        Path images = tmp.resolve("images.gz");
        Files.write(images, Arrays.copyOf(gz, gz.length / 2));
        Path labels = tmp.resolve("labels");
        Files.write(labels, f[1]);
        try (ImageStream s = IdxReader.stream("t", images, labels, 10, 5)) {
            assertEquals(5, s.size());
            Dataset d = s.readAll();
            assertArrayEquals(parse(f[0], f[1]).subset(0, 5).images(), d.images());
            assertEquals(10, d.numClasses(), "the set's classes, not those of the first 5 labels");
        }
        String m = error(() -> IdxReader.stream("t", images, labels, 10, Integer.MAX_VALUE).readAll());
        assertTrue(m.startsWith(images + ": at byte " + gz.length / 2 + ": expected more gzip data"), m);
        // batches of a whole file give the floats of the whole file, and its end is checked
        Files.write(images, gz);
        Dataset all = IdxReader.read("t", images, labels);
        try (ImageStream s = IdxReader.stream("t", images, labels, 10, Integer.MAX_VALUE)) {
            float[] x = new float[50 * 9];
            int n = 0;
            for (int r; (r = s.read(x, n * 9, 7)) > 0; ) {
                n += r;
            }
            assertEquals(50, n);
            assertArrayEquals(all.images(), x);
            assertArrayEquals(all.labels(), s.labels());
        }
    }

    /**
     * A member header with every optional field of RFC 1952 (FEXTRA of 258 bytes, its length little-endian 02 01, FNAME,
     * FCOMMENT and FHCRC, the CRC-16 of the header) is skipped field by field and the data read as from a plain header:
     * the JDK's writer sets none of these flags, so the other tests only ever pass the header's fixed ten bytes (and
     * ChecksumsTest an FNAME).
     */
    @Test
    void aGzipHeaderWithEveryOptionalFieldIsRead() throws IOException {
        byte[] raw = Fixtures.mnistLike(4, 3, 3)[0];
        byte[] plain = Fixtures.gzip(raw);
        java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
        h.write(plain, 0, 10);
        h.write(new byte[] {2, 1});                              // XLEN = 0x0102 = 258
        for (int i = 0; i < 258; i++) h.write(i % 2 == 0 ? 0x1f : 0x8b);
        h.writeBytes("images-idx3-ubyte\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        h.writeBytes("written by hand\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        byte[] header = h.toByteArray();
        header[3] = 2 | 4 | 8 | 16;                              // FHCRC, FEXTRA, FNAME, FCOMMENT
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header);
        byte[] full = Arrays.copyOf(header, header.length + 2 + plain.length - 10);
        full[header.length] = (byte) crc.getValue();
        full[header.length + 1] = (byte) (crc.getValue() >>> 8);
        System.arraycopy(plain, 10, full, header.length + 2, plain.length - 10);
        assertArrayEquals(IdxReader.parse("plain", raw).data(), IdxReader.parse("flags", full).data());
        // a header whose CRC-16 does not match it (here a byte of its file name damaged) is corrupt: it was read as good
        byte[] damaged = full.clone();
        damaged[10 + 2 + 258] ^= 0x20;                           // 'i' of the name becomes 'I'
        java.util.zip.CRC32 damagedCrc = new java.util.zip.CRC32();
        damagedCrc.update(damaged, 0, header.length);
        assertEquals(String.format("damaged: at byte %d: expected the header CRC-16 %04x (FHCRC), found %04x (corrupt header)",
                header.length, damagedCrc.getValue() & 0xFFFF, crc.getValue() & 0xFFFF), error(() -> IdxReader.parse("damaged", damaged)));
        // the same header on the second member of two
        byte[] two = Arrays.copyOf(plain, plain.length + full.length);
        System.arraycopy(full, 0, two, plain.length, full.length);
        Path f = Files.write(tmp.resolve("two.gz"), two);
        byte[] twice = Arrays.copyOf(raw, 2 * raw.length);
        System.arraycopy(raw, 0, twice, raw.length, raw.length);
        assertEquals(Checksums.sha256(twice), Checksums.sha256Gunzipped(f));
    }

    @Test
    void bytesAfterTheGzipDataAreAnError() throws IOException {
        byte[] good = Fixtures.gzip(Fixtures.mnistLike(4, 3, 3)[0]);
        byte[] garbage = Arrays.copyOf(good, good.length + 3);
        garbage[good.length] = 'x';
        String m = error(() -> IdxReader.parse("g", garbage));
        assertTrue(m.equals("g: at byte " + good.length + ": expected the end of the file after the gzip data (or another gzip member), found more bytes: 78 00 …"), m);
        // two members are one valid stream
        byte[] a = Fixtures.gzip(Arrays.copyOf(Fixtures.mnistLike(4, 3, 3)[0], 20));
        byte[] b = Fixtures.gzip(Arrays.copyOfRange(Fixtures.mnistLike(4, 3, 3)[0], 20, 52));
        byte[] two = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, two, a.length, b.length);
        assertArrayEquals(IdxReader.parse("one", Fixtures.mnistLike(4, 3, 3)[0]).data(), IdxReader.parse("two", two).data());
        // a wrong CRC-32 in the trailer
        byte[] badCrc = good.clone();
        badCrc[good.length - 8] ^= 1;
        assertTrue(error(() -> IdxReader.parse("g", badCrc)).contains("at byte " + (good.length - 8) + ": expected the CRC-32"));
    }

    /**
     * A gzip file cut short, in its header or in its data, names the byte where it ends (its length): the message said
     * "at gzip stream", no position.
     */
    @Test
    void aTruncatedGzipFileNamesTheByteWhereItEnds() throws IOException {
        byte[] gz = Fixtures.gzip(new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3});
        for (int cut : new int[] {5, gz.length - 9}) {
            Path f = Files.write(tmp.resolve("cut" + cut + ".gz"), Arrays.copyOf(gz, cut));
            assertEquals(f + ": at byte " + cut + ": expected more gzip data, found the end of the file (truncated download?)",
                    error(() -> IdxReader.read(f)));
        }
    }
}
