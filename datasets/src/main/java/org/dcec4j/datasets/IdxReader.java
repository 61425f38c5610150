package org.dcec4j.datasets;

import org.dcec4j.datasets.cli.Counts;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reader of IDX files (the MNIST / Fashion-MNIST format), raw or gzipped.
 *
 * <p>Format, all integers big-endian: magic = {@code 0x00 0x00 type rank}, then rank dimensions as
 * 32-bit integers, then the product of the dimensions as elements, row-major. Only type 0x08
 * (unsigned byte) is read. The dimensions are checked against the bytes actually present before
 * anything of that size is allocated: a header that claims 2³¹ images is a {@link DatasetException},
 * never an OutOfMemoryError. Gzip files are read by {@link GzipStream}, which refuses bytes after the
 * gzip data.
 *
 * <p>{@link #stream} reads an image file and its labels in order, a batch at a time, and only as far as
 * asked: the first {@code limit} images of a 70,000-image set are all that is decoded.
 */
public final class IdxReader {
    /** Type byte of unsigned 8-bit elements. */
    public static final int TYPE_UBYTE = 0x08;
    /** Largest rank read (MNIST uses 1 for labels and 3 for images). */
    public static final int MAX_RANK = 4;

    /** x/255 for every byte value x, rounded once to float (as numpy's float64 x/255 cast to float32). */
    private static final float[] BYTE_TO_UNIT = new float[256];

    static {
        for (int x = 0; x < 256; x++) {
            BYTE_TO_UNIT[x] = (float) (x / 255.0);
        }
    }

    private IdxReader() {
    }

    /**
     * One IDX file: its dimensions and its elements.
     *
     * @param dims   the dimensions from the header
     * @param data   the elements start at {@code offset}; exactly product(dims) of them follow
     * @param offset index of the first element in data
     */
    public record Idx(int[] dims, byte[] data, int offset) {
        /** product(dims). */
        public int count() {
            long P = 1;
            for (int d : dims) {
                P *= d;
            }
            return (int) P;
        }
    }

    /** Reads an IDX file, gzipped or raw (decided by its first two bytes). */
    public static Idx read(Path file) {
        try (IdxFile f = IdxFile.open(file)) {
            return f.readAll();
        }
    }

    /** Parses IDX bytes held in memory, gzipped or raw. bytes: read only. */
    public static Idx parse(String source, byte[] bytes) {
        try (IdxFile f = IdxFile.open(source, bytes)) {
            return f.readAll();
        }
    }

    /**
     * An IDX file opened for reading in order: the header read and checked (for a raw file, against the
     * file's size), the elements read on demand.
     */
    static final class IdxFile implements Closeable {
        final String source;
        final int[] dims;
        /** product(dims), at most 2^31 - 65. */
        final long count;
        final int headerLength;
        final boolean gzip;
        private final InputStream in;
        /** Elements read so far. */
        private long done;

        /** A gzip file's ISIZE trailer (its last member's length mod 2^32), -1 when unknown or not gzip. */
        private final long gzipTrailer;
        /** A gzip file's compressed size in bytes, -1 when not gzip. */
        private final long gzipSize;

        /**
         * The most bytes one byte of deflate data decompresses to: a length of 258 bytes coded in one bit and its
         * distance in another, 1032 a byte (zlib's documented limit).
         */
        static final long MAX_DEFLATE_RATIO = 1032;

        private IdxFile(String source, InputStream in, boolean gzip, long knownLength) throws IOException {
            this(source, in, gzip, knownLength, -1, -1);
        }

        private IdxFile(String source, InputStream in, boolean gzip, long knownLength, long gzipTrailer, long gzipSize) throws IOException {
            this.source = source;
            this.in = in;
            this.gzip = gzip;
            this.gzipTrailer = gzipTrailer;
            this.gzipSize = gzipSize;
            byte[] magic = new byte[4];
            readHeader(magic, 0, "the 4-byte IDX magic number");
            if (magic[0] != 0 || magic[1] != 0) {
                throw DatasetException.at(source, "byte 0", "IDX magic 0x0000TTRR (two zero bytes, type, rank)",
                        String.format("0x%02X%02X%02X%02X", magic[0], magic[1], magic[2], magic[3]));
            }
            if ((magic[2] & 0xFF) != TYPE_UBYTE) {
                throw DatasetException.at(source, "byte 2", "IDX type 0x08 (unsigned byte: magic 0x000008RR)",
                        "magic " + magic(magic[2] & 0xFF, magic[3] & 0xFF) + String.format(" (type 0x%02X)", magic[2] & 0xFF));
            }
            int rank = magic[3] & 0xFF;
            if (rank < 1 || rank > MAX_RANK) {
                throw DatasetException.at(source, "byte 3", "an IDX rank from 1 to " + MAX_RANK + " (magic " + magic(TYPE_UBYTE, 1)
                        + " to " + magic(TYPE_UBYTE, MAX_RANK) + ")", "magic " + magic(TYPE_UBYTE, rank) + " (rank " + rank + ")");
            }
            byte[] header = new byte[4 * rank];
            readHeader(header, 4, rank + " dimension(s) of 4 bytes");
            dims = new int[rank];
            long P = 1;
            for (int r = 0; r < rank; r++) {
                int i = 4 * r;
                dims[r] = ((header[i] & 0xFF) << 24) | ((header[i + 1] & 0xFF) << 16) | ((header[i + 2] & 0xFF) << 8) | (header[i + 3] & 0xFF);
                if (dims[r] < 0) {
                    throw DatasetException.at(source, "byte " + (4 + i), "a dimension from 0 to 2^31-1", Integer.toUnsignedString(dims[r]));
                }
                P *= dims[r];
                if (P > Integer.MAX_VALUE - 64) {
                    throw DatasetException.at(source, "bytes 4.." + (4 + 4 * rank - 1), "dimensions whose product fits in an array (< 2^31)",
                            "dimensions " + Arrays.toString(Arrays.copyOf(dims, r + 1)) + "...");
                }
            }
            count = P;
            headerLength = 4 + 4 * rank;
            // a raw file: the claim is checked against the size before anything is allocated
            if (knownLength >= 0 && knownLength - headerLength != P) {
                // the position: where the file ends early, or its first byte past the data the header describes
                long at = Math.min(knownLength, headerLength + P);
                throw DatasetException.at(source, "byte " + at, headerLength + P + " bytes in total (header + " + P
                        + " elements for dimensions " + Arrays.toString(dims) + ")", knownLength + " bytes");
            }
        }

        static IdxFile open(Path file) {
            String source = file.toString();
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                if (b0 == Bytes.GZIP_MAGIC_0 && b1 == Bytes.GZIP_MAGIC_1) {
                    return new IdxFile(source, new GzipStream(raw, source), true, -1, trailer(file), Files.size(file));
                }
                return new IdxFile(source, raw, false, Files.size(file));
            } catch (NoSuchFileException e) {
                closeQuietly(raw);
                throw new DatasetException(file + ": no such file", e);
            } catch (IOException e) {
                closeQuietly(raw);
                throw new DatasetException(IoErrors.describe(file, e), e);
            } catch (RuntimeException e) {
                closeQuietly(raw);
                throw e;
            }
        }

        static IdxFile open(String source, byte[] bytes) {
            try {
                if (Bytes.isGzip(bytes)) {
                    long isize = bytes.length < 18 ? -1 : (bytes[bytes.length - 4] & 0xFFL) | (bytes[bytes.length - 3] & 0xFFL) << 8
                            | (bytes[bytes.length - 2] & 0xFFL) << 16 | (bytes[bytes.length - 1] & 0xFFL) << 24;
                    return new IdxFile(source, new GzipStream(new ByteArrayInputStream(bytes), source), true, -1, isize, bytes.length);
                }
                return new IdxFile(source, new ByteArrayInputStream(bytes), false, bytes.length);
            } catch (IOException e) {
                throw new DatasetException(IoErrors.describe(source, e), e);
            }
        }

        /** The last 4 bytes of a gzip file, little-endian (ISIZE), or -1 when it is too short to have them. */
        private static long trailer(Path file) throws IOException {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                long size = ch.size();
                if (size < 18) {
                    return -1;
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                while (b.hasRemaining() && ch.read(b, size - 4 + b.position()) >= 0) {
                    // until the 4 bytes are in
                }
                return b.hasRemaining() ? -1 : b.getInt(0) & 0xFFFFFFFFL;
            }
        }

        /**
         * Whether the data can be trusted to be as long as the header claims before it is read: a raw file's size was
         * checked exactly; a gzip file's ISIZE trailer must equal the header plus the claimed elements (mod 2^32). A
         * truncated file's last 4 bytes are data, not its length, and a multi-member file's trailer is its last member's:
         * those are read into a buffer that grows with the data instead. So is a file too small to decompress to that
         * length ({@link #MAX_DEFLATE_RATIO}): a 35-byte file whose trailer matched a header claiming 16384x16384 pixels
         * (a forged or damaged trailer) had 1 GB of floats allocated before the data was found missing. The ratio still
         * lets a 2 MB file claim 2^31 values, 8.6 GB of floats: {@link IdxStream#readAll} reads a trusted part's data
         * before it reports floats that the heap cannot hold, so a forged claim is named for what it is.
         */
        boolean lengthKnown() {
            return !gzip || gzipTrailer == ((headerLength + count) & 0xFFFFFFFFL) && headerLength + count <= MAX_DEFLATE_RATIO * gzipSize;
        }

        private static void closeQuietly(InputStream in) {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }

        private void readHeader(byte[] bytes, int position, String what) throws IOException {
            try {
                Bytes.readFully(in, bytes, 0, bytes.length);
            } catch (EOFException e) {
                throw DatasetException.at(source, "byte " + position, what, "the end of the data");
            }
        }

        /** "byte 123" in a raw file, "decompressed byte 123" in a gzip one. */
        String position(long element) {
            return (gzip ? "decompressed byte " : "byte ") + (headerLength + element);
        }

        /** The next len elements into dst[off..]; a DatasetException when the data ends first. */
        void elements(byte[] dst, int off, int len) {
            int got = 0;
            try {
                while (got < len) {
                    int r = in.read(dst, off + got, len - got);
                    if (r < 0) {
                        break;
                    }
                    got += r;
                }
            } catch (IOException e) {
                throw new DatasetException(IoErrors.describe(source, e), e);
            }
            if (got < len) {
                throw DatasetException.at(source, position(done + got), count + " element bytes for dimensions " + Arrays.toString(dims),
                        "only " + (done + got) + " (truncated file?)");
            }
            done += len;
        }

        /** After the last element: the data must end here. */
        void expectEnd() {
            int more;
            try {
                more = in.read();
            } catch (IOException e) {
                throw new DatasetException(IoErrors.describe(source, e), e);
            }
            if (more >= 0) {
                throw DatasetException.at(source, position(count), "the end of the data after " + count + " elements for dimensions "
                        + Arrays.toString(dims), "more bytes");
            }
        }

        /**
         * The next n elements. A raw file's size is known to match; a gzip file is read into a buffer that grows
         * with the bytes actually decompressed, never sized from the header's claim.
         */
        byte[] elementsGrowing(int n) {
            if (!gzip) {
                byte[] data = new byte[n];
                elements(data, 0, n);
                return data;
            }
            byte[] data = new byte[Math.min(n, 1 << 16)];
            int got = 0;
            while (got < n) {
                if (got == data.length) {
                    data = Arrays.copyOf(data, (int) Math.min(n, 2L * got));
                }
                int r;
                try {
                    r = in.read(data, got, data.length - got);
                } catch (IOException e) {
                    throw new DatasetException(IoErrors.describe(source, e), e);
                }
                if (r < 0) {
                    throw DatasetException.at(source, position(done + got), count + " element bytes for dimensions " + Arrays.toString(dims),
                            "only " + (done + got) + " (truncated file?)");
                }
                got += r;
            }
            done += n;
            return data;
        }

        /** Every element, then the data's end checked. */
        Idx readAll() {
            byte[] data = elementsGrowing((int) count);
            expectEnd();
            return new Idx(dims, data, 0);
        }

        @Override
        public void close() {
            closeQuietly(in);
        }
    }

    /**
     * Images (rank 3, N×H×W) and labels (rank 1, N) as a 1-channel data set, pixels x/255.
     *
     * @param labels null for an unlabeled set
     */
    public static Dataset toDataset(String name, String imagesSource, Idx images, String labelsSource, Idx labels) {
        int[] NHW = imageDims(imagesSource, images.dims());
        int N = NHW[0];
        int[] y = null;
        if (labels != null) {
            labelDims(labelsSource, labels.dims(), N, imagesSource);
            y = new int[N];
            byte[] b = labels.data();
            int o = labels.offset();
            for (int n = 0; n < N; n++) {
                y[n] = b[o + n] & 0xFF;
            }
        }
        return new Dataset(name, 1, NHW[1], NHW[2], toUnit(images.data(), images.offset(), images.count()), y);
    }

    /** The 4-byte magic of a type and rank as IDX's documentation writes it: 0x00000803 for unsigned-byte images. */
    static String magic(int type, int rank) {
        return String.format("0x0000%02X%02X", type, rank);
    }

    private static int[] imageDims(String source, int[] dims) {
        if (dims.length != 3) {
            throw DatasetException.at(source, "byte 3", "an image file, magic " + magic(TYPE_UBYTE, 3) + " (rank 3: N, H, W)",
                    "magic " + magic(TYPE_UBYTE, dims.length) + " (rank " + dims.length + ")");
        }
        if (dims[0] == 0 || dims[1] == 0 || dims[2] == 0) {
            throw DatasetException.at(source, "byte 4", "at least one image of at least 1x1 pixels", Counts.of(dims[0], "image") + " of " + dims[1] + "x" + dims[2]);
        }
        return dims;
    }

    private static void labelDims(String source, int[] dims, int N, String imagesSource) {
        if (dims.length != 1) {
            throw DatasetException.at(source, "byte 3", "a label file, magic " + magic(TYPE_UBYTE, 1) + " (rank 1: N)",
                    "magic " + magic(TYPE_UBYTE, dims.length) + " (rank " + dims.length + ")");
        }
        if (dims[0] != N) {
            throw DatasetException.at(source, "byte 4", Counts.of(N, "label") + " (as many as images in " + imagesSource + ")", Counts.of(dims[0], "label"));
        }
    }

    /** x/255 for count bytes from offset. bytes: read only; returns a new array. */
    static float[] toUnit(byte[] bytes, int offset, int count) {
        float[] x = new float[count];
        toUnit(x, 0, bytes, offset, count);
        return x;
    }

    /** x[o + i] = bytes[offset + i] / 255 for i < count. x: written; bytes: read only. */
    static void toUnit(float[] x, int o, byte[] bytes, int offset, int count) {
        for (int i = 0; i < count; i++) {
            x[o + i] = BYTE_TO_UNIT[bytes[offset + i] & 0xFF];
        }
    }

    /** Reads an image file and a label file (either may be gzipped) into a data set. */
    public static Dataset read(String name, Path imagesFile, Path labelsFile) {
        Idx labels = labelsFile == null ? null : read(labelsFile);
        Idx images = read(imagesFile);
        return toDataset(name, imagesFile.toString(), images, labelsFile == null ? null : labelsFile.toString(), labels);
    }

    /**
     * The first {@code limit} images of an image file and their labels, read in order a batch at a time:
     * only the header and those images' bytes are read. Every label read must be below {@code classes}
     * (an error names the file and the byte). When the whole file is read, its end is checked too.
     *
     * @param labelsFile null for an unlabeled set
     * @param classes    the set's number of classes (10 for MNIST and Fashion-MNIST)
     */
    public static ImageStream stream(String name, Path imagesFile, Path labelsFile, int classes, int limit) {
        return stream(name, List.of(imagesFile), labelsFile == null ? null : List.of(labelsFile), classes, limit);
    }

    /**
     * The same over several image files of one geometry (MNIST's training then test file), as one set: the
     * later files are opened only when the limit reaches them.
     */
    public static ImageStream stream(String name, List<Path> imageFiles, List<Path> labelFiles, int classes, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<IdxFile> parts = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int[] y = labelFiles == null ? null : new int[0];
        int N = 0;
        int H = 0;
        int W = 0;
        try {
            for (int f = 0; f < imageFiles.size() && N < limit; f++) {
                IdxFile images = IdxFile.open(imageFiles.get(f));
                parts.add(images);
                int[] NHW = imageDims(images.source, images.dims);
                if (f == 0) {
                    H = NHW[1];
                    W = NHW[2];
                } else if (NHW[1] != H || NHW[2] != W) {
                    throw DatasetException.at(images.source, "bytes 8..15", H + "x" + W + " images like " + parts.get(0).source,
                            NHW[1] + "x" + NHW[2]);
                }
                int n = (int) Math.min(NHW[0], (long) limit - N);
                if (y != null) {
                    int[] more = readLabels(labelFiles.get(f), images.source, NHW[0], n, classes);
                    y = Arrays.copyOf(y, N + n);
                    System.arraycopy(more, 0, y, N, n);
                }
                counts.add(n);
                N += n;
            }
        } catch (RuntimeException e) {
            for (IdxFile p : parts) {
                p.close();
            }
            throw e;
        }
        return new IdxStream(name, parts, counts, N, H, W, y, y == null ? 0 : classes);
    }

    /** The first n labels of a label file, each checked to be below classes. */
    private static int[] readLabels(Path file, String imagesSource, int N, int n, int classes) {
        try (IdxFile labels = IdxFile.open(file)) {
            labelDims(labels.source, labels.dims, N, imagesSource);
            byte[] b = labels.elementsGrowing(n);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                int label = b[i] & 0xFF;
                if (label >= classes) {
                    throw DatasetException.at(labels.source, labels.position(i) + " (the label of image " + i + ")",
                            "a label from 0 to " + (classes - 1), Integer.toString(label));
                }
                y[i] = label;
            }
            if (n == N) {
                labels.expectEnd();
            }
            return y;
        }
    }

    /** The images of IDX files in order, bytes → floats a batch at a time. */
    static final class IdxStream implements ImageStream {
        private final String name;
        private final List<IdxFile> parts;
        /** How many images are read from each part. */
        private final List<Integer> counts;
        private final int N;
        private final int H;
        private final int W;
        private final int[] labels;
        private final int classes;
        private byte[] buffer = new byte[0];
        /** The part being read and the images read from it. */
        private int part;
        private int inPart;
        private int next;

        IdxStream(String name, List<IdxFile> parts, List<Integer> counts, int N, int H, int W, int[] labels, int classes) {
            this.name = name;
            this.parts = parts;
            this.counts = counts;
            this.N = N;
            this.H = H;
            this.W = W;
            this.labels = labels;
            this.classes = classes;
        }

        @Override public String name() { return name; }
        @Override public int size() { return N; }
        @Override public int channels() { return 1; }
        @Override public int height() { return H; }
        @Override public int width() { return W; }
        @Override public int[] labels() { return labels; }
        @Override public int numClasses() { return classes; }

        @Override
        public int read(float[] x, int offset, int max) {
            while (part < parts.size() && inPart == counts.get(part)) {
                part++;
                inPart = 0;
            }
            if (part == parts.size() || max <= 0) {
                return 0;
            }
            IdxFile f = parts.get(part);
            int n = Math.min(max, counts.get(part) - inPart);
            int D = H * W;
            if (buffer.length < n * D) {
                buffer = new byte[n * D];
            }
            f.elements(buffer, 0, n * D);
            toUnit(x, offset, buffer, 0, n * D);
            inPart += n;
            next += n;
            if (inPart == f.dims[0]) {
                f.expectEnd();
            }
            return n;
        }

        /**
         * The floats in one array. A part whose length is known before it is read ({@link IdxFile#lengthKnown}: a raw
         * file's size, a gzip file's ISIZE trailer) goes into the floats a batch at a time (4 bytes a value). Any other
         * gzip part's bytes come first, in a buffer that grows with the data: a truncated file fails with a message
         * before the claimed floats are allocated (peak memory 5 bytes a value, the bytes and the floats). Floats the
         * heap cannot hold are a DatasetException ({@link Dataset#newImageArray}), after the parts read into the floats
         * directly have been read into buffers instead: a forged trailer's claim, which the heap may not hold, is then
         * reported as the corrupt file it is.
         */
        @Override
        public Dataset readAll() {
            return readAll(Runtime.getRuntime().maxMemory());
        }

        /** {@link #readAll()} against a heap limit of maxHeapBytes. */
        Dataset readAll(long maxHeapBytes) {
            if (next != 0) {
                throw new IllegalStateException("readAll after read");
            }
            int D = H * W;
            Dataset.arrayLength(name, N, 1, H, W);      // a set larger than one array: refused before any reading
            byte[][] unzipped = new byte[parts.size()][];
            for (int p = 0; p < parts.size(); p++) {
                if (!parts.get(p).lengthKnown()) {
                    unzipped[p] = readGrowing(p, D);
                }
            }
            float[] x;
            try {
                x = Dataset.newImageArray(name, N, 1, H, W, maxHeapBytes);
            } catch (DatasetException tooLarge) {
                // before blaming the heap, read the parts whose trailers were trusted: a file that does not hold
                // its claim (a forged trailer, which may be why the floats do not fit) is named for that instead
                try {
                    for (int p = 0; p < parts.size(); p++) {
                        if (unzipped[p] == null) {
                            unzipped[p] = readGrowing(p, D);
                        }
                    }
                } catch (OutOfMemoryError e) {
                    // the data is there and does not fit either
                }
                throw tooLarge;
            }
            int o = 0;
            for (int p = 0; p < parts.size(); p++) {
                IdxFile f = parts.get(p);
                int n = counts.get(p) * D;
                if (unzipped[p] != null) {
                    toUnit(x, o, unzipped[p], 0, n);
                    unzipped[p] = null;
                } else {
                    byte[] batch = new byte[Math.min(n, 1 << 22)];
                    for (int done = 0; done < n; ) {
                        int k = Math.min(batch.length, n - done);
                        f.elements(batch, 0, k);
                        toUnit(x, o + done, batch, 0, k);
                        done += k;
                    }
                    if (counts.get(p) == f.dims[0]) {
                        f.expectEnd();
                    }
                }
                o += n;
            }
            next = N;
            return new Dataset(name, 1, H, W, x, labels, labels == null ? -1 : classes);
        }

        /** Part p's elements (its count of images of D values) in a buffer that grows with the data, its end checked. */
        private byte[] readGrowing(int p, int D) {
            IdxFile f = parts.get(p);
            byte[] bytes = f.elementsGrowing(counts.get(p) * D);
            if (counts.get(p) == f.dims[0]) {
                f.expectEnd();
            }
            return bytes;
        }

        @Override
        public void close() {
            for (IdxFile f : parts) {
                f.close();
            }
        }
    }
}
