#!/usr/bin/env bash
# Packs `npm run bench` for a machine with a GPU but no Node.js, no node_modules and no network
# (the `device` tool's machines, /work/shared/GPU.md) into dist/gpu/ (git-ignored, about 45 MB,
# under the 64 MiB a run may carry):
#   node.xz        this machine's node binary
#   tree.tar.xz    bench/main.mjs (bench/build.mjs's bundle: the library, the cases, tfjs), the
#                  `webgpu` package with Dawn's linux-x64 dawn.node only, and tfjs's WASM files,
#                  laid out as node_modules so that the bundle's `import('webgpu')` resolves
#   *.deb          the Vulkan loader (libvulkan1) when apt can fetch it: the device images carry the
#                  NVIDIA driver but not always the loader (GPU_PACK_NO_VULKAN=1 skips it)
#   gpu_bench_run.sh  what runs there (see its header)
# Then, from the device tool, one call (arguments after the script go to the benchmark):
#   run(command="bash dist/gpu/gpu_bench_run.sh --filter matmul,conv,mnist-train,attack", carry=["dist/gpu"], timeout_s=540)
# and the report comes back as $OUT/bench.txt, the JSON as $OUT/bench.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=dist/gpu
tree=$out/tree
rm -rf "$out"
mkdir -p "$tree/bench" "$tree/node_modules/webgpu/dist/linux-x64" "$tree/node_modules/@tensorflow/tfjs-backend-wasm/dist"
node bench/build.mjs
cp dist/bench/main.mjs "$tree/bench/"
cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$tree/node_modules/webgpu/"
cp node_modules/webgpu/dist/linux-x64/dawn.node "$tree/node_modules/webgpu/dist/linux-x64/"
cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$tree/node_modules/@tensorflow/tfjs-backend-wasm/"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$tree/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
tar -C "$tree" -cf - . | xz -T2 -6 > "$out/tree.tar.xz"
rm -rf "$tree"
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > "$out/node.xz"
cp scripts/gpu_bench_run.sh "$out/"
if [ "${GPU_PACK_NO_VULKAN:-}" != 1 ]; then
  lists=$(mktemp -d)
  opts=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
  if apt-get "${opts[@]}" update >/dev/null 2>&1 && (cd "$out" && apt-get "${opts[@]}" download libvulkan1 >/dev/null 2>&1); then
    echo "gpu_bench_pack: with $(cd "$out" && ls ./*.deb)"
  else
    echo "gpu_bench_pack: could not fetch libvulkan1; the device must have a Vulkan loader" >&2
  fi
  rm -rf "$lists"
fi
du -sh "$out"/* | sed 's/^/gpu_bench_pack: /'
