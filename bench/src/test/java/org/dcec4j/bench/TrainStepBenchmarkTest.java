package org.dcec4j.bench;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The check TrainStepBenchmark runs before timing: the step it times is forward, MSE, backward and Adam, so a kernel
 * that is wrong only in the backward pass (here the fused conv backward the step calls, which no layer benchmark
 * checks) must be refused, not timed.
 */
class TrainStepBenchmarkTest {
    static Tensor images(int batch, int size) {
        Random r = new Random(9);
        float[] data = new float[batch * size * size];
        for (int i = 0; i < data.length; i++) data[i] = r.nextFloat();
        return Tensor.of(data, batch, 1, size, size);
    }

    /** The scalar kernels, except that the fused conv backward adds 1 to the first weight gradient it writes. */
    static Kernels wrongInTheBackward(Kernels real) {
        return SpoiledKernels.after(real, (m, a) -> {
            if (m.getName().equals("conv2dBackward") && a[1] != null) ((float[]) a[1])[0] += 1f;
        });
    }

    @Test
    void aKernelWrongOnlyInTheBackwardPassIsRefusedBeforeTiming() throws Exception {
        Kernels scalar = Impl.create("scalar", 1), broken = wrongInTheBackward(Impl.create("scalar", 1));
        for (boolean arena : new boolean[] {true, false}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> TrainStepBenchmark.checkAgainstScalar(broken, scalar, images(4, 16), 16, arena), "arena=" + arena);
            assertTrue(e.getMessage().contains("refusing to time"), e.getMessage());
        }
    }

    @Test
    void theVectorKernelsPassTheCheckAtEitherThreadCountWithAndWithoutTheArena() throws Exception {
        Kernels scalar = Impl.create("scalar", 1);
        for (int threads = 1; threads <= 2; threads++) {
            Kernels vector = Impl.create("vector", threads);
            try {
                for (boolean arena : new boolean[] {true, false})
                    assertDoesNotThrow(() -> TrainStepBenchmark.checkAgainstScalar(vector, scalar, images(4, 16), 16, arena));
            } finally {
                Impl.close(vector);
            }
        }
    }
}
