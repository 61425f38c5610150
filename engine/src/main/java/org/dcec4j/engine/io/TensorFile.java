package org.dcec4j.engine.io;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * dcec4j's file of named float32 tensors (model weights, optimiser state, checkpoints).
 *
 * <p>Format, version 1, all integers and floats big-endian:
 * <pre>
 *   bytes  0..3   magic "DC4J"
 *   int32         version = 1
 *   int32         number of metadata entries M; M × (key: uint16 length + UTF-8, value: int32 length + UTF-8)
 *   int32         number of tensors T;          T × (name: uint16 length + UTF-8, int32 rank (1..8),
 *                                                    int32 dims[rank] (each ≥ 1), float32 data[Π dims])
 *   int64         CRC-32 of every preceding byte
 * </pre>
 * Reading checks the size, the magic and version, the checksum, then every field against the bytes actually
 * present, and builds nothing until the whole file is known good: a wrong magic, version, shape or checksum, a
 * duplicated name, a truncated file, or bytes after a whole file's checksum is a {@link FormatException} naming the
 * file, the byte offset and what was expected. This class makes and checks the bytes ({@link Builder#toBytes},
 * {@link #parse}, {@link #read}); writing them to a file is the caller's: dcec writes models and checkpoints with the
 * datasets module's {@code OutputFiles}, which goes through a temporary file in the same folder, forces it to disk,
 * reads it back and verifies it, then renames it over the target. The engine depends on no other module, and one
 * atomic write serves every file the project writes.
 */
public final class TensorFile {
    public static final byte[] MAGIC = {'D', 'C', '4', 'J'};
    public static final int VERSION = 1;
    private static final int MAX_RANK = 8;
    /** The largest file this class writes and reads: it holds a whole file in one byte array. */
    public static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    /** A named tensor: shape and data. */
    public record Entry(String name, int[] shape, float[] data) {
        public int[] shape() { return shape.clone(); }
    }

    /** Bad or corrupt file content. */
    public static final class FormatException extends RuntimeException {
        public FormatException(String message) { super(message); }
    }

    private final Map<String, String> meta;
    private final LinkedHashMap<String, Entry> entries;

    private TensorFile(Map<String, String> meta, LinkedHashMap<String, Entry> entries) {
        this.meta = Collections.unmodifiableMap(meta);
        this.entries = entries;
    }

    public Map<String, String> meta() { return meta; }
    public String meta(String key) { return meta.get(key); }
    public Entry get(String name) { return entries.get(name); }
    public List<String> names() { return new ArrayList<>(entries.keySet()); }

    /** The entry {@code name}, or a FormatException naming the file when absent. */
    public Entry require(String name, String source) {
        Entry e = entries.get(name);
        if (e == null) throw new FormatException(source + ": entry '" + name + "' is missing");
        return e;
    }

    // ------------------------------------------------------------------ writing
    public static Builder builder() { return new Builder(); }

    /** Collects metadata and tensors, then writes them atomically. */
    public static final class Builder {
        private final LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

        /**
         * Adds a metadata entry. A null key or value is a NullPointerException naming it ("value (metadata 'kind')"),
         * as the engine's other entry points name theirs.
         */
        public Builder meta(String key, String value) {
            java.util.Objects.requireNonNull(key, "key");
            java.util.Objects.requireNonNull(value, () -> "value (metadata '" + key + "')");
            meta.put(key, value);
            return this;
        }

        /**
         * Adds a tensor (the data is copied when written, not now; do not change it before write()). Its shape is
         * checked as {@link #parse} checks it, so that what is written can be read: rank 1 to 8, every dimension at
         * least 1, their product the length of {@code data}. A null argument is a NullPointerException naming it
         * ("data (tensor 'enc.w')"), as the engine's other entry points name theirs.
         */
        public Builder tensor(String name, int[] shape, float[] data) {
            java.util.Objects.requireNonNull(name, "name");
            java.util.Objects.requireNonNull(shape, () -> "shape (tensor '" + name + "')");
            java.util.Objects.requireNonNull(data, () -> "data (tensor '" + name + "')");
            if (entries.containsKey(name)) throw new IllegalArgumentException("tensor '" + name + "' added twice");
            if (shape.length < 1 || shape.length > MAX_RANK)
                throw new IllegalArgumentException("tensor '" + name + "': rank 1.." + MAX_RANK + " expected, shape " + Arrays.toString(shape));
            long n = 1;
            for (int d : shape) {
                if (d < 1) throw new IllegalArgumentException("tensor '" + name + "': dimensions must be at least 1, shape " + Arrays.toString(shape));
                n = Math.min(n * d, Integer.MAX_VALUE + 1L);   // saturated: n·d < 2^62 never wraps
            }
            if (n != data.length)
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " does not fit " + data.length + " values");
            entries.put(name, new Entry(name, shape.clone(), data));
            return this;
        }

        public byte[] toBytes() {
            long size = 4 + 4 + 4 + 4 + 8;
            for (Map.Entry<String, String> e : meta.entrySet()) size += 2 + utf8(e.getKey()).length + 4 + utf8(e.getValue()).length;
            for (Entry e : entries.values()) size += 2 + utf8(e.name).length + 4 + 4L * e.shape.length + 4L * e.data.length;
            if (size > MAX_BYTES) throw new IllegalArgumentException("tensor file too large: " + size + " bytes");
            ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.BIG_ENDIAN);
            buf.put(MAGIC).putInt(VERSION).putInt(meta.size());
            for (Map.Entry<String, String> e : meta.entrySet()) {
                byte[] k = utf8(e.getKey()), v = utf8(e.getValue());
                if (k.length > 0xFFFF) throw new IllegalArgumentException("metadata key too long");
                buf.putShort((short) k.length).put(k).putInt(v.length).put(v);
            }
            buf.putInt(entries.size());
            for (Entry e : entries.values()) {
                byte[] nm = utf8(e.name);
                if (nm.length > 0xFFFF) throw new IllegalArgumentException("tensor name too long");
                buf.putShort((short) nm.length).put(nm).putInt(e.shape.length);
                for (int d : e.shape) buf.putInt(d);
                buf.asFloatBuffer().put(e.data);
                buf.position(buf.position() + 4 * e.data.length);
            }
            CRC32 crc = new CRC32();
            crc.update(buf.array(), 0, buf.position());
            buf.putLong(crc.getValue());
            return buf.array();
        }
    }

    // ------------------------------------------------------------------ reading
    public static TensorFile read(Path file) throws IOException {
        java.util.Objects.requireNonNull(file, "file");
        return parse(readAll(file), file.toString());
    }

    /**
     * The whole file, read through a java.io stream (Files.readAllBytes fails on an interrupted thread). A file larger
     * than {@link #MAX_BYTES} is a FormatException naming it: readAllBytes threw an OutOfMemoryError ("Required array
     * size too large") for it, which the command line reported as a full heap and advised a larger -Xmx. So is a file
     * that is not a regular file.
     */
    private static byte[] readAll(Path file) throws IOException {
        // a device or a pipe (--model /dev/zero) has no size to check and would be read until the heap is full
        if (Files.exists(file) && !Files.isDirectory(file) && !Files.isRegularFile(file))
            throw new FormatException(file + ": at byte 0: expected a dcec4j tensor file, found a device, pipe or socket"
                    + " (not a regular file)");
        long size = file.toFile().length();      // java.io: no channel for an interrupt to close
        if (size > MAX_BYTES)
            throw new FormatException(file + ": at byte 0: expected a dcec4j tensor file of at most " + MAX_BYTES + " bytes, found "
                    + size + " bytes (not a dcec4j tensor file?)");
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (java.io.FileNotFoundException e) {
            // java.io reports a missing or unreadable file this way; opening it through NIO (opening is not disturbed by an
            // interrupt) throws the exception that names the problem, as callers and IoErrors expect
            Files.newByteChannel(file).close();   // NoSuchFileException, AccessDeniedException, …
            throw e;
        }
    }

    /** Parses a whole file image; {@code source} names it in errors. */
    public static TensorFile parse(byte[] bytes, String source) {
        java.util.Objects.requireNonNull(bytes, "bytes");
        Reader r = new Reader(bytes, source);
        if (bytes.length < 24) throw r.error(0, "a dcec4j tensor file of at least 24 bytes, found " + bytes.length + " bytes (truncated?)");
        for (int i = 0; i < 4; i++)
            // the bytes in hex, as the other readers print them: Arrays.toString gave signed decimals ("[-69, 67, 52, 74]")
            if (bytes[i] != MAGIC[i]) throw r.error(0, "magic \"DC4J\" (44 43 34 4a), found the bytes "
                    + java.util.HexFormat.ofDelimiter(" ").formatHex(bytes, 0, 4) + " (not a dcec4j tensor file)");
        int body = bytes.length - 8;
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, body);
        long stored = ByteBuffer.wrap(bytes, body, 8).getLong();
        r.pos = 4;
        int version = r.int32("version");
        if (version != VERSION) {
            boolean newer = version > VERSION && version < 1 << 16;
            // the checksum covers the version: a version-1 file with a damaged version field fails it, where a later version
            // that kept the trailer passes it. One bit flipped in the field (version 4097) was called a newer dcec4j's file
            String why = stored == crc.getValue()
                    ? (newer ? " (written by a newer dcec4j: read it with that version or a later one)" : " (not a dcec4j tensor file?)")
                    : " (the file is corrupt: its CRC-32 does not match either" + (newer ? ", unless a newer dcec4j wrote it in a layout"
                            + " this one cannot check" : "") + ")";
            throw r.error(4, "version " + VERSION + ", found " + version + why);
        }
        if (stored != crc.getValue()) {
            // a whole file with bytes appended to it (a copy or a download that went on): its own trailer is intact,
            // earlier, so say so rather than call the file corrupt
            int end = checksumEnd(bytes);
            if (end > 0) throw r.error(end, "the end of the file after its CRC-32, found " + (bytes.length - end)
                    + " extra bytes (appended to a whole file: its first " + end + " bytes check)");
        }
        if (stored != crc.getValue())
            throw r.error(body, String.format("CRC-32 %08x, found %s (the file is corrupt or truncated)", crc.getValue(),
                    // the trailer is 8 bytes, a CRC-32 in the low four: in a cut file they are whatever data ended it
                    (stored >>> 32) == 0 ? String.format("%08x", stored)
                            : String.format("the bytes %016x in the last 8, where a CRC-32 has four zero bytes first", stored)));
        r.limit = body;
        int M = r.count("metadata count", 6);
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        for (int i = 0; i < M; i++) {
            String k = r.string(r.uint16("metadata key length"), "metadata key");
            String v = r.string(r.count("metadata value length", 1), "metadata value");
            meta.put(k, v);
        }
        int T = r.count("tensor count", 14);
        LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
        for (int t = 0; t < T; t++) {
            int at = r.pos;
            String name = r.string(r.uint16("name length"), "tensor name");
            if (entries.containsKey(name)) throw r.error(at, "unique tensor names, '" + name + "' appears twice");
            int rankAt = r.pos;
            int rank = r.int32("rank of '" + name + "'");
            if (rank < 1 || rank > MAX_RANK) throw r.error(rankAt, "rank 1.." + MAX_RANK + " for '" + name + "', found " + rank);
            int[] shape = new int[rank];
            long n = 1;
            for (int i = 0; i < rank; i++) {
                int dimAt = r.pos;
                shape[i] = r.int32("dimension");
                if (shape[i] < 1) throw r.error(dimAt, "positive dimension " + i + " of '" + name + "', found " + shape[i]);
                n *= shape[i];
                if (4 * n > r.limit - r.pos) throw r.error(dimAt, "shape " + Arrays.toString(Arrays.copyOf(shape, i + 1)) + "… of '" + name + "' to fit in the " + (r.limit - r.pos) + " bytes left");
            }
            if (4 * n > r.limit - r.pos) throw r.error(r.pos, (4 * n) + " data bytes for '" + name + "', only " + (r.limit - r.pos) + " left");
            float[] data = new float[(int) n];
            ByteBuffer.wrap(bytes, r.pos, (int) (4 * n)).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(data);
            r.pos += (int) (4 * n);
            entries.put(name, new Entry(name, shape, data));
        }
        if (r.pos != r.limit) throw r.error(r.pos, "the checksum right after the last tensor, found " + (r.limit - r.pos) + " extra bytes");
        return new TensorFile(meta, entries);
    }

    /**
     * The end of the first 8-byte trailer before the file's last 8 bytes that holds the CRC-32 of every byte before it (four
     * zero bytes, then the CRC), or -1: where a whole file ends when bytes were appended to it. A chance match needs 64
     * bits to agree.
     */
    private static int checksumEnd(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, 16);                      // the smallest body: magic, version and two zero counts
        for (int e = 16; e + 8 < bytes.length; e++) {
            if (bytes[e] == 0 && bytes[e + 1] == 0 && bytes[e + 2] == 0 && bytes[e + 3] == 0
                && ByteBuffer.wrap(bytes, e, 8).getLong() == crc.getValue()) return e + 8;
            crc.update(bytes[e]);
        }
        return -1;
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    /** Bounds-checked big-endian reader. */
    private static final class Reader {
        final byte[] b; final String source; int pos; int limit;
        Reader(byte[] b, String source) { this.b = b; this.source = source; this.limit = b.length; }

        FormatException error(int offset, String expected) {
            return new FormatException(source + ": at byte " + offset + ": expected " + expected);
        }
        int int32(String what) {
            if (limit - pos < 4) throw error(pos, what + " (4 bytes), the file ends (truncated?)");
            int v = ByteBuffer.wrap(b, pos, 4).getInt();
            pos += 4;
            return v;
        }
        int uint16(String what) {
            if (limit - pos < 2) throw error(pos, what + " (2 bytes), the file ends (truncated?)");
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }
        /** A non-negative count whose items take at least {@code minBytesEach} bytes each. */
        int count(String what, int minBytesEach) {
            int at = pos;
            int v = int32(what);
            if (v < 0 || (long) v * minBytesEach > limit - pos) throw error(at, what + " that fits in the " + (limit - pos) + " bytes left, found " + v);
            return v;
        }
        String string(int len, String what) {
            if (limit - pos < len) throw error(pos, what + " of " + len + " bytes, only " + (limit - pos) + " left");
            String s = new String(b, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }
    }
}
