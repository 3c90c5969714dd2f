#!/usr/bin/env bash
# clippy -D warnings on the whole workspace, every target, as the release workflow will compile
# it for Windows and macOS: the code behind cfg(windows) and cfg(target_os = "macos") (ours
# and our dependencies') is checked here before a release runner meets it.
#
#   apt-get install gcc-mingw-w64-x86-64        # C for ring on Windows; zig (PyPI) for macOS
#   bash scripts/cross_check.sh [TARGET ...]    # default: x86_64-pc-windows-gnu aarch64-apple-darwin
#
# It checks, it does not link (no macOS SDK here); scripts/windows_tests.sh runs the tests
# under Wine.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x86_64-pc-windows-gnu aarch64-apple-darwin)
export PYO3_CROSS_PYTHON_VERSION=3.10  # abi3: no target interpreter needed to compile
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT

for target in "${targets[@]}"; do
  rustup target add "$target" >/dev/null
  case "$target" in
    *-windows-gnu)
      export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
      export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar ;;
    *-apple-darwin)
      arch=${target%%-*}
      zig=$(python -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
      # zig cc as the C compiler for ring; cc-rs adds an Apple-style --target= zig rejects.
      cat >"$tools/cc-$target" <<WRAPPER
#!/bin/sh
for arg; do shift; case "\$arg" in --target=*) ;; *) set -- "\$@" "\$arg" ;; esac; done
exec "$zig" cc -target $arch-macos "\$@"
WRAPPER
      chmod +x "$tools/cc-$target"
      export "CC_${target//-/_}=$tools/cc-$target" ;;
  esac
  echo "=== clippy --target $target"
  cargo clippy --target "$target" --workspace --all-targets -- -D warnings
done
