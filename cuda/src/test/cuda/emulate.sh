#!/usr/bin/env bash
# Desk-checks the kernels without a GPU: compiles the .cu sources for the host against cuda_host_shim.h and
# compares them with naive loops — gemm.cu, conv.cu and batchnorm.cu in emulate_check.cpp, layout.cu, reduce.cu
# and pool.cu in emulate_memory_bound.cpp; elementwise.cu in emulate_elementwise.cpp, whose printed outputs
# HostEmulationTest compares with the CPU backend. Needs g++ ≥ 12 (C++20).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
g++ -std=c++20 -O1 -pthread -I../../main/cuda -o "$out/emulate_check" emulate_check.cpp & compute=$!
g++ -std=c++20 -O1 -pthread -I../../main/cuda -o "$out/emulate_memory_bound" emulate_memory_bound.cpp & memory=$!
g++ -std=c++20 -O1 -pthread -I../../main/cuda -o "$out/emulate_elementwise" emulate_elementwise.cpp & elementwise=$!
wait $compute
wait $memory
wait $elementwise
"$out/emulate_check"
"$out/emulate_memory_bound"
"$out/emulate_elementwise"   # prints outputs that HostEmulationTest compares with the CPU backend
