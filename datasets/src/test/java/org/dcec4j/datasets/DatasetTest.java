package org.dcec4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatasetTest {
    private static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i / (float) (n - 1);
        }
        return x;
    }

    @Test
    void shapeAndLabels() {
        Dataset d = new Dataset("t", 2, 3, 4, ramp(3 * 24), new int[] {0, 4, 2});
        assertEquals(3, d.size());
        assertEquals(24, d.imageSize());
        assertEquals(5, d.numClasses());
        assertArrayEquals(new int[] {1, 0, 1, 0, 1}, d.labelCounts());
        assertTrue(d.hasLabels());
        assertEquals(ramp(72)[24], d.image(1)[0]);
    }

    @Test
    void unlabeledHasZeroClasses() {
        Dataset d = new Dataset("t", 1, 2, 2, ramp(8), null);
        assertFalse(d.hasLabels());
        assertNull(d.labels());
        assertEquals(0, d.numClasses());
        assertEquals(0, d.labelCounts().length);
    }

    @Test
    void invariantsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[7], null));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[0], null));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[8], new int[3]));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, new float[4], new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 0, 2, 2, new float[4], null));
        float[] nan = new float[4];
        nan[2] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, nan, null));
        float[] big = new float[4];
        big[3] = 1.0001f;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, big, null));
        float[] negative = new float[4];
        negative[0] = -0.0001f;
        assertThrows(IllegalArgumentException.class, () -> new Dataset("t", 1, 2, 2, negative, null));
    }

    @Test
    void subsetAndConcatAgree() {
        float[] x = ramp(5 * 4);
        Dataset d = new Dataset("t", 1, 2, 2, x, new int[] {0, 1, 2, 3, 4});
        Dataset a = d.subset(0, 2);
        Dataset b = d.subset(2, 5);
        assertEquals(2, a.size());
        assertArrayEquals(new int[] {2, 3, 4}, b.labels());
        Dataset c = Dataset.concat("t", a, b);
        assertArrayEquals(x, c.images());
        assertArrayEquals(d.labels(), c.labels());
        assertThrows(IllegalArgumentException.class, () -> d.subset(3, 3));
        assertThrows(IllegalArgumentException.class, () -> d.subset(0, 6));
    }
}
