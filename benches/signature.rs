//! Signature and shingling throughput.
//!
//! `cargo bench --bench signature`. For `sign_*` divan's throughput column is
//! shingles per second (ns/shingle = 1e9 / that); for `shingle_*`, `normalise_*`
//! and `script_*` it is bytes per second, for `distinct_news` shingles per second.
//! The `*_news` inputs are the shipped BBC slice (`datasets/en-bbc`): real word
//! lengths and punctuation, which the synthetic inputs lack and which decided
//! between shingling variants. The others are synthetic but shaped like real
//! text (Zipf-like vocabulary, ~400 word 5-gram shingles per document) and fixed
//! by a seed, so runs are comparable across machines.

use chaff::minhash::{Algorithm, MinHasher, DEFAULT_SEED};
use chaff::normalise::{dominant_script, normalise_append, normalise_with, Digits};
use chaff::shingle::{count_distinct, shingle_hashes, shingle_stream, DistinctSet};
use divan::counter::{BytesCount, ItemsCount};
use divan::{black_box, Bencher};

fn main() {
    divan::main();
}

/// Signature length the benchmarks use (the datasketch/rensa default).
const NUM_PERM: usize = 128;
/// Documents per benchmark iteration, so per-call overhead is amortised as in a real run.
const DOCS: usize = 64;
/// Words per synthetic document: 404 words give 400 word 5-grams.
const WORDS: usize = 404;

/// splitmix64: a tiny deterministic generator for the synthetic corpus.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A vocabulary of 5,000 lower-case pseudo-words of 2–10 letters.
fn vocabulary(state: &mut u64) -> Vec<String> {
    (0..5000)
        .map(|_| {
            let len = 2 + (next(state) % 9) as usize;
            (0..len)
                .map(|_| (b'a' + (next(state) % 26) as u8) as char)
                .collect()
        })
        .collect()
}

/// Normalised documents (single spaces) whose word frequencies fall off like 1/rank.
fn corpus() -> Vec<String> {
    let mut state = 42;
    let vocab = vocabulary(&mut state);
    (0..DOCS)
        .map(|_| {
            let words: Vec<&str> = (0..WORDS)
                .map(|_| {
                    // Inverse-CDF of a 1/rank law over the vocabulary.
                    let u = (next(&mut state) >> 11) as f64 / (1u64 << 53) as f64;
                    let rank = ((vocab.len() as f64).powf(u) as usize).min(vocab.len()) - 1;
                    vocab[rank].as_str()
                })
                .collect();
            words.join(" ")
        })
        .collect()
}

/// Unspaced (Chinese-like) documents of ~1,000 CJK characters each.
fn cjk_corpus() -> Vec<String> {
    let mut state = 7;
    (0..DOCS)
        .map(|_| {
            (0..1000)
                .map(|_| char::from_u32(0x4E00 + (next(&mut state) % 3000) as u32).unwrap())
                .collect()
        })
        .collect()
}

/// Shingle sets of the synthetic corpus (word 5-grams).
fn shingle_sets() -> Vec<Vec<u64>> {
    corpus()
        .iter()
        .map(|d| {
            let mut v = Vec::new();
            shingle_hashes(d, false, 5, 5, &mut v);
            v
        })
        .collect()
}

/// Times `sign` over all documents; the counter makes divan report shingles/s.
fn bench_sign(bencher: Bencher, algorithm: Algorithm) {
    let sets = shingle_sets();
    let total: usize = sets.iter().map(Vec::len).sum();
    let hasher = MinHasher::with_algorithm(NUM_PERM, DEFAULT_SEED, algorithm);
    let mut out = vec![0u32; NUM_PERM];
    bencher.counter(ItemsCount::new(total)).bench_local(|| {
        for s in &sets {
            hasher.sign(black_box(s), &mut out);
            black_box(&out);
        }
    });
}

/// Classic per-permutation MinHash (SIMD multiply-shift).
#[divan::bench]
fn sign_classic(bencher: Bencher) {
    bench_sign(bencher, Algorithm::Classic);
}

/// One-permutation hashing with optimal densification.
#[divan::bench]
fn sign_one_permutation(bencher: Bencher) {
    bench_sign(bencher, Algorithm::OnePermutation);
}

/// Fast similarity sketch (the default).
#[divan::bench]
fn sign_fast_sketch(bencher: Bencher) {
    bench_sign(bencher, Algorithm::FastSketch);
}

/// Times `shingle` over every text of `docs`; divan reports bytes/s.
fn bench_shingling(bencher: Bencher, docs: &[String], shingle: impl Fn(&str, &mut Vec<u64>)) {
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut out = Vec::new();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        for d in docs {
            shingle(black_box(d), &mut out);
            black_box(&out);
        }
    });
}

/// Word 5-gram shingling into a sorted set.
#[divan::bench]
fn shingle_words(bencher: Bencher) {
    bench_shingling(bencher, &corpus(), |d, out| {
        shingle_hashes(d, false, 5, 5, out)
    });
}

/// Word 5-gram hashes in text order, as signing takes them (no sort).
#[divan::bench]
fn shingle_stream_words(bencher: Bencher) {
    bench_shingling(bencher, &corpus(), |d, out| {
        shingle_stream(d, false, 5, 5, out)
    });
}

/// The texts of the shipped BBC news slice: real English, with its curly quotes, dashes
/// and word lengths.
fn news_texts() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/en-bbc/bbc_news-slice.jsonl"
    );
    let jsonl = std::fs::read_to_string(path).expect("shipped dataset");
    jsonl
        .lines()
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("JSON record");
            record["text"].as_str().expect("text field").to_string()
        })
        .collect()
}

/// [`news_texts`] normalised, as the shingler takes them.
fn news_corpus() -> Vec<String> {
    news_texts()
        .iter()
        .map(|text| {
            let mut out = String::new();
            normalise_with(text, Digits::Value, &mut out);
            out
        })
        .collect()
}

/// Normalising real news text (the dedup form, digits kept), line by line as the
/// content scan does; bytes/s of input.
#[divan::bench]
fn normalise_news(bencher: Bencher) {
    let texts = news_texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut out = String::new();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        for text in &texts {
            out.clear();
            for line in text.lines() {
                if !out.is_empty() {
                    out.push(' ');
                }
                normalise_append(black_box(line), Digits::Value, &mut out);
            }
            black_box(&out);
        }
    });
}

/// Script detection on real news text (English with curly quotes and dashes); bytes/s.
#[divan::bench]
fn script_news(bencher: Bencher) {
    let texts = news_texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench_local(|| {
        for text in &texts {
            black_box(dominant_script(black_box(text)));
        }
    });
}

/// Word 5-gram hashes of real news text in text order.
#[divan::bench]
fn shingle_stream_news(bencher: Bencher) {
    bench_shingling(bencher, &news_corpus(), |d, out| {
        shingle_stream(d, false, 5, 5, out)
    });
}

/// Counting the distinct shingles of real news text (the `shingles` column); shingles/s.
#[divan::bench]
fn distinct_news(bencher: Bencher) {
    let streams: Vec<Vec<u64>> = news_corpus()
        .iter()
        .map(|d| {
            let mut out = Vec::new();
            shingle_stream(d, false, 5, 5, &mut out);
            out
        })
        .collect();
    let total: usize = streams.iter().map(Vec::len).sum();
    let mut table = DistinctSet::default();
    bencher.counter(ItemsCount::new(total)).bench_local(|| {
        for s in &streams {
            black_box(count_distinct(black_box(s), &mut table));
        }
    });
}

/// Character 5-gram shingling of unspaced text; bytes/s.
#[divan::bench]
fn shingle_chars(bencher: Bencher) {
    bench_shingling(bencher, &cjk_corpus(), |d, out| {
        shingle_hashes(d, true, 5, 5, out)
    });
}
