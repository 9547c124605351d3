#!/bin/bash
# paper 004, Table 2, U-Net++ (B = 8), by its recipe; RESUME=1 continues. Log per part: train-partN.log
cd "$(dirname "$0")/../../.."
EXTRA=""; [ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=${THREADS:-2} -Dnucleon.priority=main -Xmx6g -jar ${JAR:-cli/target/nucleon.jar} train \
  --recipe paper004-unetpp-b8 --data ../shared/datasets/dsb2018/stage1_train_fixed --workers 1 --no-progress \
  --out models/papers/paper004-unetpp-b8/paper004-unetpp-b8.safetensors $EXTRA
