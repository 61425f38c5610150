package org.dcec4j.dcec.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * predictions.csv, written a row at a time: {@code index,cluster,confidence} (confidence = max_j q_ij with six
 * decimals), then {@code label} when the data set has labels and {@code file} when its images have files of their own
 * (an image folder: the path below it, {@link org.dcec4j.datasets.ImageStream#fileNames}).
 */
public final class PredictionsCsv {
    private final Writer w;
    private final boolean labels;
    private final boolean fileColumn;
    private final List<String> files;

    /** Writes the header line; {@code files}: each image's file by index, or empty for no file column. */
    public PredictionsCsv(OutputStream out, boolean labels, List<String> files) throws IOException {
        this(out, labels, !files.isEmpty(), files);
    }

    /**
     * Writes the header line, with a file column when {@code fileColumn}: each row then names its file
     * ({@link #row(int, int, float, int, String)}), as a writer that streams its rows and their files does.
     */
    public PredictionsCsv(OutputStream out, boolean labels, boolean fileColumn) throws IOException {
        this(out, labels, fileColumn, List.of());
    }

    private PredictionsCsv(OutputStream out, boolean labels, boolean fileColumn, List<String> files) throws IOException {
        this.w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.labels = labels;
        this.fileColumn = fileColumn;
        this.files = files;
        w.write("index,cluster,confidence" + (labels ? ",label" : "") + (fileColumn ? ",file" : "") + "\n");
    }

    /** One image's row, its file (if any) from the list given; {@code label} is ignored without a label column. */
    public void row(int index, int cluster, float confidence, int label) throws IOException {
        row(index, cluster, confidence, label, fileColumn ? files.get(index) : null);
    }

    /** One image's row naming its file ({@code file} is ignored without a file column, and needed with one). */
    public void row(int index, int cluster, float confidence, int label, String file) throws IOException {
        if (fileColumn && file == null) throw new IllegalArgumentException("row " + index + ": no file name for the file column");
        w.write(index + "," + cluster + "," + String.format(Locale.ROOT, "%.6f", confidence) + (labels ? "," + label : "")
                + (fileColumn ? "," + field(file) : "") + "\n");
    }

    /** Flushes the rows into the stream (which stays open). */
    public void flush() throws IOException { w.flush(); }

    /**
     * A text field of a CSV row (RFC 4180): as it is, or in double quotes, with each quote doubled, when it holds a
     * comma, a quote or a line break (file names may).
     */
    public static String field(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /**
     * The records of a CSV text, one at a time, each with the line it starts on and its fields: a record ends at a line
     * break ({@code \n}, {@code \r} or {@code \r\n}) outside a quoted field, and one inside a quoted field is kept as it
     * is (reading lines and joining them with '\n' turned a file name's {@code \r} or {@code \r\n} into {@code \n}).
     * A quote opens a quoted field only at the start of a field, so the quote of an unquoted {@code a"b} (a hand-edited
     * row; {@link #field} never writes one) is a character of its field; inside a quoted field a doubled quote is one
     * quote, and text after the closing quote, up to the next comma, is kept as it is: {@code 3,"a,""b"""} has the
     * fields {@code 3} and {@code a,"b"}.
     */
    public static final class Records {
        private final java.io.Reader in;
        private final List<String> fields = new ArrayList<>();
        private int line;
        private int first;
        private int pushedBack = -2;

        /** The records of {@code in} after its first {@code linesRead} lines (a header already read). */
        public Records(java.io.Reader in, int linesRead) {
            this.in = in;
            this.line = linesRead;
        }

        /**
         * The next record as written, without its line break ("" for an empty line), or null at the end of the text;
         * {@link #fields} has its fields.
         */
        public String next() throws IOException {
            fields.clear();
            int c = read();
            if (c < 0) return null;
            first = ++line;
            StringBuilder b = new StringBuilder();     // the record as written
            StringBuilder f = new StringBuilder();     // the current field, unquoted
            boolean quoted = false;
            for (; c >= 0; c = read()) {
                if (quoted) {
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            b.append("\"\"");
                            f.append('"');
                            continue;
                        }
                        pushedBack = d;
                        quoted = false;
                    } else if (c == '\r') {
                        // a line break of a quoted field, \r\n kept whole
                        line++;
                        f.append('\r');
                        int d = read();
                        if (d == '\n') {
                            b.append('\r');
                            c = d;
                            f.append('\n');
                        } else {
                            pushedBack = d;
                        }
                    } else {
                        if (c == '\n') line++;
                        f.append((char) c);
                    }
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r') {
                        int d = read();
                        if (d != '\n') pushedBack = d;
                    }
                    break;
                } else if (c == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                } else if (c == '"' && f.length() == 0) {
                    quoted = true;
                } else {
                    f.append((char) c);
                }
                b.append((char) c);
            }
            fields.add(f.toString());
            return b.toString();
        }

        /** The fields of the record last returned by {@link #next}, a quoted field unquoted. */
        public String[] fields() {
            return fields.toArray(new String[0]);
        }

        /** The line the record last returned by {@link #next} starts on, counting from 1. */
        public int line() {
            return first;
        }

        private int read() throws IOException {
            if (pushedBack == -2) return in.read();
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
    }
}
