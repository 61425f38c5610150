package org.dcec4j.engine.ops;

import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.F;
import org.dcec4j.engine.Autograd;
import org.dcec4j.engine.Backend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.dcec4j.engine.optim.Adam;
import org.dcec4j.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layers' ops (conv2d, conv_transpose2d, linear, ReLU), the losses (MSE, Student's t, KL(P‖Q) through Student's t)
 * and Adam in both forms against PyTorch (fixtures written by docs/tools/make_golden.py, computed in float64; the
 * element-wise ops have finite-difference checks only, in OpsGradientTest): outputs
 * and gradients agree to 1e-5 relative to the tensor's scale. Backward is seeded with the fixture's
 * upstream gradient dy, so dx/dw/db are the vector-Jacobian products PyTorch computed.
 */
class GoldenOpsTest {
    static final double RTOL = 1e-5;

    /** |a − e| ≤ 1e-5·|e| + 1e-5·max|e|: relative, with the tensor's scale as the floor. */
    static void close(String what, float[] expected, float[] actual) {
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        Golden.assertClose(what, expected, actual, RTOL, RTOL * scale + 1e-12);
    }

    static Tensor leaf(Golden g, String name) { return Tensor.of(g.f32(name), g.shape(name)).requiresGrad(true); }

    static Stream<String> files(String prefix) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = GoldenOpsTest.class.getResourceAsStream("/golden/index.txt")) {
            TreeSet<String> names = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                if (line.startsWith(prefix)) names.add(line.split(" ")[0]);
            out.addAll(names);
        }
        assertTrue(!out.isEmpty(), "no fixtures " + prefix);
        return out.stream();
    }

    static Stream<String> conv2dFiles() throws IOException { return files("conv2d_"); }
    static Stream<String> convTFiles() throws IOException { return files("convT_"); }

    /** A convolution-like op: apply(x, w, b, strideH, strideW, {top, bottom, left, right}). */
    interface ConvLike { Tensor apply(org.dcec4j.engine.kernels.Kernels k, Tensor x, Tensor w, Tensor b, int sh, int sw, int[] sides,
                                      org.dcec4j.engine.kernels.Activation act); }

    /** geom = N, C, H, W, K, KH, KW, SH, SW, then the four padding (conv) or crop (transposed) amounts. */
    static void checkConvFixture(String file, ConvLike op) {
        Golden g = Golden.load(file);
        int[] geom = g.i32("geom");
        Tensor x = leaf(g, "x"), w = leaf(g, "w"), b = leaf(g, "b");
        Tensor y = op.apply(Backend.shared().kernels(), x, w, b, geom[7], geom[8], new int[] {geom[9], geom[10], geom[11], geom[12]},
                org.dcec4j.engine.kernels.Activation.NONE);
        close(file + " y [" + Backend.shared().kernels().name() + "]", g.f32("y"), y.data);
        Autograd.backward(y, g.f32("dy"));
        close(file + " dx", g.f32("dx"), x.grad());
        close(file + " dw", g.f32("dw"), w.grad());
        close(file + " db", g.f32("db"), b.grad());
    }

    @ParameterizedTest @MethodSource("conv2dFiles")
    void conv2d(String file) { checkConvFixture(file, org.dcec4j.engine.ops.Conv2dOp::apply); }

    @ParameterizedTest @MethodSource("convTFiles")
    void convTranspose2d(String file) { checkConvFixture(file, org.dcec4j.engine.ops.ConvTranspose2dOp::apply); }

    @ParameterizedTest @MethodSource("linearFiles")
    void linear(String file) {
        Golden g = Golden.load(file);
        Tensor x = leaf(g, "x"), w = leaf(g, "w"), b = leaf(g, "b");
        Tensor y = F.linear(x, w, b);
        close(file + " y", g.f32("y"), y.data);
        Autograd.backward(y, g.f32("dy"));
        close(file + " dx", g.f32("dx"), x.grad());
        close(file + " dw", g.f32("dw"), w.grad());
        close(file + " db", g.f32("db"), b.grad());
    }

    static Stream<String> linearFiles() throws IOException { return files("linear"); }

    @Test void relu() {
        Golden g = Golden.load("relu.bin");
        Tensor x = leaf(g, "x");
        Tensor y = F.relu(x);
        close("relu y", g.f32("y"), y.data);
        Autograd.backward(y, g.f32("dy"));
        close("relu dx", g.f32("dx"), x.grad());
    }

    @Test void mse() {
        Golden g = Golden.load("mse.bin");
        Tensor a = leaf(g, "a");
        Tensor loss = F.mse(a, Tensor.of(g.f32("target"), g.shape("target")));
        close("mse loss", g.f32("loss"), loss.data);
        loss.backward();
        close("mse da", g.f32("da"), a.grad());
    }

    @ParameterizedTest @MethodSource("studentFiles")
    void studentT(String file) {
        Golden g = Golden.load(file);
        Tensor z = leaf(g, "z"), mu = leaf(g, "mu");
        Tensor q = F.studentT(z, mu, g.scalar("alpha"));
        close(file + " q", g.f32("q"), q.data);
        Autograd.backward(q, g.f32("dq"));
        close(file + " dz", g.f32("dz"), z.grad());
        close(file + " dmu", g.f32("dmu"), mu.grad());
    }

    static Stream<String> studentFiles() throws IOException { return files("student_t"); }

    @Test void klOfStudentT() {
        Golden g = Golden.load("kl.bin");
        Tensor z = leaf(g, "z"), mu = leaf(g, "mu");
        Tensor q = F.studentT(z, mu, g.scalar("alpha"));
        close("kl q", g.f32("q"), q.data);
        Tensor loss = F.klDiv(Tensor.of(g.f32("p"), g.shape("p")), q);
        close("kl loss", g.f32("loss"), loss.data);
        loss.backward();
        close("kl dz", g.f32("dz"), z.grad());
        close("kl dmu", g.f32("dmu"), mu.grad());
    }

    @Test void adamThreeStepsBothForms() {
        Golden g = Golden.load("adam.bin");
        for (Adam.Form form : Adam.Form.values()) {
            Tensor p = Tensor.parameter(g.f32("p0"), g.shape("p0"));
            Adam opt = new Adam(List.of(p), g.scalar("lr"), g.scalar("beta1"), g.scalar("beta2"), g.scalar("eps"), form);
            String tag = form == Adam.Form.KERAS ? "keras" : "torch";
            for (int t = 1; t <= 3; t++) {
                opt.zeroGrad();
                float[] gr = g.f32("g" + t);
                System.arraycopy(gr, 0, p.grad(), 0, gr.length);
                opt.step();
                close("adam " + tag + " step " + t, g.f32(tag + "_p" + t), p.data);
            }
            assertEquals(3, opt.iterations());
        }
        // the two forms must actually differ on this fixture, or the test could not tell them apart
        float[] k = g.f32("keras_p3"), t = g.f32("torch_p3");
        double diff = 0;
        for (int i = 0; i < k.length; i++) diff = Math.max(diff, Math.abs(k[i] - t[i]));
        assertTrue(diff > 1e-4, "fixture does not separate the Keras and PyTorch forms: " + diff);
    }
}
