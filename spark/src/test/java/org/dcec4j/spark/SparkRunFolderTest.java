package org.dcec4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.dcec4j.dcec.DcecConfig;
import org.dcec4j.dcec.run.RunFolder;
import org.dcec4j.dcec.train.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed run folder's own files (no Spark session needed). */
class SparkRunFolderTest {
    /**
     * The logs' headers replace a symbolic link at their names and leave its target alone: Files.writeString followed it,
     * writing the header over an existing target, or creating the file where a dangling link pointed.
     */
    @Test void theLogsReplaceASymbolicLinkAtTheirNames(@TempDir Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Path precious = Files.writeString(tmp.resolve("precious.txt"), "precious data\n");
        Path nowhere = tmp.resolve("created-by-the-run.txt");
        Files.createSymbolicLink(dir.resolve(RunFolder.PRETRAIN_LOG), precious);
        Files.createSymbolicLink(dir.resolve(RunFolder.DCEC_LOG), nowhere);
        SparkRunFolder folder = new SparkRunFolder(dir, DcecConfig.defaults(), null, "local[1]");
        folder.phaseStarted(Phase.PRETRAIN, 0, 1);
        folder.phaseStarted(Phase.CLUSTER, 0, 1);
        assertEquals("precious data\n", Files.readString(precious));
        assertTrue(Files.notExists(nowhere), "nothing created where the dangling link pointed");
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.PRETRAIN_LOG), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(dir.resolve(RunFolder.DCEC_LOG), LinkOption.NOFOLLOW_LINKS));
        assertEquals(RunFolder.PRETRAIN_HEADER + "\n", Files.readString(dir.resolve(RunFolder.PRETRAIN_LOG)));
        assertEquals(RunFolder.DCEC_HEADER + "\n", Files.readString(dir.resolve(RunFolder.DCEC_LOG)));
    }
    /**
     * A folder holding any file a single-machine run writes ({@link RunFolder#OUTPUTS}, its run.log of a stop included) or
     * the Parquet predictions is refused without overwrite, naming the file, nothing deleted; with overwrite all of them
     * are deleted (the Parquet folder with its part files), and a file of the user's is kept. run.log was not among
     * them: a single-machine run's "stopped ... resume with --resume" line stayed beside a complete distributed run.
     */
    @Test void aFolderWithAnotherRunsFilesIsRefusedOrClearedWholeWithOverwrite(@TempDir Path tmp) throws IOException {
        List<String> names = new java.util.ArrayList<>(RunFolder.OUTPUTS);
        names.add("predictions.parquet");
        for (String name : names) {
            Path dir = Files.createDirectories(tmp.resolve("one-" + name));
            Files.writeString(dir.resolve(name), "x");
            org.dcec4j.dcec.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(org.dcec4j.dcec.ConfigException.class,
                    () -> new SparkRunFolder(dir, DcecConfig.defaults(), null, "local[1]").prepare(false), name);
            assertTrue(e.getMessage().contains("holds the results of another run (" + name + ")"), e.getMessage());
            assertEquals("x", Files.readString(dir.resolve(name)), name + " is kept when refused");
        }
        Path dir = Files.createDirectories(tmp.resolve("all"));
        for (String name : names)
            if (!name.equals("predictions.parquet")) Files.writeString(dir.resolve(name), "x");
        Files.writeString(Files.createDirectories(dir.resolve("predictions.parquet")).resolve("part-00000.parquet"), "x");
        Files.writeString(dir.resolve("notes.txt"), "mine");
        new SparkRunFolder(dir, DcecConfig.defaults(), null, "local[1]").prepare(true);
        try (var left = Files.list(dir)) {
            assertEquals(List.of("notes.txt"), left.map(f -> f.getFileName().toString()).toList());
        }
    }
}
