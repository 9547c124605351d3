#!/bin/bash
# nucleon bench (defaults: --warmup auto, 10 repeats, median) against JMH InferenceBenchmark.nucleon (mean of 3x2 s
# after 2x2 s warm-up), same presets, batch 1, 256², 2 threads, one after the other on an otherwise idle machine.
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"; mkdir -p "$out"
for spec in "unet 16" "unet 8" "simple-cnn 0" "resfcn 0"; do
  set -- $spec
  b=""; [ "$2" != 0 ] && b="--base $2"
  NUCLEON_JAVA_OPTS="-Dnucleon.threads=2" ./nucleon bench --model $1 $b --batch 1 --json > $out/bench-$1-$2.json 2> $out/bench-$1-$2.err
done
java -jar benchmarks/target/benchmarks.jar '^dev.nucleon.benchmarks.InferenceBenchmark.nucleon$' \
  -p model=unet:16,unet:8,simple-cnn,resfcn -p batch=1 -rf json -rff $out/jmh.json > $out/jmh.log 2>&1
python3 - $out <<'PY'
import json, sys, glob, os
out = sys.argv[1]
jmh = {r["params"]["model"]: r["primaryMetric"]["score"] for r in json.load(open(out + "/jmh.json"))}
print("| preset | bench median ms (spread) | warm-up passes / s | JMH mean ms ± error | bench / JMH |")
for f in sorted(glob.glob(out + "/bench-*.json")):
    b = json.load(open(f))
    key = b["model"] + (":" + str(b["base"]) if b["model"].startswith("unet") else "")
    j = [r for r in json.load(open(out + "/jmh.json")) if r["params"]["model"] == key][0]["primaryMetric"]
    spread = (b["p90_ms_per_patch"] - b["p10_ms_per_patch"]) / 2 / b["ms_per_patch"]
    print(f"| {key} | {b['ms_per_patch']:.1f} ({spread*100:.0f} %) | {b['warmup']} / {b['warmup_seconds']:.1f} | {j['score']:.1f} ± {j['scoreError']:.1f} | {b['ms_per_patch']/j['score']:.2f} |")
PY
