package org.dcec4j.dcec.repro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell's JVM starts CellMain the way the reproduction's JVM was started. Run as a module
 * ({@code java -p dcec.jar -m org.dcec4j.cli reproduce …}) the class path is empty, and every cell failed with
 * "Could not find or load main class org.dcec4j.dcec.repro.CellMain" after a cell JVM given {@code -cp ""}.
 */
class ChildJvmTest {
    /**
     * A symbolic link at a cell's log or attempts.tsv is refused before the cell starts, its target untouched: the files are
     * appended to, through the link (the attempt's header and the whole output went into the link's target).
     */
    @Test void aSymbolicLinkAtACellsLogIsRefused(@TempDir Path dir) throws Exception {
        for (String log : List.of(ChildJvm.STDOUT, ChildJvm.STDERR, Attempt.FILE)) {
            Path run = Files.createDirectories(dir.resolve("cell-" + log));
            Path precious = Files.writeString(dir.resolve("precious-" + log), "precious data\n");
            Files.createSymbolicLink(run.resolve(log), precious);
            List<String> args = List.of("--version");
            ChildJvm jvm = new ChildJvm(List.of());
            java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileSystemException.class,
                    () -> jvm.run(run, args, args, 1));
            jvm.close();
            assertEquals(run.resolve(log) + ": is a symbolic link (to " + precious + "), not the log the cell appends to: delete the link",
                    e.getMessage());
            assertEquals("precious data\n", Files.readString(precious));
        }
    }

    /** Once the reproduction is stopping, no cell starts: nothing is written into its folder and no JVM is started. */
    @Test void afterStopNoCellStarts(@TempDir Path dir) throws Exception {
        ChildJvm jvm = new ChildJvm(List.of());
        jvm.stop();
        List<String> args = List.of("--version");
        ChildJvm.Stopping e = assertThrows(ChildJvm.Stopping.class, () -> jvm.run(dir.resolve("cell"), args, args, 1));
        jvm.close();
        assertTrue(e.getMessage().contains("no further cell is started"), e.getMessage());
        assertEquals(false, Files.exists(dir.resolve("cell")));
    }

    /** A stop while a cell runs ends that cell, records its attempt with the cell's exit code, then refuses to go on. */
    @Test void stopEndsTheRunningCellAndRecordsItsAttempt(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("cell");
        List<String> args = List.of("train", "--dataset", "shapes", "--limit", "200", "--filters", "4,4,8", "--batch-size", "32",
                "--pretrain-epochs", "500", "--threads", "1", "--no-report", "--out", run.toString());
        ChildJvm jvm = new ChildJvm(List.of());
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                jvm.run(run, args, args, 1);
                thrown.complete(null);
            } catch (Throwable x) {
                thrown.complete(x);
            }
        });
        t.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.isRegularFile(run.resolve("pretrain_log.csv")) || Files.readAllLines(run.resolve("pretrain_log.csv")).size() < 2) {
            assertTrue(System.nanoTime() < end && !thrown.isDone(), "the cell did not get to its first epoch: " + thrown.getNow(null));
            Thread.sleep(20);
        }
        jvm.stop();
        Throwable x = thrown.get(60, TimeUnit.SECONDS);
        jvm.close();
        assertTrue(x instanceof ChildJvm.Stopping, String.valueOf(x));
        List<Attempt> attempts = Attempt.read(run);
        assertEquals(1, attempts.size());
        assertEquals(143, attempts.get(0).exit(), Files.readString(run.resolve(ChildJvm.STDERR)));
    }

    @Test void onTheClassPathTheCellRunsFromTheClassPath() {
        assertEquals(List.of("-cp", "a.jar" + File.pathSeparator + "b", CellMain.class.getName()),
                ChildJvm.launcher(null, "a.jar" + File.pathSeparator + "b", null));
    }

    /** The test's class path packed into one jar as the shade plugin packs dcec.jar (an automatic module org.dcec4j.cli). */
    static Path runnableJar(Path jar) throws Exception {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Automatic-Module-Name", "org.dcec4j.cli");
        Set<String> seen = new HashSet<>();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(e);
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator)
                            try (InputStream in = Files.newInputStream(f)) { add(out, seen, p.relativize(f).toString().replace('\\', '/'), in); }
                    }
                } else if (Files.isRegularFile(p) && e.endsWith(".jar")) {
                    try (JarFile jf = new JarFile(p.toFile())) {
                        for (JarEntry je : (Iterable<JarEntry>) jf.stream()::iterator)
                            if (!je.isDirectory()) try (InputStream in = jf.getInputStream(je)) { add(out, seen, je.getName(), in); }
                    }
                }
            }
        }
        return jar;
    }

    private static void add(JarOutputStream out, Set<String> seen, String name, InputStream in) throws Exception {
        if (name.startsWith("META-INF/") || name.endsWith("module-info.class") || !seen.add(name)) return;
        out.putNextEntry(new JarEntry(name));
        in.transferTo((OutputStream) out);
        out.closeEntry();
    }

    @Test void asAModuleTheCellRunsFromTheModulePath(@TempDir Path dir) throws Exception {
        Path jar = runnableJar(dir.resolve("dcec.jar"));
        Path cpu = dir.resolve("cpu");
        // what the reproduction's JVM sees when started with java -p dcec.jar -m org.dcec4j.cli: an empty class path
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ChildJvm.launcher("org.dcec4j.cli", "", jar.toString()));
        cmd.addAll(List.of(cpu.toString(), "--help"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the cell JVM did not end");
        assertEquals(0, p.exitValue(), cmd + "\n" + out);
        assertTrue(out.contains("Usage: dcec"), out);
        assertTrue(Files.isRegularFile(cpu), "CellMain wrote no CPU time");
    }

    /**
     * JDK 17 encodes a new process's arguments in file.encoding, the new JVM decodes them (and file names are) in
     * sun.jnu.encoding. Under -Dfile.encoding=ISO-8859-1 on a UTF-8 system a --work folder "wörk" reached the cell as
     * "w\xf6rk": the cell wrote its results into another folder and the reproduction failed with "predictions.csv: no
     * such file or folder". The reproduction runs in a JVM of its own with that option.
     */
    @Test void aCellGetsItsNonAsciiPathsUnderAnotherFileEncoding(@TempDir Path dir) throws Exception {
        assumeTrue("UTF-8".equals(System.getProperty("sun.jnu.encoding")), "file names are not UTF-8 here");
        Path work = dir.resolve("wörk €"), results = dir.resolve("résultats"), log = dir.resolve("log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (a.startsWith("--add-modules")) cmd.add(a);
        cmd.addAll(List.of("-Dfile.encoding=ISO-8859-1", "-cp", System.getProperty("java.class.path"), "org.dcec4j.dcec.cli.DcecCommand",
                "reproduce", "--quick", "--plan", "shapes:0", "--methods", "kmeans", "--threads", "1",
                "--work", work.toString(), "--results", results.toString(), "--table", dir.resolve("table.md").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reproduction did not end");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(Files.isRegularFile(work.resolve("shapes/seed-0/kmeans/predictions.csv")), out);
        assertTrue(Files.isRegularFile(results.resolve("shapes/seed-0/kmeans/result.json")), out);
        try (Stream<Path> l = Files.list(dir)) {
            // and the lock file of the page's folder, which the reproduction held
            assertEquals(Set.of("wörk €", "résultats", "table.md", "log", org.dcec4j.dcec.run.RunLock.FILE_NAME), l.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test void eachWordIsGivenAsTheStringWhoseBytesInTheProcessCharsetAreItsFileNameBytes() throws Exception {
        List<String> cmd = List.of("java", "/tmp/résultats €/x");
        assertEquals(cmd, ChildJvm.forExec(cmd, StandardCharsets.UTF_8, StandardCharsets.UTF_8));
        List<String> l = ChildJvm.forExec(cmd, StandardCharsets.ISO_8859_1, StandardCharsets.UTF_8);
        assertEquals(cmd.size(), l.size());
        for (int i = 0; i < cmd.size(); i++)       // what JDK 17's ProcessBuilder then passes under -Dfile.encoding=ISO-8859-1
            assertArrayEquals(cmd.get(i).getBytes(StandardCharsets.UTF_8), l.get(i).getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> ChildJvm.forExec(cmd, StandardCharsets.US_ASCII, StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("'/tmp/résultats €/x'") && e.getMessage().contains("-Dfile.encoding=UTF-8"), e.getMessage());
    }
}
