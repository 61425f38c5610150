package org.dcec4j.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files, raw or decompressed, and the check against the built-in table. */
public final class Checksums {
    private Checksums() {
    }

    /** The {@link Verdict#how} of a check of the decompressed bytes. */
    public static final String DECOMPRESSED = "sha256 of the decompressed bytes";

    /** The outcome of {@link #verify}: whether it matched, and the hash found (stored or decompressed). */
    public record Verdict(boolean ok, String how, String found) {
        /**
         * The hash of k's table entry that {@link #found} was compared with: the decompressed content's when the
         * decompressed bytes were hashed (a MNIST file's stored hash was named as the one expected of them), else the
         * stored file's (or, for an entry without one, the content's).
         */
        public String expected(KnownFile k) {
            return how.equals(DECOMPRESSED) || k.sha256() == null ? k.rawSha256() : k.sha256();
        }
    }

    /** A new SHA-256 digest (every JDK has it). */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** Lower-case hex SHA-256 of the file's bytes as stored. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return digest(in);
        }
    }

    /** Lower-case hex SHA-256 of the file's decompressed bytes (the file must be gzip). */
    public static String sha256Gunzipped(Path file) throws IOException {
        // the file a resource of its own: closed when the gzip header is refused too
        try (InputStream raw = Files.newInputStream(file); InputStream in = new GzipStream(raw, file.toString())) {
            return digest(in);
        } catch (DatasetException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Lower-case hex SHA-256 of bytes. bytes: read only. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static String digest(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buffer = new byte[1 << 16];
        for (int r; (r = in.read(buffer)) >= 0; ) {
            md.update(buffer, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Checks a file against its table entry: the stored bytes' SHA-256 first, then, for a gzip file
     * with a known decompressed checksum, the decompressed bytes' SHA-256 (Fashion-MNIST copies differ
     * only in their gzip headers).
     */
    public static Verdict verify(Path file, KnownFile k) {
        try {
            String stored = sha256(file);
            if (stored.equals(k.sha256()) || stored.equals(k.rawSha256())) {
                return new Verdict(true, "sha256", stored);
            }
            if (k.rawSha256() != null && isGzip(file)) {
                String raw;
                try {
                    raw = sha256Gunzipped(file);
                } catch (IOException e) {
                    return new Verdict(false, "gunzip failed: " + e.getMessage(), stored);
                }
                return new Verdict(raw.equals(k.rawSha256()), DECOMPRESSED, raw);
            }
            return new Verdict(false, "sha256", stored);
        } catch (IOException e) {
            return new Verdict(false, "unreadable: " + e.getMessage(), "");
        }
    }

    /**
     * The table entry other than {@code expected} whose content {@code file} holds, by its stored or decompressed SHA-256 (a
     * swapped file: the labels where the images belong, MNIST's train file in the test file's place), or null when it
     * holds no other known file's content, or cannot be read.
     */
    public static KnownFile contentOf(Path file, KnownFile expected) {
        return contentOf(file, expected, KnownFile.ALL);
    }

    /** {@link #contentOf(Path, KnownFile)} against a table of one's own. */
    static KnownFile contentOf(Path file, KnownFile expected, java.util.List<KnownFile> table) {
        try {
            String stored = sha256(file);
            String raw = isGzip(file) ? sha256Gunzipped(file) : stored;
            for (KnownFile k : table) {
                if (k != expected && (stored.equals(k.sha256()) || raw.equals(k.rawSha256()))
                        && (expected == null || !raw.equals(expected.rawSha256()))) {
                    return k;
                }
            }
        } catch (IOException e) {
            // unreadable or not gzip after all: nothing to say about its content
        }
        return null;
    }

    /** ": this is the content of dir/name" when file holds another known file's content (see {@link #contentOf}), else "". */
    public static String contentNote(Path file, KnownFile expected) {
        KnownFile other = contentOf(file, expected);
        return other == null ? "" : ": this is the content of " + other.path();
    }

    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == Bytes.GZIP_MAGIC_0 && in.read() == Bytes.GZIP_MAGIC_1;
        }
    }
}
