// Detection ops (Mask R-CNN): Backend.roiAlign and roiAlignBackward, and Backend.nmsMask. The line-for-line twin of
// opencl/src/main/resources/dev/nucleon/opencl/detection.cl, which runs in this project's tests (PoCL); the same
// algorithm, with CUDA's grid-stride loop, native float atomicAdd and __f*_rn intrinsics where nvcc would otherwise
// fuse a product and a sum into an FMA (OpenCL: FP_CONTRACT OFF), so the arithmetic rounds as RoiAlignLoops' and
// NmsLoops' Java does.
//
// RoIAlign (the formula is in core's RoiAlignGeometry; the statement-for-statement host version is RoiAlignLoops):
// one thread per output element (r, c, ph, pw) of y (R, C, outH, outW). The forward pass averages the bilinear
// samples of its bin; the backward pass scatters gy[r, c, ph, pw] / count back to the four neighbours of each
// sample with atomicAdd (as torchvision's CUDA kernel): regions overlap and neighbouring bins share pixels, so many
// threads add into one gx element; the additions' order, and so gx's last bits, may differ from run to run.
//
// NMS mask (NmsLoops has the host version): one thread per (row i, word w) computes the 64 bits j = 64w … 64w+63:
// bit (j mod 64) set iff j > i, same class, IoU(i, j) > threshold (torchvision's nms_kernel, without its
// shared-memory tile). Written as two uint32 (low word first) into a float buffer that the host reads back raw. The
// IoU repeats NmsLoops.iou operation for operation with IEEE division (__fdiv_rn), so the mask equals the host's bit
// for bit and the kept boxes are exactly the host path's.
#include "common.cuh"

/** gx[p] += v, atomically (native on every GPU this backend supports). */
__device__ __forceinline__ void atomic_add_float(float* p, float v) {
    atomicAdd(p, v);
}

/** Region r's placement: its batch index, top-left corner and bin size in map coordinates, samples per bin. */
struct Region {
    int batch;
    float start_h, start_w, bin_h, bin_w;
    int grid_h, grid_w;
    float count;
};

__device__ Region region_of(const float* __restrict__ rois, long long r, float scale, int sampling, int aligned,
                            int out_h, int out_w) {
    const float* roi = rois + r * 5;
    float offset = aligned ? 0.5f : 0.f;
    Region g;
    g.batch = (int)roi[0];
    g.start_w = __fsub_rn(__fmul_rn(roi[1], scale), offset);
    g.start_h = __fsub_rn(__fmul_rn(roi[2], scale), offset);
    float end_w = __fsub_rn(__fmul_rn(roi[3], scale), offset);
    float end_h = __fsub_rn(__fmul_rn(roi[4], scale), offset);
    float roi_w = end_w - g.start_w;
    float roi_h = end_h - g.start_h;
    if (!aligned) { // legacy: force malformed boxes to 1×1
        roi_w = java_max(roi_w, 1.f);
        roi_h = java_max(roi_h, 1.f);
    }
    g.bin_h = __fdiv_rn(roi_h, (float)out_h);
    g.bin_w = __fdiv_rn(roi_w, (float)out_w);
    g.grid_h = sampling > 0 ? sampling : (int)ceilf(__fdiv_rn(roi_h, (float)out_h));
    g.grid_w = sampling > 0 ? sampling : (int)ceilf(__fdiv_rn(roi_w, (float)out_w));
    g.count = (float)max(g.grid_h * g.grid_w, 1);
    return g;
}

/**
 * The four neighbours (flat offsets in an h×w plane) of sample (y, x) and their bilinear weights; false for a
 * sample outside [−1, h] × [−1, w]. A sample in [−1, 0] is clamped to 0, one at or past the last row/column to it.
 */
__device__ __forceinline__ bool bilinear(int h, int w, float y, float x, int* pos, float* wt) {
    if (y < -1.f || y > h || x < -1.f || x > w) {
        return false;
    }
    if (y <= 0) {
        y = 0;
    }
    if (x <= 0) {
        x = 0;
    }
    int y_low = (int)y;
    int x_low = (int)x;
    int y_high, x_high;
    if (y_low >= h - 1) {
        y_high = y_low = h - 1;
        y = (float)y_low;
    } else {
        y_high = y_low + 1;
    }
    if (x_low >= w - 1) {
        x_high = x_low = w - 1;
        x = (float)x_low;
    } else {
        x_high = x_low + 1;
    }
    float ly = y - y_low;
    float lx = x - x_low;
    float hy = 1.f - ly;
    float hx = 1.f - lx;
    pos[0] = y_low * w + x_low;
    pos[1] = y_low * w + x_high;
    pos[2] = y_high * w + x_low;
    pos[3] = y_high * w + x_high;
    wt[0] = hy * hx;
    wt[1] = hy * lx;
    wt[2] = ly * hx;
    wt[3] = ly * lx;
    return true;
}

/** Sample iy of gridH along one axis of bin p: start + p·bin + (iy + ½)·bin/grid, rounded as Java rounds it. */
__device__ __forceinline__ float sample_at(float start, int p, float bin, int i, int grid) {
    return __fadd_rn(__fadd_rn(start, __fmul_rn((float)p, bin)), __fdiv_rn(__fmul_rn(i + 0.5f, bin), (float)grid));
}

/**
 * y[r, c, ph, pw] = 1/count · Σ over the gridH × gridW samples of bin (ph, pw) of bilinear(x[batch(r), c], sample).
 * x (N, C, H, W), rois (R, 5), y (R, C, outH, outW); n = R·C·outH·outW.
 */
KERNEL void roi_align_forward(const float* __restrict__ x, const float* __restrict__ rois, float* __restrict__ y,
                              int channels, int h, int w, int out_h, int out_w, float scale, int sampling, int aligned,
                              long long n) {
    GRID_STRIDE_LOOP(i, n) {
        int pw = (int)(i % out_w);
        int ph = (int)((i / out_w) % out_h);
        int c = (int)((i / ((long long)out_w * out_h)) % channels);
        long long r = i / ((long long)out_w * out_h * channels);
        Region g = region_of(rois, r, scale, sampling, aligned, out_h, out_w);
        const float* plane = x + ((long long)g.batch * channels + c) * h * w;
        int pos[4];
        float wt[4];
        float sum = 0.f;
        for (int iy = 0; iy < g.grid_h; iy++) {
            float yy = sample_at(g.start_h, ph, g.bin_h, iy, g.grid_h);
            for (int ix = 0; ix < g.grid_w; ix++) {
                float xx = sample_at(g.start_w, pw, g.bin_w, ix, g.grid_w);
                if (!bilinear(h, w, yy, xx, pos, wt)) {
                    continue;
                }
                sum = __fadd_rn(sum, __fadd_rn(__fadd_rn(__fadd_rn(__fmul_rn(wt[0], plane[pos[0]]),
                        __fmul_rn(wt[1], plane[pos[1]])), __fmul_rn(wt[2], plane[pos[2]])), __fmul_rn(wt[3], plane[pos[3]])));
            }
        }
        y[i] = __fdiv_rn(sum, g.count);
    }
}

/**
 * gx[batch(r), c] += (bilinear weights of each sample of bin (ph, pw)) · gy[r, c, ph, pw] / count, with atomic
 * adds; gx (N, C, H, W) must be zero-filled first. gy (R, C, outH, outW); n = R·C·outH·outW.
 */
KERNEL void roi_align_backward(const float* __restrict__ rois, const float* __restrict__ gy, float* gx, int channels,
                               int h, int w, int out_h, int out_w, float scale, int sampling, int aligned, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        int pw = (int)(i % out_w);
        int ph = (int)((i / out_w) % out_h);
        int c = (int)((i / ((long long)out_w * out_h)) % channels);
        long long r = i / ((long long)out_w * out_h * channels);
        Region g = region_of(rois, r, scale, sampling, aligned, out_h, out_w);
        float* plane = gx + ((long long)g.batch * channels + c) * h * w;
        int pos[4];
        float wt[4];
        float share = __fdiv_rn(gy[i], g.count);
        for (int iy = 0; iy < g.grid_h; iy++) {
            float yy = sample_at(g.start_h, ph, g.bin_h, iy, g.grid_h);
            for (int ix = 0; ix < g.grid_w; ix++) {
                float xx = sample_at(g.start_w, pw, g.bin_w, ix, g.grid_w);
                if (!bilinear(h, w, yy, xx, pos, wt)) {
                    continue;
                }
                for (int k = 0; k < 4; k++) {
                    atomic_add_float(plane + pos[k], __fmul_rn(wt[k], share));
                }
            }
        }
    }
}

/** IoU of boxes i and j (x1, y1, x2, y2), NmsLoops.iou's operations in its order, no FMA, IEEE division. */
__device__ __forceinline__ float box_iou(const float* __restrict__ boxes, int i, int j) {
    const float* a = boxes + 4 * i;
    const float* b = boxes + 4 * j;
    float area_a = __fmul_rn(a[2] - a[0], a[3] - a[1]);
    float area_b = __fmul_rn(b[2] - b[0], b[3] - b[1]);
    float w = java_max(0.f, java_min(a[2], b[2]) - java_max(a[0], b[0]));
    float h = java_max(0.f, java_min(a[3], b[3]) - java_max(a[1], b[1]));
    float inter = __fmul_rn(w, h);
    return __fdiv_rn(inter, __fsub_rn(__fadd_rn(area_a, area_b), inter));
}

/**
 * The suppression mask of n boxes sorted by descending score: thread t = i·words + word writes row i's word `word`
 * as mask[2t] (bits 0…31) and mask[2t + 1] (bits 32…63). classes: n labels, read only when has_classes.
 * total = n·words.
 */
KERNEL void nms_mask(const float* __restrict__ boxes, const float* __restrict__ classes, int has_classes, int n,
                     int words, float threshold, unsigned int* __restrict__ mask, long long total) {
    GRID_STRIDE_LOOP(t, total) {
        int i = (int)(t / words);
        int first = (int)(t % words) * 64;
        unsigned long long bits = 0;
        for (int b = 0; b < 64; b++) {
            int j = first + b;
            if (j >= n) {
                break;
            }
            if (j > i && (!has_classes || classes[i] == classes[j]) && box_iou(boxes, i, j) > threshold) {
                bits |= 1ull << b;
            }
        }
        mask[2 * t] = (unsigned int)bits;
        mask[2 * t + 1] = (unsigned int)(bits >> 32);
    }
}
