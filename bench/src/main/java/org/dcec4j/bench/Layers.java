package org.dcec4j.bench;

import org.dcec4j.engine.nn.Padding;
import org.dcec4j.engine.kernels.ConvGeometry;

/**
 * The DCEC layer geometries (docs/spec.md#architecture) for 28×28 (MNIST) and 16×16 (USPS) images.
 * A transposed convolution is the adjoint of the convolution with the same geometry (its input is
 * that convolution's output side), so deconv3/2/1 reuse the geometries of conv3/2/1:
 * deconv forward = conv2dBackwardInput, deconv backward-input = conv2dForward (no bias),
 * deconv backward-weight = conv2dBackwardWeight with the roles of x and dy swapped.
 *
 * <p>FLOPs = 2 · MACs, MACs = N·K·OH·OW·C·KH·KW for each of forward, backward-input, backward-weight.
 */
final class Layers {
    private Layers() {}

    static ConvGeometry conv(String layer, int size, int batch) {
        switch (layer) {
            case "conv1": case "deconv1": return Padding.same().geometry(batch, 1, size, size, 32, 5, 5, 2);
            case "conv2": case "deconv2": return Padding.same().geometry(batch, 32, size / 2, size / 2, 64, 5, 5, 2);
            case "conv3": case "deconv3":
                return size % 8 == 0 ? Padding.same().geometry(batch, 64, size / 4, size / 4, 128, 3, 3, 2)
                                     : Padding.valid().geometry(batch, 64, size / 4, size / 4, 128, 3, 3, 2);
            default: throw new IllegalArgumentException("unknown layer '" + layer + "': conv1..3 or deconv1..3");
        }
    }

    /** Flattened size after conv3: 128·(H/8)² with the conv3 padding rule (1152 for 28, 512 for 16). */
    static int flat(int size) {
        int s3 = size % 8 == 0 ? size / 8 : (size / 4 - 3) / 2 + 1;
        return 128 * s3 * s3;
    }

    /** FLOPs of one pass (2·MACs), or of forward+backward (three passes) for "all". */
    static double convFlops(String layer, int size, int batch, String pass) {
        double f = 2.0 * conv(layer, size, batch).macs();
        return pass.equals("all") ? 3 * f : f;
    }

    /**
     * Whole CAE training step: forward (1×) and backward (2×) MACs of every conv and dense layer, less
     * conv1's backward-input, which the step does not compute (the images need no gradient; PyTorch
     * skips it too).
     */
    static double stepFlops(int size, int batch, int embedding) {
        double macs = 0;
        for (String l : new String[] {"conv1", "conv2", "conv3", "deconv3", "deconv2", "deconv1"})
            macs += conv(l, size, batch).macs();
        macs += 2.0 * batch * flat(size) * embedding;   // embedding + decoder dense
        return 3 * 2 * macs - 2.0 * conv("conv1", size, batch).macs();
    }
}
