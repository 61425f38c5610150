package org.dcec4j.dcec.repro;

import org.dcec4j.datasets.cli.Counts;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dcec4j.datasets.DataSource;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.DatasetException;
import org.dcec4j.datasets.Datasets;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.Version;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.metrics.NmiAverage;
import org.dcec4j.dcec.report.HtmlReport;
import org.dcec4j.dcec.report.ReportException;
import org.dcec4j.dcec.report.RunLogs;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.run.RunLock;

/**
 * Runs a plan cell by cell, each in its own JVM, and keeps it resumable:
 * <ul>
 *   <li>a cell whose result file exists is done and skipped;</li>
 *   <li>a run folder whose last recorded attempt succeeded and holds model.dc4j and predictions.csv is collected
 *       (the reproduction was killed between the JVM's end and the result file);</li>
 *   <li>a run folder with checkpoint.dc4j is continued with --resume;</li>
 *   <li>anything else runs from the start, with --overwrite when a run killed before its first checkpoint left
 *       outputs in the folder (its partial logs would otherwise make dcec refuse the folder).</li>
 * </ul>
 * A shared pretraining is run when a cell that needs it has to run: it is complete when its last attempt
 * succeeded, its weights exist and pretrain_log.csv shows every epoch of config.json; otherwise it is continued
 * from its checkpoint, or started. A run folder whose recorded command differs from the planned one (other
 * options, other settings) is an error, never silently reused, and so is a finished one, or published weights, of
 * another arithmetic version ({@link #checkArithmetic}). One reproduction at a time holds the work folder, the
 * results folder and the page's folder ({@link OutputLocks}, for the whole run; a dry run takes no lock and only says
 * when one is held). After every finished cell the result files are copied to the results folder and the table is
 * regenerated.
 * <p>
 * Published weights: with {@code --publish-weights} a finished pretraining's weights file is copied beside its
 * pretraining.json in the results folder. A pretraining whose run folder holds no finished run and no checkpoint,
 * but whose weights are published there with the SHA-256 its pretraining.json records (by the planned command), is
 * not run again: the weights
 * (and its config.json and pretrain_log.csv, for the report) are copied into the run folder and the cells start
 * from them, so the cells are exactly those a fresh pretraining would give. A published file with another SHA-256
 * is an error, never used.
 */
final class Runner {
    /** The options of one reproduction. */
    record Options(Commands commands, Path results, Path table, List<String> jvmOptions, boolean dryRun, boolean publishWeights) {}

    private enum State { DONE, COLLECT, RESUME, FRESH }

    /** A cell or pretraining that could not finish; the message says why and where to look. */
    private static final class Failure extends Exception {
        Failure(String message) { super(message); }
    }

    private final Options o;
    private final Commands cmd;
    private final PrintWriter out;
    private final ReproductionTable.Context table;
    private final ChildJvm jvm;
    private final Path cwd = Path.of("").toAbsolutePath();
    private Host host;

    Runner(Options o, PrintWriter out, ReproductionTable.Context table) {
        this.o = o;
        this.cmd = o.commands;
        this.out = out;
        this.table = table;
        this.jvm = new ChildJvm(o.jvmOptions);
    }

    /** Runs every cell of the plan that is not done; returns the exit code (0: all done, 1: a cell failed). */
    int run(Plan plan) throws IOException, InterruptedException {
        if (o.dryRun) {
            checkResults();     // what the run would refuse, a dry run refuses too (it printed "done" and exited 0)
            // but it takes no lock (it writes nothing, not even a lock file): a folder in use is only said, since what it
            // shows is the folders' state at this moment
            for (String option : List.of("--work", "--results")) {
                Path folder = option.equals("--work") ? cmd.work() : o.results;
                String holder = Files.isDirectory(folder) ? RunLock.holder(folder) : null;
                if (holder != null)
                    out.println("note: " + option + " " + folder + " is in use by another run (" + holder + "): a reproduction started now"
                            + " would be refused (exit code 2) until it ends; this dry run shows the folders as they are at this moment");
            }
            Path page = OutputLocks.pageFolder(o.table);
            if (Files.isDirectory(page) && !sameFolder(page, cmd.work()) && !sameFolder(page, o.results)) {
                String holder = RunLock.holder(page);
                if (holder != null)
                    out.println("note: " + OutputLocks.pageFolderInUse(o.table, page, holder) + ": a reproduction started now"
                            + " would be refused (exit code 2) until it ends; this dry run shows the folders as they are at this moment");
            }
            return runAll(plan);
        }
        // two reproductions on one work folder, or one results folder (with two work folders), ran the same cells and
        // raced on the run folders or on the published files; two with the same --table and different results folders
        // wrote the page in turn, each from its own results: each folder, and the page's, is held for the whole run
        try (OutputLocks locks = new OutputLocks(out, "dcec reproduce")) {
            locks.hold("--work", cmd.work());
            locks.hold("--results", o.results);
            locks.holdPageFolder(o.table);
            host = Host.detect(List.of(o.results, o.table));
            checkResults();
            return runAll(plan);
        } finally {
            jvm.close();
        }
    }

    /** Both are the same existing folder. */
    private static boolean sameFolder(Path a, Path b) throws IOException {
        return Files.isDirectory(a) && Files.isDirectory(b) && Files.isSameFile(a, b);
    }

    /**
     * Every result already in the results folder is readable, lies in its own cell's folder and is of this run's
     * settings, not only those of the cells it plans.
     */
    private void checkResults() throws IOException {
        for (CellResult r : CellResult.readAll(o.results)) {
            Path file = o.results.resolve(r.cell().folder()).resolve(CellResult.FILE);
            checkSettings(file, r.settings());
            // a result of another arithmetic was skipped as done and averaged with this version's in the table
            if (r.arithmetic() != null) checkArithmetic(r.arithmetic().toString(), file, "the result of " + r.cell());
        }
    }

    /**
     * The warning printed when the cells would run the scalar kernels although this Java has the Vector API module (the
     * reproduction was started without {@code --add-modules jdk.incubator.vector}, and no --jvm-option adds it):
     * the same results, hours longer. Null when the cells get the module or the runtime has none.
     */
    static String scalarCellsNote(List<String> cellJvmOptions, boolean runtimeHasVectorModule) {
        String options = String.join(" ", cellJvmOptions);
        if (!runtimeHasVectorModule || options.contains("jdk.incubator.vector")) return null;
        return "note: the cells run the scalar kernels (this JVM was started without jdk.incubator.vector): the same results,"
                + " several times slower; start it with --add-modules jdk.incubator.vector, or pass"
                + " --jvm-option=--add-modules=jdk.incubator.vector, for the vector kernels";
    }

    private int runAll(Plan plan) throws IOException, InterruptedException {
        List<Cell> cells = plan.cells();
        int index = 0, ran = 0, skipped = 0;
        List<String> failures = new ArrayList<>();
        out.printf(Locale.ROOT, "dcec reproduce: %s (%s; methods %s), %s settings%s%n", Counts.of(cells.size(), "cell"), plan.toPlanString(),
                String.join(",", plan.methods().stream().map(m -> m.cliName).toList()), cmd.settings(), o.dryRun ? ", dry run" : "");
        if (!o.dryRun) {
            out.println("  JVM options of every cell: " + (jvm.jvmOptions().isEmpty() ? "(none)" : String.join(" ", jvm.jvmOptions())));
            String note = scalarCellsNote(jvm.jvmOptions(), java.lang.module.ModuleFinder.ofSystem().find("jdk.incubator.vector").isPresent());
            if (note != null) out.println("  " + note);
        }
        out.flush();
        for (Plan.Group g : plan.groups()) {
            Map<Pretraining, Object> pretrainings = new HashMap<>();   // a PretrainingRecord, a Failure, or null (dry run)
            boolean dcecWritten = false;
            for (Method m : g.methods()) {
                Cell c = new Cell(g.dataset(), m, g.seed());
                String tag = String.format(Locale.ROOT, "[%d/%d] %s", ++index, cells.size(), c);
                State s = cellState(c);
                if (s == State.DONE) {
                    CellResult r = CellResult.read(resultFile(c));
                    out.printf(Locale.ROOT, "%s: done (ACC %.4f)%n", tag, r.acc());
                    skipped++;
                    continue;
                }
                try {
                    PretrainingRecord pr = null;
                    Pretraining p = c.pretraining();
                    if (p != null) {
                        if (!pretrainings.containsKey(p)) {
                            try {
                                pretrainings.put(p, ensure(p, tag));
                            } catch (Failure f) {
                                pretrainings.put(p, f);
                            }
                        }
                        Object v = pretrainings.get(p);
                        if (v instanceof Failure f) throw new Failure("its " + p + " failed: " + f.getMessage());
                        pr = (PretrainingRecord) v;
                    }
                    if (o.dryRun) {
                        List<String> args = arguments(s, cmd.runDir(c), cmd.cell(c));
                        out.printf(Locale.ROOT, "%s: %s%n    %s%n", tag, s == State.COLLECT ? "finished run folder, would collect" : s == State.RESUME
                                ? "would resume" : "would run", Commands.line(args));
                        continue;
                    }
                    if (s != State.COLLECT) {
                        List<String> args = arguments(s, cmd.runDir(c), cmd.cell(c));
                        out.printf(Locale.ROOT, "%s: %s%n    %s%n", tag, s == State.RESUME ? "resuming" : "running", Commands.line(cmd.recorded(args)));
                        out.flush();
                        Attempt a = attempt(cmd.runDir(c), args);
                        if (a.exit() != 0) throw new Failure("exit code " + a.exit() + " after " + duration(a.wallSeconds()) + "; see "
                                + cmd.runDir(c).resolve(ChildJvm.STDERR));
                        ran++;
                    }
                    CellResult r = collect(c, pr);
                    writeCell(c, r);
                    out.printf(Locale.ROOT, "%s: %s ACC %.4f  NMI %.4f  ARI %.4f%s, %s%n", tag, s == State.COLLECT ? "collected" : "finished",
                            r.acc(), r.nmi(), r.ari(), m.clusters ? ", " + r.iterations() + " iterations" + (r.converged() ? " (converged)" : "") : "",
                            duration(r.cellWallSeconds()));
                    if (m == Method.DCEC) dcecWritten = true;
                    writeTable();
                } catch (Failure f) {
                    failures.add(c + ": " + f.getMessage());
                    out.printf(Locale.ROOT, "%s: FAILED: %s%n", tag, f.getMessage());
                }
                out.flush();
            }
            if (!o.dryRun && o.publishWeights)
                for (Method m : g.methods()) {
                    Pretraining p = new Cell(g.dataset(), m, g.seed()).pretraining();
                    if (p != null && !pretrainings.containsKey(p) && Files.isRegularFile(recordFile(p))) {
                        publish(p, PretrainingRecord.read(recordFile(p)), "  " + g.dataset() + ", seed " + g.seed());
                        pretrainings.put(p, null);
                    }
                }
            if (!o.dryRun) report(g.dataset(), dcecWritten);
        }
        if (!o.dryRun) writeTable();
        out.printf(Locale.ROOT, "dcec reproduce: %d of %s done before this run, %d run now, %d failed%s%n", skipped, Counts.of(cells.size(), "cell"), ran,
                failures.size(), o.dryRun ? " (dry run: nothing was run)" : "; table: " + o.table);
        for (String f : failures) out.println("  failed: " + f);
        out.flush();
        return failures.isEmpty() ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------ states
    private Path resultFile(Cell c) { return o.results.resolve(c.folder()).resolve(CellResult.FILE); }

    private Path recordFile(Pretraining p) { return o.results.resolve(p.folder()).resolve(PretrainingRecord.FILE); }

    private State cellState(Cell c) throws IOException {
        Path result = resultFile(c);
        if (Files.isRegularFile(result)) {
            CellResult r = CellResult.read(result);
            checkSettings(result, r.settings());
            if (r.arithmetic() != null) checkArithmetic(r.arithmetic().toString(), result, "the result of " + c);
            return State.DONE;
        }
        Path run = cmd.runDir(c);
        Attempt last = Attempt.last(Attempt.read(run));
        if (last != null) checkIdentity(run, last, cmd.cell(c));
        if (last != null && last.exit() == 0 && Files.isRegularFile(run.resolve(RunFolder.MODEL))
                && Files.isRegularFile(run.resolve(RunFolder.PREDICTIONS))) {
            checkArithmetic(run.resolve(RunFolder.CONFIG_JSON), "run folder " + run);
            return State.COLLECT;
        }
        if (Files.isRegularFile(run.resolve(RunFolder.CHECKPOINT))) return State.RESUME;
        return State.FRESH;
    }

    private State pretrainingState(Pretraining p) throws IOException {
        Path run = cmd.runDir(p);
        Attempt last = Attempt.last(Attempt.read(run));
        if (last != null) checkIdentity(run, last, cmd.pretrain(p));
        if (last != null && last.exit() == 0 && complete(run, p)) {
            Path record = recordFile(p);
            if (Files.isRegularFile(record)) {
                PretrainingRecord r = PretrainingRecord.read(record);
                checkSettings(record, r.settings());
                checkArithmetic(r.arithmetic(), record, run.resolve(RunFolder.CONFIG_JSON), "run folder " + run);
                // the record must be this pretraining's: its own fields, not only its folder, name it
                if (!r.dataset().equals(p.dataset()) || !r.kind().equals(p.kind()) || r.seed() != p.seed())
                    throw FlatJson.bad(record + ": holds the record of the " + r.kind() + " pretraining on " + r.dataset() + ", seed "
                            + r.seed() + ", which is not " + p + "'s");
                return State.DONE;
            }
            checkArithmetic(run.resolve(RunFolder.CONFIG_JSON), "run folder " + run);
            return State.COLLECT;
        }
        if (Files.isRegularFile(run.resolve(RunFolder.CHECKPOINT))) return State.RESUME;
        return State.FRESH;
    }

    /**
     * The arguments of a run in state s (RESUME or FRESH) of the folder run: with --resume to continue a checkpoint;
     * with --overwrite to start over where a killed attempt left outputs but no checkpoint (nothing to continue
     * from, and the folder is this cell's own: the recorded attempts, if any, were checked against the plan).
     */
    private static List<String> arguments(State s, Path run, List<String> planned) {
        if (s == State.RESUME) return Commands.withResume(planned);
        for (String name : RunFolder.OUTPUTS)
            if (Files.exists(run.resolve(name))) return Commands.withOverwrite(planned);
        return planned;
    }

    /** Weights written and pretrain_log.csv showing every epoch config.json asks for. */
    private static boolean complete(Path run, Pretraining p) {
        Path log = run.resolve(RunFolder.PRETRAIN_LOG), config = run.resolve(RunFolder.CONFIG_JSON);
        if (!Files.isRegularFile(run.resolve(p.weightsFile())) || !Files.isRegularFile(log) || !Files.isRegularFile(config)) return false;
        List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(log);
        return !rows.isEmpty() && rows.get(rows.size() - 1).epoch() == (int) RunOutputs.number(config, "pretrain_epochs");
    }

    private void checkSettings(Path file, String settings) {
        if (!settings.equals(cmd.settings()))
            throw new IllegalArgumentException(file + " was made with the " + settings + " settings, this run uses the " + cmd.settings()
                    + " settings: pass another --results folder (a results folder holds one kind)");
    }

    /**
     * A finished run (or published weights) whose config.json records another arithmetic version than this dcec4j's is
     * refused: its result, or the cells started from its weights, would be other bits than this version gives for the
     * same cell (docs/kernels.md#arithmetic-version), and the table would mix the two. They were collected, or used,
     * silently. A config.json without the entry (older versions) or that cannot be read is left to the other checks.
     */
    static void checkArithmetic(Path config, String what) {
        if (!Files.isRegularFile(config)) return;
        String a;
        try {
            a = RunLogs.readConfig(config).get("dcec4j.arithmetic");
        } catch (ReportException e) {
            return;
        }
        if (a != null) checkArithmetic(a.trim(), config, what);
    }

    /** {@code recorded}, the arithmetic version that {@code source} records for {@code what}, is this dcec4j's, or refused. */
    static void checkArithmetic(String recorded, Path source, String what) {
        if (recorded.equals(Integer.toString(Version.ARITHMETIC))) return;
        throw new IllegalArgumentException(what + " was written by a dcec4j of arithmetic version " + recorded + " (" + source
                + "), this one computes with arithmetic version " + Version.ARITHMETIC + ": its results are not this version's bits;"
                + " move it away to run it again, or finish the reproduction with that version");
    }

    /**
     * The arithmetic version of a result file or pretraining record where it records one (result.json and
     * pretraining.json since they carry the field), else that of the config.json which the older ones leave to say it.
     */
    static void checkArithmetic(Integer recorded, Path record, Path config, String what) {
        if (recorded != null) checkArithmetic(recorded.toString(), record, what);
        else checkArithmetic(config, what);
    }

    /** The arithmetic version that a run folder's config.json records, or null (older versions, or unreadable). */
    private static Integer arithmetic(Path run) {
        try {
            String a = RunLogs.readConfig(run.resolve(RunFolder.CONFIG_JSON)).get("dcec4j.arithmetic");
            return a == null ? null : Integer.valueOf(a.trim());
        } catch (ReportException | NumberFormatException e) {
            return null;
        }
    }

    private void checkIdentity(Path run, Attempt last, List<String> planned) {
        List<String> had = Commands.identity(last.args()), want = Commands.identity(cmd.recorded(planned));
        if (!had.equals(want))
            throw new IllegalArgumentException("run folder " + run + " was made by another command:\n  found:   " + Commands.line(had)
                    + "\n  planned: " + Commands.line(want) + "\nmove it away or pass another --work folder");
    }

    // ------------------------------------------------------------------------------------ running
    /** Runs one more attempt; its number counts the attempts in stdout.log, killed ones (not in attempts.tsv) included. */
    private Attempt attempt(Path run, List<String> args) throws IOException, InterruptedException {
        Path log = run.resolve(ChildJvm.STDOUT);
        int n = 1;
        if (Files.isRegularFile(log))
            for (String line : IoErrors.readUtf8(log).lines().toList()) if (line.startsWith(ConsoleSummary.ATTEMPT_MARKER)) n++;
        return jvm.run(run, args, cmd.recorded(args), n);
    }

    /** Makes the shared pretraining available (running, continuing or collecting it); null in a dry run. */
    private PretrainingRecord ensure(Pretraining p, String tag) throws Failure, IOException, InterruptedException {
        State s = pretrainingState(p);
        if (s == State.DONE) {
            PretrainingRecord r = PretrainingRecord.read(recordFile(p));
            if (!o.dryRun) publish(p, r, tag);
            return r;
        }
        if (s == State.FRESH) {
            PretrainingRecord r = published(p);
            if (r != null) {
                Path weights = cmd.weights(p);
                out.printf(Locale.ROOT, "%s: needs the %s: %s the published weights %s (SHA-256 %s…, verified)%n", tag, p,
                        o.dryRun ? "would use" : "using", withoutMachinePaths(publishedWeights(p).toString()), r.weightsSha256().substring(0, 12));
                if (o.dryRun) return null;
                Path dir = o.results.resolve(p.folder()), run = cmd.runDir(p);
                if (!Files.isRegularFile(weights) || !RunOutputs.sha256(weights).equals(r.weightsSha256())) copy(publishedWeights(p), weights);
                // the record's own logs (for the report), never those of an attempt killed before its first checkpoint
                for (String name : List.of(RunFolder.CONFIG_JSON, RunFolder.PRETRAIN_LOG)) {
                    if (Files.isRegularFile(dir.resolve(name))) copy(dir.resolve(name), run.resolve(name));
                    else Files.deleteIfExists(run.resolve(name));
                }
                String sha = RunOutputs.sha256(weights);
                if (!sha.equals(r.weightsSha256()))
                    throw new Failure(weights + ": SHA-256 " + sha + " after copying the published weights, expected " + r.weightsSha256());
                return r;
            }
        }
        // its record without its weights (the run folder deleted, the weights not published): the cells start from the
        // weights (cluster --weights), which the record only describes, so the pretraining runs again, and says why
        PretrainingRecord replaced = s == State.FRESH && Files.isRegularFile(recordFile(p)) ? PretrainingRecord.read(recordFile(p)) : null;
        String why = replaced == null ? "" : " (" + recordFile(p) + " records it, but the cells start from its"
                + " weights, which are neither in " + cmd.runDir(p) + " nor published beside that record (--publish-weights puts them there);"
                + " the same command and arithmetic give the same weights)";
        if (s != State.COLLECT) {
            List<String> args = arguments(s, cmd.runDir(p), cmd.pretrain(p));
            if (o.dryRun) {
                out.printf(Locale.ROOT, "%s: needs the %s: %s%s%n    %s%n", tag, p, s == State.RESUME ? "would resume" : "would run", why,
                        Commands.line(args));
                return null;
            }
            out.printf(Locale.ROOT, "%s: needs the %s: %s%s%n    %s%n", tag, p, s == State.RESUME ? "resuming" : "running", why,
                    Commands.line(cmd.recorded(args)));
            out.flush();
            Attempt a = attempt(cmd.runDir(p), args);
            if (a.exit() != 0) throw new Failure("exit code " + a.exit() + "; see " + cmd.runDir(p).resolve(ChildJvm.STDERR));
            if (!complete(cmd.runDir(p), p)) throw new Failure("it ended without writing every epoch and the weights; see " + cmd.runDir(p));
        } else if (o.dryRun) {
            return null;
        }
        PretrainingRecord r = collect(p);
        Path dir = o.results.resolve(p.folder()), run = cmd.runDir(p);
        copy(run.resolve(RunFolder.CONFIG_JSON), dir.resolve(RunFolder.CONFIG_JSON));
        copy(run.resolve(RunFolder.PRETRAIN_LOG), dir.resolve(RunFolder.PRETRAIN_LOG));
        OutputFiles.writeAtomically(dir.resolve(RunOutputs.CONSOLE_LOG), consoleLog(run));
        OutputFiles.writeAtomically(recordFile(p), r.toJson().getBytes(StandardCharsets.UTF_8));
        out.printf(Locale.ROOT, "%s: %s %s: %s, loss %.6f, %s%n", tag, p, s == State.COLLECT ? "collected" : "finished", Counts.of(r.epochs(), "epoch"),
                r.finalLoss(), duration(r.seconds()));
        if (replaced != null)
            out.printf(Locale.ROOT, "%s: %s%n", tag, replaced.weightsSha256().equals(r.weightsSha256())
                    ? "the weights are those of the record it replaces (SHA-256 " + r.weightsSha256().substring(0, 12) + "…)"
                    : "note: the weights differ from those of the record it replaces (SHA-256 " + r.weightsSha256() + ", recorded "
                            + replaced.weightsSha256() + "): cells done before were computed from the old weights");
        publish(p, r, tag);
        return r;
    }

    // ------------------------------------------------------------------------------------ published weights
    private Path publishedWeights(Pretraining p) { return o.results.resolve(p.folder()).resolve(p.weightsFile()); }

    /**
     * The record of a pretraining whose weights are published in the results folder, or null when none are. The file
     * must have the SHA-256 its pretraining.json records (else it is damaged: exit code 1), and the record's last
     * command must be the planned pretraining's, the machine's folders and thread count aside (else it is another
     * pretraining, as for a run folder: exit code 2).
     */
    private PretrainingRecord published(Pretraining p) throws IOException {
        Path weights = publishedWeights(p), record = recordFile(p);
        if (!Files.isRegularFile(weights)) return null;
        if (!Files.isRegularFile(record))
            throw FlatJson.bad(weights + " is published without its " + PretrainingRecord.FILE + ", so it cannot be verified: restore "
                    + record + " or delete the weights to pretrain again");
        PretrainingRecord r = PretrainingRecord.read(record);
        checkSettings(record, r.settings());
        checkArithmetic(r.arithmetic(), record, weights.resolveSibling(RunFolder.CONFIG_JSON), weights + ", published with its "
                + (r.arithmetic() != null ? PretrainingRecord.FILE : RunFolder.CONFIG_JSON) + ",");
        String sha = RunOutputs.sha256(weights);
        if (!sha.equals(r.weightsSha256()))
            throw FlatJson.bad(weights + ": SHA-256 " + sha + ", but " + record + " records " + r.weightsSha256()
                    + ": the file is damaged or from another pretraining; restore it or delete it to pretrain again");
        List<String> had = publishedIdentity(Commands.words(r.commands().get(r.commands().size() - 1))),
                want = publishedIdentity(Commands.words(withoutMachinePaths(Commands.line(cmd.recorded(cmd.pretrain(p))))));
        if (!had.equals(want))
            throw new IllegalArgumentException(weights + " was published by another command:\n  found:   " + String.join(" ", had)
                    + "\n  planned: " + String.join(" ", want) + "\ndelete it (and " + record + ") to pretrain again");
        return r;
    }

    /** {@link Commands#identity} of a recorded "dcec …" line without "dcec", --out, --threads and --data-dir (the machine's). */
    static List<String> publishedIdentity(List<String> words) {
        List<String> a = new ArrayList<>(), id = Commands.identity(words);
        for (int i = id.isEmpty() || !id.get(0).equals("dcec") ? 0 : 1; i < id.size(); i++) {
            if (List.of("--out", "--threads", "--data-dir").contains(id.get(i))) { i++; continue; }
            a.add(id.get(i));
        }
        return a;
    }

    /**
     * With --publish-weights: copies a finished pretraining's weights from its run folder beside its record in the
     * results folder, when they are not there yet (or a copy there is damaged) and their SHA-256 is the one recorded.
     */
    private void publish(Pretraining p, PretrainingRecord r, String tag) throws IOException {
        if (!o.publishWeights) return;
        Path to = publishedWeights(p), from = cmd.weights(p);
        boolean there = Files.isRegularFile(to);
        if (there && RunOutputs.sha256(to).equals(r.weightsSha256())) return;
        if (!Files.isRegularFile(from)) {
            out.printf(Locale.ROOT, "%s: %s not published: %s is gone%n", tag, p, from);
            return;
        }
        String sha = RunOutputs.sha256(from);
        if (!sha.equals(r.weightsSha256()))
            throw FlatJson.bad(from + ": SHA-256 " + sha + ", but " + recordFile(p) + " records " + r.weightsSha256()
                    + ": the run folder's weights are not the recorded pretraining's");
        copy(from, to);
        out.printf(Locale.ROOT, "%s: %s published%s: %s%n", tag, p, there ? " (it replaces a damaged copy)" : "", withoutMachinePaths(to.toString()));
    }

    // ------------------------------------------------------------------------------------ collecting
    private PretrainingRecord collect(Pretraining p) throws IOException, Failure {
        try {
            return collectRun(p);
        } catch (java.nio.file.FileSystemException e) {
            throw unreadable(cmd.runDir(p), e);
        }
    }

    private CellResult collect(Cell c, PretrainingRecord pr) throws IOException, Failure {
        try {
            return collectRun(c, pr);
        } catch (java.nio.file.FileSystemException e) {
            throw unreadable(cmd.runDir(c), e);
        }
    }

    /**
     * A run folder file that a result is read from is missing or unreadable: that cell's (or pretraining's) failure,
     * not the reproduction's end (a finished run folder without its stdout.log stopped every other cell).
     */
    private static Failure unreadable(Path run, java.nio.file.FileSystemException e) {
        return new Failure(IoErrors.describe(e) + "; delete the run folder " + run + " to run it again");
    }

    private PretrainingRecord collectRun(Pretraining p) throws IOException, Failure {
        Path run = cmd.runDir(p);
        List<Attempt> attempts = Attempt.read(run);
        ConsoleSummary cs = ConsoleSummary.parse(IoErrors.readUtf8(run.resolve(ChildJvm.STDOUT)));
        if (!cs.complete()) throw new Failure(run.resolve(ChildJvm.STDOUT) + " has no complete summary of its last attempt");
        CellJvm j = CellJvm.read(run);
        try {
            List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(run.resolve(RunFolder.PRETRAIN_LOG));
            RunLogs.PretrainRow last = rows.get(rows.size() - 1);
            boolean resumed = Attempt.last(attempts).resumed();
            double logSeconds = rows.stream().mapToDouble(RunLogs.PretrainRow::seconds).sum();
            Double printed = cs.phase("pretrain");
            double seconds = resumed || printed == null ? logSeconds : printed;
            return new PretrainingRecord(p.dataset(), p.kind(), p.seed(), cmd.settings(), last.epoch(), last.loss(), seconds, resumed,
                    wall(attempts), cpu(attempts), ranWith(run, j), arithmetic(run), cs.kernels(), cs.threads(), j.jvmOptions(), lines(attempts),
                    RunOutputs.sha256(run.resolve(p.weightsFile())));
        } catch (ReportException e) {
            throw new Failure(e.getMessage());
        }
    }

    private CellResult collectRun(Cell c, PretrainingRecord pr) throws IOException, Failure {
        Path run = cmd.runDir(c);
        List<Attempt> attempts = Attempt.read(run);
        ConsoleSummary cs = ConsoleSummary.parse(IoErrors.readUtf8(run.resolve(ChildJvm.STDOUT)));
        if (!cs.complete()) throw new Failure(run.resolve(ChildJvm.STDOUT) + " has no complete summary of its last attempt");
        CellJvm j = CellJvm.read(run);
        try {
            RunOutputs.Labels l = RunOutputs.predictions(run.resolve(RunFolder.PREDICTIONS));
            int iterations = 0;
            Boolean converged = null;
            if (c.method().clusters) {
                RunOutputs.ClusterOutcome co = RunOutputs.clusterOutcome(run);
                iterations = co.iterations();
                converged = co.converged();
            }
            List<String> commands = new ArrayList<>(pr == null ? List.of() : pr.commands());
            commands.addAll(lines(attempts));
            return new CellResult(c.dataset(), c.method(), c.seed(), cmd.settings(), l.cluster().length,
                    Metrics.acc(l.truth(), l.cluster()), Metrics.nmi(l.truth(), l.cluster(), NmiAverage.ARITHMETIC),
                    Metrics.nmi(l.truth(), l.cluster(), NmiAverage.GEOMETRIC), Metrics.ari(l.truth(), l.cluster()), iterations, converged,
                    pr == null ? null : pr.seconds(), cs.phase("kmeans"), cs.phase("cluster"),
                    pr == null ? null : c.pretraining().folder(), Attempt.last(attempts).resumed(),
                    wall(attempts), cpu(attempts), pr == null ? null : pr.wallSeconds(), pr == null ? null : pr.cpuSeconds(),
                    ranWith(run, j), arithmetic(run), cs.kernels(), cs.threads(), j.jvmOptions(), commands,
                    RunOutputs.sha256(run.resolve(RunFolder.MODEL)));
        } catch (ReportException | UncheckedIOException e) {
            throw new Failure(e.getMessage());
        }
    }

    /**
     * Where the run folder's last attempt ran: the CPU, processors and JDK its own JVM recorded ({@link CellJvm}; "unknown"
     * without that file, never this collecting JVM's), with the commit that wrote its files: config.json's "dcec4j"
     * commit and local_changes, which every start of a run (resumes too) writes, so they name the code of the attempt
     * that wrote the model. A run collected by a later reproduction, from a jar of another commit, recorded the
     * collecting jar's commit. This jar's when config.json does not know it (older versions, classes built without a stamp).
     */
    private Host ranWith(Path run, CellJvm j) {
        String commit = host.gitCommit();
        Boolean dirty = host.gitDirty();
        try {
            java.util.Map<String, String> c = RunLogs.readConfig(run.resolve(RunFolder.CONFIG_JSON));
            String recorded = c.get("dcec4j.commit"), changes = c.get("dcec4j.local_changes");
            if (recorded != null && !recorded.isEmpty() && !recorded.equals(Host.UNKNOWN)) {
                commit = recorded;
                dirty = "true".equals(changes) ? Boolean.TRUE : "false".equals(changes) ? Boolean.FALSE : null;
            }
        } catch (ReportException e) {
            // the stamp of this jar, as before
        }
        return new Host(j.cpu(), j.processors(), j.javaVersion(), j.javaVendor(), commit, dirty);
    }

    /** Sums to the millisecond (the attempts file's resolution), so result files show no float noise. */
    private static double wall(List<Attempt> attempts) {
        return Math.round(attempts.stream().mapToDouble(Attempt::wallSeconds).sum() * 1000) / 1000.0;
    }

    private static Double cpu(List<Attempt> attempts) {
        double sum = 0;
        for (Attempt a : attempts) {
            if (a.cpuSeconds() == null) return null;
            sum += a.cpuSeconds();
        }
        return Math.round(sum * 1000) / 1000.0;
    }

    /** The attempts' command lines as the result files show them ({@link #withoutMachinePaths}). */
    private List<String> lines(List<Attempt> attempts) {
        List<String> out = new ArrayList<>();
        for (Attempt a : attempts) out.add(withoutMachinePaths(Commands.line(a.args())));
        return out;
    }

    /** The cell's small files into the results folder, result.json last (its presence marks the cell done). */
    private void writeCell(Cell c, CellResult r) throws IOException {
        Path dir = o.results.resolve(c.folder()), run = cmd.runDir(c);
        copy(run.resolve(RunFolder.CONFIG_JSON), dir.resolve(RunFolder.CONFIG_JSON));
        if (Files.isRegularFile(run.resolve(RunFolder.DCEC_LOG))) copy(run.resolve(RunFolder.DCEC_LOG), dir.resolve(RunFolder.DCEC_LOG));
        OutputFiles.writeAtomically(dir.resolve(RunOutputs.CONSOLE_LOG), consoleLog(run));
        OutputFiles.writeAtomically(dir.resolve(CellResult.FILE), r.toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static void copy(Path from, Path to) throws IOException { OutputFiles.writeAtomically(to, Files.readAllBytes(from)); }

    /** stdout.log as the results folder keeps it: {@link #withoutMachinePaths}. */
    private byte[] consoleLog(Path run) throws IOException {
        return withoutMachinePaths(IoErrors.readUtf8(run.resolve(ChildJvm.STDOUT))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A text for the results folder, which is committed, without this machine's paths: an absolute --data-dir as
     * {@code <DIR>}, a work folder outside the working directory as {@code <WORK>}, and the working directory's
     * prefix dropped (so the default {@code repro-work/…} stays as it is).
     */
    private String withoutMachinePaths(String s) {
        if (cmd.dataDir() != null && cmd.dataDir().isAbsolute()) s = s.replace(cmd.dataDir().toString(), Commands.DATA_DIR_PLACEHOLDER);
        Path work = cmd.work().toAbsolutePath().normalize();
        if (!work.startsWith(cwd)) s = s.replace(work.toString(), Commands.WORK_PLACEHOLDER);
        return s.replace(cwd + File.separator, "");
    }

    // ------------------------------------------------------------------------------------ table and report
    private void writeTable() throws IOException { ReproductionTable.write(table); }

    /**
     * report.html of a data set: the DCEC cell of the lowest finished seed, written with the same report code as
     * `dcec train` plus the shared pretraining's loss curve. Rewritten (from the lowest seed) whenever a DCEC cell
     * finished in this group, or when the report is missing.
     */
    private void report(String dataset, boolean dcecWritten) throws IOException {
        Path html = o.results.resolve(dataset).resolve(HtmlReport.FILE_NAME);
        if (!dcecWritten && Files.isRegularFile(html)) return;
        CellResult lowest = null;
        for (CellResult r : CellResult.readAll(o.results))
            if (r.dataset().equals(dataset) && r.method() == Method.DCEC && (lowest == null || r.seed() < lowest.seed())) lowest = r;
        if (lowest == null) return;
        Cell c = lowest.cell();
        Path run = cmd.runDir(c);
        if (!Files.isRegularFile(run.resolve(RunFolder.PREDICTIONS))) {
            out.println("  report.html of " + dataset + " not written: the run folder " + run + " is gone");
            return;
        }
        try {
            RunOutputs.Labels l = RunOutputs.predictions(run.resolve(RunFolder.PREDICTIONS));
            Dataset d = Datasets.load(dataset, DataSource.fromEnvironment(cmd.dataDir()));
            int N = l.cluster().length;
            if (N < d.size()) d = d.subset(0, N);
            HtmlReport.Builder b = HtmlReport.fromRunDirectory(run, d, 10)
                    .title("dcec4j reproduction: DCEC on " + dataset + ", seed " + c.seed());
            Path pre = cmd.runDir(c.pretraining()).resolve(RunFolder.PRETRAIN_LOG);
            if (Files.isRegularFile(pre)) {
                List<RunLogs.PretrainRow> rows = RunLogs.readPretrainLog(pre);
                b.pretrainLog(rows);
                if (!rows.isEmpty()) {
                    b.summary("pretraining epochs (shared CAE)", Integer.toString(rows.get(rows.size() - 1).epoch()));
                    b.summary(HtmlReport.LAST_PRETRAINING_LOSS, String.format(Locale.ROOT, "%.6g", rows.get(rows.size() - 1).loss()));
                }
            }
            b.write(html);
            out.println("  report: " + html);
        } catch (ReportException | DatasetException e) {
            out.println("  report.html of " + dataset + " not written: " + e.getMessage());
        }
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds)) return "?";
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
