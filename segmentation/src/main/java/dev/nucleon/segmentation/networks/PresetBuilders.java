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

    /** The builder of preset {@code unet-bn} ({@link Presets#UNET_BN}). */
    public static final class UNetBn extends Base {
        /** The builder, as the service loader creates it. */
        public UNetBn() {
            super(Presets.UNET_BN);
        }
    }

    /** The builder of preset {@code unet} ({@link Presets#UNET}). */
    public static final class UNet extends Base {
        /** The builder, as the service loader creates it. */
        public UNet() {
            super(Presets.UNET);
        }
    }

    /** The builder of preset {@code unet-relu} ({@link Presets#UNET_RELU}). */
    public static final class UNetRelu extends Base {
        /** The builder, as the service loader creates it. */
        public UNetRelu() {
            super(Presets.UNET_RELU);
        }
    }

    /** The builder of preset {@code unet-elu} ({@link Presets#UNET_ELU}). */
    public static final class UNetElu extends Base {
        /** The builder, as the service loader creates it. */
        public UNetElu() {
            super(Presets.UNET_ELU);
        }
    }

    /** The builder of preset {@code unet-carving} ({@link Presets#UNET_CARVING}). */
    public static final class UNetCarving extends Base {
        /** The builder, as the service loader creates it. */
        public UNetCarving() {
            super(Presets.UNET_CARVING);
        }
    }

    /** The builder of preset {@code unet-plusplus} ({@link Presets#UNET_PLUSPLUS}). */
    public static final class UNetPlusPlus extends Base {
        /** The builder, as the service loader creates it. */
        public UNetPlusPlus() {
            super(Presets.UNET_PLUSPLUS);
        }
    }

    /** The builder of preset {@code unet-plus} ({@link Presets#UNET_PLUS}). */
    public static final class UNetPlus extends Base {
        /** The builder, as the service loader creates it. */
        public UNetPlus() {
            super(Presets.UNET_PLUS);
        }
    }

    /** The builder of preset {@code resfcn} ({@link Presets#RESFCN}). */
    public static final class ResFcn extends Base {
        /** The builder, as the service loader creates it. */
        public ResFcn() {
            super(Presets.RESFCN);
        }
    }

    /** The builder of preset {@code simple-cnn} ({@link Presets#SIMPLE_CNN}). */
    public static final class SimpleCnn extends Base {
        /** The builder, as the service loader creates it. */
        public SimpleCnn() {
            super(Presets.SIMPLE_CNN);
        }
    }

    /** The builder of preset {@code resnet-fcn} ({@link Presets#RESNET_FCN}). */
    public static final class ResNetFcn extends Base {
        /** The builder, as the service loader creates it. */
        public ResNetFcn() {
            super(Presets.RESNET_FCN);
        }
    }
}
