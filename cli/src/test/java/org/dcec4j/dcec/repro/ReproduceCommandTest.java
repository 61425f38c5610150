package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dcec4j.dcec.cli.DcecCommand;
import org.dcec4j.dcec.metrics.Metrics;
import org.dcec4j.dcec.metrics.NmiAverage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * `dcec reproduce --quick` on the built-in shapes set, two methods sharing one CAE pretraining, with the cells in
 * forked JVMs: run once, run again (nothing runs), then a killed cell (result and model deleted, checkpoint kept)
 * is continued with --resume. One run is shared by all assertions (forked JVMs are slow). The forked JVMs choose
 * their kernels from this JVM's modules; the run without the Vector API module would only repeat this slowly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReproduceCommandTest {
    @TempDir static Path dir;
    Path work, results, table;
    String firstOutput, secondOutput;
    Map<Path, FileTime> pretrainingTimes = new LinkedHashMap<>();
    Map<Path, FileTime> secondTimes = new LinkedHashMap<>();
    long attemptsBefore, attemptsAfter;

    static final String CAE = "shapes/seed-0/cae-pretraining", KM = "shapes/seed-0/cae-kmeans", DCEC = "shapes/seed-0/dcec";

    String[] args() {
        return new String[] {"reproduce", "--quick", "--plan", "shapes:0", "--methods", "dcec,cae-kmeans", "--threads", "2",
                "--work", work.toString(), "--results", results.toString(), "--table", table.toString()};
    }

    static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, "dcec " + String.join(" ", args) + " failed:\n" + o + err.toString(StandardCharsets.UTF_8));
        return o;
    }

    @BeforeAll void runTwice() throws Exception {
        assumeFalse(Boolean.getBoolean("dcec4j.test.expectNoVectorModule"), "covered by the run with the module");
        work = dir.resolve("work");
        results = dir.resolve("results");
        table = dir.resolve("reproduction.md");
        firstOutput = run(args());
        for (String f : List.of("cae_weights.dc4j", "pretrain_log.csv", "checkpoint.dc4j", "attempts.tsv", "stdout.log"))
            pretrainingTimes.put(work.resolve(CAE).resolve(f), Files.getLastModifiedTime(work.resolve(CAE).resolve(f)));
        for (Path p : List.of(results.resolve(DCEC).resolve("result.json"), results.resolve(KM).resolve("result.json"),
                work.resolve(DCEC).resolve("model.dc4j"), work.resolve(KM).resolve("model.dc4j")))
            secondTimes.put(p, Files.getLastModifiedTime(p));
        attemptsBefore = attempts();
        Thread.sleep(20);   // so that a rewritten file would get another modification time
        secondOutput = run(args());
        attemptsAfter = attempts();
    }

    long attempts() throws IOException {
        long n = 0;
        for (String f : List.of(CAE, KM, DCEC)) n += Files.readAllLines(work.resolve(f).resolve("attempts.tsv")).size() - 1;
        return n;
    }

    static CellResult result(Path results, String folder) throws IOException { return CellResult.read(results.resolve(folder).resolve("result.json")); }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** cluster and label columns of predictions.csv, read here independently of the reproduction's reader. */
    static int[][] clustersAndLabels(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        assertEquals("index,cluster,confidence,label", lines.get(0));
        int N = lines.size() - 1;
        int[][] out = new int[2][N];
        for (int i = 0; i < N; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(i, Integer.parseInt(f[0]));
            out[0][i] = Integer.parseInt(f[1]);
            out[1][i] = Integer.parseInt(f[3]);
        }
        return out;
    }

    @Test @Order(1) void resultFilesHoldEveryField() throws Exception {
        CellResult d = result(results, DCEC), k = result(results, KM);
        assertEquals(new Cell("shapes", org.dcec4j.dcec.Method.DCEC, 0), d.cell());
        assertEquals(new Cell("shapes", org.dcec4j.dcec.Method.CAE_KMEANS, 0), k.cell());
        for (CellResult r : List.of(d, k)) {
            assertEquals("quick", r.settings());
            assertEquals(200, r.images());
            assertEquals(CAE, r.pretraining());
            assertFalse(r.resumed());
            assertNotNull(r.kmeansSeconds());
            assertTrue(r.cellWallSeconds() > 0 && r.cellCpuSeconds() > 0, r.toString());
            assertEquals(2, r.threads());
            assertTrue(r.kernels().startsWith("vector(") || r.kernels().startsWith("scalar"), r.kernels());
            assertEquals(Host.detect(List.of()).cpu(), r.host().cpu());
            assertEquals(System.getProperty("java.version"), r.host().javaVersion());
            assertTrue(r.host().gitCommit().equals("unknown") || r.host().gitCommit().matches("[0-9a-f]{40}"));
            assertTrue(r.jvmOptions().contains("--add-modules jdk.incubator.vector"), r.jvmOptions());
            assertEquals(sha256(work.resolve(r.cell().folder()).resolve("model.dc4j")), r.modelSha256());
            // commands: the shared pretraining's, then the cell's; the quick preset and a checkpoint interval in each
            assertEquals(2, r.commands().size());
            assertTrue(r.commands().get(0).startsWith("dcec pretrain --dataset shapes --method dcec --seed 0 --limit 200 --pretrain-epochs 2 "
                    + "--max-iter 30 --kmeans-restarts 2 --batch-size 64 -T 10 --threads 2 --checkpoint-every 1 --out "), r.commands().get(0));
            // the work folder (a temporary folder outside the working directory) is a machine path: recorded as <WORK>
            assertTrue(r.commands().get(1).contains(" --checkpoint-every 10 --weights <WORK>/" + CAE + "/cae_weights.dc4j --out <WORK>/"),
                    r.commands().get(1));
        }
        assertEquals(d.commands().get(0), k.commands().get(0));
        assertNull(k.clusterSeconds());
        assertNotNull(d.clusterSeconds());
        // the pretraining record: stored once, its time attributed to both cells
        PretrainingRecord p = PretrainingRecord.read(results.resolve(CAE).resolve("pretraining.json"));
        assertEquals(2, p.epochs());
        assertEquals(p.seconds(), d.pretrainSeconds());
        assertEquals(p.seconds(), k.pretrainSeconds());
        assertEquals(p.wallSeconds(), d.pretrainingWallSeconds());
        assertEquals(sha256(work.resolve(CAE).resolve("cae_weights.dc4j")), p.weightsSha256());
        assertEquals(d.cellWallSeconds() + p.wallSeconds(), d.totalWallSeconds(), 1e-9);
    }

    /** The results folder is committed: none of its files may name this machine's work folder. */
    @Test @Order(1) void resultFilesHoldNoMachinePath() throws Exception {
        String machine = work.toAbsolutePath().normalize().toString();
        try (var files = Files.walk(results)) {
            for (Path f : files.filter(Files::isRegularFile).toList())
                assertFalse(Files.readString(f, StandardCharsets.UTF_8).contains(machine), f + " names " + machine);
        }
        assertTrue(Files.readString(results.resolve(DCEC).resolve("console.txt"), StandardCharsets.UTF_8).contains("<WORK>/" + DCEC));
    }

    @Test @Order(2) void metricsAreThoseOfThePredictions() throws Exception {
        for (String folder : List.of(DCEC, KM)) {
            CellResult r = result(results, folder);
            int[][] cl = clustersAndLabels(work.resolve(folder).resolve("predictions.csv"));
            assertEquals(Metrics.acc(cl[1], cl[0]), r.acc());
            assertEquals(Metrics.nmi(cl[1], cl[0], NmiAverage.ARITHMETIC), r.nmi());
            assertEquals(Metrics.nmi(cl[1], cl[0], NmiAverage.GEOMETRIC), r.nmiGeometric());
            assertEquals(Metrics.ari(cl[1], cl[0]), r.ari());
            assertEquals(cl[0].length, r.images());
        }
    }

    @Test @Order(3) void iterationsAndConvergenceComeFromTheLog() throws Exception {
        CellResult d = result(results, DCEC), k = result(results, KM);
        List<String> log = Files.readAllLines(work.resolve(DCEC).resolve("dcec_log.csv"));
        String[] last = log.get(log.size() - 1).split(",", -1);
        int iter = Integer.parseInt(last[0]);
        assertEquals(iter, d.iterations());
        assertTrue(iter > 0 && iter <= 30, "iteration " + iter);
        // quick settings: tol 0.001 on 200 images converges only when no label changed
        assertEquals(Double.parseDouble(last[7]) < 0.001, d.converged());
        if (iter < 30) assertTrue(d.converged(), "stopped before the cap without converging");
        assertEquals(0, k.iterations());
        assertNull(k.converged());
    }

    @Test @Order(4) void theSharedPretrainingRanOnceAndTheSecondRunRanNothing() throws IOException {
        assertEquals(1, Files.readAllLines(work.resolve(CAE).resolve("attempts.tsv")).size() - 1);
        assertEquals(1, firstOutput.split("needs the CAE pretraining", -1).length - 1, firstOutput);
        for (Map.Entry<Path, FileTime> e : pretrainingTimes.entrySet())
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was rewritten");
        for (Map.Entry<Path, FileTime> e : secondTimes.entrySet())
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was rewritten");
        assertEquals(attemptsBefore, attemptsAfter);
        assertEquals(3, attemptsAfter);
        assertTrue(secondOutput.contains("2 of 2 cells done before this run, 0 run now, 0 failed"), secondOutput);
        assertFalse(secondOutput.contains("running"), secondOutput);
    }

    @Test @Order(5) void resultsHoldTheSmallFilesOnly() throws IOException {
        for (String f : List.of("result.json", "config.json", "console.txt", "dcec_log.csv")) assertTrue(Files.isRegularFile(results.resolve(DCEC).resolve(f)), f);
        for (String f : List.of("result.json", "config.json", "console.txt")) assertTrue(Files.isRegularFile(results.resolve(KM).resolve(f)), f);
        for (String f : List.of("pretraining.json", "config.json", "console.txt", "pretrain_log.csv"))
            assertTrue(Files.isRegularFile(results.resolve(CAE).resolve(f)), f);
        assertTrue(Files.isRegularFile(results.resolve("shapes/report.html")));
        List<String> big = new ArrayList<>();
        try (Stream<Path> s = Files.walk(results)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".dc4j") || n.equals("predictions.csv") || n.startsWith(".") && !n.equals(".dcec.lock")).forEach(big::add);
        }
        assertEquals(List.of(), big);
        String console = Files.readString(results.resolve(DCEC).resolve("console.txt"));
        assertTrue(console.contains("summary") && console.contains("  cluster "), console);
        String md = Files.readString(table);
        // start ACC: iteration 0 of the log the cell copied; CAE + k-means has no clustering phase
        double start = org.dcec4j.dcec.report.RunLogs.readClusterLog(results.resolve(DCEC).resolve("dcec_log.csv")).get(0).acc();
        assertTrue(md.contains("| shapes | dcec | 0 | " + String.format(java.util.Locale.ROOT, "%.2f", 100 * start) + " | ["
                + String.format(java.util.Locale.ROOT, "%.2f", 100 * result(results, DCEC).acc())), md);
        assertTrue(md.contains("| shapes | cae-kmeans | 0 | — | ["), md);
        assertTrue(md.contains("`" + result(results, DCEC).modelSha256() + "`"), md);
        assertTrue(md.contains("| usps | dcec | 2 | not run yet |"), md);
    }

    /**
     * Each cell (cluster --weights of the shared pretraining's weights) keeps the shared pretraining's config.json under
     * "pretraining", and its pretraining settings are that pretraining's.
     */
    @Test @Order(5) void cellsRecordTheSharedPretraining() throws IOException {
        Map<String, String> pre = org.dcec4j.dcec.report.RunLogs.readConfig(results.resolve(CAE).resolve("config.json"));
        for (String cell : List.of(DCEC, KM)) {
            Map<String, String> c = org.dcec4j.dcec.report.RunLogs.readConfig(results.resolve(cell).resolve("config.json"));
            for (Map.Entry<String, String> e : pre.entrySet())
                assertEquals(e.getValue(), c.get("pretraining." + e.getKey()), cell + ": pretraining." + e.getKey());
            assertEquals(pre.get("pretrain_epochs"), c.get("pretrain_epochs"), cell);
        }
    }

    /** The shared pretraining gives exactly what `dcec train --method cae-kmeans` computes on its own (also in a forked JVM). */
    @Test @Order(6) void sharingThePretrainingChangesNothing() throws Exception {
        Path alone = dir.resolve("alone");
        List<String> a = new ArrayList<>(List.of("train", "--dataset", "shapes", "--method", "cae-kmeans", "--seed", "0"));
        a.addAll(Commands.QUICK);
        a.addAll(List.of("--threads", "2", "--checkpoint-every", "10", "--no-report", "--out", alone.toString()));
        // in its own JVM: training in this one would fix the JVM-wide Backend.shared() for the tests that follow
        ChildJvm jvm = new ChildJvm(List.of());
        Attempt done = jvm.run(alone, a, a, 1);
        jvm.close();
        assertEquals(0, done.exit(), Files.readString(alone.resolve(ChildJvm.STDERR)));
        assertArrayEquals(Files.readAllBytes(work.resolve(CAE).resolve("cae_weights.dc4j")), Files.readAllBytes(alone.resolve("cae_weights.dc4j")));
        assertArrayEquals(Files.readAllBytes(work.resolve(KM).resolve("predictions.csv")), Files.readAllBytes(alone.resolve("predictions.csv")));
        assertArrayEquals(Files.readAllBytes(work.resolve(KM).resolve("model.dc4j")), Files.readAllBytes(alone.resolve("model.dc4j")));
    }

    /** Last: changes the shared state. A killed cell (no result, no model, a checkpoint) continues with --resume to the same model. */
    /**
     * A finished run collected by a later reproduction (killed between the cell's end and its result, then run again from
     * a jar of another commit) records the commit that ran it, from the run folder's config.json, not the collecting
     * jar's: result.json and pretraining.json named the jar that only read the files.
     */
    @Test @Order(6) void aCollectedRunRecordsTheCommitThatRanIt() throws Exception {
        Path kmConfig = work.resolve(KM).resolve("config.json"), caeConfig = work.resolve(CAE).resolve("config.json");
        String km = Files.readString(kmConfig), cae = Files.readString(caeConfig);
        String ran = "feedfacefeedfacefeedfacefeedfacefeedface", pre = "c0ffeec0ffeec0ffeec0ffeec0ffeec0ffeec0ff";
        java.util.function.BiFunction<String, String, String> stamp = (json, commit) -> json.replaceFirst(
                "\"dcec4j\": \\{\"release\": \"([^\"]*)\", \"commit\": \"[^\"]*\", \"local_changes\": [a-z]+",
                "\"dcec4j\": {\"release\": \"$1\", \"commit\": \"" + commit + "\", \"local_changes\": true");
        assertTrue(stamp.apply(km, ran).contains(ran) && stamp.apply(cae, pre).contains(pre), km);
        try {
            Files.writeString(kmConfig, stamp.apply(km, ran));
            Files.writeString(caeConfig, stamp.apply(cae, pre));
            Files.delete(results.resolve(KM).resolve("result.json"));
            Files.delete(results.resolve(CAE).resolve(PretrainingRecord.FILE));
            String out = run(args());
            assertTrue(out.contains("cae-kmeans on shapes, seed 0: collected"), out);
            CellResult r = result(results, KM);
            assertEquals(ran, r.host().gitCommit());
            assertEquals(Boolean.TRUE, r.host().gitDirty());
            PretrainingRecord p = PretrainingRecord.read(results.resolve(CAE).resolve(PretrainingRecord.FILE));
            assertEquals(pre, p.host().gitCommit());
        } finally {
            Files.writeString(kmConfig, km);
            Files.writeString(caeConfig, cae);
        }
    }

    @Test @Order(7) void aKilledCellIsResumed() throws Exception {
        CellResult before = result(results, DCEC);
        Path run = work.resolve(DCEC);
        assertTrue(Files.isRegularFile(run.resolve("checkpoint.dc4j")));
        Files.delete(results.resolve(DCEC).resolve("result.json"));
        Files.delete(run.resolve("model.dc4j"));
        FileTime kmResult = Files.getLastModifiedTime(results.resolve(KM).resolve("result.json"));
        String out = run(args());
        assertTrue(out.contains("1 of 2 cells done before this run, 1 run now, 0 failed"), out);
        assertTrue(out.contains("dcec on shapes, seed 0: resuming"), out);
        List<Attempt> attempts = Attempt.read(run);
        assertEquals(2, attempts.size());
        assertTrue(attempts.get(1).args().contains("--resume"));
        assertFalse(attempts.get(0).args().contains("--resume"));
        assertEquals(1, Attempt.read(work.resolve(CAE)).size(), "the pretraining ran again");
        assertEquals(kmResult, Files.getLastModifiedTime(results.resolve(KM).resolve("result.json")));
        CellResult after = result(results, DCEC);
        assertTrue(after.resumed());
        assertEquals(before.modelSha256(), after.modelSha256(), "the resumed run reached another model");
        assertEquals(before.acc(), after.acc());
        assertEquals(before.iterations(), after.iterations());
        assertEquals(before.converged(), after.converged());
        assertEquals(3, after.commands().size());
        assertTrue(after.commands().get(2).endsWith(" --resume"), after.commands().get(2));
    }

    /**
     * After the resume: a cell killed before its first checkpoint (its partial log and config in the folder, no
     * checkpoint, no model) and then refused once starts over with --overwrite and reaches the same model.
     */
    @Test @Order(8) void aCellKilledBeforeItsFirstCheckpointStartsOver() throws Exception {
        CellResult before = result(results, DCEC);
        Path run = work.resolve(DCEC);
        assertTrue(Files.isRegularFile(run.resolve("dcec_log.csv")) && Files.isRegularFile(run.resolve("config.json")));
        Files.delete(results.resolve(DCEC).resolve("result.json"));
        Files.delete(run.resolve("model.dc4j"));
        Files.delete(run.resolve("checkpoint.dc4j"));
        int attemptsBefore = Attempt.read(run).size();
        String out = run(args());
        assertTrue(out.contains("1 of 2 cells done before this run, 1 run now, 0 failed"), out);
        assertTrue(out.contains("dcec on shapes, seed 0: running"), out);
        List<Attempt> attempts = Attempt.read(run);
        assertEquals(attemptsBefore + 1, attempts.size());
        Attempt last = attempts.get(attempts.size() - 1);
        assertEquals(0, last.exit());
        assertTrue(last.args().contains("--overwrite") && !last.args().contains("--resume"), last.args().toString());
        CellResult after = result(results, DCEC);
        assertFalse(after.resumed());
        assertEquals(before.modelSha256(), after.modelSha256(), "the restarted run reached another model");
        assertEquals(before.iterations(), after.iterations());
        assertEquals(1, Attempt.read(work.resolve(CAE)).size(), "the pretraining ran again");
        // the recorded identity of a run ignores --overwrite, as it ignores --resume
        assertEquals(List.of("--a"), Commands.identity(List.of("--a", "--overwrite", "--resume", "--checkpoint-every", "5")));
    }

    /**
     * Last of all: a shared pretraining killed before its first checkpoint (its log and config in the folder, no
     * checkpoint, no weights) starts over with --overwrite, and so do its cells, to the same models.
     */
    @Test @Order(9) void aPretrainingKilledBeforeItsFirstCheckpointStartsOver() throws Exception {
        String dcecModel = result(results, DCEC).modelSha256(), kmModel = result(results, KM).modelSha256();
        Path pre = work.resolve(CAE);
        assertTrue(Files.isRegularFile(pre.resolve("pretrain_log.csv")) && Files.isRegularFile(pre.resolve("config.json")));
        for (String f : List.of("checkpoint.dc4j", "cae_weights.dc4j")) Files.delete(pre.resolve(f));
        Files.delete(results.resolve(CAE).resolve(PretrainingRecord.FILE));
        for (String cell : List.of(DCEC, KM)) {
            Files.delete(results.resolve(cell).resolve("result.json"));
            Files.deleteIfExists(work.resolve(cell).resolve("model.dc4j"));
            Files.deleteIfExists(work.resolve(cell).resolve("checkpoint.dc4j"));
        }
        int before = Attempt.read(pre).size();
        String out = run(args());
        assertTrue(out.contains("0 of 2 cells done before this run, 2 run now, 0 failed"), out);
        List<Attempt> attempts = Attempt.read(pre);
        assertEquals(before + 1, attempts.size());
        Attempt last = attempts.get(attempts.size() - 1);
        assertEquals(0, last.exit());
        assertTrue(last.args().contains("--overwrite") && !last.args().contains("--resume"), last.args().toString());
        assertEquals(dcecModel, result(results, DCEC).modelSha256(), "DCEC after the restarted pretraining");
        assertEquals(kmModel, result(results, KM).modelSha256(), "CAE + k-means after the restarted pretraining");
    }

    /**
     * The shared pretraining's run folder deleted, its pretraining.json still in the results: a cell that needs it runs it
     * again, saying why (the cells need the weights), and then that the new weights are the recorded ones.
     */
    @Test @Order(10) void aDeletedPretrainingWithARecordRunsAgainAndSaysWhy() throws Exception {
        PretrainingRecord before = PretrainingRecord.read(results.resolve(CAE).resolve(PretrainingRecord.FILE));
        try (Stream<Path> s = Files.walk(work.resolve(CAE))) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
        }
        Files.delete(results.resolve(KM).resolve("result.json"));
        for (String f : List.of("model.dc4j", "predictions.csv")) Files.deleteIfExists(work.resolve(KM).resolve(f));
        String out = run(args());
        assertTrue(out.contains("cae-kmeans on shapes, seed 0: needs the CAE pretraining on shapes, seed 0: running (" + results.resolve(CAE)
                .resolve(PretrainingRecord.FILE) + " records it, but the cells start from its weights, which are neither in " + work.resolve(CAE)
                + " nor published beside that record (--publish-weights puts them there); the same command and arithmetic give the same weights)"), out);
        assertTrue(out.contains("cae-kmeans on shapes, seed 0: the weights are those of the record it replaces (SHA-256 "
                + before.weightsSha256().substring(0, 12) + "…)"), out);
        assertEquals(before.weightsSha256(), PretrainingRecord.read(results.resolve(CAE).resolve(PretrainingRecord.FILE)).weightsSha256());
    }

    /**
     * A pretraining.json in the right folder whose fields name another pretraining (an edited seed) is refused, naming
     * the file, before a cell uses it; it used to be trusted, and its commands and times went into the cells' results.
     * The last test of the class: it edits the shared state.
     */
    @Test @Order(11) void aPretrainingRecordOfAnotherPretrainingIsRefused() throws Exception {
        Path record = results.resolve(CAE).resolve("pretraining.json");
        Files.writeString(record, Files.readString(record).replace("\"seed\": 0,", "\"seed\": 7,"));
        Files.delete(results.resolve(DCEC).resolve("result.json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args(), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, out.toString(StandardCharsets.UTF_8) + e);
        assertTrue(e.contains(record + ": holds the record of the cae pretraining on shapes, seed 7"), e);
        assertFalse(Files.exists(results.resolve(DCEC).resolve("result.json")));
    }
}
