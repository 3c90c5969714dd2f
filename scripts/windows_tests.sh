#!/usr/bin/env bash
# Build the Rust crates' tests for Windows (x86_64-pc-windows-gnu, with Debian's mingw-w64) and
# run them under Wine: the file handling (a download renamed onto a file another program holds
# open, temporary names), the runtime, the limiter, paths and the fake server see Windows'
# semantics as Wine reproduces them. The wheels for Windows are built natively by the release
# workflow (MSVC); this is how this Linux machine checks the Windows code paths before then.
#
#   apt-get install gcc-mingw-w64-x86-64 wine64 && rustup target add x86_64-pc-windows-gnu
#   bash scripts/windows_tests.sh [CRATE ...]    # default: simplicate-api, -core, -fake
#
# The extension crate (simplicate-py) is left out: it needs a Windows Python to link against
# (scripts/cross_check.sh compiles it for Windows and macOS with clippy).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(simplicate-api simplicate-core simplicate-fake)
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "needs wine64: apt-get install wine64" >&2; exit 1; }

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$wine WINEDEBUG=-all
rustup target add "$target" >/dev/null

args=()
for crate in "${crates[@]}"; do args+=(-p "$crate"); done
cargo test --target "$target" "${args[@]}" --no-run
# Wine 8 (Debian 12) has no bcryptprimitives.dll, where Rust's standard library gets its
# randomness since Rust 1.78; a stand-in beside the test programs forwards to BCryptGenRandom.
x86_64-w64-mingw32-gcc -shared -O2 -o "target/$target/debug/deps/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c -lbcrypt
cargo test --target "$target" "${args[@]}"
