// Detection ops (Mask R-CNN): Backend.roiAlign and roiAlignBackward, and Backend.nmsMask. cuda/src/main/cuda/
// detection.cu is this file's line-for-line twin (so the OpenCL tests, which run under PoCL, vouch for its algorithm).
//
// RoIAlign (the formula is in core's RoiAlignGeometry; the statement-for-statement host version is RoiAlignLoops):
// one work-item per output element (r, c, ph, pw) of y (R, C, outH, outW). The forward pass averages the bilinear
// samples of its bin; the backward pass scatters gy[r, c, ph, pw] / count back to the four neighbours of each
// sample. Regions overlap and a sample's neighbours are shared with the next bin's, so many work-items add into one
// gx element: OpenCL 1.2 has no float atomic add, so atomic_add_float is a compare-and-swap loop on the float's int
// bits (atomic_cmpxchg, core since 1.1). A gather formulation (each gx element finding every sample of every region
// that touches it) would be deterministic, but it must test every region per element (R·C·H·W·R work) or build a
// per-pixel region index first; the atomics cost only contention, which is low for the spread-out samples of a
// detector. The price: the additions' order, and so the last bits of gx, may differ from run to run.
// Operation order and FP_CONTRACT OFF (common.cl) follow RoiAlignLoops, so the forward pass matches it to the last
// bit but for the final division by count (not correctly rounded on every device).
//
// NMS mask (NmsLoops has the host version): one work-item per (row i, word w) computes the 64 bits j = 64w … 64w+63:
// bit (j mod 64) set iff j > i, same class, IoU(i, j) > threshold (torchvision's nms_kernel, without its shared-memory
// tile: a box's 4 floats are read once per word from cache). Written as two uint32 (low word first) into a float
// buffer that the host reads back raw. The IoU repeats NmsLoops.iou operation for operation and divides with correct
// rounding (through double where the device has it; else plain division is correctly rounded only under
// -cl-fp32-correctly-rounded-divide-sqrt, which OpenClContext passes when the device supports it), so the mask
// equals the host's bit for bit and the kept boxes are exactly the host path's.

/** gx[p] += v, atomically: retry until no other work-item changed *p between the read and the swap. */
inline void atomic_add_float(volatile __global float* p, float v) {
    union { uint u; float f; } seen, next;
    do {
        seen.f = *p;
        next.f = seen.f + v;
    } while (atomic_cmpxchg((volatile __global uint*)p, seen.u, next.u) != seen.u);
}

/** Region r's placement: its batch index, top-left corner and bin size in map coordinates, samples per bin. */
typedef struct {
    int batch;
    float start_h, start_w, bin_h, bin_w;
    int grid_h, grid_w;
    float count;
} Region;

inline Region region_of(__global const float* rois, long r, float scale, int sampling, int aligned, int out_h,
                        int out_w) {
    __global const float* roi = rois + r * 5;
    float offset = aligned ? 0.5f : 0.f;
    Region g;
    g.batch = (int)roi[0];
    g.start_w = roi[1] * scale - offset;
    g.start_h = roi[2] * scale - offset;
    float end_w = roi[3] * scale - offset;
    float end_h = roi[4] * scale - offset;
    float roi_w = end_w - g.start_w;
    float roi_h = end_h - g.start_h;
    if (!aligned) { // legacy: force malformed boxes to 1×1
        roi_w = java_max(roi_w, 1.f);
        roi_h = java_max(roi_h, 1.f);
    }
    g.bin_h = roi_h / out_h;
    g.bin_w = roi_w / out_w;
    g.grid_h = sampling > 0 ? sampling : (int)ceil(roi_h / out_h);
    g.grid_w = sampling > 0 ? sampling : (int)ceil(roi_w / out_w);
    g.count = (float)max(g.grid_h * g.grid_w, 1);
    return g;
}

/**
 * The four neighbours (flat offsets in an h×w plane) of sample (y, x) and their bilinear weights; false for a
 * sample outside [−1, h] × [−1, w]. A sample in [−1, 0] is clamped to 0, one at or past the last row/column to it.
 */
inline bool bilinear(int h, int w, float y, float x, int* pos, float* wt) {
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

/**
 * y[r, c, ph, pw] = 1/count · Σ over the gridH × gridW samples of bin (ph, pw) of bilinear(x[batch(r), c], sample).
 * x (N, C, H, W), rois (R, 5), y (R, C, outH, outW); n = R·C·outH·outW.
 */
__kernel void roi_align_forward(__global const float* x, __global const float* rois, __global float* y, int channels,
                                int h, int w, int out_h, int out_w, float scale, int sampling, int aligned, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int pw = (int)(i % out_w);
    int ph = (int)((i / out_w) % out_h);
    int c = (int)((i / ((long)out_w * out_h)) % channels);
    long r = i / ((long)out_w * out_h * channels);
    Region g = region_of(rois, r, scale, sampling, aligned, out_h, out_w);
    __global const float* plane = x + ((long)g.batch * channels + c) * h * w;
    int pos[4];
    float wt[4];
    float sum = 0.f;
    for (int iy = 0; iy < g.grid_h; iy++) {
        float yy = g.start_h + ph * g.bin_h + (iy + 0.5f) * g.bin_h / g.grid_h;
        for (int ix = 0; ix < g.grid_w; ix++) {
            float xx = g.start_w + pw * g.bin_w + (ix + 0.5f) * g.bin_w / g.grid_w;
            if (!bilinear(h, w, yy, xx, pos, wt)) {
                continue;
            }
            sum += wt[0] * plane[pos[0]] + wt[1] * plane[pos[1]] + wt[2] * plane[pos[2]] + wt[3] * plane[pos[3]];
        }
    }
    y[i] = sum / g.count;
}

/**
 * gx[batch(r), c] += (bilinear weights of each sample of bin (ph, pw)) · gy[r, c, ph, pw] / count, with atomic
 * adds; gx (N, C, H, W) must be zero-filled first. gy (R, C, outH, outW); n = R·C·outH·outW.
 */
__kernel void roi_align_backward(__global const float* rois, __global const float* gy, __global float* gx,
                                 int channels, int h, int w, int out_h, int out_w, float scale, int sampling,
                                 int aligned, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int pw = (int)(i % out_w);
    int ph = (int)((i / out_w) % out_h);
    int c = (int)((i / ((long)out_w * out_h)) % channels);
    long r = i / ((long)out_w * out_h * channels);
    Region g = region_of(rois, r, scale, sampling, aligned, out_h, out_w);
    __global float* plane = gx + ((long)g.batch * channels + c) * h * w;
    int pos[4];
    float wt[4];
    float share = gy[i] / g.count;
    for (int iy = 0; iy < g.grid_h; iy++) {
        float yy = g.start_h + ph * g.bin_h + (iy + 0.5f) * g.bin_h / g.grid_h;
        for (int ix = 0; ix < g.grid_w; ix++) {
            float xx = g.start_w + pw * g.bin_w + (ix + 0.5f) * g.bin_w / g.grid_w;
            if (!bilinear(h, w, yy, xx, pos, wt)) {
                continue;
            }
            for (int k = 0; k < 4; k++) {
                atomic_add_float(plane + pos[k], wt[k] * share);
            }
        }
    }
}

/** a / b rounded once, to nearest (a double quotient of two floats rounds to the float one: 53 ≥ 2·24 + 2). */
inline float divide_rn(float a, float b) {
#ifdef cl_khr_fp64
    return (float)((double)a / (double)b);
#else
    return a / b;
#endif
}

/** IoU of boxes i and j (x1, y1, x2, y2), NmsLoops.iou's operations in its order. */
inline float box_iou(__global const float* boxes, int i, int j) {
    __global const float* a = boxes + 4 * i;
    __global const float* b = boxes + 4 * j;
    float area_a = (a[2] - a[0]) * (a[3] - a[1]);
    float area_b = (b[2] - b[0]) * (b[3] - b[1]);
    float w = java_max(0.f, java_min(a[2], b[2]) - java_max(a[0], b[0]));
    float h = java_max(0.f, java_min(a[3], b[3]) - java_max(a[1], b[1]));
    float inter = w * h;
    return divide_rn(inter, area_a + area_b - inter);
}

/**
 * The suppression mask of n boxes sorted by descending score: work-item t = i·words + word writes row i's word
 * `word` as mask[2t] (bits 0…31) and mask[2t + 1] (bits 32…63). classes: n labels, read only when has_classes.
 * total = n·words.
 */
__kernel void nms_mask(__global const float* boxes, __global const float* classes, int has_classes, int n, int words,
                       float threshold, __global uint* mask, long total) {
    long t = get_global_id(0);
    if (t >= total) return;
    int i = (int)(t / words);
    int first = (int)(t % words) * 64;
    ulong bits = 0;
    for (int b = 0; b < 64; b++) {
        int j = first + b;
        if (j >= n) {
            break;
        }
        if (j > i && (!has_classes || classes[i] == classes[j]) && box_iou(boxes, i, j) > threshold) {
            bits |= (ulong)1 << b;
        }
    }
    mask[2 * t] = (uint)bits;
    mask[2 * t + 1] = (uint)(bits >> 32);
}
