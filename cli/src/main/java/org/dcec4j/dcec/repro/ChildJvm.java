package org.dcec4j.dcec.repro;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one `dcec` command in its own JVM: the java of {@code java.home}, this JVM's class path (or, when the
 * command line runs as a module, {@code java -p dcec.jar -m org.dcec4j.cli}, its module path: {@link #launcher}),
 * {@code --add-modules jdk.incubator.vector} when this JVM has that module (the same kernels as the caller),
 * every {@code -Ddcec4j.*} system property of this JVM, then the user's extra JVM options. Standard output and
 * error are appended to {@code stdout.log} and {@code stderr.log} in the run folder, each attempt after a
 * {@link ConsoleSummary#ATTEMPT_MARKER} line; the attempt is appended to {@code attempts.tsv}. Niceness is
 * inherited: start the reproduction under {@code nice} to run every cell under it.
 */
final class ChildJvm {
    static final String STDOUT = "stdout.log", STDERR = "stderr.log";
    private static final String CPU_FILE = ".cpu-seconds";

    private final List<String> jvmOptions;
    private Process running;               // guarded by this, with stopping
    private boolean stopping;
    private final Thread killer = new Thread(this::stop, "dcec-reproduce-cleanup");
    private boolean hooked;

    /** @param extra options for every cell's JVM (e.g. -Xmx8g) */
    ChildJvm(List<String> extra) {
        List<String> o = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) o.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        Map<String, String> props = new TreeMap<>();
        System.getProperties().forEach((k, v) -> { if (k.toString().startsWith("dcec4j.")) props.put(k.toString(), v.toString()); });
        props.forEach((k, v) -> o.add("-D" + k + "=" + v));
        o.addAll(extra);
        this.jvmOptions = List.copyOf(o);
    }

    /**
     * The options that start {@link CellMain} as this JVM found it: from the class path, or, when it is in the named
     * module {@code module} (the command line started with {@code -m}; the class path is then empty), from the
     * module path, every module of it resolved as this JVM may have been told with {@code --add-modules}.
     */
    static List<String> launcher(String module, String classPath, String modulePath) {
        String main = CellMain.class.getName();
        if (module == null) return List.of("-cp", classPath, main);
        List<String> l = new ArrayList<>(List.of("--module-path", modulePath == null ? "" : modulePath, "--add-modules", "ALL-MODULE-PATH"));
        if (classPath != null && !classPath.isEmpty()) l.addAll(List.of("-cp", classPath));
        l.addAll(List.of("-m", module + "/" + main));
        return l;
    }

    /** The JVM options every cell gets (recorded in the result files). */
    List<String> jvmOptions() { return jvmOptions; }

    /**
     * Runs {@code dcec args} with the run folder's logs; {@code recorded} is the form written to attempts.tsv and
     * the log headers. Stops the cell's JVM if this one is interrupted or shut down; once it is shutting down
     * ({@link #stop}), throws {@link Stopping} instead of starting a cell, and after recording the attempt of one
     * that was running.
     */
    Attempt run(Path runDir, List<String> args, List<String> recorded, int attemptNumber) throws IOException, InterruptedException {
        refuseWhenStopping();
        Path cpuFile = runDir.resolve(CPU_FILE);
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(jvmOptions);
        Module self = CellMain.class.getModule();
        cmd.addAll(launcher(self.isNamed() ? self.getName() : null, System.getProperty("java.class.path"), System.getProperty("jdk.module.path")));
        cmd.add(cpuFile.toString());
        cmd.addAll(args);
        List<String> exec = forExec(cmd, PROCESS_ARGUMENT_CHARSET, JNU_CHARSET);     // before anything is written
        Files.createDirectories(runDir);
        // the logs and attempts.tsv are appended to, which follows a symbolic link: one planted at their names (a results
        // folder from elsewhere, continued) had every attempt's output appended to the link's target
        for (String log : List.of(STDOUT, STDERR, Attempt.FILE)) {
            Path f = runDir.resolve(log);
            if (Files.isSymbolicLink(f))
                throw new java.nio.file.FileSystemException(f.toString(), null, "is a symbolic link (to " + Files.readSymbolicLink(f)
                        + "), not the log the cell appends to: delete the link");
        }
        Files.deleteIfExists(cpuFile);
        Files.deleteIfExists(runDir.resolve(CellJvm.FILE));     // what it says is the last attempt's, written by its JVM
        String header = ConsoleSummary.ATTEMPT_MARKER + " attempt " + attemptNumber + ": " + Commands.line(recorded) + "\n";
        for (String log : List.of(STDOUT, STDERR))
            Files.writeString(runDir.resolve(log), header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(exec)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve(STDOUT).toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(runDir.resolve(STDERR).toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        synchronized (this) {
            if (!hooked) { Runtime.getRuntime().addShutdownHook(killer); hooked = true; }
        }
        long t0 = System.nanoTime();
        Process p;
        // started and published under the lock that stop() takes: either stop() finds this cell's process and ends it,
        // or this finds stopping set and starts nothing (without it a SIGTERM between start() and the assignment left
        // the new cell running with nobody to stop it)
        synchronized (this) {
            refuseWhenStopping();
            p = pb.start();
            running = p;
        }
        p.getOutputStream().close();
        Attempt a;
        try {
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                end(p);
                throw e;
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            Double cpu = null;
            if (Files.isRegularFile(cpuFile)) {
                try {
                    cpu = Double.parseDouble(Files.readString(cpuFile, StandardCharsets.UTF_8).trim());
                } catch (NumberFormatException e) {
                    cpu = null;
                }
                Files.deleteIfExists(cpuFile);
            }
            a = new Attempt(exit, wall, cpu, recorded);
            a.append(runDir);
        } finally {
            // released only once the attempt is recorded: stop() waits for it, so the JVM does not halt mid-line
            synchronized (this) {
                running = null;
                notifyAll();
            }
        }
        refuseWhenStopping();      // the attempt is recorded; the runner neither reports it as a failure nor goes on
        return a;
    }

    /** The charset of file names and of a JVM's own arguments: sun.jnu.encoding (from the locale, LANG/LC_ALL). */
    static final Charset JNU_CHARSET = charset(System.getProperty("sun.jnu.encoding"));

    /**
     * The charset in which {@link ProcessBuilder} encodes a new process's command: JDK 17 uses the default charset
     * (file.encoding), JDK 18 and later sun.jnu.encoding.
     */
    static final Charset PROCESS_ARGUMENT_CHARSET = Runtime.version().feature() < 18 ? Charset.defaultCharset() : JNU_CHARSET;

    private static Charset charset(String name) {
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    /**
     * The command to give {@link ProcessBuilder} so that the new JVM receives every word as the bytes of {@code jnu}, the
     * charset in which it decodes its arguments and in which file names are stored. When the JDK encodes the command in
     * another charset ({@code encodes}: JDK 17 under {@code -Dfile.encoding=ISO-8859-1} on a UTF-8 system), each word is
     * replaced by the string whose {@code encodes} bytes are its {@code jnu} bytes; a word that cannot be carried that
     * way is refused. Without this a work folder /tmp/résultats reached the cell as /tmp/r\xe9sultats: the cell wrote
     * into a folder of that name and the reproduction failed with "predictions.csv: no such file or folder".
     */
    static List<String> forExec(List<String> cmd, Charset encodes, Charset jnu) throws IOException {
        if (encodes.equals(jnu)) return cmd;
        List<String> l = new ArrayList<>(cmd.size());
        for (String w : cmd) {
            try {
                byte[] b = bytes(jnu, w);
                String carried = encodes.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
                if (!Arrays.equals(bytes(encodes, carried), b)) throw new CharacterCodingException();
                l.add(carried);
            } catch (CharacterCodingException e) {
                throw new IOException("cannot start a cell's JVM with the argument '" + w + "': this JVM encodes the arguments of the"
                        + " processes it starts in " + encodes + " (file.encoding), file names are in " + jnu + " (sun.jnu.encoding,"
                        + " from the locale); run dcec reproduce without -Dfile.encoding, or with -Dfile.encoding=" + jnu);
            }
        }
        return l;
    }

    private static byte[] bytes(Charset c, String s) throws CharacterCodingException {
        ByteBuffer b = c.newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(s));
        return Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    }

    /** Removes the shutdown hook (call when the reproduction is done). */
    synchronized void close() {
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            hooked = false;
        }
    }

    /**
     * The reproduction is ending (its JVM shuts down: SIGTERM, Ctrl-C): the running cell, if any, is stopped and no
     * other starts. Without the second half the main thread, seeing the stopped cell's exit, went on to start the next
     * cell in the moments before the JVM halted.
     */
    void stop() {
        Process p;
        synchronized (this) {
            stopping = true;
            p = running;
        }
        if (p == null) return;
        end(p);
        synchronized (this) {         // let run() record the stopped cell's attempt before the JVM halts (a few ms)
            long until = System.nanoTime() + 5_000_000_000L;
            try {
                while (running == p && System.nanoTime() < until) wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Thrown by {@link #run} once {@link #stop} has been called: no cell is started. */
    static final class Stopping extends java.io.InterruptedIOException {
        Stopping() {
            super("the reproduction is stopping (it was sent a signal): no further cell is started; run the same command again to continue");
        }
    }

    private synchronized void refuseWhenStopping() throws Stopping {
        if (stopping) throw new Stopping();
    }

    private static void end(Process p) {
        p.destroy();
        try {
            // SIGTERM: the cell stops at its next batch boundary and releases its folder, within SignalStop's wait
            if (!p.waitFor(org.dcec4j.dcec.cli.SignalStop.GRACE_SECONDS + 5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
