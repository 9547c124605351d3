// Runs detection.cu on the host (no GPU) for HostEmulationDetectionTest, which writes the inputs to stdin and
// compares what this prints with core's RoiAlignLoops and NmsLoops. The kernels are launched with a small grid
// (3 blocks of 32 threads: the grid-stride loops wrap), the threads of a block really run concurrently
// (std::thread, see cuda_host_shim.h), so atomicAdd is a real atomic here (std::atomic_ref).
//
// stdin, every float as the decimal int of its raw bits:
//   roi  n c h w r out_h out_w scale sampling aligned, then x (n·c·h·w), rois (r·5), gy (r·c·out_h·out_w)
//     → prints "y" and the r·c·out_h·out_w bits of y, then "gx" and the n·c·h·w bits of gx (zero-filled first)
//   nms  n has_classes threshold, then boxes (n·4), classes (n, when has_classes)
//     → prints "mask" and the n·⌈n/64⌉ words as unsigned decimals
#include <atomic>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "cuda_host_shim.h"

/** CUDA's float atomicAdd for the emulated threads. */
inline float atomicAdd(float* p, float v) {
    return std::atomic_ref<float>(*p).fetch_add(v);
}

#include "../../main/cuda/detection.cu"

static float read_float() {
    long long bits;
    std::cin >> bits;
    int i = (int)bits;
    float f;
    std::memcpy(&f, &i, sizeof f);
    return f;
}

static std::vector<float> read_floats(long long n) {
    std::vector<float> v(n);
    for (auto& x : v) x = read_float();
    return v;
}

static void print_floats(const char* what, const std::vector<float>& v) {
    std::printf("%s", what);
    for (float f : v) {
        int i;
        std::memcpy(&i, &f, sizeof i);
        std::printf(" %d", i);
    }
    std::printf("\n");
}

int main() {
    std::string kind;
    std::cin >> kind;
    dim3 grid{3, 1, 1}, block{32, 1, 1};
    if (kind == "roi") {
        int n, c, h, w, r, out_h, out_w, sampling, aligned;
        std::cin >> n >> c >> h >> w >> r >> out_h >> out_w;
        float scale = read_float();
        std::cin >> sampling >> aligned;
        std::vector<float> x = read_floats((long long)n * c * h * w);
        std::vector<float> rois = read_floats((long long)r * 5);
        long long outputs = (long long)r * c * out_h * out_w;
        std::vector<float> gy = read_floats(outputs);
        std::vector<float> y(outputs, NAN), gx(x.size(), 0.f);
        launch(grid, block, [&] {
            roi_align_forward(x.data(), rois.data(), y.data(), c, h, w, out_h, out_w, scale, sampling, aligned, outputs);
        });
        launch(grid, block, [&] {
            roi_align_backward(rois.data(), gy.data(), gx.data(), c, h, w, out_h, out_w, scale, sampling, aligned, outputs);
        });
        print_floats("y", y);
        print_floats("gx", gx);
    } else if (kind == "nms") {
        int n, has_classes;
        std::cin >> n >> has_classes;
        float threshold = read_float();
        std::vector<float> boxes = read_floats((long long)n * 4);
        std::vector<float> classes = has_classes ? read_floats(n) : std::vector<float>(1);
        int words = (n + 63) / 64;
        long long total = (long long)n * words;
        std::vector<unsigned int> mask(2 * total, 0xdeadbeefu);
        launch(grid, block, [&] {
            nms_mask(boxes.data(), classes.data(), has_classes, n, words, threshold, mask.data(), total);
        });
        std::printf("mask");
        for (long long t = 0; t < total; t++) {
            std::printf(" %llu", (unsigned long long)mask[2 * t] | (unsigned long long)mask[2 * t + 1] << 32);
        }
        std::printf("\n");
    } else {
        std::fprintf(stderr, "unknown request %s\n", kind.c_str());
        return 2;
    }
    return 0;
}
