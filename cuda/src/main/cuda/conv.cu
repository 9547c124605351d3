// 2-D convolution (Backend.conv2d and its two backward passes) as implicit GEMMs: the block-tiled main
// loop of gemm_tiles.cuh with operands that gather from the images on the fly, so no im2col matrix is
// ever stored in device memory. Shapes are core's ConvGeometry (x (N, C, H, W), w (C_out, C/G, kH, kW),
// y (N, C_out, H_out, W_out)); one group g per blockIdx.z. With P = H_out·W_out, k-index
// kidx = (ci, kh, kw) over C/G · kH · kW, and q = (img, oh, ow) over N · P:
//
//   forward          y[img, g·C_out/G + co, oh, ow] = bias + Σ_kidx W_g[co, kidx] · X̂[kidx, q]
//                    M = C_out/G, N = batch·P, K = C/G·kH·kW;  A = W_g (a plain matrix), B = X̂, the im2col
//                    matrix: X̂[(ci, kh, kw), (img, oh, ow)] = x[img, g·C/G + ci, oh·sH − pH + kh·dH, ow·sW − pW + kw·dW]
//                    (0 outside the image). Bias is added in the epilogue.
//   backward data    gx[img, g·C/G + ci, ih, iw] = Σ_{co, kh, kw} w[g·C_out/G + co, ci, kh, kw] · gy[img, co', oh, ow]
//                    where oh·sH = ih + pH − kh·dH (and the same for w) must be exact and in range: a gather
//                    per input pixel, M = C/G, N = batch·H·W, K = C_out/G·kH·kW (a "transposed" implicit GEMM;
//                    with stride s, (s²−1)/s² of its K terms are structural zeros, the price of not scattering).
//   backward weight  gW[g·C_out/G + co, kidx] = Σ_q gy[img, co', oh, ow] · X̂[kidx, q]
//                    M = C_out/G, N = C/G·kH·kW, K = batch·P: a long reduction, so split-K: blockIdx.z also
//                    picks a slice of K, each slice writes its own partial gW, and splitk_sum adds the
//                    slices in a fixed order (deterministic; no atomics).
// Outputs are overwritten. Each pass has a large-tile (128 × 128, 256 threads) and a small-tile (32 × 32,
// 64 threads) kernel; ConvOps picks by how many blocks the large tile would give.
//
// Gather costs: an operand whose 4 values run along q (forward B, backward-data B) decomposes its 4
// columns into (img, oh, ow) once per tile in start(), then each step only splits kidx (two integer
// divisions per float4). Backward weight's operands run along K = q and decompose q per value.
//
// The limit it chases: FP32 FMA throughput, as gemm.cu, less the gather overhead (index arithmetic and
// bounds checks ≈ 10–20 integer instructions per staged value, ~1/8 of the FMA issue slots for the large
// tile); the loads of a step coalesce along ow (stride 1) and hit L1/L2 for the kH·kW-fold reuse of each
// pixel. Backward data with stride 2 does 4× its useful FMAs. Registers and shared memory per kernel
// (ptxas -v, sm_90, nvcc 13) are listed in ConvOps.
#include "gemm_tiles.cuh"

/** ConvGeometry by value (16 ints; ConvOps.shape() builds it in this order). */
struct ConvShape {
    int n, c, h, w;                 // input: batch, channels, height, width
    int cout, kh, kw;               // output channels, kernel height and width
    int strideH, strideW, padH, padW, dilationH, dilationW;
    int groups, outH, outW;

    __device__ int inPerGroup() const { return c / groups; }
    __device__ int outPerGroup() const { return cout / groups; }
    __device__ int taps() const { return kh * kw; }                 // kernel positions per channel
    __device__ int positions() const { return outH * outW; }         // P
    __device__ int pixels() const { return h * w; }                  // H·W
};

/** x value at (ih, iw) of one channel plane starting at `plane`, or 0 in the padding. */
__device__ __forceinline__ float input_at(const float* __restrict__ plane, const ConvShape& s, int ih, int iw) {
    return (unsigned)ih < (unsigned)s.h && (unsigned)iw < (unsigned)s.w ? __ldg(plane + ih * s.w + iw) : 0.f;
}

/**
 * Forward B: the im2col matrix X̂ of group g, element (mn = q, k = kidx); runs along q. x points at
 * channel g·C/G of image 0.
 */
struct Im2colColumns {
    static constexpr bool K_RUN = false;
    const float* __restrict__ x;
    ConvShape s;
    int kEnd = 0;
    int image[4];         // image of each of the thread's 4 columns (ints, not 64-bit offsets: 4 registers fewer)
    int top[4], left[4];  // oh·sH − pH, ow·sW − pW; a column past N gets top = H (every row out of the image)

    __device__ Im2colColumns(const float* x, const ConvShape& s) : x(x), s(s) {}

    __device__ __forceinline__ void start(int q0, int kEnd) {
        this->kEnd = kEnd;
        const int columns = s.n * s.positions();
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int q = q0 + i;
            const int img = q / s.positions(), p = q - img * s.positions();
            const int oh = p / s.outW, ow = p - oh * s.outW;
            image[i] = img;
            top[i] = q < columns ? oh * s.strideH - s.padH : s.h;
            left[i] = ow * s.strideW - s.padW;
        }
    }

    __device__ __forceinline__ float4 fetch(int kidx) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (kidx < kEnd) {
            const int ci = kidx / s.taps(), tap = kidx - ci * s.taps();
            const int kh = tap / s.kw, kw = tap - kh * s.kw;
            const float* channel = x + (long long)ci * s.pixels();
            const long long imageSize = (long long)s.c * s.pixels();
#pragma unroll
            for (int i = 0; i < 4; ++i)
                e[i] = input_at(channel + image[i] * imageSize, s, top[i] + kh * s.dilationH, left[i] + kw * s.dilationW);
        }
        return float4_of(e);
    }
};

/**
 * Backward-weight B: the same X̂ seen as op(B) (K × N) with k = q, mn = kidx; runs along q. x points at
 * channel g·C/G of image 0.
 */
struct Im2colRows {
    static constexpr bool K_RUN = true;
    const float* __restrict__ x;
    ConvShape s;
    int kEnd = 0;
    bool valid = false;
    long long channel = 0;   // ci·H·W
    int dy = 0, dx = 0;      // kh·dH − pH, kw·dW − pW

    __device__ Im2colRows(const float* x, const ConvShape& s) : x(x), s(s) {}

    __device__ __forceinline__ void start(int kidx, int kEnd) {
        this->kEnd = kEnd;
        valid = kidx < s.inPerGroup() * s.taps();
        const int ci = kidx / s.taps(), tap = kidx - ci * s.taps();
        const int kh = tap / s.kw, kw = tap - kh * s.kw;
        channel = (long long)ci * s.pixels();
        dy = kh * s.dilationH - s.padH;
        dx = kw * s.dilationW - s.padW;
    }

    __device__ __forceinline__ float4 fetch(int q0) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (valid) {
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                const int q = q0 + i;
                if (q < kEnd) {
                    const int img = q / s.positions(), p = q - img * s.positions();
                    const int oh = p / s.outW, ow = p - oh * s.outW;
                    e[i] = input_at(x + (long long)img * s.c * s.pixels() + channel, s, oh * s.strideH + dy, ow * s.strideW + dx);
                }
            }
        }
        return float4_of(e);
    }
};

/**
 * Backward-weight A: gy of group g as an M × K matrix, element (mn = co, k = q) = gy[img, g·C_out/G + co, p];
 * runs along q. gy points at channel g·C_out/G of image 0. With P a multiple of 4, a run of 4 never
 * crosses an image and is 16-byte aligned: one float4.
 */
struct OutputGradRows {
    static constexpr bool K_RUN = true;
    const float* __restrict__ gy;
    ConvShape s;
    bool vector;
    int kEnd = 0;
    bool valid = false;
    long long row = 0;   // co·P

    __device__ OutputGradRows(const float* gy, const ConvShape& s)
        : gy(gy), s(s), vector(aligned16(gy) && s.positions() % 4 == 0) {}

    __device__ __forceinline__ void start(int co, int kEnd) {
        this->kEnd = kEnd;
        valid = co < s.outPerGroup();
        row = (long long)co * s.positions();
    }

    __device__ __forceinline__ float4 fetch(int q0) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (!valid) return float4_of(e);
        const long long imageSize = (long long)s.cout * s.positions();
        if (vector && q0 + 3 < kEnd) {
            const int img = q0 / s.positions(), p = q0 - img * s.positions();
            return __ldg(reinterpret_cast<const float4*>(gy + img * imageSize + row + p));
        }
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int q = q0 + i;
            if (q < kEnd) {
                const int img = q / s.positions(), p = q - img * s.positions();
                e[i] = __ldg(gy + img * imageSize + row + p);
            }
        }
        return float4_of(e);
    }
};

/**
 * Backward-data A: W_g read transposed, element (mn = ci, k = (co, kh, kw)) = w[g·C_out/G + co, ci, kh, kw];
 * runs along ci (stride kH·kW). w points at output channel g·C_out/G.
 */
struct TransposedWeights {
    static constexpr bool K_RUN = false;
    const float* __restrict__ w;
    ConvShape s;
    int kEnd = 0, ci0 = 0;

    __device__ TransposedWeights(const float* w, const ConvShape& s) : w(w), s(s) {}

    __device__ __forceinline__ void start(int ci, int kEnd) {
        this->kEnd = kEnd;
        ci0 = ci;
    }

    __device__ __forceinline__ float4 fetch(int k) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (k < kEnd) {
            const int co = k / s.taps(), tap = k - co * s.taps();
            const float* wk = w + (long long)co * s.inPerGroup() * s.taps() + tap;
#pragma unroll
            for (int i = 0; i < 4; ++i) if (ci0 + i < s.inPerGroup()) e[i] = __ldg(wk + (ci0 + i) * s.taps());
        }
        return float4_of(e);
    }
};

/**
 * Backward-data B: gy gathered per input pixel, element (mn = (img, ih, iw), k = (co, kh, kw)) =
 * gy[img, g·C_out/G + co, oh, ow] where oh·sH = ih + pH − kh·dH and ow·sW = iw + pW − kw·dW exactly, with
 * oh, ow in range; else 0. Runs along the pixels. gy points at channel g·C_out/G of image 0.
 */
struct OutputGradGather {
    static constexpr bool K_RUN = false;
    const float* __restrict__ gy;
    ConvShape s;
    int kEnd = 0;
    int image[4];           // image of each of the thread's 4 columns
    int down[4], right[4];  // ih + pH, iw + pW; a column past the last pixel gets down = −1 (never matches)

    __device__ OutputGradGather(const float* gy, const ConvShape& s) : gy(gy), s(s) {}

    __device__ __forceinline__ void start(int pixel0, int kEnd) {
        this->kEnd = kEnd;
        const int columns = s.n * s.pixels();
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int r = pixel0 + i;
            const int img = r / s.pixels(), rest = r - img * s.pixels();
            const int ih = rest / s.w, iw = rest - ih * s.w;
            image[i] = img;
            down[i] = r < columns ? ih + s.padH : -1;
            right[i] = iw + s.padW;
        }
    }

    __device__ __forceinline__ float4 fetch(int k) const {
        float e[4] = {0.f, 0.f, 0.f, 0.f};
        if (k < kEnd) {
            const int co = k / s.taps(), tap = k - co * s.taps();
            const int kh = tap / s.kw, kw = tap - kh * s.kw;
            const float* channel = gy + (long long)co * s.positions();
            const long long imageSize = (long long)s.cout * s.positions();
#pragma unroll
            for (int i = 0; i < 4; ++i) {
                const int th = down[i] - kh * s.dilationH, tw = right[i] - kw * s.dilationW;
                if (th >= 0 && tw >= 0) {
                    const int oh = th / s.strideH, ow = tw / s.strideW;
                    if (oh * s.strideH == th && ow * s.strideW == tw && oh < s.outH && ow < s.outW)
                        e[i] = __ldg(channel + image[i] * imageSize + oh * s.outW + ow);
                }
            }
        }
        return float4_of(e);
    }
};

/**
 * Epilogue of forward and backward data: C (channels × N·pixels) into an NCHW tensor, C[row][q] at
 * out[img·imageSize + row·pixels + p] (q = img·pixels + p), plus bias[row] when bias is not null. out and
 * bias point at the group's first channel. With pixels a multiple of 4, a run of 4 is one float4 store.
 */
struct ChannelStore {
    float* __restrict__ out;
    const float* __restrict__ bias;
    long long imageSize;
    int pixels, rows, cols;
    bool vector;

    __device__ ChannelStore(float* out, const float* bias, long long imageSize, int pixels, int rows, int cols)
        : out(out), bias(bias), imageSize(imageSize), pixels(pixels), rows(rows), cols(cols),
          vector(aligned16(out) && pixels % 4 == 0) {}

    __device__ __forceinline__ void store(int row, int col, float4 v) const {
        if (row >= rows) return;
        const float b = bias != nullptr ? __ldg(bias + row) : 0.f;
        const float e[4] = {v.x + b, v.y + b, v.z + b, v.w + b};
        if (vector && col + 3 < cols) {
            const int img = col / pixels, p = col - img * pixels;
            *reinterpret_cast<float4*>(out + img * imageSize + (long long)row * pixels + p) = float4_of(e);
            return;
        }
#pragma unroll
        for (int i = 0; i < 4; ++i) {
            const int q = col + i;
            if (q < cols) {
                const int img = q / pixels, p = q - img * pixels;
                out[img * imageSize + (long long)row * pixels + p] = e[i];
            }
        }
    }
};

/** y = conv2d(x, w) + bias (bias may be null). Grid (⌈N·P / BN⌉, ⌈(C_out/G) / BM⌉, G). */
template <class Cfg>
__device__ __forceinline__ void conv_forward(const ConvShape& s, const float* x, const float* w, const float* bias, float* y) {
    const int g = blockIdx.z;
    const int k = s.inPerGroup() * s.taps();
    MatrixOperand<true> weights(w + (long long)g * s.outPerGroup() * k, k, s.outPerGroup());
    Im2colColumns columns(x + (long long)g * s.inPerGroup() * s.pixels(), s);
    ChannelStore out(y + (long long)g * s.outPerGroup() * s.positions(),
                     bias != nullptr ? bias + g * s.outPerGroup() : nullptr,
                     (long long)s.cout * s.positions(), s.positions(), s.outPerGroup(), s.n * s.positions());
    gemm_tile<Cfg>(weights, columns, blockIdx.y * Cfg::BM, blockIdx.x * Cfg::BN, 0, k, out);
}

/** gx = ∂conv/∂x applied to gy. Grid (⌈N·H·W / BN⌉, ⌈(C/G) / BM⌉, G). */
template <class Cfg>
__device__ __forceinline__ void conv_backward_data(const ConvShape& s, const float* gy, const float* w, float* gx) {
    const int g = blockIdx.z;
    TransposedWeights weights(w + (long long)g * s.outPerGroup() * s.inPerGroup() * s.taps(), s);
    OutputGradGather grads(gy + (long long)g * s.outPerGroup() * s.positions(), s);
    ChannelStore out(gx + (long long)g * s.inPerGroup() * s.pixels(), nullptr, (long long)s.c * s.pixels(),
                     s.pixels(), s.inPerGroup(), s.n * s.pixels());
    gemm_tile<Cfg>(weights, grads, blockIdx.y * Cfg::BM, blockIdx.x * Cfg::BN, 0, s.outPerGroup() * s.taps(), out);
}

/**
 * gW = ∂conv/∂w applied to gy, K = N·P split into slices of kChunk (a multiple of 8): blockIdx.z =
 * slice·G + g. Slice j writes gW-shaped partial sums at partials + j·|gW| (partials is gW itself when
 * there is one slice). Grid (⌈(C/G·kH·kW) / BN⌉, ⌈(C_out/G) / BM⌉, G·slices).
 */
template <class Cfg>
__device__ __forceinline__ void conv_backward_weight(const ConvShape& s, const float* x, const float* gy, float* partials,
                                                     int kChunk) {
    const int g = blockIdx.z % s.groups, slice = blockIdx.z / s.groups;
    const int k = s.n * s.positions();
    const int kBegin = slice * kChunk, kEnd = min(k, kBegin + kChunk);
    const int n = s.inPerGroup() * s.taps();
    OutputGradRows grads(gy + (long long)g * s.outPerGroup() * s.positions(), s);
    Im2colRows columns(x + (long long)g * s.inPerGroup() * s.pixels(), s);
    const long long weights = (long long)s.cout * n;
    MatrixStore out(partials + slice * weights + (long long)g * s.outPerGroup() * n, n, s.outPerGroup(), n);
    gemm_tile<Cfg>(grads, columns, blockIdx.y * Cfg::BM, blockIdx.x * Cfg::BN, kBegin, kEnd, out);
}

#define CONV_KERNELS(size, Cfg)                                                                              \
    TILE_KERNEL(Cfg) conv_forward_##size(ConvShape s, const float* __restrict__ x, const float* __restrict__ w, \
                                         const float* __restrict__ bias, float* __restrict__ y) {            \
        conv_forward<Cfg>(s, x, w, bias, y);                                                                 \
    }                                                                                                        \
    TILE_KERNEL(Cfg) conv_backward_data_##size(ConvShape s, const float* __restrict__ gy,                    \
                                               const float* __restrict__ w, float* __restrict__ gx) {        \
        conv_backward_data<Cfg>(s, gy, w, gx);                                                               \
    }                                                                                                        \
    TILE_KERNEL(Cfg) conv_backward_weight_##size(ConvShape s, const float* __restrict__ x,                   \
                                                 const float* __restrict__ gy, float* __restrict__ partials, \
                                                 int kChunk) {                                               \
        conv_backward_weight<Cfg>(s, x, gy, partials, kChunk);                                               \
    }

CONV_KERNELS(large, LargeTile)
CONV_KERNELS(small, SmallTile)

/** out[i] = Σ_{j < slices} partials[j·size + i], always in the order j = 0, 1, …: the split-K second pass. */
KERNEL void splitk_sum(const float* __restrict__ partials, int slices, long long size, float* __restrict__ out) {
    GRID_STRIDE_LOOP(i, size) {
        float sum = 0.f;
        for (int j = 0; j < slices; ++j) sum += partials[j * size + i];
        out[i] = sum;
    }
}
