#!/usr/bin/env bash
# Design before/after: old = main at d487f23 (session start), new = main after [design] + [perf] (this session).
cd /work/runs/jmh-s4
J=(old:/work/runs/benchmarks-main-d487f23.jar new:/work/runs/benchmarks-s4.jar old:/work/runs/benchmarks-main-d487f23.jar new:/work/runs/benchmarks-s4.jar)
i=0
for e in "${J[@]}"; do
  i=$((i+1)); tag=${e%%:*}; jar=${e#*:}
  java -jar $jar '^dev.nucleon.benchmarks.InferenceBenchmark.nucleon$' -p model=unet:16,unet:8 -p batch=1 \
      -f 1 -wi 3 -w 1 -i 5 -r 1 -rf json -rff inf-$i-$tag.json > inf-$i-$tag.txt 2>&1
  java -jar $jar '^dev.nucleon.benchmarks.TrainingStepBenchmark.nucleon$' -p model=unet:16,unet:8 \
      -f 1 -wi 2 -w 2 -i 4 -r 2 -rf json -rff train-$i-$tag.json > train-$i-$tag.txt 2>&1
done
echo done > DONE
