# Sourced by start.sh and test.sh: chooses the Vulkan drivers Dawn (the `webgpu` package) sees.
#
# createEngine asks for a high-performance adapter and Dawn ranks real GPUs above lavapipe, so on
# a machine with a GPU nothing is pinned and the GPU wins. Without any GPU device node the other
# installed drivers (intel, radeon, virtio...) can only fail to find hardware, so the loader is
# pointed at lavapipe alone: the same adapter either way, found without probing the rest.
# A VK_ICD_FILENAMES or VK_DRIVER_FILES that is already set is respected.
lvp_icd=/usr/share/vulkan/icd.d/lvp_icd.json
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$lvp_icd" ]; then
  if ! compgen -G '/dev/dri/renderD*' >/dev/null && ! compgen -G '/dev/nvidia[0-9]*' >/dev/null && [ ! -e /dev/dxg ]; then
    export VK_ICD_FILENAMES=$lvp_icd
  fi
fi
unset lvp_icd
