package org.dcec4j.dcec.run;

import org.dcec4j.dcec.ConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per run folder: {@code .dcec.lock} in the folder, locked with {@link java.nio.channels.FileChannel#tryLock} for
 * the run's lifetime, and holding a line that names its holder (pid, host, start time, command). The
 * operating system releases the lock when its process ends, however it ends, so a lock nobody holds is
 * free: {@link #acquire} takes it, and when the file still names a holder (a run that was killed, since a
 * run that ends empties it) {@link #previousHolder} says whose it was. A live holder makes {@link #acquire}
 * fail with a message naming its pid and host.
 *
 * <p>The file is never deleted: a process could otherwise lock a file that another has just unlinked while a
 * third creates and locks a new one. It is also never opened a second time by its holder (POSIX drops a
 * process's lock when it closes any descriptor of the file), so it is read and written through the one
 * locked file, and a second acquisition in the same process is refused before it opens the file: the folder is
 * reserved in a process-wide map first, and freed there only after the holder has closed the file.
 *
 * <p>The file is a {@link RandomAccessFile}, read and written with its own (java.io) methods; its channel serves only
 * to take and release the lock, with the thread's interrupt flag put aside for those two calls. An NIO channel is
 * closed by an interrupt of the thread using it, which releases the lock and fails every later call: a library caller
 * who interrupts a fit to cancel it would otherwise leave the holder line behind, as if the run had been killed.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE_NAME = ".dcec.lock";

    /** The lock files this process holds or is taking, with their holder lines. */
    private static final Map<Path, Reservation> HELD = new ConcurrentHashMap<>();

    /** One acquisition's entry in {@link #HELD}; compared by identity, so that only its own acquisition removes it. */
    private static final class Reservation {
        final String holder;
        Reservation(String holder) { this.holder = holder; }
    }

    private final Path file;
    private final Reservation reservation;
    private final RandomAccessFile raf;
    private final FileLock lock;
    private final String previousHolder;

    private boolean closed;

    private RunLock(Path file, Reservation reservation, RandomAccessFile raf, FileLock lock, String previousHolder) {
        this.file = file; this.reservation = reservation; this.raf = raf; this.lock = lock; this.previousHolder = previousHolder;
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
        String line = holderLine(what);
        // Reserved before the file is opened: a second thread of this process that opened it too, found it locked and
        // closed its descriptor would release this process's lock (POSIX), leaving the folder unlocked while it runs.
        Reservation mine = new Reservation(firstLine(line));
        Reservation other = HELD.putIfAbsent(file, mine);
        if (other != null) throw busy(dir, other.holder);
        // RandomAccessFile follows a symbolic link: one planted at the lock's name (a run folder from elsewhere, where the
        // name is hidden) had its target overwritten with the holder line and then emptied when the run ended
        if (Files.isSymbolicLink(file)) {
            HELD.remove(file, mine);
            String target;
            try {
                target = "to " + Files.readSymbolicLink(file);
            } catch (IOException e) {
                target = "unreadable";
            }
            throw new ConfigException("{runFolder} " + ConfigException.quote(dir) + ": its lock file " + FILE_NAME + " is a symbolic link (" + ConfigException.quote(target)
                    + "), not the plain file a run creates: the run would write into the link's target and empty it when it ends;"
                    + " delete the link (" + ConfigException.quote(file) + ") or choose another {runFolder}");
        }
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");   // created if missing
        } catch (IOException | RuntimeException e) {
            HELD.remove(file, mine);
            // its FileNotFoundException reads "path (Read-only file system)": named as every other failed file operation
            if (e instanceof IOException io) throw org.dcec4j.datasets.IoErrors.onFile(file, io);
            throw e;
        }
        try {
            FileLock lock;
            boolean interrupted = Thread.interrupted();   // put aside: with the flag set, the channel would refuse and close
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
            if (lock == null) throw busy(dir, firstLine(read(raf)));
            String previous = firstLine(read(raf));
            write(file, raf, line);
            return new RunLock(file, mine, raf, lock, previous.isEmpty() ? null : previous);
        } catch (IOException | RuntimeException e) {
            try {
                raf.close();
            } finally {
                HELD.remove(file, mine);
            }
            throw e;
        }
    }

    /**
     * The holder line of the live process that holds {@code dir}, or null when nobody does (no lock file, or a file whose
     * lock is free: a run that ended, or was killed); creates, locks and writes nothing, so a command that only looks (a
     * dry run) can say the folder is busy. The file is probed through a shared lock on a read-only descriptor, after
     * reserving it in this process as {@link #acquire} does (closing a descriptor of a file this process holds would drop
     * its lock); a holder in this process is named from its reservation.
     */
    public static String holder(Path dir) throws IOException {
        Path link = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return null;
        Path file = dir.toRealPath().resolve(FILE_NAME);
        Reservation probe = new Reservation("a check of this process");
        Reservation other = HELD.putIfAbsent(file, probe);
        if (other != null) return other.holder;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            FileLock lock;
            boolean interrupted = Thread.interrupted();   // put aside, as in acquire
            try {
                lock = raf.getChannel().tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                lock = null;
            } finally {
                if (interrupted) Thread.currentThread().interrupt();
            }
            if (lock != null) {
                lock.release();
                return null;
            }
            String holder = firstLine(read(raf));
            return holder.isEmpty() ? "holder unknown" : holder;
        } finally {
            HELD.remove(file, probe);
        }
    }

    private static IllegalArgumentException busy(Path dir, String holder) {
        return new ConfigException("{runFolder} " + ConfigException.quote(dir) + " is in use by another run ("
                + (holder.isEmpty() ? "holder unknown" : ConfigException.quote(holder)) + "): wait for it to finish, or choose another {runFolder}");
    }

    private static void write(Path file, RandomAccessFile raf, String text) throws IOException {
        try {
            raf.setLength(0);
            raf.seek(0);
            raf.write(text.getBytes(StandardCharsets.UTF_8));
            raf.getFD().sync();
        } catch (IOException e) {
            throw org.dcec4j.datasets.IoErrors.onFile(file, e);   // a failed write (no space left on device) names no file
        }
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

    private static String read(RandomAccessFile raf) throws IOException {
        byte[] b = new byte[(int) Math.min(raf.length(), 4096)];
        raf.seek(0);
        int n = 0;
        for (int r; n < b.length && (r = raf.read(b, n, b.length - n)) > 0; ) n += r;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The holder line left by a run that ended without releasing the folder (killed), or null. */
    public String previousHolder() { return previousHolder; }

    /**
     * Empties the lock file (the run ended normally) and releases the lock; a second call does nothing. A failure (the
     * file system turned read-only, the file made immutable) is a FileSystemException naming the lock file, the first
     * failure's reason; the lock is released and the file closed all the same, and the holder line it keeps makes the
     * next run take the folder over, as after a killed run.
     */
    @Override public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        IOException failure = null;
        try {
            raf.setLength(0);
            raf.getFD().sync();
        } catch (IOException e) {
            failure = e;
        }
        boolean interrupted = Thread.interrupted();   // put aside for the channel call, as in acquire
        try {
            lock.release();
        } catch (IOException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
            try {
                raf.close();
            } catch (IOException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            } finally {
                HELD.remove(file, reservation);   // only now may another thread of this process open the file
            }
        }
        // RandomAccessFile names no file ("Operation not permitted", "Read-only file system"): the line said only that
        if (failure != null) throw org.dcec4j.datasets.IoErrors.onFile(file, failure);
    }
}
