#!/bin/bash
# the bundled base-8 distance model fine-tuned with seam weights (--seam-weight 10: pixels within 3 px of two
# nuclei weigh 11 in the cross-entropy); resumable with RESUME=1
cd "$(dirname "$0")/../../.."
JAR=${JAR:-cli/target/nucleon.jar}
OUT=${OUT:-/work/runs/seam10/distance-seam.safetensors}
EXTRA="--init docs/bundled-model/distance/distance.last.safetensors"
[ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=2 -Dnucleon.priority=main -Xmx6g -jar $JAR train \
  --data ../shared/datasets/dsb2018/stage1_train_fixed --split grouped --model unet-bn --option base=8 \
  --head distance --input rgb --scale-augment 0.5:2 --colour-augment --patches-per-image 2 --batch 8 \
  --seam-weight 10 --lr 2.5e-4 --schedule cosine --epochs ${EPOCHS:-20} --balance-kinds --early-stopping 0 \
  --seed 2018 --workers 1 --no-progress --out $OUT $EXTRA
