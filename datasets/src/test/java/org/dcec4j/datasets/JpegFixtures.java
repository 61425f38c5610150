package org.dcec4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny JPEG files byte by byte, for the JPEG variants that the JDK's writer cannot make: a 12-bit one (SOF1,
 * extended sequential, 12-bit precision) and a YCCK one (four components, Adobe APP14 transform 2). Each is one flat
 * 8x8 block per component (a DC coefficient, every AC coefficient zero), with a quantisation table of ones, so that any
 * decoder gives back exactly the sample values asked for (the inverse DCT of a DC-only block of 8·(v − 2^(P−1)) is v
 * everywhere, with no rounding); colour conversions (YCCK to CMYK) are the decoder's.
 *
 * <p>The files are checked against other decoders by writing them with {@link #main} and reading them with
 * {@code djpeg -pnm} or ImageMagick's {@code convert FILE txt:-}: see {@code docs/datasets.md} (image folders, JPEG).
 */
public final class JpegFixtures {
    private JpegFixtures() {}

    /** Adobe APP14 colour transforms: none written, 0 (RGB or CMYK as stored), 1 (YCbCr), 2 (YCCK). */
    public static final int NO_ADOBE = -1, ADOBE_NONE = 0, ADOBE_YCC = 1, ADOBE_YCCK = 2;

    /**
     * An 8x8 JPEG of one flat colour: {@code values[c]} the sample of component c (from 0 to 2^precision − 1), as
     * stored in the file (before any colour conversion of the decoder).
     *
     * @param sof       0xC0 (baseline) or 0xC1 (extended sequential, the only one with 12-bit precision)
     * @param precision 8 or 12
     * @param adobe     {@link #NO_ADOBE} or the APP14 transform to write
     */
    public static byte[] flat(int sof, int precision, int adobe, int... values) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        marker(o, 0xD8);                                                        // SOI
        if (adobe != NO_ADOBE) {
            segment(o, 0xEE, new byte[] {'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, (byte) adobe});
        }
        byte[] dqt = new byte[65];                                              // table 0, 8-bit entries, all 1
        java.util.Arrays.fill(dqt, 1, 65, (byte) 1);
        segment(o, 0xDB, dqt);
        int n = values.length;
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(precision);
        f.write(0); f.write(8);                                                 // height 8
        f.write(0); f.write(8);                                                 // width 8
        f.write(n);
        for (int c = 0; c < n; c++) {
            f.write(c + 1); f.write(0x11); f.write(0);                          // id, 1x1 sampling, table 0
        }
        segment(o, sof, f.toByteArray());
        // DC table 0: the categories 0 to 15, each a 5-bit code equal to its number; AC table 0: end-of-block alone, "0"
        byte[] dc = new byte[1 + 16 + 16];
        dc[0] = 0x00;
        dc[1 + 4] = 16;
        for (int k = 0; k < 16; k++) dc[17 + k] = (byte) k;
        segment(o, 0xC4, dc);
        byte[] ac = new byte[1 + 16 + 1];
        ac[0] = 0x10;
        ac[1] = 1;
        ac[17] = 0x00;
        segment(o, 0xC4, ac);
        ByteArrayOutputStream sos = new ByteArrayOutputStream();
        sos.write(n);
        for (int c = 0; c < n; c++) {
            sos.write(c + 1); sos.write(0x00);
        }
        sos.write(0); sos.write(63); sos.write(0);
        segment(o, 0xDA, sos.toByteArray());
        Bits bits = new Bits(o);
        for (int c = 0; c < n; c++) {                                           // one MCU: a block of each component
            int v = values[c];
            if (v < 0 || v >= 1 << precision) throw new IllegalArgumentException("sample " + v + " outside " + precision + " bits");
            int diff = 8 * (v - (1 << (precision - 1)));
            int size = 32 - Integer.numberOfLeadingZeros(Math.abs(diff));
            bits.put(size, 5);
            if (size > 0) bits.put(diff > 0 ? diff : diff + (1 << size) - 1, size);
            bits.put(0, 1);                                                     // end of block
        }
        bits.flush();
        marker(o, 0xD9);                                                        // EOI
        return o.toByteArray();
    }

    private static void marker(ByteArrayOutputStream o, int m) {
        o.write(0xFF);
        o.write(m);
    }

    private static void segment(ByteArrayOutputStream o, int m, byte[] body) {
        marker(o, m);
        int len = body.length + 2;
        o.write(len >> 8);
        o.write(len & 0xFF);
        o.write(body, 0, body.length);
    }

    /** Entropy-coded bits, most significant first, 0xFF stuffed with 0x00, the last byte padded with ones. */
    private static final class Bits {
        private final ByteArrayOutputStream o;
        private int acc, count;

        Bits(ByteArrayOutputStream o) { this.o = o; }

        void put(int value, int n) {
            for (int i = n - 1; i >= 0; i--) {
                acc = acc << 1 | (value >> i & 1);
                if (++count == 8) emit();
            }
        }

        void flush() {
            while (count != 0) put(1, 1);
        }

        private void emit() {
            o.write(acc);
            if (acc == 0xFF) o.write(0);
            acc = 0;
            count = 0;
        }
    }

    /** Writes the fixtures of ImageFolderTest into a folder, to read them with other decoders: {@code java JpegFixtures.java DIR}. */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "jpeg-fixtures"));
        Files.write(dir.resolve("gray12.jpg"), gray12());
        Files.write(dir.resolve("ycck.jpg"), ycck());
        Files.write(dir.resolve("cmyk.jpg"), cmyk());
        System.out.println("wrote gray12.jpg, ycck.jpg and cmyk.jpg to " + dir);
    }

    /** A grey 12-bit JPEG (SOF1), every sample 3072 of 4095. */
    public static byte[] gray12() { return flat(0xC1, 12, NO_ADOBE, 3072); }

    /**
     * A YCCK JPEG (Adobe transform 2) whose luma and chroma are those of R = G = B = 155 (Y 155, Cb = Cr = 128: no
     * rounding in the conversion) and K 50: decoded to the CMYK samples 100, 100, 100, 50 (C = 255 − R).
     */
    public static byte[] ycck() { return flat(0xC0, 8, ADOBE_YCCK, 155, 128, 128, 50); }

    /** A CMYK JPEG (Adobe transform 0) stored as 100, 100, 100, 50: the CMYK samples {@link #ycck} decodes to. */
    public static byte[] cmyk() { return flat(0xC0, 8, ADOBE_NONE, 100, 100, 100, 50); }
}
