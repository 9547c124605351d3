#!/usr/bin/env bash
# The GPU check of the CUDA backend, on a machine with an NVIDIA GPU and only a JRE (issue 19): run from the
# repository root after cuda/gpu-pack.sh filled .device/ (with the device tool: carry [".device"]).
#
#   1. the CUDA tests (GpuCheckMain): core's whole conformance suite on cuda:0, every op against the CPU
#      (CudaVsCpuTest, CudaVsCpuComputeTest), one U-Net training step, memory, probe, host-side tests
#   2. JMH InferenceBenchmark.nucleon, per patch: unet B=16 and B=8 at batch 1 and 64, 256 × 256, backend=cuda
#   3. the PyTorch + cuDNN peer (benchmarks/gpu/onnx_torch_peer.py) on the same two networks exported to ONNX
#      by `nucleon export` (same architecture; the JMH run builds its weights with seed 42, the export its own:
#      a timing peer, not a numerics check), when python3 with torch is there
# and writes one summary, $OUT/gpu-check.md and $OUT/gpu-check.json (OUT: the device tool's output folder, else
# ./gpu-check-out), beside the raw outputs (tests.json, jmh.json, torch-*.jsonl, *.log).
#
# Environment: GPU_CHECK_QUICK=1 shortens JMH (1 warm-up, 2 measurements of 1 s) when device time is short;
# GPU_CHECK_SKIP="tests jmh peer" skips steps.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${OUT:-$root/gpu-check-out}
mkdir -p "$out"
log() { echo "gpu-check: $*" | tee -a "$out/gpu-check.log"; }
skip() { [[ " ${GPU_CHECK_SKIP:-} " == *" $1 "* ]]; }

# --- Java: the packed JRE unless one is on the PATH ----------------------------------------------------
if [[ -f .device/jre.tar.xz && ! -x .device/jre/bin/java ]]; then
  mkdir -p .device/jre && tar -xJf .device/jre.tar.xz -C .device/jre
fi
[[ -x .device/jre/bin/java ]] && export PATH=$root/.device/jre/bin:$PATH
command -v java >/dev/null || { log "no java: run cuda/gpu-pack.sh first and carry .device"; exit 1; }
[[ -d .device/lib ]] || { log "no .device/lib: run cuda/gpu-pack.sh first and carry .device"; exit 1; }
cp=".device/lib/*"
java_opts=(-Xmx16g --add-modules jdk.incubator.vector -Dnucleon.cpu.poisonUninitialized=true)
log "$(java -version 2>&1 | head -1); $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || echo 'nvidia-smi not found')"

# --- 1. tests --------------------------------------------------------------------------------------------
tests_rc=skipped
if ! skip tests; then
  log "CUDA tests ..."
  (cd cuda && java "${java_opts[@]}" -cp "../.device/lib/*" dev.nucleon.cuda.GpuCheckMain "$out") > "$out/tests.log" 2>&1
  tests_rc=$?
  tail -1 "$out/tests.log" | tee -a "$out/gpu-check.log"
fi

# --- 2. JMH ------------------------------------------------------------------------------------------------
jmh_rc=skipped
if ! skip jmh; then
  if [[ "${GPU_CHECK_QUICK:-}" == 1 ]]; then jmh_time=(-wi 1 -w 1 -i 2 -r 1); else jmh_time=(-wi 3 -w 2 -i 5 -r 2); fi
  log "JMH InferenceBenchmark.nucleon, unet:16 and unet:8, batch 1 and 64, backend=cuda ..."
  java -Xmx4g -cp "$cp" org.openjdk.jmh.Main 'InferenceBenchmark.nucleon$' -f 1 "${jmh_time[@]}" \
    -p model=unet:16,unet:8 -p batch=1,64 -p size=256 -p backend=cuda -p threads=2 \
    -rf json -rff "$out/jmh.json" > "$out/jmh.log" 2>&1
  jmh_rc=$?
  # JMH exits 0 even when every setup failed (e.g. "CUDA unavailable: …"): no score line is a failure here
  if ! grep -qE '^InferenceBenchmark\.nucleon' "$out/jmh.log"; then
    jmh_rc=1
    log "JMH produced no score: $(grep -m1 -E 'Exception|Error' "$out/jmh.log")"
  fi
  grep -E '^InferenceBenchmark' "$out/jmh.log" | tee -a "$out/gpu-check.log"
fi

# --- 3. PyTorch peer ---------------------------------------------------------------------------------------
peer_rc=skipped
if ! skip peer; then
  if python3 -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null && [[ -f benchmarks/gpu/onnx_torch_peer.py ]]; then
    peer_rc=0
    for base in 16 8; do
      java -cp "$cp" dev.nucleon.cli.Nucleon export --model unet --base $base --onnx "$out/unet$base.onnx" \
        >> "$out/peer.log" 2>&1 || { peer_rc=1; continue; }
      python3 benchmarks/gpu/onnx_torch_peer.py bench "$out/unet$base.onnx" --batch 1 64 --size 256 --json \
        > "$out/torch-unet$base.jsonl" 2>> "$out/peer.log" || peer_rc=1
      rm -f "$out/unet$base.onnx"
    done
    cat "$out"/torch-unet*.jsonl 2>/dev/null | tee -a "$out/gpu-check.log"
  else
    log "PyTorch peer skipped: python3 with CUDA-enabled torch not found"
  fi
fi

# --- summary ---------------------------------------------------------------------------------------------
GPU_CHECK_RCS="tests=$tests_rc jmh=$jmh_rc peer=$peer_rc" python3 - "$out" <<'PY' || log "summary needs python3; the raw files are in $out"
import glob, json, os, sys
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
tests, jmh = load("tests.json"), load("jmh.json") or []
peer = []
for path in sorted(glob.glob(os.path.join(out, "torch-unet*.jsonl"))):
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line); row["model"] = "unet:" + path.split("torch-unet")[1].split(".")[0]; peer.append(row)
rows = []
for r in jmh:
    p = r.get("params", {}); ms = r["primaryMetric"]["score"]; batch = int(p.get("batch", 1))
    rows.append({"model": p.get("model"), "batch": batch, "ms_per_batch": ms, "ms_per_patch": ms / batch,
                 "error_ms": r["primaryMetric"].get("scoreError")})
summary = {"exit_codes": os.environ.get("GPU_CHECK_RCS", ""), "tests": tests, "nucleon_cuda_jmh": rows, "pytorch_peer": peer}
with open(os.path.join(out, "gpu-check.json"), "w") as f:
    json.dump(summary, f, indent=2)
md = ["# CUDA GPU check", "", "exit codes: " + summary["exit_codes"], ""]
if tests:
    pr = tests["probe"]
    md += ["## Tests", "", "probe: " + ("; ".join(pr["devices"]) if pr["available"] else "unavailable: " + pr["reason"]),
           "", f"{tests['passed']} passed, {tests['failed']} failed, {tests['skipped']} skipped in {tests['seconds']} s", ""]
    failed = [t for t in tests["tests"] if t["status"] == "failed"]
    md += [f"- FAILED {t['test']}: {t['message']}" for t in failed[:50]] + ([""] if failed else [])
md += ["## Per-patch inference, 256 × 256 (ms per patch)", "", "| model | batch | Nucleon cuda | PyTorch + cuDNN |", "|---|---|---|---|"]
for r in sorted(rows, key=lambda r: (r["model"], r["batch"])):
    torch = [q for q in peer if q.get("model") == r["model"] and int(q.get("batch", -1)) == r["batch"]]
    t = f"{torch[0]['ms_per_patch']:.3f}" if torch and "ms_per_patch" in torch[0] else "–"
    md.append(f"| {r['model']} | {r['batch']} | {r['ms_per_patch']:.3f} ± {(r['error_ms'] or 0) / r['batch']:.3f} | {t} |")
with open(os.path.join(out, "gpu-check.md"), "w") as f:
    f.write("\n".join(md) + "\n")
print("\n".join(md))
PY
[[ "$tests_rc" == 0 || "$tests_rc" == skipped ]] && [[ "$jmh_rc" == 0 || "$jmh_rc" == skipped ]]
