#!/usr/bin/env bash
# Runs the hostile-input suite (tests/hostile.rs) at the sizes of issue 8 against the
# release binary: a 200 MB single line, 100,000 tiny files, a 1 GB file of one repeated
# document, a gzip bomb expanding to 1 GB. Prints wall time and peak RSS of every chaff
# run (/usr/bin/time -v). Needs ~3 GB free in the temp folder.
#
# Usage: scripts/hostile_full.sh [SCALE] [TEST-NAME-FILTER]   (SCALE 1 = the issue's sizes)
set -euo pipefail
cd "$(dirname "$0")/.."
export CHAFF_HOSTILE_SCALE="${1:-1}"
export CHAFF_HOSTILE_TIME=1
shift || true
cargo build --release --quiet
echo "scale $CHAFF_HOSTILE_SCALE, $(nproc) cores, release build"
cargo test --release --test hostile -- --test-threads 1 --nocapture "$@" 2>&1 |
    grep -E "HOSTILE|^test |test result|panicked|FAILED" || true
