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

    @Test void opsNameAStrideBelowOneAndSizesThatWouldWrap() {
        Tensor x = Tensor.zeros(1, 1, 5, 5), w = Tensor.zeros(1, 1, 3, 3);
        // a negative stride was "crop leaves no output (-1x-1)"; a huge one wrapped (4·2^30 + 3 = 3 in an int), then was an
        // IllegalStateException "adjoint geometry mismatch"; huge padding wrapped H + PT + PB to "kernel larger than the padded input"
        refused(() -> F.convTranspose2d(x, w, null, -1, new int[4]), "conv_transpose2d", "stride", "-1x-1");
        refused(() -> F.convTranspose2d(x, w, null, 0, new int[4]), "conv_transpose2d", "stride", "0x0");
        refused(() -> F.convTranspose2d(x, w, null, 1 << 30, new int[4]), "conv_transpose2d", "too large", "4294967299x4294967299");
        refused(() -> F.conv2d(x, w, null, 1, new int[] {Integer.MAX_VALUE, 1, 0, 0}), "larger than 2^31 - 1", "pad(t2147483647,b1");
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
