#!/usr/bin/env bash
# Makes TorchSharp's native glue (libLibTorchSharp.so, built against GCC 13's libstdc++) load on hosts whose
# libstdc++ lacks GLIBCXX_3.4.32 (Debian 12). See /work/shared/notes/torchsharp-on-debian12.md.
#   usage: torchsharp-debian-fix.sh <libLibTorchSharp.so from the package> <work dir>
# Writes <work dir>/libLibTorchSharp.so (patched) and <work dir>/libtorchsharp_iosinit.so when the host needs them,
# and <work dir>/stamp in every case. Never modifies the source file (it lives in the NuGet cache).
set -euo pipefail

source_lib=$1
work_dir=$2
mkdir -p "$work_dir"
stamp="$work_dir/stamp"
patched="$work_dir/libLibTorchSharp.so"
shim="$work_dir/libtorchsharp_iosinit.so"
missing_version=GLIBCXX_3.4.32
missing_symbol=_ZSt21ios_base_library_initv

host_libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')
[ -n "$host_libstdcxx" ] || host_libstdcxx=/lib/x86_64-linux-gnu/libstdc++.so.6
if [ ! -e "$host_libstdcxx" ] || grep -q "$missing_version" "$host_libstdcxx"; then
  rm -f "$patched" "$shim"
  echo "not needed: $host_libstdcxx has $missing_version" > "$stamp"
  exit 0
fi

# (No "objdump | grep -q" here: under pipefail, grep quitting early makes objdump die of SIGPIPE.)
if ! grep -Eq "\\($missing_version\\)[[:space:]]+$missing_symbol" <<<"$(objdump -T "$source_lib")"; then
  # A TorchSharp release that no longer needs the fix: ship it as is.
  rm -f "$patched" "$shim"
  echo "not needed: $source_lib does not import $missing_symbol@$missing_version" > "$stamp"
  exit 0
fi

if ! command -v patchelf >/dev/null; then
  echo "torchsharp-debian-fix: installing patchelf" >&2
  # Parallel builds of several projects may get here together; dpkg takes one at a time.
  (
    flock 9
    command -v patchelf >/dev/null ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null; }
  ) 9>/tmp/torchsharp-debian-fix.lock
  command -v patchelf >/dev/null ||
    { echo "torchsharp-debian-fix: patchelf is missing and could not be installed (apt-get needs root); install it, then build again" >&2; exit 1; }
fi

here=$(cd "$(dirname "$0")" && pwd)
g++ -shared -fPIC -O2 -o "$shim.tmp" "$here/ios_base_library_init.cpp"
mv "$shim.tmp" "$shim"

# Patch a fresh copy (cp, not a hard link) and move it into place last, so an interrupted run leaves no half-patched file.
cp "$source_lib" "$patched.tmp"
patchelf --clear-symbol-version "$missing_symbol" "$patched.tmp"
patchelf --add-needed "$(basename "$shim")" --set-rpath '$ORIGIN' "$patched.tmp"
python3 "$here/elf_weaken_version_need.py" "$patched.tmp" "$missing_version"
mv "$patched.tmp" "$patched"
echo "patched $source_lib for $host_libstdcxx" > "$stamp"
