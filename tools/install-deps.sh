#!/usr/bin/env bash
# Installs the Debian packages posdrill builds and runs with — only those that are missing, without
# questions. `make run`, `make build` and `make test` call it first, so a fresh Debian bookworm
# machine needs nothing else.
set -euo pipefail

packages=(
  # toolchain
  g++ make cmake ninja-build pkg-config
  # scenario engine and command line
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  # kiosk window: SDL2 + Dear ImGui 1.86 (its archive needs stb, FreeType and OpenGL)
  libsdl2-dev libimgui-dev libstb-dev libfreetype-dev libgl-dev libegl-dev
  # Mesa's software renderer, for offscreen screenshots on machines without a GPU
  libgl1-mesa-dri libegl-mesa0
  # pinyin input on the on-screen keyboard (Google Pinyin and its dictionary)
  libgooglepinyin0-dev
  # Chinese fonts (Noto Sans CJK SC; WenQuanYi Micro Hei as the small fallback)
  fonts-noto-cjk fonts-wqy-microhei
  # records: SQLite and libsodium (argon2id PIN hashes)
  libsqlite3-dev libsodium-dev sqlite3
  # sync to the learning record store and the nexo link to a real terminal: libcurl (TLS via OpenSSL)
  libcurl4-openssl-dev ca-certificates
  # tests: Catch2; clang's libFuzzer for the codec fuzzers; Node.js for the npm cross-checks
  catch2 clang-14 libclang-rt-14-dev nodejs
)
# Some machines carry a Node.js build that bundles npm and conflicts with Debian's npm package:
# ask for npm only when the command is missing.
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "posdrill: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "posdrill: these packages are missing and this user cannot install them: ${missing[*]}" >&2
    echo "posdrill: run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
