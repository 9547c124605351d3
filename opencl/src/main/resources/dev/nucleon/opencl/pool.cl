// Backend.maxPool2d and avgPool2d, forward: one work-item per output element walks its window; maxPool2dBackward
// (at the end): one work-item per window where windows do not overlap, else one per input element.
//
// The composed defaults gather every window into a (taps × outputs) temporary with one strided copy per tap and
// reduce it; here each output reads its kH·kW inputs directly (they overlap between neighbours and stay in cache):
// one launch, no temporary, one read of x per tap and one write of y. Memory-bound.
// Max: padded cells never win, NaN wins (Java's Math.max), as in the composed max. Average: the sum in acc_t divided
// by the window's cells (padding included when count_include_pad, the composed divisors' formula).

__kernel void pool2d_forward(__global const float* x, __global float* y, int average, int count_include_pad,
                             int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int h_out, int w_out, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int ow = (int)(i % w_out);
    int oh = (int)((i / w_out) % h_out);
    long plane = i / ((long)w_out * h_out);
    __global const float* xp = x + plane * h * w;
    int hs = oh * sh - ph;
    int ws = ow * sw - pw;
    int he = min(hs + kh, h + ph);
    int we = min(ws + kw, w + pw);
    float largest = -INFINITY;
    acc_t sum = 0;
    for (int iy = max(hs, 0); iy < min(he, h); iy++) {
        for (int ix = max(ws, 0); ix < min(we, w); ix++) {
            float v = xp[(long)iy * w + ix];
            largest = java_max(largest, v);
            sum += v;
        }
    }
    if (average) {
        int cells = count_include_pad ? (he - hs) * (we - ws) : (min(he, h) - max(hs, 0)) * (min(we, w) - max(ws, 0));
        y[i] = (float)sum / (float)cells;
    } else {
        y[i] = largest;
    }
}

// Backend.maxPool2dBackward: gx[i] = Σ gy over the windows whose first maximum is input cell i. Two kernels share
// the rule that picks a window's winner (window_winner): max_pool2d_backward_windows for windows that do not overlap
// (stride ≥ kernel in both directions, U-Net's 2×2 stride 2), one work-item per window; max_pool2d_backward for the
// general case, one work-item per input cell.

/**
 * The cell (y·w + x) that receives window (hs, ws)'s gradient, by the composed default's rule: the maximum as the
 * forward pass takes it (padded taps are −∞, NaN wins), then the first tap in row-major order equal to it. In one
 * pass: the first tap is the provisional winner and a later tap wins only with a strictly larger value; a NaN leaves
 * the window without a winner (NaN equals nothing), and so does a padded winner: −1.
 */
inline int window_winner(__global const float* xp, int h, int w, int hs, int ws, int kh, int kw) {
    float best = 0.f;
    int winner = -1;
    for (int tap = 0; tap < kh * kw; tap++) {
        int y = hs + tap / kw, xx = ws + tap % kw;
        bool inside = y >= 0 && y < h && xx >= 0 && xx < w;
        float v = inside ? xp[(long)y * w + xx] : -INFINITY;
        if (tap > 0 && isnan(best)) {
            break;
        }
        if (tap == 0 || isnan(v) || v > best) {
            best = v;
            winner = inside && !isnan(v) ? y * w + xx : -1;
        }
    }
    return winner;
}

/**
 * Windows that do not overlap: one work-item per window (N·C·H_out·W_out, plane-major as gy) writes gy to its winner
 * and 0 to its other cells, reading its kH·kW inputs once. Cells outside every window (a stride above the kernel,
 * or rows and columns past the last window) are not written here: the Java side zero-fills gx first when there are
 * any.
 */
__kernel void max_pool2d_backward_windows(__global const float* x, __global const float* gy, __global float* gx,
                                          int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int h_out,
                                          int w_out, long n) {
    long o = get_global_id(0);
    if (o >= n) return;
    int ox = (int)(o % w_out);
    int oy = (int)((o / w_out) % h_out);
    long plane = o / ((long)w_out * h_out);
    __global const float* xp = x + plane * h * w;
    __global float* gxp = gx + plane * h * w;
    int hs = oy * sh - ph;
    int ws = ox * sw - pw;
    int winner = window_winner(xp, h, w, hs, ws, kh, kw);
    float g = gy[o];
    for (int tap = 0; tap < kh * kw; tap++) {
        int y = hs + tap / kw, xx = ws + tap % kw;
        if (y >= 0 && y < h && xx >= 0 && xx < w) {
            gxp[(long)y * w + xx] = y * w + xx == winner ? g : 0.f;
        }
    }
}

/**
 * Any windows: one work-item per input element (N·C·H·W, plane-major as x). Window (oy, ox) covers rows
 * oy·sH − pH … oy·sH − pH + kH − 1, so the windows over row iy are those with ⌈(iy + pH − kH + 1) / sH⌉ ≤ oy ≤
 * ⌊(iy + pH) / sH⌋ (at most ⌈kH / sH⌉ of them; the same for columns). The work-item finds each one's winner and adds
 * gy of those it wins. Every gx element is written once: no zero fill, no atomics, no (taps × outputs) temporary.
 */
__kernel void max_pool2d_backward(__global const float* x, __global const float* gy, __global float* gx,
                                  int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int h_out, int w_out,
                                  long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    int ix = (int)(i % w);
    int iy = (int)((i / w) % h);
    long plane = i / ((long)w * h);
    __global const float* xp = x + plane * h * w;
    __global const float* gyp = gy + plane * h_out * w_out;
    int first_row = iy + ph - kh + 1;
    int first_col = ix + pw - kw + 1;
    int oy_lo = first_row <= 0 ? 0 : (first_row + sh - 1) / sh;
    int ox_lo = first_col <= 0 ? 0 : (first_col + sw - 1) / sw;
    int oy_hi = min(h_out - 1, (iy + ph) / sh);
    int ox_hi = min(w_out - 1, (ix + pw) / sw);
    int self = iy * w + ix;
    float sum = 0.f;
    for (int oy = oy_lo; oy <= oy_hi; oy++) {
        for (int ox = ox_lo; ox <= ox_hi; ox++) {
            if (window_winner(xp, h, w, oy * sh - ph, ox * sw - pw, kh, kw) == self) {
                sum += gyp[(long)oy * w_out + ox];
            }
        }
    }
    gx[i] = sum;
}
