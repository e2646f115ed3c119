#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time each (default 60 s).
#
#   scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). The targets
# compile chaff's own reader, normaliser and line-splitter source files without Polars
# (see fuzz/src/lib.rs), under AddressSanitizer. Corpora grow in fuzz/corpus/<target>
# (seeded from tests/fuzz-regressions and the shipped datasets); crashes land in
# fuzz/artifacts/<target>/ — copy the input to tests/fuzz-regressions/ and add a test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(jsonl warc normalise_shingle lines)
fi
seed() { # seed the corpus of target $1 with small real inputs
    local dir="corpus/$1"
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
    case "$1" in
        jsonl) head -c 4000 ../datasets/en-bbc/bbc_news-slice.jsonl > "$dir/bbc" ;;
        warc) printf 'WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.com/\r\nContent-Length: 60\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Hello &amp; bye</p>\r\n\r\n' > "$dir/one" ;;
        *) head -c 3000 ../datasets/ar-seed/scraped-article-ar.txt > "$dir/ar"
           head -c 3000 ../datasets/zh-gilets-jaunes/gilets_jaunes_zh.jsonl > "$dir/zh" ;;
    esac
    cp ../tests/fuzz-regressions/"$1"-* "$dir"/ 2>/dev/null || true
}
cargo +nightly fuzz build -O 2>&1 | tail -n 3
for t in "${targets[@]}"; do
    seed "$t"
    echo "== $t: ${secs}s"
    start=$(date +%s)
    cargo +nightly fuzz run -O "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=65536 \
        -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
        grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|panicked|SUMMARY|Test unit written" || true
    echo "   $t ran $(( $(date +%s) - start ))s; corpus $(ls "corpus/$t" | wc -l) inputs; crashes: $(ls "artifacts/$t" 2>/dev/null | wc -l)"
done
