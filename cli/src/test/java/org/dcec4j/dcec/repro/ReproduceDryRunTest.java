package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.dcec4j.dcec.cli.DcecCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `dcec reproduce` would run, without running it: the exact commands, and the checks made before any work. */
class ReproduceDryRunTest {
    /** {exit code, stdout, stderr}. */
    static Object[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = DcecCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test void warnsWhenTheCellsWouldRunTheScalarKernelsOfAJavaThatHasTheVectorModule() {
        String note = Runner.scalarCellsNote(List.of(), true);
        assertTrue(note != null && note.contains("scalar kernels") && note.contains("--add-modules jdk.incubator.vector"), note);
        assertEquals(null, Runner.scalarCellsNote(List.of("--add-modules", "jdk.incubator.vector"), true));
        assertEquals(null, Runner.scalarCellsNote(List.of("-Xmx8g", "--add-modules=jdk.incubator.vector"), true));
        assertEquals(null, Runner.scalarCellsNote(List.of(), false), "a Java without the module has nothing faster to offer");
    }

    @Test void printsEveryCommandOnceAndWritesNothing(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), r = dir.resolve("r"), t = dir.resolve("t.md");
        Object[] res = run("reproduce", "--dry-run", "--plan", "usps:0;mnist-test:1", "--methods", "idec,dcec,kmeans,cae-kmeans,dec",
                "--threads", "1", "--data-dir", "data", "--work", w.toString(), "--results", r.toString(), "--table", t.toString());
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        String out = (String) res[1];
        String common = " --threads 1 --data-dir data";
        String expected = String.join("\n",
                "dcec reproduce: 10 cells (usps:0;mnist-test:1; methods kmeans,cae-kmeans,dec,idec,dcec), reference settings, dry run",
                "[1/10] kmeans on usps, seed 0: would run",
                "    dcec train --dataset usps --method kmeans --seed 0" + common + " --checkpoint-every 1000 --no-report --out " + w + "/usps/seed-0/kmeans",
                "[2/10] cae-kmeans on usps, seed 0: needs the CAE pretraining on usps, seed 0: would run",
                "    dcec pretrain --dataset usps --method dcec --seed 0" + common + " --checkpoint-every 10 --out " + w + "/usps/seed-0/cae-pretraining",
                "[2/10] cae-kmeans on usps, seed 0: would run",
                "    dcec cluster --dataset usps --method cae-kmeans --seed 0" + common + " --checkpoint-every 1000 --weights "
                        + w + "/usps/seed-0/cae-pretraining/cae_weights.dc4j --out " + w + "/usps/seed-0/cae-kmeans",
                "[3/10] dcec on usps, seed 0: would run",
                "    dcec cluster --dataset usps --method dcec --seed 0" + common + " --checkpoint-every 1000 --weights "
                        + w + "/usps/seed-0/cae-pretraining/cae_weights.dc4j --out " + w + "/usps/seed-0/dcec",
                "[4/10] dec on usps, seed 0: needs the AE pretraining on usps, seed 0: would run",
                "    dcec pretrain --dataset usps --method dec --seed 0" + common + " --checkpoint-every 10 --out " + w + "/usps/seed-0/ae-pretraining",
                "[4/10] dec on usps, seed 0: would run",
                "    dcec cluster --dataset usps --method dec --seed 0" + common + " --checkpoint-every 1000 --weights "
                        + w + "/usps/seed-0/ae-pretraining/ae_weights.dc4j --out " + w + "/usps/seed-0/dec",
                "[5/10] idec on usps, seed 0: would run",
                "    dcec cluster --dataset usps --method idec --seed 0" + common + " --checkpoint-every 1000 --weights "
                        + w + "/usps/seed-0/ae-pretraining/ae_weights.dc4j --out " + w + "/usps/seed-0/idec",
                "[6/10] kmeans on mnist-test, seed 1: would run");
        assertTrue(out.startsWith(expected), out);
        // one CAE and one dense pretraining per (data set, seed), each printed once
        assertEquals(4, out.split("dcec pretrain ", -1).length - 1, out);
        assertEquals(1, out.split("dcec pretrain --dataset mnist-test --method dec --seed 1 ", -1).length - 1, out);
        assertTrue(out.contains("0 of 10 cells done before this run, 0 run now, 0 failed (dry run: nothing was run)"), out);
        assertFalse(Files.exists(w) || Files.exists(r) || Files.exists(t), "a dry run wrote files");
    }

    /** A --table that is a folder, or --results that is a file, is refused before the first cell (it failed after it). */
    @Test void outputsThatCannotBeWrittenAreRefusedFirst(@TempDir Path dir) throws IOException {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("a-folder")), file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");
        Object[] r = run("reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans", "--work", dir.resolve("w").toString(),
                "--results", dir.resolve("r").toString(), "--table", folder.toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--table " + folder + " is a folder"), (String) r[2]);
        r = run("reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans", "--work", dir.resolve("w").toString(),
                "--results", file.toString(), "--table", dir.resolve("t.md").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--results " + file + " is a file"), (String) r[2]);
        assertFalse(java.nio.file.Files.exists(dir.resolve("w").resolve("shapes")), "no cell ran");
        // a work folder whose name the attempts' record cannot hold: refused before any JVM starts (it was refused
        // only when the first pretraining had finished, and again after every rerun)
        Path tabbed = dir.resolve("w\tork");
        r = run("reproduce", "--quick", "--plan", "shapes:0", "--methods", "cae-kmeans", "--work", tabbed.toString(),
                "--results", dir.resolve("r").toString(), "--table", dir.resolve("t.md").toString());
        assertEquals(2, r[0], (String) r[2]);
        assertTrue(((String) r[2]).contains("--work '" + tabbed + "' holds a tab or a line break"), (String) r[2]);
        assertFalse(java.nio.file.Files.exists(tabbed), "no cell ran");
    }

    /**
     * A --results or --table under a file, or a --work that is a file, is refused naming the option before any cell runs,
     * also in a dry run: the result was written only after the first cell had finished ("dcec: …/afile/res/shapes/seed-0:
     * not a directory", exit 1, hours in with the reference settings), and a --work file was refused as "dcec: wfile:
     * already exists and is not a folder" (a dry run promised to run). --results equal to --work, and a --table that is
     * one of the folders, are refused too: the result files were written into the run folders.
     */
    @Test void unwritableOrCollidingFoldersAreRefusedNamingTheOption(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("afile"), "x"), w = dir.resolve("w"), r = dir.resolve("r"), t = dir.resolve("t.md");
        for (boolean dry : new boolean[] {true, false}) {
            String[][] cases = {
                    {"--work", w.toString(), "--results", file.resolve("res").toString(), "--table", t.toString()},
                    {"--work", w.toString(), "--results", r.toString(), "--table", file.resolve("t.md").toString()},
                    {"--work", file.toString(), "--results", r.toString(), "--table", t.toString()},
                    {"--work", w.toString(), "--results", w.toString(), "--table", t.toString()},
                    {"--work", w.toString(), "--results", r.toString(), "--table", r.toString()},
                    {"--work", w.toString(), "--results", r.toString(), "--table", w.toString()}};
            String[] expected = {
                    "--results " + file.resolve("res") + " cannot be written: " + file + " is a file, not a folder",
                    "--table " + file.resolve("t.md") + " cannot be written: " + file + " is a file, not a folder",
                    "--work " + file + " is a file: expected a folder",
                    "--results " + w + " is the --work folder " + w,
                    "--table " + r + " is the --results folder",
                    "--table " + w + " is the --work folder"};
            for (int i = 0; i < cases.length; i++) {
                List<String> args = new java.util.ArrayList<>(List.of("reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans"));
                if (dry) args.add("--dry-run");
                args.addAll(List.of(cases[i]));
                Object[] res = run(args.toArray(String[]::new));
                assertEquals(2, res[0], dry + " " + i + ": " + res[1] + res[2]);
                assertTrue(((String) res[2]).contains(expected[i]), dry + " " + i + ": " + res[2]);
                assertFalse(Files.exists(w.resolve("shapes")) || Files.exists(r) || Files.exists(t), dry + " " + i + ": no cell ran, nothing was written");
            }
        }
    }

    /**
     * A --table that is the results folder's NOTES.md, the hand-written notes the page includes, is refused before anything
     * is written: `reproduce table --table R/NOTES.md` replaced the notes by the page (and the next page included itself).
     */
    @Test void theNotesFileIsRefusedAsTable(@TempDir Path dir) throws IOException {
        Path r = Files.createDirectories(dir.resolve("r")), notes = Files.writeString(r.resolve("NOTES.md"), "# my notes\n");
        for (String sub : new String[] {"table", null}) {
            List<String> args = new java.util.ArrayList<>(List.of("reproduce"));
            if (sub != null) args.add(sub);
            else args.addAll(List.of("--dry-run", "--work", dir.resolve("w").toString()));
            args.addAll(List.of("--results", r.toString(), "--table", r.resolve("./NOTES.md").toString()));
            Object[] res = run(args.toArray(String[]::new));
            assertEquals(2, res[0], sub + ": " + res[1] + res[2]);
            assertTrue(((String) res[2]).contains("--table " + r.resolve("./NOTES.md") + " is the hand-written notes file of --results " + r),
                    sub + ": " + res[2]);
            assertEquals("# my notes\n", Files.readString(notes));
        }
    }

    /**
     * A run folder recorded with another --threads (or none) is continued or collected: the thread count changes no bit
     * (and dcec --resume takes another), as the checkpoint interval changes none. Rerunning a reproduction with --threads
     * refused every run folder it had touched ("was made by another command").
     */
    @Test void aRunFolderOfAnotherThreadCountIsContinued(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w");
        Commands recorded = new Commands(w, null, null, false, 10, 1000);
        Cell c = new Cell("usps", org.dcec4j.dcec.Method.KMEANS, 0);
        Path run = recorded.runDir(c);
        Files.createDirectories(run);
        Files.writeString(run.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.000\t1.000\t" + Commands.quoted(recorded.cell(c)) + "\n");
        Files.writeString(run.resolve("model.dc4j"), "m");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence,label\n");
        for (String threads : new String[] {"1", "3"}) {
            Object[] res = run("reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--threads", threads, "--work", w.toString(),
                    "--results", dir.resolve("r").toString(), "--table", dir.resolve("t.md").toString());
            assertEquals(0, res[0], res[1] + "\n" + res[2]);
            assertTrue(((String) res[1]).contains("finished run folder, would collect"), (String) res[1]);
        }
        // other options still tell another run
        assertFalse(Commands.identity(List.of("train", "--limit", "5")).equals(Commands.identity(List.of("train", "--limit", "6"))));
        assertEquals(List.of("train", "--seed", "0"), Commands.identity(List.of("train", "--threads", "2", "--seed", "0")));
    }

    /** `--datasets ,,` (no name) is said of --datasets: it read "--plan: no data set", an option that was not given. */
    @Test void anEmptyDatasetsListNamesTheDatasetsOption() {
        Object[] res = run("reproduce", "--dry-run", "--datasets", ",,");
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).contains("--datasets: no data set"), (String) res[2]);
        assertFalse(((String) res[2]).contains("--plan"), (String) res[2]);
    }

    @Test void quickPresetAndCheckpointIntervals(@TempDir Path dir) {
        Object[] res = run("reproduce", "--dry-run", "--quick", "--plan", "shapes:3", "--methods", "dcec", "--work", dir.resolve("w").toString());
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        String q = " --limit 200 --pretrain-epochs 2 --max-iter 30 --kmeans-restarts 2 --batch-size 64 -T 10";
        assertTrue(((String) res[1]).contains("dcec pretrain --dataset shapes --method dcec --seed 3" + q + " --checkpoint-every 1 --out "), (String) res[1]);
        assertTrue(((String) res[1]).contains("dcec cluster --dataset shapes --method dcec --seed 3" + q + " --checkpoint-every 10 --weights "), (String) res[1]);
        Object[] own = run("reproduce", "--dry-run", "--quick", "--checkpoint-iterations", "7", "--plan", "shapes:3", "--methods", "dcec",
                "--work", dir.resolve("w").toString());
        assertTrue(((String) own[1]).contains(q + " --checkpoint-every 7 --weights "), (String) own[1]);
    }

    @Test void badOptionsFailBeforeAnyWork(@TempDir Path dir) {
        Object[] both = run("reproduce", "--dry-run", "--plan", "usps:0", "--seeds", "1");
        assertEquals(2, both[0]);
        assertTrue(((String) both[2]).contains("--plan cannot be combined with --datasets or --seeds"), (String) both[2]);
        Object[] set = run("reproduce", "--dry-run", "--datasets", "usps,cifar10");
        assertEquals(2, set[0]);
        assertTrue(((String) set[2]).contains("--datasets: 'cifar10' is not a built-in data set"), (String) set[2]);
        Object[] ck = run("reproduce", "--dry-run", "--checkpoint-epochs", "0", "--work", dir.toString());
        assertEquals(2, ck[0]);
        assertTrue(((String) ck[2]).contains("--checkpoint-epochs must be at least 1"), (String) ck[2]);
    }

    /** A run folder made by another command is never reused; a results folder holds one kind of settings. */
    @Test void foreignFoldersAreRefused(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), r = dir.resolve("r");
        Path run = w.resolve("usps/seed-0/kmeans");
        Files.createDirectories(run);
        Files.writeString(run.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.000\t1.000\ttrain\t--dataset\tusps\t--method\tkmeans\t--seed\t0\t--limit\t50"
                + "\t--checkpoint-every\t1000\t--no-report\t--out\t" + run + "\n");
        Object[] res = run("reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--work", w.toString(), "--results", r.toString());
        assertEquals(2, res[0], (String) res[1]);
        assertTrue(((String) res[2]).contains("run folder " + run + " was made by another command"), (String) res[2]);
        assertTrue(((String) res[2]).contains("found:   dcec train --dataset usps --method kmeans --seed 0 --limit 50 --no-report"), (String) res[2]);

        Path cell = r.resolve("usps/seed-0/kmeans");
        Files.createDirectories(cell);
        Files.writeString(cell.resolve(CellResult.FILE), ReproductionTableTest.result("usps", "kmeans", 0, 0.6, 0.5, 0.5, 0.4, 0, "null", 0, "1.0", "null", 2)
                .replace("\"reference\"", "\"quick\""));
        Object[] mixed = run("reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--work", dir.resolve("w2").toString(),
                "--results", r.toString());
        assertEquals(2, mixed[0], (String) mixed[1]);
        assertTrue(((String) mixed[2]).contains("was made with the quick settings, this run uses the reference settings"), (String) mixed[2]);
    }

    /**
     * A dry run refuses the results folder a run would refuse: a result.json in another cell's folder, or a result of
     * the other settings outside the plan. It printed "done" and exited 0, while the run itself stopped with exit 1
     * ("…/result.json: holds the result of kmeans on usps, seed 1, which belongs in …") or 2.
     */
    @Test void aDryRunRefusesTheResultsARunWouldRefuse(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r");
        ReproductionTableTest.put(r, "usps", "kmeans", 0, ReproductionTableTest.result("usps", "kmeans", 1, 0.6, 0.5, 0.5, 0.4, 0, "null", 0, "1.0", "null", 2));
        Object[] res = run("reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--work", dir.resolve("w").toString(),
                "--results", r.toString(), "--table", dir.resolve("t.md").toString());
        assertEquals(1, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).contains("holds the result of kmeans on usps, seed 1, which belongs in"), (String) res[2]);

        Path q = dir.resolve("q");
        ReproductionTableTest.put(q, "usps", "kmeans", 5, ReproductionTableTest.result("usps", "kmeans", 5, 0.6, 0.5, 0.5, 0.4, 0, "null", 0, "1.0", "null", 2)
                .replace("\"reference\"", "\"quick\""));
        res = run("reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--work", dir.resolve("w").toString(),
                "--results", q.toString(), "--table", dir.resolve("t.md").toString());
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).contains("was made with the quick settings, this run uses the reference settings"), (String) res[2]);
        assertFalse(Files.exists(dir.resolve("w")) || Files.exists(dir.resolve("t.md")), "a dry run wrote files");
    }

    /**
     * A finished run folder of another arithmetic version (a dcec4j whose sums give other bits) is not collected as this
     * version's result: refused, naming the folder and both versions, exit 2. It was collected silently ("finished run
     * folder, would collect"), and the table mixed the two versions' bits.
     */
    @Test void aFinishedRunOfAnotherArithmeticVersionIsRefused(@TempDir Path dir) throws IOException {
        Path w = dir.resolve("w"), run = w.resolve("usps/seed-0/kmeans");
        Files.createDirectories(run);
        List<String> planned = List.of("train", "--dataset", "usps", "--method", "kmeans", "--seed", "0", "--checkpoint-every", "1000",
                "--no-report", "--out", run.toString());
        Files.writeString(run.resolve(Attempt.FILE), Attempt.HEADER + "\n0\t1.000\t1.000\t" + Commands.quoted(planned) + "\n");
        Files.writeString(run.resolve("model.dc4j"), "m");
        Files.writeString(run.resolve("predictions.csv"), "index,cluster,confidence,label\n");
        String config = "{\n  \"dataset\": \"usps\",\n  \"dcec4j\": {\"release\": \"0.1.0\", \"commit\": \"abc\", \"local_changes\": false, \"arithmetic\": %d}\n}\n";
        Files.writeString(run.resolve("config.json"), String.format(config, org.dcec4j.dcec.Version.ARITHMETIC));
        String[] args = {"reproduce", "--dry-run", "--plan", "usps:0", "--methods", "kmeans", "--work", w.toString(),
                "--results", dir.resolve("r").toString(), "--table", dir.resolve("t.md").toString()};
        Object[] res = run(args);
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("finished run folder, would collect"), (String) res[1]);

        int other = org.dcec4j.dcec.Version.ARITHMETIC + 1;
        Files.writeString(run.resolve("config.json"), String.format(config, other));
        res = run(args);
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).contains("run folder " + run + " was written by a dcec4j of arithmetic version " + other
                + " (" + run.resolve("config.json") + "), this one computes with arithmetic version " + org.dcec4j.dcec.Version.ARITHMETIC), (String) res[2]);
    }

    @Test void tableSubcommandWritesThePage(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), t = dir.resolve("docs/reproduction.md");
        Object[] res = run("reproduce", "table", "--results", r.toString(), "--table", t.toString(), "--plan", "shapes:0,1");
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        String md = Files.readString(t);
        // the default plan's 48 cells and shapes' 12 of the paper's methods; the default plan's 16 data-augmented cells
        assertTrue(md.contains("**0 of 60 planned cells of the paper's methods finished; 0 of 16 of the data-augmented ones.**"), md);
        assertTrue(md.contains("| ConvIDEC-DA | 0 of 3 (not run yet: 0, 1, 2) | not run yet |"), md);
        assertTrue(md.contains("| shapes | dcec | 1 | not run yet |"), md);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("docs")), s.toList());
        }
    }

    /**
     * A --results folder that does not exist (a typo, or the other settings' folder) gives a page of "not run yet" rows;
     * the command says so instead of "wrote … from the result files under nothere".
     */
    @Test void tableFromAMissingResultsFolderSaysItHasNoResults(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("nothere"), t = dir.resolve("t.md");
        Object[] res = run("reproduce", "table", "--results", r.toString(), "--table", t.toString());
        assertEquals(0, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[1]).contains("wrote " + t + " without results: there is no folder " + r
                + " (every planned cell is 'not run yet'; --results names the folder of the result files)"), (String) res[1]);
        assertFalse(Files.exists(r));
        Files.createDirectories(r);
        res = run("reproduce", "table", "--results", r.toString(), "--table", t.toString());
        assertTrue(((String) res[1]).contains("wrote " + t + " from the result files under " + r), (String) res[1]);
    }

    /**
     * Options before "table" are reproduce's: picocli gave them to reproduce and ran table with its defaults, so
     * `reproduce --quick --results X --table Y table` rewrote docs/reproduction.md (of the current folder) from docs/results.
     * Refused, naming them and the command that means it; nothing is written.
     */
    @Test void optionsBeforeTheTableSubcommandAreRefused(@TempDir Path dir) throws IOException {
        Path r = dir.resolve("r"), t = dir.resolve("t.md");
        Object[] res = run("reproduce", "--quick", "--results", r.toString(), "--table", t.toString(), "table");
        assertEquals(2, res[0], res[1] + "\n" + res[2]);
        assertTrue(((String) res[2]).contains("--quick, --results, --table before 'table' would not apply to it (options go after the"
                + " subcommand): dcec reproduce table --quick --results " + r + " --table " + t), (String) res[2]);
        assertFalse(Files.exists(t));
        assertFalse(Files.exists(Path.of("docs/reproduction.md")) && Files.getLastModifiedTime(Path.of("docs/reproduction.md")).toMillis()
                > System.currentTimeMillis() - 60_000, "the current folder's docs/reproduction.md was rewritten");
    }
}
