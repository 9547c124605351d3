#!/bin/bash
# The bundled colour model (nuclei-colour.safetensors): the bundled base-8 distance model fine-tuned on the colour
# (H&E / brightfield tissue) and gray brightfield images of the grouped training part only (78 + 10 images; the
# 152 grouped-validation images never seen), validated each epoch on those kinds of the grouped validation part
# (29 + 6; reported only, the last epoch ships). The recorded run wrote /work/runs/stained/stained.*.
# Resumable with RESUME=1. After the run, the shipped pair is made with (tensors unchanged):
#   java -cp cli/target/nucleon.jar docs/bundled-model/SetMetadata.java $OUT_LAST \
#     segmentation/src/main/resources/dev/nucleon/segmentation/models/nuclei-colour.safetensors \
#     nucleon.coreThreshold=0.8 nucleon.seedUnmarked=false
#   java -cp cli/target/nucleon.jar docs/bundled-model/SetMetadata.java docs/bundled-model/distance/distance.last.safetensors \
#     segmentation/src/main/resources/dev/nucleon/segmentation/models/nuclei-default.safetensors \
#     nucleon.coreThreshold=0.8 nucleon.seedUnmarked=false nucleon.colourModel=nuclei-colour.safetensors
cd "$(dirname "$0")/../../.."
JAR=${JAR:-cli/target/nucleon.jar}
SPLIT=${SPLIT:-/work/runs/split}
OUT=${OUT:-/work/runs/stained/stained.safetensors}
DATA=../shared/datasets/dsb2018/stage1_train_fixed
if [ ! -d "$SPLIT/train-stained" ]; then # folders of links to the grouped split's parts, by kind
  mkdir -p /tmp/analysis && javac -cp "$JAR" -d /tmp/analysis docs/bundled-model/analysis/*.java &&
  java -cp "$JAR:/tmp/analysis" SplitFolders $DATA "$SPLIT" || exit 1
  for part in train val; do
    mkdir -p "$SPLIT/$part-stained" && cp -P "$SPLIT/$part-colour"/* "$SPLIT/$part-brightfield"/* "$SPLIT/$part-stained/"
  done
fi
EXTRA="--init docs/bundled-model/distance/distance.last.safetensors"
[ "$RESUME" = 1 ] && EXTRA="--resume"
exec java --add-modules jdk.incubator.vector -Dnucleon.threads=${THREADS:-2} -Dnucleon.priority=main -Xmx6g -jar $JAR train \
  --data "$SPLIT/train-stained" --validation "$SPLIT/val-stained" --model unet-bn --option base=8 \
  --head distance --input rgb --scale-augment 0.5:2 --colour-augment --patches-per-image 12 --batch 8 \
  --lr 2.5e-4 --schedule cosine --epochs ${EPOCHS:-16} --early-stopping 0 \
  --seed 2018 --workers 1 --no-progress --out "$OUT" $EXTRA
