#!/usr/bin/env bash
# Runs the packed benchmark (scripts/gpu_bench_pack.sh) on the device machine: installs the Vulkan
# loader from the packed .deb where the image lacks one, points the loader at the NVIDIA driver,
# unpacks node and the bundle into /tmp, runs `bench/main.mjs --save $OUT/bench.json "$@"` (the
# report's text to $OUT/bench.txt, progress to stdout). Arguments are those of `npm run bench`
# (--filter, --quick, --no-tfjs, --profile...). Timings compare only within one run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/out}
mkdir -p "$out"
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1'; then
  for deb in "$here"/*.deb; do [ -f "$deb" ] && dpkg -x "$deb" /; done
  ldconfig || true
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; break; fi
  done
fi
echo "gpu_bench_run: Vulkan driver ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-the loader default}}"
work=/tmp/gpu-bench
rm -rf "$work"
mkdir -p "$work"
xz -dc "$here/node.xz" > "$work/node"
chmod +x "$work/node"
xz -dc "$here/tree.tar.xz" | tar -C "$work" -xf -
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv 2>/dev/null | tee "$out/gpu.txt" || true
cd "$work"
"$work/node" bench/main.mjs --save "$out/bench.json" "$@" 2>&1 >"$out/bench.txt" | tail -n 200
cat "$out/bench.txt"
