package org.dcec4j.dcec.cli;

import static org.dcec4j.dcec.cli.DcecCommandTest.pngFolder;
import static org.dcec4j.dcec.cli.DcecCommandTest.run;
import static org.dcec4j.dcec.cli.FaultTest.args;
import static org.dcec4j.dcec.cli.FaultTest.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.datasets.Shapes;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume} of a folder whose checkpoint is refused, or whose options contradict it: nothing is lost. */
class ResumeTest {
    @TempDir Path tmp;

    /** The bytes of every file in {@code dir} (the lock file aside), by name. */
    static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String name : FaultTest.names(dir))
            if (!name.equals(".dcec.lock")) m.put(name, Files.readAllBytes(dir.resolve(name)));
        return m;
    }

    static void assertSameFiles(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), "the same files");
        for (String name : before.keySet()) assertArrayEquals(before.get(name), after.get(name), name);
    }

    /** The options of a finished run of 20 shape images in {@code out}, with checkpoints (FaultTest.options). */
    private List<String> finishedRun(Path out) throws IOException {
        List<String> o = options(pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12)), 2, 4);
        Object[] r = run(args("train", o, "--out", out.toString()));
        assertEquals(0, r[0], (String) r[2]);
        return o;
    }

    /**
     * A finished run's checkpoint whose checksum is intact but whose weights hold an infinity (edited, or written by
     * another version): {@code --resume} refuses it with one line naming the file and the tensor, and the model,
     * predictions and baseline of the run's end are left as they were. The weights used to be checked only when the run
     * restored them, after the command had accepted the checkpoint and deleted those files.
     */
    @Test void aCheckpointWithBadWeightsIsRefusedBeforeAnythingIsDeleted() throws Exception {
        Path out = tmp.resolve("run");
        List<String> o = finishedRun(out);
        Path ck = out.resolve(RunFolder.CHECKPOINT);
        TensorFile f = TensorFile.read(ck);
        assertEquals("cluster", f.meta("phase"));
        String weight = f.names().stream().filter(n -> n.startsWith("model.")).findFirst().orElseThrow();
        TensorFile.Builder b = TensorFile.builder();
        f.meta().forEach(b::meta);
        for (String n : f.names()) {
            float[] v = f.get(n).data().clone();
            if (n.equals(weight)) v[3] = Float.POSITIVE_INFINITY;
            b.tensor(n, f.get(n).shape(), v);
        }
        Files.write(ck, b.toBytes());
        Map<String, byte[]> before = contents(out);
        assertTrue(before.keySet().containsAll(List.of(RunFolder.MODEL, RunFolder.PREDICTIONS)), before.keySet().toString());

        Object[] r = run(args("train", o, "--resume", "--out", out.toString()));
        String err = ((String) r[2]).strip();
        assertEquals(1, r[0], err);
        assertEquals("dcec: " + ck + ": parameter '" + weight + "' holds Infinity at index 3 (weights saved from a diverged run?);"
                + " expected finite values", err);
        assertSameFiles(before, out);
    }

    /**
     * A checkpoint cut short or with one byte changed (a disk fault, a copy that stopped): {@code --resume} refuses it with
     * one line naming the file, the byte and what was expected, and every file of the folder is left as it was.
     */
    @Test void aTruncatedOrDamagedCheckpointIsRefusedAndNothingIsLost() throws Exception {
        Path out = tmp.resolve("run");
        List<String> o = finishedRun(out);
        Path ck = out.resolve(RunFolder.CHECKPOINT);
        byte[] good = Files.readAllBytes(ck);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        byte[][] bad = {java.util.Arrays.copyOf(good, good.length / 2), flipped, java.util.Arrays.copyOf(good, 10), new byte[0]};
        for (byte[] b : bad) {
            Files.write(ck, b);
            Map<String, byte[]> before = contents(out);
            Object[] r = run(args("train", o, "--resume", "--out", out.toString()));
            String err = ((String) r[2]).strip();
            assertEquals(1, r[0], err);
            assertTrue(err.startsWith("dcec: " + ck + ": at byte ") && err.contains(": expected ") && !err.contains("\n"), err);
            assertSameFiles(before, out);
        }
    }

    /**
     * {@code cluster --resume --weights} naming other weights than those the clustering started from: refused with exit
     * code 2 and one line naming the option and both weights, nothing changed; the weights it started from resume. The
     * checkpoint holds the network, so the other weights were silently ignored and the run went on from the first ones.
     */
    @Test void clusterResumeWithOtherWeightsIsRefused() throws Exception {
        Path images = pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        assertEquals(0, run(DcecCommandTest.quick("pretrain", "--dataset", images.toString(), "--out", a.toString()))[0]);
        assertEquals(0, run(DcecCommandTest.quick("pretrain", "--dataset", images.toString(), "--out", b.toString(), "--seed", "1"))[0]);
        Path wa = a.resolve("cae_weights.dc4j"), wb = b.resolve("cae_weights.dc4j");
        Object[] r = run(DcecCommandTest.quick("cluster", "--dataset", images.toString(), "--weights", wa.toString(), "--out", c.toString(),
                "--checkpoint-every", "1"));
        assertEquals(0, r[0], (String) r[2]);
        byte[] model = Files.readAllBytes(c.resolve(RunFolder.MODEL));
        Map<String, byte[]> before = contents(c);
        r = run(DcecCommandTest.quick("cluster", "--dataset", images.toString(), "--weights", wb.toString(), "--out", c.toString(),
                "--checkpoint-every", "1", "--resume"));
        String err = ((String) r[2]).strip();
        assertEquals(2, r[0], err);
        assertTrue(err.startsWith("dcec: --resume: " + c.resolve(RunFolder.CHECKPOINT) + " continues a clustering of other pretrained weights"
                + " (CRC-32C ") && err.contains("--weights " + wb + " (CRC-32C ") && err.endsWith(
                "pass the --weights the run was started with, or start it again with --overwrite"), err);
        assertSameFiles(before, c);
        r = run(DcecCommandTest.quick("cluster", "--dataset", images.toString(), "--weights", wa.toString(), "--out", c.toString(),
                "--checkpoint-every", "1", "--resume"));
        assertEquals(0, r[0], (String) r[2]);
        assertArrayEquals(model, Files.readAllBytes(c.resolve(RunFolder.MODEL)));
    }

    /**
     * {@code --resume} with options that contradict the checkpoint: refused with exit code 2 and one line that names each
     * option and both values, nothing changed. It printed the two settings strings on lines of their own and left the
     * difference to be found.
     */
    @Test void otherOptionsAreRefusedNamingEachOption() throws Exception {
        Path out = tmp.resolve("run");
        List<String> o = finishedRun(out);
        Map<String, byte[]> before = contents(out);
        Object[] r = run(args("train", o, "--resume", "--seed", "7", "--gamma", "0.5", "--out", out.toString()));
        assertEquals(2, r[0], (String) r[2]);
        assertEquals("dcec: --resume: " + out.resolve(RunFolder.CHECKPOINT) + " was written with other settings (--gamma 0.1 (now 0.5),"
                + " --seed 0 (now 7)): pass the same settings as the killed run", ((String) r[2]).strip());
        assertSameFiles(before, out);
    }

    /**
     * {@code --resume} with other images (here {@code --limit 10} of the run's 20): refused with exit code 2 and one line
     * naming both data sets and the options that choose them, nothing changed. It named the data sets only.
     */
    @Test void otherDataIsRefusedNamingTheOptionsThatChooseIt() throws Exception {
        Path out = tmp.resolve("run");
        List<String> o = finishedRun(out);
        Map<String, byte[]> before = contents(out);
        Object[] r = run(args("train", o, "--resume", "--limit", "10", "--out", out.toString()));
        assertEquals(2, r[0], (String) r[2]);
        String err = ((String) r[2]).strip();
        assertTrue(err.startsWith("dcec: --resume: " + out.resolve(RunFolder.CHECKPOINT) + " was written for other data ("), err);
        assertTrue(err.matches(".* N=20 .*\\), now .* N=10 .*: pass the --dataset, --limit, --image-size and"
                + " --channels the run was started with"), err);
        assertSameFiles(before, out);
    }

    /**
     * A model or weights file at checkpoint.dc4j (copied over it): refused with one line naming the file, what it holds and
     * what was expected, nothing changed. It said only "is not a dcec checkpoint".
     */
    @Test void aForeignFileAtTheCheckpointsNameSaysWhatItIsAndWhatWasExpected() throws Exception {
        Path out = tmp.resolve("run");
        List<String> o = finishedRun(out);
        Path ck = out.resolve(RunFolder.CHECKPOINT);
        String[][] cases = {
                {RunFolder.MODEL, "'dcec-model' (a model, as model.dc4j)"},
                {"cae_weights.dc4j", "'module' (pretrained weights, as cae_weights.dc4j)"},
        };
        for (String[] c : cases) {
            Files.copy(out.resolve(c[0]), ck, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Map<String, byte[]> before = contents(out);
            Object[] r = run(args("train", o, "--resume", "--out", out.toString()));
            assertEquals(2, r[0], (String) r[2]);
            assertEquals("dcec: --resume: " + ck + " is not a dcec checkpoint: its 'kind' is " + c[1]
                    + "; expected 'dcec-checkpoint', the checkpoint.dc4j that a run with --checkpoint-every writes", ((String) r[2]).strip());
            assertSameFiles(before, out);
        }
    }
}
