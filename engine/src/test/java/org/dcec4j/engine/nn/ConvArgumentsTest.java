package org.dcec4j.engine.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Convolution layers and ops refuse bad arguments with a message that names them, before reading them. */
class ConvArgumentsTest {
    static void refused(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) assertTrue(e.getMessage().contains(w), e.getMessage());
    }

    @Test void layersRefuseAnInputThatIsNotNCHW() {
        SplittableRandom rng = new SplittableRandom(1);
        refused(() -> new Conv2d(1, 2, 3, 1, Padding.same(), rng).forward(Tensor.zeros(4, 9)), "conv2d", "x[N,C,H,W]");
        refused(() -> new ConvTranspose2d(1, 2, 3, 1, Padding.same(), rng).forward(Tensor.zeros(4, 9)), "conv_transpose2d", "x[N,C,H,W]");
    }

    @Test void layersAndTheSameRulesRefuseAStrideBelowOne() {
        SplittableRandom rng = new SplittableRandom(1);
        refused(() -> new Conv2d(1, 2, 3, 0, Padding.same(), rng), "Conv2d", "stride", "at least 1");
        refused(() -> new ConvTranspose2d(1, 2, 3, 0, Padding.same(), rng), "ConvTranspose2d", "stride");
        refused(() -> new Conv2d(1, 2, 0, 1, Padding.valid(), rng), "Conv2d", "kernel");
        refused(() -> Padding.samePadding(5, 3, 0), "samePadding", "s=0");
        refused(() -> Padding.sameCrop(5, 3, 0), "sameCrop", "s=0");
    }

    @Test void opsRefusePaddingAndCropOfTheWrongLength() {
        Tensor x = Tensor.zeros(1, 1, 5, 5), w = Tensor.zeros(3, 1, 3, 3), wt = Tensor.zeros(1, 3, 3, 3);
        refused(() -> F.conv2d(x, w, null, 1, new int[2]), "conv2d: padding", "four values", "[0, 0]");
        refused(() -> F.conv2d(x, w, null, 1, null), "conv2d: padding", "null");
        refused(() -> F.convTranspose2d(x, wt, null, 1, new int[5]), "conv_transpose2d: crop", "four values");
        refused(() -> F.convTranspose2d(x, wt, null, 1, null), "conv_transpose2d: crop", "null");
        refused(() -> F.convTranspose2d(x, wt, null, 1, new int[] {-1, 0, 0, 0}), "conv_transpose2d: crop", ">= 0");
    }
}
