package org.dcec4j.dcec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An --image-size the convolutional autoencoder cannot take is refused with one line that says what to do, for both
 * of its rules. The multiple-of-8 rule's message ended at "got 28x32", so the command's "with --image-size (or use a
 * method without it …)" was glued to it: "got 28x32 with --image-size (or use …)", where the multiple-of-4 rule reads
 * "got 30x30: resize the images with --image-size (or use …)".
 */
class ImageSizeMessageTest {
    @Test void bothSizeRulesSayToResizeTheImages(@TempDir Path tmp) throws IOException {
        Path images = DcecCommandTest.pngFolder(tmp.resolve("images"), Shapes.generate(20, 3, 12));
        Path out = tmp.resolve("o");
        for (var size : List.of(List.of("30x30", "the convolutional autoencoder needs image height and width that are multiples of 4"
                        + " and at least 12 (e.g. 16, 28, 32)"),
                List.of("28x32", "height and width must both be multiples of 8 or both not (conv3 padding rule)"))) {
            Object[] r = DcecCommandTest.run(DcecCommandTest.quick("train", "--dataset", images.toString(), "--image-size", size.get(0),
                    "--out", out.toString()));
            assertEquals(2, r[0], (String) r[2]);
            assertEquals("dcec: --image-size " + size.get(0) + ": " + size.get(1) + ", got " + size.get(0)
                    + ": resize the images with --image-size (or use a method without it: dec, idec or kmeans)", ((String) r[2]).strip());
            assertFalse(Files.exists(out), size.get(0));
        }
    }
}
