package org.dcec4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.run.PretrainingConfig;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.engine.Backend;

/**
 * A distributed training run with its files, as {@code dcec train} writes them: {@link SparkDcecTrainer} plus a run
 * folder on the driver (config.json, pretrain_log.csv, dcec_log.csv, the pretrained weights, model.dc4j,
 * predictions.csv, report.html) and the predictions as Parquet on any Hadoop path. The caller holds the folder's {@code RunLock}.
 */
public final class SparkRun {
    private final SparkSession spark;
    private final DcecConfig cfg;
    private final TrainingData data;
    private final Path out;
    private final SparkDcecTrainer trainer;
    private String parquet;
    private boolean csv = true, report = true;
    private PretrainingConfig pretrainingRecord;
    /** The file the pretrained weights were read from (a local path or a Hadoop URI), or null. */
    private String weightsSource;

    public SparkRun(SparkSession spark, DcecConfig cfg, TrainingData data, Path out) {
        this.spark = spark; this.cfg = cfg; this.data = data; this.out = Objects.requireNonNull(out, "out");
        this.trainer = new SparkDcecTrainer(spark, cfg, data);
        this.parquet = out.resolve(SparkRunFolder.PREDICTIONS_PARQUET).toAbsolutePath().toString();
    }

    /** The driver's kernels. */
    public SparkRun backend(Backend b) { trainer.backend(b); return this; }

    /** How pretraining spreads (and, for averaging, the batches between two averages; 0 = an epoch). */
    public SparkRun pretraining(SparkDcecTrainer.Pretraining mode, int syncEvery) { trainer.pretraining(mode).syncEvery(syncEvery); return this; }

    /** Stop after pretraining. */
    public SparkRun pretrainOnly(boolean on) { trainer.pretrainOnly(on); return this; }

    /** Start from these pretrained weights (a weights file's bytes). */
    public SparkRun pretrainedWeights(byte[] weights) { trainer.pretrainedWeights(weights); return this; }

    /** {@link #pretrainedWeights(byte[])} with {@code source} (the file) naming them in messages. */
    public SparkRun pretrainedWeights(byte[] weights, String source) {
        trainer.pretrainedWeights(weights, source);
        this.weightsSource = source;
        return this;
    }

    /**
     * The pretraining that made the {@link #pretrainedWeights} (as {@link PretrainingConfig#recorded}; null: none given):
     * config.json keeps its record under "pretraining", or records its settings as null, and so does the model's for the
     * latter. The run's config should already have the pretraining's settings ({@link PretrainingConfig#applyTo}).
     */
    public SparkRun pretrainingRecord(PretrainingConfig p) { this.pretrainingRecord = p; return this; }

    /** Where the Parquet predictions go (default: the run folder's predictions.parquet) and whether predictions.csv is written. */
    public SparkRun predictions(String parquetPath, boolean writeCsv) {
        this.parquet = Objects.requireNonNull(parquetPath, "parquetPath");
        this.csv = writeCsv;
        return this;
    }

    /** Whether report.html is written (default yes; it needs predictions.csv). */
    public SparkRun report(boolean on) { this.report = on; return this; }

    /**
     * Prepares the folder (refusing another run's results unless {@code overwrite}), trains, and writes the model and
     * the predictions.
     */
    public SparkDcecTrainer.Result run(boolean overwrite, TrainingListener... listeners) throws IOException {
        SparkRunFolder folder = new SparkRunFolder(out, cfg, data, spark.sparkContext().master()).pretraining(pretrainingRecord)
                .reading(localFile(weightsSource));
        folder.prepare(overwrite);
        trainer.listener(folder);
        for (TrainingListener l : listeners) trainer.listener(l);
        SparkDcecTrainer.Result r = trainer.run();
        if (r.model() != null) folder.finish(r, spark, parquet, csv, report);
        return r;
    }

    /** The local file a weights source names (a plain path or a file: URI), or null (none, or on another file system). */
    static Path localFile(String source) {
        if (source == null) return null;
        java.net.URI uri = new org.apache.hadoop.fs.Path(source).toUri();
        if (uri.getScheme() == null) return Path.of(source);
        return "file".equals(uri.getScheme()) ? Path.of(uri.getPath()) : null;
    }
}
