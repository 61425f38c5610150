package org.dcec4j.dcec.run;

import org.dcec4j.dcec.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per run folder: {@code .dcec.lock} in the folder, locked with {@link FileChannel#tryLock} for
 * the run's lifetime, and holding a line that names its holder (pid, host, start time, command). The
 * operating system releases the lock when its process ends, however it ends, so a lock nobody holds is
 * free: {@link #acquire} takes it, and when the file still names a holder (a run that was killed, since a
 * run that ends empties it) {@link #previousHolder} says whose it was. A live holder makes {@link #acquire}
 * fail with a message naming its pid and host.
 *
 * <p>The file is never deleted: a process could otherwise lock a file that another has just unlinked while a
 * third creates and locks a new one. It is also never opened a second time by its holder (POSIX drops a
 * process's lock when it closes any descriptor of the file), so it is read and written through the one
 * locked channel, and a second acquisition in the same process is refused before it opens the file.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE_NAME = ".dcec.lock";

    /** The lock files this process holds, with their holder lines. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String previousHolder;

    private RunLock(Path file, FileChannel channel, FileLock lock, String previousHolder) {
        this.file = file; this.channel = channel; this.lock = lock; this.previousHolder = previousHolder;
    }

    /**
     * Locks {@code dir} (created if missing) for this process.
     *
     * @param what the command, for the holder line ("dcec train")
     * @throws IllegalArgumentException when another live run holds the folder (its pid and host named)
     */
    public static RunLock acquire(Path dir, String what) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.toRealPath().resolve(FILE_NAME);
        String mine = HELD.get(file);
        if (mine != null) throw busy(dir, mine);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw busy(dir, firstLine(read(ch)));
            String previous = firstLine(read(ch));
            String line = holderLine(what);
            write(ch, line);
            HELD.put(file, firstLine(line));
            return new RunLock(file, ch, lock, previous.isEmpty() ? null : previous);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static IllegalArgumentException busy(Path dir, String holder) {
        return new ConfigException("{runFolder} " + dir + " is in use by another run ("
                + (holder.isEmpty() ? "holder unknown" : holder) + "): wait for it to finish, or choose another {runFolder}");
    }

    private static void write(FileChannel ch, String text) throws IOException {
        ch.truncate(0);
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) ch.write(b, b.position());
        ch.force(true);
    }

    /** "pid 1234 on host build-2, started 2026-…Z by dcec train". */
    private static String holderLine(String what) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return "pid " + ProcessHandle.current().pid() + " on host " + host + ", started " + Instant.now() + " by " + what + "\n";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static String read(FileChannel ch) throws IOException {
        long size = Math.min(ch.size(), 4096);
        ByteBuffer b = ByteBuffer.allocate((int) size);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read on
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** The holder line left by a run that ended without releasing the folder (killed), or null. */
    public String previousHolder() { return previousHolder; }

    /** Empties the lock file (the run ended normally) and releases the lock. */
    @Override public void close() throws IOException {
        try {
            channel.truncate(0);
            channel.force(true);
        } finally {
            HELD.remove(file);
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
