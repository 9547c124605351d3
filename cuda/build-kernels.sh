#!/usr/bin/env bash
# Builds the CUDA kernels that ship in the nucleon-cuda jar.
#
# Every src/main/cuda/<family>.cu becomes, under src/main/resources/dev/nucleon/cuda/kernels/:
#   <family>.fatbin  compute_75 PTX (JIT-compiled by any newer driver) + sm_80 and sm_90 machine code
#   <family>.sig     one line per kernel: its name and the PTX types of its parameters, which
#                    KernelBinariesTest holds the Java launch code to
# and kernels.sha256 records, per family, the SHA-256 of (nvcc.flags, every *.cuh header, the .cu file).
# A family is rebuilt only when that hash changed (or with --force). Without nvcc the script says so
# and leaves the shipped binaries alone; KernelBinariesTest then fails if they are stale.
set -euo pipefail
cd "$(dirname "$0")"
SRC=src/main/cuda
OUT=src/main/resources/dev/nucleon/cuda/kernels
MANIFEST=$OUT/kernels.sha256
FORCE=${1:-}

NVCC=$(command -v nvcc || true)
if [[ -z "$NVCC" && -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then NVCC=$CUDA_HOME/bin/nvcc; fi
if [[ -z "$NVCC" && -x /usr/local/cuda/bin/nvcc ]]; then NVCC=/usr/local/cuda/bin/nvcc; fi

read -r -a FLAGS < "$SRC/nvcc.flags"
mkdir -p "$OUT"

# hash = sha256 over nvcc.flags, then the headers in name order, then the family's .cu (KernelBinariesTest
# computes the same thing in Java; keep the two in step)
source_hash() {
  cat "$SRC/nvcc.flags" $(ls "$SRC"/*.cuh 2>/dev/null | LC_ALL=C sort) "$1" | sha256sum | cut -d' ' -f1
}

# the PTX entry points and their parameter types, e.g. "unary_forward u32 f32 f32 u64 u64 u64"
signatures() {
  awk '
    /\.entry/      { match($0, /\.entry [A-Za-z_0-9]+/); name = substr($0, RSTART + 7, RLENGTH - 7); line = name; inside = 1; next }
    inside && /\.param/ {
      if ($0 ~ /\.b8/) { match($0, /\[[0-9]+\]/); line = line " b8" substr($0, RSTART, RLENGTH) }
      else { match($0, /\.(u|s|f|b)(8|16|32|64)/); line = line " " substr($0, RSTART + 1, RLENGTH - 1) }
      next
    }
    inside && /\)/ { print line; inside = 0 }
  ' "$1" | LC_ALL=C sort
}

declare -A OLD=()
if [[ -f "$MANIFEST" ]]; then
  while read -r hash name; do OLD[$name]=$hash; done < "$MANIFEST"
fi

built=0; stale=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
: > "$tmp/manifest"
for cu in $(ls "$SRC"/*.cu | LC_ALL=C sort); do
  family=$(basename "$cu" .cu)
  hash=$(source_hash "$cu")
  if [[ "$FORCE" != "--force" && "${OLD[$family.cu]:-}" == "$hash" && -f "$OUT/$family.fatbin" && -f "$OUT/$family.sig" ]]; then
    echo "$hash $family.cu" >> "$tmp/manifest"
    continue
  fi
  if [[ -z "$NVCC" ]]; then
    echo "build-kernels: $family.cu changed but nvcc was not found; the shipped $family.fatbin is stale (KernelBinariesTest will fail)" >&2
    stale=1
    [[ -n "${OLD[$family.cu]:-}" ]] && echo "${OLD[$family.cu]} $family.cu" >> "$tmp/manifest"
    continue
  fi
  echo "build-kernels: nvcc $family.cu"
  "$NVCC" "${FLAGS[@]}" -I"$SRC" -fatbin -o "$tmp/$family.fatbin" "$cu"
  "$NVCC" -std=c++17 -I"$SRC" -ptx -arch=compute_75 -o "$tmp/$family.ptx" "$cu"
  signatures "$tmp/$family.ptx" > "$tmp/$family.sig"
  mv "$tmp/$family.fatbin" "$OUT/$family.fatbin"
  mv "$tmp/$family.sig" "$OUT/$family.sig"
  echo "$hash $family.cu" >> "$tmp/manifest"
  built=$((built + 1))
done
if ! cmp -s "$tmp/manifest" "$MANIFEST" 2>/dev/null; then mv "$tmp/manifest" "$MANIFEST"; fi
if [[ -z "$NVCC" ]]; then
  echo "build-kernels: nvcc not found; using the shipped kernel binaries"
elif [[ $built -gt 0 ]]; then
  echo "build-kernels: $built kernel famil$([[ $built == 1 ]] && echo y || echo ies) rebuilt with $("$NVCC" --version | tail -1)"
fi
exit 0
