// Backend.maxPool2d and avgPool2d, forward: one work-item per output element walks its window.
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
