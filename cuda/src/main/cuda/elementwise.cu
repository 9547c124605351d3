// Elementwise families: y = f(x), its backward, broadcast binaries out = f(a, b), seeded random fills and
// the fused optimizer steps (Adam/AdamW, SGD).
//
// Algorithm: one thread per element in a grid-stride loop; the op is a kernel argument (UnaryOp's or
// BinaryOp's ordinal) and the switch is uniform across a warp, so it costs no divergence. These kernels
// are bound by memory bandwidth (8–16 bytes moved per element for ~1 flop): the limit they chase is the
// GPU's DRAM bytes/s; loads and stores are coalesced because consecutive threads touch consecutive
// floats. A broadcast binary finds its operands' offsets from the output index (Walk2 in common.cuh, with
// stride 0 along a broadcast axis, adjacent axes merged by the Java side); the broadcast operand is
// re-read from cache, so DRAM traffic stays near one read of each operand and one write of out.
//
// Formulas match the CPU backend (dev.nucleon.core.cpu.Elementwise) case by case, including the
// subgradient conventions (abs'(0) = 0, relu'(0) = 0, clamp passes the gradient at its bounds) and the
// double-precision intermediates of the binary cross-entropies.
#include "common.cuh"

// UnaryOp ordinals (dev.nucleon.core.backend.UnaryOp; KernelBinariesTest checks the Java enum has this order)
enum Unary { NEG, EXP, LOG, SQRT, ABS, POW, ADD_SCALAR, MUL_SCALAR, CLAMP, RELU, ELU, LEAKY_RELU, SIGMOID, TANH, GELU };

#define GELU_C 0.7978845608028654f  // √(2/π): GELU's tanh approximation, ½x(1 + tanh(√(2/π)(x + 0.044715x³)))

__device__ __forceinline__ float unary_value(int op, float x, float p1, float p2) {
    switch (op) {
        case NEG: return -x;
        case EXP: return expf(x);
        case LOG: return logf(x);
        case SQRT: return sqrtf(x);
        case ABS: return fabsf(x);
        case POW: return powf(x, p1);
        case ADD_SCALAR: return x + p1;
        case MUL_SCALAR: return x * p1;
        case CLAMP: return java_min(java_max(x, p1), p2);  // NaN stays NaN, as with Java's Math.min/max
        case RELU: return java_max(x, 0.f);
        case ELU: return x > 0.f ? x : p1 * expm1f(x);
        case LEAKY_RELU: return x > 0.f ? x : p1 * x;
        case SIGMOID: return sigmoidf(x);
        case TANH: return tanhf(x);
        case GELU: return 0.5f * x * (1.f + tanhf(GELU_C * (x + 0.044715f * x * x * x)));
    }
    return __int_as_float(0x7fc00000); // NaN for an unknown op: loud, never silently wrong
}

__device__ __forceinline__ float unary_gradient(int op, float x, float y, float gy, float p1, float p2) {
    switch (op) {
        case NEG: return -gy;
        case EXP: return gy * y;
        case LOG: return gy / x;
        case SQRT: return gy * 0.5f / y;
        case ABS: return x > 0.f ? gy : x < 0.f ? -gy : 0.f;
        case POW: return gy * p1 * powf(x, p1 - 1.f);
        case ADD_SCALAR: return gy;
        case MUL_SCALAR: return gy * p1;
        case CLAMP: return x >= p1 && x <= p2 ? gy : 0.f;
        case RELU: return x > 0.f ? gy : 0.f;
        case ELU: return x > 0.f ? gy : gy * (y + p1);
        case LEAKY_RELU: return x > 0.f ? gy : gy * p1;
        case SIGMOID: return gy * y * (1.f - y);
        case TANH: return gy * (1.f - y * y);
        case GELU: {
            float t = tanhf(GELU_C * (x + 0.044715f * x * x * x));
            return gy * (0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * GELU_C * (1.f + 3.f * 0.044715f * x * x));
        }
    }
    return __int_as_float(0x7fc00000);
}

/** y[i] = op(x[i]; p1, p2). */
KERNEL void unary_forward(int op, float p1, float p2, const float* __restrict__ x, float* __restrict__ y, long long n) {
    GRID_STRIDE_LOOP(i, n) y[i] = unary_value(op, x[i], p1, p2);
}

/** gx[i] = gy[i] · op'(x[i]) (some derivatives read the forward output y instead). */
KERNEL void unary_backward(int op, float p1, float p2, const float* __restrict__ x, const float* __restrict__ y,
                           const float* __restrict__ gy, float* __restrict__ gx, long long n) {
    GRID_STRIDE_LOOP(i, n) gx[i] = unary_gradient(op, x[i], y[i], gy[i], p1, p2);
}

// ----- broadcast binaries --------------------------------------------------------------------------

// BinaryOp ordinals (dev.nucleon.core.backend.BinaryOp; KernelBinariesTest checks the Java enum has this order)
enum Binary { ADD, SUB, MUL, DIV, MAX, MIN, EQ, GT, BCE, BCE_GRAD, BCE_LOGITS, BCE_LOGITS_GRAD };

/** f(a, b), written as the CPU writes it, Java's float/double promotions included. */
__device__ __forceinline__ float binary_value(int op, float a, float b) {
    switch (op) {
        case ADD: return a + b;
        case SUB: return a - b;
        case MUL: return a * b;
        case DIV: return a / b;
        case MAX: return java_max(a, b);
        case MIN: return java_min(a, b);
        case EQ: return a == b ? 1.f : 0.f;
        case GT: return a > b ? 1.f : 0.f;
        case BCE: { // p = clamp(a, ε, 1 − ε) in float; the logs in double
            double p = java_min(java_max(a, BCE_EPSILON), 1.f - BCE_EPSILON);
            return (float)-((double)b * log(p) + (double)(1.f - b) * log(1.0 - p));
        }
        case BCE_GRAD:
            return a < BCE_EPSILON || a > 1.f - BCE_EPSILON ? 0.f
                    : (float)(((double)a - (double)b) / ((double)a * (double)(1.f - a)));
        case BCE_LOGITS: // max(a, 0) − a·b + ln(1 + e^−|a|): never exp of a large positive number
            return (float)((double)java_max(a, 0.f) - (double)a * b + log1p(exp(-(double)fabsf(a))));
        case BCE_LOGITS_GRAD: return sigmoidf(a) - b;
    }
    return __int_as_float(0x7fc00000);
}

/** out[i] = op(a[i], b[i]): the fast path when neither operand broadcasts. */
KERNEL void binary_same_shape(int op, const float* __restrict__ a, const float* __restrict__ b,
                              float* __restrict__ out, long long n) {
    GRID_STRIDE_LOOP(i, n) out[i] = binary_value(op, a[i], b[i]);
}

/** out[i] = op(a[·], b[·]) with NumPy broadcasting: walk.size is out's shape, stride0/stride1 a's and b's strides. */
KERNEL void binary_broadcast(int op, Walk2 walk, const float* __restrict__ a, const float* __restrict__ b,
                             float* __restrict__ out, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        long long ia, ib;
        offsets_of(walk, i, ia, ib);
        out[i] = binary_value(op, a[ia], b[ib]);
    }
}

// ----- seeded random fills: the same counter-based generator as dev.nucleon.core.random.CounterRandom ----

__device__ __forceinline__ unsigned long long splitmix_finalise(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/** 64 random bits for element `index` of stream `seed`: mix(mix(seed) + index·φ). */
__device__ __forceinline__ unsigned long long counter_bits(unsigned long long seed, unsigned long long index) {
    return splitmix_finalise(splitmix_finalise(seed) + index * 0x9E3779B97F4A7C15ull);
}

__device__ __forceinline__ float counter_uniform(unsigned long long seed, unsigned long long index) {
    return (float)(counter_bits(seed, index) >> 40) * 0x1.0p-24f;
}

__device__ __forceinline__ float counter_normal(unsigned long long seed, unsigned long long index) {
    double u1 = ((double)(counter_bits(seed, 2 * index) >> 11) + 1.0) * 0x1.0p-53; // (0, 1]
    double u2 = (double)(counter_bits(seed, 2 * index + 1) >> 11) * 0x1.0p-53;
    return (float)(sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2));
}

// RandomDistribution ordinals (dev.nucleon.core.backend.RandomDistribution)
enum Distribution { UNIFORM, NORMAL, BERNOULLI_SCALED };

/** target[i] = a draw of `distribution` (p1, p2) for element i of stream `seed`. */
KERNEL void fill_random(int distribution, long long seed, float p1, float p2, float* __restrict__ target, long long n) {
    GRID_STRIDE_LOOP(i, n) {
        switch (distribution) {
            case UNIFORM: {
                float v = p1 + (p2 - p1) * counter_uniform(seed, i);
                target[i] = v < p2 ? v : nextafterf(p2, -INFINITY); // rounding may reach p2: keep [p1, p2)
                break;
            }
            case NORMAL: target[i] = p1 + p2 * counter_normal(seed, i); break;
            case BERNOULLI_SCALED: target[i] = counter_uniform(seed, i) < p1 ? 1.f / p1 : 0.f; break;
            default: target[i] = __int_as_float(0x7fc00000);
        }
    }
}

// ----- fused optimizer steps (Backend.adamUpdate / sgdUpdate) -------------------------------------------
//
// One pass over the parameter and its state: 16–20 bytes per element instead of ~100 for the composed
// tensor ops. Every product and sum goes through __f*_rn, which nvcc never fuses into an FMA, so the
// roundings are exactly those of the CPU backend (dev.nucleon.core.cpu.OptimizerKernels) and of the
// composed ops; / and sqrtf are IEEE-rounded (nvcc's default -prec-div/-prec-sqrt).

/** θ ← θ·decay; g ← g + θ·l2; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + g²·(1−β₂); θ ← θ − (m·c₁ / (√(v·c₂) + ε))·lr. */
KERNEL void adam_update(float* __restrict__ theta, const float* __restrict__ grad, float* __restrict__ m,
                        float* __restrict__ v, float lr, float beta1, float one_minus_beta1, float beta2,
                        float one_minus_beta2, float eps, float correction1, float correction2, float l2, float decay,
                        long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float th = __fmul_rn(theta[i], decay);
        float g = l2 != 0.f ? __fadd_rn(grad[i], __fmul_rn(th, l2)) : grad[i];
        float mi = __fadd_rn(__fmul_rn(m[i], beta1), __fmul_rn(g, one_minus_beta1));
        float vi = __fadd_rn(__fmul_rn(v[i], beta2), __fmul_rn(__fmul_rn(g, g), one_minus_beta2));
        m[i] = mi;
        v[i] = vi;
        float denominator = __fadd_rn(sqrtf(__fmul_rn(vi, correction2)), eps);
        theta[i] = __fsub_rn(th, __fmul_rn(__fdiv_rn(__fmul_rn(mi, correction1), denominator), lr));
    }
}

/** g ← g + θ·wd; with momentum b ← g (first step) or b·μ + g·(1−dampening), d ← g + b·μ (Nesterov) or b; θ ← θ − d·lr. */
KERNEL void sgd_update(float* __restrict__ theta, const float* __restrict__ grad, float* __restrict__ buffer, float lr,
                       float momentum, float one_minus_dampening, float weight_decay, int nesterov, int first_step,
                       long long n) {
    GRID_STRIDE_LOOP(i, n) {
        float g = weight_decay != 0.f ? __fadd_rn(grad[i], __fmul_rn(theta[i], weight_decay)) : grad[i];
        float d = g;
        if (momentum != 0.f) {
            float b = first_step ? g : __fadd_rn(__fmul_rn(buffer[i], momentum), __fmul_rn(g, one_minus_dampening));
            buffer[i] = b;
            d = nesterov ? __fadd_rn(g, __fmul_rn(b, momentum)) : b;
        }
        theta[i] = __fsub_rn(theta[i], __fmul_rn(d, lr));
    }
}
