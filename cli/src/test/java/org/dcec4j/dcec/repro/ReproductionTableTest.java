package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.dcec4j.dcec.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table generator on hand-written result files, against hand-computed statistics. */
class ReproductionTableTest {

    /** A result file as the reproduction writes it (the literal format, not built with CellResult). */
    static String result(String dataset, String method, long seed, double acc, double nmi, double geo, double ari,
                         int iterations, String converged, double pretrain, String kmeans, String cluster, double wall) {
        boolean pre = !method.equals("kmeans");
        return "{\n"
                + "  \"format\": \"dcec4j-reproduce-cell 1\",\n"
                + "  \"dataset\": \"" + dataset + "\",\n  \"method\": \"" + method + "\",\n  \"seed\": " + seed + ",\n"
                + "  \"settings\": \"reference\",\n  \"images\": 9298,\n"
                + "  \"acc\": " + acc + ",\n  \"nmi\": " + nmi + ",\n  \"nmi_geometric\": " + geo + ",\n  \"ari\": " + ari + ",\n"
                + "  \"clustering_iterations\": " + iterations + ",\n  \"converged\": " + converged + ",\n"
                + "  \"pretrain_seconds\": " + (pre ? pretrain : "null") + ",\n  \"kmeans_seconds\": " + kmeans + ",\n  \"cluster_seconds\": " + cluster + ",\n"
                + "  \"pretraining\": " + (pre ? "\"" + dataset + "/seed-" + seed + "/cae-pretraining\"" : "null") + ",\n"
                + "  \"resumed\": false,\n"
                + "  \"cell_wall_seconds\": " + wall + ",\n  \"cell_cpu_seconds\": " + (2 * wall) + ",\n"
                + "  \"pretraining_wall_seconds\": " + (pre ? pretrain + 2 : "null") + ",\n  \"pretraining_cpu_seconds\": " + (pre ? 2 * pretrain : "null") + ",\n"
                + "  \"total_wall_seconds\": 0,\n  \"total_cpu_seconds\": 0,\n"
                + "  \"cpu\": \"Test CPU 9000\",\n  \"processors\": 2,\n  \"java_version\": \"17.0.9\",\n  \"java_vendor\": \"Vendor\",\n"
                + "  \"git_commit\": \"0123456789abcdef0123456789abcdef01234567\",\n  \"git_dirty\": false,\n"
                + "  \"kernels\": \"vector(256-bit, 2 threads)\",\n  \"threads\": 2,\n  \"jvm_options\": \"--add-modules jdk.incubator.vector\",\n"
                + "  \"commands\": [\"dcec cluster --dataset " + dataset + "\"],\n"
                + "  \"model_sha256\": \"" + String.format("%064x", seed + 17 * method.length()) + "\"\n}\n";
    }

    static void put(Path results, String dataset, String method, long seed, String json) throws IOException {
        Path dir = results.resolve(dataset + "/seed-" + seed + "/" + method);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("result.json"), json, StandardCharsets.UTF_8);
    }

    @Test void meansSpreadsGapsAndNotRunRows(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("docs/results"), table = dir.resolve("docs/reproduction.md");
        // DCEC on USPS, three seeds: ACC 0.80, 0.82, 0.84 -> 82.00 ± 2.00; NMI 0.70, 0.75, 0.77 -> mean 74.00,
        // deviations -4, 1, 3 points -> sample variance (16 + 1 + 9)/2 = 13 -> std 3.61; pretraining 100, 110, 120 s -> 1 min 50 s
        put(results, "usps", "dcec", 0, result("usps", "dcec", 0, 0.80, 0.70, 0.71, 0.60, 1400, "true", 100, "2.0", "300.0", 400));
        put(results, "usps", "dcec", 1, result("usps", "dcec", 1, 0.82, 0.75, 0.76, 0.62, 2800, "true", 110, "4.0", "600.0", 800));
        put(results, "usps", "dcec", 2, result("usps", "dcec", 2, 0.84, 0.77, 0.78, 0.64, 20000, "false", 120, "null", "900.0", 1200));
        // DEC-conv on USPS: one of three planned seeds
        put(results, "usps", "dec-conv", 0, result("usps", "dec-conv", 0, 0.779, 0.8108, 0.82, 0.7, 140, "true", 100, "2.0", "60.0", 70));
        // k-means on pixels, MNIST-test: two seeds, ACC 54.50 (54.00-55.00) against the paper's 54.63
        put(results, "mnist-test", "kmeans", 0, result("mnist-test", "kmeans", 0, 0.54, 0.50, 0.51, 0.40, 0, "null", 0, "30.0", "null", 31));
        put(results, "mnist-test", "kmeans", 1, result("mnist-test", "kmeans", 1, 0.55, 0.49, 0.50, 0.41, 0, "null", 0, "30.0", "null", 33));
        // DCEC seed 0 started from k-means at ACC 0.703125 (iteration 0 of its log); seed 2 has no log
        Files.writeString(results.resolve("usps/seed-0/dcec/dcec_log.csv"), "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n"
                + "0,0.703125,0.6,0.5,,,,0.00000\n140,0.75,0.65,0.55,0.1,0.2,0.05,0.01\n", StandardCharsets.UTF_8);
        Files.writeString(results.resolve("NOTES.md"), "Hand-written: see [the spec](../spec.md#results) and [a cell](usps/seed-0/dcec/result.json).\n");

        List<Cell> planned = Plan.parse("usps:0,1,2;mnist-test:0,1;shapes:0", Plan.ALL_METHODS).cells();
        String md = written(results, table, planned);

        assertTrue(md.startsWith("<!-- GENERATED by `dcec reproduce table`"), md.substring(0, 80));
        assertTrue(md.contains("**6 of 36 planned cells of the paper's methods finished.**"), md);
        // the USPS results table: DCEC with hand-computed mean ± std (min–max); NMI geo. 71, 76, 78 -> 75.00 ± 3.61
        assertTrue(md.contains("| DCEC | 3 of 3 | 82.00 ± 2.00 (80.00–84.00) | 74.00 ± 3.61 (70.00–77.00) | 75.00 ± 3.61 (71.00–78.00) "
                + "| 62.00 ± 2.00 (60.00–64.00) | 79.00 / 82.57 |"), md);
        assertTrue(md.contains("| DEC-conv | 1 of 3 (not run yet: 1, 2) | 77.90 | 81.08 | 82.00 | 70.00 | 77.90 / 81.08 |"), md);
        assertTrue(md.contains("| CAE + k-means | 0 of 3 (not run yet: 0, 1, 2) | not run yet | not run yet | not run yet | not run yet | 74.15 / 73.30 |"), md);
        // times: pretraining mean 110 s, k-means known for 2 of 3 (mean 3 s), clustering mean 600 s,
        // cell with pretraining (400 + 102, 800 + 112, 1200 + 122) -> 912 s, CPU (800 + 200, 1600 + 220, 2400 + 240) -> 1820 s
        assertTrue(md.contains("| DCEC | 3 of 3 | 1 min 50 s | 3.0 s (2 of 3) | 10 min 00 s | 15 min 12 s | 30 min 20 s | 8067 (1400–20000) | 2 of 3 |"), md);
        // gaps in points: ACC 82.00 - 79.00, NMI geo. 75.00 - 82.57, NMI 74.00 - 82.57
        assertTrue(md.contains("| USPS | DCEC | 3 | +3.00 | no | -7.57 | -8.57 | no |"), md);
        assertTrue(md.contains("| USPS | DEC-conv | 1 | +0.00 | — (one seed) | +0.92 | +0.00 | — (one seed) |"), md);
        assertTrue(md.contains("| MNIST-test | k-means on pixels | 2 | -0.13 | yes | +0.32 | -0.68 | yes |"), md);
        // every planned cell has a row; unfinished ones say so
        assertTrue(md.contains("| usps | idec | 2 | not run yet |"), md);
        assertTrue(md.contains("| mnist-test | dcec | 1 | not run yet |"), md);
        assertTrue(md.contains("| usps | dcec | 0 | 70.31 | [80.00](results/usps/seed-0/dcec/result.json) | 70.00 |"), md);
        assertTrue(md.contains("| mnist-test | kmeans | 0 | — | [54.00](results/mnist-test/seed-0/kmeans/result.json) |"), md);
        assertTrue(md.contains("| usps | dcec | 2 | — | [84.00](results/usps/seed-2/dcec/result.json) | 77.00 | 78.00 | 64.00 | 20000 | no (cap) | 22 min 02 s | `"), md);
        // no paper figure for a set outside the paper
        assertTrue(md.contains("### Shapes (`shapes`)\n\nNo figure of the DCEC paper: it does not use this data set."), md);
        // hosts, rerun commands, notes with links rebased from docs/results to docs
        assertTrue(md.contains("| Test CPU 9000 | 2 | 17.0.9 (Vendor) | vector(256-bit, 2 threads) | 2 | `0123456789abcdef0123456789abcdef01234567` | "
                + "`--add-modules jdk.incubator.vector` | 6 |"), md);
        assertTrue(md.contains("dcec cluster --dataset usps --method dcec --seed 0 --checkpoint-every 1000 --weights "
                + "repro-work/usps/seed-0/cae-pretraining/cae_weights.dc4j --out repro-work/usps/seed-0/dcec"), md);
        assertTrue(md.contains("Hand-written: see [the spec](spec.md#results) and [a cell](results/usps/seed-0/dcec/result.json).\n"), md);
        // regenerating from the same files gives the same bytes
        assertEquals(md, written(results, table, planned));
    }

    /**
     * A results folder and a command with the characters Markdown and HTML give meaning to stay text: the comment is
     * not ended early, the link targets are encoded, the code spans hold their backticks, a pipe stays in its cell.
     * (A --results named "r`es) --><script>…" closed the comment and put the script into the page; a space broke every
     * cell link.)
     */
    @Test void pathsAndCommandsWithMarkupStayText(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("docs/r`es) --><script>x"), table = dir.resolve("docs/reproduction.md");
        String json = result("usps", "dcec", 0, 0.80, 0.70, 0.71, 0.60, 1400, "true", 100, "2.0", "300.0", 400)
                .replace("Test CPU 9000", "CPU | with a pipe");
        put(results, "usps", "dcec", 0, json);
        Set<Cell> planned = new LinkedHashSet<>(Plan.parse("usps:0", Plan.ALL_METHODS).cells());
        Commands commands = new Commands(Path.of("repro-work"), null, null, false, 10, 1000);
        String command = "dcec reproduce table --results 'r`es) --><script>x'";
        ReproductionTable.write(new ReproductionTable.Context(results, table, planned, command, commands));
        String md = Files.readString(table, StandardCharsets.UTF_8);
        String first = md.substring(0, md.indexOf('\n'));
        assertTrue(first.startsWith("<!-- ") && first.endsWith(" -->") && first.indexOf("-->") == first.length() - 3, first);
        assertTrue(md.contains("[80.00](r%60es%29%20--%3E%3Cscript%3Ex/usps/seed-0/dcec/result.json)"), md);
        assertTrue(md.contains("This page is generated by ``dcec reproduce table --results 'r`es) --><script>x'`` from the result files under "
                + "``r`es) --><script>x/``"), md);
        assertTrue(md.contains("| CPU \\| with a pipe | 2 |"), md);
        // outside comments and code spans no "<script>" is left
        String outside = md.substring(first.length()).replaceAll("(`+)[^`].*?\\1", "");
        assertFalse(outside.contains("<script>"), outside);
    }

    /**
     * A paper figure equal to our min or max, as the table prints them, lies within our range: USPS k-means ACC 66.82 is
     * the min of 66.82–70.00 and MNIST-full CAE + k-means ACC 84.90 the max of 80.90–84.90 (100 × 0.849 is
     * 84.89999999999999 in doubles and 100 × 0.6682 is 66.82000000000001, so both read "no").
     */
    @Test void aPaperFigureAtTheEndOfOurRangeIsWithinIt(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("docs/results"), table = dir.resolve("docs/reproduction.md");
        // USPS k-means: ACC 0.6682, 0.70 -> mean 68.41, +1.59 from 66.82; NMI 0.60, 0.64 -> 62.00, -0.66 from 62.66; NMI geo. 0.61, 0.65 -> 63.00, +0.34
        put(results, "usps", "kmeans", 0, result("usps", "kmeans", 0, 0.6682, 0.60, 0.61, 0.5, 0, "null", 0, "1.0", "null", 1));
        put(results, "usps", "kmeans", 1, result("usps", "kmeans", 1, 0.70, 0.64, 0.65, 0.5, 0, "null", 0, "1.0", "null", 1));
        // MNIST-full CAE + k-means: ACC 0.849, 0.809 -> mean 82.90, -2.00 from 84.90; NMI 0.70, 0.74 -> 72.00, -7.27 from 79.27; geo. 0.71, 0.75 -> 73.00, -6.27
        put(results, "mnist", "cae-kmeans", 0, result("mnist", "cae-kmeans", 0, 0.849, 0.70, 0.71, 0.5, 0, "null", 1, "1.0", "null", 1));
        put(results, "mnist", "cae-kmeans", 1, result("mnist", "cae-kmeans", 1, 0.809, 0.74, 0.75, 0.5, 0, "null", 1, "1.0", "null", 1));
        String md = written(results, table, Plan.parse("usps:0,1;mnist:0,1", List.of(Method.KMEANS, Method.CAE_KMEANS)).cells());
        assertTrue(md.contains("| k-means on pixels | 2 of 2 | 68.41 ± 2.25 (66.82–70.00) |"), md);
        assertTrue(md.contains("| CAE + k-means | 2 of 2 | 82.90 ± 2.83 (80.90–84.90) |"), md);
        assertTrue(md.contains("| USPS | k-means on pixels | 2 | +1.59 | yes | +0.34 | -0.66 | yes |"), md);
        assertTrue(md.contains("| MNIST-full | CAE + k-means | 2 | -2.00 | yes | -6.27 | -7.27 | no |"), md);
    }

    /**
     * The headline counts the paper's methods and the data-augmented ones apart, each "finished of planned": two planned
     * DCEC cells with one result, two planned DCEC-DA (ConvIDEC-DA) cells with two; the -DA rows carry DEC-DA's figure and †.
     */
    @Test void theHeadlineCountsTheDataAugmentedCellsApart(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("docs/results"), table = dir.resolve("docs/reproduction.md");
        put(results, "usps", "dcec", 0, result("usps", "dcec", 0, 0.80, 0.70, 0.71, 0.60, 140, "true", 100, "2.0", "300.0", 400));
        put(results, "usps", "dcec-da", 0, result("usps", "dcec-da", 0, 0.90, 0.80, 0.81, 0.70, 140, "true", 100, "2.0", "300.0", 400));
        put(results, "usps", "dcec-da", 1, result("usps", "dcec-da", 1, 0.94, 0.84, 0.85, 0.74, 140, "true", 100, "2.0", "300.0", 400));
        String md = written(results, table, Plan.parse("usps:0,1", List.of(Method.DCEC, Method.DCEC_DA)).cells());
        assertTrue(md.contains("**1 of 2 planned cells of the paper's methods finished; 2 of 2 of the data-augmented ones.**"), md);
        assertTrue(md.contains("| DCEC | 1 of 2 (not run yet: 1) | 80.00 | 70.00 | 71.00 | 60.00 | 79.00 / 82.57 |"), md);
        assertTrue(md.contains("| ConvIDEC-DA | 2 of 2 | 92.00 ± 2.83 (90.00–94.00) | 82.00 ± 2.83 (80.00–84.00) | 83.00 ± 2.83 (81.00–85.00) "
                + "| 72.00 ± 2.83 (70.00–74.00) | 98.70 / 96.20 † |"), md);
    }

    /**
     * A gap is rounded to hundredths of a point before its sign is written: one that rounds to zero is "+0.00", never
     * "-0.00" (a mean 0.004 points below the paper's figure); others keep their sign.
     */
    @Test void aGapThatRoundsToZeroIsPlusZero() {
        assertEquals("+0.00", ReproductionTable.signed(-0.004));
        assertEquals("+0.00", ReproductionTable.signed(-1e-12));
        assertEquals("+0.00", ReproductionTable.signed(0.0));
        assertEquals("-0.46", ReproductionTable.signed(-0.456));
        assertEquals("+1.23", ReproductionTable.signed(1.234));
        assertEquals("-7.57", ReproductionTable.signed(75.0 - 82.57));
    }

    /**
     * A cell's CPU time with its pretraining is unknown when the pretraining's is (it is not the cell's alone): the CPU
     * column averages the cells that know it and says "(1 of 2)", while the wall column counts both. Seed 0: CPU 800 +
     * 200 = 1000 s; seed 1: pretraining CPU null; wall (400 + 102 + 800 + 112) / 2 = 707 s.
     */
    @Test void anUnknownPretrainingCpuTimeLeavesTheCellsTotalUnknown(@TempDir Path dir) throws IOException {
        Path results = dir.resolve("docs/results"), table = dir.resolve("docs/reproduction.md");
        put(results, "usps", "dcec", 0, result("usps", "dcec", 0, 0.80, 0.70, 0.71, 0.60, 140, "true", 100, "2.0", "300.0", 400));
        String unknown = result("usps", "dcec", 1, 0.82, 0.72, 0.73, 0.62, 140, "true", 110, "2.0", "600.0", 800);
        assertTrue(unknown.contains("\"pretraining_cpu_seconds\": 220.0,"), unknown);
        put(results, "usps", "dcec", 1, unknown.replace("\"pretraining_cpu_seconds\": 220.0,", "\"pretraining_cpu_seconds\": null,"));
        CellResult r = CellResult.read(results.resolve("usps/seed-1/dcec/result.json"));
        assertEquals(null, r.totalCpuSeconds());
        assertEquals(912.0, r.totalWallSeconds());
        String md = written(results, table, Plan.parse("usps:0,1", List.of(Method.DCEC)).cells());
        assertTrue(md.contains("| DCEC | 2 of 2 | 1 min 45 s | 2.0 s | 7 min 30 s | 11 min 47 s | 16 min 40 s (1 of 2) | 140 (140–140) | 2 of 2 |"), md);
    }

    @Test void sampleStandardDeviation() {
        ReproductionTable.Stats s = ReproductionTable.Stats.of(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0));
        assertEquals(5.0, s.mean(), 1e-15);
        assertEquals(Math.sqrt(32.0 / 7), s.std(), 1e-15);
        assertEquals(2.0, s.min());
        assertEquals(9.0, s.max());
        assertTrue(Double.isNaN(ReproductionTable.Stats.of(List.of(3.0)).std()));
        assertEquals("—", ReproductionTable.percent(ReproductionTable.Stats.of(List.of())));
        assertEquals("30.00", ReproductionTable.percent(ReproductionTable.Stats.of(List.of(0.3))));
    }

    @Test void aClusteringLogThatDoesNotStartAtIterationZeroIsAnError(@TempDir Path dir) throws IOException {
        put(dir, "usps", "dcec", 0, result("usps", "dcec", 0, 0.8, 0.7, 0.7, 0.6, 140, "true", 1, "1.0", "1.0", 1));
        Path log = dir.resolve("usps/seed-0/dcec/dcec_log.csv");
        Files.writeString(log, "iter,acc,nmi,ari,L,Lc,Lr,delta_label\n140,0.75,0.65,0.55,0.1,0.2,0.05,0.01\n", StandardCharsets.UTF_8);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> ReproductionTable.startAcc(dir, new Cell("usps", Method.DCEC, 0)));
        assertTrue(e.getMessage().contains(log + ": expected a first row for iteration 0, got iteration 140"), e.getMessage());
    }

    @Test void aResultInTheWrongFolderIsAnError(@TempDir Path dir) throws IOException {
        put(dir, "usps", "dcec", 1, result("usps", "dcec", 0, 0.8, 0.7, 0.7, 0.6, 140, "true", 1, "1.0", "1.0", 1));
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> CellResult.readAll(dir));
        assertTrue(e.getMessage().contains("holds the result of dcec on usps, seed 0"), e.getMessage());
        // what the command line prints is the cause's message: it used to be the path alone
        assertTrue(org.dcec4j.datasets.IoErrors.describe(e).contains("holds the result of dcec on usps, seed 0"),
                org.dcec4j.datasets.IoErrors.describe(e));
    }

    /**
     * A results folder holding --quick and reference results: refused, naming a file of each (the table used to
     * average a quick seed with a reference one, under a banner saying all were quick).
     */
    @Test void resultsOfTwoKindsOfSettingsAreRefused(@TempDir Path dir) throws IOException {
        put(dir, "usps", "kmeans", 0, result("usps", "kmeans", 0, 0.4, 0.3, 0.3, 0.2, 0, "null", 0, "1.0", "null", 1)
                .replace("\"settings\": \"reference\"", "\"settings\": \"quick\""));
        put(dir, "usps", "kmeans", 1, result("usps", "kmeans", 1, 0.4, 0.3, 0.3, 0.2, 0, "null", 0, "1.0", "null", 1));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CellResult.readAll(dir));
        assertTrue(e.getMessage().contains("mixes results of the quick settings") && e.getMessage().contains("seed-1"), e.getMessage());
    }

    /** Values no reproduction writes are refused naming the file and key (they showed as NaN, 750 % or a new section). */
    @Test void resultValuesNoRunWritesAreRefused(@TempDir Path dir) throws IOException {
        String good = result("usps", "dcec", 0, 0.8, 0.7, 0.7, 0.6, 140, "true", 1, "1.0", "1.0", 1);
        String[][] cases = {
                {"\"acc\": 0.8,", "\"acc\": null,", "key \"acc\": expected a number from 0 to 1, got NaN"},
                {"\"acc\": 0.8,", "\"acc\": 7.5,", "key \"acc\": expected a number from 0 to 1, got 7.5"},
                {"\"ari\": 0.6,", "\"ari\": -1.5,", "key \"ari\": expected a number from -1 to 1"},
                {"\"settings\": \"reference\"", "\"settings\": \"fast\"", "key \"settings\": expected \"reference\" or \"quick\""},
                {"\"commands\": [\"dcec cluster --dataset usps\"]", "\"commands\": []", "key \"commands\": expected the cell's commands"},
        };
        for (String[] c : cases) {
            assertTrue(good.contains(c[0]), c[0]);
            put(dir, "usps", "dcec", 0, good.replace(c[0], c[1]));
            var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> CellResult.readAll(dir));
            assertTrue(e.getMessage().contains("result.json: " + c[2]), e.getMessage());
        }
        Path foo = dir.resolve("foo/seed-0/dcec");
        Files.createDirectories(foo);
        Files.writeString(foo.resolve("result.json"), good.replace("\"dataset\": \"usps\"", "\"dataset\": \"foo\""));
        put(dir, "usps", "dcec", 0, good);
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> CellResult.readAll(dir));
        assertTrue(e.getMessage().contains("key \"dataset\": expected a built-in data set"), e.getMessage());
    }

    /**
     * A result file or attempts.tsv with a byte that is not UTF-8: refused naming the file, the offset and the byte (the
     * command line printed only "dcec: Input length = 1").
     */
    @Test void aByteThatIsNotUtf8IsNamed(@TempDir Path dir) throws IOException {
        String good = result("usps", "dcec", 0, 0.8, 0.7, 0.7, 0.6, 140, "true", 1, "1.0", "1.0", 1);
        put(dir, "usps", "dcec", 0, good);
        Path file = dir.resolve("usps/seed-0/dcec/result.json");
        byte[] bytes = Files.readAllBytes(file);
        bytes[5] = (byte) 0xFF;
        Files.write(file, bytes);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> CellResult.readAll(dir));
        assertTrue(org.dcec4j.datasets.IoErrors.describe(e).contains(file + ": byte 5 (0xff) is not UTF-8"),
                org.dcec4j.datasets.IoErrors.describe(e));
        Files.write(dir.resolve(Attempt.FILE), (Attempt.HEADER + "\n0\t1.5\t3.0\tcluster\t--seed\t\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));
        java.nio.file.FileSystemException f = org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileSystemException.class,
                () -> Attempt.read(dir));
        assertTrue(org.dcec4j.datasets.IoErrors.describe(f).matches(".*" + Attempt.FILE + ": byte [0-9]+ \\(0xe9\\) is not UTF-8"),
                org.dcec4j.datasets.IoErrors.describe(f));
    }

    /** attempts.tsv without its header: refused naming the file (its first attempt was skipped as if it were the header). */
    @Test void attemptsWithoutTheirHeaderAreRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(Attempt.FILE), "0\t1.5\t3.0\tcluster\t--seed\t0\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class, () -> Attempt.read(dir));
        assertTrue(e.getMessage().contains(Attempt.FILE + ":1: expected the header"), e.getMessage());
        Files.writeString(dir.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.5\t3.0\tcluster\t--seed\t0\n");
        assertEquals(List.of("cluster", "--seed", "0"), Attempt.read(dir).get(0).args());
    }

    @Test void methodNamesFollowThePaper() {
        assertEquals("CAE + k-means", PaperResults.name(Method.CAE_KMEANS));
        assertEquals(null, PaperResults.of("fashion-mnist", Method.DCEC));
    }

    /** The page {@code dcec reproduce table} writes at {@code table} from the results under {@code results} for the planned cells. */
    private static String written(Path results, Path table, List<Cell> planned) throws IOException {
        Commands commands = new Commands(Path.of("repro-work"), null, null, false, 10, 1000);
        ReproductionTable.write(new ReproductionTable.Context(results, table, new LinkedHashSet<>(planned), "dcec reproduce table", commands));
        return Files.readString(table, StandardCharsets.UTF_8);
    }
}
