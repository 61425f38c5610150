package org.dcec4j.dcec;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dcec4j.datasets.Dataset;
import org.dcec4j.datasets.Shapes;
import org.junit.jupiter.api.Test;

/** The library facade's contracts between images and feature vectors, and its builder. */
class DcecApiTest {
    static final Dataset IMAGES = Shapes.generate(40, 1, 16);

    @Test void predictVectorsRefusesAModelFittedOnImages() {
        DcecModel m = Dcec.builder().method(Method.KMEANS).clusters(3).kmeansRestarts(2).build().fit(IMAGES);
        float[][] x = new float[2][256];
        Arrays.fill(x[0], 255f);
        Arrays.fill(x[1], -1e6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.predictVectors(x));
        assertTrue(e.getMessage().startsWith("vectors:") && e.getMessage().contains("1x16x16 images"), e.getMessage());
        // its images in [0, 1] as rows are not feature vectors either: predict takes them
        float[][] rows = {IMAGES.image(0), IMAGES.image(1)};
        assertThrows(IllegalArgumentException.class, () -> m.predictVectors(rows));
    }
}
