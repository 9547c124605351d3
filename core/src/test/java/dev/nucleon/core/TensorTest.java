package dev.nucleon.core;

import dev.nucleon.core.ops.Shaping;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    @Test
    void creation() {
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, Tensor.zeros(2, 3).toArray());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2).toArray());
        assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7f, 3).toArray());
        assertArrayEquals(new float[] {0, 1, 2, 3}, Tensor.arange(4).toArray());
        assertArrayEquals(new float[] {1f, 1.5f, 2f, 2.5f}, Tensor.arange(1f, 3f, 0.5f).toArray());
        assertArrayEquals(new float[] {3, 2, 1}, Tensor.arange(3f, 0f, -1f).toArray());
        Tensor s = Tensor.scalar(4f);
        assertEquals(0, s.rank());
        assertEquals(4f, s.item());
        assertEquals(6, Tensor.of(new float[6], 2, 3).numel());
    }

    @Test
    void creationRejectsMismatchedData() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(e.getMessage().contains("5 values") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.uniform(1, 1f, 1f, 3));
    }

    @Test
    void seededRandomIsReproducibleAndInRange() {
        float[] a = Tensor.uniform(42, -2f, 3f, 1000).toArray();
        assertArrayEquals(a, Tensor.uniform(42, -2f, 3f, 1000).toArray());
        assertNotEquals(a[0], Tensor.uniform(43, -2f, 3f, 1000).toArray()[0]);
        for (float v : a) {
            assertTrue(v >= -2f && v < 3f, "uniform value " + v);
        }
        assertArrayEquals(Tensor.normal(7, 0, 1, 64).toArray(), Tensor.normal(7, 0, 1, 64).toArray());
    }

    @Test
    void indexingAndItem() {
        Tensor t = Tensor.arange(24).reshape(2, 3, 4);
        assertEquals(23f, t.get(1, 2, 3));
        assertEquals(6f, t.get(0, 1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> t.get(2, 0, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, t::item);
        assertTrue(e.getMessage().contains("[2, 3, 4]"), e.getMessage());
        assertEquals(4, t.size(-1));
    }

    @Test
    void reshapeIsAViewAndInfersOneSize() {
        Tensor t = Tensor.arange(12);
        Tensor v = t.reshape(3, -1);
        assertArrayEquals(new int[] {3, 4}, v.shape());
        assertSame(t.storage(), v.storage());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(5, -1));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
    }

    @Test
    void permuteSliceConcatSplitPad() {
        Tensor t = Tensor.arange(6).reshape(2, 3);
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.permute(1, 0).toArray());
        assertArrayEquals(new float[] {1, 2, 4, 5}, t.slice(1, 1, 3).toArray());
        Tensor c = Shaping.concat(0, t, t.mul(10f));
        assertArrayEquals(new int[] {4, 3}, c.shape());
        assertEquals(50f, c.get(3, 2));
        List<Tensor> parts = c.split(1, 1, 2);
        assertArrayEquals(new float[] {0, 3, 0, 30}, parts.get(0).toArray());
        Tensor p = Shaping.pad(Tensor.ones(1, 1), new int[] {1, 0}, new int[] {0, 2}, -1f);
        assertArrayEquals(new float[] {-1, -1, -1, 1, -1, -1}, p.toArray());
        Tensor cropped = Shaping.crop(Tensor.arange(16).reshape(4, 4), new int[] {1, 1}, new int[] {2, 2});
        assertArrayEquals(new float[] {5, 6, 9, 10}, cropped.toArray());
    }

    @Test
    void toSameDeviceIsIdentityAndUnknownDeviceIsNamed() {
        Tensor t = Tensor.ones(2);
        assertSame(t, t.to(Device.CPU));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.to(Device.parse("opencl")));
        assertTrue(e.getMessage().contains("opencl"), e.getMessage());
    }

    @Test
    void assignCopiesInPlaceAndChecksShape() {
        Tensor t = Tensor.zeros(2);
        t.assign(Tensor.of(3f, 4f));
        assertArrayEquals(new float[] {3, 4}, t.toArray());
        assertThrows(IllegalArgumentException.class, () -> t.assign(Tensor.ones(3)));
    }

    @Test
    void toStringShowsValuesShapeDeviceAndHistory() {
        assertEquals("tensor([[0., 1., 2.],\n         [3., 4., 5.]], shape=[2, 3], device=cpu)",
                Tensor.arange(6).reshape(2, 3).toString());
        String longOne = Tensor.arange(10).toString();
        assertTrue(longOne.contains("0., 1., 2., …, 7., 8., 9."), longOne);
        Tensor x = Tensor.of(0.5f).requiresGrad(true);
        assertTrue(x.toString().contains("requires_grad=true"));
        assertTrue(x.mul(2f).toString().contains("grad_fn=mul_scalar"), x.mul(2f).toString());
    }

    @Test
    void devicesParse() {
        assertEquals(Device.CPU, Device.parse("CPU"));
        assertEquals(new Device("cuda", 1), Device.parse("cuda:1"));
        assertEquals("cuda:0", Device.parse("cuda").toString());
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
    }
}
