package org.dcec4j.dcec.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * predictions.csv, written a row at a time: {@code index,cluster,confidence} (confidence = max_j q_ij with six
 * decimals), and {@code label} when the data set has labels.
 */
public final class PredictionsCsv {
    private final Writer w;
    private final boolean labels;

    /** Writes the header line. */
    public PredictionsCsv(OutputStream out, boolean labels) throws IOException {
        this.w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.labels = labels;
        w.write(labels ? "index,cluster,confidence,label\n" : "index,cluster,confidence\n");
    }

    /** One image's row; {@code label} is ignored without a label column. */
    public void row(int index, int cluster, float confidence, int label) throws IOException {
        w.write(index + "," + cluster + "," + String.format(Locale.ROOT, "%.6f", confidence) + (labels ? "," + label : "") + "\n");
    }

    /** Flushes the rows into the stream (which stays open). */
    public void flush() throws IOException { w.flush(); }
}
