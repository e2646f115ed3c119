//! `summary.json`: the run's machine-readable totals, parameters and timings.

use crate::boilerplate::BoilerplateParams;
use crate::clean::Tally;
use crate::dedup::{DedupParams, Relation};
use crate::pipeline::Corpus;
use crate::record::Status;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Totals of one run; also what `chaff report` re-renders from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// chaff version that wrote this.
    pub chaff_version: String,
    /// Subcommand that produced the directory.
    pub command: String,
    /// Inputs as given.
    pub inputs: Vec<String>,
    /// Input files read.
    pub files: usize,
    /// Bytes of input on disk.
    pub input_bytes: u64,
    /// Records (rows of documents.parquet).
    pub documents: usize,
    /// Records per status name.
    pub by_status: BTreeMap<String, usize>,
    /// Characters of text over all records.
    pub chars: u64,
    /// Documents per language code.
    pub languages: BTreeMap<String, usize>,
    /// Documents that are exact copies of an earlier-kept one (duplicate_kind = exact).
    pub exact_duplicates: usize,
    /// Documents that are near copies of their representative (duplicate_kind = near).
    pub near_duplicates: usize,
    /// Clusters of two or more documents.
    pub clusters: usize,
    /// LSH candidate pairs examined.
    pub candidate_pairs: usize,
    /// Documents whose shingle sets were rebuilt to verify borderline pairs exactly.
    pub exact_checked_docs: usize,
    /// Bands × rows used.
    pub bands: usize,
    /// Rows per band.
    pub rows: usize,
    /// Share of all line characters that is boilerplate.
    pub boilerplate_char_share: f64,
    /// Boilerplate lines removed over the corpus.
    pub boilerplate_lines: u64,
    /// Near-duplicate parameters.
    pub dedup_params: DedupParamsSummary,
    /// Boilerplate thresholds.
    pub boilerplate_params: BoilerplateSummary,
    /// What `chaff clean` with default settings would remove (absent in older summaries).
    #[serde(default)]
    pub clean_preview: Option<Tally>,
    /// Seconds per stage (excluded from determinism comparisons).
    pub timings: BTreeMap<String, f64>,
}

/// Near-duplicate parameters as recorded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct DedupParamsSummary {
    /// Jaccard threshold.
    pub threshold: f64,
    /// MinHash slots.
    pub num_perm: usize,
    /// Word n-gram size.
    pub ngram: usize,
    /// Character n-gram size for unspaced scripts.
    pub char_ngram: usize,
    /// Verification mode.
    pub verify: String,
    /// Containment threshold (0 = off).
    pub containment: f64,
    /// Representative policy.
    pub keep: String,
}

/// Boilerplate thresholds as recorded.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BoilerplateSummary {
    /// Minimum distinct texts a line must recur in.
    pub min_docs: usize,
    /// Word count up to which a line counts as short.
    pub short_words: usize,
    /// Edge share that qualifies a long line.
    pub edge_share: f64,
    /// Most words of a line qualified by its edge position.
    pub edge_max_words: usize,
    /// Digit percentage from which a line is data, not boilerplate.
    pub max_digit_pct: u8,
    /// Distinct texts that qualify a long line anywhere.
    pub long_min_docs: usize,
}

impl Summary {
    /// Totals of an analysed corpus.
    pub fn of(corpus: &Corpus, command: &str, inputs: &[String]) -> Self {
        let mut by_status = BTreeMap::new();
        for s in Status::ALL {
            let n = corpus.docs.iter().filter(|d| d.status == s).count();
            if n > 0 {
                by_status.insert(s.name().to_string(), n);
            }
        }
        let mut languages = BTreeMap::new();
        for (d, c) in corpus.docs.iter().zip(&corpus.content) {
            if d.status.has_text() {
                *languages.entry(c.lang.to_string()).or_insert(0) += 1;
            }
        }
        let dd = &corpus.dedup;
        let kinds: Vec<_> = (0..corpus.docs.len())
            .filter_map(|i| corpus.duplicate_kind(i))
            .collect();
        let exact = kinds.iter().filter(|&&k| k == Relation::Exact).count();
        let near = kinds.len() - exact;
        let bp_chars: u64 = corpus.content.iter().map(|c| c.boilerplate_chars).sum();
        let all_chars: u64 = corpus
            .content
            .iter()
            .map(|c| c.boilerplate_chars + c.content_chars)
            .sum();
        Summary {
            chaff_version: env!("CARGO_PKG_VERSION").to_string(),
            command: command.to_string(),
            inputs: inputs.to_vec(),
            files: corpus.input_files,
            input_bytes: corpus.input_bytes,
            documents: corpus.docs.len(),
            by_status,
            chars: corpus.docs.iter().map(|d| d.chars).sum(),
            languages,
            exact_duplicates: exact,
            near_duplicates: near,
            clusters: dd.clusters.len(),
            candidate_pairs: dd.candidates,
            exact_checked_docs: dd.exact_checked,
            bands: dd.banding.bands,
            rows: dd.banding.rows,
            boilerplate_char_share: if all_chars == 0 {
                0.0
            } else {
                bp_chars as f64 / all_chars as f64
            },
            boilerplate_lines: corpus
                .content
                .iter()
                .map(|c| c.boilerplate_lines as u64)
                .sum(),
            dedup_params: dedup_summary(&corpus.params),
            boilerplate_params: boilerplate_summary(&corpus.boilerplate_params),
            // Only the audit's two-read boilerplate matches what `clean` strips.
            clean_preview: (command == "audit").then(|| crate::clean::preview(corpus)),
            timings: corpus
                .timings
                .iter()
                .map(|(k, v)| (k.to_string(), (v * 1000.0).round() / 1000.0))
                .collect(),
        }
    }
}

fn dedup_summary(p: &DedupParams) -> DedupParamsSummary {
    DedupParamsSummary {
        threshold: p.threshold,
        num_perm: p.num_perm,
        ngram: p.ngram,
        char_ngram: p.char_ngram,
        verify: format!("{:?}", p.verify).to_lowercase(),
        containment: p.containment,
        keep: format!("{:?}", p.keep).to_lowercase(),
    }
}

fn boilerplate_summary(p: &BoilerplateParams) -> BoilerplateSummary {
    BoilerplateSummary {
        min_docs: p.min_docs,
        short_words: p.short_words,
        edge_share: p.edge_share,
        edge_max_words: p.edge_max_words,
        max_digit_pct: p.max_digit_pct,
        long_min_docs: p.long_min_docs,
    }
}
