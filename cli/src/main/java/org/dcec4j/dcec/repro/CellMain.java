package org.dcec4j.dcec.repro;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.dcec4j.dcec.cli.DcecCommand;
import org.dcec4j.dcec.cli.SignalStop;

/**
 * The main class of a cell's JVM: writes {@link CellJvm} (this JVM's CPU, JDK and options) into the run folder, the
 * folder of the first argument; runs {@code dcec <args>} exactly as {@link DcecCommand#main} does, then
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
        // stopped (the reproduction's own shutdown sends SIGTERM, Ctrl-C reaches every process of the terminal): the run
        // ends at a batch boundary and releases its folder, as a `dcec train` does; so does the System.exit below
        SignalStop stop = null;
        try {
            stop = SignalStop.install(System.err);
        } catch (IllegalArgumentException e) {    // a --jvm-option -Ddcec4j.stopWaitSeconds it cannot take
            System.err.println("dcec: " + e.getMessage());
            System.exit(2);
        }
        // a cell outlives its reproduction only by mistake (the parent killed with SIGKILL, whose shutdown hook never runs):
        // it would keep its run folder locked and fail the rerun that continues it
        ProcessHandle.current().parent().ifPresent(parent -> exitWhenEnded(parent, () -> {
            System.err.println("dcec reproduce: the reproduction that started this cell (pid " + parent.pid() + ") has ended; stopping");
            System.exit(143);
        }));
        // this JVM as it sees itself, for the result files (a later reproduction that collects the run is another JVM)
        try {
            CellJvm.current(args.length).write(Path.of(args[0]).toAbsolutePath().getParent());
        } catch (IOException | RuntimeException e) {
            System.err.println("dcec reproduce: " + CellJvm.FILE + " not written (the result will say the JVM is unknown): " + e);
        }
        int rc = DcecCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
        System.out.flush();
        System.err.flush();
        Duration cpu = ProcessHandle.current().info().totalCpuDuration().orElse(null);
        if (cpu != null)
            Files.writeString(Path.of(args[0]), String.format(Locale.ROOT, "%.3f%n", cpu.toNanos() / 1e9), StandardCharsets.UTF_8);
        stop.uninstall();
        System.exit(rc);
    }

    /**
     * Runs {@code exit} when {@code parent} ends (checked once a second on a daemon thread: onExit of a process that is
     * not this JVM's child polls as well). System.exit then runs the shutdown hooks: the run lock is released and the
     * last checkpoint, written atomically, is what a rerun continues from.
     */
    static void exitWhenEnded(ProcessHandle parent, Runnable exit) {
        Thread t = new Thread(() -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exit.run();
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
