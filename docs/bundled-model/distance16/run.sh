#!/bin/bash
# base-8 bundled distance model widened ×2 (Net2WiderNet) to base 16, then trained; resumable with RESUME=1
cd /work/main
EXTRA="--init docs/bundled-model/distance/distance.last.safetensors"
[ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=2 -Xmx12g -jar /work/runs/wide16/nucleon.jar train \
  --data ../shared/datasets/dsb2018/stage1_train_fixed --split grouped --model unet-bn --option base=16 \
  --head distance --input rgb --scale-augment 0.5:2 --colour-augment --patches-per-image 2 --batch 8 \
  --lr 5e-4 --schedule cosine --epochs ${EPOCHS:-20} --balance-kinds --early-stopping 0 --seed 2018 --workers 1 --no-progress \
  --out /work/runs/wide16/distance16.safetensors $EXTRA
