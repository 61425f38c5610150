package org.dcec4j.dcec.cli;

import static org.dcec4j.datasets.cli.TerminalText.printable;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.ImageStream;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.datasets.cli.Counts;
import org.dcec4j.dcec.ConfigException;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.model.ConvAutoencoder;
import org.dcec4j.dcec.model.DenseAutoencoder;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.report.ReportException;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.PredictionsCsv;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;
import org.dcec4j.engine.io.TensorFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dcec report RUN}: (re)builds {@code report.html} of a finished {@code dcec train}, {@code dcec cluster} or
 * {@code dcec pretrain} run
 * from the run's own files (config.json, the logs, predictions.csv, baseline.json) and the images it was trained on,
 * with the report code {@code train} uses ({@link HtmlReport#fromRunDirectory}), so the page of a train run is the one
 * train writes for that folder, byte for byte. For a run made with {@code --no-report}, or whose report was deleted,
 * without the checkpoint that {@code train --resume} would need; and for a clustering, which writes none. A clustering's
 * pretraining section is its pretraining's pretrain_log.csv when it ran in the pretraining's folder, else a note of
 * where its weights came from as config.json records it ({@link HtmlReport#clustersWeightsFromElsewhere}). A
 * pretraining's page ({@link HtmlReport#pretrainingOnly}, which pretrain does not write) is what such a run has: the data
 * set, the pretraining curve and time, and the configuration.
 *
 * <p>Everything is read and checked before anything is written, and a refusal writes nothing (exit code 2): a folder
 * that is not a finished run (no config.json; no model.dc4j or predictions.csv, as a stopped run; a pretraining
 * without its weights, as one stopped before its end, or whose pretrain_log.csv stops short of config.json's epochs; a
 * log the method writes missing), data that are not the run's (another name, C×H×W or number of images than
 * config.json records, other files or labels than predictions.csv names), a model.dc4j or a pretraining's weights of
 * another geometry, and a
 * report.html that dcec did not write unless {@code --overwrite}. The page is written holding the folder's
 * {@link RunLock} (a run at work there is refused as {@code train} refuses it), atomically
 * ({@link OutputFiles#writeAtomically}). docs/usage.md#report
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build report.html for a finished `dcec train` run folder (again: a --no-report run, or one whose report was deleted),"
                + " `dcec cluster` or `dcec pretrain` run folder (which write none), from the run's files and the images it was trained on.",
                "Refuses a folder that is not a finished train, cluster or pretrain run, and data that are not the run's (exit code 2); writes nothing then."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "The --out folder of a finished `dcec train`, `dcec cluster` or `dcec pretrain` run.")
    Path run;   // converted by the command line's DcecCommand.PATHS, registered for every subcommand

    @Option(names = "--dataset", paramLabel = "NAME|FOLDER",
            description = "The data set the run was trained on: a built-in set or the folder of images. Default: the run's built-in set"
                    + " (config.json's \"dataset\"); a folder must be given.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder holding the named sets' files (searched before $DCEC4J_DATA and ~/.cache/dcec4j).")
    Path dataDir;

    @Option(names = "--overwrite", description = "Also replace a report.html that dcec did not write (one it wrote is replaced without it).")
    boolean overwrite;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** Samples shown per row of a cluster, as train shows them. */
    static final int SAMPLES = 10;

    /** The end of the refusal of data that are not the run's. */
    static final String NOT_THE_RUNS = ": give the data set the run was trained on";

    @Override public Integer call() throws IOException {
        if (run.toString().isEmpty())
            throw new IllegalArgumentException("RUN is empty: name the --out folder of a finished dcec train, cluster or pretrain run (. for the current folder)");
        Map<String, String> config = finishedRun(run);
        boolean pretraining = HtmlReport.pretrainingOnly(run, config);
        Path html = run.resolve(HtmlReport.FILE_NAME);
        boolean replaced = mayReplace(html);      // said before the images are read; checked again holding the lock
        Dataset d = read(config);
        if (pretraining) checkWeights(config);
        else checkRunFiles(config, d);            // all read-only: a refusal leaves the folder, lock file included, as it was
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        // one writer per folder: a run at work here (train --overwrite, --resume) is refused, as it refuses another
        RunLock lock;
        try {
            lock = RunLock.acquire(run, "dcec report");
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.render(name -> "run folder"), e);
        }
        try (lock) {
            if (lock.previousHolder() != null)
                err.println("dcec: taking over " + printable(run.toString()) + " from a run that ended without releasing it ("
                        + printable(lock.previousHolder()) + ")");
            // under the lock, the folder as checked before (a run may have ended there meanwhile; one of the same config.json
            // made files of the same data, which the checks above accept as well)
            if (!finishedRun(run).equals(config))
                throw new IllegalArgumentException(run.resolve(RunFolder.CONFIG_JSON) + " changed while the images were read (another run"
                        + " in the folder?): run the command again");
            byte[] page = HtmlReport.fromRunDirectory(run, d, SAMPLES).render().getBytes(StandardCharsets.UTF_8);
            replaced = mayReplace(html);
            OutputFiles.removeStaleTemps(run, List.of(HtmlReport.FILE_NAME), Duration.ZERO);   // a killed writer's
            OutputFiles.writeAtomically(html, page);
        }
        out.println((replaced ? "replaced " : "wrote ") + printable(html.toAbsolutePath().toString()) + " (" + printable(d.name()) + ", "
                + Counts.of(d.size(), "image") + ")");
        return 0;
    }

    // ------------------------------------------------------------------------------------ the folder
    /**
     * config.json of {@code dir} when it is the folder of a finished {@code dcec train}, {@code dcec cluster} or
     * {@code dcec pretrain} run ({@link #finishedPretraining}), read;
     * otherwise an IllegalArgumentException that says what the folder is and what is missing.
     */
    static Map<String, String> finishedRun(Path dir) {
        String need = "give the --out folder of a finished dcec train, cluster or pretrain run";
        if (!Files.exists(dir))
            throw new IllegalArgumentException(dir + ": no such folder; " + need);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": is a file, not a run folder; " + need);
        Path configFile = dir.resolve(RunFolder.CONFIG_JSON);
        if (!Files.isRegularFile(configFile))
            throw new IllegalArgumentException(dir + " holds no " + RunFolder.CONFIG_JSON + " (a run writes it first): it is not a run folder; " + need);
        Map<String, String> config = RunLogs.readConfig(configFile);
        // cluster keeps the pretraining of its weights in config.json, or records that pretraining's settings as null
        boolean clustering = HtmlReport.clustersWeightsFromElsewhere(config);
        String command = clustering ? "dcec cluster" : "dcec train";
        Method method = method(config, configFile);
        String lockLine = holderLine(dir.resolve(RunLock.FILE_NAME));
        // none of a clustering's files: a pretraining, unless its lock file names a train run that did not end
        if (HtmlReport.pretrainingOnly(dir, config) && (lockLine == null || !lockLine.endsWith(" by dcec train\"")))
            return finishedPretraining(dir, config, method, lockLine);
        List<String> missing = new ArrayList<>();
        for (String name : List.of(RunFolder.MODEL, RunFolder.PREDICTIONS))
            if (!Files.isRegularFile(dir.resolve(name))) missing.add(name);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(dir + " is not a finished run: it has no " + String.join(" and no ", missing)
                    + ", which " + command + " writes when its " + (clustering ? "clustering" : "training") + " ends (a run still going or"
                    + " stopped before its end has none" + (lockLine == null ? "" : "; its " + RunLock.FILE_NAME + " names " + lockLine) + "); "
                    + (Files.isRegularFile(dir.resolve(RunFolder.CHECKPOINT)) ? "finish it with its " + command + " command and --resume"
                    : clustering ? "cluster it again" : "train it again")
                    + (clustering ? ", then run dcec report" : ", which writes the report"));
        }
        for (String log : List.of(RunFolder.PRETRAIN_LOG, RunFolder.DCEC_LOG)) {
            // a clustering's pretraining log is in its folder only when it ran in its pretraining's
            boolean written = log.equals(RunFolder.PRETRAIN_LOG) ? method.pretrains && !clustering : method.clusters;
            if (written && !Files.isRegularFile(dir.resolve(log)))
                throw new IllegalArgumentException(dir + " has no " + log + ", which " + command + " writes for --method " + method.cliName
                        + " and the report is made of: it is not a whole run folder");
        }
        return config;
    }

    /**
     * config.json of {@code dir}, a folder with none of a clustering's files ({@link HtmlReport#pretrainingOnly}), when it
     * is the folder of a finished {@code dcec pretrain} run: its weights, which the pretraining writes when it ends, and
     * its pretrain_log.csv up to config.json's last epoch; otherwise an IllegalArgumentException that says what is missing.
     */
    private static Map<String, String> finishedPretraining(Path dir, Map<String, String> config, Method method, String lockLine) {
        Path configFile = dir.resolve(RunFolder.CONFIG_JSON), log = dir.resolve(RunFolder.PRETRAIN_LOG);
        String weights = RunFolder.weightsFileName(method);
        if (!Files.isRegularFile(dir.resolve(weights)))
            throw new IllegalArgumentException(dir + " is not a finished run: it has no " + weights + ", which dcec pretrain writes when its"
                    + " pretraining ends, nor the " + RunFolder.MODEL + " and " + RunFolder.PREDICTIONS + " of a finished dcec train run (a run"
                    + " still going or stopped before its end has none" + (lockLine == null ? "" : "; its " + RunLock.FILE_NAME + " names " + lockLine)
                    + "); " + (Files.isRegularFile(dir.resolve(RunFolder.CHECKPOINT)) ? "finish it with its command (dcec pretrain or dcec train)"
                    + " and --resume" : "run it again") + ", then run dcec report");
        if (!Files.isRegularFile(log))
            throw new IllegalArgumentException(dir + " has no " + RunFolder.PRETRAIN_LOG + ", which dcec pretrain writes for --method "
                    + method.cliName + " and the report is made of: it is not a whole run folder");
        List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(log);
        int epochs = positive(config, configFile, "pretrain_epochs"), last = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).epoch();
        if (last != epochs)
            throw new IllegalArgumentException(log + " " + (rows.isEmpty() ? "has no epoch" : "ends at epoch " + last) + ", but " + configFile
                    + " records " + Counts.of(epochs, "pretraining epoch") + ": the run's files are not of one run");
        return config;
    }

    /** The first line of a run folder's lock file, null when it is empty or not there (a run that ended normally). */
    private static String holderLine(Path lock) {
        try {
            if (!Files.isRegularFile(lock, LinkOption.NOFOLLOW_LINKS)) return null;
            String s = new String(Files.readAllBytes(lock), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : "\"" + s.lines().findFirst().orElse("") + "\"";
        } catch (IOException e) {
            return null;
        }
    }

    private static Method method(Map<String, String> config, Path file) {
        String m = config.get("method");
        if (m == null) throw new ReportException(file + ": no key \"method\"; expected the method of the run (dcec, cae-kmeans, ...)");
        try {
            return Method.parse(m);
        } catch (IllegalArgumentException e) {
            throw new ReportException(file + ": key \"method\": " + e.getMessage());
        }
    }

    /** A whole number of config.json (file) of at least 1: images, channels, height, width. */
    private static int positive(Map<String, String> config, Path file, String key) {
        String v = config.get(key);
        if (v == null || !v.matches("[0-9]{1,9}") || Integer.parseInt(v) < 1)
            throw new ReportException(file + ": key \"" + key + "\": expected a whole number of at least 1, got " + (v == null ? "none" : "\"" + v + "\""));
        return Integer.parseInt(v);
    }

    // ------------------------------------------------------------------------------------ the data
    /**
     * The images the run was trained on: --dataset (by default the named set config.json records), the first N of them
     * (config.json's "images"), a folder read at the run's C×H×W; refused when its name, geometry or size is not the run's.
     */
    private Dataset read(Map<String, String> config) {
        Path configFile = run.resolve(RunFolder.CONFIG_JSON);
        String name = config.get("dataset");
        if (name == null) throw new ReportException(configFile + ": no key \"dataset\"; expected the name of the run's data set");
        int N = positive(config, configFile, "images"), C = positive(config, configFile, "channels"), H = positive(config, configFile, "height"),
                W = positive(config, configFile, "width");
        String given = dataset;
        if (given == null) {
            if (!Datasets.names().contains(name))
                throw new IllegalArgumentException(configFile + ": the run read the image folder '" + name + "', not a built-in set: give that folder"
                        + " with --dataset");
            given = name;
        }
        if (Datasets.names().contains(given) && !given.equals(name))      // said before a named set is downloaded
            throw new IllegalArgumentException("--dataset " + given + " is the data set '" + given + "', but " + configFile + " records '" + name + "'" + NOT_THE_RUNS);
        DcecCommand.ModelDataOptions data = new DcecCommand.ModelDataOptions();
        data.dataset = given;
        data.dataDir = dataDir;
        data.limit = N;
        String what = "--dataset " + given;
        try (ImageStream s = data.open(C, H, W)) {
            if (!s.name().equals(name))
                throw new IllegalArgumentException(what + " is the data set '" + s.name() + "', but " + configFile + " records '" + name + "'" + NOT_THE_RUNS);
            if (s.channels() != C || s.height() != H || s.width() != W)
                throw new IllegalArgumentException(what + " has " + s.channels() + "x" + s.height() + "x" + s.width() + " images, but "
                        + configFile + " records " + C + "x" + H + "x" + W + NOT_THE_RUNS);
            if (s.size() != N)
                throw new IllegalArgumentException(what + " holds " + Counts.of(s.size(), "image") + ", but " + configFile + " records "
                        + Counts.of(N, "image") + NOT_THE_RUNS);
            return s.readAll();
        }
    }

    /**
     * The run's predictions and model against config.json and the images: predictions.csv has one row per image, the
     * files and labels of the images (where it names them), and model.dc4j takes the run's images and clusters.
     */
    private void checkRunFiles(Map<String, String> config, Dataset d) throws IOException {
        Path configFile = run.resolve(RunFolder.CONFIG_JSON), predictions = run.resolve(RunFolder.PREDICTIONS), model = run.resolve(RunFolder.MODEL);
        String given = "--dataset " + (dataset == null ? d.name() : dataset);
        RunLogs.Predictions p = RunLogs.readPredictions(predictions);
        if (p.size() != d.size())
            throw new IllegalArgumentException(predictions + " has " + Counts.of(p.size(), "prediction") + ", but " + configFile + " records "
                    + Counts.of(d.size(), "image") + ": the run's files are not of one run");
        List<String> files = d.fileNames();
        if (p.files() != null && files.isEmpty())
            throw new IllegalArgumentException(predictions + " names the file of each image (the run read an image folder), but " + given + " is a built-in set" + NOT_THE_RUNS);
        if (p.files() != null)
            for (int n = 0; n < p.size(); n++)
                if (!p.files()[n].equals(files.get(n)))
                    throw new IllegalArgumentException("image " + n + " of " + given + " is " + files.get(n) + ", but " + predictions
                            + " names " + p.files()[n] + NOT_THE_RUNS);
        int[] truth = labels(predictions, p.size());
        if (truth != null && !d.hasLabels())
            throw new IllegalArgumentException(predictions + " has the label of each image, but " + given + " has no labels" + NOT_THE_RUNS);
        if (truth == null && d.hasLabels())
            throw new IllegalArgumentException(predictions + " has no label column, but " + given + " is labelled" + NOT_THE_RUNS);
        if (truth != null)
            for (int n = 0; n < truth.length; n++)
                if (truth[n] != d.labels()[n])
                    throw new IllegalArgumentException("image " + n + " of " + given + " has label "
                            + d.labels()[n] + ", but " + predictions + " gives " + truth[n] + NOT_THE_RUNS);
        TensorFile f = TensorFile.read(model);    // its checksums checked
        String geometry = d.channels() + "x" + d.height() + "x" + d.width() + ", " + config.get("clusters") + " clusters, method " + config.get("method");
        String modelGeometry = f.meta("channels") + "x" + f.meta("height") + "x" + f.meta("width") + ", " + f.meta("clusters") + " clusters, method "
                + f.meta("method");
        if (!"dcec-model".equals(f.meta("kind")) || !geometry.equals(modelGeometry))
            throw new IllegalArgumentException(model + " is " + ("dcec-model".equals(f.meta("kind")) ? "a model of " + modelGeometry
                    : "not a model (kind " + f.meta("kind") + ")") + ", but " + configFile + " records " + geometry + ": the run's files are not of one run");
    }

    /**
     * A pretraining's weights against config.json: the weights file (its checksums checked) is the autoencoder of the
     * run's method for its images (C×H×W), clusters and layers, by its class and number of weights.
     */
    private void checkWeights(Map<String, String> config) throws IOException {
        Path configFile = run.resolve(RunFolder.CONFIG_JSON);
        Method method = method(config, configFile);
        Path weights = run.resolve(RunFolder.weightsFileName(method));
        TensorFile f = TensorFile.read(weights);
        int C = positive(config, configFile, "channels"), H = positive(config, configFile, "height"), W = positive(config, configFile, "width"),
                K = positive(config, configFile, "clusters");
        boolean conv = method.network == Method.Network.CONV;
        String layersKey = conv ? "filters" : "dense_dims";
        int[] layers = wholeNumbers(config, configFile, layersKey);
        long expected;
        try {
            expected = conv ? ConvAutoencoder.parameterCount(C, H, W, K, layers) : DenseAutoencoder.parameterCount(C, H, W, K, layers);
        } catch (IllegalArgumentException e) {
            throw new ReportException(configFile + ": " + e.getMessage());
        }
        String cls = (conv ? ConvAutoencoder.class : DenseAutoencoder.class).getName();
        long count = 0;
        for (String name : f.names()) count += f.get(name).data().length;
        if (!"module".equals(f.meta("kind")) || !cls.equals(f.meta("class")) || count != expected)
            throw new IllegalArgumentException(weights + ("module".equals(f.meta("kind")) ? " holds the weights of " + f.meta("class") + " ("
                    + Counts.of(count, "weight") + ")" : " is not a pretraining's weights file (kind " + f.meta("kind") + ")") + ", but " + configFile
                    + " records the weights of " + cls + " (" + Counts.of(expected, "weight") + ": " + C + "x" + H + "x" + W + ", " + K + " clusters, "
                    + layersKey + " " + config.get(layersKey) + ", method " + method.cliName + "): the run's files are not of one run");
    }

    /** A JSON array of whole numbers of at least 1 in config.json (file): filters, dense_dims. */
    private static int[] wholeNumbers(Map<String, String> config, Path file, String key) {
        String v = config.get(key);
        if (v == null || !v.matches("\\[ *[0-9]{1,9}( *, *[0-9]{1,9})* *]"))
            throw new ReportException(file + ": key \"" + key + "\": expected an array of whole numbers, got " + (v == null ? "none" : v));
        return java.util.Arrays.stream(v.substring(1, v.length() - 1).split(",")).map(String::strip).mapToInt(Integer::parseInt).toArray();
    }

    /** predictions.csv's label column by index, null when it has none (checked by {@link RunLogs#readPredictions} before). */
    private static int[] labels(Path csv, int N) throws IOException {
        try (java.io.Reader in = Files.newBufferedReader(csv, StandardCharsets.ISO_8859_1)) {
            PredictionsCsv.Records records = new PredictionsCsv.Records(in, 0);
            records.next();
            List<String> header = List.of(records.fields());
            int index = header.indexOf("index"), label = header.indexOf("label");
            if (label < 0) return null;
            int[] truth = new int[N];
            for (String row; (row = records.next()) != null; ) {
                if (row.isEmpty()) continue;
                String[] f = records.fields();
                try {
                    truth[Integer.parseInt(f[index].trim())] = Integer.parseInt(f[label].trim());
                } catch (RuntimeException e) {
                    throw new ReportException(csv + ":" + records.line() + ": column 'label': expected a whole number, got \""
                            + (label < f.length ? f[label] : "") + "\"");
                }
            }
            return truth;
        }
    }

    // ------------------------------------------------------------------------------------ the page
    /**
     * Whether there is a report.html to replace: none (false), a page dcec wrote (true), or another file, refused
     * unless --overwrite; a folder or other non-file there is always refused.
     */
    private boolean mayReplace(Path html) throws IOException {
        if (!Files.exists(html, LinkOption.NOFOLLOW_LINKS)) return false;
        if (Files.isDirectory(html) || !Files.isSymbolicLink(html) && !Files.isRegularFile(html))
            throw new IllegalArgumentException(html + " is " + (Files.isDirectory(html) ? "a folder" : "not a regular file")
                    + ", not a report dcec wrote: move it away");
        if (overwrite || writtenByDcec(html)) return true;
        throw new IllegalArgumentException(html + " is not a report dcec wrote (" + (Files.isSymbolicLink(html) ? "a symbolic link"
                : "it does not begin and end as dcec's pages do") + "): pass --overwrite to replace it, or move it away");
    }

    /** Whether html is a regular file (not a link) that begins and ends as the pages {@link HtmlReport} writes. */
    static boolean writtenByDcec(Path html) throws IOException { return HtmlReport.writtenByDcec(html); }
}
