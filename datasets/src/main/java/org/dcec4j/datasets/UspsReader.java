package org.dcec4j.datasets;

import java.nio.charset.StandardCharsets;
import org.dcec4j.datasets.cli.Counts;
import java.nio.file.Path;

/**
 * Readers of the two USPS text formats (either may be gzipped):
 * <ul>
 * <li>{@code .jf} (Keysers; what the reference DCEC code reads): a header line {@code classes features}
 *     ({@code 10 256}), one line a sample with the label and then the features (pixel values in [0, 2],
 *     row-major 16×16), and a footer line {@code -1}. Pixels are divided by 2.</li>
 * <li>ESL {@code zip.train} / {@code zip.test}: one line a sample, the label (written {@code 6.0000})
 *     and 256 values in [-1, 1], no header or footer. Pixels are (v + 1) / 2, with v + 1 done in exact
 *     decimal arithmetic so that both formats give the same floats.</li>
 * </ul>
 * Any deviation (a line of the wrong length, a value out of range or NaN, a missing footer, a label
 * out of range) is a {@link DatasetException} naming the file, the line and the value index.
 */
public final class UspsReader {
    /** Largest decompressed text accepted (the real files are 6 MB). */
    static final long MAX_TEXT_BYTES = 1L << 30;
    /** Largest number of features a .jf header may declare. */
    static final int MAX_FEATURES = 1 << 20;
    /** The longest number a file may hold (numpy's %.18e writes 24 characters). */
    static final int MAX_NUMBER_LENGTH = 64;
    /**
     * A decimal number: digits with an optional point and exponent (NaN and Infinity pass here so that the range
     * check names them).
     */
    private static final java.util.regex.Pattern DECIMAL =
            java.util.regex.Pattern.compile("[+-]?(([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|Infinity)");
    /** Largest number of classes a .jf header may declare. */
    static final int MAX_CLASSES = 1 << 16;

    private UspsReader() {
    }

    /** The ten digits. */
    public static final int CLASSES = 10;

    /** Reads a .jf file (raw or gzipped) as a 1×S×S data set, S² = the header's feature count. */
    public static Dataset readJf(String name, Path file) {
        return parseJf(name, file.toString(), Bytes.readFile(file));
    }

    /** The first {@code limit} samples of a .jf file (the rest of the file is not parsed). */
    public static Dataset readJf(String name, Path file, int limit) {
        return parseJf(name, file.toString(), Bytes.readFile(file), limit);
    }

    /** Reads an ESL zip.train / zip.test file (raw or gzipped) as a 1×16×16 data set. */
    public static Dataset readEsl(String name, Path file) {
        return parseEsl(name, file.toString(), Bytes.readFile(file));
    }

    /** The first {@code limit} samples of an ESL file. */
    public static Dataset readEsl(String name, Path file, int limit) {
        return parseEsl(name, file.toString(), Bytes.readFile(file), limit);
    }

    /** Parses .jf bytes (raw or gzipped). bytes: read only. */
    public static Dataset parseJf(String name, String source, byte[] bytes) {
        return parseJf(name, source, bytes, Integer.MAX_VALUE);
    }

    /** Parses the first {@code limit} samples of .jf bytes (the footer is checked only when all are read). bytes: read only. */
    public static Dataset parseJf(String name, String source, byte[] bytes, int limit) {
        Text t = new Text(source, Bytes.maybeGunzip(source, bytes, MAX_TEXT_BYTES));
        int classes = t.integer("the number of classes (header line '10 256')", 1, MAX_CLASSES);
        int F = t.integer("the number of features (header line '10 256')", 1, MAX_FEATURES);
        int S = (int) Math.round(Math.sqrt(F));
        if (S * S != F) {
            throw DatasetException.at(source, "line 1", "a square number of features (256 = 16x16)", Integer.toString(F));
        }
        t.endOfLine("the end of the header line after '" + classes + " " + F + "'");
        // every sample line holds at least 2 bytes per value: this bounds N by the bytes present
        int maxN = (int) Math.min(Math.min(Integer.MAX_VALUE / F, t.remaining() / (2L * (F + 1)) + 1), limit);
        float[] x = new float[maxN * F];
        int[] y = new int[maxN];
        int N = 0;
        while (N < limit) {
            if (t.atEnd()) {
                throw DatasetException.at(source, "line " + t.line + " (end of file)", "the footer line '-1'",
                        "the end of the file (truncated?)");
            }
            int label = t.integer("a label from 0 to " + (classes - 1) + " or the footer '-1'", -1, classes - 1);
            if (label == -1) {
                t.endOfLine("the end of the footer line '-1'");
                if (!t.atEnd()) {
                    throw DatasetException.at(source, "line " + t.line, "nothing after the footer line '-1'", "more text");
                }
                break;
            }
            if (N == maxN) {
                throw DatasetException.at(source, "line " + t.line, "at most " + maxN + " samples", "more");
            }
            y[N] = label;
            int o = N * F;
            for (int f = 0; f < F; f++) {
                // x = v / 2 maps the .jf range [0, 2] to [0, 1]
                double v = t.value(f, F, 0);
                if (!(v >= 0 && v <= 2)) {
                    throw DatasetException.at(source, "line " + t.line + ", value " + (f + 1),
                            "a pixel value in [0, 2]", Double.toString(v));
                }
                x[o + f] = (float) (v / 2);
            }
            t.endOfLine("the end of the sample line after " + F + " values");
            N++;
        }
        return finish(name, source, S, x, y, N, F, classes);
    }

    /** Parses ESL zip.train / zip.test bytes (raw or gzipped). bytes: read only. */
    public static Dataset parseEsl(String name, String source, byte[] bytes) {
        return parseEsl(name, source, bytes, Integer.MAX_VALUE);
    }

    /** Parses the first {@code limit} samples of ESL bytes. bytes: read only. */
    public static Dataset parseEsl(String name, String source, byte[] bytes, int limit) {
        Text t = new Text(source, Bytes.maybeGunzip(source, bytes, MAX_TEXT_BYTES));
        int F = 256;
        int S = 16;
        int maxN = (int) Math.min(Math.min(Integer.MAX_VALUE / F, t.remaining() / (2L * (F + 1)) + 1), limit);
        float[] x = new float[maxN * F];
        int[] y = new int[maxN];
        int N = 0;
        t.skipBlankLines();
        while (N < limit && !t.atEnd()) {
            double label = t.value(-1, F, 0);
            if (!(label >= 0 && label <= 9 && label == Math.rint(label))) {
                throw DatasetException.at(source, "line " + t.line + ", value 0", "an integer label from 0 to 9",
                        Double.toString(label));
            }
            if (N == maxN) {
                throw DatasetException.at(source, "line " + t.line, "at most " + maxN + " samples", "more");
            }
            y[N] = (int) label;
            int o = N * F;
            for (int f = 0; f < F; f++) {
                // x = (v + 1) / 2 maps [-1, 1] to [0, 1]; v + 1 is exact (decimal arithmetic)
                double v1 = t.value(f, F, 1);
                if (!(v1 >= 0 && v1 <= 2)) {
                    throw DatasetException.at(source, "line " + t.line + ", value " + (f + 1),
                            "a pixel value in [-1, 1]", Double.toString(v1 - 1));
                }
                x[o + f] = (float) (v1 / 2);
            }
            t.endOfLine("the end of the sample line after the label and " + F + " values");
            N++;
            t.skipBlankLines();
        }
        return finish(name, source, S, x, y, N, F, CLASSES);
    }

    private static Dataset finish(String name, String source, int S, float[] x, int[] y, int N, int F, int classes) {
        if (N == 0) {
            throw DatasetException.at(source, "line 1", "at least one sample", "none");
        }
        float[] images = x.length == N * F ? x : java.util.Arrays.copyOf(x, N * F);
        int[] labels = y.length == N ? y : java.util.Arrays.copyOf(y, N);
        return new Dataset(name, 1, S, S, images, labels, classes);
    }

    /** A cursor over ASCII text with line tracking; numbers are parsed without allocation. */
    private static final class Text {
        private static final double[] POW10 = new double[19];
        private static final long[] POW10L = new long[19];

        static {
            long p = 1;
            for (int s = 0; s < 19; s++) {
                POW10L[s] = p;
                POW10[s] = p;
                p *= 10;
            }
        }

        final String source;
        final byte[] b;
        int pos;
        int line = 1;

        Text(String source, byte[] b) {
            this.source = source;
            this.b = b;
        }

        long remaining() {
            return b.length - pos;
        }

        private void skipSpaces() {
            while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r')) {
                pos++;
            }
        }

        boolean atEnd() {
            skipSpaces();
            return pos >= b.length;
        }

        void skipBlankLines() {
            skipSpaces();
            while (pos < b.length && b[pos] == '\n') {
                pos++;
                line++;
                skipSpaces();
            }
        }

        /** Consumes the rest of a line, which must be blank, and its newline (or the end of the file). */
        void endOfLine(String expected) {
            skipSpaces();
            if (pos >= b.length) {
                return;
            }
            if (b[pos] != '\n') {
                throw DatasetException.at(source, "line " + line, expected, "more values ('" + token() + "'...)");
            }
            pos++;
            line++;
        }

        private String token() {
            int end = pos;
            while (end < b.length && end - pos < 20 && b[end] != ' ' && b[end] != '\t' && b[end] != '\r' && b[end] != '\n') {
                end++;
            }
            return shown(new String(b, pos, end - pos, StandardCharsets.ISO_8859_1));
        }

        /**
         * Text of the file for a message: printable ASCII as it is, any other byte as \xNN. Shown as Latin-1, a UTF-8
         * byte-order mark before the header (a file saved by Notepad) read "found 'ï»¿10'", and a non-breaking space
         * looked like a space; now it reads "found '\xEF\xBB\xBF10'".
         */
        static String shown(String latin1) {
            StringBuilder sb = new StringBuilder(latin1.length());
            for (int i = 0; i < latin1.length(); i++) {
                char c = latin1.charAt(i);
                if (c >= 0x20 && c < 0x7F) {
                    sb.append(c);
                } else {
                    sb.append(String.format(java.util.Locale.ROOT, "\\x%02X", (int) c));
                }
            }
            return sb.toString();
        }

        int integer(String expected, int min, int max) {
            skipSpaces();
            if (pos >= b.length || b[pos] == '\n') {
                throw DatasetException.at(source, "line " + line, expected, "the end of the line");
            }
            int start = pos;
            boolean negative = b[pos] == '-';
            if (negative || b[pos] == '+') {
                pos++;
            }
            long v = 0;
            int digits = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9' && digits < 12) {
                v = 10 * v + (b[pos] - '0');
                pos++;
                digits++;
            }
            if (digits == 0 || !separatorAt(pos)) {
                pos = start;
                throw DatasetException.at(source, "line " + line, expected, "'" + token() + "'");
            }
            v = negative ? -v : v;
            if (v < min || v > max) {
                pos = start;
                throw DatasetException.at(source, "line " + line, expected, "'" + token() + "'");
            }
            return (int) v;
        }

        private boolean separatorAt(int p) {
            return p >= b.length || b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n';
        }

        /**
         * The next number on this line plus add, computed as (m + add·10^s) / 10^s from the decimal digits
         * m·10^-s when they fit in a long, so the result is the correctly rounded value of the exact sum.
         *
         * @param f index of the value on the line (for messages; -1 for the label), of F
         */
        double value(int f, int F, int add) {
            skipSpaces();
            String where = f < 0 ? "line " + line + ", value 0 (the label)" : "line " + line + ", value " + (f + 1);
            if (pos >= b.length || b[pos] == '\n') {
                throw DatasetException.at(source, where, (f < 0 ? "a label and " : "") + F
                        + " pixel values on the line", "only " + Counts.of(Math.max(0, f), "value"));
            }
            int start = pos;
            boolean negative = b[pos] == '-';
            if (negative || b[pos] == '+') {
                pos++;
            }
            long m = 0;
            int digits = 0;
            int scale = 0;
            boolean dot = false;
            while (pos < b.length && digits <= 17) {
                byte c = b[pos];
                if (c >= '0' && c <= '9') {
                    m = 10 * m + (c - '0');
                    digits++;
                    if (dot) {
                        scale++;
                    }
                } else if (c == '.' && !dot) {
                    dot = true;
                } else {
                    break;
                }
                pos++;
            }
            if (digits > 0 && digits <= 17 && separatorAt(pos)) {
                long signed = negative ? -m : m;
                return (signed + add * POW10L[scale]) / POW10[scale];
            }
            // rarer forms (exponents, long digit strings such as numpy's %.18e, NaN): the whole token, checked to be a
            // decimal number (no Java-only forms such as 1f or 0x1p0), then the JDK parser
            pos = start;
            int end = start;
            while (!separatorAt(end)) {
                end++;
            }
            String text = end - start > MAX_NUMBER_LENGTH ? token() + "..."
                    : new String(b, start, end - start, StandardCharsets.ISO_8859_1);
            try {
                if (end - start > MAX_NUMBER_LENGTH || !DECIMAL.matcher(text).matches()) {
                    throw new NumberFormatException();
                }
                double v = Double.parseDouble(text) + add;
                pos = end;
                return v;
            } catch (NumberFormatException e) {
                throw DatasetException.at(source, where, "a decimal number", "'" + shown(text) + "'");
            }
        }
    }
}
