#!/usr/bin/env bash
# Installs what the workspace needs on a bare Debian machine with Node 20: pnpm, Debian's Chromium
# (browser tests), the Fashion-MNIST data package (real-data tests), oneDNN (native kernels), then the
# workspace's packages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm -v)" != 10.* ]]; then
  npm install -g pnpm@10
fi

apt_packages=()
[[ -x /usr/bin/chromium ]] || apt_packages+=(chromium)
[[ -d /usr/share/datasets/fashion-mnist ]] || apt_packages+=(dataset-fashion-mnist)
# oneDNN for @simclr/native's kernels (built by its package build; without it the package reports itself
# unavailable and everything runs on wasm).
[[ -f /usr/include/oneapi/dnnl/dnnl.hpp ]] || apt_packages+=(libdnnl-dev)
if ((${#apt_packages[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pnpm install --frozen-lockfile
