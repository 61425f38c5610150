package org.dcec4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.run.JsonText;
import org.dcec4j.dcec.run.PretrainingConfig;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.engine.Backend;

/**
 * The driver-side files of a distributed run, with the single-machine run's names and formats
 * ({@link RunFolder}): {@code config.json} (plus the Spark master and partitions), {@code pretrain_log.csv},
 * {@code dcec_log.csv}, the pretrained weights, {@code model.dc4j}, {@code predictions.csv} and {@code report.html};
 * the predictions also as Parquet. No checkpoints: a distributed run does not resume. A run from given weights keeps
 * the config.json of the pretraining that made them under "pretraining", or records that pretraining's settings as null
 * when there is none, as {@code RunFolder} does ({@link #pretraining}).
 *
 * <p>It writes the files itself because {@code RunFolder} takes the whole data set in memory (for its name, size and
 * labels); the rows and cells are those of {@code RunFolder}'s logs.
 */
final class SparkRunFolder implements TrainingListener {
    static final String PREDICTIONS_PARQUET = "predictions.parquet";
    /**
     * Every output, and the single-machine run folder's too (its checkpoint and pixel baseline, which a report would
     * otherwise read as this run's, and the run.log of its stops, whose "resume with --resume" would otherwise stay beside
     * this run's results): a new run refuses a folder holding any of them unless told to overwrite.
     */
    static final List<String> OUTPUTS = List.of(RunFolder.CONFIG_JSON, RunFolder.PRETRAIN_LOG, "cae_weights.dc4j", "ae_weights.dc4j",
            RunFolder.DCEC_LOG, RunFolder.CHECKPOINT, RunFolder.MODEL, RunFolder.PREDICTIONS, PREDICTIONS_PARQUET,
            org.dcec4j.dcec.run.PixelBaseline.FILE, HtmlReport.FILE_NAME, RunFolder.RUN_LOG);

    private final Path dir;
    private final DcecConfig cfg;
    private final TrainingData data;
    private final String spark;
    /** The pretraining of the weights the run starts from (null: the run pretrains), as {@code RunFolder#pretraining}. */
    private PretrainingConfig pretraining;
    /** See {@link #reading}. */
    private Path weights;

    SparkRunFolder(Path dir, DcecConfig cfg, TrainingData data, String spark) {
        this.dir = dir; this.cfg = cfg; this.data = data; this.spark = spark;
    }

    Path dir() { return dir; }

    /**
     * A run from the weights that {@code p}'s pretraining made (null: the run pretrains): config.json keeps that
     * pretraining's config.json under {@value PretrainingConfig#KEY}; of an unknown one ({@link PretrainingConfig#recorded}),
     * config.json and the model record the settings it names as null. The run's config should have the pretraining's
     * settings ({@link PretrainingConfig#applyTo}).
     */
    SparkRunFolder pretraining(PretrainingConfig p) { this.pretraining = p; return this; }

    /** The local file the run's pretrained weights were read from (null: none, or not local), which prepare never deletes. */
    SparkRunFolder reading(Path weights) { this.weights = weights; return this; }

    /**
     * Refuses a folder with another run's results unless {@code overwrite}, which deletes them first; refuses an
     * overwrite that would delete the weights the run starts from (--weights DIR/cae_weights.dc4j --out DIR): the run
     * does not write them again, so they would be lost. Nothing is deleted when it refuses.
     */
    void prepare(boolean overwrite) throws IOException {
        Files.createDirectories(dir);
        List<String> found = new ArrayList<>();
        for (String name : OUTPUTS) if (Files.exists(dir.resolve(name))) found.add(name);
        if (found.isEmpty()) return;
        if (!overwrite)
            throw new ConfigException("{runFolder} " + ConfigException.quote(dir) + " holds the results of another run (" + ConfigException.quote(String.join(", ", found))
                    + "): pass {overwrite} to replace them or choose another {runFolder}");
        if (weights != null && Files.exists(weights))
            for (String name : found)
                if (Files.isSameFile(dir.resolve(name), weights))
                    throw new ConfigException("{overwrite} would delete " + ConfigException.quote(dir.resolve(name)) + ", the weights this run starts from"
                            + " ({pretrainedWeights}), which it does not write again: copy them out of " + ConfigException.quote(dir) + " first, or choose another {runFolder}");
        for (String name : found) delete(dir.resolve(name));
    }

    private static void delete(Path p) throws IOException {
        if (!Files.isDirectory(p)) { Files.deleteIfExists(p); return; }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    @Override public void runStarted(Backend backend) throws IOException {
        String c = pretraining == null ? cfg.toJson() : cfg.toJson(pretraining.unknownSettings());
        String json = c.substring(0, c.lastIndexOf('}')).stripTrailing() + ",\n"
                + "  \"dataset\": " + JsonText.quote(data.name()) + ",\n"
                + "  \"images\": " + data.size() + ",\n"
                + "  \"channels\": " + data.channels() + ",\n  \"height\": " + data.height() + ",\n  \"width\": " + data.width() + ",\n"
                + "  \"threads\": " + backend.threads() + ",\n"
                + "  \"kernels\": " + JsonText.quote(backend.describe()) + ",\n"
                + "  \"spark\": " + JsonText.quote(spark) + ",\n"
                + "  \"partitions\": " + data.blocks().getNumPartitions() + ",\n"
                + "  \"dcec4j\": " + org.dcec4j.dcec.Version.json()
                + (pretraining == null || !pretraining.known() ? "" : ",\n" + pretraining.member()) + "\n}\n";
        OutputFiles.writeAtomically(dir.resolve(RunFolder.CONFIG_JSON), json.getBytes(StandardCharsets.UTF_8));
    }

    @Override public void phaseStarted(org.dcec4j.dcec.train.Phase phase, int first, int total) throws IOException {
        // written atomically: renamed over a symbolic link at the name rather than through it (Files.writeString wrote the
        // header into the link's target, or created the file where a dangling one pointed)
        if (phase == org.dcec4j.dcec.train.Phase.PRETRAIN)
            OutputFiles.writeAtomically(dir.resolve(RunFolder.PRETRAIN_LOG), (RunFolder.PRETRAIN_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        if (phase == org.dcec4j.dcec.train.Phase.CLUSTER)
            OutputFiles.writeAtomically(dir.resolve(RunFolder.DCEC_LOG), (RunFolder.DCEC_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override public void epochDone(int epoch, double loss, double seconds) throws IOException {
        row(RunFolder.PRETRAIN_LOG, epoch, loss, seconds);
    }

    @Override public void pretrained(Autoencoder ae) throws IOException {
        OutputFiles.writeAtomically(dir.resolve(RunFolder.weightsFileName(cfg.method())), ae.module().toBytes());
    }

    @Override public void targetUpdated(int iteration, double deltaLabel, Scores s, Losses losses) throws IOException {
        row(RunFolder.DCEC_LOG, RunFolder.clusterLogCells(iteration, deltaLabel, s, losses));
    }

    /** Largest image data (floats) brought to the driver for the report's sample images: 64 MB, 21,000 images at 28×28. */
    static final long REPORT_IMAGE_FLOATS = 1L << 24;

    /**
     * The model, predictions.csv (unless {@code csv} is false), the Parquet predictions at {@code parquet} and, with
     * predictions.csv, report.html (unless {@code report} is false): its curves, scores and confusion matrix from the
     * run files and the labels; sample images per cluster only when all images fit {@link #REPORT_IMAGE_FLOATS}.
     */
    void finish(SparkDcecTrainer.Result r, org.apache.spark.sql.SparkSession session, String parquet, boolean csv, boolean report) throws IOException {
        // of an unknown pretraining, the model too records its settings as null, as config.json does
        (pretraining == null || pretraining.known() ? r.model() : r.model().withUnknownSettings(pretraining.unknownSettings()))
                .save(dir.resolve(RunFolder.MODEL));
        var predictions = r.predictions(session).cache();
        // as predict's output: written beside it and renamed into place, so a signal leaves no half-made folder there (what
        // is at the path was checked when the run started: an earlier output, replaced only now)
        try (StagedOutput out = StagedOutput.begin(session, parquet)) {
            predictions.write().parquet(out.staging());
            out.publish(session, true);
        }
        if (csv) Predictions.writeCsv(predictions, dir.resolve(RunFolder.PREDICTIONS), data);
        predictions.unpersist();
        if (!csv || !report) return;
        int N = data.size(), D = data.imageSize();
        int[] labels = null;
        float[] images = null;
        if (data.hasLabels()) {
            labels = new int[N];
            for (ImageBlock b : data.blocks().map(b -> new ImageBlock(b.first(), new String[0], b.labels(), new float[0])).collect())
                System.arraycopy(b.labels(), 0, labels, (int) b.first(), b.labels().length);
        }
        if ((long) N * D <= REPORT_IMAGE_FLOATS) {
            images = new float[N * D];
            for (ImageBlock b : data.blocks().collect()) System.arraycopy(b.x(), 0, images, (int) b.first() * D, b.x().length);
        }
        HtmlReport.fromRunDirectory(dir, images, N, data.channels(), data.height(), data.width(), labels, data.classNames(), images == null ? 0 : 10)
                .write(dir.resolve(HtmlReport.FILE_NAME));
    }

    private void row(String file, Object... cells) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) s.append(i > 0 ? "," : "").append(RunFolder.csvCell(cells[i]));
        Files.writeString(dir.resolve(file), s.append('\n'), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
