package org.dcec4j.dcec.run;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.file.Path;

/**
 * Run in a process of its own by {@link RunFolderTest}: for each folder given, prints HELD when another process holds
 * its lock file's lock and FREE when this process could take it (and releases it at once).
 */
public final class LockProbeMain {
    public static void main(String[] dirs) throws IOException {
        for (String dir : dirs) {
            try (RandomAccessFile raf = new RandomAccessFile(Path.of(dir, RunLock.FILE_NAME).toFile(), "rw");
                 FileLock lock = raf.getChannel().tryLock()) {
                System.out.println((lock == null ? "HELD " : "FREE ") + dir);
            }
        }
    }
}
