package dev.nucleon.nn;

import dev.nucleon.core.backend.Backend;
import dev.nucleon.core.backend.BackendProvider;
import dev.nucleon.core.backend.BackendStatus;
import dev.nucleon.core.backend.Backends;
import dev.nucleon.core.Device;
import dev.nucleon.core.backend.Storage;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * A test-only second device, {@code fake:0}: every op runs on the CPU backend, but its storages are wrapped so
 * that a CPU tensor reaching a fake-device op (or the reverse) fails loudly. Lets {@code to(device)} and
 * training on "another device" be tested without a GPU. Registered as a {@link BackendProvider} service in the
 * test resources.
 */
public final class FakeDevice {

    public static final Device DEVICE = new Device("fake", 0);

    private FakeDevice() {
    }

    /** A storage of the fake device wrapping a CPU storage. */
    record FakeStorage(Storage inner, Backend backend) implements Storage {
        @Override
        public long size() {
            return inner.size();
        }
    }

    static final Backend BACKEND = createBackend();

    private static Backend createBackend() {
        Backend cpu = Backends.cpu();
        Backend[] self = new Backend[1];
        self[0] = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "name":
                            return "fake";
                        case "device":
                            return DEVICE;
                        case "status":
                            return new BackendStatus("fake", true, "test device backed by the CPU");
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "FakeBackend";
                        default:
                            break;
                    }
                    Object[] unwrapped = args == null ? null : args.clone();
                    if (unwrapped != null) {
                        for (int i = 0; i < unwrapped.length; i++) {
                            if (unwrapped[i] instanceof FakeStorage f) {
                                unwrapped[i] = f.inner();
                            } else if (unwrapped[i] instanceof Storage s) {
                                throw new IllegalStateException("fake device op " + method.getName()
                                        + " got a storage of backend " + s.backend().name());
                            }
                        }
                    }
                    Object result;
                    try {
                        result = method.invoke(cpu, unwrapped);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return result instanceof Storage s ? new FakeStorage(s, self[0]) : result;
                });
        return self[0];
    }

    /** The service registered in META-INF/services. */
    public static final class Provider implements BackendProvider {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public BackendStatus probe() {
            return new BackendStatus("fake", true, "test device backed by the CPU");
        }

        @Override
        public Backend open(Device device) {
            return BACKEND;
        }
    }
}
