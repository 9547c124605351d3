// elementwise.cu on the host (no GPU): unary forward and backward, every binary op (same shape and broadcast)
// and the seeded random fills, on fixed inputs, launched with a grid small enough that the grid-stride loops
// wrap. Unlike the other emulators this one prints its outputs (each float as 8 hex digits of its bits) and
// HostEmulationTest compares them with the CPU backend's on the same inputs, so the kernels' formulas are
// held to core's, op by op. Lines:
//   unary OP P1 P2 <y…>            x_i = −3 + 6·i/(N−1)
//   unary_backward OP P1 P2 <gx…>  with that x, y = the line above, gy_i = 1 − i/N
//   binary OP <out…>               a_i = x_i, b_i = 0.05 + i/N (for BCE a probability)
//   broadcast OP <out…>            a (4,1,6) = x_0.., b (1,5,6) = b_0..: out (4,5,6)
//   random DIST SEED P1 P2 <v…>
#include "cuda_host_shim.h"
#include "../../main/cuda/elementwise.cu"

#include <cstdio>

static const int N = 64;

static void print(const char* head, const std::vector<float>& v) {
    std::printf("%s", head);
    for (float f : v) {
        unsigned bits;
        std::memcpy(&bits, &f, sizeof bits);
        std::printf(" %08x", bits);
    }
    std::printf("\n");
}

int main() {
    std::vector<float> x(N), gy(N), b(N);
    for (int i = 0; i < N; ++i) {
        x[i] = -3.f + 6.f * i / (N - 1);
        gy[i] = 1.f - float(i) / N;
        b[i] = 0.05f + float(i) / N;
    }
    const long long n = N;
    struct { int op; float p1, p2; } unaries[] = {{NEG, 0, 0}, {EXP, 0, 0}, {LOG, 0, 0}, {SQRT, 0, 0}, {ABS, 0, 0},
        {POW, 2.f, 0}, {POW, 0.5f, 0}, {ADD_SCALAR, 0.5f, 0}, {MUL_SCALAR, -1.5f, 0}, {CLAMP, -1.f, 1.f}, {RELU, 0, 0},
        {ELU, 1.f, 0}, {LEAKY_RELU, 0.1f, 0}, {SIGMOID, 0, 0}, {TANH, 0, 0}, {GELU, 0, 0}};
    char head[96];
    for (auto u : unaries) {
        std::vector<float> y(N, NAN), gx(N, NAN);
        launch({3}, {8}, [&] { unary_forward(u.op, u.p1, u.p2, x.data(), y.data(), n); });
        std::snprintf(head, sizeof head, "unary %d %a %a", u.op, u.p1, u.p2);
        print(head, y);
        launch({3}, {8}, [&] { unary_backward(u.op, u.p1, u.p2, x.data(), y.data(), gy.data(), gx.data(), n); });
        std::snprintf(head, sizeof head, "unary_backward %d %a %a", u.op, u.p1, u.p2);
        print(head, gx);
    }
    for (int op = ADD; op <= BCE_LOGITS_GRAD; ++op) {
        std::vector<float> a = x;
        if (op == BCE || op == BCE_GRAD)
            for (int i = 0; i < N; ++i) a[i] = (i + 0.5f) / N;  // probabilities
        std::vector<float> out(N, NAN);
        launch({3}, {8}, [&] { binary_same_shape(op, a.data(), b.data(), out.data(), n); });
        std::snprintf(head, sizeof head, "binary %d", op);
        print(head, out);
    }
    // a (4, 1, 6) and b (1, 5, 6) to (4, 5, 6): strides 0 along the broadcast axes
    Walk2 walk{};
    walk.rank = 3;
    int sizes[3] = {4, 5, 6};
    long long sa[3] = {6, 0, 1}, sb[3] = {0, 6, 1};
    for (int d = 0; d < 3; ++d) { walk.size[d] = sizes[d]; walk.stride0[d] = sa[d]; walk.stride1[d] = sb[d]; }
    for (int op : {ADD, SUB, DIV, MAX}) {
        std::vector<float> out(120, NAN);
        launch({2}, {16}, [&] { binary_broadcast(op, walk, x.data(), b.data(), out.data(), 120); });
        std::snprintf(head, sizeof head, "broadcast %d", op);
        print(head, out);
    }
    struct { int dist; long long seed; float p1, p2; } randoms[] = {{UNIFORM, 42, -1.f, 1.f}, {UNIFORM, 7, 0.f, 1.f},
        {NORMAL, 42, 0.f, 1.f}, {NORMAL, 3, 2.f, 0.5f}, {BERNOULLI_SCALED, 11, 0.8f, 0}};
    for (auto r : randoms) {
        std::vector<float> v(N, NAN);
        launch({3}, {8}, [&] { fill_random(r.dist, r.seed, r.p1, r.p2, v.data(), n); });
        std::snprintf(head, sizeof head, "random %d %lld %a %a", r.dist, r.seed, r.p1, r.p2);
        print(head, v);
    }
    std::printf("elementwise: %d lines printed for HostEmulationTest\n", int(std::size(unaries)) * 2 + 12 + 4 + 5);
    return 0;
}
