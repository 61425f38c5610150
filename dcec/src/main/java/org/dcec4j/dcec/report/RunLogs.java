package org.dcec4j.dcec.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.run.PredictionsCsv;

/**
 * Readers for the files a run writes into its {@code --out} folder: {@code pretrain_log.csv},
 * {@code dcec_log.csv}, {@code predictions.csv} and {@code config.json}.
 *
 * <p>CSV files are read by header name (column order is free, extra columns are ignored); an empty field
 * is a missing value (NaN), as are {@code nan}/{@code NaN}. Every error names the file, the line and the
 * column and says what was expected.
 */
public final class RunLogs {
    /** The file names inside a run folder. */
    public static final String PRETRAIN_LOG = "pretrain_log.csv";
    public static final String CLUSTER_LOG = "dcec_log.csv";
    public static final String PREDICTIONS = "predictions.csv";
    public static final String CONFIG = "config.json";
    /** The pixel k-means baseline the command line adds ({@code run.PixelBaseline}); a flat JSON object. */
    public static final String BASELINE = "baseline.json";

    private RunLogs() {
    }

    /** One line of {@code pretrain_log.csv}: the mean reconstruction loss of an epoch and its wall time. */
    public record PretrainRow(int epoch, double loss, double seconds) {
    }

    /**
     * One line of {@code dcec_log.csv}, written at every recomputation of P.
     *
     * @param acc        ACC against the labels, NaN without labels (likewise nmi, ari)
     * @param L          total loss L = L_r + γ·L_c, the mean over the batches since the previous recomputation (NaN at
     *                   iteration 0: no batch trained yet; likewise Lc, Lr)
     * @param Lc         clustering loss KL(P‖Q)
     * @param Lr         reconstruction loss
     * @param deltaLabel fraction of hard labels that changed since the previous recomputation (at iteration 0: since
     *                   the k-means initialisation's labels)
     */
    public record ClusterRow(int iter, double acc, double nmi, double ari, double L, double Lc, double Lr,
                             double deltaLabel) {
    }

    /**
     * {@code predictions.csv} in index order.
     *
     * @param cluster    cluster[n] = the cluster of sample n
     * @param confidence confidence[n] = max_j q_nj of sample n
     * @param files      files[n] = the file of sample n (the {@code file} column of a run on an image folder), or null
     */
    public record Predictions(int[] cluster, float[] confidence, String[] files) {
        public int size() {
            return cluster.length;
        }
    }

    /** Reads {@code pretrain_log.csv} (header {@code epoch,loss,seconds}). */
    public static List<PretrainRow> readPretrainLog(Path csv) {
        List<PretrainRow> rows = new ArrayList<>();
        Csv t = Csv.read(csv, "epoch", "loss", "seconds");
        for (int r = 0; r < t.rows(); r++) {
            rows.add(new PretrainRow(t.increasing(r, 0, "an epoch"), t.number(r, 1), t.number(r, 2)));
        }
        return rows;
    }

    /** Reads {@code dcec_log.csv} (header {@code iter,acc,nmi,ari,L,Lc,Lr,delta_label}). */
    public static List<ClusterRow> readClusterLog(Path csv) {
        List<ClusterRow> rows = new ArrayList<>();
        Csv t = Csv.read(csv, "iter", "acc", "nmi", "ari", "L", "Lc", "Lr", "delta_label");
        for (int r = 0; r < t.rows(); r++) {
            double delta = t.number(r, 7);
            // a fraction in [0, 1] or missing (empty, as every column may be); an infinite one was dropped from its chart unsaid
            if (!Double.isNaN(delta) && !(delta >= 0 && delta <= 1)) {
                throw new ReportException(t.where(r, 7) + ": expected a fraction from 0 to 1 (of the labels changed), got \""
                        + Csv.shown(t.field(r, t.column[7]).trim()) + "\"");
            }
            rows.add(new ClusterRow(t.increasing(r, 0, "an iteration"), t.number(r, 1), t.number(r, 2), t.number(r, 3),
                    t.number(r, 4), t.number(r, 5), t.number(r, 6), delta));
        }
        return rows;
    }

    /**
     * Reads {@code predictions.csv} (header {@code index,cluster,confidence}, and the {@code file} column when there
     * is one); the indices must be 0..N−1, each exactly once, in any order.
     */
    public static Predictions readPredictions(Path csv) {
        Csv t = Csv.read(csv, "index", "cluster", "confidence");
        int N = t.rows();
        int[] cluster = new int[N];
        float[] confidence = new float[N];
        boolean[] seen = new boolean[N];
        int fileColumn = t.columnOf("file");
        String[] files = fileColumn < 0 ? null : new String[N];
        for (int r = 0; r < N; r++) {
            int n = t.integer(r, 0);
            if (n < 0 || n >= N) {
                throw new ReportException(t.where(r, 0) + ": expected an index in 0.." + (N - 1)
                        + " (the file has " + N + " rows), got " + n);
            }
            if (seen[n]) {
                throw new ReportException(t.where(r, 0) + ": index " + n + " appears twice; expected each index once");
            }
            seen[n] = true;
            int k = t.integer(r, 1);
            float q = (float) t.number(r, 2);
            if (!(q >= 0 && q <= 1)) {  // also NaN: it sorted first among a cluster's most confident
                throw new ReportException(t.where(r, 2) + ": expected a number from 0 to 1 (max_j q_ij), got \""
                        + Csv.shown(t.field(r, t.column[2]).trim()) + "\"");
            }
            if (k < 0 || k >= N) {      // K ≤ N: a larger number is no run's (and would size the report's tables)
                throw new ReportException(t.where(r, 1) + ": expected a cluster number from 0 to " + (N - 1) + " (one of at most N = "
                        + N + " clusters), got " + k);
            }
            cluster[n] = k;
            confidence[n] = q;
            if (files != null) {
                // read one char a byte (below): the name's UTF-8 bytes decoded now
                files[n] = new String(t.field(r, fileColumn).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return new Predictions(cluster, confidence, files);
    }

    /**
     * Reads {@code config.json} as an ordered map of flattened keys: nested objects become dotted keys
     * ({@code "adam": {"lr": 0.001}} → {@code adam.lr = 0.001}), arrays and scalars their JSON text
     * (strings unquoted).
     */
    public static Map<String, String> readConfig(Path json) {
        return parseConfig(readUtf8(json), json.toString());
    }

    /** {@link #readConfig} on text already read from {@code file} (named in the errors). */
    public static Map<String, String> parseConfig(String json, String file) {
        return FlatJson.parse(json, file);
    }

    /**
     * The text of a UTF-8 file; a byte sequence that is not UTF-8 is refused naming the file, its byte offset and the
     * byte (a ReportException, as is a file that cannot be read).
     */
    public static String readUtf8(Path file) {
        try {
            return org.dcec4j.datasets.IoErrors.readUtf8(file);
        } catch (java.nio.file.FileSystemException e) {
            throw new ReportException(org.dcec4j.datasets.IoErrors.describe(e), e);
        } catch (IOException e) {
            throw new ReportException(file + ": cannot read: " + e, e);
        }
    }

    /** A CSV table with the wanted columns located by header name. */
    static final class Csv {
        private final String file;
        private final int[] column;
        private final String[] names;
        private String[] header;
        private final List<String[]> cells = new ArrayList<>();
        private final List<Integer> lineNumber = new ArrayList<>();

        private Csv(String file, String[] names, int[] column) {
            this.file = file;
            this.names = names;
            this.column = column;
        }

        /** The UTF-8 byte order mark as three ISO-8859-1 chars. */
        private static final String UTF8_BOM = "\u00EF\u00BB\u00BF";

        static Csv read(Path csv, String... wanted) {
            // One char a byte (ISO-8859-1): the logs are ASCII, and a byte that is not UTF-8 (a damaged or hand-edited
            // row) then lands in its field, where a column the report reads names file, line and column, and a
            // column it does not read is left alone, instead of the whole file failing as undecodable.
            try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.ISO_8859_1)) {
                String header = in.readLine();
                if (header == null) {
                    throw new ReportException(csv + ": empty file; expected the header " + String.join(",", wanted));
                }
                if (header.startsWith(UTF8_BOM)) {
                    header = header.substring(UTF8_BOM.length());
                }
                String[] h = header.split(",", -1);
                int[] column = new int[wanted.length];
                for (int w = 0; w < wanted.length; w++) {
                    column[w] = -1;
                    for (int c = 0; c < h.length; c++) {
                        if (h[c].trim().equals(wanted[w])) {
                            column[w] = c;
                            break;
                        }
                    }
                    if (column[w] < 0) {
                        throw new ReportException(csv + ":1: header has no column '" + wanted[w] + "'; expected "
                                + String.join(",", wanted) + ", got " + shown(header));
                    }
                }
                Csv t = new Csv(csv.toString(), wanted, column);
                t.header = h;
                // a quoted field (predictions.csv's file column) may hold commas and line breaks
                PredictionsCsv.Records records = new PredictionsCsv.Records(in, 1);
                String line;
                while ((line = records.next()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    int first = records.line();
                    String[] f = records.fields();
                    if (f.length != h.length) {
                        throw new ReportException(csv + ":" + first + ": expected " + h.length + " fields like the header, got "
                                + f.length + ": " + shown(line));
                    }
                    t.cells.add(f);
                    t.lineNumber.add(first);
                }
                return t;
            } catch (IOException e) {
                throw new ReportException(csv + ": cannot read: " + e, e);
            }
        }

        int rows() {
            return cells.size();
        }

        /** The position of a column that need not be there, by header name; -1 without it. */
        int columnOf(String name) {
            for (int c = 0; c < header.length; c++) {
                if (header[c].trim().equals(name)) {
                    return c;
                }
            }
            return -1;
        }

        /** Row r's field at position c, as read. */
        String field(int r, int c) {
            return cells.get(r)[c];
        }

        /** A field as read, every byte outside printable ASCII written {@code \xNN}. */
        static String shown(String v) {
            StringBuilder b = new StringBuilder(v.length());
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c >= 0x20 && c < 0x7F) b.append(c);
                else b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
            }
            return b.toString();
        }

        String where(int r, int w) {
            return file + ":" + lineNumber.get(r) + ": column '" + names[w] + "'";
        }

        double number(int r, int w) {
            String v = cells.get(r)[column[w]].trim();
            switch (v.toLowerCase(java.util.Locale.ROOT)) {
                case "", "nan" -> {
                    return Double.NaN;
                }
                case "inf", "+inf", "infinity", "+infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-inf", "-infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    try {
                        return Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new ReportException(where(r, w) + ": expected a number, got \"" + shown(v) + "\"");
                    }
                }
            }
        }

        /**
         * An integer column whose values increase from row to row (a log's iteration or epoch: a run appends them in
         * order, and a resumed one drops the rows after its checkpoint), so a hand-edited row out of order is named.
         */
        int increasing(int r, int w, String what) {
            int v = integer(r, w);
            if (r > 0) {
                int before = integer(r - 1, w);
                if (v <= before) {
                    throw new ReportException(where(r, w) + ": expected " + what + " after " + before
                            + " (the rows in increasing order), got " + v);
                }
            }
            return v;
        }

        int integer(int r, int w) {
            String v = cells.get(r)[column[w]].trim();
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ReportException(where(r, w) + ": expected an integer, got \"" + shown(v) + "\"");
            }
        }
    }

    /**
     * The JSON text of the value of {@code key} in the top-level object of {@code json}, exactly as written (an object
     * with its nesting and layout), or null when the object has no such member; the text is parsed as
     * {@link #readConfig} parses it, so bad JSON fails the same way, naming {@code file}, line and column.
     */
    public static String configMember(String json, String file, String key) {
        FlatJson p = new FlatJson(json, file);
        p.wanted = key;
        FlatJson.parse(p, new LinkedHashMap<>());
        return p.wantedStart < 0 ? null : json.substring(p.wantedStart, p.wantedEnd);
    }

    /** A small JSON reader that flattens an object into dotted keys. */
    static final class FlatJson {
        private final String s;
        private final String file;
        private int pos;
        /** A top-level key whose value's span in s is recorded (configMember), or null. */
        private String wanted;
        private int wantedStart = -1, wantedEnd = -1;

        private FlatJson(String s, String file) {
            this.s = s;
            this.file = file;
        }

        static Map<String, String> parse(String s, String file) {
            Map<String, String> out = new LinkedHashMap<>();
            parse(new FlatJson(s, file), out);
            return out;
        }

        private static void parse(FlatJson p, Map<String, String> out) {
            String s = p.s;
            p.skipSpace();
            if (p.pos < s.length() && s.charAt(p.pos) == '\uFEFF') {
                p.pos++;
                p.skipSpace();
            }
            if (p.peek() != '{') {
                throw p.error("expected '{' (config.json holds one object)");
            }
            p.object("", out);
            p.skipSpace();
            if (p.pos != s.length()) {
                throw p.error("expected the end of the file after the object");
            }
        }

        private ReportException error(String what) {
            int line = 1;
            int col = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    col = 1;
                } else {
                    col++;
                }
            }
            String got = pos >= s.length() ? "the end of the file" : "'" + s.charAt(pos) + "'";
            return new ReportException(file + ":" + line + ":" + col + ": " + what + ", got " + got);
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        /** Reads an object at pos, putting its leaves under prefix. */
        private void object(String prefix, Map<String, String> out) {
            expect('{');
            skipSpace();
            if (peek() == '}') {
                pos++;
                return;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a quoted key");
                }
                String key = string();
                expect(':');
                skipSpace();
                String full = prefix.isEmpty() ? key : prefix + "." + key;
                int start = pos;
                if (peek() == '{') {
                    object(full, out);
                } else {
                    String v = value();
                    out.put(full, v != null ? v : s.substring(start, pos).trim());
                }
                if (prefix.isEmpty() && key.equals(wanted)) {
                    wantedStart = start;
                    wantedEnd = pos;
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() == '}') {
                    pos++;
                    return;
                } else {
                    throw error("expected ',' or '}' after the value of \"" + full + "\"");
                }
            }
        }

        /** Skips any value; returns the decoded text of a string value, null for the others (read them as text). */
        private String value() {
            skipSpace();
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (c == '{' || c == '[') {
                char close = c == '{' ? '}' : ']';
                pos++;
                skipSpace();
                if (peek() == close) {
                    pos++;
                    return null;
                }
                while (true) {
                    if (c == '{') {
                        skipSpace();
                        if (peek() != '"') {
                            throw error("expected a quoted key");
                        }
                        string();
                        expect(':');
                    }
                    value();
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else if (peek() == close) {
                        pos++;
                        return null;
                    } else {
                        throw error("expected ',' or '" + close + "'");
                    }
                }
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return null;
                }
            }
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            String num = s.substring(start, pos);
            try {
                Double.parseDouble(num);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("expected a JSON value (string, number, object, array, true, false or null)");
            }
            return null;
        }

        private String string() {
            pos++; // opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("expected the closing '\"' of a string");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= s.length()) {
                    throw error("expected an escape after '\\'");
                }
                char e = s.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("expected four hex digits after \\u");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("expected four hex digits after \\u");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                    }
                }
            }
        }
    }
}
