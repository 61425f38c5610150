package org.dcec4j.datasets;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files (the MNIST / Fashion-MNIST format), raw or gzipped.
 *
 * <p>Format, all integers big-endian: magic = {@code 0x00 0x00 type rank}, then rank dimensions as
 * 32-bit integers, then the product of the dimensions as elements, row-major. Only type 0x08
 * (unsigned byte) is read. The dimensions are checked against the bytes actually present before
 * anything of that size is allocated: a header that claims 2³¹ images is a {@link DatasetException},
 * never an OutOfMemoryError.
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
        String source = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == Bytes.GZIP_MAGIC_0 && b1 == Bytes.GZIP_MAGIC_1) {
                return parse(source, new GZIPInputStream(raw, 1 << 16), -1, 8 * Files.size(file));
            }
            long size = Files.size(file);
            return parse(source, raw, size, size);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file", e);
        } catch (IOException e) {
            throw Bytes.gzipError(source, e, -1);
        }
    }

    /** Parses IDX bytes held in memory, gzipped or raw. bytes: read only. */
    public static Idx parse(String source, byte[] bytes) {
        try {
            if (Bytes.isGzip(bytes)) {
                return parse(source, new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16), -1, 8L * bytes.length);
            }
            return parse(source, new ByteArrayInputStream(bytes), bytes.length, bytes.length);
        } catch (IOException e) {
            throw Bytes.gzipError(source, e, -1);
        }
    }

    /**
     * @param knownLength the total (decompressed) length when known, else -1
     * @param guess       a first buffer size when the length is unknown
     */
    private static Idx parse(String source, InputStream in, long knownLength, long guess) throws IOException {
        byte[] magic = new byte[4];
        readHeader(source, in, magic, 0, "the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0) {
            throw DatasetException.at(source, "byte 0", "IDX magic 0x0000TTRR (two zero bytes, type, rank)",
                    String.format("0x%02X%02X%02X%02X", magic[0], magic[1], magic[2], magic[3]));
        }
        if ((magic[2] & 0xFF) != TYPE_UBYTE) {
            throw DatasetException.at(source, "byte 2", "IDX type 0x08 (unsigned byte)",
                    String.format("0x%02X", magic[2] & 0xFF));
        }
        int rank = magic[3] & 0xFF;
        if (rank < 1 || rank > MAX_RANK) {
            throw DatasetException.at(source, "byte 3", "an IDX rank from 1 to " + MAX_RANK, Integer.toString(rank));
        }
        byte[] header = new byte[4 * rank];
        readHeader(source, in, header, 4, rank + " dimension(s) of 4 bytes");
        int[] dims = new int[rank];
        long P = 1;
        for (int r = 0; r < rank; r++) {
            int i = 4 * r;
            dims[r] = ((header[i] & 0xFF) << 24) | ((header[i + 1] & 0xFF) << 16)
                    | ((header[i + 2] & 0xFF) << 8) | (header[i + 3] & 0xFF);
            if (dims[r] < 0) {
                throw DatasetException.at(source, "byte " + (4 + i), "a dimension from 0 to 2^31-1",
                        Integer.toUnsignedString(dims[r]));
            }
            P *= dims[r];
            if (P > Integer.MAX_VALUE - 64) {
                throw DatasetException.at(source, "bytes 4.." + (4 + 4 * rank - 1),
                        "dimensions whose product fits in an array (< 2^31)",
                        "dimensions " + java.util.Arrays.toString(java.util.Arrays.copyOf(dims, r + 1)) + "...");
            }
        }
        int headerLength = 4 + 4 * rank;
        if (knownLength >= 0) {
            // raw file: the claim is checked against the size before anything is allocated
            if (knownLength - headerLength != P) {
                throw DatasetException.at(source, "byte " + headerLength, headerLength + P
                        + " bytes in total (header + " + P + " elements for dimensions "
                        + java.util.Arrays.toString(dims) + ")", knownLength + " bytes");
            }
            byte[] data = new byte[(int) P];
            try {
                Bytes.readFully(in, data, 0, (int) P);
            } catch (EOFException e) {
                throw DatasetException.at(source, "byte " + headerLength, P + " element bytes", "fewer (file changed while read?)");
            }
            return new Idx(dims, data, 0);
        }
        // compressed: the buffer grows with what is decompressed, so memory follows the real data
        byte[] data;
        try {
            data = Bytes.readAll(source, in, P, Math.min(P, guess));
        } catch (DatasetException e) {
            throw DatasetException.at(source, "decompressed byte " + (headerLength + P),
                    "the end of the data after " + P + " elements for dimensions " + java.util.Arrays.toString(dims),
                    "more bytes");
        } catch (IOException e) {
            throw Bytes.gzipError(source, e, -1);
        }
        if (data.length != P) {
            throw DatasetException.at(source, "decompressed byte " + (headerLength + data.length),
                    P + " element bytes for dimensions " + java.util.Arrays.toString(dims),
                    "only " + data.length + " (truncated file?)");
        }
        return new Idx(dims, data, 0);
    }

    private static void readHeader(String source, InputStream in, byte[] bytes, int position, String what)
            throws IOException {
        try {
            Bytes.readFully(in, bytes, 0, bytes.length);
        } catch (EOFException e) {
            throw DatasetException.at(source, "byte " + position, what, "the end of the data");
        }
    }

    /**
     * Images (rank 3, N×H×W) and labels (rank 1, N) as a 1-channel data set, pixels x/255.
     *
     * @param labels null for an unlabeled set
     */
    public static Dataset toDataset(String name, String imagesSource, Idx images, String labelsSource, Idx labels) {
        if (images.dims().length != 3) {
            throw DatasetException.at(imagesSource, "byte 3", "an image file of rank 3 (N, H, W)",
                    "rank " + images.dims().length);
        }
        int N = images.dims()[0];
        int H = images.dims()[1];
        int W = images.dims()[2];
        if (N == 0 || H == 0 || W == 0) {
            throw DatasetException.at(imagesSource, "byte 4", "at least one image of at least 1x1 pixels",
                    N + " images of " + H + "x" + W);
        }
        int[] y = null;
        if (labels != null) {
            if (labels.dims().length != 1) {
                throw DatasetException.at(labelsSource, "byte 3", "a label file of rank 1 (N)",
                        "rank " + labels.dims().length);
            }
            if (labels.dims()[0] != N) {
                throw DatasetException.at(labelsSource, "byte 4", N + " labels (as many as images in " + imagesSource + ")",
                        labels.dims()[0] + " labels");
            }
            y = new int[N];
            byte[] b = labels.data();
            int o = labels.offset();
            for (int n = 0; n < N; n++) {
                y[n] = b[o + n] & 0xFF;
            }
        }
        return new Dataset(name, 1, H, W, toUnit(images.data(), images.offset(), images.count()), y);
    }

    /** x/255 for count bytes from offset. bytes: read only; returns a new array. */
    static float[] toUnit(byte[] bytes, int offset, int count) {
        float[] x = new float[count];
        for (int i = 0; i < count; i++) {
            x[i] = BYTE_TO_UNIT[bytes[offset + i] & 0xFF];
        }
        return x;
    }

    /** Reads an image file and a label file (either may be gzipped) into a data set. */
    public static Dataset read(String name, Path imagesFile, Path labelsFile) {
        Idx labels = labelsFile == null ? null : read(labelsFile);
        Idx images = read(imagesFile);
        return toDataset(name, imagesFile.toString(), images, labelsFile == null ? null : labelsFile.toString(), labels);
    }
}
