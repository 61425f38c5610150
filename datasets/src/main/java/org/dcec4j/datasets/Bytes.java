package org.dcec4j.datasets;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipException;

/** Whole-file reading with gzip detection and a size limit, every failure as a {@link DatasetException}. */
final class Bytes {
    /** The two first bytes of every gzip member. */
    static final int GZIP_MAGIC_0 = 0x1f;
    static final int GZIP_MAGIC_1 = 0x8b;

    private Bytes() {
    }

    /** Whether bytes start like a gzip stream. bytes: read only. */
    static boolean isGzip(byte[] bytes) {
        return bytes.length >= 2 && (bytes[0] & 0xFF) == GZIP_MAGIC_0 && (bytes[1] & 0xFF) == GZIP_MAGIC_1;
    }

    /** The file's bytes as stored (not decompressed). */
    static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DatasetException(IoErrors.describe(file, e), e);
        } catch (OutOfMemoryError e) {
            throw new DatasetException(file + ": cannot be read: too large for the Java heap (" + e.getMessage() + ")", e);
        }
    }

    /**
     * bytes as they are, or decompressed when they start with the gzip magic.
     *
     * @param source   a name for messages
     * @param bytes    read only; returned as is when not gzipped
     * @param maxBytes a decompressed size beyond this is an error (a guard against gzip bombs)
     */
    static byte[] maybeGunzip(String source, byte[] bytes, long maxBytes) {
        if (!isGzip(bytes)) {
            return bytes;
        }
        try (InputStream in = new GzipStream(new ByteArrayInputStream(bytes), source)) {
            return readAll(source, in, maxBytes, bytes.length * 4L);
        } catch (IOException e) {
            throw gzipError(source, e, -1);
        }
    }

    /**
     * Everything left in the stream, in a buffer that grows with what is actually read (never sized
     * from a claim in the data).
     *
     * @param initialGuess a capacity to start with; clamped to [4096, maxBytes]
     */
    static byte[] readAll(String source, InputStream in, long maxBytes, long initialGuess) throws IOException {
        long start = Math.min(Math.max(4096, Math.min(initialGuess, maxBytes)), maxBytes);
        int capacity = (int) Math.min(start, Integer.MAX_VALUE - 8);
        byte[] buffer = new byte[capacity];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (length >= maxBytes || length >= Integer.MAX_VALUE - 8) {
                    if (in.read() < 0) {
                        return buffer;
                    }
                    throw new DatasetException(source + ": at byte " + length + ": expected the end of the data (at most "
                            + maxBytes + " bytes), found more");
                }
                long grown = Math.min(Math.min(2L * length, maxBytes), Integer.MAX_VALUE - 8);
                buffer = Arrays.copyOf(buffer, (int) grown);
            }
            int r = in.read(buffer, length, buffer.length - length);
            if (r < 0) {
                return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
            }
            length += r;
        }
    }

    /** Reads exactly {@code length} bytes into bytes[offset …] or throws EOFException. bytes: written. */
    static void readFully(InputStream in, byte[] bytes, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int r = in.read(bytes, offset + done, length - done);
            if (r < 0) {
                throw new EOFException("end of data after " + done + " of " + length + " bytes");
            }
            done += r;
        }
    }

    /** A decompression failure as a DatasetException naming the file and, when known, the byte. */
    static DatasetException gzipError(String source, IOException e, long decompressedPosition) {
        String where = decompressedPosition >= 0 ? "decompressed byte " + decompressedPosition : "gzip stream";
        if (e instanceof EOFException) {
            return new DatasetException(source + ": at " + where
                    + ": expected more gzip data, found the end of the file (truncated download?)", e);
        }
        if (e instanceof ZipException) {
            return new DatasetException(source + ": at " + where + ": expected a valid gzip stream, found corrupt data ("
                    + e.getMessage() + ")", e);
        }
        return new DatasetException(source + ": cannot be read at " + where + ": " + e, e);
    }
}
