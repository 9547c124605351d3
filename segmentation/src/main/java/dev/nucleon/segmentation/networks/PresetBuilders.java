package dev.nucleon.segmentation.networks;

import dev.nucleon.nn.ModelBuilder;
import dev.nucleon.nn.ModelConfig;
import dev.nucleon.nn.Module;

/**
 * The {@link Presets} as nn {@link ModelBuilder} services, one class per preset (the registry keys a builder
 * by its single name). They are listed in {@code META-INF/services/dev.nucleon.nn.ModelBuilder}, so
 * {@code ModelRegistry.build(config)} and {@code Checkpoint.load(path)} find them on the class path.
 */
public final class PresetBuilders {

    private PresetBuilders() {
    }

    /** Builds one preset by name. */
    abstract static class Base implements ModelBuilder {
        private final String name;

        Base(String name) {
            this.name = name;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Module build(ModelConfig config) {
            return Presets.get(name).build(config);
        }
    }

    public static final class UNetBn extends Base {
        public UNetBn() {
            super(Presets.UNET_BN);
        }
    }

    public static final class UNet extends Base {
        public UNet() {
            super(Presets.UNET);
        }
    }

    public static final class UNetRelu extends Base {
        public UNetRelu() {
            super(Presets.UNET_RELU);
        }
    }

    public static final class UNetElu extends Base {
        public UNetElu() {
            super(Presets.UNET_ELU);
        }
    }

    public static final class UNetCarving extends Base {
        public UNetCarving() {
            super(Presets.UNET_CARVING);
        }
    }

    public static final class UNetPlusPlus extends Base {
        public UNetPlusPlus() {
            super(Presets.UNET_PLUSPLUS);
        }
    }

    public static final class UNetPlus extends Base {
        public UNetPlus() {
            super(Presets.UNET_PLUS);
        }
    }

    public static final class ResFcn extends Base {
        public ResFcn() {
            super(Presets.RESFCN);
        }
    }

    public static final class SimpleCnn extends Base {
        public SimpleCnn() {
            super(Presets.SIMPLE_CNN);
        }
    }

    public static final class ResNetFcn extends Base {
        public ResNetFcn() {
            super(Presets.RESNET_FCN);
        }
    }
}
