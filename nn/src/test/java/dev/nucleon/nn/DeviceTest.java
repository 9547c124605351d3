package dev.nucleon.nn;

import dev.nucleon.core.Autograd;
import dev.nucleon.core.Device;
import dev.nucleon.core.Tensor;
import dev.nucleon.nn.io.Checkpoint;
import dev.nucleon.nn.io.SafeTensors;
import dev.nucleon.nn.loss.BinaryCrossEntropyWithLogits;
import dev.nucleon.nn.optim.Adam;
import dev.nucleon.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code to(device)} against {@link FakeDevice}, a second backend that refuses CPU storages. */
class DeviceTest {

    @TempDir
    Path dir;

    @Test
    void toDeviceKeepsNamesValuesAndFlags() {
        TinySegNet net = new TinySegNet(1, 4, 0.1f);
        net.namedParameters().get("head.bias").setTrainable(false);
        Map<String, Tensor> before = net.stateDictCopy();
        List<String> names = List.copyOf(net.stateDict().keySet());
        Tensor oldWeight = net.namedParameters().get("enc.0.weight").value();

        net.to(FakeDevice.DEVICE);
        assertEquals(FakeDevice.DEVICE, net.device());
        assertEquals(names, List.copyOf(net.stateDict().keySet()), "names unchanged");
        net.stateDict().forEach((k, v) -> {
            assertEquals(FakeDevice.DEVICE, v.device(), k);
            assertArrayEquals(before.get(k).toArray(), v.toArray(), 0f, k);
        });
        assertNotSame(oldWeight, net.namedParameters().get("enc.0.weight").value());
        assertTrue(net.namedParameters().get("enc.0.weight").value().requiresGrad());
        assertTrue(!net.namedParameters().get("head.bias").trainable());
        assertEquals(new ParameterCount(773 - 1, 8 + 1), net.parameterCount());

        net.to(Device.CPU);
        assertEquals(Device.CPU, net.device());
        net.stateDict().forEach((k, v) -> assertArrayEquals(before.get(k).toArray(), v.toArray(), 0f, k));
    }

    @Test
    void trainingOnTheOtherDeviceMatchesTheCpu() {
        SyntheticSegmentation data = new SyntheticSegmentation(2, 8, 3);
        TinySegNet cpu = new TinySegNet(1, 4, 0f);
        TinySegNet fake = new TinySegNet(1, 4, 0f);
        fake.loadStateDict(cpu.stateDictCopy(), true);
        fake.to(FakeDevice.DEVICE);
        Optimizer a = new Adam(cpu, 0.01);
        Optimizer b = new Adam(fake, 0.01);
        var loss = new BinaryCrossEntropyWithLogits();
        Tensor xf = data.images.to(FakeDevice.DEVICE);
        Tensor yf = data.masks.to(FakeDevice.DEVICE);
        for (int i = 0; i < 3; i++) {
            a.zeroGrad();
            loss.compute(cpu.forward(data.images), data.masks).backward();
            a.step();
            b.zeroGrad();
            loss.compute(fake.forward(xf), yf).backward();
            b.step();
        }
        b.stateTensors().values().forEach(t -> assertEquals(FakeDevice.DEVICE, t.device()));
        cpu.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), fake.stateDict().get(k).toArray(), 0f, k));
        // the summary's dry run happens on the module's device
        assertTrue(fake.summary(1, 1, 8, 8).contains("(None, 1, 8, 8)"));
        // mixing devices fails loudly
        assertThrows(RuntimeException.class, () -> fake.forward(data.images));
        // a module moved after its optimiser was made: state follows the parameters
        fake.to(Device.CPU);
        b.zeroGrad();
        loss.compute(fake.forward(data.images), data.masks).backward();
        b.step();
        b.stateTensors().values().forEach(t -> assertEquals(Device.CPU, t.device()));
    }

    @Test
    @SuppressWarnings("try")
    void checkpointsSaveFromAndLoadOntoTheOtherDevice() throws IOException {
        TinySegNet net = new TinySegNet(1, 4, 0f);
        net.to(FakeDevice.DEVICE);
        Path p = dir.resolve("fake.safetensors");
        Checkpoint.save(p, net);
        TinySegNet back = new TinySegNet(1, 4, 0f);
        back.to(FakeDevice.DEVICE);
        Checkpoint.loadWeights(p, back, true);
        assertEquals(FakeDevice.DEVICE, back.device(), "loading copies onto the module's device");
        net.stateDict().forEach((k, v) -> assertArrayEquals(v.toArray(), back.stateDict().get(k).toArray(), 0f, k));
        try (var s = Autograd.noGrad()) {
            Tensor x = Tensor.ones(1, 1, 8, 8).to(FakeDevice.DEVICE);
            assertArrayEquals(net.eval().forward(x).toArray(), back.eval().forward(x).toArray(), 0f);
        }
        assertEquals(net.stateDict().size(), SafeTensors.read(p).names().size());
    }
}
