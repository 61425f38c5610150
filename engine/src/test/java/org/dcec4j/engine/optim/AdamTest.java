package org.dcec4j.engine.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dcec4j.engine.Backend;
import org.dcec4j.engine.Tensor;
import org.dcec4j.engine.kernels.Kernels;
import org.junit.jupiter.api.Test;

class AdamTest {
    /** As {@link Sgd} does: an infinite rate would make the weights ±Infinity at the first step. */
    @Test void refusesInfiniteRatesAndANullForm() {
        List<Tensor> params = List.of(Tensor.parameter(new float[] {1f}, 1));
        Kernels k = Backend.shared().kernels();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(params, Float.POSITIVE_INFINITY));
        assertTrue(e.getMessage().contains("lr=Infinity"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Adam(params, 1e-3f, 0.9f, 0.999f, Float.POSITIVE_INFINITY, Adam.Form.KERAS, k));
        assertTrue(e.getMessage().contains("eps=Infinity"), e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class, () -> new Adam(params, 1e-3f, 0.9f, 0.999f, 1e-7f, null, k));
        assertTrue(n.getMessage().contains("form"), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(params, Float.POSITIVE_INFINITY, 0f));
    }
}
