package dev.nucleon.core.cpu;

import dev.nucleon.core.cpu.conv.ConvKernels;
import dev.nucleon.core.cpu.conv.DirectConv;
import dev.nucleon.core.cpu.conv.Im2colPanels;
import dev.nucleon.core.cpu.gemm.Sgemm;

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
public final class Workspace {

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

    /** {@return this thread's buffers} */
    public static Workspace current() {
        return CURRENT.get();
    }

    /**
     * {@return this thread's buffer for the GEMM's packed panel of A, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] packedA(int length) {
        if (packedA.length < length) {
            packedA = new float[length];
        }
        return packedA;
    }

    /**
     * {@return this thread's buffer for the GEMM's packed panel of B, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] packedB(int length) {
        if (packedB.length < length) {
            packedB = new float[length];
        }
        return packedB;
    }

    /**
     * {@return this thread's buffer for a micro-kernel's partial edge tile, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] edgeTile(int length) {
        if (edgeTile.length < length) {
            edgeTile = new float[length];
        }
        return edgeTile;
    }

    /**
     * {@return this thread's buffer for one im2col row, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] im2colRow(int length) {
        if (im2colRow.length < length) {
            im2colRow = new float[length];
        }
        return im2colRow;
    }

    /**
     * {@return this thread's buffer for a block of im2col columns, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] columns(int length) {
        if (columns.length < length) {
            columns = new float[length];
        }
        return columns;
    }

    /**
     * {@return this thread's buffer for the conv weight gradient's rows of output gradients, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] gradientRows(int length) {
        if (gradientRows.length < length) {
            gradientRows = new float[length];
        }
        return gradientRows;
    }

    /**
     * {@return this thread's buffer for one work item's partial weight gradient, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] weightItem(int length) {
        if (weightItem.length < length) {
            weightItem = new float[length];
        }
        return weightItem;
    }

    /**
     * {@return this thread's buffer for the direct convolution's band of padded input rows, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] directBand(int length) {
        if (directBand.length < length) {
            directBand = new float[length];
        }
        return directBand;
    }

    /**
     * {@return this thread's buffer for the direct convolution's packed weights, of at least {@code length} floats (stale contents)}
     *
     * @param length the floats needed
     */
    public float[] directWeights(int length) {
        if (directWeights.length < length) {
            directWeights = new float[length];
        }
        return directWeights;
    }
}
