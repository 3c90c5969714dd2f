#!/usr/bin/env bash
# Run the aarch64 manylinux wheel's smoke test (smoke_wheel.py) on an emulated arm64 CPU: a
# Debian 12 arm64 root file system (glibc 2.36, CPython 3.11) made by debootstrap, entered with
# chroot, its programs run by qemu's user-mode emulator through binfmt_misc. All of it comes
# from Debian's packages (qemu-user-static, binfmt-support, debootstrap); pyarrow comes from
# PyPI inside the emulated machine, as a user's pip would fetch it. Needs root (chroot, mount).
#
#   bash scripts/smoke_wheel_aarch64.sh dist/*manylinux2014_aarch64*.whl
#
# The root file system stays in .cache/arm64-rootfs (about 5 minutes to make, once); the smoke
# test itself takes a minute or two, emulation being some ten times slower than the real CPU.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wheel=$(realpath "${1:?usage: smoke_wheel_aarch64.sh WHEEL}")
rootfs=$(realpath -m "$here/../.cache/arm64-rootfs")

for tool in qemu-aarch64-static update-binfmts debootstrap; do
  command -v "$tool" >/dev/null ||
    { echo "needs $tool: apt-get install qemu-user-static binfmt-support debootstrap" >&2; exit 1; }
done
# Let the kernel hand arm64 programs to qemu (the F flag: also inside the chroot).
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable qemu-aarch64 2>/dev/null || true
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 ||
  { echo "qemu-aarch64 is not registered with binfmt_misc (flag F)" >&2; exit 1; }

if [ ! -x "$rootfs/usr/bin/python3" ] || [ -e "$rootfs/debootstrap" ]; then
  rm -rf "$rootfs"
  echo "=== debootstrap: Debian 12 arm64 with python3-venv into $rootfs"
  debootstrap --foreign --arch=arm64 --variant=minbase --include=python3-venv,ca-certificates \
    bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  chroot "$rootfs" /debootstrap/debootstrap --second-stage >/dev/null
fi

# pip inside fetches pyarrow: the emulated machine resolves names and trusts certificates as
# this one does (which may sit behind a TLS-inspecting proxy whose root only this one knows).
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
smoke="$rootfs/tmp/smoke"
rm -rf "$smoke" && mkdir -p "$smoke"
cp "$wheel" "$here/smoke_wheel.py" "$smoke/"
mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || true; done
  rm -rf "$smoke"
}
trap cleanup EXIT
for fs in proc dev; do
  mount --bind "/$fs" "$rootfs/$fs" && mounted+=("$rootfs/$fs")
done

# A clean environment: this machine's pip settings (a wheel folder, a CA path) mean nothing there.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
  PIP_DISABLE_PIP_VERSION_CHECK=1 chroot "$rootfs" /bin/sh -eu -c "
  uname -m
  python3 -m venv /tmp/smoke/venv
  /tmp/smoke/venv/bin/python -m pip install -q --only-binary=:all: /tmp/smoke/$(basename "$wheel") 'pyarrow>=14'
  cd /tmp/smoke && /tmp/smoke/venv/bin/python smoke_wheel.py
"
