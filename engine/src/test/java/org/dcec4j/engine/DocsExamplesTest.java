package org.dcec4j.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dcec4j.engine.optim.Adam;
import org.junit.jupiter.api.Test;

/** The tiny worked examples of docs/math, recomputed by the engine (each doc section names its method here). */
class DocsExamplesTest {

    @Test void linear() {   // docs/math/linear.md#backward
        Tensor x = Tensor.parameter(new float[] {1, 2}, 1, 2);
        Tensor w = Tensor.parameter(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor b = Tensor.parameter(new float[] {0, 0, 1}, 3);
        Tensor y = F.linear(x, w, b);
        assertArrayEquals(new float[] {1, 2, 4}, y.data, 0f);
        Autograd.backward(y, new float[] {1, 1, 1});
        assertArrayEquals(new float[] {2, 2}, x.grad(), 0f);
        assertArrayEquals(new float[] {1, 2, 1, 2, 1, 2}, w.grad(), 0f);
        assertArrayEquals(new float[] {1, 1, 1}, b.grad(), 0f);
    }

    @Test void conv2d() {   // docs/math/conv2d.md#bias
        Tensor x = Tensor.parameter(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor w = Tensor.parameter(new float[] {1, 0, 0, -1}, 1, 1, 2, 2);
        Tensor b = Tensor.parameter(new float[] {0}, 1);
        Tensor y = F.conv2d(x, w, b, 1, new int[4]);
        assertArrayEquals(new float[] {-4, -4, -4, -4}, y.data, 0f);
        Autograd.backward(y, new float[] {1, 1, 1, 1});
        assertArrayEquals(new float[] {12, 16, 24, 28}, w.grad(), 0f);
        assertArrayEquals(new float[] {1, 1, 0, 1, 0, -1, 0, -1, -1}, x.grad(), 0f);
        assertArrayEquals(new float[] {4}, b.grad(), 0f);
    }

    @Test void convTranspose2d() {   // docs/math/conv_transpose2d.md#backward
        Tensor x = Tensor.parameter(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor w = Tensor.parameter(new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        Tensor b = Tensor.parameter(new float[] {0}, 1);
        Tensor full = F.convTranspose2d(x, w, null, 2, new int[4]);
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, full.data, 0f);
        Tensor cropped = F.convTranspose2d(x, w, b, 2, new int[] {0, 1, 0, 1});
        assertArrayEquals(new int[] {1, 1, 3, 3}, cropped.shape());
        assertArrayEquals(new float[] {1, 1, 2, 1, 1, 2, 3, 3, 4}, cropped.data, 0f);
        // backward through the crop, by hand, with dy = [[1,2,3],[4,5,6],[7,8,9]] (not symmetric, so a transposed or
        // flipped gradient shows): x[ih,iw] reaches y[2ih+kh, 2iw+kw] for kh, kw ∈ {0,1}, kept when both are < 3
        //   dx[ih,iw] = Σ_kh,kw w·dy[2ih+kh, 2iw+kw]: dx00 = 1+2+4+5 = 12, dx01 = 3+6 = 9, dx10 = 7+8 = 15, dx11 = 9
        //   dw[kh,kw] = Σ_ih,iw x[ih,iw]·dy[2ih+kh, 2iw+kw]: dw00 = 1·1+2·3+3·7+4·9 = 64, dw01 = 1·2+3·8 = 26,
        //               dw10 = 1·4+2·6 = 16, dw11 = 1·5 = 5
        //   db = Σ dy = 45
        Autograd.backward(cropped, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertArrayEquals(new float[] {12, 9, 15, 9}, x.grad(), 0f);
        assertArrayEquals(new float[] {64, 26, 16, 5}, w.grad(), 0f);
        assertArrayEquals(new float[] {45}, b.grad(), 0f);
    }

    @Test void mse() {   // docs/math/activations-losses.md#mse
        Tensor a = Tensor.parameter(new float[] {1, 2}, 2);
        Tensor t = Tensor.parameter(new float[] {0, 0}, 2);
        Tensor l = F.mse(a, t);
        assertEquals(2.5f, l.item());
        l.backward();
        assertArrayEquals(new float[] {1, 2}, a.grad(), 0f);
        assertArrayEquals(new float[] {-1, -2}, t.grad(), 0f);
    }

    @Test void studentTAndKl() {   // docs/math/activations-losses.md#kl
        Tensor z = Tensor.parameter(new float[] {0, 0, 1, 0}, 2, 2);
        Tensor mu = Tensor.parameter(new float[] {0, 0, 1, 0}, 2, 2);
        Tensor q = F.studentT(z, mu, 1f);
        assertArrayEquals(new float[] {2f / 3, 1f / 3, 1f / 3, 2f / 3}, q.data, 1e-7f);
        Tensor p = Tensor.of(new float[] {0.8f, 0.2f, 0.2f, 0.8f}, 2, 2);
        Tensor l = F.klDiv(p, q);
        assertEquals(0.8 * Math.log(1.2) + 0.2 * Math.log(0.6), l.item(), 1e-7);
        assertEquals(0.0436921, l.item(), 1e-7);
        l.backward();
        assertEquals(0.0666667f, z.grad()[0], 1e-6f);
        assertEquals(0f, z.grad()[1], 1e-7f);
        // all of both gradients, by the same closed form: (α+1)/α·(1/B) = 1, so each term is ±(p_ij − q_ij)/u_ij·(z_i − μ_j),
        // non-zero only for i ≠ j, where (p − q)/u = (0.2 − 1/3)/2 = −1/15:
        //   ∂L/∂z₂ = −1/15·(z₂ − μ₁) = (−1/15, 0);  ∂L/∂μ₁ = +1/15·(z₂ − μ₁) = (1/15, 0);  ∂L/∂μ₂ = +1/15·(z₁ − μ₂) = (−1/15, 0)
        assertArrayEquals(new float[] {1 / 15f, 0, -1 / 15f, 0}, z.grad(), 1e-7f);
        assertArrayEquals(new float[] {1 / 15f, 0, -1 / 15f, 0}, mu.grad(), 1e-7f);
    }

    @Test void adamFirstStep() {   // docs/math/adam.md#forms
        Tensor p = Tensor.parameter(new float[] {1f}, 1);
        Adam adam = new Adam(List.of(p));
        p.grad()[0] = 0.5f;
        adam.step();
        assertEquals(0.999f, p.data[0], 1e-7f);
    }
}
