#!/usr/bin/env bash
# Design before/after on a quiet machine: old = main at d487f23 (before [design]), new = main of session 5
# (after [design], [perf], [devices], [mask-rcnn] merges). Alternated old, new, old, new; 2 threads; longer runs
# than run.sh (inference 5 + 10 one-second iterations, training 2 + 6 two-second iterations).
cd /work/runs/jmh-s5
J=(old:/work/runs/benchmarks-main-d487f23.jar new:/work/runs/benchmarks-s5.jar old:/work/runs/benchmarks-main-d487f23.jar new:/work/runs/benchmarks-s5.jar)
i=0
for e in "${J[@]}"; do
  i=$((i+1)); tag=${e%%:*}; jar=${e#*:}
  java -jar $jar '^dev.nucleon.benchmarks.InferenceBenchmark.nucleon$' -p model=unet:16,unet:8 -p batch=1 \
      -f 1 -wi 5 -w 1 -i 10 -r 1 -rf json -rff inf-$i-$tag.json > inf-$i-$tag.txt 2>&1
  java -jar $jar '^dev.nucleon.benchmarks.TrainingStepBenchmark.nucleon$' -p model=unet:16,unet:8 \
      -f 1 -wi 2 -w 2 -i 6 -r 2 -rf json -rff train-$i-$tag.json > train-$i-$tag.txt 2>&1
done
echo done > DONE
