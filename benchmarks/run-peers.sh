#!/usr/bin/env bash
# Full network benchmark run with the peers: builds the benchmarks jar with the DL4J profile, runs
#   1. per-patch inference of every preset at batch 1 and 16 (Nucleon, ONNX Runtime, DL4J for unet B=16/8),
#   2. one training step of every preset at batch 2 (Nucleon, DL4J for unet B=16/8),
# writes JMH JSON + logs to benchmarks/results/, then BenchmarkReport turns them into
# benchmarks/results/results.md, benchmarks/results/inference.png and the results section of benchmarks/README.md.
#
# Run from anywhere:   benchmarks/run-peers.sh
# Environment:
#   THREADS=2            CPU threads for Nucleon (-Dnucleon.threads via the benchmark), ORT and ND4J (OMP_NUM_THREADS)
#   BACKENDS=cpu         Nucleon backends, e.g. cpu,cuda (cuda without a CUDA backend fails its runs with
#                        "CUDA unavailable: ..." and the run goes on)
#   SMOKE=1              a 1-minute check of the whole pipeline (unet B=8, batch 1, one iteration) into
#                        benchmarks/target/smoke-results/, README untouched; its numbers mean nothing
#   SKIP_BUILD=1         reuse benchmarks/target/benchmarks.jar
#   MODELS=unet:16,unet:8  restrict every benchmark (Nucleon and peers) to these models (default: each class's list)
#   BATCHES=1            restrict the inference batch sizes (default: 1 and 16)
#
# Duration on the 2-core reference machine (AMD EPYC, AVX-512): about 25-35 minutes. Inference runs 2 warm-up and
# 3 measured iterations of 1 s / 2 s (at least one call each: batch 16 of the big presets is several seconds a
# call), training 1 warm-up and 3 measured iterations of 1 s, one fork per benchmark and parameter set.
# JMH refuses to start while another JMH run on the machine holds /tmp/jmh.lock: run it on an otherwise idle machine.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS="${THREADS:-2}"
BACKENDS="${BACKENDS:-cpu}"
JAR=benchmarks/target/benchmarks.jar
export OMP_NUM_THREADS="$THREADS"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -B -Ppeers -Djavacpp.platform=linux-x86_64 -pl benchmarks -am -DskipTests package
fi

if [[ "${SMOKE:-0}" == 1 ]]; then
  OUT=benchmarks/target/smoke-results
  INFERENCE_OPTS=(-f 1 -wi 0 -i 1 -r 1 -p model=unet:8 -p batch=1)
  TRAINING_OPTS=(-f 1 -wi 0 -i 1 -r 1 -p model=unet:8 -p batch=1)
  README_OPTS=()
else
  OUT=benchmarks/results
  INFERENCE_OPTS=(-f 1 -wi 2 -w 1 -i 3 -r 2)
  TRAINING_OPTS=(-f 1 -wi 1 -w 1 -i 3 -r 1)
  README_OPTS=(--readme benchmarks/README.md)
fi
mkdir -p "$OUT"
if [[ -n "${MODELS:-}" ]]; then INFERENCE_OPTS+=(-p model="$MODELS"); TRAINING_OPTS+=(-p model="$MODELS"); fi
if [[ -n "${BATCHES:-}" ]]; then INFERENCE_OPTS+=(-p batch="$BATCHES"); fi

run() { # name, benchmark regex, JMH options...
  local name="$1" regex="$2"
  shift 2
  echo "== $name: $regex $*"
  java -jar "$JAR" "$regex" "$@" -p threads="$THREADS" -p backend="$BACKENDS" \
      -rf json -rff "$OUT/$name.json" 2>&1 | tee "$OUT/$name.log"
}

start=$(date +%s)
# Each regex selects Nucleon's class and its DL4J companion, so both run in one JMH invocation; the DL4J classes
# have no backend parameter and keep their own model list (unet:16, unet:8).
run inference '^dev\.nucleon\.benchmarks\.(peers\.Dl4j)?InferenceBenchmark\.' "${INFERENCE_OPTS[@]}"
run training '^dev\.nucleon\.benchmarks\.(peers\.Dl4j)?TrainingStepBenchmark\.' "${TRAINING_OPTS[@]}"
elapsed=$(( $(date +%s) - start ))
echo "== benchmarks took $(( elapsed / 60 )) min $(( elapsed % 60 )) s"

java -cp "$JAR" dev.nucleon.benchmarks.report.BenchmarkReport --markdown "$OUT/results.md" \
    --png "$OUT/inference.png" "${README_OPTS[@]}" "$OUT/inference.json" "$OUT/training.json"
echo "== wrote $OUT/results.md and $OUT/inference.png${README_OPTS:+ and the results section of benchmarks/README.md}"
