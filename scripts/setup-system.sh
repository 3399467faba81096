#!/usr/bin/env bash
# Installs what the project needs from the system on a Debian 12 machine: Mesa's lavapipe Vulkan
# driver from bookworm-backports (Dawn needs Mesa >= 23; bookworm ships 22.3) and Chromium for
# the browser harness. Idempotent: when everything is present it only checks and exits quickly.
set -euo pipefail

want_browser=1
for arg in "$@"; do
  case "$arg" in
    --no-browser) want_browser=0 ;;
    *) echo "setup-system: unknown flag $arg" >&2; exit 2 ;;
  esac
done

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  # Not Debian: Dawn needs a Vulkan, Metal or D3D12 driver and the harness needs Chromium at
  # /usr/bin/chromium; neither is installed from here.
  echo "setup-system: no apt/dpkg here; install a Vulkan driver (or use a GPU) and Chromium yourself" >&2
  exit 0
fi

lvp_icd=/usr/share/vulkan/icd.d/lvp_icd.json
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

mesa_is_new_enough() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && [ -f "$lvp_icd" ] && dpkg --compare-versions "$v" ge 23
}

# The backports suite lives on the same mirror as the machine's main suite; read it from the
# existing sources instead of naming a host here.
debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: the first URI of the stanza whose Suites include bookworm itself (not the
    # security archive, which lives elsewhere and has no backports).
    uri=$(awk '
      /^[[:space:]]*$/ { suite = 0; first = ""; next }
      /^URIs:/ { first = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
      suite && first { print first; exit }
    ' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ]; then
    # One-line format, options in brackets allowed: deb [signed-by=...] URI bookworm main
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -oE '^deb +(\[[^]]*\] +)?[^ ]+ +bookworm( |$)' \
      | awk '{for (i = 2; i <= NF; i++) if ($i !~ /^\[/) {print $i; exit}}' || true)
  fi
  printf '%s' "$uri"
}

apt_updated=0
apt_update_once() {
  if [ "$apt_updated" = 0 ]; then
    "${sudo_cmd[@]}" apt-get update -qq
    apt_updated=1
  fi
}

if ! mesa_is_new_enough; then
  list=/etc/apt/sources.list.d/bookworm-backports.list
  echo "setup-system: installing Mesa's lavapipe Vulkan driver from bookworm-backports"
  # A commented-out backports line does not count.
  if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(debian_mirror)
    if [ -z "$mirror" ]; then
      echo "setup-system: cannot find the Debian mirror in /etc/apt sources to add bookworm-backports" >&2
      exit 1
    fi
    echo "deb $mirror bookworm-backports main" | "${sudo_cmd[@]}" tee "$list" >/dev/null
  fi
  apt_update_once
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq -t bookworm-backports \
    mesa-vulkan-drivers libvulkan1 >/dev/null
  mesa_is_new_enough || { echo "setup-system: lavapipe from bookworm-backports did not install" >&2; exit 1; }
fi

if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "setup-system: installing Chromium for the browser tests"
  apt_update_once
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
