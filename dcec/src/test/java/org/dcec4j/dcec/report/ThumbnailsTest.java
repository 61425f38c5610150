package org.dcec4j.dcec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thumbnails are encoded in memory: ImageIO.write to a stream buffers through a file in its cache folder
 * (java.io.tmpdir), so with that folder missing or read-only (-Djava.io.tmpdir=/nonexistent, a container's read-only
 * root file system) a finished run failed at its report with "dcec: Can't create cache file!", exit code 1.
 */
class ThumbnailsTest {
    @Test
    void encodedWithoutATemporaryFolder(@TempDir Path tmp) throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("cache"));
        ImageIO.setCacheDirectory(cache.toFile());
        Files.delete(cache);        // as a missing java.io.tmpdir
        byte[] png;
        try {
            png = Thumbnails.png(new float[] {0f, 0.5f, 1f, 0.25f, 0.75f, 1f}, 0, 1, 2, 3);
        } finally {
            ImageIO.setCacheDirectory(null);
        }
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(3, back.getWidth());
        assertEquals(2, back.getHeight());
        assertEquals(128, back.getRaster().getSample(1, 0, 0));
    }
}
