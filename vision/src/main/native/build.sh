#!/usr/bin/env bash
# Builds libemotionstream_dlib.so: the JNI bridge with dlib linked in statically, needing only libc and libm; and,
# where libjpeg-turbo's headers are there, libemotionstream_jpeg.so: JPEG decoding with Debian's libjpeg-turbo
# (optional: without it the job decodes JPEGs with ImageIO, several times slower).
# Called by Maven (vision/pom.xml) with the output folder; needs g++, a JDK and Debian's libdlib-dev, and for the JPEG
# bridge libjpeg62-turbo-dev (deploy/debian-packages lists them; the launcher installs them). Each compilation leaves
# the headers it read in WORK_DIR/*.d, which .ci/check-native-packages checks against that list.
# JPEG_INCLUDE_DIR and JPEG_LIBRARY_DIR say where libjpeg-turbo's jpeglib.h and libjpeg.so are (default: Debian's).
# `build.sh --needs` prints the files the build looks for, one a line (.ci/check-native-packages compares them with
# deploy/debian-packages).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dlib_headers=/usr/include/dlib
dlib_static=/usr/lib/x86_64-linux-gnu/libdlib.a
jpeg_include="${JPEG_INCLUDE_DIR:-/usr/include}"
jpeg_libdir="${JPEG_LIBRARY_DIR:-/usr/lib/x86_64-linux-gnu}"
dlib_needs=("$dlib_headers/config.h" "$dlib_static")
jpeg_needs=("$jpeg_include/jpeglib.h" "$jpeg_libdir/libjpeg.so")
if [ "${1:-}" = --needs ]; then
  printf '%s\n' "${dlib_needs[@]}" "${jpeg_needs[@]}"; exit 0
fi
out="${1:?usage: build.sh OUTPUT_DIR WORK_DIR}"
work="${2:?usage: build.sh OUTPUT_DIR WORK_DIR}"

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "dlib bridge: only Linux x86-64 is supported (this is $(uname -s)-$(uname -m))" >&2; exit 1
fi
if [ ! -f "${dlib_needs[0]}" ] || [ ! -f "${dlib_needs[1]}" ]; then
  echo "dlib bridge: dlib's headers and static library are missing: apt-get install libdlib-dev" >&2; exit 1
fi
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
if [ ! -f "$java_home/include/jni.h" ]; then
  echo "dlib bridge: jni.h not found under $java_home (set JAVA_HOME to a JDK)" >&2; exit 1
fi

# up_to_date LIBRARY: built after every file of this folder (sources, headers, this script, exports.map)
up_to_date() {
  [ -f "$1" ] && [ -z "$(find "$here" -type f -newer "$1" -print -quit)" ]
}

mkdir -p "$out" "$work"
jpeg_library="$out/libemotionstream_jpeg.so"
if [ ! -f "${jpeg_needs[0]}" ] || [ ! -f "${jpeg_needs[1]}" ]; then
  rm -f "$jpeg_library" "$work/libemotionstream_jpeg.d"
  echo "warning: JPEG bridge skipped, libjpeg-turbo's headers are missing (apt-get install libjpeg62-turbo-dev);" \
       "the job will decode JPEGs with ImageIO, several times slower" >&2
elif ! up_to_date "$jpeg_library"; then
  g++ -std=c++14 -O2 -fPIC -fvisibility=hidden -DNDEBUG -I"$jpeg_include" -I"$java_home/include" \
      -I"$java_home/include/linux" -MD -MF "$work/libemotionstream_jpeg.d" \
      -shared -static-libstdc++ -static-libgcc -Wl,--version-script="$here/exports.map" -Wl,--no-undefined \
      -o "$jpeg_library.tmp" "$here/jpeg_bridge.cpp" -L"$jpeg_libdir" -ljpeg
  mv "$jpeg_library.tmp" "$jpeg_library"
  echo "dlib bridge: built $jpeg_library" >&2
fi

# Two builds of the dlib bridge: for any x86-64 with SSE 4.2, and for one with AVX2 and FMA (DlibFaceDetector loads
# that one where the processor has them: the landmark fit and HOG run about twice as fast).
library="$out/libemotionstream_dlib.so"
library_avx2="$out/libemotionstream_dlib_avx2.so"
if up_to_date "$library" && up_to_date "$library_avx2"; then
  exit 0
fi

# Debian's dlib/config.h turns on BLAS, LAPACK, JPEG and PNG, which would tie the library to those shared
# libraries; the detector and shape predictor use none of them, so compile against a copy without them.
rm -rf "$work/include"
mkdir -p "$work/include"
cp -r "$dlib_headers" "$work/include/dlib"
sed -i -E 's@^#define (DLIB_USE_BLAS|DLIB_USE_LAPACK|DLIB_JPEG_SUPPORT|DLIB_PNG_SUPPORT)@/* & */@' "$work/include/dlib/config.h"

# build_variant LIBRARY FLAGS...: compiles and links the bridge, and checks it needs only libc and libm
build_variant() {
  local target="$1"; shift
  local object="$work/$(basename "$target" .so).o"
  # -O3: dlib's shape predictor (thousands of small vector additions per face) runs 2.5 times faster than at -O2
  g++ -std=c++14 -O3 "$@" -fPIC -fno-gnu-unique -fvisibility=hidden -DNDEBUG \
      -I"$work/include" -I"$java_home/include" -I"$java_home/include/linux" \
      -MD -MF "$work/$(basename "$target" .so).d" -c "$here/dlib_bridge.cpp" -o "$object"
  g++ -shared -static-libstdc++ -static-libgcc -Wl,-Bsymbolic -Wl,--exclude-libs,ALL \
      -Wl,--version-script="$here/exports.map" -Wl,--no-undefined \
      -o "$target.tmp" "$object" "$dlib_static" -lpthread -lm
  local needed
  needed="$(readelf -d "$target.tmp" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' ')"
  for lib in $needed; do
    case "$lib" in
      libc.so.*|libm.so.*|ld-linux-x86-64.so.*|libpthread.so.*|libdl.so.*) ;;
      *) echo "dlib bridge: the library would need $lib; only libc and libm are allowed" >&2; return 1 ;;
    esac
  done
  mv "$target.tmp" "$target"
  echo "dlib bridge: built $target (needs: $needed)" >&2
}

echo "dlib bridge: compiling two variants (about a minute each)" >&2
build_variant "$library" -msse4.2 &
baseline=$!
build_variant "$library_avx2" -mavx2 -mfma
wait "$baseline"
