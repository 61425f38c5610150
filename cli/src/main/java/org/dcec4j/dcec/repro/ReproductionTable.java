package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dcec4j.datasets.IoErrors;
import org.dcec4j.datasets.OutputFiles;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.report.RunLogs;

/**
 * Writes docs/reproduction.md from the result files: per data set and method the mean ± sample standard
 * deviation and min–max over the seeds of ACC, NMI (both means) and ARI beside the paper's ACC / NMI, the mean
 * time of each phase, the gaps to the paper (numbers only), every cell with its model checksum ("not run yet"
 * for planned cells without a result: rows are never dropped), the hosts, how to rerun, and the lead's notes
 * file verbatim. The page is a pure function of the result files and the plan (no dates), so regenerating it
 * without new results changes nothing.
 */
final class ReproductionTable {
    private ReproductionTable() {}

    /** The notes file in the results folder that the page includes verbatim. */
    static final String NOTES = "NOTES.md";

    /** Fixed data set order: the paper's columns, then the rest. */
    static final List<String> DATASET_ORDER = List.of("mnist", "mnist-test", "usps", "fashion-mnist", "shapes");

    /**
     * What the page is made from.
     *
     * @param results  the results folder
     * @param table    the page to write
     * @param planned  the cells that get a row even without a result
     * @param command  the command that (re)generates the page, shown at its top
     * @param commands the command builder of the run (for the example commands)
     */
    record Context(Path results, Path table, Set<Cell> planned, String command, Commands commands) {}

    static void write(Context ctx) throws IOException {
        List<CellResult> results = CellResult.readAll(ctx.results());
        Path notes = ctx.results().resolve(NOTES);
        String notesText = Files.isRegularFile(notes) ? IoErrors.readUtf8(notes) : null;
        OutputFiles.writeAtomically(ctx.table(), render(ctx, results, notesText, publishedWeights(ctx.results())).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------------------------ statistics
    /** Mean, sample standard deviation (n − 1; NaN for one value), min and max. */
    record Stats(int n, double mean, double std, double min, double max) {
        static Stats of(List<Double> values) {
            int n = values.size();
            if (n == 0) return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double v : values) { sum += v; min = Math.min(min, v); max = Math.max(max, v); }
            double mean = sum / n, ss = 0;
            for (double v : values) ss += (v - mean) * (v - mean);
            return new Stats(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN, min, max);
        }
    }

    static Stats stats(List<CellResult> rs, ToDoubleFunction<CellResult> f) {
        List<Double> v = new ArrayList<>();
        for (CellResult r : rs) {
            double x = f.applyAsDouble(r);
            if (!Double.isNaN(x)) v.add(x);
        }
        return Stats.of(v);
    }

    /** "82.00 ± 2.00 (80.00–84.00)" in percent; one value alone; "—" for none. */
    static String percent(Stats s) {
        if (s.n == 0) return "—";
        if (s.n == 1) return pct(s.mean);
        return pct(s.mean) + " ± " + pct(s.std) + " (" + pct(s.min) + "–" + pct(s.max) + ")";
    }

    static String pct(double fraction) { return String.format(Locale.ROOT, "%.2f", 100 * fraction); }

    /** "+1.23" / "-0.45"; a gap that rounds to zero is "+0.00", never "-0.00". */
    static String signed(double points) { return String.format(Locale.ROOT, "%+.2f", Math.round(points * 100) / 100.0 + 0.0); }

    static String duration(double seconds) { return Runner.duration(seconds); }

    /** ACC at iteration 0 of a clustering cell's dcec_log.csv in percent; "—" without a clustering phase or log. */
    static String startAcc(Path results, Cell c) {
        Path log = results.resolve(c.folder()).resolve(RunLogs.CLUSTER_LOG);
        if (!c.method().clusters || !Files.isRegularFile(log)) return "—";
        List<RunLogs.ClusterRow> rows = RunLogs.readClusterLog(log);
        if (rows.isEmpty() || rows.get(0).iter() != 0)
            throw FlatJson.bad(log + ": expected a first row for iteration 0, got " + (rows.isEmpty() ? "no rows" : "iteration " + rows.get(0).iter()));
        return pct(rows.get(0).acc());
    }

    static String meanDuration(List<CellResult> rs, Function<CellResult, Double> f) {
        List<Double> v = new ArrayList<>();
        for (CellResult r : rs) if (f.apply(r) != null) v.add(f.apply(r));
        if (v.isEmpty()) return "—";
        String s = duration(Stats.of(v).mean);
        return v.size() < rs.size() ? s + " (" + v.size() + " of " + rs.size() + ")" : s;
    }

    // ------------------------------------------------------------------------------------ the page
    /** The page from the results, the hand-written notes (or null) and the published weights files ({@link #publishedWeights}). */
    static String render(Context ctx, List<CellResult> results, String notes, List<String> published) {
        Map<Cell, CellResult> byCell = new LinkedHashMap<>();
        for (CellResult r : results) byCell.put(r.cell(), r);
        Set<Cell> all = new LinkedHashSet<>(ctx.planned());
        all.addAll(byCell.keySet());
        List<String> datasets = new ArrayList<>();
        for (String d : DATASET_ORDER) if (all.stream().anyMatch(c -> c.dataset().equals(d))) datasets.add(d);
        new TreeSet<>(all.stream().map(Cell::dataset).toList()).forEach(d -> { if (!datasets.contains(d)) datasets.add(d); });
        String resultsLink = link(ctx), resultsTarget = target(resultsLink);
        long done = all.stream().filter(byCell::containsKey).count();
        Set<String> settings = new TreeSet<>(results.stream().map(CellResult::settings).toList());

        StringBuilder s = new StringBuilder();
        s.append(comment("GENERATED by `" + ctx.command() + "` from the result files under " + resultsLink
                + ": do not edit by hand; notes go in " + resultsLink + NOTES)).append('\n');
        s.append("# Reproducing the paper's table\n\n");
        s.append("This page is generated by ").append(code(ctx.command())).append(" from the result files under ")
                .append(code(resultsLink)).append(" (one `result.json` per finished cell); do not edit it by hand. ")
                .append("The analysis is written by hand in ").append(code(resultsLink + NOTES))
                .append(", which the generator includes [at the end](#notes) verbatim.\n\n");
        long daAll = all.stream().filter(c -> c.method().augments).count();
        long daDone = all.stream().filter(c -> c.method().augments && byCell.containsKey(c)).count();
        s.append("**").append(done - daDone).append(" of ").append(all.size() - daAll).append(" planned cells of the paper's methods finished");
        if (daAll > 0) s.append("; ").append(daDone).append(" of ").append(daAll).append(" of the data-augmented ones");
        s.append(".**");
        if (settings.contains("quick"))
            s.append(" These results use the `--quick` smoke-test preset (200 images, 2 epochs, 30 iterations), not the paper's settings: "
                    + "they test the machinery and say nothing about the method.");
        s.append("\n\n");
        s.append("""
                Every method of the paper's table ([spec.md](spec.md#methods)) runs with the reference hyper-parameters
                ([spec.md](spec.md#defaults): 200 pretraining epochs of batch 256, T = 140, tol = 0.001, at most 20,000
                iterations, 20 k-means restarts), which are the command line's defaults for the named data sets; nothing is
                tuned. CAE + k-means, DEC-conv and DCEC of one (data set, seed) start from one shared CAE pretraining, DEC and
                IDEC from one shared dense-autoencoder pretraining: pretraining depends only on the network, the data, the
                pretraining options and the seed, so each method gets exactly the weights it would have pretrained on its own.

                Scores are in percent, computed from each run's `predictions.csv` with `Metrics`: the mean ± the sample
                standard deviation over the finished seeds, min–max in parentheses (one seed: its value). The paper gives one
                number per cell, ACC / NMI, and no seeds, spread or times; its NMI is what scikit-learn computed in 2017, the
                geometric mean of the entropies ([spec.md](spec.md#metrics)), so compare it with the "NMI geo." column.
                Fashion-MNIST is not in the paper. Rows marked † are the data-augmented methods of DEC-DA (Guo, Zhu, Liu, Yin,
                ACML 2018; [spec.md](spec.md#augmentation)): beside them stands DEC-DA's published figure, the best of its
                variants on that data set; they run with DEC-DA's settings (500 augmented pretraining epochs, T = 30 on
                MNIST-test and USPS, 140 elsewhere) when asked for with `--methods dec-conv-da,dcec-da`.

                """);

        s.append("## Results\n\n");
        for (String d : datasets) {
            s.append("### ").append(PaperResults.datasetName(d)).append(" (`").append(d).append("`)\n\n");
            if (!PaperResults.covers(d)) s.append("No figure of the DCEC paper: it does not use this data set.\n\n");
            s.append("| method | seeds | ACC % | NMI % | NMI geo. % | ARI % | paper ACC / NMI % |\n|---|---|---|---|---|---|---|\n");
            for (Method m : Plan.RUN_ORDER_TABLE) {
                List<Cell> cells = cellsOf(all, d, m);
                if (cells.isEmpty()) continue;
                List<CellResult> rs = finished(cells, byCell);
                PaperResults.Figure p = PaperResults.of(d, m);
                String paper = p == null ? "—" : String.format(Locale.ROOT, "%.2f / %.2f", p.acc(), p.nmi()) + (m.augments ? " †" : "");
                s.append("| ").append(PaperResults.name(m)).append(" | ").append(seedsCell(cells, byCell)).append(" | ");
                if (rs.isEmpty()) s.append("not run yet | not run yet | not run yet | not run yet | ");
                else s.append(percent(stats(rs, CellResult::acc))).append(" | ").append(percent(stats(rs, CellResult::nmi))).append(" | ")
                        .append(percent(stats(rs, CellResult::nmiGeometric))).append(" | ").append(percent(stats(rs, CellResult::ari))).append(" | ");
                s.append(paper).append(" |\n");
            }
            s.append("\nMean wall time per cell (pretraining: the shared run, counted in each method that uses it):\n\n");
            s.append("| method | seeds | pretraining | k-means | clustering | cell with its pretraining | CPU time | clustering iterations | converged |\n")
                    .append("|---|---|---|---|---|---|---|---|---|\n");
            for (Method m : Plan.RUN_ORDER_TABLE) {
                List<Cell> cells = cellsOf(all, d, m);
                if (cells.isEmpty()) continue;
                List<CellResult> rs = finished(cells, byCell);
                s.append("| ").append(PaperResults.name(m)).append(" | ").append(seedsCell(cells, byCell)).append(" | ");
                if (rs.isEmpty()) {
                    s.append("not run yet | | | | | | |\n");
                    continue;
                }
                s.append(meanDuration(rs, CellResult::pretrainSeconds)).append(" | ").append(meanDuration(rs, CellResult::kmeansSeconds))
                        .append(" | ").append(meanDuration(rs, CellResult::clusterSeconds)).append(" | ")
                        .append(meanDuration(rs, CellResult::totalWallSeconds)).append(" | ").append(meanDuration(rs, CellResult::totalCpuSeconds))
                        .append(" | ");
                if (m.clusters) {
                    Stats it = stats(rs, r -> r.iterations());
                    s.append(String.format(Locale.ROOT, "%.0f", it.mean)).append(it.n > 1 ? String.format(Locale.ROOT, " (%.0f–%.0f)", it.min, it.max) : "")
                            .append(" | ").append(rs.stream().filter(r -> Boolean.TRUE.equals(r.converged())).count()).append(" of ").append(rs.size());
                } else {
                    s.append("— | —");
                }
                s.append(" |\n");
            }
            s.append('\n');
        }

        s.append("<a id=\"differences\"></a>\n## Differences from the paper\n\n");
        s.append("Computed from the table above, without interpretation: our mean minus the paper's figure in percentage points, and "
                + "whether the paper's figure lies within our min–max over the seeds. Explanations belong in the [notes](#notes).\n\n");
        s.append("| data set | method | seeds | ACC − paper | paper ACC within our range | NMI geo. − paper | NMI − paper | paper NMI within our NMI geo. range |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        int gaps = 0;
        for (String d : datasets) {
            for (Method m : Plan.RUN_ORDER_TABLE) {
                PaperResults.Figure p = PaperResults.of(d, m);
                List<CellResult> rs = finished(cellsOf(all, d, m), byCell);
                if (p == null || rs.isEmpty()) continue;
                Stats acc = stats(rs, CellResult::acc), geo = stats(rs, CellResult::nmiGeometric), nmi = stats(rs, CellResult::nmi);
                s.append("| ").append(PaperResults.datasetName(d)).append(" | ").append(PaperResults.name(m)).append(" | ").append(rs.size())
                        .append(" | ").append(signed(100 * acc.mean - p.acc())).append(" | ").append(within(acc, p.acc()))
                        .append(" | ").append(signed(100 * geo.mean - p.nmi())).append(" | ").append(signed(100 * nmi.mean - p.nmi()))
                        .append(" | ").append(within(geo, p.nmi())).append(" |\n");
                gaps++;
            }
        }
        if (gaps == 0) s.append("| no finished cell with a paper figure yet | | | | | | | |\n");
        s.append('\n');

        s.append("<a id=\"cells\"></a>\n## Every cell\n\n");
        s.append("The SHA-256 of each run's `model.dc4j`: a run of the same cell with the same dcec4j version gives the same file, bit for bit, "
                + "on any machine, with any kernels and thread count (see [verifying a run](#verifying-a-run)).\n\n");
        s.append("\"start ACC\" is where the clustering phase started: the k-means initialisation on the pretrained embedding, "
                + "iteration 0 of the cell's `dcec_log.csv` (a method without a clustering phase has none).\n\n");
        s.append("| data set | method | seed | start ACC % | ACC % | NMI % | NMI geo. % | ARI % | iterations | converged | wall | model.dc4j SHA-256 |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String d : datasets) {
            for (Method m : Plan.RUN_ORDER_TABLE) {
                for (Cell c : cellsOf(all, d, m)) {
                    CellResult r = byCell.get(c);
                    s.append("| ").append(d).append(" | ").append(m.cliName).append(" | ").append(c.seed()).append(" | ");
                    if (r == null) {
                        s.append("not run yet | | | | | | | | |\n");
                        continue;
                    }
                    s.append(startAcc(ctx.results(), c)).append(" | ");
                    s.append("[").append(pct(r.acc())).append("](").append(resultsTarget).append(target(c.folder())).append("/").append(CellResult.FILE)
                            .append(") | ").append(pct(r.nmi())).append(" | ").append(pct(r.nmiGeometric())).append(" | ").append(pct(r.ari()))
                            .append(" | ").append(m.clusters ? Integer.toString(r.iterations()) : "—").append(" | ")
                            .append(r.converged() == null ? "—" : r.converged() ? "yes" : "no (cap)").append(" | ")
                            .append(duration(r.totalWallSeconds())).append(r.resumed() ? " (resumed)" : "").append(" | `")
                            .append(r.modelSha256()).append("` |\n");
                }
            }
        }
        s.append('\n');

        s.append("<a id=\"hosts\"></a>\n## Hosts, JDKs and kernels\n\n");
        if (results.isEmpty()) {
            s.append("No cell has run yet.\n\n");
        } else {
            Map<String, Integer> hosts = new LinkedHashMap<>();
            for (CellResult r : results.stream().sorted(Comparator.comparing(CellResult::dataset)).toList()) {
                Host h = r.host();
                String row = "| " + cell(h.cpu()) + " | " + (h.processors() == null ? "unknown" : h.processors()) + " | " + cell(h.javaVersion() + " (" + h.javaVendor() + ")") + " | "
                        + cell(r.kernels()) + " | " + r.threads() + " | " + cell(code(h.gitCommit()))
                        + (h.gitDirty() == null ? "" : h.gitDirty() ? " (modified)" : "") + " | " + (r.jvmOptions().isEmpty() ? "—" : cell(code(r.jvmOptions()))) + " | ";
                hosts.merge(row, 1, Integer::sum);
            }
            s.append("| CPU | processors | JDK | kernels | threads | commit | JVM options | cells |\n|---|---|---|---|---|---|---|---|\n");
            hosts.forEach((row, n) -> s.append(row).append(n).append(" |\n"));
            s.append("\nTimes are wall-clock seconds of the cell's JVMs on these hosts (shared machines run slower; the results do not change). "
                    + "Result files now take CPU, JDK and JVM options from the JVM that ran the cell's last attempt (its `jvm.json`), or say "
                    + "\"unknown\"; older ones recorded those of the reproduction that collected the cell, the same JVM unless a later "
                    + "reproduction collected it.\n\n");
        }

        s.append("## How to rerun\n\n");
        s.append("From the repository root, after `mvn -B package -DskipTests` (`dcec` below stands for "
                + "`java --add-modules jdk.incubator.vector -jar cli/target/dcec.jar`):\n\n```\n");
        s.append("nice -n 10 dcec reproduce              # every planned cell; rerun it after a kill: finished cells are skipped, killed ones resumed\n");
        s.append("dcec reproduce --dry-run               # print what would run, and the exact commands\n");
        Cell example = exampleCell(all);
        s.append("dcec reproduce --plan ").append(example.dataset()).append(':').append(example.seed()).append(" --methods ")
                .append(example.method().cliName).append("   # one cell (and the pretraining it needs)\n");
        s.append("dcec reproduce table                   # only this page, from the result files\n```\n\n");
        s.append("The commands that `reproduce` runs for that cell with the default options (each cell's `result.json` lists the commands it "
                + "really ran, with their `--threads`, `--data-dir` and checkpoint intervals, under `commands`):\n\n```\n");
        Commands cmd = ctx.commands();
        if (example.pretraining() != null) s.append(Commands.line(cmd.recorded(cmd.pretrain(example.pretraining())))).append('\n');
        s.append(Commands.line(cmd.recorded(cmd.cell(example)))).append("\n```\n\n");
        s.append("Run folders with weights, checkpoints and predictions stay in the work folder (`--work`, default `repro-work/`); "
                + "only small files reach ").append(code(resultsLink)).append(": per cell `result.json`, `config.json`, `dcec_log.csv` and `console.txt` (its standard output), "
                + "per shared pretraining `pretraining.json`, `pretrain_log.csv`, and one `report.html` per data set (the DCEC cell of the lowest seed). "
                + "Options and file formats: [usage.md](usage.md#reproducing-the-papers-table). One reproduction at a time holds the work "
                + "folder, the results folder and this page's folder (`reproduce table` the last two); a second one is refused, naming the holder ([usage.md](usage.md#one-reproduction-per-folder)). "
                + "A shared pretraining whose `pretraining.json` is in the results but whose weights are neither in the work folder nor "
                + "published runs again, and says so: the cells start from the weights, which the record only describes.\n\n");
        if (!published.isEmpty()) {
            s.append("Published pretrained weights (written with `--publish-weights`; a reproduction whose work folder holds no finished run "
                    + "or checkpoint of that pretraining starts the cells from them after checking them against `pretraining.json`, instead of "
                    + "pretraining again: [usage.md](usage.md#published-weights)):");
            for (String f : published) s.append(" [").append(f).append("](").append(resultsTarget).append(target(f)).append(')');
            s.append(".\n\n");
        }

        s.append("## Verifying a run\n\n");
        s.append("Every random choice derives from the seed and every reduction runs in one fixed order, whatever the kernels (scalar or "
                + "vector of any width) and thread count ([kernels.md](kernels.md#reduction-order)), so a cell run with the same seed, the same "
                + "settings and the same [arithmetic version](kernels.md#arithmetic-version) writes the same `model.dc4j` on every machine, "
                + "whatever its thread count or checkpoint interval, from any commit of that version. Each `result.json` records the arithmetic "
                + "version that computed it under `arithmetic` (null in results written before the field), and a reproduction refuses a result "
                + "of another version rather than average it with its own. Run one cell and compare:\n\n```\n");
        s.append("sha256sum ").append(cmd.runDir(example)).append("/model.dc4j\n```\n\n");
        s.append("with the checksum in [every cell](#cells) (and the `model_sha256` of its `result.json`).\n\n");

        s.append("## Notes\n\n");
        if (notes == null) s.append("No notes yet: write them in ").append(code(resultsLink + NOTES)).append(" and regenerate this page.\n");
        else s.append(rebaseLinks(notes, ctx.results(), ctx.table().toAbsolutePath().getParent())).append(notes.endsWith("\n") ? "" : "\n");
        return s.toString();
    }

    /**
     * Whether the paper's figure lies within our min–max, compared as the table prints them, in hundredths of a point: a
     * figure equal to a printed end is within (100 × 0.849 is 84.89999999999999 in doubles, below the paper's 84.90).
     */
    private static String within(Stats s, double paperPercent) {
        if (s.n < 2) return "— (one seed)";
        long min = Math.round(10000 * s.min), max = Math.round(10000 * s.max), paper = Math.round(100 * paperPercent);
        return min <= paper && paper <= max ? "yes" : "no";
    }

    private static List<Cell> cellsOf(Set<Cell> all, String dataset, Method m) {
        return all.stream().filter(c -> c.dataset().equals(dataset) && c.method() == m).sorted(Comparator.comparingLong(Cell::seed)).toList();
    }

    private static List<CellResult> finished(List<Cell> cells, Map<Cell, CellResult> byCell) {
        List<CellResult> out = new ArrayList<>();
        for (Cell c : cells) if (byCell.containsKey(c)) out.add(byCell.get(c));
        return out;
    }

    /** "3 of 3", or "1 of 3 (not run yet: 1, 2)". */
    private static String seedsCell(List<Cell> cells, Map<Cell, CellResult> byCell) {
        List<String> missing = new ArrayList<>();
        for (Cell c : cells) if (!byCell.containsKey(c)) missing.add(Long.toString(c.seed()));
        String s = (cells.size() - missing.size()) + " of " + cells.size();
        return missing.isEmpty() ? s : s + " (not run yet: " + String.join(", ", missing) + ")";
    }

    private static Cell exampleCell(Set<Cell> all) {
        return all.stream().filter(c -> c.method() == Method.DCEC).findFirst().orElse(all.iterator().next());
    }

    /** The results folder as written in the page: relative to the page's folder, ending in '/'. */
    private static String link(Context ctx) {
        Path from = ctx.table().toAbsolutePath().normalize().getParent();
        String rel = from.relativize(ctx.results().toAbsolutePath().normalize()).toString().replace('\\', '/');
        return rel.isEmpty() ? "" : rel + "/";
    }

    /**
     * A path as a Markdown link target: the characters that end or break one (a space, brackets, angle brackets, a
     * backtick, a quote, control characters) percent-encoded; '%' itself is left alone, so a target already encoded
     * stays as it is.
     */
    static String target(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= ' ' || "()<>`\"[]\\".indexOf(c) >= 0 || c == 0x7f) b.append(String.format(java.util.Locale.ROOT, "%%%02X", (int) c));
            else b.append(c);
        }
        return b.toString();
    }

    /** Text as a Markdown code span: a fence of more backticks than the text's longest run, line breaks as spaces. */
    static String code(String text) {
        String t = text.replace('\r', ' ').replace('\n', ' ');
        int longest = 0;
        for (int i = 0, run = 0; i < t.length(); i++) {
            run = t.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        String pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
        return fence + pad + t + pad + fence;
    }

    /** Text in a table cell: '|' escaped (also inside a code span, as GFM tables require), line breaks as spaces. */
    static String cell(String text) {
        return text.replace('\r', ' ').replace('\n', ' ').replace("|", "\\|");
    }

    /** An HTML comment that its text cannot end early: "-->" and "--!>" in it are split, line breaks made spaces. */
    static String comment(String text) {
        String t = text.replace('\r', ' ').replace('\n', ' ');
        while (t.contains("-->") || t.contains("--!>")) t = t.replace("--!>", "--! >").replace("-->", "-- >");
        return "<!-- " + t + " -->";
    }

    private static final Pattern MD_LINK = Pattern.compile("(\\[[^\\]]*\\]\\()([^)\\s]+)(\\))");

    /**
     * The notes file's relative Markdown links rewritten for the page's folder, so they resolve from both files;
     * absolute URLs and in-page anchors are left alone. Everything else is copied verbatim.
     */
    static String rebaseLinks(String markdown, Path notesFolder, Path pageFolder) {
        Path from = notesFolder.toAbsolutePath().normalize(), to = pageFolder.toAbsolutePath().normalize();
        Matcher m = MD_LINK.matcher(markdown);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String target = m.group(2);
            String rewritten = target;
            if (!target.startsWith("#") && !target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash), anchor = hash < 0 ? "" : target.substring(hash);
                rewritten = target(to.relativize(from.resolve(path).normalize()).toString().replace('\\', '/')) + anchor;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + rewritten + m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The weights files published in the results folder ({@code <data set>/seed-<s>/<kind>-pretraining/*_weights.dc4j}), relative, sorted. */
    static List<String> publishedWeights(Path results) throws IOException {
        if (!Files.isDirectory(results)) return List.of();
        try (java.util.stream.Stream<Path> files = Files.walk(results, 4)) {
            return files.filter(f -> f.getFileName().toString().endsWith("_weights.dc4j") && f.getParent() != null
                            && f.getParent().getFileName().toString().endsWith("-pretraining"))
                    .map(f -> results.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }
}
