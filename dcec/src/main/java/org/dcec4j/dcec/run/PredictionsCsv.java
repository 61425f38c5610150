package org.dcec4j.dcec.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
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
    private final List<String> files;

    /** Writes the header line; {@code files}: each image's file by index, or empty for no file column. */
    public PredictionsCsv(OutputStream out, boolean labels, List<String> files) throws IOException {
        this.w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.labels = labels;
        this.files = files;
        w.write("index,cluster,confidence" + (labels ? ",label" : "") + (files.isEmpty() ? "" : ",file") + "\n");
    }

    /** One image's row; {@code label} is ignored without a label column. */
    public void row(int index, int cluster, float confidence, int label) throws IOException {
        w.write(index + "," + cluster + "," + String.format(Locale.ROOT, "%.6f", confidence) + (labels ? "," + label : "")
                + (files.isEmpty() ? "" : "," + field(files.get(index))) + "\n");
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
}
