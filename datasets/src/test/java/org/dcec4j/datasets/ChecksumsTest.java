package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checksums#verify}: its verdicts on a good gzip file, on one whose header differs (Fashion-MNIST's case: only
 * the decompressed hash is known), and on damaged copies (a flipped bit in the compressed data, in the CRC, a
 * truncation); and that it streams: checking a file of 32 MB decompressed allocates a fixed amount, not the file.
 * These verdicts and messages are those of the version before this test (it passed unchanged on 1dbee9f).
 */
class ChecksumsTest {
    /** Decompressed size of the test file: large enough that holding it (or the compressed 10 MB) would show. */
    static final int RAW = 32 << 20;

    @TempDir
    Path tmp;

    /** RAW bytes of low-entropy noise (compresses to about a third, like MNIST's images), the same every run. */
    private static byte[] content() {
        byte[] b = new byte[RAW];
        Random r = new Random(7);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (r.nextInt(16) == 0 ? r.nextInt(256) : 0);
        }
        return b;
    }

    private Path gzip(String name, byte[] raw, boolean withName) throws IOException {
        Path f = tmp.resolve(name);
        try (OutputStream o = Files.newOutputStream(f); GZIPOutputStream z = new GZIPOutputStream(o, 1 << 16)) {
            z.write(raw);
        }
        if (withName) {
            // the same deflate data under a header with FNAME set: a copy that differs only in its header
            byte[] g = Files.readAllBytes(f);
            byte[] n = "x.idx\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] out = new byte[g.length + n.length];
            System.arraycopy(g, 0, out, 0, 10);
            out[3] = 8;
            System.arraycopy(n, 0, out, 10, n.length);
            System.arraycopy(g, 10, out, 10 + n.length, g.length - 10);
            Files.write(f, out);
        }
        return f;
    }

    private static long allocated(Runnable r) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean hs = bean instanceof com.sun.management.ThreadMXBean h && h.isThreadAllocatedMemorySupported() ? h : null;
        long before = hs == null ? 0 : hs.getCurrentThreadAllocatedBytes();
        r.run();
        return hs == null ? -1 : hs.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * The digests themselves against the published SHA-256 test vectors (FIPS 180-2: "abc", and a million 'a', which
     * spans several of the 64 KB reads), as bytes, as a file and as a gzip file's content, and a verdict against a
     * table entry written as a literal: the test above takes its expected hashes from {@link Checksums#sha256} itself,
     * so another digest, or another spelling of the hex, would pass it and refuse every real file.
     */
    @Test
    void digestsAreSha256AsPublished() throws IOException {
        String abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        String millionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
        byte[] a = new byte[1_000_000];
        Arrays.fill(a, (byte) 'a');
        assertEquals(abc, Checksums.sha256("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals(millionA, Checksums.sha256(a));
        Path plain = Files.write(tmp.resolve("a.bin"), a);
        assertEquals(millionA, Checksums.sha256(plain));
        Path gz = gzip("a.gz", a, true);
        assertEquals(millionA, Checksums.sha256Gunzipped(gz));
        assertEquals(new Checksums.Verdict(true, "sha256 of the decompressed bytes", millionA),
                Checksums.verify(gz, new KnownFile("t", "a.gz", null, millionA, a.length, true)));
        assertEquals(new Checksums.Verdict(true, "sha256", millionA),
                Checksums.verify(plain, new KnownFile("t", "a.bin", millionA, null, -1, false)));
    }

    @Test
    void verdictsOnGoodAndDamagedFilesAndConstantMemory() throws IOException {
        byte[] raw = content();
        String rawSha = Checksums.sha256(raw);
        Path good = gzip("good.gz", raw, false);
        Path renamed = gzip("renamed.gz", raw, true);
        String goodSha = Checksums.sha256(good);
        KnownFile both = new KnownFile("t", "good.gz", goodSha, rawSha, RAW, true);
        KnownFile rawOnly = new KnownFile("t", "good.gz", null, rawSha, RAW, true);

        // the stored hash: no decompression at all
        assertEquals(new Checksums.Verdict(true, "sha256", goodSha), Checksums.verify(good, both));
        // another header: the stored hash differs, the decompressed one matches (streamed through GzipStream)
        Checksums.Verdict[] v = new Checksums.Verdict[1];
        long bytes = allocated(() -> v[0] = Checksums.verify(renamed, both));
        assertEquals(new Checksums.Verdict(true, "sha256 of the decompressed bytes", rawSha), v[0]);
        assertEquals(new Checksums.Verdict(true, "sha256 of the decompressed bytes", rawSha), Checksums.verify(good, rawOnly));
        // two 64 KB buffers, the inflater's window and a digest: far below the 10 MB file or its 32 MB content
        assertTrue(bytes < 2 << 20, bytes + " bytes allocated to verify a file of " + Files.size(renamed) + " bytes (" + RAW + " decompressed)");

        byte[] g = Files.readAllBytes(good);
        // a flipped bit in the deflate data: corrupt data or a wrong CRC, found by decompressing
        byte[] flipped = g.clone();
        flipped[g.length / 2] ^= 0x10;
        Path f = Files.write(tmp.resolve("flipped.gz"), flipped);
        Checksums.Verdict fv = Checksums.verify(f, both);
        assertFalse(fv.ok(), fv.toString());
        assertTrue(fv.how().startsWith("gunzip failed: " + f + ": at ") || fv.how().equals("sha256 of the decompressed bytes"), fv.toString());
        // a flipped bit in the trailer's CRC-32: the data decompresses, the CRC check refuses it
        byte[] crc = g.clone();
        crc[g.length - 8] ^= 1;
        Path c = Files.write(tmp.resolve("crc.gz"), crc);
        Checksums.Verdict cv = Checksums.verify(c, both);
        assertFalse(cv.ok());
        assertTrue(cv.how().startsWith("gunzip failed: " + c + ": at byte " + (g.length - 8) + ": expected the CRC-32 "), cv.how());
        assertEquals(Checksums.sha256(c), cv.found());
        // truncated: the end of the file in the gzip stream
        Path t = Files.write(tmp.resolve("truncated.gz"), Arrays.copyOf(g, g.length / 3));
        Checksums.Verdict tv = Checksums.verify(t, both);
        assertEquals(new Checksums.Verdict(false, "gunzip failed: " + t
                + ": at byte " + g.length / 3 + ": expected more gzip data, found the end of the file (truncated download?)",
                Checksums.sha256(t)), tv);
        // the decompressed content changed (a different file that is a valid gzip): the decompressed hash found
        byte[] other = raw.clone();
        other[123] ^= 1;
        Path o = gzip("other.gz", other, false);
        assertEquals(new Checksums.Verdict(false, "sha256 of the decompressed bytes", Checksums.sha256(other)), Checksums.verify(o, both));
        // no decompressed hash known: the stored hash alone
        KnownFile storedOnly = new KnownFile("t", "good.gz", goodSha, null, -1, false);
        assertEquals(new Checksums.Verdict(false, "sha256", Checksums.sha256(o)), Checksums.verify(o, storedOnly));
        // gone: unreadable
        Checksums.Verdict gone = Checksums.verify(tmp.resolve("missing.gz"), both);
        assertFalse(gone.ok());
        assertTrue(gone.how().startsWith("unreadable: "), gone.how());
    }
}
