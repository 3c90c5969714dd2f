#!/usr/bin/env bash
# Build a CPython that runs on musl libc, so the musllinux wheels can be smoke-tested on the
# libc they are for, on a Debian machine that has no Alpine and no Docker engine.
#
# musl, zlib and CPython are built from the upstream sources in Debian's archive (fetched from
# its pool and checked against pinned hashes), with the machine's gcc. musl is 1.2.5, Alpine's
# (Debian 12's own musl, 1.2.3, is too old for today's musllinux wheels: pyarrow's bundled
# libraries use DT_RELR relocations, which musl loads from 1.2.4 on). It is installed into the
# prefix with its dynamic loader, so the interpreter runs on it and nothing of the system's
# changes. zlib is there because pip cannot unpack a wheel without it; OpenSSL is not: pip
# installs from a local folder of wheels (WHEELHOUSE for smoke_wheel.sh), and our wheel does
# TLS with rustls.
#
#   bash scripts/musl_python.sh [PREFIX]        # default: .cache/musl-python
#   WHEELHOUSE=DIR bash scripts/smoke_wheel.sh dist/*musllinux_1_2_x86_64*.whl \
#       .cache/musl-python/bin/python3
#
# Takes about five minutes on two cores; a second run finds the interpreter and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(realpath -m "${1:-.cache/musl-python}")
if [ -x "$prefix/bin/python3" ]; then
  echo "$prefix/bin/python3 already built"
  exit 0
fi
arch=$(uname -m)
jobs=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

pool=http://deb.debian.org/debian/pool/main
fetch() {  # URL SHA256
  local file
  file=$(basename "$1")
  curl -sSfL -o "$file" "$1"
  echo "$2  $file" | sha256sum --quiet -c -
}
fetch $pool/m/musl/musl_1.2.5.orig.tar.gz \
  a9a118bbe84d8764da0ea0d28b3ab3fae8477fc7e4085d90102b8596fc7c75e4
fetch $pool/z/zlib/zlib_1.2.13.dfsg.orig.tar.bz2 \
  71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
fetch $pool/p/python3.11/python3.11_3.11.2.orig.tar.gz \
  2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849

echo "=== musl 1.2.5"
tar xzf musl_1.2.5.orig.tar.gz
(cd musl-1.2.5 && ./configure --prefix="$prefix" --syslibdir="$prefix/lib" --enable-wrapper=gcc \
  >/dev/null && make -j"$jobs" >/dev/null && make install >/dev/null)

# musl-gcc sees only musl's headers; CPython's socket and select modules also want the kernel's.
mkdir -p kernel-headers
for dir in linux asm-generic mtd; do ln -s "/usr/include/$dir" "kernel-headers/$dir"; done
ln -s "/usr/include/$arch-linux-gnu/asm" kernel-headers/asm
# CPython's configure asks the compiler for its multiarch triplet and stops when that disagrees
# with the C library it detects; musl-gcc wraps Debian's gcc, which answers with the -gnu one.
cat >musl-cc <<WRAPPER
#!/bin/sh
for arg; do [ "\$arg" = --print-multiarch ] && { echo $arch-linux-musl; exit 0; }; done
exec "$prefix/bin/musl-gcc" -I$work/kernel-headers "\$@"
WRAPPER
chmod +x musl-cc
export CC="$work/musl-cc"

echo "=== zlib"
tar xjf zlib_*.orig.tar.bz2
(cd zlib-*/ && ./configure --prefix="$prefix" >/dev/null && make -j"$jobs" >/dev/null &&
  make install >/dev/null)

echo "=== CPython 3.11"
tar xzf python3.11_*.orig.tar.gz
cd Python-3.11.*/
# setup.py, which builds the remaining extension modules, adds the build machine's own include
# and library directories (Debian's multiarch ones, /usr/local); with glibc's headers behind
# musl's, gcc never finishes unicodedata.c. musl-gcc already knows where everything is.
sed -i -e 's|^\( *\)self.add_multiarch_paths()|\1pass|' \
  -e "s|^\( *\)add_dir_to_list(self.compiler.\(library\|include\)_dirs, '/usr/local/.*')|\1pass|" setup.py
./configure --prefix="$prefix" --without-ensurepip --disable-test-modules \
  CPPFLAGS="-I$prefix/include" LDFLAGS="-L$prefix/lib -Wl,-rpath,$prefix/lib" >/dev/null 2>&1
make -j"$jobs" >/dev/null 2>"$work/make.log" || { tail -40 "$work/make.log"; exit 1; }
make install >/dev/null 2>&1
"$prefix/bin/python3" - <<'PY'
import platform, sys, zlib
assert platform.libc_ver()[0] != "glibc", f"built against {platform.libc_ver()}, not musl"
print(f"musl CPython {sys.version.split()[0]} at {sys.executable}, zlib {zlib.ZLIB_VERSION}")
PY
readelf -l "$prefix/bin/python3" | grep -o "interpreter: [^]]*"
