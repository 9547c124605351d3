#!/bin/bash
# paper 001's Mask R-CNN, CPU-sized (the cpu-mask-rcnn recipe's network, optimiser and schedule, written out as
# options) trained on the grouped training part of stage1_train_fixed, so that it can be scored per kind on the
# grouped validation next to the U-Net pipeline (the recipe itself validates on a random 10 %).
# RESUME=1 continues from the last complete epoch; run files beside --out. Log per part: train-partN.log
cd "$(dirname "$0")/../../.."
EXTRA=""; [ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=${THREADS:-2} -Dnucleon.priority=main -Xmx8g -jar ${JAR:-cli/target/nucleon.jar} train \
  --data ../shared/datasets/dsb2018/stage1_train_fixed --split grouped --model mask-rcnn \
  --option depth=18 --option fpn_channels=64 --option representation=256 --option mask_channels=64 \
  --option rois=128 --option proposals=600 --option detections=400 --option anchor=8 \
  --input rgb --epochs ${EPOCHS:-12} --batch 4 --patch 256 --patches-per-image 1 --optimizer adam --lr 1e-3 \
  --schedule none --early-stopping 0 --seed 2018 --workers 1 --no-progress \
  --out models/papers/cpu-mask-rcnn-grouped/cpu-mask-rcnn-grouped.safetensors $EXTRA
