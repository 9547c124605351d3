package dev.nucleon.core.cpu;

/**
 * Per-thread scratch buffers of the CPU compute kernels (GEMM packing, im2col rows, column blocks),
 * grown on demand and reused across calls so hot paths do not allocate. Every buffer is bounded by the
 * kernels' blocking sizes, not by the problem size: a few MiB per thread in total.
 *
 * <p>Contents are garbage on return: callers overwrite what they use. A buffer belongs to one caller at
 * a time: {@link Sgemm} uses {@link #packedA}, {@link #packedB}, {@link #edgeTile}; {@link Im2colPanels}
 * uses {@link #im2colRow}; {@link ConvKernels} uses {@link #columns} (which the GEMM never touches);
 * {@link DirectConv} uses {@link #directBand}, {@link #directWeights} and {@link #edgeTile} (it never
 * calls the GEMM).
 */
final class Workspace {

    private static final ThreadLocal<Workspace> CURRENT = ThreadLocal.withInitial(Workspace::new);

    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private float[] edgeTile = new float[0];
    private float[] im2colRow = new float[0];
    private float[] columns = new float[0];
    private float[] gradientRows = new float[0];
    private float[] weightItem = new float[0];
    private float[] directBand = new float[0];
    private float[] directWeights = new float[0];

    private Workspace() {
    }

    /** This thread's buffers. */
    static Workspace current() {
        return CURRENT.get();
    }

    float[] packedA(int length) {
        if (packedA.length < length) {
            packedA = new float[length];
        }
        return packedA;
    }

    float[] packedB(int length) {
        if (packedB.length < length) {
            packedB = new float[length];
        }
        return packedB;
    }

    float[] edgeTile(int length) {
        if (edgeTile.length < length) {
            edgeTile = new float[length];
        }
        return edgeTile;
    }

    float[] im2colRow(int length) {
        if (im2colRow.length < length) {
            im2colRow = new float[length];
        }
        return im2colRow;
    }

    float[] columns(int length) {
        if (columns.length < length) {
            columns = new float[length];
        }
        return columns;
    }

    float[] gradientRows(int length) {
        if (gradientRows.length < length) {
            gradientRows = new float[length];
        }
        return gradientRows;
    }

    float[] weightItem(int length) {
        if (weightItem.length < length) {
            weightItem = new float[length];
        }
        return weightItem;
    }

    float[] directBand(int length) {
        if (directBand.length < length) {
            directBand = new float[length];
        }
        return directBand;
    }

    float[] directWeights(int length) {
        if (directWeights.length < length) {
            directWeights = new float[length];
        }
        return directWeights;
    }
}
