//! Locality-sensitive hashing over MinHash signatures: choosing the banding
//! and generating candidate pairs by sorting band hashes.

use rayon::prelude::*;

/// Buckets larger than this emit a chain (1st–2nd, 2nd–3rd, …) instead of all
/// pairs, so a bucket of m identical signatures costs O(m) not O(m²); the
/// union-find closure downstream still joins the whole bucket. 64 keeps all
/// pairs (best recall for pairwise verification) for any realistic cluster of
/// near-duplicates while capping the per-bucket cost at 2,016 pairs.
pub const FULL_PAIRS_MAX_BUCKET: usize = 64;

/// LSH banding: `bands` × `rows` slots of the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Banding {
    /// Number of bands (hash tables).
    pub bands: usize,
    /// Signature slots per band.
    pub rows: usize,
}

/// datasketch's fallback integrator: midpoint rule with step 0.001, float loop reproduced exactly.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    let p = 0.001;
    let mut area = 0.0;
    let mut x = a;
    while x < b {
        area += f(x + 0.5 * p) * p;
        x += p;
    }
    area
}

/// Bands/rows minimising the weighted false-positive and false-negative areas under the S-curve, as datasketch's `_optimal_param` (weights 0.5/0.5).
///
/// Grid search over every b in 1..=num_perm and r in 1..=num_perm/b, first
/// minimum wins (same order as datasketch). Gives 9×13 at (0.8, 128).
pub fn optimal_banding(threshold: f64, num_perm: usize) -> Banding {
    optimal_banding_weighted(threshold, num_perm, 0.5, 0.5)
}

/// [`optimal_banding`] with explicit false-positive / false-negative weights.
pub fn optimal_banding_weighted(
    threshold: f64,
    num_perm: usize,
    fp_weight: f64,
    fn_weight: f64,
) -> Banding {
    assert!(num_perm > 0, "num_perm must be positive");
    assert!(
        (0.0..=1.0).contains(&threshold),
        "threshold must be in [0, 1]"
    );
    let mut best = f64::INFINITY;
    let mut opt = Banding { bands: 1, rows: 1 };
    for b in 1..=num_perm {
        let bf = b as f64;
        for r in 1..=num_perm / b {
            let rf = r as f64;
            let fp = integrate(|s| 1.0 - (1.0 - s.powf(rf)).powf(bf), 0.0, threshold);
            let fneg = integrate(
                |s| 1.0 - (1.0 - (1.0 - s.powf(rf)).powf(bf)),
                threshold,
                1.0,
            );
            let err = fp * fp_weight + fneg * fn_weight;
            if err < best {
                best = err;
                opt = Banding { bands: b, rows: r };
            }
        }
    }
    opt
}

/// Probability that a pair with Jaccard `j` becomes a candidate: 1-(1-j^r)^b.
pub fn candidate_probability(j: f64, banding: Banding) -> f64 {
    1.0 - (1.0 - j.powi(banding.rows as i32)).powi(banding.bands as i32)
}

/// 64-bit hash of one band's slots. Integer-only (no byte view) so it does not
/// depend on endianness; each step is a bijection of the running state for a
/// fixed input word, so bands differing in one word never collide.
#[inline]
fn band_hash(slots: &[u32]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ slots.len() as u64;
    let mut pairs = slots.chunks_exact(2);
    for p in &mut pairs {
        h = mix64(h ^ (p[0] as u64 | (p[1] as u64) << 32));
    }
    if let [last] = pairs.remainder() {
        h = mix64(h ^ *last as u64 ^ 0xFFFF_FFFF_0000_0000);
    }
    h
}

/// How many documents ahead [`band_pairs`] prefetches signature rows.
const PREFETCH_AHEAD: usize = 16;

/// Asks the CPU to start loading the cache line of `value` (a hint: no effect elsewhere).
#[inline(always)]
fn prefetch(value: &u32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint and never faults; the pointer comes from a reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const u32).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// splitmix64 finaliser.
#[inline(always)]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Pairs of one band among `docs` (ascending indices), each packed as `lo << 32 | hi`
/// (lo < hi) so sorting u64s sorts pairs.
fn band_pairs(
    signatures: &[u32],
    num_perm: usize,
    offset: usize,
    rows: usize,
    docs: &[u32],
) -> Vec<u64> {
    let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(docs.len());
    for (k, &doc) in docs.iter().enumerate() {
        // Each document's band is a few bytes of its 512-byte signature row: fetching the
        // rows ahead hides the cache miss of every one (the sweep was memory-bound).
        if let Some(&ahead) = docs.get(k + PREFETCH_AHEAD) {
            prefetch(&signatures[ahead as usize * num_perm + offset]);
        }
        let start = doc as usize * num_perm + offset;
        keyed.push((band_hash(&signatures[start..start + rows]), doc));
    }
    // Sorting by (hash, index) groups buckets and orders members by index,
    // which makes the emitted pairs independent of any scheduling.
    sort_keys(&mut keyed);
    let mut pairs = Vec::new();
    let mut start = 0;
    while start < keyed.len() {
        let h = keyed[start].0;
        let mut end = start + 1;
        while end < keyed.len() && keyed[end].0 == h {
            end += 1;
        }
        let bucket = &keyed[start..end];
        if bucket.len() <= FULL_PAIRS_MAX_BUCKET {
            for (x, &(_, i)) in bucket.iter().enumerate() {
                for &(_, j) in &bucket[x + 1..] {
                    pairs.push((i as u64) << 32 | j as u64);
                }
            }
        } else {
            for w in bucket.windows(2) {
                pairs.push((w[0].1 as u64) << 32 | w[1].1 as u64);
            }
        }
        start = end;
    }
    pairs
}

/// Sorts `(band hash, doc)` keys as `sort_unstable` would.
///
/// The hashes are uniform, so one counting-sort pass on their top bits leaves about one
/// key per bucket; sorting each bucket then only has to order the few keys that share
/// top bits (by insertion, or by `sort_unstable` for the large buckets of many
/// documents with one band value). With the row prefetch in [`band_pairs`], the LSH
/// step of `chaff dedup` on syn50k (two threads) went from ~52 to ~32 ms.
fn sort_keys(keys: &mut Vec<(u64, u32)>) {
    let n = keys.len();
    if n <= 64 || n > u32::MAX as usize {
        keys.sort_unstable();
        return;
    }
    // At most 2^16 buckets (2 x 256 KiB of counters): past ~65,000 documents a bucket
    // holds a few keys and is sorted on its own.
    let bits = n.next_power_of_two().trailing_zeros().min(16);
    let shift = 64 - bits;
    let mut starts = vec![0u32; (1 << bits) + 1];
    for &(h, _) in keys.iter() {
        starts[(h >> shift) as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut sorted = vec![(0u64, 0u32); n];
    let mut next = starts.clone();
    for &key in keys.iter() {
        let slot = &mut next[(key.0 >> shift) as usize];
        sorted[*slot as usize] = key;
        *slot += 1;
    }
    for bucket in starts.windows(2) {
        let bucket = &mut sorted[bucket[0] as usize..bucket[1] as usize];
        match bucket.len() {
            0 | 1 => {}
            2..=16 => crate::shingle::insertion_sort(bucket),
            _ => bucket.sort_unstable(),
        }
    }
    *keys = sorted;
}

/// Candidate pairs (i<j, document indices) from row-major signatures (`n × num_perm` u32), skipping documents with `active[i] == false`.
///
/// Each band is bucketed by sorting `(band hash, doc index)`; buckets of at
/// most [`FULL_PAIRS_MAX_BUCKET`] documents emit all their pairs, larger ones
/// emit only the chain of consecutive members. Bands run in parallel; the
/// output is deduplicated and sorted, hence independent of the thread count.
/// Empty documents all share the all-`u32::MAX` signature and so form one
/// bucket: mark them inactive if they should not be paired.
pub fn candidate_pairs(
    signatures: &[u32],
    num_perm: usize,
    banding: Banding,
    active: &[bool],
) -> Vec<(u32, u32)> {
    assert!(num_perm > 0, "num_perm must be positive");
    assert!(
        banding.bands * banding.rows <= num_perm && banding.rows > 0,
        "banding {banding:?} does not fit {num_perm} slots"
    );
    assert_eq!(signatures.len() % num_perm, 0, "signature matrix shape");
    let n = signatures.len() / num_perm;
    assert_eq!(active.len(), n, "one active flag per document");
    assert!(n <= u32::MAX as usize, "too many documents");

    let docs: Vec<u32> = (0..n as u32).filter(|&i| active[i as usize]).collect();
    let per_band: Vec<Vec<u64>> = (0..banding.bands)
        .into_par_iter()
        .map(|band| {
            band_pairs(
                signatures,
                num_perm,
                band * banding.rows,
                banding.rows,
                &docs,
            )
        })
        .collect();
    let mut all: Vec<u64> = Vec::with_capacity(per_band.iter().map(Vec::len).sum());
    for v in per_band {
        all.extend_from_slice(&v);
    }
    all.par_sort_unstable();
    all.dedup();
    all.into_iter()
        .map(|p| ((p >> 32) as u32, p as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_matches_datasketch() {
        // Values from datasketch's _optimal_param (both its scipy.quad and its
        // midpoint integrator agree on all of these).
        let cases = [
            (0.5, 64, 14, 4),
            (0.7, 64, 8, 8),
            (0.8, 64, 5, 11),
            (0.9, 64, 3, 21),
            (0.5, 128, 25, 5),
            (0.7, 128, 14, 9),
            (0.8, 128, 9, 13),
            (0.9, 128, 5, 25),
            (0.5, 256, 42, 6),
            (0.7, 256, 25, 10),
            (0.8, 256, 17, 15),
            (0.9, 256, 9, 28),
        ];
        for (t, k, b, r) in cases {
            assert_eq!(
                optimal_banding(t, k),
                Banding { bands: b, rows: r },
                "threshold {t} num_perm {k}"
            );
        }
    }

    #[test]
    fn s_curve() {
        let b = Banding { bands: 9, rows: 13 };
        assert!((candidate_probability(0.8, b) - 0.399).abs() < 0.001);
        assert_eq!(candidate_probability(1.0, b), 1.0);
        assert_eq!(candidate_probability(0.0, b), 0.0);
        assert!(candidate_probability(0.9, b) > 0.9);
    }

    /// Deterministic random signatures, `n × k`.
    fn random_sigs(n: usize, k: usize, seed: u64) -> Vec<u32> {
        let mut s = seed;
        (0..n * k)
            .map(|_| {
                s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
                mix64(s) as u32
            })
            .collect()
    }

    #[test]
    fn finds_planted_pair_and_skips_inactive() {
        let (n, k) = (1000, 128);
        let band = Banding { bands: 9, rows: 13 };
        let mut sigs = random_sigs(n, k, 1);
        // Doc 700 copies doc 123 except for a few slots (J ≈ 0.95).
        let src: Vec<u32> = sigs[123 * k..124 * k].to_vec();
        sigs[700 * k..701 * k].copy_from_slice(&src);
        for s in [3, 50, 90, 127] {
            sigs[700 * k + s] ^= 1;
        }
        let mut active = vec![true; n];
        assert_eq!(candidate_pairs(&sigs, k, band, &active), vec![(123, 700)]);
        active[123] = false;
        assert!(candidate_pairs(&sigs, k, band, &active).is_empty());
    }

    #[test]
    fn small_bucket_emits_all_pairs() {
        let (n, k) = (10, 16);
        let mut sigs = random_sigs(n, k, 2);
        let src: Vec<u32> = sigs[..k].to_vec();
        for d in [4, 6, 9] {
            sigs[d * k..(d + 1) * k].copy_from_slice(&src);
        }
        let band = Banding { bands: 4, rows: 4 };
        let got = candidate_pairs(&sigs, k, band, &[true; 10]);
        assert_eq!(got, vec![(0, 4), (0, 6), (0, 9), (4, 6), (4, 9), (6, 9)]);
    }

    #[test]
    fn huge_bucket_is_linear() {
        let (n, k) = (10_000, 32);
        let sigs: Vec<u32> = (0..n * k).map(|i| (i % k) as u32).collect();
        let band = Banding { bands: 4, rows: 8 };
        let got = candidate_pairs(&sigs, k, band, &vec![true; n]);
        // A chain: every band gives the same n-1 pairs.
        assert_eq!(got.len(), n - 1);
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, &p)| p == (i as u32, i as u32 + 1)));
    }

    #[test]
    fn independent_of_thread_count() {
        let (n, k) = (3000, 64);
        let mut sigs = random_sigs(n, k, 3);
        // Plant clusters of various sizes, including one above the cap.
        for (c, &size) in [2usize, 5, 70, 3].iter().enumerate() {
            let src = c * 100;
            let row: Vec<u32> = sigs[src * k..(src + 1) * k].to_vec();
            for m in 1..size {
                let d = src + 1000 + m * 7 + c;
                sigs[d * k..(d + 1) * k].copy_from_slice(&row);
                sigs[d * k + (m % k)] ^= 0xFF; // perturb one slot
            }
        }
        let band = Banding { bands: 8, rows: 8 };
        let active: Vec<bool> = (0..n).map(|i| i % 97 != 5).collect();
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| candidate_pairs(&sigs, k, band, &active))
        };
        let one = run(1);
        assert!(one.len() > 70);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
        assert!(one.windows(2).all(|w| w[0] < w[1]));
        assert!(one.iter().all(|&(i, j)| i < j));
    }

    #[test]
    fn sort_keys_sorts_as_sort_unstable_does() {
        let mut next = crate::testutil::xorshift(0x2545_F491_4F6C_DD1Du64);
        for n in [0, 1, 5, 64, 65, 1000, 40_000] {
            // Uniform hashes, runs of one repeated hash (documents sharing a band), and
            // hashes crowded into a few top-bit buckets.
            for shape in 0..3 {
                let keys: Vec<(u64, u32)> = (0..n as u32)
                    .map(|i| {
                        let h = match shape {
                            0 => next(),
                            1 if i % 3 == 0 => 42,
                            1 => next(),
                            _ => next() >> 60,
                        };
                        (h, i)
                    })
                    .collect();
                let mut expected = keys.clone();
                expected.sort_unstable();
                let mut got = keys;
                sort_keys(&mut got);
                assert_eq!(got, expected, "n {n} shape {shape}");
            }
        }
    }

    #[test]
    fn band_hash_distinguishes() {
        assert_ne!(band_hash(&[1, 2, 3]), band_hash(&[1, 2, 4]));
        assert_ne!(band_hash(&[1, 2]), band_hash(&[1, 2, 0]));
        assert_eq!(band_hash(&[7; 13]), band_hash(&[7; 13]));
    }
}

/// Recall-first banding: the most rows per band (fewest candidates) whose S-curve still
/// makes a pair *at* the threshold a candidate with probability ≥ `min_probability`.
///
/// chaff verifies every candidate against the threshold afterwards, so a false positive
/// of the banding costs one signature comparison while a false negative is a duplicate
/// lost for good: datasketch's equal-weight optimum (9×13 at 0.8) gives a pair at
/// J = 0.8 only a 40 % chance to be compared; 21×6 gives it 99.8 %.
pub fn recall_banding(threshold: f64, num_perm: usize, min_probability: f64) -> Banding {
    let mut best = Banding {
        bands: num_perm.max(1),
        rows: 1,
    };
    for rows in 1..=num_perm.max(1) {
        let bands = num_perm / rows;
        if bands == 0 {
            break;
        }
        let b = Banding { bands, rows };
        if candidate_probability(threshold, b) >= min_probability {
            best = b;
        }
    }
    best
}

#[cfg(test)]
mod recall_tests {
    use super::*;

    #[test]
    fn recall_banding_keeps_pairs_at_the_threshold() {
        let b = recall_banding(0.8, 128, 0.995);
        assert_eq!(b, Banding { bands: 21, rows: 6 });
        assert!(candidate_probability(0.8, b) >= 0.995);
        // Fewer rows would still qualify, but with more candidates: 6 is the most that does.
        assert!(candidate_probability(0.8, Banding { bands: 18, rows: 7 }) < 0.995);
        let low = recall_banding(0.5, 128, 0.995);
        assert!(candidate_probability(0.5, low) >= 0.995);
    }
}
