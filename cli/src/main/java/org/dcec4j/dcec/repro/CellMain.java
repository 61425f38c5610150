package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.dcec4j.dcec.cli.DcecCommand;

/**
 * The main class of a cell's JVM: runs {@code dcec <args>} exactly as {@link DcecCommand#main} does, then
 * writes the process's CPU time (all threads, GC and JIT included, {@link ProcessHandle.Info#totalCpuDuration})
 * to the file named by the first argument, since a parent can no longer ask for it once the process has exited.
 *
 * <p>Usage: {@code CellMain <cpu-seconds file> <dcec arguments…>}
 */
public final class CellMain {
    private CellMain() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: CellMain <cpu-seconds file> <dcec arguments...>");
            System.exit(2);
        }
        int rc = DcecCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        System.out.flush();
        System.err.flush();
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(null);
        if (cpu != null)
            Files.writeString(Path.of(args[0]), String.format(Locale.ROOT, "%.3f%n", cpu.toNanos() / 1e9), StandardCharsets.UTF_8);
        System.exit(rc);
    }
}
