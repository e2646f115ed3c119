//! MinHash signatures of shingle-hash sets, and exact/estimated set similarity.
//!
//! Three signing algorithms are provided (see [`Algorithm`]). The default,
//! [`Algorithm::FastSketch`], was chosen by measurement on Reuters-21578
//! (word 5-grams, k = 128, 2,289 planted near-duplicate pairs with
//! J ∈ [0.5, 1] and 441 natural ones, 30 seeds): its mean absolute error is
//! 0.0235 against 0.0313 for classic MinHash (lower in every set-size band,
//! bias < 0.001 for all three) and it signs 2–6× faster than the AVX-512
//! classic kernel. [`Algorithm::OnePermutation`] (optimal densification) is
//! faster still but less accurate than classic MinHash on sets smaller than k
//! (MAE 0.0325 vs 0.0310), so it is not the default.
//!
//! Everything is deterministic: parameters come from a splitmix64 stream of a
//! fixed seed and only integer arithmetic is used, so signatures are identical
//! on every machine, SIMD code path and thread count.

/// Seed used by the crate when the caller has no reason to pick another.
pub const DEFAULT_SEED: u64 = 0x00C0_FFEE_5EED_0001;

/// Signature value of a slot that saw no shingle (empty set).
pub const EMPTY_SLOT: u32 = u32::MAX;

/// Which MinHash construction a [`MinHasher`] uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// One multiply-shift hash per slot and shingle, `(a_i*h + b_i) >> 32`: O(shingles × k), SIMD-vectorised.
    Classic,
    /// One-permutation hashing with optimal densification (Shrivastava 2017): O(shingles + k²/filled bins).
    OnePermutation,
    /// One-permutation hashing repeated in rounds until no bin is empty (first phase of Dahlgaard, Knudsen & Thorup 2017, "Fast Similarity Sketching"): O(shingles + k log k); the default.
    #[default]
    FastSketch,
}

/// splitmix64 step: the parameter stream and the mixer for one-permutation hashing.
#[inline]
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    mix64(*state)
}

/// splitmix64 / murmur3-style finaliser: a bijective, well-avalanching 64-bit mixer.
#[inline(always)]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Maps a 32-bit uniform value onto `0..k` without division (Lemire's fast range).
#[inline(always)]
fn fast_range(x32: u64, k: usize) -> usize {
    ((x32 * k as u64) >> 32) as usize
}

/// Deterministic MinHash signer with `num_perm` slots, stored as u32.
#[derive(Clone, Debug)]
pub struct MinHasher {
    num_perm: usize,
    algorithm: Algorithm,
    /// Multipliers (odd) of the classic hash family, one per slot.
    a: Vec<u64>,
    /// Offsets of the classic hash family, one per slot.
    b: Vec<u64>,
    /// Key mixed into every shingle hash for one-permutation hashing.
    oph_key: u64,
    /// Key of the donor-probe sequence of optimal densification.
    dens_key: u64,
    /// Densification cache (one-permutation only, k ≤ [`PROBE_TABLE_MAX_K`]).
    probes: Option<ProbeTable>,
}

/// Largest `num_perm` for which the densification probe orders are cached
/// (2 × k² u16: 64 KiB at k = 128, 4 MiB at k = 1024).
const PROBE_TABLE_MAX_K: usize = 1024;

/// Per-bin probe orders of optimal densification, deduplicated: `order[i*k..]`
/// lists the bins in the order bin i's hash sequence first reaches them, and
/// `rank[i*k + j]` is bin j's position in that list. Depends only on the seed,
/// so it is built once per signer instead of hashing per probe per document.
#[derive(Clone, Debug)]
struct ProbeTable {
    order: Vec<u16>,
    rank: Vec<u16>,
    /// `rank` as bytes when k ≤ 256, for the SIMD min (16 bins per SSE2 op); else empty.
    rank8: Vec<u8>,
}

/// With fewer than k / SPARSE_RATIO filled bins, densify by a scalar min of
/// ranks over the filled bins (m lookups per empty bin).
const SPARSE_RATIO: usize = 16;

impl MinHasher {
    /// Signer with the default algorithm ([`Algorithm::FastSketch`], see the module docs for why).
    pub fn new(num_perm: usize, seed: u64) -> Self {
        Self::with_algorithm(num_perm, seed, Algorithm::default())
    }

    /// Signer with an explicit algorithm, e.g. to benchmark or cross-check them.
    pub fn with_algorithm(num_perm: usize, seed: u64, algorithm: Algorithm) -> Self {
        assert!(num_perm > 0, "num_perm must be positive");
        assert!(num_perm <= u32::MAX as usize, "num_perm too large");
        let mut state = seed;
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            // Odd multipliers keep multiply-shift a bijection on the low bits.
            a.push(splitmix64(&mut state) | 1);
            b.push(splitmix64(&mut state));
        }
        let oph_key = splitmix64(&mut state);
        let dens_key = splitmix64(&mut state);
        let probes = (algorithm == Algorithm::OnePermutation && num_perm <= PROBE_TABLE_MAX_K)
            .then(|| ProbeTable::new(num_perm, dens_key));
        MinHasher {
            num_perm,
            algorithm,
            a,
            b,
            oph_key,
            dens_key,
            probes,
        }
    }

    /// Number of signature slots.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }

    /// The algorithm this signer uses.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Writes the signature of a set of 64-bit shingle hashes into `out` (len num_perm). Empty set → all u32::MAX.
    pub fn sign(&self, shingles: &[u64], out: &mut [u32]) {
        assert_eq!(out.len(), self.num_perm, "signature buffer length");
        match self.algorithm {
            Algorithm::Classic => self.sign_classic(shingles, out),
            Algorithm::OnePermutation => self.sign_oph(shingles, out),
            Algorithm::FastSketch => self.sign_rounds(shingles, out),
        }
    }

    /// Convenience wrapper of [`Self::sign`] that allocates the signature.
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        let mut out = vec![0; self.num_perm];
        self.sign(shingles, &mut out);
        out
    }

    /// Fast similarity sketch: in round r every shingle is hashed
    /// afresh to a bin, ranked by key `(r << 32) | x` where x is a uniform
    /// 32-bit word, so a bin keeps the first round that reached it and that
    /// round's least x. Every bin is the minimum of i.i.d. per-shingle keys, so
    /// P[slots equal] = J exactly, with no copying between bins (unlike
    /// densification) and negatively correlated bins (lower variance than
    /// classic MinHash). Once no bin is empty later rounds cannot change
    /// anything, so signing stops there.
    ///
    /// One 64-bit mix feeds two rounds (its two halves): the bin is
    /// `x * k >> 32` and the value is x itself. Within a bin the x of its
    /// elements are still i.i.d. uniform, so the argmin stays uniform; two
    /// distinct shingles tie only with probability ≈ k / 2^32.
    fn sign_rounds(&self, shingles: &[u64], out: &mut [u32]) {
        let k = self.num_perm;
        if shingles.is_empty() {
            out.fill(EMPTY_SLOT);
            return;
        }
        if k <= SMALL_K {
            // A fixed-size array lets `& (SMALL_K - 1)` (a no-op, bins < k)
            // replace the bounds check in the hot loop.
            let mut keys = [u64::MAX; SMALL_K];
            self.rounds_into(shingles, &mut keys, k, |bin| bin & (SMALL_K - 1));
            write_keys(&keys[..k], out);
        } else {
            let mut keys = vec![u64::MAX; k];
            self.rounds_into(shingles, &mut keys, k, |bin| bin);
            write_keys(&keys, out);
        }
    }

    /// The round loop of [`Self::sign_rounds`] over `keys[..k]`; `index` maps a bin to its slot.
    #[inline(always)]
    fn rounds_into(
        &self,
        shingles: &[u64],
        keys: &mut [u64],
        k: usize,
        index: impl Fn(usize) -> usize,
    ) {
        let mut pass: u64 = 0;
        loop {
            let seed = self.oph_key ^ pass.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let (even, odd) = ((2 * pass) << 32, (2 * pass + 1) << 32);
            for &h in shingles {
                let g = mix64(h ^ seed);
                let (hi, lo) = (g >> 32, g & 0xFFFF_FFFF);
                let slot = &mut keys[index(fast_range(hi, k))];
                *slot = (*slot).min(even | hi);
                let slot = &mut keys[index(fast_range(lo, k))];
                *slot = (*slot).min(odd | lo);
            }
            // One vectorised scan per pass is cheaper than counting per update.
            if !keys[..k].contains(&u64::MAX) {
                return;
            }
            pass += 1;
        }
    }

    /// Classic MinHash, dispatched at run time to an AVX-512 or AVX2 build of
    /// the same kernel when the CPU has it (integer-only, so results are
    /// identical; the binary still runs on any x86_64).
    fn sign_classic(&self, shingles: &[u64], out: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                // SAFETY: the CPU supports these features, checked just above.
                unsafe { classic_avx512(&self.a, &self.b, shingles, out) };
                return;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { classic_avx2(&self.a, &self.b, shingles, out) };
                return;
            }
        }
        classic_kernel(&self.a, &self.b, shingles, out);
    }

    /// One-permutation hashing: each shingle lands in one bin (high bits) and
    /// competes there with its low bits; empty bins are then filled by optimal
    /// densification, which copies the bin reached first by a per-bin random
    /// probe sequence among the originally non-empty bins. (An AVX2 build was
    /// measured no faster, so there is no run-time dispatch here.)
    fn sign_oph(&self, shingles: &[u64], out: &mut [u32]) {
        let k = self.num_perm;
        out.fill(EMPTY_SLOT);
        if shingles.is_empty() {
            return;
        }
        for &h in shingles {
            let g = mix64(h ^ self.oph_key);
            let bin = fast_range(g >> 32, k);
            // Clamp so that EMPTY_SLOT unambiguously means "no shingle" (bias 2^-32).
            let v = (g as u32).min(EMPTY_SLOT - 1);
            // Branch-free min: the update is taken with probability ~1/occupancy,
            // which a branch predictor cannot learn.
            let slot = &mut out[bin];
            *slot = (*slot).min(v);
        }
        self.densify(out);
    }

    /// Optimal densification: every empty bin i takes the value of the first
    /// originally non-empty bin in its probe sequence `hash(i, 1), hash(i, 2), …`.
    /// Donors must be *originally* non-empty, so they are read from a copy.
    /// With the probe table the same donor is found either by scanning bin i's
    /// deduplicated order (≈ k/m probes), or, for sparse signatures, as the
    /// filled bin of least rank (a branch-free SIMD min over one row of k ranks).
    fn densify(&self, out: &mut [u32]) {
        let k = out.len();
        let filled = out.iter().filter(|&&v| v != EMPTY_SLOT).count();
        if filled == k || filled == 0 {
            return;
        }
        let Some(table) = &self.probes else {
            let orig = out.to_vec();
            for i in 0..k {
                if orig[i] == EMPTY_SLOT {
                    out[i] = orig[self.probe_donor(i, &|j| orig[j] != EMPTY_SLOT)];
                }
            }
            return;
        };
        // Table sizes are ≤ PROBE_TABLE_MAX_K, so the copies fit on the stack.
        let mut orig_buf = [0u32; PROBE_TABLE_MAX_K];
        let orig = &mut orig_buf[..k];
        orig.copy_from_slice(out);
        let orig = &*orig;
        if filled == 1 {
            let v = *orig.iter().find(|&&v| v != EMPTY_SLOT).expect("one filled");
            out.fill(v);
            return;
        }
        // Empty bins as a bitmap, visited by popping bits: a per-bin
        // "is it empty?" branch would mispredict about half the time.
        let mut empty_buf = [0u64; PROBE_TABLE_MAX_K / 64];
        let empty = &mut empty_buf[..k.div_ceil(64)];
        for (w, chunk) in empty.iter_mut().zip(orig.chunks(64)) {
            *w = chunk
                .iter()
                .enumerate()
                .fold(0u64, |acc, (b, &v)| acc | ((v == EMPTY_SLOT) as u64) << b);
        }
        let empty_bins = empty.iter().enumerate().flat_map(|(wi, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    wi * 64 + b
                })
            })
        });
        if filled * SPARSE_RATIO < k {
            // Very sparse: the donor is the filled bin of least rank; m lookups per empty bin.
            let mut donors_buf = [0u16; PROBE_TABLE_MAX_K];
            let mut m = 0;
            for (j, &v) in orig.iter().enumerate() {
                donors_buf[m] = j as u16;
                m += (v != EMPTY_SLOT) as usize;
            }
            let donors = &donors_buf[..m];
            for i in empty_bins {
                let rank = &table.rank[i * k..(i + 1) * k];
                let best = donors
                    .iter()
                    .map(|&j| (rank[j as usize], j))
                    .min()
                    .expect("donors")
                    .1;
                out[i] = orig[best as usize];
            }
        } else if !table.rank8.is_empty() {
            // k ≤ 256: the donor's rank is the least rank among filled bins, a
            // branch-free byte-wise SIMD min (pminub) over bin i's rank row;
            // empty bins are masked to 0xFF so they never win.
            let mut mask_buf = [0u8; 256];
            let mask = &mut mask_buf[..k];
            for (m, &v) in mask.iter_mut().zip(orig) {
                *m = if v == EMPTY_SLOT { u8::MAX } else { 0 };
            }
            let mask = &*mask;
            for i in empty_bins {
                let rank = &table.rank8[i * k..(i + 1) * k];
                let best = rank
                    .iter()
                    .zip(mask)
                    .map(|(&r, &m)| r | m)
                    .fold(u8::MAX, u8::min);
                out[i] = orig[table.order[i * k + best as usize] as usize];
            }
        } else {
            for i in empty_bins {
                // The order is a permutation of all bins, so a filled one is found.
                out[i] = table.order[i * k..(i + 1) * k]
                    .iter()
                    .map(|&j| orig[j as usize])
                    .find(|&v| v != EMPTY_SLOT)
                    .expect("a filled bin");
            }
        }
    }

    /// Donor of empty bin `i` by hashing probes one at a time (the definition; used when k is too large to cache).
    fn probe_donor(&self, i: usize, is_filled: &dyn Fn(usize) -> bool) -> usize {
        let k = self.num_perm;
        let mut attempt: u64 = 1;
        loop {
            let j = probe(self.dens_key, i, attempt, k);
            if is_filled(j) {
                return j;
            }
            attempt += 1;
        }
    }
}

/// Target of the `attempt`-th densification probe of bin `i` (attempts count from 1).
#[inline]
fn probe(dens_key: u64, i: usize, attempt: u64, k: usize) -> usize {
    fast_range(
        mix64((dens_key ^ ((i as u64) << 32)).wrapping_add(attempt)) >> 32,
        k,
    )
}

impl ProbeTable {
    /// Follows every bin's probe sequence until it has reached all k bins (≈ k ln k probes per bin).
    fn new(k: usize, dens_key: u64) -> Self {
        const UNSEEN: u16 = u16::MAX;
        let mut order = Vec::with_capacity(k * k);
        let mut rank = vec![UNSEEN; k * k];
        for i in 0..k {
            let row = &mut rank[i * k..(i + 1) * k];
            let mut seen = 0usize;
            let mut attempt: u64 = 1;
            while seen < k {
                let j = probe(dens_key, i, attempt, k);
                if row[j] == UNSEEN {
                    row[j] = seen as u16;
                    order.push(j as u16);
                    seen += 1;
                }
                attempt += 1;
            }
        }
        let rank8 = if k <= 256 {
            rank.iter().map(|&r| r as u8).collect()
        } else {
            Vec::new()
        };
        ProbeTable { order, rank, rank8 }
    }
}

/// Largest `num_perm` whose round keys live in a stack array (2 KiB).
const SMALL_K: usize = 256;

/// Final signature from round keys: the low 32 bits, clamped so that
/// `EMPTY_SLOT` only ever means "empty set".
fn write_keys(keys: &[u64], out: &mut [u32]) {
    for (o, &key) in out.iter_mut().zip(keys) {
        *o = (key as u32).min(EMPTY_SLOT - 1);
    }
}

/// Classic MinHash kernel. The slot loop is innermost and has a run-time
/// length, so it stays a loop that LLVM vectorises across slots (u64 multiply
/// → pmuludq triples, u32 min → pminud). A fixed-size inner array would be
/// fully unrolled, making the *shingle* loop innermost, and LLVM would then
/// vectorise across shingles with horizontal reductions (measured 3× slower).
#[inline(always)]
fn classic_kernel(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    out.fill(u32::MAX);
    let k = out.len();
    let (a, b) = (&a[..k], &b[..k]);
    for &h in shingles {
        for ((m, &ai), &bi) in out.iter_mut().zip(a).zip(b) {
            let v = (ai.wrapping_mul(h).wrapping_add(bi) >> 32) as u32;
            *m = (*m).min(v);
        }
    }
}

/// AVX2 build of [`classic_kernel`] (3× the SSE2 baseline), selected at run time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn classic_avx2(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    classic_kernel(a, b, shingles, out)
}

/// AVX-512 build of [`classic_kernel`] (native 64-bit multiply `vpmullq`, 2× AVX2), selected at run time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
unsafe fn classic_avx512(a: &[u64], b: &[u64], shingles: &[u64], out: &mut [u32]) {
    classic_kernel(a, b, shingles, out)
}

/// Fraction of equal slots: the MinHash estimate of Jaccard similarity.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f32 {
    debug_assert_eq!(a.len(), b.len(), "signatures of different length");
    let k = a.len().min(b.len());
    if k == 0 {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f32 / k as f32
}

/// Size of the intersection of two sorted, deduplicated sets (linear merge).
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Exact Jaccard of two sorted, deduplicated hash sets (two empty sets → 1.0, as their signatures are equal).
pub fn exact_jaccard(a: &[u64], b: &[u64]) -> f32 {
    jaccard_of_sizes(intersection_size(a, b), a.len(), b.len())
}

/// Jaccard of two sets from the size of their intersection and their own sizes (two empty sets → 1.0).
pub fn jaccard_of_sizes(shared: usize, len_a: usize, len_b: usize) -> f32 {
    if len_a == 0 && len_b == 0 {
        return 1.0;
    }
    shared as f32 / (len_a + len_b - shared) as f32
}

/// Exact containment |A∩B| / min(|A|,|B|) of two sorted, deduplicated sets (both empty → 1.0, one empty → 0.0).
pub fn exact_containment(a: &[u64], b: &[u64]) -> f32 {
    containment_of_sizes(intersection_size(a, b), a.len(), b.len())
}

/// Containment |A∩B| / min(|A|,|B|) from the three sizes (both empty → 1.0, one empty → 0.0).
pub fn containment_of_sizes(shared: usize, len_a: usize, len_b: usize) -> f32 {
    match (len_a == 0, len_b == 0) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        _ => shared as f32 / len_a.min(len_b) as f32,
    }
}

/// Containment estimated from two MinHash signatures and the two set sizes (via |A∩B| = J(|A|+|B|)/(1+J)), clamped to [0, 1].
pub fn estimate_containment(a: &[u32], b: &[u32], len_a: usize, len_b: usize) -> f32 {
    match (len_a == 0, len_b == 0) {
        (true, true) => return 1.0,
        (true, false) | (false, true) => return 0.0,
        _ => {}
    }
    let j = estimate_jaccard(a, b) as f64;
    let inter = j * (len_a + len_b) as f64 / (1.0 + j);
    (inter / len_a.min(len_b) as f64).clamp(0.0, 1.0) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random set stream for tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            splitmix64(&mut self.0)
        }
    }

    /// Two sorted sets with |A∩B| = common, |A∖B| = only_a, |B∖A| = only_b.
    fn pair(rng: &mut Rng, common: usize, only_a: usize, only_b: usize) -> (Vec<u64>, Vec<u64>) {
        let c: Vec<u64> = (0..common).map(|_| rng.next()).collect();
        let mut a = c.clone();
        let mut b = c;
        a.extend((0..only_a).map(|_| rng.next()));
        b.extend((0..only_b).map(|_| rng.next()));
        a.sort_unstable();
        b.sort_unstable();
        (a, b)
    }

    const ALGOS: [Algorithm; 3] = [
        Algorithm::Classic,
        Algorithm::OnePermutation,
        Algorithm::FastSketch,
    ];

    #[test]
    fn estimate_within_expected_error() {
        let mut rng = Rng(7);
        for algo in ALGOS {
            for k in [64, 128, 256] {
                let mh = MinHasher::with_algorithm(k, 42, algo);
                for &(common, oa, ob) in &[
                    (300, 100, 100),
                    (400, 20, 30),
                    (100, 100, 100),
                    (50, 300, 10),
                    (900, 50, 50),
                    (30, 5, 5),
                ] {
                    for _ in 0..5 {
                        let (a, b) = pair(&mut rng, common, oa, ob);
                        let j = exact_jaccard(&a, &b) as f64;
                        let est = estimate_jaccard(&mh.signature(&a), &mh.signature(&b)) as f64;
                        let tol = 4.0 * (j * (1.0 - j) / k as f64).sqrt() + 0.02;
                        assert!(
                            (est - j).abs() <= tol,
                            "{algo:?} k={k} J={j:.3} est={est:.3} tol={tol:.3}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn identical_and_disjoint() {
        let mut rng = Rng(11);
        for algo in ALGOS {
            let mh = MinHasher::with_algorithm(128, DEFAULT_SEED, algo);
            let (a, b) = pair(&mut rng, 0, 400, 400);
            assert_eq!(estimate_jaccard(&mh.signature(&a), &mh.signature(&a)), 1.0);
            assert!(estimate_jaccard(&mh.signature(&a), &mh.signature(&b)) < 0.03);
            // Tiny sets exercise densification heavily.
            let (a, b) = pair(&mut rng, 0, 3, 3);
            assert!(estimate_jaccard(&mh.signature(&a), &mh.signature(&b)) < 0.03);
            assert_eq!(estimate_jaccard(&mh.signature(&a), &mh.signature(&a)), 1.0);
        }
    }

    #[test]
    fn empty_set_is_all_max() {
        for algo in ALGOS {
            let mh = MinHasher::with_algorithm(100, 1, algo);
            assert!(mh.signature(&[]).iter().all(|&v| v == u32::MAX));
        }
    }

    #[test]
    fn every_slot_filled_for_tiny_sets() {
        for algo in ALGOS {
            let mh = MinHasher::with_algorithm(128, 3, algo);
            let sig = mh.signature(&[5, 17]);
            assert!(sig.iter().all(|&v| v != EMPTY_SLOT), "{algo:?}");
            if algo == Algorithm::OnePermutation {
                // Densification only copies: two shingles give at most two values.
                let mut d = sig.clone();
                d.sort_unstable();
                d.dedup();
                assert!(d.len() <= 2);
            }
        }
        // Large k: heap paths of densification (no probe table) and of the rounds.
        for algo in [Algorithm::OnePermutation, Algorithm::FastSketch] {
            let mh = MinHasher::with_algorithm(2000, 3, algo);
            assert!(mh.signature(&[1, 2, 3]).iter().all(|&v| v != EMPTY_SLOT));
        }
    }

    #[test]
    fn probe_table_matches_hashed_probes() {
        let mut rng = Rng(21);
        for k in [16, 100, 128, 300] {
            let fast = MinHasher::with_algorithm(k, 77, Algorithm::OnePermutation);
            let mut slow = fast.clone();
            slow.probes = None;
            for n in [1, 2, 3, 5, 10, 30, 64, 200, 600] {
                let set: Vec<u64> = (0..n).map(|_| rng.next()).collect();
                assert_eq!(fast.signature(&set), slow.signature(&set), "k={k} n={n}");
            }
        }
    }

    #[test]
    fn duplicates_and_order_do_not_matter() {
        let mut rng = Rng(4);
        let set: Vec<u64> = (0..300).map(|_| rng.next()).collect();
        let mut shuffled: Vec<u64> = set.iter().rev().copied().collect();
        shuffled.extend_from_slice(&set[..50]);
        for algo in ALGOS {
            let mh = MinHasher::with_algorithm(64, 8, algo);
            assert_eq!(mh.signature(&set), mh.signature(&shuffled), "{algo:?}");
        }
    }

    #[test]
    fn deterministic_and_pinned() {
        let set: Vec<u64> = (0..400u64).map(|i| mix64(i + 1)).collect();
        for algo in ALGOS {
            let s1 = MinHasher::with_algorithm(128, DEFAULT_SEED, algo).signature(&set);
            let s2 = MinHasher::with_algorithm(128, DEFAULT_SEED, algo).signature(&set);
            assert_eq!(s1, s2);
            let other = MinHasher::with_algorithm(128, DEFAULT_SEED + 1, algo).signature(&set);
            assert_ne!(s1, other);
        }
        // Pinned values: a change of algorithm, seed stream or hash is noticed here.
        let first =
            |algo| MinHasher::with_algorithm(128, DEFAULT_SEED, algo).signature(&set)[..4].to_vec();
        assert_eq!(first(Algorithm::Classic), PINNED_CLASSIC);
        assert_eq!(first(Algorithm::OnePermutation), PINNED_OPH);
        assert_eq!(first(Algorithm::FastSketch), PINNED_FAST);
        assert_eq!(
            MinHasher::new(128, DEFAULT_SEED).signature(&set)[..4],
            PINNED_FAST
        );
    }

    const PINNED_CLASSIC: [u32; 4] = [3040852, 11310139, 5540265, 5068218];
    const PINNED_OPH: [u32; 4] = [288028909, 69540238, 1394712348, 644668280];
    const PINNED_FAST: [u32; 4] = [12136603, 35057442, 80082735, 103920332];

    #[test]
    fn simd_builds_match_portable_kernel() {
        let mh = MinHasher::with_algorithm(133, 9, Algorithm::Classic); // odd length: vector tails
        let set: Vec<u64> = (0..257u64).map(mix64).collect();
        let mut portable = vec![0u32; 133];
        classic_kernel(&mh.a, &mh.b, &set, &mut portable);
        let scalar: Vec<u32> = (0..133)
            .map(|i| {
                set.iter()
                    .map(|&h| (mh.a[i].wrapping_mul(h).wrapping_add(mh.b[i]) >> 32) as u32)
                    .min()
                    .unwrap()
            })
            .collect();
        assert_eq!(portable, scalar);
        assert_eq!(mh.signature(&set), portable);
        #[cfg(target_arch = "x86_64")]
        {
            let mut simd = vec![0u32; 133];
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: AVX2 is available, checked just above.
                unsafe { classic_avx2(&mh.a, &mh.b, &set, &mut simd) };
                assert_eq!(simd, portable);
            }
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                simd.fill(0);
                // SAFETY: the AVX-512 features are available, checked just above.
                unsafe { classic_avx512(&mh.a, &mh.b, &set, &mut simd) };
                assert_eq!(simd, portable);
            }
        }
    }

    #[test]
    fn exact_measures() {
        let a = [1u64, 2, 3, 4];
        let b = [3u64, 4, 5];
        assert!((exact_jaccard(&a, &b) - 2.0 / 5.0).abs() < 1e-6);
        assert!((exact_containment(&a, &b) - 2.0 / 3.0).abs() < 1e-6);
        assert_eq!(exact_jaccard(&[], &[]), 1.0);
        assert_eq!(exact_jaccard(&a, &[]), 0.0);
        assert_eq!(exact_containment(&a, &[]), 0.0);
        assert_eq!(exact_containment(&a, &a), 1.0);
    }

    #[test]
    fn containment_estimate() {
        let mut rng = Rng(5);
        // B ⊂ A with |B| = 100, |A| = 400: containment 1, Jaccard 0.25.
        let (a, b) = pair(&mut rng, 100, 300, 0);
        let mh = MinHasher::new(256, DEFAULT_SEED);
        let c = estimate_containment(&mh.signature(&a), &mh.signature(&b), a.len(), b.len());
        assert!(c > 0.8, "containment {c}");
        assert_eq!(exact_containment(&a, &b), 1.0);
        assert_eq!(estimate_containment(&[], &[], 0, 0), 1.0);
        assert_eq!(estimate_containment(&[1], &[1], 0, 5), 0.0);
    }
}
