package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dcec4j.engine.kernels.ConvGeometry;
import org.dcec4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The check ConvBenchmark runs before timing must see the geometry it times: the vector kernels cut the batch into
 * chunks of images and the weight gradient's sum into ranges by the batch size, so a pass right on 2 images can be
 * wrong on the timed batch.
 */
class ConvBenchmarkTest {
    /** The scalar kernels, except that every conv pass adds 1 to the last value it writes when the batch has more than 2 images. */
    static Kernels wrongBeyondTwoImages(Kernels real) {
        return SpoiledKernels.after(real, (m, a) -> {
            if (m.getName().startsWith("conv") && a[a.length - 1] instanceof ConvGeometry g && g.N > 2) {
                float[] written = (float[]) a[0];
                written[written.length - 1] += 1f;
            }
        });
    }

    @Test
    void aPassWrongOnlyOnTheTimedBatchIsRefusedBeforeTiming() {
        Kernels broken = wrongBeyondTwoImages(Impl.create("scalar", 1));
        for (String layer : new String[] {"conv2", "deconv2"})
            for (String pass : new String[] {"forward", "backwardInput", "backwardWeight", "all"}) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> ConvBenchmark.check(broken, layer, pass, 16, 8), layer + " " + pass);
                assertTrue(e.getMessage().contains("refusing to time"), e.getMessage());
            }
    }

    @Test
    void theVectorKernelsPassTheCheckOnTheTimedBatch() throws Exception {
        for (int threads = 1; threads <= 2; threads++) {
            Kernels vector = Impl.create("vector", threads);
            try {
                for (String layer : new String[] {"conv1", "conv2", "conv3", "deconv3", "deconv2", "deconv1"})
                    assertDoesNotThrow(() -> ConvBenchmark.check(vector, layer, "all", 28, 32), layer);
            } finally {
                Impl.close(vector);
            }
        }
    }
}
