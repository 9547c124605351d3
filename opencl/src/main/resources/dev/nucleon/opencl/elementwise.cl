// Elementwise families: y = f(x), its backward gx = gy·f'(x), and broadcast binaries out = f(a, b); the fused
// optimizer steps (Adam/AdamW, SGD).
//
// Algorithm: one work-item per element; the op is a kernel argument (UnaryOp's or BinaryOp's ordinal), uniform
// across the launch. Bound by memory bandwidth (8–16 bytes moved per element for ~1 flop). A broadcast binary finds
// its operands' offsets from the output index through a Walk (stride 0 along a broadcast axis).
//
// Formulas match the CPU backend (dev.nucleon.core.cpu) and the CUDA kernels (cuda/src/main/cuda/elementwise.cu)
// case by case, with the same subgradient conventions (abs'(0) = 0, relu'(0) = 0, clamp passes the gradient at
// its bounds) and double intermediates (acc_t) in the binary cross-entropies.

// UnaryOp ordinals (dev.nucleon.core.backend.UnaryOp; OpenClKernelTablesTest checks the Java enum has this order)
enum Unary { NEG, EXP, LOG, SQRT, ABS, POW, ADD_SCALAR, MUL_SCALAR, CLAMP, RELU, ELU, LEAKY_RELU, SIGMOID, TANH, GELU };

#define GELU_C 0.7978845608028654f  // √(2/π): ½x(1 + tanh(√(2/π)(x + 0.044715x³)))

inline float unary_value(int op, float x, float p1, float p2) {
    switch (op) {
        case NEG: return -x;
        case EXP: return exp(x);
        case LOG: return log(x);
        case SQRT: return sqrt(x);
        case ABS: return fabs(x);
        case POW: return pow(x, p1);
        case ADD_SCALAR: return x + p1;
        case MUL_SCALAR: return x * p1;
        case CLAMP: return java_min(java_max(x, p1), p2);
        case RELU: return java_max(x, 0.f);
        case ELU: return x > 0.f ? x : p1 * expm1(x);
        case LEAKY_RELU: return x > 0.f ? x : p1 * x;
        case SIGMOID: return sigmoid_of(x);
        case TANH: return tanh(x);
        case GELU: return 0.5f * x * (1.f + tanh(GELU_C * (x + 0.044715f * x * x * x)));
    }
    return NAN; // an unknown op: loud, never silently wrong
}

inline float unary_gradient(int op, float x, float y, float gy, float p1, float p2) {
    switch (op) {
        case NEG: return -gy;
        case EXP: return gy * y;
        case LOG: return gy / x;
        case SQRT: return gy * 0.5f / y;
        case ABS: return x > 0.f ? gy : x < 0.f ? -gy : 0.f;
        case POW: return p1 == 0.f ? 0.f : gy * p1 * pow(x, p1 - 1.f);
        case ADD_SCALAR: return gy;
        case MUL_SCALAR: return gy * p1;
        case CLAMP: return x >= p1 && x <= p2 ? gy : 0.f;
        case RELU: return x > 0.f ? gy : 0.f;
        case ELU: return x > 0.f ? gy : gy * (y + p1);
        case LEAKY_RELU: return x > 0.f ? gy : gy * p1;
        case SIGMOID: return gy * y * (1.f - y);
        case TANH: return gy * (1.f - y * y);
        case GELU: {
            float t = tanh(GELU_C * (x + 0.044715f * x * x * x));
            return gy * (0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * GELU_C * (1.f + 3.f * 0.044715f * x * x));
        }
    }
    return NAN;
}

/** y[i] = op(x[i]; p1, p2). */
__kernel void unary_forward(int op, float p1, float p2, __global const float* x, __global float* y, long n) {
    long i = get_global_id(0);
    if (i < n) y[i] = unary_value(op, x[i], p1, p2);
}

/** gx[i] = gy[i] · op'(x[i]) (some derivatives read the forward output y instead). */
__kernel void unary_backward(int op, float p1, float p2, __global const float* x, __global const float* y,
                             __global const float* gy, __global float* gx, long n) {
    long i = get_global_id(0);
    if (i < n) gx[i] = unary_gradient(op, x[i], y[i], gy[i], p1, p2);
}

// BinaryOp ordinals (dev.nucleon.core.backend.BinaryOp; OpenClKernelTablesTest checks the Java enum has this order)
enum Binary { ADD, SUB, MUL, DIV, MAX, MIN, EQ, GT, BCE, BCE_GRAD, BCE_LOGITS, BCE_LOGITS_GRAD };

#define BCE_EPSILON 1e-7f

/** f(a, b), written as the CPU writes it, Java's float/double promotions included. */
inline float binary_value(int op, float a, float b) {
    switch (op) {
        case ADD: return a + b;
        case SUB: return a - b;
        case MUL: return a * b;
        case DIV: return a / b;
        case MAX: return java_max(a, b);
        case MIN: return java_min(a, b);
        case EQ: return a == b ? 1.f : 0.f;
        case GT: return a > b ? 1.f : 0.f;
        case BCE: { // p = clamp(a, ε, 1 − ε) in float; the logs in acc_t
            acc_t p = java_min(java_max(a, BCE_EPSILON), 1.f - BCE_EPSILON);
            return (float)-((acc_t)b * log(p) + (acc_t)(1.f - b) * log((acc_t)1 - p));
        }
        case BCE_GRAD:
            return a < BCE_EPSILON || a > 1.f - BCE_EPSILON ? 0.f
                    : (float)(((acc_t)a - (acc_t)b) / ((acc_t)a * (acc_t)(1.f - a)));
        case BCE_LOGITS:
            return (float)((acc_t)java_max(a, 0.f) - (acc_t)a * b + log1p(exp(-(acc_t)fabs(a))));
        case BCE_LOGITS_GRAD: return sigmoid_of(a) - b;
    }
    return NAN;
}

/** out[i] = op(a[i], b[i]): neither operand broadcasts. */
__kernel void binary_same_shape(int op, __global const float* a, __global const float* b, __global float* out, long n) {
    long i = get_global_id(0);
    if (i < n) out[i] = binary_value(op, a[i], b[i]);
}

/** out[i] = op(a[·], b[·]) with broadcasting: walk.size is out's shape, stride0/stride1 a's and b's strides. */
__kernel void binary_broadcast(int op, const Walk walk, __global const float* a, __global const float* b,
                               __global float* out, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    long ia, ib;
    offsets_of(&walk, i, &ia, &ib);
    out[i] = binary_value(op, a[ia], b[ib]);
}

/** θ ← θ·decay; g ← g + θ·l2; m ← m·β₁ + g·(1−β₁); v ← v·β₂ + g²·(1−β₂); θ ← θ − (m·c₁ / (√(v·c₂) + ε))·lr. */
__kernel void adam_update(__global float* theta, __global const float* grad, __global float* m, __global float* v,
                          float lr, float beta1, float one_minus_beta1, float beta2, float one_minus_beta2, float eps,
                          float correction1, float correction2, float l2, float decay, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    float th = theta[i] * decay;
    float g = l2 != 0.f ? grad[i] + th * l2 : grad[i];
    float mi = m[i] * beta1 + g * one_minus_beta1;
    float vi = v[i] * beta2 + (g * g) * one_minus_beta2;
    m[i] = mi;
    v[i] = vi;
    float denominator = sqrt(vi * correction2) + eps;
    theta[i] = th - ((mi * correction1) / denominator) * lr;
}

/** g ← g + θ·wd; with momentum b ← g (first step) or b·μ + g·(1−dampening), d ← g + b·μ (Nesterov) or b; θ ← θ − d·lr. */
__kernel void sgd_update(__global float* theta, __global const float* grad, __global float* buffer, float lr,
                         float momentum, float one_minus_dampening, float weight_decay, int nesterov, int first_step,
                         long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    float g = weight_decay != 0.f ? grad[i] + theta[i] * weight_decay : grad[i];
    float d = g;
    if (momentum != 0.f) {
        float b = first_step ? g : buffer[i] * momentum + g * one_minus_dampening;
        buffer[i] = b;
        d = nesterov ? g + b * momentum : b;
    }
    theta[i] = theta[i] - d * lr;
}
