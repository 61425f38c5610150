package org.dcec4j.dcec.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.Version;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.Autoencoder;
import org.dcec4j.dcec.model.ClusteringLayer;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.train.Checkpoint;
import org.dcec4j.dcec.train.Checkpoint.ClusterState;
import org.dcec4j.dcec.train.DcecResult;
import org.dcec4j.dcec.train.DcecTrainer;
import org.dcec4j.dcec.train.Inference;
import org.dcec4j.dcec.train.Phase;
import org.dcec4j.dcec.train.Scores;
import org.dcec4j.dcec.train.TrainingListener;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.engine.io.TensorFile;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.optim.Optimizer;

/**
 * The files of one run in its {@code --out} folder, written as the run goes (a {@link TrainingListener}):
 * <ul>
 *   <li>{@code config.json} when the run starts (a clustering run keeps the config.json of the pretraining that made its
 *       weights, found in their folder, in it under "pretraining", or records that pretraining's settings as null when
 *       there is none: {@link #pretraining});</li>
 *   <li>{@code pretrain_log.csv}, a row per epoch, and the pretrained weights when pretraining ends;</li>
 *   <li>{@code dcec_log.csv}, a row at every recomputation of P;</li>
 *   <li>{@code checkpoint.dc4j} whenever the trainer hands over a checkpoint (atomically: the file is always a
 *       complete checkpoint, the previous one until the new one is verified);</li>
 *   <li>{@code model.dc4j} and {@code predictions.csv} at the end;</li>
 *   <li>{@code run.log}, only when a run was stopped: a line for each stop by a signal ({@link #note}), and for each
 *       {@code --resume} that followed one, and for a clustering started in a pretraining's folder that has one; and a
 *       line for each log that a resumed phase found lacking rows its checkpoint covers.</li>
 * </ul>
 * The command line adds {@code baseline.json} ({@link PixelBaseline}) and {@code report.html} after the run.
 * {@link #readCheckpoint} reads the checkpoint back for {@code --resume} and refuses one written with other
 * options or data; a resumed phase keeps the log rows up to its checkpoint and drops the later ones.
 */
public final class RunFolder implements TrainingListener {
    public static final String CONFIG_JSON = "config.json", PRETRAIN_LOG = "pretrain_log.csv", DCEC_LOG = "dcec_log.csv",
            CHECKPOINT = "checkpoint.dc4j", MODEL = "model.dc4j", PREDICTIONS = "predictions.csv", RUN_LOG = "run.log";
    /** Every file a run writes into its folder. */
    public static final List<String> OUTPUTS = List.of(CONFIG_JSON, PRETRAIN_LOG, "cae_weights.dc4j", "ae_weights.dc4j", DCEC_LOG,
            CHECKPOINT, MODEL, PREDICTIONS, PixelBaseline.FILE, HtmlReport.FILE_NAME, RUN_LOG);
    /**
     * The outputs made when a run ends (its training, then the command line's baseline and report): a {@code --resume}
     * deletes them ({@link #dropEndOutputs}) and makes them again when it ends.
     */
    public static final List<String> END_OUTPUTS = List.of(MODEL, PREDICTIONS, PixelBaseline.FILE, HtmlReport.FILE_NAME);
    public static final String PRETRAIN_HEADER = "epoch,loss,seconds";
    public static final String DCEC_HEADER = "iter,acc,nmi,ari,L,Lc,Lr,delta_label";

    private final Path dir;
    private final DcecConfig cfg;
    private final Dataset data;
    private String digest;
    private CsvLog pretrainLog, clusterLog;
    /** The folder's identity (device and inode on Linux; null where the file system has none) when the run started. */
    private Object folderKey;
    private boolean folderKnown;
    /** The pretraining whose weights a clustering run reads in this folder, kept in config.json; null for none. */
    private PretrainingConfig pretraining;
    /** The weights file a clustering run starts from (null: none), and the CRC-32C of its bytes once computed. */
    private Path weights;
    private String weightsDigest;

    /**
     * Nothing is created before the run starts. A configuration whose model file or checkpoint would be larger than
     * a tensor file can be is refused here, before the folder is touched ({@link DcecTrainer#checkFileSizes}).
     */
    public RunFolder(Path dir, DcecConfig cfg, Dataset data) {
        DcecTrainer.checkFileSizes(cfg, data.size(), data.channels(), data.height(), data.width());
        this.dir = dir; this.cfg = cfg; this.data = data;
    }

    /** A cell of the run folder's CSV logs ({@code %.6g}, NaN empty): for writers of the same files elsewhere (Spark). */
    public static String csvCell(Object v) { return CsvLog.cell(v); }

    /**
     * The cells of one {@value #DCEC_LOG} row ({@value #DCEC_HEADER}), for this folder and for writers of the same file
     * elsewhere (Spark). ACC, NMI, ARI and delta_label are written so that they read back as the same double
     * ({@link CsvLog#exact}): the report and the reproduction table round them to four decimals, and a value first
     * rounded to six digits could round the other way there than the same score computed from predictions.csv
     * (0.16224999 → 0.162250 → 0.1623 against 0.1622), and a delta_label just under the stopping tolerance would read
     * as equal to it. The losses keep six significant digits (means of float32 losses).
     */
    public static Object[] clusterLogCells(int iteration, double deltaLabel, Scores s, TrainingListener.Losses losses) {
        return new Object[] {iteration, CsvLog.exact(s.acc()), CsvLog.exact(s.nmi()), CsvLog.exact(s.ari()),
                losses.L(), losses.Lc(), losses.Lr(), CsvLog.exact(deltaLabel)};
    }

    /** The pretrained weights' file name of a method: cae_weights.dc4j or ae_weights.dc4j. */
    public static String weightsFileName(Method m) { return m.network == Method.Network.DENSE ? "ae_weights.dc4j" : "cae_weights.dc4j"; }

    public Path dir() { return dir; }

    /**
     * A clustering run of the weights that {@code p}'s pretraining made (null: not a clustering run): config.json keeps
     * that pretraining's config.json under {@value PretrainingConfig#KEY}, since it replaces the file. The run's own
     * config should have the pretraining's settings ({@link PretrainingConfig#applyTo}). Of an unknown pretraining
     * ({@link PretrainingConfig#unknown}, {@link PretrainingConfig#recorded}), config.json and the model record the
     * settings it names as null.
     */
    public RunFolder pretraining(PretrainingConfig p) { this.pretraining = p; return this; }

    /**
     * The pretrained weights a clustering run starts from ({@code cluster}; null: none). Its clustering checkpoints
     * record the CRC-32C of the file's bytes, read when the run starts, and {@link #readCheckpoint} refuses a clustering
     * checkpoint that records other weights: the checkpoint holds the network, so a resume with other weights went on
     * from the first ones and ignored them.
     */
    public RunFolder pretrainedWeights(Path weights) { this.weights = weights; this.weightsDigest = null; return this; }

    /** The CRC-32C of the bytes of {@link #pretrainedWeights}, computed once (a java.io stream, as the logs). */
    private String weightsDigest() throws IOException {
        if (weightsDigest == null) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            byte[] buf = new byte[1 << 16];
            try (java.io.InputStream in = new java.io.FileInputStream(weights.toFile())) {
                for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
            } catch (IOException e) {
                throw org.dcec4j.datasets.IoErrors.onFile(weights, e);
            }
            weightsDigest = String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
        }
        return weightsDigest;
    }

    /** How a run uses its folder. */
    public enum Start {
        /** train, pretrain: a folder of its own. */
        NEW,
        /** cluster: the folder of the pretraining whose weights it reads. */
        AFTER_PRETRAINING,
        /** --resume: the folder of the killed run. */
        RESUME
    }

    /**
     * Readies the folder for a run; call it holding the folder's {@link RunLock}. Deletes the temporary files
     * that killed writers left. A NEW run refuses a folder that holds any run output (an IllegalArgumentException
     * that lists them) unless {@code overwrite}, which deletes them first, so that no result of an old run
     * (report.html, checkpoint.dc4j, …) stays beside the new ones. A clustering run AFTER_PRETRAINING does the
     * same except for the pretraining's outputs (config.json, pretrain_log.csv, the weights), and deletes the
     * checkpoint of a pretraining that finished (its weights are in the folder and supersede it) and the page that
     * {@code dcec report} made of that pretraining ({@link HtmlReport#isPretrainingPage}); an unfinished pretraining's
     * checkpoint is kept and refused like a result, and so is any other report.html. A RESUME keeps everything here; once its checkpoint is
     * accepted, {@link #dropEndOutputs} deletes what the earlier end of the run made.
     *
     * @return the files deleted, temporary files included
     */
    public List<Path> prepare(Start start, boolean overwrite) throws IOException {
        List<Path> deleted = new ArrayList<>(OutputFiles.removeStaleTemps(dir, OUTPUTS, Duration.ZERO));
        if (start == Start.RESUME) return deleted;
        // run.log stays with the pretraining it tells about (a stopped pretraining, resumed and finished, then clustered)
        List<String> keep = start == Start.NEW ? List.of() : List.of(CONFIG_JSON, PRETRAIN_LOG, "cae_weights.dc4j", "ae_weights.dc4j", RUN_LOG);
        List<String> results = new ArrayList<>();
        for (String name : OUTPUTS) {
            Path f = dir.resolve(name);
            if (!Files.exists(f) || keep.contains(name)) continue;
            // what a finished pretraining leaves besides its outputs, superseded by the clustering: its last checkpoint
            // (its weights hold the same state) and the page dcec report made of it (the clustering's page shows its curve)
            if (start == Start.AFTER_PRETRAINING && (name.equals(CHECKPOINT) ? isPretrainingCheckpoint(f)
                    : name.equals(HtmlReport.FILE_NAME) && HtmlReport.isPretrainingPage(f)) && pretrainingFinished()) {
                Files.delete(f);
                deleted.add(f);
                continue;
            }
            results.add(name);
        }
        if (results.isEmpty()) return deleted;
        if (!overwrite)
            throw new ConfigException("{runFolder} " + ConfigException.quote(dir) + " holds the results of another run (" + ConfigException.quote(String.join(", ", results))
                    + "): pass {overwrite} to replace them, "
                    + (results.contains(CHECKPOINT) ? "{resume} to continue that run, " : "")   // nothing to resume without it
                    + "or choose another {runFolder}");
        for (String name : results) {
            Files.deleteIfExists(dir.resolve(name));
            deleted.add(dir.resolve(name));
        }
        return deleted;
    }

    /**
     * Deletes the {@link #END_OUTPUTS} of an earlier end of the run that a {@code --resume} continues (a finished run
     * keeps its last checkpoint, and can be resumed): call it holding the lock, once {@link #readCheckpoint} has accepted
     * the checkpoint, before the training goes on. The resumed run makes them again when it ends; until then none of
     * them is there, so a stop on the way (a signal during its training, or after it, before the baseline or the
     * report) cannot leave one of the earlier end beside the files of the resumed run, and another {@code --resume}
     * completes the folder.
     *
     * @return the files deleted
     */
    public List<Path> dropEndOutputs() throws IOException {
        List<Path> deleted = new ArrayList<>();
        for (String name : END_OUTPUTS) {
            Path f = dir.resolve(name);
            if (Files.deleteIfExists(f)) deleted.add(f);
        }
        return deleted;
    }

    /**
     * Whether this folder's pretraining wrote its weights (it finished): only then does a clustering run's start
     * supersede its checkpoint. The checkpoint of an unfinished one is kept, and counts as another run's result.
     */
    private boolean pretrainingFinished() {
        return cfg.method().pretrains && Files.isRegularFile(dir.resolve(weightsFileName(cfg.method())));
    }

    private static boolean isPretrainingCheckpoint(Path f) {
        try {
            return Phase.PRETRAIN.id.equals(TensorFile.read(f).meta("phase"));
        } catch (IOException | RuntimeException e) {
            return false;   // unreadable: counts as another run's result
        }
    }

    // ------------------------------------------------------------------------------------ the run's files
    @Override public void runStarted(Backend backend) throws IOException {
        Files.createDirectories(dir);
        folderKey = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
        folderKnown = true;
        if (weights != null) weightsDigest();     // the weights as the run reads them, recorded by its checkpoints
        OutputFiles.writeAtomically(dir.resolve(CONFIG_JSON), configJson(backend).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Before each write: the folder is still the one the run started in. One deleted or replaced during the run would
     * otherwise be made again by the next write (every write creates its folder), without the lock, the config or the
     * earlier logs and weights, and a later {@code --resume} would trust what it found there.
     */
    private void checkFolder() throws IOException {
        if (!folderKnown) return;
        boolean there = Files.isDirectory(dir);
        // the same folder: the same file key, and still holding the config.json the run wrote first (a new folder can
        // get the deleted one's inode number at once, so the key alone does not tell)
        boolean same = there && Files.isRegularFile(dir.resolve(CONFIG_JSON))
                && (folderKey == null || folderKey.equals(Files.readAttributes(dir, BasicFileAttributes.class).fileKey()));
        if (!same)
            throw new java.nio.file.FileSystemException(dir.toString(), null, "the run folder was "
                    + (there ? "replaced" : "deleted") + " during the run (its lock, config and earlier files are gone): "
                    + "nothing more is written; start the run again");
    }

    @Override public void phaseStarted(Phase phase, int first, int total) throws IOException {
        checkFolder();
        if (phase == Phase.PRETRAIN) {
            pretrainLog = first > 0 ? CsvLog.resume(dir.resolve(PRETRAIN_LOG), PRETRAIN_HEADER, epoch -> epoch <= first)
                    : CsvLog.create(dir.resolve(PRETRAIN_LOG), PRETRAIN_HEADER);
            if (first > 0) noteMissingRows(pretrainLog, java.util.stream.IntStream.rangeClosed(1, first), "epoch", "pretraining, after epoch " + first);
        }
        if (phase == Phase.CLUSTER) {
            clusterLog = first > 0 ? CsvLog.resume(dir.resolve(DCEC_LOG), DCEC_HEADER, iteration -> iteration < first)
                    : CsvLog.create(dir.resolve(DCEC_LOG), DCEC_HEADER);
            // a row at each recomputation of P before the checkpoint's iteration: 0, T, 2T, …
            if (first > 0) noteMissingRows(clusterLog, java.util.stream.IntStream.iterate(0, i -> i < first, i -> i + cfg.updateInterval()),
                    "iteration", "clustering, at iteration " + first);
        }
    }

    /**
     * A resumed log that lacks rows its checkpoint covers (written before it, and lost since: an edit, or a power cut
     * before the logs were synced ahead of each checkpoint) cannot be completed, as the losses of those steps are not in
     * the checkpoint: run.log names them, so that the gap is not taken for a complete log.
     */
    private void noteMissingRows(CsvLog log, java.util.stream.IntStream expected, String step, String checkpoint) throws IOException {
        Set<Integer> kept = new java.util.HashSet<>(log.kept());
        List<String> missing = expected.filter(s -> !kept.contains(s)).mapToObj(Integer::toString).toList();
        if (missing.isEmpty()) return;
        boolean one = missing.size() == 1;
        String steps = missing.size() > 20 ? String.join(", ", missing.subList(0, 20)) + ", … (" + missing.size() + " in all)" : String.join(", ", missing);
        note(log.file() + " lacks the " + (one ? "row of " + step : "rows of " + step + "s") + " " + steps + ", which the checkpoint it"
                + " resumed from covers (" + checkpoint + "): lost after that checkpoint was written, " + (one ? "it" : "they")
                + " cannot be made again; the resumed run goes on after " + (one ? "it" : "them"));
    }

    @Override public void epochDone(int epoch, double loss, double seconds) throws IOException {
        checkFolder();
        pretrainLog.row(epoch, loss, seconds);
    }

    @Override public void pretrained(Autoencoder ae) throws IOException {
        checkFolder();
        OutputFiles.writeAtomically(dir.resolve(weightsFileName(cfg.method())), ae.module().toBytes());
    }

    @Override public void targetUpdated(int iteration, double deltaLabel, Scores s, Losses losses) throws IOException {
        checkFolder();
        clusterLog.row(clusterLogCells(iteration, deltaLabel, s, losses));
    }

    @Override public void runFinished(DcecResult r) throws IOException {
        if (r.model() == null) return;
        checkFolder();
        // of an unknown pretraining, the model too records its settings as null, as config.json does
        (pretraining == null || pretraining.known() ? r.model() : r.model().withUnknownSettings(pretraining.unknownSettings()))
                .save(dir.resolve(MODEL));
        writePredictions(dir.resolve(PREDICTIONS), r.labels(), Inference.confidence(r.q(), r.labels().length, cfg.K()), data.labels(),
                data.fileNames());
    }

    /**
     * Appends {@code text} to run.log as one line that starts with the time ({@code 2026-12-05T21:53:18Z stopped by
     * SIGTERM …}): what the CSV logs cannot hold without breaking their readers. One write of the whole line through a
     * java.io stream (as {@link CsvLog}), so the line is there complete or not at all.
     */
    public void note(String text) throws IOException {
        String line = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + text.replace('\n', ' ') + "\n";
        Path file = dir.resolve(RUN_LOG);
        if (Files.isSymbolicLink(file))   // appending would follow it (a folder from elsewhere): the other outputs replace one too
            Files.delete(file);
        try (java.io.FileOutputStream out = new java.io.FileOutputStream(file.toFile(), true)) {
            out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw org.dcec4j.datasets.IoErrors.onFile(file, e);
        }
    }

    /**
     * index,cluster,confidence (and label when the data set has labels, file when its images have file names), see
     * {@link PredictionsCsv}.
     */
    public static void writePredictions(Path file, int[] labels, float[] confidence, int[] truth, List<String> files) throws IOException {
        OutputFiles.writeAtomically(file, out -> {
            PredictionsCsv csv = new PredictionsCsv(out, truth != null, files);
            for (int i = 0; i < labels.length; i++) csv.row(i, labels[i], confidence[i], truth == null ? -1 : truth[i]);
            csv.flush();
        });
    }

    private String configJson(Backend backend) {
        String c = pretraining == null ? cfg.toJson() : cfg.toJson(pretraining.unknownSettings());
        return c.substring(0, c.lastIndexOf('}')).stripTrailing() + ",\n"
                + "  \"dataset\": " + JsonText.quote(data.name()) + ",\n"
                + "  \"images\": " + data.size() + ",\n"
                + "  \"channels\": " + data.channels() + ",\n  \"height\": " + data.height() + ",\n  \"width\": " + data.width() + ",\n"
                + "  \"threads\": " + backend.threads() + ",\n"
                + "  \"kernels\": " + JsonText.quote(backend.describe()) + ",\n"
                + "  \"dcec4j\": " + Version.json() + (pretraining == null || !pretraining.known() ? "" : ",\n" + pretraining.member()) + "\n}\n";
    }

    // ------------------------------------------------------------------------------------ checkpoints
    /**
     * Writes checkpoint.dc4j: metadata kind, phase, config, data and the step (in clustering also the CRC-32C of the
     * {@link #pretrainedWeights} it started from, when it had some); tensors "model.…", in clustering
     * "layer.mu", then the optimiser's state ("adam.…", or "sgd.…" for SGD), and in clustering P ("p") and the previous
     * labels ("labels").
     */
    @Override public Path checkpoint(Checkpoint c) throws IOException {
        checkFolder();
        // the rows the checkpoint covers made durable first: after a power cut the checkpoint is never newer than the logs
        if (pretrainLog != null) pretrainLog.sync();
        if (clusterLog != null) clusterLog.sync();
        TensorFile.Builder b = TensorFile.builder().meta("kind", "dcec-checkpoint").meta("phase", c.phase().id)
                .meta("config", cfg.identity()).meta("data", dataIdentity()).meta("data_crc32c", dataDigest())
                .meta("arithmetic", Integer.toString(Version.ARITHMETIC)).meta("release", Version.RELEASE).meta("commit", Version.commit());
        c.ae().module().addTo(b, "model.");
        if (c.phase() == Phase.PRETRAIN) {
            b.meta("epoch", Integer.toString(c.step()));
        } else {
            ClusterState s = c.cluster();
            b.meta("iteration", Integer.toString(c.step())).meta("sumL", Double.toString(s.sumL())).meta("sumLc", Double.toString(s.sumLc()))
                    .meta("sumLr", Double.toString(s.sumLr())).meta("counted", Integer.toString(s.counted()));
            if (weights != null) b.meta("weights_crc32c", weightsDigest());
            c.layer().addTo(b, "layer.");
        }
        c.optimizer().saveState(b, optimizerPrefix(c.phase()));
        if (c.phase() == Phase.CLUSTER) {
            ClusterState s = c.cluster();
            int N = s.previousLabels().length;
            b.tensor("p", new int[] {N, cfg.K()}, s.p().clone());
            float[] labels = new float[N];
            for (int i = 0; i < N; i++) labels[i] = s.previousLabels()[i];
            b.tensor("labels", new int[] {N}, labels);
        }
        Path file = dir.resolve(CHECKPOINT);
        OutputFiles.writeAtomically(file, b.toBytes());
        return file;
    }

    /**
     * The run's checkpoint for {@code --resume}; an IllegalArgumentException when there is none or it belongs
     * to other options or data, a FormatException when it is damaged.
     */
    public Checkpoint.Stored readCheckpoint() throws IOException {
        requireCheckpoint();
        Path file = dir.resolve(CHECKPOINT);
        TensorFile f = TensorFile.read(file);
        if (!"dcec-checkpoint".equals(f.meta("kind"))) {
            // what it is instead (a model or weights file copied over it), and what was expected: it said only "is not"
            String kind = f.meta("kind"), what = "dcec-model".equals(kind) ? " (a model, as model.dc4j)"
                    : "module".equals(kind) ? " (pretrained weights, as " + weightsFileName(cfg.method()) + ")" : "";
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " is not a dcec checkpoint: its 'kind' is "
                    + (kind == null ? "missing" : "'" + ConfigException.quote(kind) + "'" + what)
                    + "; expected 'dcec-checkpoint', the checkpoint.dc4j that a run with {checkpointEvery} writes");
        }
        if (!cfg.identity().equals(f.meta("config")))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " was written with other settings (" + settingsDiffer(f.meta("config"), cfg.identity())
                    + "): pass the same settings as the killed run");
        if (!dataIdentity().equals(f.meta("data")))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " was written for other data (" + ConfigException.quote(f.meta("data")) + "), now " + ConfigException.quote(dataIdentity())
                    + ": pass the {data} the run was started with");
        // the pixels and labels themselves. A checkpoint without the digest was written before it existed (commit f6d841a,
        // 2026-12-05), by a version that may have drawn other images under the same name (the shapes set changed on
        // 2026-12-01) and summed in another order (so did the kernels): continuing it would mix two versions' runs
        if (f.meta("data_crc32c") == null)
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " was written by an older dcec4j (before 2026-12-05): it records no"
                    + " CRC-32C of the images (data_crc32c), so this version cannot check that it would continue the same images"
                    + " with the same arithmetic (versions before 2026-12-01 drew other shapes images and summed in another order,"
                    + " and the run would go on as a mix of two versions); finish the run with the dcec4j that started it,"
                    + " or start it again with {overwrite}");
        String arithmetic = arithmeticOf(f);   // the bits it would continue with
        if (!arithmetic.equals(Integer.toString(Version.ARITHMETIC)))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " was written by dcec4j " + (f.meta("release") == null ? "" : ConfigException.quote(f.meta("release")) + " ")
                    + "(commit " + (f.meta("commit") == null ? "unknown" : ConfigException.quote(f.meta("commit"))) + ") with arithmetic version " + ConfigException.quote(arithmetic)
                    + ", and this is " + Version.describe() + ": the two compute different bits from the same seed, so the run"
                    + " would go on as a mix of two versions; finish it with the dcec4j that started it, or start it again with {overwrite}");
        if (!dataDigest().equals(f.meta("data_crc32c")))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " was written for other images or labels under the same name and size ("
                    + ConfigException.quote(dataIdentity()) + ", CRC-32C " + ConfigException.quote(f.meta("data_crc32c")) + ", now " + dataDigest() + ")");
        // the pretrained weights a clustering started from (a checkpoint of an earlier version records none: not checked)
        String startedFrom = Phase.CLUSTER.id.equals(f.meta("phase")) ? f.meta("weights_crc32c") : null;
        if (startedFrom != null && weights != null && !startedFrom.equals(weightsDigest()))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " continues a clustering of other pretrained weights (CRC-32C " + ConfigException.quote(startedFrom)
                    + ") than {pretrainedWeights} " + ConfigException.quote(weights) + " (CRC-32C " + weightsDigest() + "): pass the {pretrainedWeights} the run"
                    + " was started with, or start it again with {overwrite}");
        StoredCheckpoint c = new StoredCheckpoint(f, file.toString(), data.size(), cfg.K(),
                optimizerPrefix(Phase.PRETRAIN), optimizerPrefix(Phase.CLUSTER));
        c.check(cfg);
        c.checkRestore(cfg, data.channels(), data.height(), data.width());
        return c;
    }

    /** The setting ({@link ConfigException}'s name) of each key of {@link DcecConfig#identity}, the method first (it has no key). */
    private static final Map<String, String> SETTINGS = Map.ofEntries(Map.entry("method", "method"), Map.entry("K", "clusters"),
            Map.entry("filters", "filters"), Map.entry("dense", "denseDims"), Map.entry("alpha", "alpha"), Map.entry("gamma", "gamma"),
            Map.entry("batch", "batchSize"), Map.entry("epochs", "pretrainEpochs"), Map.entry("restarts", "kmeansRestarts"),
            Map.entry("T", "updateInterval"), Map.entry("tol", "tolerance"), Map.entry("maxIter", "maxIterations"),
            Map.entry("lr", "learningRate"), Map.entry("seed", "seed"), Map.entry("pretrain_optimizer", "pretrainOptimizer"),
            Map.entry("cluster_optimizer", "clusterOptimizer"), Map.entry("init", "init"));
    /** The values of the keys that {@link DcecConfig#identity} names only when they differ from them. */
    private static final Map<String, String> IDENTITY_DEFAULTS = Map.of("pretrain_optimizer", org.dcec4j.dcec.OptimizerSpec.ADAM.toString(),
            "cluster_optimizer", org.dcec4j.dcec.OptimizerSpec.ADAM.toString(), "init", org.dcec4j.engine.nn.Init.Scheme.GLOROT_UNIFORM.cliName);

    /**
     * The settings in which two {@link DcecConfig#identity} strings differ, in the strings' order, each named as a
     * {@link ConfigException} setting with the checkpoint's value and the one now: {@code {gamma} 0.1 (now 0.5), {seed} 0
     * (now 7)}, so that the refusal of a --resume names the options to change on one line (it printed both strings, some
     * 200 characters each, on lines of their own, and left the difference to be found). Both strings, whole, when a key
     * is not a known setting (a string of another form).
     */
    static String settingsDiffer(String checkpoint, String now) {
        Map<String, String> was = identityValues(checkpoint), is = identityValues(now);
        Set<String> keys = new LinkedHashSet<>(was.keySet());
        keys.addAll(is.keySet());
        List<String> differ = new ArrayList<>();
        for (String key : keys) {
            String a = was.getOrDefault(key, IDENTITY_DEFAULTS.get(key)), b = is.getOrDefault(key, IDENTITY_DEFAULTS.get(key));
            if (!Objects.equals(a, b)) differ.add("{" + SETTINGS.get(key) + "} " + ConfigException.quote(a) + " (now " + ConfigException.quote(b) + ")");
        }
        if (differ.isEmpty() || !SETTINGS.keySet().containsAll(keys)) return "checkpoint: " + ConfigException.quote(checkpoint) + "; now: " + ConfigException.quote(now);
        return String.join(", ", differ);
    }

    /** The values of a {@link DcecConfig#identity} by key in its order, the method's under "method", lists as the options take them (4,4,8). */
    private static Map<String, String> identityValues(String identity) {
        Map<String, String> m = new LinkedHashMap<>();
        if (identity == null) return m;
        int space = identity.indexOf(' ');
        m.put("method", space < 0 ? identity : identity.substring(0, space));
        Matcher kv = IDENTITY_ENTRY.matcher(identity);
        while (kv.find()) m.put(kv.group(1), kv.group(2).startsWith("[") ? kv.group(2).replaceAll("[\\[\\] ]", "") : kv.group(2));
        return m;
    }

    /** One key=value of {@link DcecConfig#identity}; a list value is bracketed, with spaces ("[32, 64, 128]"). */
    private static final Pattern IDENTITY_ENTRY = Pattern.compile("(\\w+)=(\\[[^\\]]*]|\\S+)");

    /**
     * The arithmetic version that wrote a checkpoint ({@link Version#ARITHMETIC}): its "arithmetic" entry; "1" for one
     * with the data digest but without the entry (written on 2026-12-05, before the version was recorded, all with
     * arithmetic 1); null for one older still, which records neither.
     */
    public static String arithmeticOf(TensorFile checkpoint) {
        if (checkpoint.meta("arithmetic") != null) return checkpoint.meta("arithmetic");
        return checkpoint.meta("data_crc32c") != null ? "1" : null;
    }

    /**
     * An IllegalArgumentException saying what to do when the folder has no checkpoint to resume from. A folder where a run
     * started (its config.json is there) but no checkpoint was completed (none asked for, or the run was killed before or
     * while writing its first one) can only be started again, with {@code overwrite}: without it a new run refuses the
     * folder for that run's files, so "drop resume" led to a second refusal.
     */
    public void requireCheckpoint() {
        Path file = dir.resolve(CHECKPOINT);
        if (Files.isRegularFile(file)) return;
        // something else at the name (a folder, a link to nothing): not a run that wrote no checkpoint
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            throw new ConfigException("{resume}: " + ConfigException.quote(file) + " is " + (Files.isDirectory(file) ? "a folder"
                    : Files.isSymbolicLink(file) && !Files.exists(file) ? "a link to nothing (" + ConfigException.quote(linkTarget(file)) + ")"
                    : "not a regular file") + "; expected the checkpoint file that a run with {checkpointEvery} writes");
        if (Files.isRegularFile(dir.resolve(CONFIG_JSON)))
            throw new ConfigException("{resume}: no checkpoint at " + ConfigException.quote(file) + ": the run in " + ConfigException.quote(dir) + " ended before it completed"
                    + " one (with {checkpointEvery} 0, or stopped before its first checkpoint was written), so it cannot be"
                    + " continued; start it again with {overwrite} instead of {resume}");
        throw new ConfigException("{resume}: no checkpoint at " + ConfigException.quote(file)
                + "; pass the {runFolder} of the killed run (it needs {checkpointEvery} > 0) or drop {resume}");
    }

    /** Where a symbolic link points, for messages ("?" when it cannot be read). */
    private static String linkTarget(Path link) {
        try {
            return String.valueOf(Files.readSymbolicLink(link));
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    /** Where a phase's optimiser state sits in a checkpoint: "adam." (the reference's optimiser) or "sgd.". */
    private String optimizerPrefix(Phase phase) {
        return (phase == Phase.PRETRAIN ? cfg.pretrainOptimizer() : cfg.clusterOptimizer()).statePrefix();
    }

    /** The CRC-32C of the images' float bits and the labels, computed once: what {@link #dataIdentity} cannot tell apart. */
    private String dataDigest() {
        if (digest == null) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            float[] x = data.images();
            for (int i = 0; i < x.length; ) {
                buf.clear();
                while (i < x.length && buf.remaining() >= 4) buf.putFloat(x[i++]);
                crc.update(buf.flip());
            }
            if (data.labels() != null)
                for (int i = 0; i < data.labels().length; ) {
                    buf.clear();
                    while (i < data.labels().length && buf.remaining() >= 4) buf.putInt(data.labels()[i++]);
                    crc.update(buf.flip());
                }
            digest = String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
        }
        return digest;
    }

    private String dataIdentity() { return data.name() + " N=" + data.size() + " " + data.channels() + "x" + data.height() + "x" + data.width(); }

    /** A checkpoint file read back. */
    private record StoredCheckpoint(TensorFile f, String src, int N, int K, String pretrainPrefix, String clusterPrefix)
            implements Checkpoint.Stored {
        @Override public Phase phase() { return Phase.parse(f.meta("phase")); }

        @Override public int step() { return Integer.parseInt(f.meta(phase() == Phase.PRETRAIN ? "epoch" : "iteration")); }

        @Override public String source() { return src; }

        /**
         * Everything {@link #step} and {@link #clusterState} will read, checked now: a file whose checksum is intact can
         * still hold values no run writes (edited, or written by another version). A FormatException names the file and
         * the entry; the weights are checked when they are restored (shapes and finite values, {@code Module.loadFrom}).
         */
        void check(DcecConfig cfg) {
            String phase = f.meta("phase");
            if (!Phase.PRETRAIN.id.equals(phase) && !Phase.CLUSTER.id.equals(phase))
                throw bad("'phase' is '" + phase + "'", "'" + Phase.PRETRAIN.id + "' or '" + Phase.CLUSTER.id + "'");
            // a phase the method has: a run that skips it would ignore the checkpoint, or finish without the clustering it
            // holds (no labels), after the command had deleted the earlier end's outputs
            if (cfg.method().network == Method.Network.NONE)
                throw bad("'phase' is '" + phase + "'", "no checkpoint: method " + cfg.method().cliName + " (k-means on the pixels) writes none");
            if (Phase.CLUSTER.id.equals(phase) && !cfg.method().clusters)
                throw bad("'phase' is '" + phase + "'", "'" + Phase.PRETRAIN.id + "': method " + cfg.method().cliName + " has no clustering phase");
            if (phase().equals(Phase.PRETRAIN)) {
                integer("epoch", 0, cfg.pretrainEpochs());
                return;
            }
            integer("iteration", 0, cfg.maxIter());
            integer("counted", 0, Integer.MAX_VALUE);
            for (String sum : new String[] {"sumL", "sumLc", "sumLr"}) {
                String v = f.meta(sum);
                double d;
                try {
                    d = Double.parseDouble(v == null ? "" : v);
                } catch (NumberFormatException e) {
                    throw bad("'" + sum + "' is '" + v + "'", "a number");
                }
                if (!Double.isFinite(d)) throw bad("'" + sum + "' is " + v, "a finite number");
            }
            TensorFile.Entry p = f.require("p", src), labels = f.require("labels", src);
            if (!java.util.Arrays.equals(p.shape(), new int[] {N, K}))
                throw bad("'p' has shape " + java.util.Arrays.toString(p.shape()), "[" + N + ", " + K + "]");
            for (int i = 0; i < N * K; i++)
                if (!(p.data()[i] >= 0 && p.data()[i] <= 1)) throw bad("p[" + i / K + ", " + i % K + "] is " + p.data()[i], "a value in [0, 1]");
            if (!java.util.Arrays.equals(labels.shape(), new int[] {N}))
                throw bad("'labels' has shape " + java.util.Arrays.toString(labels.shape()), "[" + N + "]");
            for (int i = 0; i < N; i++) {
                float v = labels.data()[i];
                if (!(v >= 0 && v < K && v == (int) v)) throw bad("labels[" + i + "] is " + v, "a cluster from 0 to " + (K - 1));
            }
        }

        /**
         * The weights, the centres and the optimiser's state, restored now into a network, centres and optimiser of the
         * run's shapes that are then dropped: every check of {@link #restore} (each tensor there, of its shape, the weights
         * and centres finite, the step counts valid) is made while nothing has changed. Checked only as the run started,
         * a refusal came after the command had accepted the checkpoint and deleted the model, predictions, baseline and
         * report of the run's earlier end ({@link #dropEndOutputs}), which a refused checkpoint leaves as they were. The
         * throwaway copies take the memory the run's own network and optimiser take later.
         */
        void checkRestore(DcecConfig cfg, int C, int H, int W) {
            if (cfg.method().network == Method.Network.NONE) return;     // k-means on the pixels writes no checkpoint
            Autoencoder ae = Autoencoder.create(cfg, C, H, W, 0);
            ClusteringLayer layer = phase() == Phase.CLUSTER ? new ClusteringLayer(K, ae.embeddingSize(), cfg.alpha()) : null;
            restore(ae, DcecTrainer.optimizer(cfg, phase(), ae, layer, new org.dcec4j.engine.kernels.ScalarKernels()), layer);
        }

        private void integer(String key, int min, int max) {
            String v = f.meta(key);
            try {
                int n = Integer.parseInt(v == null ? "" : v);
                if (n >= min && n <= max) return;
            } catch (NumberFormatException e) {
                // below
            }
            throw bad("'" + key + "' is '" + v + "'", "an integer from " + min + " to " + max);
        }

        private TensorFile.FormatException bad(String found, String expected) {
            return new TensorFile.FormatException(src + ": " + found + "; expected " + expected);
        }

        @Override public void restore(Autoencoder ae, Optimizer optimizer, ClusteringLayer layer) {
            ae.module().loadFrom(f, "model.", src);
            if (layer != null) layer.loadFrom(f, "layer.", src);
            optimizer.loadState(f, phase() == Phase.PRETRAIN ? pretrainPrefix : clusterPrefix, src);
        }

        @Override public ClusterState clusterState() {
            float[] p = new float[N * K];
            System.arraycopy(f.require("p", src).data(), 0, p, 0, N * K);
            float[] saved = f.require("labels", src).data();
            int[] previous = new int[N];
            for (int i = 0; i < N; i++) previous[i] = (int) saved[i];
            return new ClusterState(p, previous, Double.parseDouble(f.meta("sumL")), Double.parseDouble(f.meta("sumLc")),
                    Double.parseDouble(f.meta("sumLr")), Integer.parseInt(f.meta("counted")));
        }
    }
}
