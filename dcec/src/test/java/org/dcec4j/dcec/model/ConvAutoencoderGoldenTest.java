package org.dcec4j.dcec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.testing.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole DCEC convolutional autoencoder against PyTorch (docs/tools/make_golden.py: Keras padding via
 * F.pad and cropped transposed convolutions, batch 4): embedding, reconstruction, MSE and the gradient of
 * every parameter agree to 1e-5 relative to each tensor's scale.
 */
class ConvAutoencoderGoldenTest {

    static void close(String what, float[] expected, float[] actual) {
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        Golden.assertClose(what, expected, actual, 1e-5, 1e-5 * scale + 1e-12);
    }

    @ParameterizedTest
    @CsvSource({"cae_28.bin, 28, 275979", "cae_16.bin, 16, 262539"})
    void forwardAndEveryParameterGradient(String file, int size, long paramCount) {
        Golden g = Golden.load(file);
        int K = g.shape("z")[1];
        ConvAutoencoder cae = new ConvAutoencoder(1, size, size, K, 1234L);
        assertEquals(paramCount, cae.parameterCount(), "parameter count of the " + size + "x" + size + " CAE (docs/spec.md#architecture)");
        Map<String, Tensor> params = cae.namedParameters();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(g.shape(e.getKey()), e.getValue().shape(), e.getKey());
            System.arraycopy(g.f32(e.getKey()), 0, e.getValue().data, 0, e.getValue().size());
        }
        Tensor x = Tensor.of(g.f32("x"), g.shape("x"));
        Tensor z = cae.encode(x);
        Tensor xr = cae.decode(z);
        Tensor loss = F.mse(xr, x);
        String k = " [" + Backend.shared().kernels().name() + "]";
        close(file + " z" + k, g.f32("z"), z.data);
        close(file + " xr" + k, g.f32("xr"), xr.data);
        close(file + " loss" + k, g.f32("loss"), loss.data);
        loss.backward();
        for (Map.Entry<String, Tensor> e : params.entrySet())
            close(file + " grad." + e.getKey() + k, g.f32("grad." + e.getKey()), e.getValue().grad());
    }

    @org.junit.jupiter.api.Test
    void rejectsSizesTheArchitectureCannotTake() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvAutoencoder(1, 30, 30, 10, 1));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvAutoencoder(1, 16, 28, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvAutoencoder(0, 28, 28, 10, 1));
    }
}
