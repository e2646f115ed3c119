//! Property tests of the near-duplicate kernels: normalisation is idempotent, MinHash
//! estimates Jaccard within its standard error, LSH candidates follow the S-curve, and
//! clustering does not depend on input order.
//!
//! The seed is fixed so CI is reproducible; `CHAFF_PROPTEST_SEED=<n>` explores others.
//! Case counts keep the file to a few seconds.

use chaff::dedup::{deduplicate, DedupInput, DedupParams, KeepPolicy};
use chaff::lsh::{candidate_pairs, candidate_probability, Banding};
use chaff::minhash::{estimate_jaccard, exact_jaccard, MinHasher};
use chaff::normalise::normalise;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::collections::{BTreeSet, HashMap};

const SEED: u64 = 0x00c4_aff0;

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(
            std::env::var("CHAFF_PROPTEST_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(SEED),
        ),
        failure_persistence: None,
        ..Config::default()
    }
}

/// `n` distinct 64-bit elements derived from `seed` (splitmix64): a random set.
fn elements(seed: u64, n: usize) -> Vec<u64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        })
        .collect()
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Characters that stress the normaliser: ASCII, Latin with case-fold surprises,
/// combining marks, Arabic (harakat, tatweel, alef forms, Arabic-Indic digits), CJK,
/// full-width forms, ligatures, Greek sigma, spaces of every kind.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        1 => prop::sample::select(vec![
            'ß', 'ẞ', 'İ', 'ı', 'ﬁ', 'ﬀ', 'ǰ', 'ŉ', 'Σ', 'ς', 'σ', 'ͅ', 'Å', 'Å', 'K', 'Ω',
            '\u{301}', '\u{308}', '\u{327}', '\u{345}', '\u{200b}', '\u{200d}', '\u{a0}',
            '\u{2028}', '\u{3000}', '\t', '\n', '\r', '\u{feff}', '①', '½', '²', '㎞', '™',
            'ـ', 'أ', 'إ', 'آ', 'ى', 'ة', 'ي', '\u{64b}', '\u{650}', '\u{670}', '٣', '۴',
            'ﻻ', 'ﷲ', '中', '文', '。', '，', 'Ａ', 'ｚ', '０', 'ｶ', 'ﾞ', 'ガ', '가', 'ᄀ',
            '\u{1161}', '🙂', '\u{fffd}', 'ǅ', 'ǆ', 'Ǆ', 'ﬅ', 'ẛ', '\u{1e9e}', 'ᾼ', 'ῼ',
        ]),
        1 => any::<char>(),
    ]
}

proptest! {
    #![proptest_config(config(2000))]

    /// Normalising normalised text changes nothing: the exact hash and the shingles of a
    /// document do not depend on whether it was cleaned before.
    #[test]
    fn normalisation_is_idempotent(chars in prop::collection::vec(tricky_char(), 0..48)) {
        let text: String = chars.into_iter().collect();
        let once = normalise(&text);
        let twice = normalise(&once);
        prop_assert_eq!(&twice, &once, "input {:?}", text);
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// The MinHash estimate of Jaccard is within a few standard errors
    /// sqrt(J(1−J)/k) of the exact Jaccard of the two sets.
    #[test]
    fn minhash_estimates_jaccard_within_its_standard_error(
        seed in any::<u64>(),
        shared in 0usize..400,
        only_a in 0usize..300,
        only_b in 0usize..300,
        k in prop::sample::select(vec![64usize, 128, 256]),
    ) {
        prop_assume!(shared + only_a + only_b > 0);
        let pool = elements(seed, shared + only_a + only_b);
        let a = sorted(pool[..shared + only_a].to_vec());
        let b = sorted(pool[..shared].iter().chain(&pool[shared + only_a..]).copied().collect());
        let j = exact_jaccard(&a, &b) as f64;
        let signer = MinHasher::new(k, 0x5eed_c4af);
        let est = estimate_jaccard(&signer.signature(&a), &signer.signature(&b)) as f64;
        let se = (j * (1.0 - j) / k as f64).sqrt();
        // 4.5 standard errors (two-sided p ≈ 7e-6 per case), plus one slot of rounding.
        prop_assert!(
            (est - j).abs() <= 4.5 * se + 1.0 / k as f64,
            "J = {j:.3}, estimate {est:.3}, k = {k}, se {se:.3}"
        );
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// The share of pairs with Jaccard s that become LSH candidates matches the S-curve
    /// 1 − (1 − s^r)^b for the banding, simulated on `trials` random pairs.
    #[test]
    fn lsh_candidates_follow_the_s_curve(
        seed in any::<u64>(),
        shared in 60usize..190,
        banding in prop::sample::select(vec![(21usize, 6usize), (9, 13), (32, 4), (16, 8)]),
    ) {
        let (bands, rows) = banding;
        let union = 200usize;
        let trials = 300usize;
        let k = 128;
        let signer = MinHasher::new(k, 0x5eed_c4af);
        let only = (union - shared) / 2;
        let mut signatures = Vec::with_capacity(2 * trials * k);
        let mut s = 0.0;
        for t in 0..trials {
            // Disjoint elements per trial, so only the planted pairs can collide.
            let pool = elements(seed ^ (t as u64).wrapping_mul(0x2545_f491_4f6c_dd1d), shared + 2 * only);
            let a = sorted(pool[..shared + only].to_vec());
            let b = sorted(pool[..shared].iter().chain(&pool[shared + only..]).copied().collect());
            s = exact_jaccard(&a, &b) as f64;
            signatures.extend(signer.signature(&a));
            signatures.extend(signer.signature(&b));
        }
        let banding = Banding { bands, rows };
        let pairs = candidate_pairs(&signatures, k, banding, &vec![true; 2 * trials]);
        let hits = pairs.iter().filter(|&&(x, y)| x % 2 == 0 && y == x + 1).count();
        let observed = hits as f64 / trials as f64;
        let p = candidate_probability(s, banding);
        let se = (p * (1.0 - p) / trials as f64).sqrt();
        prop_assert!(
            (observed - p).abs() <= 4.5 * se + 0.02,
            "s = {s:.3}, {bands}×{rows}: observed {observed:.3}, S-curve {p:.3}"
        );
    }
}

/// A small corpus of shingle sets: variants of a few base stories, some exact copies.
fn corpus(seed: u64, picks: &[(usize, usize)]) -> Vec<Vec<u64>> {
    let bases: Vec<Vec<u64>> = (0..4)
        .map(|b| elements(seed ^ ((b as u64 + 1) * 7919), 60))
        .collect();
    picks
        .iter()
        .enumerate()
        .map(|(i, &(base, edits))| {
            let mut set = bases[base % 4].clone();
            let fresh = elements(seed ^ 0xabcdef ^ ((i as u64) << 20), edits);
            // Replace the first `edits` shingles; `edits == 0` is an exact copy.
            for (slot, f) in set.iter_mut().zip(fresh) {
                *slot = f;
            }
            sorted(set)
        })
        .collect()
}

/// Clusters as sets of corpus indices, for order-free comparison.
fn run_dedup(
    sets: &[Vec<u64>],
    chars: &[u64],
    keep: KeepPolicy,
) -> (BTreeSet<Vec<usize>>, Vec<usize>) {
    let params = DedupParams {
        keep,
        ..DedupParams::default()
    };
    let signer = MinHasher::new(params.num_perm, params.seed);
    let signatures: Vec<u32> = sets.iter().flat_map(|s| signer.signature(s)).collect();
    let exact_hash: Vec<u64> = sets
        .iter()
        .map(|s| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            s.hash(&mut h);
            h.finish() | 1
        })
        .collect();
    let shingle_counts: Vec<u32> = sets.iter().map(|s| s.len() as u32).collect();
    // Spilled as in a real run, so the temp-file path is checked against the properties.
    let fetch = |wanted: &[u32]| -> anyhow::Result<chaff::setstore::SetStore> {
        let mut store = chaff::setstore::SetStore::new();
        for &i in wanted {
            store.push(i, &sets[i as usize]);
        }
        store.finish();
        Ok(store)
    };
    let result = deduplicate(
        &DedupInput {
            exact_hash: &exact_hash,
            signatures: &signatures,
            has_content: &vec![true; sets.len()],
            shingle_counts: &shingle_counts,
            content_chars: chars,
            dates: &vec![None; sets.len()],
        },
        &params,
        &fetch,
    )
    .unwrap();
    let mut groups: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, &r) in result.representative.iter().enumerate() {
        groups.entry(r).or_default().push(i);
    }
    let reps = result.representative.iter().map(|&r| r as usize).collect();
    (
        groups
            .into_values()
            .map(|mut g| {
                g.sort();
                g
            })
            .collect(),
        reps,
    )
}

proptest! {
    #![proptest_config(config(48))]

    /// Shuffling the input gives the same clusters; only the choice among equally long
    /// members (ties go to the earlier document) may differ.
    #[test]
    fn clustering_does_not_depend_on_input_order(
        seed in any::<u64>(),
        picks in prop::collection::vec((0usize..4, prop::sample::select(vec![0usize, 0, 1, 2, 3, 5, 8, 12, 20, 40])), 2..40),
        lengths in prop::collection::vec(50u64..60, 40),
        order in Just((0..40usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let sets = corpus(seed, &picks);
        let n = sets.len();
        let chars = &lengths[..n];
        let perm: Vec<usize> = order.into_iter().filter(|&i| i < n).collect();
        let shuffled: Vec<Vec<u64>> = perm.iter().map(|&i| sets[i].clone()).collect();
        let shuffled_chars: Vec<u64> = perm.iter().map(|&i| chars[i]).collect();
        let (a, reps_a) = run_dedup(&sets, chars, KeepPolicy::Longest);
        let (b, reps_b) = run_dedup(&shuffled, &shuffled_chars, KeepPolicy::Longest);
        let b: BTreeSet<Vec<usize>> = b
            .into_iter()
            .map(|g| { let mut g: Vec<usize> = g.into_iter().map(|i| perm[i]).collect(); g.sort(); g })
            .collect();
        prop_assert_eq!(&a, &b);
        // --keep longest: the representative is a longest member in both orders, and the
        // same document whenever that longest member is unique.
        for g in &a {
            let longest = g.iter().map(|&i| chars[i]).max().unwrap();
            let rep_a = reps_a[g[0]];
            let pos = perm.iter().position(|&p| p == g[0]).unwrap();
            let rep_b = perm[reps_b[pos]];
            prop_assert_eq!(chars[rep_a], longest);
            prop_assert_eq!(chars[rep_b], longest);
            if g.iter().filter(|&&i| chars[i] == longest).count() == 1 {
                prop_assert_eq!(rep_a, rep_b);
            }
        }
    }
}
