package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.dcec4j.dcec.Version;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.engine.io.TensorFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dcec info} on the files a real run wrote: the first lines say what each one is (checked against the
 * run's options), every metadata entry and every tensor of the file (read back with TensorFile) is listed with its
 * value and shape, a checkpoint's verdict follows its arithmetic version, and a file that is not a tensor file or is
 * damaged is refused naming it, exit code 1.
 */
class InfoCommandTest {
    @Test void describesWhatARunWrote(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Object[] r = DcecCommandTest.run("train", "--limit", "60", "--clusters", "3", "--pretrain-epochs", "1",
                "--max-iter", "2", "--update-interval", "1", "--kmeans-restarts", "1", "--checkpoint-every", "1", "--no-report",
                "--no-baseline", "--out", run.toString());
        assertEquals(0, r[0], (String) r[2]);

        String model = info(run.resolve(RunFolder.MODEL));
        String[] lines = model.split("\n");
        assertEquals(run.resolve(RunFolder.MODEL) + " (" + String.format(java.util.Locale.ROOT, "%,d", Files.size(run.resolve(RunFolder.MODEL)))
                + " bytes, checksums verified)", lines[0]);
        assertTrue(lines[1].startsWith("  a trained dcec model for 1x28x28 images, 3 clusters;"), lines[1]);
        listsEverything(TensorFile.read(run.resolve(RunFolder.MODEL)), model);

        String weights = info(run.resolve("cae_weights.dc4j"));
        assertTrue(weights.split("\n")[1].equals("  the weights of a ConvAutoencoder (pretrained weights for --weights)"), weights);
        listsEverything(TensorFile.read(run.resolve("cae_weights.dc4j")), weights);

        Path ck = run.resolve(RunFolder.CHECKPOINT);
        String checkpoint = info(ck);
        assertEquals("  a checkpoint of the clustering, at iteration 2, written by dcec4j " + Version.RELEASE + ", commit " + Version.commit()
                + ", arithmetic " + Version.ARITHMETIC + "; this dcec4j can continue it with --resume", checkpoint.split("\n")[1]);
        listsEverything(TensorFile.read(ck), checkpoint);

        rewrite(ck, "arithmetic", Integer.toString(Version.ARITHMETIC + 1));
        assertTrue(info(ck).split("\n")[1].endsWith("arithmetic " + (Version.ARITHMETIC + 1) + "; another arithmetic: this dcec4j (arithmetic "
                + Version.ARITHMETIC + ") would refuse to continue it"), info(ck));
        rewrite(ck, "arithmetic", null);
        rewrite(ck, "release", null);
        rewrite(ck, "data_crc32c", null);
        assertTrue(info(ck).split("\n")[1].endsWith("written by a dcec4j from before 2026-12-05; this dcec4j cannot check its data or"
                + " arithmetic and would refuse it"), info(ck));

        r = DcecCommandTest.run("info", run.resolve(RunFolder.CONFIG_JSON).toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[2]).startsWith("dcec: " + run.resolve(RunFolder.CONFIG_JSON) + ": at byte 0: expected magic"), (String) r[2]);
        byte[] b = Files.readAllBytes(run.resolve(RunFolder.MODEL));
        b[b.length / 2] ^= 1;
        Files.write(dir.resolve("damaged.dc4j"), b);
        r = DcecCommandTest.run("info", dir.resolve("damaged.dc4j").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[2]).contains(dir.resolve("damaged.dc4j") + ": ") && ((String) r[2]).contains("CRC"), (String) r[2]);
        assertEquals("", r[1]);
    }

    private static String info(Path file) {
        Object[] r = DcecCommandTest.run("info", file.toString());
        assertEquals(0, r[0], (String) r[2]);
        return (String) r[1];
    }

    /** Every metadata key with the first line of its value, and every tensor with its shape, each on a line of its own. */
    private static void listsEverything(TensorFile f, String text) {
        for (var e : f.meta().entrySet())
            assertTrue(text.lines().anyMatch(l -> l.matches("  " + java.util.regex.Pattern.quote(e.getKey()) + " +"
                    + java.util.regex.Pattern.quote(e.getValue().strip().split("\n")[0]))), e.getKey() + " in\n" + text);
        for (String n : f.names())
            assertTrue(text.lines().anyMatch(l -> l.matches("  " + java.util.regex.Pattern.quote(n) + " +"
                    + java.util.regex.Pattern.quote(Arrays.toString(f.get(n).shape())))), n + " in\n" + text);
        assertTrue(text.contains("tensors: " + f.names().size() + ","), text);
    }

    /** Rewrites {@code ck} with one metadata entry replaced (null: removed). */
    private static void rewrite(Path ck, String key, String value) throws Exception {
        TensorFile f = TensorFile.read(ck);
        TensorFile.Builder b = TensorFile.builder();
        f.meta().forEach((k, v) -> { if (!k.equals(key)) b.meta(k, v); });
        if (value != null) b.meta(key, value);
        for (String n : f.names()) b.tensor(n, f.get(n).shape(), f.get(n).data());
        Files.write(ck, b.toBytes());
    }
}
