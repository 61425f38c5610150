package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dcec4j.dcec.Method;
import org.dcec4j.dcec.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a result file records of a run folder that a reproduction collects (a run finished by an earlier, killed
 * reproduction): faked run folders of a k-means cell, so no JVM starts.
 */
class CollectedRunTest {
    static final Cell KM = new Cell("shapes", Method.KMEANS, 0);

    static String[] args(Path w, Path r, Path t, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans",
                "--work", w.toString(), "--results", r.toString(), "--table", t.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static String config(Integer arithmetic) {
        return "{\n  \"dataset\": \"shapes\",\n  \"dcec4j\": {\"release\": \"0.1.0\", \"commit\": \"abc\", \"local_changes\": false"
                + (arithmetic == null ? "" : ", \"arithmetic\": " + arithmetic) + "}\n}\n";
    }

    /** A finished k-means run folder, as a cell's JVM leaves it: its attempt, model, predictions, summary and config.json. */
    static Path finishedRun(Path w, String config) throws IOException {
        Commands cmd = new Commands(w, null, null, true, 1, 10);
        Path run = cmd.runDir(KM);
        Files.createDirectories(run);
        Files.writeString(run.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.000\t1.000\t" + Commands.quoted(cmd.cell(KM)) + "\n");
        Files.writeString(run.resolve("model.dc4j"), "m");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence,label\n0,0,1.0,0\n1,1,1.0,1\n");
        Files.writeString(run.resolve(ChildJvm.STDOUT), ConsoleSummary.ATTEMPT_MARKER + " attempt 1: dcec train\nkernels: scalar, threads: 1\n\n"
                + "summary\n  kmeans         1.2 s\n  kernels: scalar, threads: 1\n  output: x\n");
        Files.writeString(run.resolve("config.json"), config);
        return run;
    }

    /**
     * result.json records the arithmetic version of the dcec4j that computed the model, from the run's config.json (null
     * when that does not say); a result of another version is refused, not skipped as done and averaged into the table.
     */
    @Test void theResultRecordsTheArithmeticVersionAndAnotherOneIsRefused(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), r = dir.resolve("r"), t = dir.resolve("t.md");
        finishedRun(w, config(Version.ARITHMETIC));
        Object[] res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        Path file = r.resolve(KM.folder()).resolve(CellResult.FILE);
        String json = Files.readString(file);
        assertTrue(json.contains("\n  \"arithmetic\": " + Version.ARITHMETIC + ",\n"), json);
        assertEquals(Version.ARITHMETIC, CellResult.read(file).arithmetic());

        Files.writeString(file, json.replace("\"arithmetic\": " + Version.ARITHMETIC + ",", "\"arithmetic\": " + (Version.ARITHMETIC + 1) + ","));
        res = ReproduceDryRunTest.run(args(w, r, t, "--dry-run"));
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertEquals("dcec: the result of kmeans on shapes, seed 0 was written by a dcec4j of arithmetic version " + (Version.ARITHMETIC + 1)
                + " (" + file + "), this one computes with arithmetic version " + Version.ARITHMETIC + ": its results are not this version's bits;"
                + " move it away to run it again, or finish the reproduction with that version\n", res[2]);

        // an older result without the field is done, as before
        Files.writeString(file, json.replace("  \"arithmetic\": " + Version.ARITHMETIC + ",\n", ""));
        assertNull(CellResult.read(file).arithmetic());
        res = ReproduceDryRunTest.run(args(w, r, t, "--dry-run"));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("[1/1] kmeans on shapes, seed 0: done"), (String) res[1]);
    }

    /**
     * Published weights whose pretraining.json records another arithmetic version are refused on that field, whatever the
     * config.json beside them says; a record without the field (older versions) leaves it to that config.json.
     */
    @Test void publishedWeightsAreJudgedByTheirRecordsArithmetic(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), pre = r.resolve("shapes/seed-0/cae-pretraining"), record = pre.resolve(PretrainingRecord.FILE);
        Files.createDirectories(pre);
        Files.writeString(pre.resolve("cae_weights.dc4j"), "w");
        Files.writeString(pre.resolve("config.json"), config(Version.ARITHMETIC));
        int other = Version.ARITHMETIC + 1;
        PretrainingRecord p = new PretrainingRecord("shapes", "cae", 0, "quick", 2, 0.1, 1.0, false, 1.0, 1.0,
                new Host("cpu", 2, "17", "vendor", "abc", false), other, "scalar", 1, "", List.of("dcec pretrain"), "00");
        Files.writeString(record, p.toJson());
        String[] a = {"reproduce", "--dry-run", "--quick", "--plan", "shapes:0", "--methods", "cae-kmeans", "--work", dir.resolve("w").toString(),
                "--results", r.toString(), "--table", dir.resolve("t.md").toString()};
        Object[] res = ReproduceDryRunTest.run(a);
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertEquals("dcec: " + pre.resolve("cae_weights.dc4j") + ", published with its pretraining.json, was written by a dcec4j of arithmetic version "
                + other + " (" + record + "), this one computes with arithmetic version " + Version.ARITHMETIC + ": its results are not this"
                + " version's bits; move it away to run it again, or finish the reproduction with that version\n", res[2]);

        Files.writeString(record, p.toJson().replace("  \"arithmetic\": " + other + ",\n", ""));
        Files.writeString(pre.resolve("config.json"), config(other));
        res = ReproduceDryRunTest.run(a);
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).startsWith("dcec: " + pre.resolve("cae_weights.dc4j") + ", published with its config.json, was written by a"
                + " dcec4j of arithmetic version " + other + " (" + pre.resolve("config.json") + ")"), (String) res[2]);
    }

    /**
     * A collected run's CPU, JDK and JVM options are those its own JVM wrote (jvm.json, by CellMain), and "unknown" when
     * the run folder has no such file (older versions): they were the collecting JVM's, which may be another host's.
     */
    @Test void aCollectedRunRecordsTheJvmThatRanIt(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), r = dir.resolve("r"), t = dir.resolve("t.md");
        finishedRun(w, config(Version.ARITHMETIC));
        Object[] res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        Path file = r.resolve(KM.folder()).resolve(CellResult.FILE);
        CellResult unknown = CellResult.read(file);
        assertEquals(new Host("unknown", null, "unknown", "unknown", "abc", false), unknown.host());
        assertEquals("unknown", unknown.jvmOptions());
        assertTrue(Files.readString(file).contains("\n  \"processors\": null,\n"), Files.readString(file));
        assertTrue(Files.readString(t).contains("| unknown | unknown | unknown (unknown) | scalar | 1 | `abc` | `unknown` | 1 |"), Files.readString(t));

        Files.delete(file);
        new CellJvm("Some CPU", 64, "17.0.99", "Someone", "-Xmx1g --add-modules jdk.incubator.vector").write(w.resolve(KM.folder()));
        res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        CellResult known = CellResult.read(file);
        assertEquals(new Host("Some CPU", 64, "17.0.99", "Someone", "abc", false), known.host());
        assertEquals("-Xmx1g --add-modules jdk.incubator.vector", known.jvmOptions());
    }

    /**
     * A collected result counts every recorded attempt of the cell: wall 2.5 + 1.25 = 3.75 s, CPU 2.0 + 0.5 = 2.5 s, both
     * command lines; CPU time is unknown (null, also in the total) when one attempt did not report it; and a run folder
     * whose last attempt failed is not collected, whatever outputs an earlier attempt left: it runs again.
     */
    @Test void aCollectedRunCountsEveryAttemptAndAFailedLastAttemptIsNotCollected(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), r = dir.resolve("r"), t = dir.resolve("t.md");
        Path run = finishedRun(w, config(Version.ARITHMETIC)), attempts = run.resolve(Attempt.FILE);
        String args = Commands.quoted(new Commands(w, null, null, true, 1, 10).cell(KM));
        Files.writeString(attempts, Attempt.HEADER + "\n137\t2.500\t2.000\t" + args + "\n0\t1.250\t0.500\t" + args + "\n");
        Object[] res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        Path file = r.resolve(KM.folder()).resolve(CellResult.FILE);
        CellResult both = CellResult.read(file);
        assertEquals(3.75, both.cellWallSeconds());
        assertEquals(2.5, both.cellCpuSeconds());
        assertEquals(2.5, both.totalCpuSeconds());
        assertEquals(2, both.commands().size(), both.commands().toString());

        Files.delete(file);
        Files.writeString(attempts, Attempt.HEADER + "\n137\t2.500\t\t" + args + "\n0\t1.250\t0.500\t" + args + "\n");
        res = ReproduceDryRunTest.run(args(w, r, t));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        CellResult unknownCpu = CellResult.read(file);
        assertEquals(3.75, unknownCpu.cellWallSeconds());
        assertNull(unknownCpu.cellCpuSeconds());
        assertTrue(Files.readString(file).contains("\n  \"cell_cpu_seconds\": null,\n"), Files.readString(file));
        assertTrue(Files.readString(file).contains("\n  \"total_cpu_seconds\": null,\n"), Files.readString(file));

        Files.delete(file);
        Files.writeString(attempts, Attempt.HEADER + "\n0\t1.250\t0.500\t" + args + "\n1\t0.500\t0.400\t" + args + "\n");
        res = ReproduceDryRunTest.run(args(w, r, t, "--dry-run"));
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("[1/1] kmeans on shapes, seed 0: would run\n"), (String) res[1]);
    }

    /** The cell's JVM options are the words of its command line before the launcher that ChildJvm adds. */
    @Test void theJvmOptionsAreTheWordsBeforeTheLauncher() {
        List<String> main = List.of("w/.cpu-seconds", "train", "--seed", "0");
        java.util.function.Function<List<String>, List<String>> line = opts -> {
            List<String> l = new java.util.ArrayList<>(opts);
            l.addAll(ChildJvm.launcher(null, "a.jar", null));
            l.addAll(main);
            return l;
        };
        assertEquals("-Xmx8g -Ddcec4j.x=1", CellJvm.jvmOptions(line.apply(List.of("-Xmx8g", "-Ddcec4j.x=1")), main.size()));
        assertEquals("", CellJvm.jvmOptions(line.apply(List.of()), main.size()));
        List<String> module = new java.util.ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
        module.addAll(ChildJvm.launcher("org.dcec4j.cli", "", "dcec.jar"));
        module.addAll(main);
        assertEquals("--add-modules jdk.incubator.vector", CellJvm.jvmOptions(module, main.size()));
        assertEquals("unknown", CellJvm.jvmOptions(null, main.size()));
        assertEquals("unknown", CellJvm.jvmOptions(List.of("-Xmx8g", "Main", "train"), 1));
    }

    /**
     * A pretraining whose record is in the results folder but whose run folder is gone (and whose weights are not
     * published) runs again, and the line says why: the cells start from the weights, which the record only describes.
     * It was pretrained again without a word, as if nothing had been recorded.
     */
    @Test void aRecordedPretrainingWithoutItsWeightsRunsAgainAndSaysWhy(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), w = dir.resolve("w"), pre = r.resolve("shapes/seed-0/cae-pretraining");
        Files.createDirectories(pre);
        Files.writeString(pre.resolve(PretrainingRecord.FILE), new PretrainingRecord("shapes", "cae", 0, "quick", 2, 0.1, 1.0, false, 1.0, 1.0,
                new Host("cpu", 2, "17", "vendor", "abc", false), Version.ARITHMETIC, "scalar", 1, "", List.of("dcec pretrain"), "00").toJson());
        Object[] res = ReproduceDryRunTest.run("reproduce", "--dry-run", "--quick", "--plan", "shapes:0", "--methods", "cae-kmeans",
                "--work", w.toString(), "--results", r.toString(), "--table", dir.resolve("t.md").toString());
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("\n[1/1] cae-kmeans on shapes, seed 0: needs the CAE pretraining on shapes, seed 0: would run ("
                + pre.resolve(PretrainingRecord.FILE) + " records it, but the cells start from its weights, which are neither in "
                + w.resolve("shapes/seed-0/cae-pretraining") + " nor published beside that record (--publish-weights puts them there);"
                + " the same command and arithmetic give the same weights)\n    dcec pretrain "), (String) res[1]);
    }
}
