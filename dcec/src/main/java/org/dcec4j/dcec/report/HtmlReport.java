package org.dcec4j.dcec.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.dcec4j.datasets.cli.Counts;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.metrics.ClusterMapping;
import org.dcec4j.dcec.metrics.Contingency;
import org.dcec4j.dcec.metrics.Hungarian;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.report.RunLogs.ClusterRow;
import org.dcec4j.dcec.report.RunLogs.PretrainRow;
import org.dcec4j.dcec.report.RunLogs.Predictions;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;

/**
 * {@code report.html}: one self-contained page about a run. The summary with a score table (the pixel k-means
 * baseline, where clustering started and where it ended); inline SVG charts (pretraining loss; L, L_c and L_r
 * in panels of their own and the changed-label fraction over clustering iterations; ACC, NMI and ARI in a
 * panel each when there are labels); the confusion matrix against the labels; for every cluster its classes
 * and three labelled rows of sample images (most confident, a random sample, least confident) as inline PNG
 * {@code data:} URIs; and the config table. The page references nothing outside itself.
 *
 * <p>A small inline script records page errors ({@code window.onerror}, failed loads of any element,
 * {@code console.error})
 * and, once the page has loaded, checks that every section, chart and image it announces on
 * {@code <body>} is there and decoded and that every row of sample images has its label; if so it sets
 * {@code document.title} to {@link #OK_TITLE}.
 * docs/tools/check_report.sh opens the page in headless Chromium and looks for that title.
 *
 * <pre>{@code
 * HtmlReport.builder().title("shapes, DCEC").config(cfg).summary(sum)
 *     .pretrainLog(outDir.resolve("pretrain_log.csv")).clusterLog(outDir.resolve("dcec_log.csv"))
 *     .confusion(counts, classNames, clusterNames)
 *     .score(new HtmlReport.ScoreRow("DCEC", 0.74, 0.87, 0.73, "end"))
 *     .clusterSamples(0, imagesOfCluster0, 10, 1, 28, 28)
 *     .write(outDir.resolve("report.html"));
 * }</pre>
 * or, from a finished run folder, {@link #fromRunDirectory}.
 */
public final class HtmlReport {
    /** The document title the page sets on itself when its load-time self-check passes. */
    public static final String OK_TITLE = "dcec4j report OK";
    /** The document title when the self-check finds a problem (the problems are listed in #page-status). */
    public static final String FAILED_TITLE = "dcec4j report FAILED";
    /** The page's sections, by element id, in page order. */
    public static final List<String> SECTIONS =
            List.of("summary", "pretraining", "clustering", "metrics", "confusion", "samples", "config");
    /**
     * A sample image is stored in the page at most this many times the thumbnail size ({@link Builder#thumbnailPixels})
     * on its larger side: 112 pixels by default, sharp on a display of two device pixels per CSS pixel.
     */
    public static final int MAX_THUMBNAIL_FACTOR = 2;
    /**
     * The summary's key of the last pretraining epoch's loss. It read "final reconstruction loss", which the clustering's
     * own L_r (trained on, on its panel) contradicted: 0.0956 there, 0.03201 → 0.004978 on the panel.
     */
    public static final String LAST_PRETRAINING_LOSS = "last pretraining loss (L_r)";
    /** The file name a run folder's report gets. */
    public static final String FILE_NAME = "report.html";

    private HtmlReport() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One labelled row of sample images of a cluster ("most confident", "random sample", "least confident").
     *
     * @param title    the row's label, shown above it
     * @param images   only read: n images, C×H×W each, values in [0, 1] (clamped when drawn), image i at i·C·H·W
     * @param n        the number of images
     * @param captions null, or one hover text per image (e.g. "#2277 · confidence 0.965 · triangle")
     * @param tags     null, or one short text shown under each image (its class name)
     */
    public record Strip(String title, float[] images, int n, String[] captions, String[] tags) {
        public Strip {
            if (n < 0) {
                throw new IllegalArgumentException("strip '" + title + "': expected n >= 0, got " + n);
            }
            if (images == null) {
                throw new IllegalArgumentException("strip '" + title + "': images is null");
            }
            if (captions != null && captions.length != n) {
                throw new IllegalArgumentException("strip '" + title + "': expected " + n + " captions, got " + captions.length);
            }
            if (tags != null && tags.length != n) {
                throw new IllegalArgumentException("strip '" + title + "': expected " + n + " tags, got " + tags.length);
            }
        }
    }

    /**
     * Sample images of one cluster, in labelled rows.
     *
     * @param cluster the cluster number
     * @param size    how many samples the cluster has in all (−1 if unknown)
     * @param notes   lines shown under the heading (e.g. the classes in the cluster), in order
     * @param strips  the rows of images, in order
     */
    public record ClusterSamples(int cluster, long size, List<String> notes, int C, int H, int W, List<Strip> strips) {
        public ClusterSamples {
            if (C != 1 && C != 3) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected C = 1 or 3 channels, got " + C);
            }
            if (H <= 0 || W <= 0) {
                throw new IllegalArgumentException("cluster " + cluster + " samples: expected H > 0, W > 0, got H = " + H
                        + ", W = " + W);
            }
            for (Strip s : strips) {
                if ((long) s.images().length < (long) s.n() * C * H * W) {
                    throw new IllegalArgumentException("cluster " + cluster + " samples: expected at least n·C·H·W = "
                            + ((long) s.n() * C * H * W) + " floats in '" + s.title() + "', got " + s.images().length);
                }
            }
            notes = List.copyOf(notes);
            strips = List.copyOf(strips);
        }

        /** The number of images of all strips. */
        public int images() {
            int n = 0;
            for (Strip s : strips) {
                n += s.n();
            }
            return n;
        }
    }

    /**
     * One row of the summary's score table.
     *
     * @param name the method or stage ("pixel k-means", "CAE + k-means", "DCEC")
     * @param note what the row is (e.g. "start: the k-means initialisation, iteration 0")
     */
    public record ScoreRow(String name, double acc, double nmi, double ari, String note) {
    }

    /** Collects the page's content; every method returns this builder. Nothing is required. */
    public static final class Builder {
        private String title = "dcec4j run";
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<String, String> summary = new LinkedHashMap<>();
        private final List<PretrainRow> pretrain = new ArrayList<>();
        /** The method has no pretraining (kmeans): the section says so instead of "no log was given". */
        private String withoutPretraining;
        /** The weights were pretrained elsewhere (a cluster run): what the section says when it has no log. */
        private String pretrainingElsewhere;
        private String withoutClustering;
        private String endsWith;
        /** The run only pretrained ({@code dcec pretrain}): its weights' file name, which the sections of a clustering name. */
        private String pretrainingOnly;
        private final List<ClusterRow> clustering = new ArrayList<>();
        private long[][] confusion;
        private String[] confusionRows;
        private String[] confusionCols;
        /** confusionMatch[j] = the row matched to column j by the mapping ACC uses, -1 for none; null: not known. */
        private int[] confusionMatch;
        private final TreeMap<Integer, ClusterSamples> samples = new TreeMap<>();
        private int thumbnailPixels = 56;
        private double tol = Double.NaN;
        private final List<ScoreRow> scores = new ArrayList<>();
        private ScoreRow metricReference;

        private Builder() {
        }

        public Builder title(String title) {
            this.title = title == null ? "" : title;
            return this;
        }

        /** Adds config entries in the map's iteration order (a key given again is overwritten). */
        public Builder config(Map<String, String> entries) {
            config.putAll(entries);
            return this;
        }

        public Builder config(String key, String value) {
            config.put(key, value);
            return this;
        }

        /** Adds summary entries in the map's iteration order (a key given again is overwritten). */
        public Builder summary(Map<String, String> entries) {
            summary.putAll(entries);
            return this;
        }

        public Builder summary(String key, String value) {
            summary.put(key, value);
            return this;
        }

        /**
         * The run's method has no pretraining ({@code kmeans}, named here): the pretraining section says so rather than
         * that no log was given.
         */
        public Builder withoutPretraining(String method) {
            this.withoutPretraining = Objects.requireNonNull(method, "method");
            return this;
        }

        /**
         * The run clustered weights pretrained elsewhere ({@code dcec cluster}): without pretraining rows the section
         * shows {@code note} (where the weights came from) rather than that no log was given.
         */
        public Builder pretrainingElsewhere(String note) {
            this.pretrainingElsewhere = Objects.requireNonNull(note, "note");
            return this;
        }

        /**
         * The run's method has no clustering phase (kmeans, cae-kmeans): the clustering section says so, and what the
         * method ends with ({@code endsWith}, e.g. "k-means on the raw pixels"), instead of asking for a missing log.
         */
        public Builder withoutClusteringPhase(String method, String endsWith) {
            this.withoutClustering = Objects.requireNonNull(method, "method");
            this.endsWith = Objects.requireNonNull(endsWith, "endsWith");
            return this;
        }

        /**
         * The run only pretrained the autoencoder ({@code dcec pretrain}), whose weights are {@code weights} (the file
         * name): the sections of a clustering (its losses, the metrics, the confusion matrix, the samples) say that it has
         * none and how to cluster those weights, instead of asking for a missing log or labels.
         */
        public Builder pretrainingOnly(String weights) {
            this.pretrainingOnly = Objects.requireNonNull(weights, "weights");
            return this;
        }

        /** Appends pretraining rows. */
        public Builder pretrainLog(List<PretrainRow> rows) {
            pretrain.addAll(rows);
            return this;
        }

        /** Appends the rows of a {@code pretrain_log.csv}. */
        public Builder pretrainLog(Path csv) {
            return pretrainLog(RunLogs.readPretrainLog(csv));
        }

        /** Appends pretraining rows given as {epoch, loss, seconds} arrays (only read). */
        public Builder pretrainLogArrays(List<double[]> rows) {
            for (int r = 0; r < rows.size(); r++) {
                double[] a = rows.get(r);
                if (a.length < 3) {
                    throw new IllegalArgumentException("pretraining row " + r + ": expected {epoch, loss, seconds}, got "
                            + a.length + " values");
                }
                pretrain.add(new PretrainRow((int) a[0], a[1], a[2]));
            }
            return this;
        }

        public Builder pretrainRow(int epoch, double loss, double seconds) {
            pretrain.add(new PretrainRow(epoch, loss, seconds));
            return this;
        }

        /** Appends clustering rows. */
        public Builder clusterLog(List<ClusterRow> rows) {
            clustering.addAll(rows);
            return this;
        }

        /** Appends the rows of a {@code dcec_log.csv}. */
        public Builder clusterLog(Path csv) {
            return clusterLog(RunLogs.readClusterLog(csv));
        }

        public Builder clusterRow(ClusterRow row) {
            clustering.add(row);
            return this;
        }

        /** Appends a row to the summary's score table (where clustering started and ended, and the baseline). */
        public Builder score(ScoreRow row) {
            scores.add(row);
            return this;
        }

        /** Scores drawn as a dashed line on each metric chart (the pixel k-means baseline); null: none. */
        public Builder metricReference(ScoreRow row) {
            metricReference = row;
            return this;
        }

        /** The stopping tolerance, drawn as a line on the changed-label chart (NaN: none). */
        public Builder tol(double tol) {
            this.tol = tol;
            return this;
        }

        /**
         * The confusion matrix: counts[i][j] = samples of class i put in cluster j. Copied.
         *
         * @param rowLabels one name per class (row)
         * @param colLabels one name per cluster (column)
         */
        public Builder confusion(long[][] counts, String[] rowLabels, String[] colLabels) {
            if (counts.length != rowLabels.length) {
                throw new IllegalArgumentException("confusion: " + counts.length + " rows but " + rowLabels.length
                        + " row labels; expected one label per row");
            }
            for (int i = 0; i < counts.length; i++) {
                if (counts[i].length != colLabels.length) {
                    throw new IllegalArgumentException("confusion: row " + i + " has " + counts[i].length
                            + " counts but there are " + colLabels.length + " column labels; expected equal");
                }
            }
            confusion = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                confusion[i] = counts[i].clone();
            }
            confusionRows = rowLabels.clone();
            confusionCols = colLabels.clone();
            confusionMatch = null;
            return this;
        }

        /** {@link #confusion(long[][], String[], String[])} with columns named "cluster 0", "cluster 1", .... */
        public Builder confusion(int[][] counts, String[] rowLabels) {
            int K = counts.length == 0 ? 0 : counts[0].length;
            long[][] c = new long[counts.length][];
            for (int i = 0; i < counts.length; i++) {
                c[i] = new long[counts[i].length];
                for (int j = 0; j < counts[i].length; j++) {
                    c[i][j] = counts[i][j];
                }
            }
            String[] cols = new String[K];
            for (int j = 0; j < K; j++) {
                cols[j] = "cluster " + j;
            }
            return confusion(c, rowLabels, cols);
        }

        /**
         * Sample images for one cluster in one row labelled "samples" (replaces earlier samples of the same cluster).
         *
         * @param images only read: n images of C×H×W floats in [0, 1], image i at offset i·C·H·W
         */
        public Builder clusterSamples(int cluster, float[] images, int n, int C, int H, int W) {
            return clusterSamples(new ClusterSamples(cluster, -1, List.of(), C, H, W,
                    List.of(new Strip("samples", images, n, null, null))));
        }

        public Builder clusterSamples(ClusterSamples s) {
            samples.put(s.cluster(), s);
            return this;
        }

        /**
         * The displayed size of the larger side of a thumbnail, in CSS pixels (rounded to an integer zoom). An image
         * whose larger side exceeds {@link #MAX_THUMBNAIL_FACTOR} times this is reduced by the smallest integer factor
         * that brings it within that (each pixel the mean of a block) and shown at its reduced size.
         */
        public Builder thumbnailPixels(int px) {
            if (px <= 0) {
                throw new IllegalArgumentException("thumbnailPixels: expected > 0, got " + px);
            }
            this.thumbnailPixels = px;
            return this;
        }

        /** The page as a string. */
        public String render() {
            return new Page(this).render();
        }

        /** Writes the page atomically (a temporary file beside it, then a rename) and returns {@code html}. */
        public Path write(Path html) {
            try {
                OutputFiles.writeAtomically(html, render().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ReportException("cannot write the report: " + IoErrors.describe(e), e);
            }
            return html;
        }
    }

    /**
     * {@link #fromRunDirectory(Path, float[], int, int, int, int, int[], List, int)} with a data set's images,
     * labels and class names.
     */
    public static Builder fromRunDirectory(Path outDir, Dataset data, int samplesPerCluster) {
        return fromRunDirectory(outDir, data.images(), data.size(), data.channels(), data.height(), data.width(),
                data.labels(), data.classNames(), samplesPerCluster);
    }

    /** {@link #fromRunDirectory(Path, float[], int, int, int, int, int[], List, int)} with classes named by number. */
    public static Builder fromRunDirectory(Path outDir, float[] images, int N, int C, int H, int W, int[] labels,
                                           int samplesPerCluster) {
        return fromRunDirectory(outDir, images, N, C, H, W, labels, List.of(), samplesPerCluster);
    }

    /**
     * config.json's entries as the configuration table shows them: what wrote the run ("dcec4j.release", ".commit",
     * ".local_changes", ".arithmetic", and the same under "pretraining." for the pretraining a clustering run
     * continued) reads "unknown" where the file has JSON null (local_changes of a build from sources that no git
     * repository tracks), and so do the settings only the pretraining uses ({@link #PRETRAINING_SETTINGS}), null in a
     * clustering of weights whose pretraining is not known; the file keeps its null, which a program reads as "not known".
     */
    static Map<String, String> shown(Map<String, String> config) {
        Map<String, String> out = new LinkedHashMap<>(config);
        out.replaceAll((k, v) -> (k.startsWith("dcec4j.") || k.contains(".dcec4j.") || PRETRAINING_SETTINGS.contains(k))
                && "null".equals(v) ? "unknown" : v);
        return out;
    }

    /** config.json's keys of the settings that only the pretraining uses, null where it is not known. */
    static final List<String> PRETRAINING_SETTINGS = org.dcec4j.dcec.DcecConfig.UNKNOWABLE;

    /** The key of a clustering run's config.json that holds the config.json of its weights' pretraining. */
    static final String PRETRAINING = "pretraining";

    /**
     * Whether config.json (flattened) is a {@code dcec cluster} run's: it keeps the config.json of its weights'
     * pretraining under {@value #PRETRAINING}, or records that pretraining's settings as null (not known).
     */
    public static boolean clustersWeightsFromElsewhere(Map<String, String> config) {
        return config.containsKey(PRETRAINING) || config.keySet().stream().anyMatch(k -> k.startsWith(PRETRAINING + "."))
                || PRETRAINING_SETTINGS.stream().anyMatch(k -> "null".equals(config.get(k)));
    }

    /** How every page this class writes begins and ends: what tells a report dcec wrote from another file. */
    private static final String PAGE_START = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n", PAGE_TITLE_END = " · dcec4j report</title>",
            PAGE_SIGNED = "Written by dcec4j.", PAGE_END = "</html>\n", PRETRAINING_TITLE = "dcec4j pretraining: ";

    /** Whether {@code html} is a regular file (not a link) that begins and ends as the pages this class writes. */
    public static boolean writtenByDcec(Path html) throws IOException {
        return head(html) != null;
    }

    /**
     * Whether {@code html} is a page this class wrote for a pretraining-only folder ({@link #pretrainingOnly}, titled
     * "dcec4j pretraining: FOLDER"): a clustering in that folder supersedes it, as it does the pretraining's checkpoint.
     */
    public static boolean isPretrainingPage(Path html) throws IOException {
        String head = head(html);
        return head != null && head.contains("<title>" + PRETRAINING_TITLE);
    }

    /** The first KiB of {@code html} when it begins and ends as the pages this class writes, else null. */
    private static String head(Path html) throws IOException {
        if (!Files.isRegularFile(html, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(html.toFile(), "r")) {
            long size = f.length();
            byte[] head = new byte[(int) Math.min(size, 1024)], tail = new byte[(int) Math.min(size, 512)];
            f.readFully(head);
            f.seek(size - tail.length);
            f.readFully(tail);
            String start = new String(head, StandardCharsets.UTF_8), end = new String(tail, StandardCharsets.UTF_8);
            return start.startsWith(PAGE_START) && start.contains(PAGE_TITLE_END) && end.contains(PAGE_SIGNED) && end.endsWith(PAGE_END)
                    ? start : null;
        }
    }

    /**
     * Whether {@code dir}, a run folder whose config.json (flattened) is {@code config}, holds a pretraining only, as
     * {@code dcec pretrain} leaves it: config.json of a method that pretrains an autoencoder, not of a clustering
     * ({@link #clustersWeightsFromElsewhere}), and none of a clustering's files ({@value RunLogs#CLUSTER_LOG},
     * {@value RunLogs#PREDICTIONS}, model.dc4j). Whether it finished (its weights are there) is not looked at; a
     * {@code dcec train} run stopped before its clustering began has the same files.
     */
    public static boolean pretrainingOnly(Path dir, Map<String, String> config) {
        Method m;
        try {
            m = config.get("method") == null ? null : Method.parse(config.get("method"));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return m != null && m.pretrains && !clustersWeightsFromElsewhere(config)
                && !Files.exists(dir.resolve(RunLogs.CLUSTER_LOG)) && !Files.exists(dir.resolve(RunLogs.PREDICTIONS))
                && !Files.exists(dir.resolve(RunFolder.MODEL));
    }

    /**
     * The pretraining section's note of a clustering run without the pretraining's log: where its weights came from, as
     * config.json records it (the pretraining's method, data, seed and epochs), or that their pretraining is not known.
     */
    static String weightsOrigin(Map<String, String> config) {
        String p = PRETRAINING + ".";
        if (config.keySet().stream().noneMatch(k -> k.startsWith(p))) {
            return "The pretraining of the weights this run clustered is not known (no config.json of a pretraining was beside them:"
                    + " config.json records " + String.join(", ", PRETRAINING_SETTINGS.subList(0, PRETRAINING_SETTINGS.size() - 1)) + " and "
                    + PRETRAINING_SETTINGS.get(PRETRAINING_SETTINGS.size() - 1) + " as unknown), and its log, " + RunLogs.PRETRAIN_LOG
                    + ", is not in this folder.";
        }
        String images = config.get(p + "images");
        String what = config.getOrDefault(p + "method", "?") + " on " + config.getOrDefault(p + "dataset", "?")
                + (images == null ? "" : ", " + images + ("1".equals(images) ? " image" : " images"))
                + ", seed " + config.getOrDefault(p + "seed", "?") + ", " + config.getOrDefault(p + "pretrain_epochs", "?") + " epochs"
                + (config.get(p + "dcec4j.release") == null ? "" : ", dcec4j " + config.get(p + "dcec4j.release"));
        return "The weights this run clustered were pretrained in another folder (dcec cluster --weights): config.json records that"
                + " pretraining under " + PRETRAINING + " (" + what + "; the configuration below lists it all); its log, "
                + RunLogs.PRETRAIN_LOG + ", is not in this folder.";
    }

    /**
     * A builder filled from a finished run folder: {@code config.json}, {@code pretrain_log.csv},
     * {@code dcec_log.csv}, {@code predictions.csv} and {@code baseline.json}, whichever exist.
     * <ul>
     *   <li>The score table: the pixel k-means baseline (baseline.json), where clustering started (the
     *       iteration-0 row of dcec_log.csv: the k-means initialisation) and where it ended (predictions.csv).</li>
     *   <li>With images, each cluster shows three labelled rows of {@code samplesPerCluster} members: the most
     *       confident (confidence = max_j q_ij, highest first, ties by index), a random sample of the rest
     *       (seeded by config.json's seed and the cluster, so the page is the same every time), and the least
     *       confident (lowest first); a small cluster shows each member once.</li>
     *   <li>With labels, the classes each cluster holds, the confusion matrix (columns ordered so that each
     *       class's matched cluster, by the Hungarian mapping that ACC uses, sits on the diagonal) and the final
     *       ACC/NMI/ARI computed from the predictions.</li>
     * </ul>
     * A pretraining's folder ({@code dcec pretrain}, {@link #pretrainingOnly(Path, Map)}) gets the page of what it has: the
     * data set, its pretraining curve and time, and the configuration; the sections of a clustering say that it has none.
     * Add more (summary entries, a title) on the returned builder, then {@code write}.
     *
     * @param images     null, or all N images, C×H×W each, in the order of predictions.csv's indices (only read)
     * @param labels     null, or the N true labels (only read)
     * @param classNames the name of each class by label, or empty (classes are then named by their number)
     */
    public static Builder fromRunDirectory(Path outDir, float[] images, int N, int C, int H, int W, int[] labels,
                                           List<String> classNames, int samplesPerCluster) {
        if (!Files.isDirectory(outDir)) {
            throw new ReportException(outDir + ": not a directory; expected a run's --out folder");
        }
        Path config = outDir.resolve(RunLogs.CONFIG);
        Map<String, String> cfg = Files.isRegularFile(config) ? RunLogs.readConfig(config) : Map.of();
        boolean pretrainingOnly = pretrainingOnly(outDir, cfg);
        Builder b = builder().title((pretrainingOnly ? PRETRAINING_TITLE : "dcec4j run: ") + outDir.toAbsolutePath().normalize().getFileName());
        if (pretrainingOnly) {
            // the summary of a run without scores or clusters: what it is and what it pretrained on
            b.summary("run", "pretraining only (dcec pretrain): no clustering");
            String count = cfg.get("images");
            b.summary("data set", cfg.get("dataset") + (count == null ? "" : ", " + count + ("1".equals(count) ? " image" : " images"))
                    + " of " + cfg.get("channels") + "×" + cfg.get("height") + "×" + cfg.get("width"));
            b.pretrainingOnly(RunFolder.weightsFileName(Method.parse(cfg.get("method"))));
        }
        if (Files.isRegularFile(config)) {
            b.config(shown(cfg));
            String tol = cfg.get("tol");
            if (tol != null) {
                b.tol(number(config, "tol", tol));
            }
        }
        Method method = null;
        if (cfg.get("method") != null) {
            try {
                method = Method.parse(cfg.get("method"));
            } catch (IllegalArgumentException e) {
                throw new ReportException(config + ": key \"method\": " + e.getMessage());
            }
            if (method.network == Method.Network.NONE) {
                b.withoutPretraining(method.cliName);
            }
            if (!method.clusters) {
                b.withoutClusteringPhase(method.cliName, method.network == Method.Network.NONE ? "k-means on the raw pixels"
                        : "k-means on the " + (method.network == Method.Network.CONV ? "CAE" : "autoencoder") + "'s embedding");
            }
        }
        long seed = 0;
        if (cfg.get("seed") != null) {
            try {
                seed = Long.parseLong(cfg.get("seed"));
            } catch (NumberFormatException e) {
                throw new ReportException(config + ": key \"seed\": expected an integer, got \"" + cfg.get("seed") + "\"");
            }
        }
        Path baseline = outDir.resolve(RunLogs.BASELINE);
        if (Files.isRegularFile(baseline)) {
            Map<String, String> m = RunLogs.readConfig(baseline);
            String restarts = m.getOrDefault("restarts", "?");
            ScoreRow row = new ScoreRow("pixel k-means", number(baseline, "acc", m.get("acc")), number(baseline, "nmi", m.get("nmi")),
                    number(baseline, "ari", m.get("ari")), "baseline: k-means on the raw pixels, " + ("1".equals(restarts) ? "1 restart" : restarts + " restarts") + " ("
                    + Html.fixed(number(baseline, "seconds", m.get("seconds")), 1) + " s)");
            b.score(row).metricReference(row);
        }
        Path pre = outDir.resolve(RunLogs.PRETRAIN_LOG);
        if (Files.isRegularFile(pre)) {
            List<PretrainRow> rows = RunLogs.readPretrainLog(pre);
            b.pretrainLog(rows);
            if (!rows.isEmpty()) {
                double seconds = 0;
                for (PretrainRow r : rows) {
                    seconds += Double.isNaN(r.seconds()) ? 0 : r.seconds();
                }
                PretrainRow last = rows.get(rows.size() - 1);
                b.summary("pretraining epochs", Integer.toString(last.epoch()));
                // not "final reconstruction loss": the clustering trains L_r on, and its L_r panel ends elsewhere
                b.summary(LAST_PRETRAINING_LOSS, Html.number(last.loss()));
                b.summary("pretraining time", Html.fixed(seconds, 1) + " s");
            }
        } else if (clustersWeightsFromElsewhere(cfg)) {
            b.pretrainingElsewhere(weightsOrigin(cfg));
        }
        Path log = outDir.resolve(RunLogs.CLUSTER_LOG);
        ClusterRow lastRow = null;
        if (Files.isRegularFile(log)) {
            List<ClusterRow> rows = RunLogs.readClusterLog(log);
            b.clusterLog(rows);
            if (!rows.isEmpty()) {
                ClusterRow first = rows.get(0);
                lastRow = rows.get(rows.size() - 1);
                b.summary("clustering iterations", Integer.toString(lastRow.iter()));
                b.summary("final L", Html.number(lastRow.L()));
                if (first.iter() == 0 && !Double.isNaN(first.acc())) {
                    b.score(new ScoreRow(method == null || method.startName() == null ? "k-means initialisation" : method.startName(),
                            first.acc(), first.nmi(), first.ari(), "start: the k-means initialisation (iteration 0)"));
                }
            }
        }
        if (labels != null && labels.length != N) {
            throw new IllegalArgumentException("fromRunDirectory: labels has " + labels.length + " entries but N = " + N);
        }
        if (images != null && (long) images.length != (long) N * C * H * W) {
            throw new IllegalArgumentException("fromRunDirectory: images has " + images.length
                    + " floats; expected N·C·H·W = " + ((long) N * C * H * W));
        }
        Path pred = outDir.resolve(RunLogs.PREDICTIONS);
        if (!Files.isRegularFile(pred)) {
            return b;
        }
        Predictions p = RunLogs.readPredictions(pred);
        if ((images != null || labels != null) && p.size() != N) {
            throw new ReportException(pred + ": has " + Counts.of(p.size(), "prediction") + " but the data set has N = " + Counts.of(N, "image")
                    + "; expected one line per image");
        }
        int K = 0;
        for (int k : p.cluster()) {
            K = Math.max(K, k + 1);
        }
        // the run's K: clusters after the last non-empty one are empty too (the samples section lists every cluster)
        String clusters = cfg.get("clusters");
        if (clusters != null && clusters.matches("[0-9]{1,9}")) {
            K = Math.max(K, Math.min(Integer.parseInt(clusters), p.size()));
        }
        long[] size = new long[K];
        for (int k : p.cluster()) {
            size[k]++;
        }
        int nonEmpty = 0;
        for (long s : size) {
            nonEmpty += s > 0 ? 1 : 0;
        }
        b.summary("images", Integer.toString(p.size()));
        b.summary("clusters (non-empty)", Integer.toString(nonEmpty));
        String[] names = className(labels, classNames);
        String maxIter = cfg.get("max_iter");
        String ended = lastRow == null ? null : "iteration " + lastRow.iter()
                + (converged(lastRow, b.tol) ? ", converged (fewer than tol of the labels changed)"
                : String.valueOf(lastRow.iter()).equals(maxIter) ? ", stopped at the iteration cap (max_iter)" : "");
        if (labels == null && ended != null) {
            // no score table, whose last row says it
            b.summary("clustering ended", ended);
        }
        if (labels != null) {
            Contingency table = Metrics.contingency(labels, p.cluster());
            ClusterMapping mapping = Metrics.bestMapping(table);
            String end = ended != null ? "end: " + ended : b.endsWith != null ? "end: " + b.endsWith : "end";
            b.score(new ScoreRow(method == null ? "final" : method.paperName(), mapping.accuracy(), Metrics.nmi(labels, p.cluster()),
                    Metrics.ari(labels, p.cluster()), end));
            addConfusion(b, table, mapping, names);
        }
        if (images != null && samplesPerCluster > 0) {
            addSamples(b, p, size, images, C, H, W, labels, names, samplesPerCluster, seed);
        }
        return b;
    }

    /** The trainer's stop rule read back from the log: the last row after iteration 0 changed fewer than tol of the labels. */
    private static boolean converged(ClusterRow last, double tol) {
        return last.iter() > 0 && last.deltaLabel() < tol;
    }

    private static double number(Path file, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NullPointerException | NumberFormatException e) {
            throw new ReportException(file + ": key \"" + key + "\": expected a number, got "
                    + (value == null ? "nothing" : "\"" + value + "\""));
        }
    }

    /** names[label]: the class names given, else "class k"; null without labels. */
    private static String[] className(int[] labels, List<String> classNames) {
        if (labels == null) {
            return null;
        }
        int classes = classNames.size();
        for (int l : labels) {
            classes = Math.max(classes, l + 1);
        }
        String[] names = new String[classes];
        for (int k = 0; k < classes; k++) {
            names[k] = k < classNames.size() ? classNames.get(k) : "class " + k;
        }
        return names;
    }

    /** Confusion columns in the order of the rows they are matched to, unmatched clusters last. */
    private static void addConfusion(Builder b, Contingency table, ClusterMapping mapping, String[] names) {
        long[][] dense = table.dense();
        int R = table.rows();
        int J = table.cols();
        int[] order = new int[J];
        int m = 0;
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < J; j++) {
                if (mapping.classOfCluster()[j] == i) {
                    order[m++] = j;
                }
            }
        }
        for (int j = 0; j < J; j++) {
            if (mapping.classOfCluster()[j] == Hungarian.UNASSIGNED) {
                order[m++] = j;
            }
        }
        long[][] counts = new long[R][J];
        String[] rows = new String[R];
        String[] cols = new String[J];
        for (int i = 0; i < R; i++) {
            rows[i] = names[table.classes()[i]];
            for (int j = 0; j < J; j++) {
                counts[i][j] = dense[i][order[j]];
            }
        }
        for (int j = 0; j < J; j++) {
            cols[j] = "cluster " + table.clusters()[order[j]];
        }
        b.confusion(counts, rows, cols);
        int[] match = new int[J];
        for (int j = 0; j < J; j++) {
            int i = mapping.classOfCluster()[order[j]];
            match[j] = i == Hungarian.UNASSIGNED ? -1 : i;
        }
        b.confusionMatch = match;
    }

    /** The titles of a cluster's three rows of samples. */
    public static final String MOST_CONFIDENT = "most confident", RANDOM_SAMPLE = "random sample", LEAST_CONFIDENT = "least confident";

    /**
     * Every cluster's samples: its members sorted by confidence (highest first, ties by index) give the S most
     * confident, then the S least confident of the others (shown lowest first), then S drawn at random without
     * replacement from those left between them (shown in confidence order), by a generator seeded with
     * (seed, cluster). An empty cluster gets an entry of its own, size 0 and no rows.
     */
    private static void addSamples(Builder b, Predictions p, long[] size, float[] images, int C, int H, int W,
                                   int[] labels, String[] names, int S, long seed) {
        int N = p.size();
        int D = C * H * W;
        Integer[] idx = new Integer[N];
        for (int n = 0; n < N; n++) {
            idx[n] = n;
        }
        int[] cl = p.cluster();
        float[] q = p.confidence();
        Arrays.sort(idx, (a, c) -> cl[a] != cl[c] ? Integer.compare(cl[a], cl[c])
                : q[a] != q[c] ? Float.compare(q[c], q[a]) : Integer.compare(a, c));
        int start = 0;
        while (start < N) {
            int k = cl[idx[start]];
            int n = (int) size[k];
            int[] members = new int[n];
            for (int s = 0; s < n; s++) {
                members[s] = idx[start + s];
            }
            int most = Math.min(S, n);
            int least = Math.min(S, n - most);
            int middle = n - most - least;
            int[] top = Arrays.copyOfRange(members, 0, most);
            int[] bottom = new int[least];
            for (int s = 0; s < least; s++) {
                bottom[s] = members[n - 1 - s];
            }
            // a partial Fisher–Yates shuffle of the middle positions picks min(S, middle) of them
            int[] pos = new int[middle];
            for (int s = 0; s < middle; s++) {
                pos[s] = most + s;
            }
            int r = Math.min(S, middle);
            SplittableRandom rng = new SplittableRandom(sampleSeed(seed, k));
            for (int s = 0; s < r; s++) {
                int j = s + rng.nextInt(middle - s);
                int t = pos[s];
                pos[s] = pos[j];
                pos[j] = t;
            }
            int[] picked = Arrays.copyOf(pos, r);
            Arrays.sort(picked);
            int[] random = new int[r];
            for (int s = 0; s < r; s++) {
                random[s] = members[picked[s]];
            }
            int dec = confidenceDecimals(q[members[0]], q[members[n - 1]]);
            List<Strip> strips = new ArrayList<>();
            strips.add(strip(MOST_CONFIDENT, top, images, D, q, dec, p.files(), labels, names));
            if (r > 0) {
                strips.add(strip(RANDOM_SAMPLE, random, images, D, q, dec, p.files(), labels, names));
            }
            if (least > 0) {
                strips.add(strip(LEAST_CONFIDENT, bottom, images, D, q, dec, p.files(), labels, names));
            }
            List<String> notes = new ArrayList<>();
            if (labels != null) {
                notes.add(composition(members, labels, names));
            }
            notes.add("confidence max_j q_ij: highest " + Html.fixed(q[members[0]], dec) + ", median "
                    + Html.fixed(median(q, members), dec) + ", lowest " + Html.fixed(q[members[n - 1]], dec));
            b.clusterSamples(new ClusterSamples(k, n, notes, C, H, W, strips));
            start += n;
        }
        for (int k = 0; k < size.length; k++) {
            if (size[k] == 0) {
                b.clusterSamples(new ClusterSamples(k, 0, List.of(), C, H, W, List.of()));
            }
        }
    }

    /**
     * The median of q over a cluster's members (sorted by confidence, at least one): the middle value, or for an even
     * number the mean of the two middle ones (the upper of the two was shown: a cluster of 0.9 and 0.5 had median 0.9).
     */
    static double median(float[] q, int[] members) {
        int n = members.length;
        return n % 2 == 1 ? q[members[n / 2]] : ((double) q[members[n / 2 - 1]] + q[members[n / 2]]) / 2;
    }

    /** The seed of cluster k's random sample: SplitMix64's finaliser of the run's seed and k. */
    static long sampleSeed(long seed, int k) {
        long z = seed + 0x9E3779B97F4A7C15L * (k + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The decimals a cluster's confidences are shown with: 3, or as many more (up to predictions.csv's 6) as its highest
     * and lowest need to read differently; at 3, the confidences of a short run with q ≈ 1/K all read the same.
     */
    static int confidenceDecimals(double highest, double lowest) {
        int d = 3;
        while (d < 6 && Html.fixed(highest, d).equals(Html.fixed(lowest, d))) {
            d++;
        }
        return highest == lowest || Html.fixed(highest, d).equals(Html.fixed(lowest, d)) ? 3 : d;
    }

    private static Strip strip(String title, int[] members, float[] images, int D, float[] q, int decimals, String[] files,
                               int[] labels, String[] names) {
        int n = members.length;
        float[] x = new float[n * D];
        String[] captions = new String[n];
        String[] tags = labels == null ? null : new String[n];
        for (int s = 0; s < n; s++) {
            int i = members[s];
            System.arraycopy(images, i * D, x, s * D, D);
            captions[s] = "#" + i + (files != null ? " · " + files[i] : "") + " · confidence " + Html.fixed(q[i], decimals)
                    + (labels != null ? " · " + names[labels[i]] : "");
            if (tags != null) {
                tags[s] = names[labels[i]];
            }
        }
        return new Strip(title, x, n, captions, tags);
    }

    /**
     * The largest classes of a cluster, at most four, then the rest, e.g.
     * "classes: triangle 375 (71.7 %), equals 130 (24.9 %), circle 10 (1.9 %), L 7 (1.3 %), 1 image (0.2 %) of 1 other
     * class".
     */
    static String composition(int[] members, int[] labels, String[] names) {
        long[] count = new long[names.length];
        for (int i : members) {
            count[labels[i]]++;
        }
        Integer[] order = new Integer[names.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, c) -> count[a] != count[c] ? Long.compare(count[c], count[a]) : Integer.compare(a, c));
        StringBuilder s = new StringBuilder("classes: ");
        long shown = 0;
        int listed = 0;
        for (int c : order) {
            if (count[c] == 0 || listed == 4) {
                break;
            }
            s.append(listed == 0 ? "" : ", ").append(names[c]).append(' ').append(count[c]).append(" (")
                    .append(Html.fixed(100.0 * count[c] / members.length, 1)).append(" %)");
            shown += count[c];
            listed++;
        }
        long rest = members.length - shown;
        if (rest > 0) {
            int others = 0;
            for (long c : count) {
                others += c > 0 ? 1 : 0;
            }
            others -= listed;
            // the count first and named: "2 other classes 2 (13.3 %)" read as a class named 2 with digit class names
            s.append(", ").append(Counts.of(rest, "image")).append(" (").append(Html.fixed(100.0 * rest / members.length, 1))
                    .append(" %) of ").append(others).append(others == 1 ? " other class" : " other classes");
        }
        return s.toString();
    }

    /** Renders a builder's content. */
    /** At most this many x values are named where a series is infinite; the rest are counted. */
    static final int MAX_NAMED_INFINITE = 5;

    /**
     * "name is infinite (∞ at iteration 3, −∞ at iteration 7): those values are not drawn." for the infinite values
     * of y (a chart cannot place them, and a silent gap would read as a missing row); empty when there are none. NaN,
     * a missing value, is not named.
     */
    static String infiniteNotDrawn(String name, String xName, double[] x, double[] y) {
        StringBuilder at = new StringBuilder();
        int count = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isInfinite(y[i])) {
                if (count < MAX_NAMED_INFINITE) {
                    at.append(count == 0 ? "" : ", ").append(y[i] > 0 ? "∞" : "−∞").append(" at ").append(xName)
                            .append(' ')
                            .append(x[i] == Math.rint(x[i]) ? Long.toString((long) x[i]) : Html.number(x[i]));
                }
                count++;
            }
        }
        if (count == 0) {
            return "";
        }
        if (count > MAX_NAMED_INFINITE) {
            at.append(" and ").append(count - MAX_NAMED_INFINITE).append(" more");
        }
        return name + " is infinite (" + at + "): " + (count == 1 ? "that value is" : "those values are")
                + " not drawn.";
    }

    /**
     * ": no label changed at iteration 560" for the recomputations after iteration 0 (where the fraction is 0 by
     * construction) whose fraction is 0, the first five and then a count; empty when there are none. Such a
     * recomputation, often the one the run stopped at, is not on the log axis: the note says where it is.
     */
    static String noneChanged(List<ClusterRow> rows) {
        StringBuilder at = new StringBuilder();
        int count = 0;
        for (ClusterRow r : rows) {
            if (r.iter() > 0 && r.deltaLabel() == 0) {
                if (count < MAX_NAMED_INFINITE) {
                    at.append(count == 0 ? "" : ", ").append(r.iter());
                }
                count++;
            }
        }
        if (count == 0) {
            return "";
        }
        if (count > MAX_NAMED_INFINITE) {
            at.append(" and ").append(count - MAX_NAMED_INFINITE).append(" more");
        }
        return ": no label changed at iteration" + (count == 1 ? " " : "s ") + at;
    }

    private static final class Page {
        private final Builder b;
        private int charts;
        private int images;

        Page(Builder b) {
            this.b = b;
        }

        String render() {
            StringBuilder body = new StringBuilder(1 << 16);
            StringBuilder page = new StringBuilder(1 << 16);
            // sections first, so the counts on <body> are known
            sectionSummary(body);
            sectionPretraining(body);
            sectionClustering(body);
            sectionMetrics(body);
            sectionConfusion(body);
            sectionSamples(body);
            sectionConfig(body);
            page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>").append(Html.text(b.title)).append(" · dcec4j report</title>\n")
                    .append("<script>\n").append(SCRIPT.replace("__OK__", OK_TITLE).replace("__FAILED__", FAILED_TITLE))
                    .append("</script>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                    .append("<body data-expect=\"").append(String.join(" ", SECTIONS)).append("\" data-charts=\"")
                    .append(charts).append("\" data-images=\"").append(images).append("\">\n")
                    .append("<header><h1>").append(Html.text(b.title)).append("</h1>\n<nav>");
            for (String s : SECTIONS) {
                page.append("<a href=\"#").append(s).append("\">").append(s).append("</a> ");
            }
            page.append("</nav></header>\n<main>\n").append(body).append("</main>\n")
                    .append("<footer><p id=\"page-status\">page check: not run (scripts disabled?)</p>")
                    .append("<p>Written by dcec4j. Self-contained: no network resources.</p></footer>\n")
                    .append("</body>\n</html>\n");
            return page.toString();
        }

        private static void open(StringBuilder o, String id, String heading) {
            o.append("<section id=\"").append(id).append("\">\n<h2>").append(Html.text(heading)).append("</h2>\n");
        }

        private static void note(StringBuilder o, String text) {
            o.append("<p class=\"note\">").append(Html.text(text)).append("</p>\n");
        }

        private static void table(StringBuilder o, String cls, Map<String, String> entries) {
            o.append("<table class=\"").append(cls).append("\">\n");
            for (Map.Entry<String, String> e : entries.entrySet()) {
                o.append("<tr><th>").append(Html.text(e.getKey())).append("</th><td>").append(Html.text(e.getValue()))
                        .append("</td></tr>\n");
            }
            o.append("</table>\n");
        }

        private void chart(StringBuilder o, SvgLineChart c) {
            o.append("<figure>").append(c.render()).append("</figure>\n");
            charts++;
        }

        private void sectionSummary(StringBuilder o) {
            open(o, "summary", "Summary");
            if (!b.scores.isEmpty()) {
                o.append("<h3>Where clustering started and ended</h3>\n<table class=\"scores\">\n")
                        .append("<tr><th></th><th>ACC</th><th>NMI</th><th>ARI</th><th></th></tr>\n");
                for (ScoreRow r : b.scores) {
                    o.append("<tr><th>").append(Html.text(r.name())).append("</th><td>").append(Html.fixed(r.acc(), 4))
                            .append("</td><td>").append(Html.fixed(r.nmi(), 4)).append("</td><td>").append(Html.fixed(r.ari(), 4))
                            .append("</td><td class=\"what\">").append(Html.text(r.note())).append("</td></tr>\n");
                }
                o.append("</table>\n");
            }
            if (b.summary.isEmpty()) {
                note(o, "No summary was given.");
            } else {
                table(o, "kv", b.summary);
            }
            o.append("</section>\n");
        }

        private void sectionPretraining(StringBuilder o) {
            open(o, "pretraining", "Pretraining: reconstruction loss");
            List<PretrainRow> rows = b.pretrain;
            if (rows.isEmpty() && b.withoutPretraining != null) {
                note(o, b.withoutPretraining + " clusters the raw pixels: it has no autoencoder to pretrain.");
            } else if (rows.isEmpty() && b.pretrainingElsewhere != null) {
                note(o, b.pretrainingElsewhere);
            } else if (rows.isEmpty()) {
                note(o, "No pretraining log (pretrain_log.csv) was given.");
            } else {
                double[] x = new double[rows.size()];
                double[] y = new double[rows.size()];
                double seconds = 0;
                for (int r = 0; r < rows.size(); r++) {
                    x[r] = rows.get(r).epoch();
                    y[r] = rows.get(r).loss();
                    seconds += Double.isNaN(rows.get(r).seconds()) ? 0 : rows.get(r).seconds();
                }
                // a loss panel like the clustering ones: its trend in the legend, at least LOSS_MIN_SPAN of its top tall
                chart(o, new SvgLineChart("chart-pretrain-loss", "epoch", "L_r (MSE)", x).series(trend("L_r", y, -1), "L_r", y)
                        .scale(SvgLineChart.Scale.AUTO).minSpan(LOSS_MIN_SPAN * maxAbs(y), 0, Double.POSITIVE_INFINITY));
                String skipped = infiniteNotDrawn("L_r", "epoch", x, y);
                if (!skipped.isEmpty()) {
                    note(o, skipped);
                }
                note(o, Counts.of(rows.size(), "epoch") + ", " + Html.fixed(seconds, 1) + " s in all; last loss "
                        + Html.number(rows.get(rows.size() - 1).loss()) + ".");
            }
            o.append("</section>\n");
        }

        /** Panels of the clustering charts: narrower than a full chart, so that two or three sit side by side. */
        static final int PANEL_WIDTH = 420;
        static final int PANEL_HEIGHT = 220;
        /** A loss panel's y axis spans at least this fraction of the largest value it shows. */
        static final double LOSS_MIN_SPAN = 0.2;
        /** A metric panel's y axis spans at least this much (metrics lie in [0, 1]; ARI down to −1). */
        static final double METRIC_MIN_SPAN = 0.05;

        /**
         * "name: first → last" over the finite values; "name: value" when there is one (a run of one epoch read
         * "L_r: 0.0956 → 0.0956", a change that never happened); just the name when there are none.
         */
        static String trend(String name, double[] y, int decimals) {
            double first = Double.NaN;
            double last = Double.NaN;
            int count = 0;
            for (double v : y) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    if (count == 0) {
                        first = v;
                    }
                    last = v;
                    count++;
                }
            }
            if (count == 0) {
                return name;
            }
            String lastText = decimals < 0 ? Html.number(last) : Html.fixed(last, decimals);
            return name + ": " + (count == 1 ? lastText : (decimals < 0 ? Html.number(first) : Html.fixed(first, decimals))
                    + " → " + lastText);
        }

        private static boolean any(double[] y) {
            for (double v : y) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    return true;
                }
            }
            return false;
        }

        private static double maxAbs(double[] y) {
            double m = 0;
            for (double v : y) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
            return m;
        }

        private void sectionClustering(StringBuilder o) {
            open(o, "clustering", "Clustering: losses and changed labels");
            List<ClusterRow> rows = b.clustering;
            if (rows.isEmpty() && b.withoutClustering != null) {
                note(o, b.withoutClustering + " has no clustering phase (it ends with " + b.endsWith
                        + "): no losses or changed labels to show.");
            } else if (rows.isEmpty() && b.pretrainingOnly != null) {
                note(o, "This run only pretrained the autoencoder (dcec pretrain), whose weights are " + b.pretrainingOnly
                        + ": it has no clustering, no losses or changed labels to show. dcec cluster clusters those weights (with"
                        + " --weights in another folder; in this one, where it replaces this page and keeps the pretraining),"
                        + " and dcec report makes the page of that clustering.");
            } else if (rows.isEmpty()) {
                note(o, "No clustering log (dcec_log.csv) was given.");
            } else {
                int R = rows.size();
                double[] x = new double[R];
                double[] L = new double[R];
                double[] Lc = new double[R];
                double[] Lr = new double[R];
                double[] delta = new double[R];
                for (int r = 0; r < R; r++) {
                    ClusterRow c = rows.get(r);
                    x[r] = c.iter();
                    L[r] = c.L();
                    Lc[r] = c.Lc();
                    Lr[r] = c.Lr();
                    delta[r] = c.deltaLabel();
                }
                note(o, "Each loss has its own panel and y axis, fitted to its values but at least "
                        + Math.round(LOSS_MIN_SPAN * 100) + " % of its largest value tall (the losses differ in size: "
                        + "on one axis the smaller ones would lie flat). Every point is the mean over the iterations "
                        + "since the previous recomputation of P.");
                o.append("<div class=\"row\">\n");
                String[][] losses = {{"chart-loss-L", "L = L_r + γ·L_c"}, {"chart-loss-Lc", "L_c = KL(P‖Q)"}, {"chart-loss-Lr", "L_r"}};
                double[][] values = {L, Lc, Lr};
                for (int i = 0; i < losses.length; i++) {
                    if (!any(values[i])) {
                        continue;
                    }
                    double top = maxAbs(values[i]);
                    chart(o, new SvgLineChart(losses[i][0], "iteration", losses[i][1], x)
                            .series(trend(losses[i][1], values[i], -1), losses[i][1], values[i]).scale(SvgLineChart.Scale.AUTO)
                            .minSpan(LOSS_MIN_SPAN * top, 0, Double.POSITIVE_INFINITY).size(PANEL_WIDTH, PANEL_HEIGHT));
                }
                o.append("</div>\n");
                for (int i = 0; i < losses.length; i++) {
                    String skipped = infiniteNotDrawn(losses[i][1], "iteration", x, values[i]);
                    if (!skipped.isEmpty()) {
                        note(o, skipped);
                    }
                }
                SvgLineChart d = new SvgLineChart("chart-delta-label", "iteration", "fraction of labels changed", x)
                        .series("changed labels", delta);
                if (!Double.isNaN(b.tol) && b.tol > 0) {
                    d.reference(tolLabel(b.tol), tolHover(b.tol), b.tol);
                }
                // a fraction: the axis ends at 1 at most; every recomputation is on the x axis, a fraction of 0 too
                chart(o, d.scale(SvgLineChart.Scale.LOG).logCeiling(1).xOfAllValues());
                note(o, R + " recomputations of P, the last at iteration " + rows.get(R - 1).iter()
                        + ". The run stops when the fraction of changed labels is strictly below tol (never at iteration 0)."
                        + " Zero changed-label fractions are not drawn on the log axis" + noneChanged(rows) + ".");
            }
            o.append("</section>\n");
        }

        /** The tolerance line's label: the stop rule is δ < tol, strictly. */
        static String tolLabel(double tol) {
            return "tol = " + Html.number(tol) + " (stops when strictly below)";
        }

        /** The tolerance line's title on hover: what the line is, its value once. */
        static String tolHover(double tol) {
            return "stopping tolerance tol = " + Html.number(tol) + ": the run stops at the first recomputation of P after "
                    + "iteration 0 whose fraction of changed labels is strictly below it";
        }

        private void sectionMetrics(StringBuilder o) {
            open(o, "metrics", "Metrics over iterations");
            List<ClusterRow> rows = b.clustering;
            int R = rows.size();
            double[] x = new double[R];
            double[] acc = new double[R];
            double[] nmi = new double[R];
            double[] ari = new double[R];
            boolean any = false;
            for (int r = 0; r < R; r++) {
                ClusterRow c = rows.get(r);
                x[r] = c.iter();
                acc[r] = c.acc();
                nmi[r] = c.nmi();
                ari[r] = c.ari();
                any |= !Double.isNaN(c.acc()) || !Double.isNaN(c.nmi()) || !Double.isNaN(c.ari());
            }
            if (R == 0 && b.pretrainingOnly != null) {
                note(o, "A pretraining has no clustering: ACC, NMI and ARI over the iterations are those of a clustering.");
            } else if (R == 0) {
                // not "no labels": a labelled run of a method without a clustering phase (kmeans, cae-kmeans) has none
                note(o, "No clustering log (dcec_log.csv) was given: ACC, NMI and ARI over the iterations come from it.");
            } else if (!any) {
                note(o, "No labels: ACC, NMI and ARI need the true labels.");
            } else {
                note(o, "One panel per metric, each y axis fitted to its values but at least " + METRIC_MIN_SPAN
                        + " tall, so that a change of 0.02 shows as a slope and one of 0.001 stays flat; mind the tick labels."
                        + (b.metricReference != null ? " Dashed: " + b.metricReference.name() + " on the same images; "
                        + "an arrow after its value in the legend (↓ or ↑) means it lies below or above the axis and is not drawn." : ""));
                o.append("<div class=\"row\">\n");
                String[] names = {"ACC", "NMI", "ARI"};
                double[][] values = {acc, nmi, ari};
                for (int i = 0; i < 3; i++) {
                    SvgLineChart c = new SvgLineChart("chart-" + names[i].toLowerCase(java.util.Locale.ROOT), "iteration", names[i], x)
                            .series(trend(names[i], values[i], 4), names[i], values[i]).minSpan(METRIC_MIN_SPAN, i == 2 ? -1 : 0, 1)
                            .size(PANEL_WIDTH, PANEL_HEIGHT);
                    if (b.metricReference != null) {
                        ScoreRow ref = b.metricReference;
                        double v = i == 0 ? ref.acc() : i == 1 ? ref.nmi() : ref.ari();
                        c.referenceInside(ref.name() + " " + Html.fixed(v, 4), ref.name() + " baseline: " + Html.fixed(v, 4), v);
                    }
                    chart(o, c);
                }
                o.append("</div>\n");
                ClusterRow last = rows.get(R - 1);
                note(o, "At iteration " + last.iter() + ": ACC " + Html.fixed(last.acc(), 4) + ", NMI "
                        + Html.fixed(last.nmi(), 4) + ", ARI " + Html.fixed(last.ari(), 4) + ".");
            }
            o.append("</section>\n");
        }

        private void sectionConfusion(StringBuilder o) {
            open(o, "confusion", "Confusion matrix");
            if (b.confusion == null) {
                note(o, b.pretrainingOnly != null ? "A pretraining has no clusters: the confusion matrix is that of a clustering."
                        : "No labels: the confusion matrix needs the true labels.");
                o.append("</section>\n");
                return;
            }
            long[][] n = b.confusion;
            int R = n.length;
            int J = b.confusionCols.length;
            long[] colSum = new long[J];
            long total = 0;
            long matchedSum = 0;
            o.append("<p class=\"note\">Rows: true classes; columns: clusters; cell shade: the fraction of the row.</p>\n");
            o.append("<div class=\"scroll\"><table class=\"confusion\">\n<tr><th></th>");
            for (String c : b.confusionCols) {
                o.append("<th>").append(Html.text(c)).append("</th>");
            }
            o.append("<th>total</th></tr>\n");
            for (int i = 0; i < R; i++) {
                long rowSum = 0;
                for (int j = 0; j < J; j++) {
                    rowSum += n[i][j];
                    colSum[j] += n[i][j];
                }
                total += rowSum;
                // a long class name (an image folder's) is cut with an ellipsis, in full on hover
                o.append("<tr><th><span class=\"name\" title=\"").append(Html.text(b.confusionRows[i])).append("\">")
                        .append(Html.text(b.confusionRows[i])).append("</span></th>");
                for (int j = 0; j < J; j++) {
                    double f = rowSum == 0 ? 0 : (double) n[i][j] / rowSum;
                    boolean matched = b.confusionMatch != null && b.confusionMatch[j] == i;
                    if (matched) {
                        matchedSum += n[i][j];
                    }
                    o.append(matched ? "<td class=\"matched\" style=\"" : "<td style=\"").append("background:rgba(0,114,178,")
                            .append(Html.fixed(f, 3)).append(')').append(f > 0.5 ? ";color:#fff" : "").append('"')
                            .append(matched ? " title=\"" + Html.text(b.confusionRows[i] + " ↔ " + b.confusionCols[j]) + ": matched\"" : "")
                            .append('>').append(n[i][j]).append("</td>");
                }
                o.append("<td class=\"total\">").append(rowSum).append("</td></tr>\n");
            }
            o.append("<tr><th>total</th>");
            for (long s : colSum) {
                o.append("<td class=\"total\">").append(s).append("</td>");
            }
            o.append("<td class=\"total\">").append(total).append("</td></tr>\n</table></div>\n");
            if (b.confusionMatch != null) {
                // with fewer non-empty clusters than classes a matched cell is off the diagonal: the outline finds it
                note(o, "Outlined: each cluster's cell of the class it is matched to (the Hungarian mapping that ACC uses; "
                        + "the clusters are ordered by their matched class, unmatched ones last). ACC = (sum of the outlined cells) / N = "
                        + matchedSum + " / " + total + " = " + Html.fixed(total == 0 ? Double.NaN : (double) matchedSum / total, 4) + ".");
            }
            o.append("</section>\n");
        }

        private void sectionSamples(StringBuilder o) {
            open(o, "samples", "Samples of each cluster");
            if (b.samples.isEmpty()) {
                note(o, b.pretrainingOnly != null ? "A pretraining has no clusters to show samples of." : "No sample images were given.");
            } else if (b.samples.values().stream().anyMatch(s -> s.strips().size() > 1)) {
                note(o, "Each cluster shows its most confident members (confidence = max_j q_ij, highest first), a random "
                        + "sample of the others, and its least confident members (lowest first): the most confident alone "
                        + "can look pure when the cluster holds two classes. Under each image: its true class, when the "
                        + "data set has labels (they are used for this page and the scores only, never in training).");
            }
            for (ClusterSamples s : b.samples.values()) {
                // an image larger than twice the thumbnail is reduced by an integer factor and shown at its reduced size:
                // drawn as it is, a 512×512 image took about a megabyte of the page and 512 pixels of its width
                int f = Thumbnails.factor(s.H(), s.W(), MAX_THUMBNAIL_FACTOR * b.thumbnailPixels);
                int h = (s.H() + f - 1) / f, w = (s.W() + f - 1) / f;
                int zoom = f > 1 ? 1 : Math.max(1, Math.round((float) b.thumbnailPixels / Math.max(s.H(), s.W())));
                o.append("<div class=\"cluster\" id=\"cluster-").append(s.cluster()).append("\"><h3>cluster ")
                        .append(s.cluster());
                if (s.size() >= 0) {
                    o.append(" <span class=\"size\">").append(s.size()).append(s.size() == 1 ? " image" : " images")
                            .append("</span>");
                }
                o.append("</h3>\n");
                for (String line : s.notes()) {
                    o.append("<p class=\"note\">").append(Html.text(line)).append("</p>\n");
                }
                int D = s.C() * s.H() * s.W();
                o.append("<div class=\"strips\">");
                for (Strip st : s.strips()) {
                    o.append("<div class=\"strip\"><h4>").append(Html.text(st.title())).append("</h4><div class=\"thumbs\">");
                    for (int i = 0; i < st.n(); i++) {
                        String caption = st.captions() != null ? st.captions()[i]
                                : "cluster " + s.cluster() + ", " + st.title() + " " + i;
                        String uri = f == 1 ? Thumbnails.dataUri(st.images(), i * D, s.C(), s.H(), s.W())
                                : Thumbnails.dataUri(Thumbnails.reduce(st.images(), i * D, s.C(), s.H(), s.W(), f), 0, s.C(), h, w);
                        o.append("<figure><img src=\"").append(uri)
                                .append("\" width=\"").append(w * zoom).append("\" height=\"").append(h * zoom)
                                .append("\" alt=\"").append(Html.text(caption)).append("\" title=\"")
                                .append(Html.text(caption)).append("\">");
                        if (st.tags() != null) {
                            o.append("<figcaption style=\"max-width:").append(w * zoom + 2).append("px\">")
                                    .append(Html.text(st.tags()[i])).append("</figcaption>");
                        }
                        o.append("</figure>");
                        images++;
                    }
                    if (st.n() == 0) {
                        o.append("<span class=\"note\">empty</span>");
                    }
                    o.append("</div></div>\n");
                }
                o.append("</div>\n");
                if (s.strips().isEmpty()) {
                    o.append("<p class=\"note\">empty</p>\n");
                }
                o.append("</div>\n");
            }
            o.append("</section>\n");
        }

        private void sectionConfig(StringBuilder o) {
            open(o, "config", "Configuration");
            if (b.config.isEmpty()) {
                note(o, "No configuration was given.");
            } else {
                table(o, "kv", b.config);
            }
            o.append("</section>\n");
        }
    }

    /**
     * The page's self-check. Errors: window.onerror (script errors), a capturing 'error' listener (an
     * element that failed to load), console.error calls, unhandled promise rejections. On load: every announced section, chart
     * and image present, every image decoded. Then the title says OK or FAILED and #page-status lists why.
     */
    private static final String SCRIPT = """
            (function () {
              var errors = [];
              window.dcecErrors = errors;
              window.onerror = function (message, source, line, column) {
                errors.push('script error: ' + message + ' (line ' + line + ':' + column + ')');
              };
              window.addEventListener('error', function (e) {
                var t = e.target;
                if (t && t !== window && t.tagName) {
                  errors.push('failed to load <' + t.tagName.toLowerCase() + '> ' + (t.alt || t.id || ''));
                }
              }, true);
              var consoleError = console.error;
              console.error = function () {
                errors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
                return consoleError.apply(console, arguments);
              };
              window.addEventListener('unhandledrejection', function (e) {
                errors.push('unhandled rejection: ' + e.reason);
              });
              window.addEventListener('load', function () {
                var body = document.body;
                var expect = (body.getAttribute('data-expect') || '').split(' ');
                for (var i = 0; i < expect.length; i++) {
                  if (!document.getElementById(expect[i])) errors.push('missing section #' + expect[i]);
                }
                var charts = document.querySelectorAll('svg.chart').length;
                if (String(charts) !== body.getAttribute('data-charts')) {
                  errors.push(charts + ' charts, expected ' + body.getAttribute('data-charts'));
                }
                var imgs = document.images;
                if (String(imgs.length) !== body.getAttribute('data-images')) {
                  errors.push(imgs.length + ' images, expected ' + body.getAttribute('data-images'));
                }
                for (var k = 0; k < imgs.length; k++) {
                  if (!imgs[k].complete || imgs[k].naturalWidth === 0) errors.push('image not decoded: ' + imgs[k].alt);
                }
                var strips = document.querySelectorAll('div.strip');
                for (var s = 0; s < strips.length; s++) {
                  var h = strips[s].querySelector('h4');
                  var owner = strips[s].closest('.cluster');
                  if (!h || !h.textContent.trim()) errors.push('a row of sample images without its label, in #' + (owner ? owner.id : '?'));
                }
                var status = document.getElementById('page-status');
                if (errors.length === 0) {
                  document.title = '__OK__';
                  status.textContent = 'page check: OK (' + expect.length + ' sections, ' + charts + ' charts, '
                      + imgs.length + ' images in ' + strips.length + ' labelled rows)';
                } else {
                  document.title = '__FAILED__';
                  status.textContent = 'page check FAILED:\\n' + errors.join('\\n');
                  status.className = 'failed';
                }
              });
            })();
            """;

    private static final String CSS = """
            :root { color-scheme: light; }
            body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #222; background: #f6f7f9; }
            header { background: #1f2d3d; color: #fff; padding: 14px 24px; }
            header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
            nav a { color: #cfe3ff; margin-right: 12px; text-decoration: none; font-size: 13px; }
            main { max-width: 1340px; margin: 0 auto; padding: 8px 24px 24px; }
            section { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; margin: 16px 0;
                      padding: 8px 18px 14px; }
            h2 { font-size: 16px; font-weight: 600; margin: 8px 0 10px; }
            h3 { font-size: 14px; font-weight: 600; margin: 10px 0 6px; }
            .row { display: flex; flex-wrap: wrap; gap: 12px; }
            figure { margin: 0; }
            .note { color: #5a6470; font-size: 13px; margin: 6px 0; overflow-wrap: anywhere; }
            table.kv { border-collapse: collapse; }
            table.kv th { text-align: left; font-weight: 500; color: #44505c; padding: 3px 18px 3px 0; vertical-align: top; }
            table.kv td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; padding: 3px 0;
                          word-break: break-all; }
            table.kv tr + tr { border-top: 1px solid #eef0f3; }
            .scroll { overflow-x: auto; }
            table.confusion { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
            table.confusion th { font-weight: 500; color: #44505c; padding: 4px 8px; white-space: nowrap; }
            table.confusion td { text-align: right; padding: 4px 8px; min-width: 36px; border: 1px solid #eef0f3; }
            table.confusion td.total { color: #5a6470; background: #f6f7f9; }
            table.confusion td.matched { outline: 2px solid #D55E00; outline-offset: -2px; font-weight: 600; }
            table.confusion th .name { display: inline-block; max-width: 16em; overflow: hidden; text-overflow: ellipsis;
                                       vertical-align: bottom; }
            svg.chart { max-width: 100%; height: auto; font-size: 11px; }
            svg.chart .grid line { stroke: #e5e8ec; }
            svg.chart .tick { fill: #5a6470; }
            svg.chart .axis { fill: #333; font-size: 12px; }
            svg.chart .frame { fill: none; stroke: #b8c0c8; }
            svg.chart polyline { stroke-width: 1.6; }
            svg.chart circle { stroke: none; }
            svg.chart circle.hover { fill-opacity: 0; }
            svg.chart line.reference { stroke: #555; stroke-width: 1.2; stroke-dasharray: 5 4; }
            svg.chart .legend text { fill: #333; font-size: 12px; }
            svg.chart .nodata { fill: #8a949e; font-size: 14px; }
            table.scores { border-collapse: collapse; font-variant-numeric: tabular-nums; margin-bottom: 10px; }
            table.scores th { text-align: left; font-weight: 500; color: #44505c; padding: 3px 14px 3px 0; }
            table.scores th + th { text-align: right; }
            table.scores td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; padding: 3px 0 3px 14px;
                              text-align: right; }
            table.scores td.what { font-family: inherit; color: #5a6470; text-align: left; padding-left: 18px; }
            table.scores tr + tr { border-top: 1px solid #eef0f3; }
            .cluster { border-top: 1px solid #eef0f3; padding-top: 4px; }
            .cluster h3 .size { color: #5a6470; font-weight: 400; }
            .strips { display: flex; flex-wrap: wrap; column-gap: 28px; }
            .strip h4 { font-size: 12px; font-weight: 600; color: #44505c; margin: 6px 0 3px; }
            .thumbs { display: flex; flex-wrap: wrap; gap: 3px; }
            .thumbs figure { margin: 0; }
            .thumbs figcaption { font-size: 10px; line-height: 1.2; color: #44505c; text-align: center; overflow: hidden;
                                 white-space: nowrap; text-overflow: ellipsis; }
            .thumbs img { display: block; image-rendering: pixelated; border: 1px solid #dde1e6; background: #000; }
            footer { max-width: 1340px; margin: 0 auto; padding: 0 24px 24px; color: #5a6470; font-size: 12px; }
            #page-status { white-space: pre-wrap; }
            #page-status.failed { color: #b00020; font-weight: 600; }
            """;
}
