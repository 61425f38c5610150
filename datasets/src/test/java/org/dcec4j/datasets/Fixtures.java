package org.dcec4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;

/** Hand-built inputs for the reader tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** An IDX file of unsigned bytes: magic 0x0000 08 rank, the dimensions, then the elements. */
    static byte[] idx(int[] dims, byte[] elements) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + elements.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(elements);
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** N images of H×W with pixel (n, i) = (7n + 3i) mod 256, and labels n mod 10. */
    static byte[][] mnistLike(int N, int H, int W) {
        byte[] pixels = new byte[N * H * W];
        for (int n = 0; n < N; n++) {
            for (int i = 0; i < H * W; i++) {
                pixels[n * H * W + i] = (byte) ((7 * n + 3 * i) % 256);
            }
        }
        byte[] labels = new byte[N];
        for (int n = 0; n < N; n++) {
            labels[n] = (byte) (n % 10);
        }
        return new byte[][] {idx(new int[] {N, H, W}, pixels), idx(new int[] {N}, labels)};
    }
}
