#!/bin/bash
# the bundled model's first chunk (epochs 1-25) on the old random 10 % split, for the second number of #14
cd "$(dirname "$0")/../../.."
EXTRA=""; [ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=1 -Dnucleon.priority=main -Xmx5g -jar ${JAR:-cli/target/nucleon.jar} train \
  --data ../shared/datasets/dsb2018/stage1_train_fixed --split random --model unet-bn --option base=8 \
  --head distance --input rgb --scale-augment 0.5:2 --colour-augment --patches-per-image 2 --batch 8 \
  --lr 1e-3 --schedule cosine --epochs 25 --early-stopping 0 --seed 2018 --workers 1 --no-progress \
  --out ${OUT:-/work/runs/random25/distance-random.safetensors} $EXTRA
