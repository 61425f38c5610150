package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dcec reproduce}: runs the paper's comparison matrix (method × data set × seed), one JVM per cell,
 * resumably, and writes docs/reproduction.md from the result files; {@code dcec reproduce table} only rewrites
 * the page. Both hold the folders they write ({@link OutputLocks}). Docs: docs/usage.md#reproducing-the-papers-table.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the paper's comparison matrix (methods x data sets x seeds) with the reference hyper-parameters, one JVM per cell, "
                + "and write the table of results (docs/reproduction.md). Resumable: finished cells are skipped, killed ones continued. "
                + "Start it under `nice` to run every cell under it."},
        subcommands = {ReproduceCommand.Table.class})
public final class ReproduceCommand implements Callable<Integer> {

    static final Path DEFAULT_WORK = Path.of("repro-work"), DEFAULT_RESULTS = Path.of("docs", "results"),
            DEFAULT_TABLE = Path.of("docs", "reproduction.md");
    static final Path QUICK_WORK = Path.of("repro-quick"), QUICK_RESULTS = QUICK_WORK.resolve("results"),
            QUICK_TABLE = QUICK_WORK.resolve("reproduction.md");

    /** Which cells: --plan, or --datasets and --seeds; --methods. */
    static final class PlanOptions {
        @Option(names = "--plan", paramLabel = "PLAN",
                description = {"Data sets and seeds, e.g. \"mnist-test:0,1,2;usps:0-2;mnist:0\" (a name alone gets its default seeds).",
                        "Default: " + Plan.DEFAULT + "."})
        String plan;
        @Option(names = "--datasets", paramLabel = "D1,D2", split = ",", hideParamSyntax = true,
                description = "Instead of --plan: these data sets (mnist, mnist-test, usps, fashion-mnist, shapes), each with --seeds or its default seeds.")
        List<String> datasets;
        @Option(names = "--seeds", paramLabel = "S1,S2", split = ",", hideParamSyntax = true,
                description = "Instead of --plan: these seeds (integers 0 or more, or ranges a-b) for every data set of --datasets (or of the default plan).")
        List<String> seeds;
        @Option(names = "--methods", paramLabel = "M1,M2", split = ",", hideParamSyntax = true,
                description = "Only these methods (kmeans, cae-kmeans, dec-conv, dec, idec, dcec; and the data-augmented dec-conv-da, dcec-da of DEC-DA, "
                        + "which run only when named here). Default: the paper's six.")
        List<String> methods;

        boolean given() { return plan != null || datasets != null || seeds != null || methods != null; }

        Plan plan() {
            var ms = Plan.methods(methods);
            if (plan != null) {
                if (datasets != null || seeds != null) throw new IllegalArgumentException("--plan cannot be combined with --datasets or --seeds");
                return Plan.parse(plan, ms);
            }
            List<Long> s = null;
            if (seeds != null) s = Plan.seeds(String.join(",", seeds), "--seeds");
            return Plan.of(datasets, s, ms);
        }

        /** The options as typed, for the command line shown at the top of the table. */
        List<String> asArguments() {
            List<String> a = new ArrayList<>();
            if (plan != null) a.addAll(List.of("--plan", plan));
            if (datasets != null) a.addAll(List.of("--datasets", String.join(",", datasets)));
            if (seeds != null) a.addAll(List.of("--seeds", String.join(",", seeds)));
            if (methods != null) a.addAll(List.of("--methods", String.join(",", methods)));
            return a;
        }
    }

    /** Where the committed results and the page go. */
    static final class OutputOptions {
        @Option(names = "--results", paramLabel = "DIR",
                description = "Folder of the small committed artefacts (result.json and logs per cell, report.html per data set). Default: docs/results (--quick: repro-quick/results).")
        Path results;
        @Option(names = "--table", paramLabel = "FILE",
                description = "The generated page. Default: docs/reproduction.md (--quick: repro-quick/reproduction.md).")
        Path table;
        @Option(names = "--work", paramLabel = "DIR",
                description = "Folder of the run folders (weights, checkpoints, predictions; not committed). Default: repro-work (--quick: repro-quick).")
        Path work;

        Path results(boolean quick) { return results != null ? results : quick ? QUICK_RESULTS : DEFAULT_RESULTS; }
        Path table(boolean quick) { return table != null ? table : quick ? QUICK_TABLE : DEFAULT_TABLE; }
        Path work(boolean quick) { return work != null ? work : quick ? QUICK_WORK : DEFAULT_WORK; }

        List<String> asArguments(boolean quick) {
            List<String> a = new ArrayList<>();
            if (quick) a.add("--quick");
            if (results != null) a.addAll(List.of("--results", results.toString()));
            if (table != null) a.addAll(List.of("--table", table.toString()));
            if (work != null) a.addAll(List.of("--work", work.toString()));
            return a;
        }
    }

    @Mixin PlanOptions planOptions = new PlanOptions();
    @Mixin OutputOptions output = new OutputOptions();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder holding the named sets' files (passed to every cell; else $DCEC4J_DATA, ~/.cache/dcec4j).")
    Path dataDir;
    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads of every cell (results are identical for any value). Default: all processors.")
    Integer threads;
    @Option(names = "--checkpoint-epochs", paramLabel = "E", defaultValue = "10",
            description = "--checkpoint-every of the pretrainings: a checkpoint every E epochs. Default: ${DEFAULT-VALUE}.")
    int checkpointEpochs;
    @Option(names = "--checkpoint-iterations", paramLabel = "I", defaultValue = "1000",
            description = "--checkpoint-every of the cells: a checkpoint every I clustering iterations. Default: ${DEFAULT-VALUE}.")
    int checkpointIterations;
    @Option(names = "--jvm-option", paramLabel = "OPT",
            description = "An extra option for every cell's JVM, e.g. --jvm-option=-Xmx8g (repeatable).")
    List<String> jvmOptions = new ArrayList<>();
    @Option(names = "--quick", description = {"Smoke test, NOT the paper's settings: every cell gets " + "--limit 200 --pretrain-epochs 2 --max-iter 30 "
            + "--kmeans-restarts 2 --batch-size 64 -T 10, checkpoints every epoch and 10 iterations, and the folders default to repro-quick/."})
    boolean quick;
    @Option(names = "--publish-weights",
            description = {"Copy each finished shared pretraining's weights beside its pretraining.json in the results folder (about 1 MB for a CAE), "
                    + "so that a reproduction elsewhere runs the clustering cells from them instead of pretraining again. "
                    + "Published weights are always used (after checking their SHA-256 and command) when the work folder holds no finished run or checkpoint of that pretraining."})
    boolean publishWeights;
    @Option(names = "--dry-run", description = "Print what would run (and the exact commands) without running or writing anything.")
    boolean dryRun;

    @Spec CommandLine.Model.CommandSpec spec;

    /**
     * Where the results and the page go, checked before the first cell runs (a --table that is a folder used to fail only
     * once a cell had finished, hours in with the reference settings).
     */
    static void checkOutputs(Path results, Path table) {
        if (Files.exists(results) && !Files.isDirectory(results))
            throw new IllegalArgumentException("--results " + results + " is a file: expected a folder (it is created if missing)");
        if (Files.isDirectory(table))
            throw new IllegalArgumentException("--table " + table + " is a folder: expected the Markdown file to write");
        // the page includes the notes verbatim: written over them, the hand-written analysis was gone
        if (table.toAbsolutePath().normalize().equals(results.resolve(ReproductionTable.NOTES).toAbsolutePath().normalize()))
            throw new IllegalArgumentException("--table " + table + " is the hand-written notes file of --results " + results
                    + ", which the page includes: give the page another name");
    }

    /**
     * The folders a reproduction writes, checked before the first cell runs (and in a dry run, which would otherwise
     * promise a run that cannot be recorded): the work folder is a folder; each of the work folder, the results folder
     * and the page's folder exists or can be created (its nearest existing parent is a writable folder); and the three
     * are different places. A results folder under a file, or in a read-only place, used to be found only when the
     * first cell had finished and its result was to be written (hours in with the reference settings), and a work folder
     * that is a file was refused without naming the option; --results equal to --work mixed result.json and console.txt
     * into the run folders.
     */
    static void checkWritable(Path work, Path results, Path table) {
        if (Files.exists(work) && !Files.isDirectory(work))
            throw new IllegalArgumentException("--work " + work + " is a file: expected a folder (it is created if missing)");
        Path w = work.toAbsolutePath().normalize(), r = results.toAbsolutePath().normalize(), t = table.toAbsolutePath().normalize();
        if (w.equals(r))
            throw new IllegalArgumentException("--results " + results + " is the --work folder " + work + ": the results folder holds only the small "
                    + "committed files, the work folder the run folders; give them different folders");
        if (t.equals(r) || t.equals(w))
            throw new IllegalArgumentException("--table " + table + " is the " + (t.equals(r) ? "--results" : "--work") + " folder: expected the Markdown file to write");
        writableFolder("--work", work, w);
        writableFolder("--results", results, r);
        Path parent = t.getParent();
        if (parent != null) writableFolder("--table", table, parent);
    }

    /** The folder {@code folder} (for the option {@code option} given as {@code given}) exists or can be created, and written. */
    private static void writableFolder(String option, Path given, Path folder) {
        Path existing = folder;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        if (!Files.isDirectory(existing))
            throw new IllegalArgumentException(option + " " + given + " cannot be written: " + existing + " is a file, not a folder");
        if (!Files.isWritable(existing))
            throw new IllegalArgumentException(option + " " + given + " cannot be written: " + existing + " is read-only");
    }

    /**
     * The cells' command lines are recorded one per line, their arguments separated by tabs (attempts.tsv), so the
     * options that reach them may hold neither; checked before the first JVM starts (it used to be found only when the
     * first pretraining had finished and its command was to be recorded, and again on every rerun).
     */
    static void checkRecordable(Path work, Path dataDir, List<String> jvmOptions) {
        List<String[]> given = new ArrayList<>();
        given.add(new String[] {"--work", work.toString()});
        if (dataDir != null) given.add(new String[] {"--data-dir", dataDir.toString()});
        for (String o : jvmOptions) given.add(new String[] {"--jvm-option", o});
        for (String[] g : given)
            if (g[1].indexOf('\t') >= 0 || g[1].indexOf('\n') >= 0 || g[1].indexOf('\r') >= 0)
                throw new IllegalArgumentException(g[0] + " '" + g[1] + "' holds a tab or a line break: the cells' commands are "
                        + "recorded one per line with tab-separated arguments (attempts.tsv); choose a name without them");
    }

    @Override public Integer call() throws IOException {
        Plan plan = planOptions.plan();
        Commands commands = new Commands(output.work(quick), dataDir, threads, quick,
                quick && !spec.commandLine().getParseResult().hasMatchedOption("--checkpoint-epochs") ? 1 : checkpointEpochs,
                quick && !spec.commandLine().getParseResult().hasMatchedOption("--checkpoint-iterations") ? 10 : checkpointIterations);
        Path results = output.results(quick), table = output.table(quick);
        checkOutputs(results, table);
        checkWritable(output.work(quick), results, table);
        checkRecordable(output.work(quick), dataDir, jvmOptions);
        var ctx = tableContext(planOptions, output, quick, Path.of(""));
        PrintWriter out = spec.commandLine().getOut();
        try {
            return new Runner(new Runner.Options(commands, results, table, jvmOptions, dryRun, publishWeights), out, ctx).run(plan);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("dcec reproduce: interrupted; run it again to continue");
            return 130;
        } catch (ChildJvm.Stopping e) {
            out.println("dcec reproduce: " + e.getMessage());
            out.flush();
            return 143;
        }
    }

    /**
     * What the page is made from, the same for `reproduce` and `reproduce table` with the same plan and folders (so
     * either regenerates the other's page byte for byte): rows for the default plan, the given plan and every
     * result; example commands with the default checkpoint intervals and no --threads or --data-dir (each
     * result.json lists the commands its cell really ran). Relative folders are resolved against {@code base}.
     */
    static ReproductionTable.Context tableContext(PlanOptions planOptions, OutputOptions output, boolean quick, Path base) {
        // the default plan's cells of the paper's methods and of the data-augmented ones, so that the rows of
        // both stay on the page ("not run yet") until their results arrive
        Set<Cell> planned = new LinkedHashSet<>(Plan.defaults().cells());
        planned.addAll(Plan.parse(Plan.DEFAULT, Plan.DA_METHODS).cells());
        if (planOptions.given()) planned.addAll(planOptions.plan().cells());
        List<String> args = new ArrayList<>(List.of("reproduce", "table"));
        args.addAll(output.asArguments(quick));
        args.addAll(planOptions.asArguments());
        Commands example = new Commands(output.work(quick), null, null, quick, quick ? 1 : 10, quick ? 10 : 1000);
        return new ReproductionTable.Context(base.resolve(output.results(quick)), base.resolve(output.table(quick)), planned,
                Commands.line(args), example);
    }

    @Command(name = "table", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Only (re)write the table of results (docs/reproduction.md) from the result files; runs nothing. "
                    + "Rows: every cell of the default plan and of --plan/--datasets/--seeds/--methods, and every cell with a result."})
    static final class Table implements Callable<Integer> {
        @Mixin PlanOptions planOptions = new PlanOptions();
        @Mixin OutputOptions output = new OutputOptions();
        @Option(names = "--quick", description = "The folders' --quick defaults (repro-quick/...), and the example commands of the smoke-test preset.")
        boolean quick;
        @Spec CommandLine.Model.CommandSpec spec;

        @Override public Integer call() throws IOException {
            // options before "table" are reproduce's own and picocli gives them to reproduce, not here: with the defaults
            // instead, `reproduce --quick --results X table` rewrote docs/reproduction.md from docs/results
            CommandLine.ParseResult parent = spec.parent().commandLine().getParseResult();
            List<String> before = parent.matchedOptions().stream().map(o -> o.longestName()).distinct().toList();
            if (!before.isEmpty()) {
                List<String> args = parent.originalArgs();
                args = args.subList(args.indexOf("reproduce") + 1, args.size()).stream().filter(a -> !a.equals("table")).toList();
                throw new IllegalArgumentException(String.join(", ", before) + " before 'table' would not apply to it (options go after"
                        + " the subcommand): dcec reproduce table " + String.join(" ", args));
            }
            ReproductionTable.Context ctx = tableContext(planOptions, output, quick, Path.of(""));
            checkOutputs(ctx.results(), ctx.table());
            // its folder is locked before the page is written: under a file it was refused as the folder, exit 1
            Path pageFolder = ctx.table().toAbsolutePath().normalize().getParent();
            if (pageFolder != null) writableFolder("--table", ctx.table(), pageFolder);
            PrintWriter out = spec.commandLine().getOut();
            boolean hasResults = Files.isDirectory(ctx.results());
            // held as a reproduction holds them (OutputLocks): without a lock the page was written while a reproduction
            // wrote the results it is made from, or the same page; a missing results folder is not created for it
            try (OutputLocks locks = new OutputLocks(out, "dcec reproduce table")) {
                if (hasResults) locks.hold("--results", ctx.results());
                locks.holdPageFolder(ctx.table());
                ReproductionTable.write(ctx);
            }
            out.println(hasResults
                    ? "wrote " + ctx.table() + " from the result files under " + ctx.results()
                    : "wrote " + ctx.table() + " without results: there is no folder " + ctx.results()
                            + " (every planned cell is 'not run yet'; --results names the folder of the result files)");
            return 0;
        }
    }
}
