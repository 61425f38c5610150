package org.dcec4j.dcec.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The dcec command in another JVM: same class path and Vector API flag as this one, output into a file. */
final class Forked {
    private Forked() {}

    static Process dcec(Path log, List<String> jvmOptions, String... args) throws IOException {
        return dcec(log, true, jvmOptions, args);
    }

    /** As {@link #dcec(Path, List, String...)}; without this JVM's Vector API flag when vectorFlag is false. */
    static Process dcec(Path log, boolean vectorFlag, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (vectorFlag)
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) if (a.startsWith("--add-modules")) cmd.add(a);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(DcecCommand.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (polling) until the condition holds; fails when the process ends first or after 60 s. */
    static void awaitWhileAlive(Process p, Path log, BooleanSupplier condition) throws InterruptedException, IOException {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (!p.isAlive()) throw new AssertionError("the forked run ended (exit " + p.exitValue() + ") too early:\n" + Files.readString(log));
            if (System.nanoTime() > end) throw new AssertionError("the forked run did not get there in 60 s:\n" + Files.readString(log));
            Thread.sleep(10);
        }
    }
}
