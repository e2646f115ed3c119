//! Dedup: exact groups, LSH candidates, verification, union-find clusters and representatives.
//!
//! Exact duplicates (same `exact_hash`) are grouped first; only the first
//! member of each exact group enters LSH. Candidate pairs from the banded
//! signatures are accepted when their estimated (or, with `--verify exact`,
//! true) Jaccard reaches the threshold, or when one document is contained in
//! the other above `--containment`. Union-find over exact links and accepted
//! pairs gives clusters; each keeps one representative by a deterministic policy.

use crate::lsh::{candidate_pairs, recall_banding, Banding};
use crate::minhash::{
    containment_of_sizes, estimate_containment, estimate_jaccard, jaccard_of_sizes,
};
use crate::setstore::SetStore;
use crate::shingle::DistinctSet;
use crate::unionfind::UnionFind;
use rayon::prelude::*;

/// Which member of a cluster is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeepPolicy {
    /// Longest content; ties go to the earlier document.
    Longest,
    /// Earliest in input order.
    First,
    /// Latest `date` field (ISO dates sort right); ties go to the earlier document.
    Newest,
}

/// Probability with which a pair exactly at the threshold must become an LSH candidate.
pub const CANDIDATE_RECALL: f64 = 0.995;

/// Smallest share of an article a partial repost is expected to keep (for `--containment`).
pub const PARTIAL_REPOST_SHARE: f64 = 0.6;

/// How candidate pairs are verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verify {
    /// Signature agreement (estimated Jaccard) only.
    Estimate,
    /// Estimate, and the true Jaccard for pairs within three standard errors of the threshold.
    Auto,
    /// True Jaccard of the shingle sets, removing the estimate's false positives.
    Exact,
}

/// Near-duplicate parameters.
#[derive(Clone, Debug, serde::Serialize)]
pub struct DedupParams {
    /// Jaccard similarity at which two documents are near duplicates.
    pub threshold: f64,
    /// MinHash slots per signature.
    pub num_perm: usize,
    /// Word n-gram size.
    pub ngram: usize,
    /// Character n-gram size for unspaced scripts.
    pub char_ngram: usize,
    /// Banding override (`--bands`/`--rows`); None derives it from the threshold.
    pub banding: Option<(usize, usize)>,
    /// Candidate verification.
    pub verify: Verify,
    /// Containment at which a document joins the one it is contained in (0 disables).
    pub containment: f64,
    /// Representative policy.
    pub keep: KeepPolicy,
    /// Seed of the MinHash permutations.
    pub seed: u64,
}

impl Default for DedupParams {
    fn default() -> Self {
        DedupParams {
            threshold: 0.8,
            num_perm: 128,
            ngram: 5,
            char_ngram: 5,
            banding: None,
            verify: Verify::Auto,
            containment: 0.0,
            keep: KeepPolicy::Longest,
            seed: 0x5eed_c4af,
        }
    }
}

impl DedupParams {
    /// The banding in force: the override, or the recall-first banding for the threshold.
    pub fn banding(&self) -> Banding {
        match self.banding {
            Some((bands, rows)) => Banding { bands, rows },
            None => recall_banding(self.threshold, self.num_perm, CANDIDATE_RECALL),
        }
    }

    /// Extra banding that finds partial reposts: a copy keeping a share `f` of the
    /// article ([`PARTIAL_REPOST_SHARE`]) and contained at `c` has Jaccard
    /// `c·f / (1 + f − c·f)` with it (0.51 for c = 0.9, f = 0.6), far below the threshold.
    pub fn containment_banding(&self) -> Option<Banding> {
        (self.containment > 0.0).then(|| {
            let (c, f) = (self.containment, PARTIAL_REPOST_SHARE);
            let j = c * f / (1.0 + f - c * f);
            recall_banding(j, self.num_perm, CANDIDATE_RECALL)
        })
    }
}

/// Per-document inputs of the dedup stage.
pub struct DedupInput<'a> {
    /// xxh3 of the normalised text; 0 when the document has no text.
    pub exact_hash: &'a [u64],
    /// Row-major signatures, `num_perm` per document.
    pub signatures: &'a [u32],
    /// Whether the document has content to compare (others are never paired).
    pub has_content: &'a [bool],
    /// Distinct shingles per document (for containment estimates).
    pub shingle_counts: &'a [u32],
    /// Content length, for `--keep longest`.
    pub content_chars: &'a [u64],
    /// Date field, for `--keep newest` (may be shorter than the input: a missing entry is no date).
    pub dates: &'a [Option<&'a str>],
}

/// Why two documents were linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// Same normalised text.
    Exact,
    /// Jaccard at or above the threshold.
    Near,
    /// One is contained in the other above `--containment`.
    Contained,
}

impl Relation {
    /// Stable name used in tables.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::Near => "near",
            Relation::Contained => "contained",
        }
    }
}

/// An accepted link between two documents (a < b).
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Earlier document.
    pub a: u32,
    /// Later document.
    pub b: u32,
    /// Estimated Jaccard from the signatures.
    pub estimated: f32,
    /// True Jaccard, when verified exactly.
    pub exact: Option<f32>,
    /// Containment of the smaller set in the larger (estimated, or exact when verified).
    pub containment: f32,
    /// Why they were linked.
    pub relation: Relation,
}

/// A cluster of two or more documents.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// The kept document.
    pub representative: u32,
    /// All members in input order (representative included).
    pub members: Vec<u32>,
    /// Lowest estimated similarity of a member to the representative.
    pub min_similarity: f32,
    /// Mean estimated similarity of the other members to the representative.
    pub mean_similarity: f32,
    /// True when every member has the same normalised text.
    pub all_exact: bool,
}

/// The dedup verdict for every document.
pub struct DedupResult {
    /// Representative of each document's cluster (itself when it has no duplicate).
    pub representative: Vec<u32>,
    /// First document with the same exact hash (itself when none).
    pub exact_first: Vec<u32>,
    /// Estimated similarity to the representative (1 for the representative itself).
    pub similarity: Vec<f32>,
    /// Accepted pairs, sorted.
    pub pairs: Vec<Pair>,
    /// Clusters of two or more, ordered by representative.
    pub clusters: Vec<Cluster>,
    /// LSH candidate pairs examined.
    pub candidates: usize,
    /// Documents whose shingle sets were recomputed for exact verification.
    pub exact_checked: usize,
    /// Banding used.
    pub banding: Banding,
}

/// First index of each exact-hash group, for every document (itself when unique or without text).
pub fn exact_groups(exact_hash: &[u64]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..exact_hash.len() as u32)
        .filter(|&i| exact_hash[i as usize] != 0)
        .collect();
    order.par_sort_unstable_by_key(|&i| (exact_hash[i as usize], i));
    let mut first: Vec<u32> = (0..exact_hash.len() as u32).collect();
    let mut start = 0;
    while start < order.len() {
        let h = exact_hash[order[start] as usize];
        let mut end = start + 1;
        while end < order.len() && exact_hash[order[end] as usize] == h {
            end += 1;
        }
        for &i in &order[start..end] {
            first[i as usize] = order[start];
        }
        start = end;
    }
    first
}

/// How far from a threshold an estimate must be to be trusted without the true
/// Jaccard: three standard errors of a `k`-slot MinHash estimate at the threshold.
pub fn verify_margin(threshold: f64, k: usize) -> f32 {
    (3.0 * (threshold * (1.0 - threshold) / k as f64).sqrt()).max(0.02) as f32
}

/// Sorted shingle sets of the given documents, computed on demand (a re-read of the input).
pub type SetFetcher<'a> = dyn Fn(&[u32]) -> anyhow::Result<SetStore> + Sync + 'a;

/// Per-thread reader of the two sets of each verified pair. Candidates come sorted by
/// their first document, so that set is loaded into a [`DistinctSet`] once for all its
/// pairs, and each second set is only read and probed against it: sorting both sets
/// (spilled sets are unsorted streams) and merging them cost ~3x as much.
#[derive(Default)]
struct SetReader {
    bytes: Vec<u8>,
    a_doc: Option<u32>,
    a_found: bool,
    a: DistinctSet,
    b: Vec<u64>,
}

impl SetReader {
    /// The intersection size and the two set sizes of a pair, or None when either set
    /// was not stored. `sizes` are the documents' distinct shingle counts.
    fn pair_sizes(
        &mut self,
        sets: &SetStore,
        sizes: &[u32],
        a: u32,
        b: u32,
    ) -> std::io::Result<Option<(usize, usize, usize)>> {
        if self.a_doc != Some(a) {
            self.a_found = sets.read_members(a, &mut self.bytes, &mut self.b)?;
            self.a.fill(&self.b);
            self.a_doc = Some(a);
        }
        if !(self.a_found && sets.read_members(b, &mut self.bytes, &mut self.b)?) {
            return Ok(None);
        }
        let (len_a, len_b) = (self.a.len(), sizes[b as usize] as usize);
        let shared = self.a.shared_with(&self.b);
        debug_assert_eq!(len_a, sizes[a as usize] as usize, "set size of {a}");
        debug_assert_eq!(
            (shared, len_b),
            {
                let (mut sa, mut sb) = (self.a.values(), self.b.clone());
                crate::shingle::stream_to_set(&mut sa);
                crate::shingle::stream_to_set(&mut sb);
                (crate::minhash::intersection_size(&sa, &sb), sb.len())
            },
            "pair {a} {b}"
        );
        Ok(Some((shared, len_a, len_b)))
    }
}

/// Runs the whole dedup stage.
pub fn deduplicate(
    input: &DedupInput,
    params: &DedupParams,
    fetch_sets: &SetFetcher,
) -> anyhow::Result<DedupResult> {
    let n = input.exact_hash.len();
    let k = params.num_perm;
    let sig = |i: u32| &input.signatures[i as usize * k..(i as usize + 1) * k];
    let exact_first = exact_groups(input.exact_hash);
    let active: Vec<bool> = (0..n)
        .map(|i| input.has_content[i] && exact_first[i] as usize == i)
        .collect();
    let banding = params.banding();
    let mut candidates = candidate_pairs(input.signatures, k, banding, &active);
    if let Some(wide) = params.containment_banding() {
        candidates.extend(candidate_pairs(input.signatures, k, wide, &active));
        candidates.sort_unstable();
        candidates.dedup();
    }
    let threshold = params.threshold as f32;
    let containment_min = params.containment as f32;
    let margin = verify_margin(params.threshold, k);
    let estimates: Vec<(f32, f32)> = candidates
        .par_iter()
        .map(|&(a, b)| {
            (
                estimate_jaccard(sig(a), sig(b)),
                estimate_containment(
                    sig(a),
                    sig(b),
                    input.shingle_counts[a as usize] as usize,
                    input.shingle_counts[b as usize] as usize,
                ),
            )
        })
        .collect();
    // Which candidates get their true Jaccard: all (exact), none (estimate), or those
    // whose estimate is too close to a threshold to trust (auto).
    let borderline = |est: f32, threshold: f32| (est - threshold).abs() <= margin;
    let needs_exact: Vec<bool> = estimates
        .iter()
        .map(|&(j, c)| match params.verify {
            Verify::Estimate => false,
            Verify::Exact => true,
            Verify::Auto => {
                borderline(j, threshold)
                    || (containment_min > 0.0 && borderline(c, containment_min))
            }
        })
        .collect();
    let mut wanted: Vec<u32> = candidates
        .iter()
        .zip(&needs_exact)
        .filter(|(_, &e)| e)
        .flat_map(|(&(a, b), _)| [a, b])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let sets = if wanted.is_empty() {
        SetStore::in_memory()
    } else {
        fetch_sets(&wanted)?
    };
    let verified = !sets.is_empty();
    let judged: Vec<Option<Pair>> = candidates
        .par_iter()
        .zip(estimates.par_iter())
        .zip(needs_exact.par_iter())
        .map_init(
            SetReader::default,
            |reader, ((&(a, b), &(estimated, est_containment)), &exact_needed)| {
                let (exact, containment) = match exact_needed {
                    true => match reader.pair_sizes(&sets, input.shingle_counts, a, b)? {
                        Some((shared, len_a, len_b)) => (
                            Some(jaccard_of_sizes(shared, len_a, len_b)),
                            containment_of_sizes(shared, len_a, len_b),
                        ),
                        None => (None, est_containment),
                    },
                    false => (None, est_containment),
                };
                let relation = if exact.unwrap_or(estimated) >= threshold {
                    Relation::Near
                } else if containment_min > 0.0 && containment >= containment_min {
                    Relation::Contained
                } else {
                    return Ok(None);
                };
                Ok(Some(Pair {
                    a,
                    b,
                    estimated,
                    exact,
                    containment,
                    relation,
                }))
            },
        )
        .collect::<std::io::Result<_>>()
        .map_err(|e| anyhow::anyhow!("reading back verification sets: {e}"))?;
    sets.release();
    let mut pairs: Vec<Pair> = judged.into_iter().flatten().collect();
    let mut uf = UnionFind::new(n);
    for (i, &f) in exact_first.iter().enumerate() {
        if f as usize != i {
            uf.union(i as u32, f);
            pairs.push(Pair {
                a: f,
                b: i as u32,
                estimated: 1.0,
                exact: verified.then_some(1.0),
                containment: 1.0,
                relation: Relation::Exact,
            });
        }
    }
    for p in &pairs {
        uf.union(p.a, p.b);
    }
    pairs.sort_by_key(|p| (p.a, p.b));
    let labels = uf.labels();

    // Members of each component, in input order (labels are the smallest member index).
    let mut members_of: Vec<Vec<u32>> = Vec::new();
    let mut slot = vec![u32::MAX; n];
    for (i, &l) in labels.iter().enumerate() {
        if l as usize == i {
            continue;
        }
        let s = &mut slot[l as usize];
        if *s == u32::MAX {
            *s = members_of.len() as u32;
            members_of.push(vec![l]);
        }
        members_of[*s as usize].push(i as u32);
    }

    let mut representative: Vec<u32> = (0..n as u32).collect();
    let mut similarity = vec![1.0f32; n];
    let clusters: Vec<Cluster> = members_of
        .into_par_iter()
        .map(|mut members| {
            members.sort_unstable();
            let rep = choose_representative(&members, input, params.keep);
            let sims: Vec<f32> = members
                .iter()
                .map(|&m| {
                    if m == rep || input.exact_hash[m as usize] == input.exact_hash[rep as usize] {
                        1.0
                    } else {
                        estimate_jaccard(sig(m), sig(rep))
                    }
                })
                .collect();
            let others: Vec<f32> = members
                .iter()
                .zip(&sims)
                .filter(|(&m, _)| m != rep)
                .map(|(_, &s)| s)
                .collect();
            let all_exact = members
                .iter()
                .all(|&m| input.exact_hash[m as usize] == input.exact_hash[members[0] as usize]);
            Cluster {
                representative: rep,
                min_similarity: others.iter().copied().fold(1.0, f32::min),
                mean_similarity: others.iter().sum::<f32>() / others.len().max(1) as f32,
                members,
                all_exact,
            }
        })
        .collect();
    for c in &clusters {
        for &m in &c.members {
            representative[m as usize] = c.representative;
            if m != c.representative {
                similarity[m as usize] = if input.exact_hash[m as usize]
                    == input.exact_hash[c.representative as usize]
                {
                    1.0
                } else {
                    estimate_jaccard(sig(m), sig(c.representative))
                };
            }
        }
    }
    let mut clusters = clusters;
    clusters.sort_by_key(|c| c.members[0]);
    Ok(DedupResult {
        representative,
        exact_first,
        similarity,
        pairs,
        clusters,
        candidates: candidates.len(),
        exact_checked: wanted.len(),
        banding,
    })
}

fn choose_representative(members: &[u32], input: &DedupInput, keep: KeepPolicy) -> u32 {
    match keep {
        KeepPolicy::First => members[0],
        KeepPolicy::Longest => *members
            .iter()
            .max_by(|&&a, &&b| {
                input.content_chars[a as usize]
                    .cmp(&input.content_chars[b as usize])
                    .then(b.cmp(&a))
            })
            .expect("cluster has members"),
        KeepPolicy::Newest => *members
            .iter()
            .max_by(|&&a, &&b| {
                let date = |i: u32| input.dates.get(i as usize).copied().flatten();
                date(a).cmp(&date(b)).then(b.cmp(&a))
            })
            .expect("cluster has members"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::MinHasher;

    /// The distinct set counts shared values and distinct sizes as sorting and merging
    /// do, with repeats, the value 0, one table probed by many sets, and crafted hashes
    /// that crowd one region of the table.
    #[test]
    fn distinct_set_agrees_with_sorted_intersection() {
        let mut next = crate::testutil::xorshift(0x9E37_79B9_7F4A_7C15u64);
        let sorted = |v: &[u64]| {
            let mut v = v.to_vec();
            crate::shingle::stream_to_set(&mut v);
            v
        };
        let mut table = DistinctSet::default();
        for round in 0..200 {
            let pool: Vec<u64> = (0..40)
                .map(|i| match (round % 4, i) {
                    (_, 0) => 0,
                    (3, _) => i << 40,
                    _ => next(),
                })
                .collect();
            let pick = |next: &mut dyn FnMut() -> u64, n: u64| -> Vec<u64> {
                (0..n)
                    .map(|_| pool[(next() % pool.len() as u64) as usize])
                    .collect()
            };
            let len = next() % 60;
            let a = pick(&mut next, len);
            table.fill(&a);
            let set_a = sorted(&a);
            assert_eq!(table.len(), set_a.len());
            let mut members = table.values();
            members.sort_unstable();
            assert_eq!(members, set_a);
            for _ in 0..3 {
                let len = next() % 60;
                let b = pick(&mut next, len);
                let expected = crate::minhash::intersection_size(&set_a, &sorted(&b));
                assert_eq!(table.shared_with(&b), expected, "round {round}");
            }
        }
    }

    #[test]
    fn exact_groups_point_at_first() {
        assert_eq!(exact_groups(&[5, 7, 5, 0, 0, 7]), vec![0, 1, 0, 3, 4, 1]);
    }

    fn run(sets: &[Vec<u64>], keep: KeepPolicy) -> DedupResult {
        run_dated(sets, keep, &[])
    }

    fn run_dated(sets: &[Vec<u64>], keep: KeepPolicy, dates: &[Option<&str>]) -> DedupResult {
        let params = DedupParams {
            keep,
            ..DedupParams::default()
        };
        let signer = MinHasher::new(params.num_perm, params.seed);
        let mut sigs = vec![0u32; sets.len() * params.num_perm];
        for (i, s) in sets.iter().enumerate() {
            signer.sign(s, &mut sigs[i * params.num_perm..(i + 1) * params.num_perm]);
        }
        let exact: Vec<u64> = sets
            .iter()
            .map(|s| {
                xxhash_rust::xxh3::xxh3_64(
                    &s.iter().flat_map(|h| h.to_le_bytes()).collect::<Vec<_>>(),
                )
            })
            .collect();
        let counts: Vec<u32> = sets.iter().map(|s| s.len() as u32).collect();
        let chars: Vec<u64> = counts.iter().map(|&c| c as u64).collect();
        let has: Vec<bool> = sets.iter().map(|s| !s.is_empty()).collect();
        let fetch = |docs: &[u32]| -> anyhow::Result<SetStore> {
            let mut store = SetStore::in_memory();
            for &d in docs {
                store.push(d, &sets[d as usize]);
            }
            store.finish();
            Ok(store)
        };
        deduplicate(
            &DedupInput {
                exact_hash: &exact,
                signatures: &sigs,
                has_content: &has,
                shingle_counts: &counts,
                content_chars: &chars,
                dates,
            },
            &params,
            &fetch,
        )
        .unwrap()
    }

    #[test]
    fn newest_keeps_the_latest_date_and_undated_documents_lose() {
        let base: Vec<u64> = (0..400).collect();
        let copies = [base.clone(), base.clone(), base.clone(), base];
        let dates = [
            Some("2024-01-05"),
            Some("2024-03-01"),
            None,
            Some("2024-03-01"),
        ];
        // Ties go to the earlier document.
        assert_eq!(
            run_dated(&copies, KeepPolicy::Newest, &dates).representative,
            vec![1; 4]
        );
        // Dates may be missing altogether (only `--keep newest` collects them): the first wins.
        assert_eq!(
            run_dated(&copies, KeepPolicy::Newest, &[]).representative,
            vec![0; 4]
        );
        assert_eq!(
            run_dated(&copies, KeepPolicy::Newest, &dates[..1]).representative,
            vec![0; 4]
        );
    }

    #[test]
    fn near_and_exact_duplicates_cluster() {
        let base: Vec<u64> = (0..400).collect();
        let mut near = base.clone();
        near[0] = 10_000; // J = 399/401
        let other: Vec<u64> = (5_000..5_400).collect();
        let longer: Vec<u64> = (0..401).collect(); // J = 400/401 with base
        let r = run(
            &[base.clone(), other, near, base.clone(), longer],
            KeepPolicy::Longest,
        );
        assert_eq!(r.exact_first, vec![0, 1, 2, 0, 4]);
        assert_eq!(r.representative, vec![4, 1, 4, 4, 4]);
        assert_eq!(r.clusters.len(), 1);
        assert_eq!(r.clusters[0].members, vec![0, 2, 3, 4]);
        assert!(!r.clusters[0].all_exact);
        let first = run(&[base.clone(), base], KeepPolicy::First);
        assert_eq!(first.representative, vec![0, 0]);
        assert!(first.clusters[0].all_exact);
    }
}
