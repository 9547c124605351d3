#!/usr/bin/env bash
# Desk-checks the compute kernels without a GPU: compiles gemm.cu, conv.cu and batchnorm.cu for the host
# against cuda_host_shim.h and compares them with naive loops (emulate_check.cpp). Needs g++ ≥ 12 (C++20).
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
g++ -std=c++20 -O1 -pthread -I../../main/cuda -o "$out/emulate_check" emulate_check.cpp
"$out/emulate_check"
