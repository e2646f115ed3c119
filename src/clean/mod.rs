//! Clean: decides, for every input record, whether it goes into the training set and why
//! not, then (in [`write`]) streams the kept records out with their boilerplate stripped.
//!
//! The decision is a pure function of the analysed [`Corpus`] and a [`Policy`], so `audit`
//! can preview what `clean` would remove without writing anything.

pub mod output;
pub mod write;

use crate::dedup::Relation;
use crate::pipeline::Corpus;
use crate::record::Status;
use crate::repetition::GOPHER_THRESHOLDS;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Default minimum words of content left after boilerplate is stripped.
///
/// 20 words is about two sentences of news prose: below that a "document" is a caption,
/// a headline-only page or a table stub, which trains nothing useful. RefinedWeb and
/// Gopher use 50 for web pages; news corpora have many legitimate short briefs.
pub const DEFAULT_MIN_WORDS: u32 = 20;

/// What `clean` removes; every step can be switched off.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Policy {
    /// Drop exact and near duplicates, keeping each cluster's representative.
    pub drop_duplicates: bool,
    /// Strip boilerplate lines from kept documents.
    pub strip_boilerplate: bool,
    /// Drop documents with fewer content words than this after stripping (0 = off).
    pub min_words: u32,
    /// Drop documents above any Gopher repetition threshold.
    pub gopher_repetition: bool,
    /// Drop documents whose boilerplate share of characters exceeds this (None = off).
    pub max_boilerplate_frac: Option<f64>,
    /// Keep only these language codes (empty = all).
    pub languages: Vec<String>,
    /// Remove 3-line spans already seen in an earlier kept document (C4-style).
    pub repeated_spans: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            drop_duplicates: true,
            strip_boilerplate: true,
            min_words: DEFAULT_MIN_WORDS,
            gopher_repetition: false,
            max_boilerplate_frac: None,
            languages: Vec::new(),
            repeated_spans: false,
        }
    }
}

/// Why a record is not in the cleaned dataset.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The record had no usable text: its load status (`unreadable`, `malformed`, `empty`, ...).
    Status(Status),
    /// Same normalised text as its cluster's representative.
    ExactDuplicate,
    /// Near duplicate of its cluster's representative.
    NearDuplicate,
    /// A partial copy (contained in its representative: `--containment`).
    PartialDuplicate,
    /// Fewer content words than `min_words` after stripping.
    TooShort,
    /// Above a Gopher repetition threshold (metric name).
    Repetition(&'static str),
    /// Boilerplate share above the limit.
    Boilerplate,
    /// Language not in the allow-list.
    Lang,
    /// Nothing new left once spans seen in earlier documents were removed.
    RepeatedSpans,
}

impl Reason {
    /// The `reason` column's value.
    pub fn name(&self) -> String {
        match self {
            Reason::Status(s) => s.name().to_string(),
            Reason::ExactDuplicate => "exact_duplicate".into(),
            Reason::NearDuplicate => "near_duplicate".into(),
            Reason::PartialDuplicate => "partial_duplicate".into(),
            Reason::TooShort => "too_short".into(),
            Reason::Repetition(m) => format!("repetition:{m}"),
            Reason::Boilerplate => "boilerplate".into(),
            Reason::Lang => "lang".into(),
            Reason::RepeatedSpans => "repeated_spans".into(),
        }
    }
}

/// A removal: why, and the value that triggered it.
#[derive(Clone, Debug, PartialEq)]
pub struct Removal {
    /// Why.
    pub reason: Reason,
    /// The number compared with the limit (words, fraction, similarity), when there is one.
    pub value: Option<f64>,
}

/// The verdict on every record, in input order: `None` = kept.
pub fn decide(corpus: &Corpus, policy: &Policy) -> Vec<Option<Removal>> {
    (0..corpus.docs.len())
        .map(|i| decide_one(corpus, policy, i))
        .collect()
}

fn decide_one(corpus: &Corpus, policy: &Policy, i: usize) -> Option<Removal> {
    let doc = &corpus.docs[i];
    let content = &corpus.content[i];
    let removal = |reason, value| Some(Removal { reason, value });
    if doc.status != Status::Ok {
        // Lossily decoded or truncated text is not fit to train on as is.
        return removal(Reason::Status(doc.status), None);
    }
    if policy.drop_duplicates {
        let similarity = Some(corpus.dedup.similarity[i] as f64);
        match corpus.duplicate_kind(i) {
            Some(Relation::Exact) => return removal(Reason::ExactDuplicate, similarity),
            Some(Relation::Near) => return removal(Reason::NearDuplicate, similarity),
            Some(Relation::Contained) => return removal(Reason::PartialDuplicate, similarity),
            None => {}
        }
    }
    let words = if policy.strip_boilerplate {
        content.content_words
    } else {
        content.content_words + content.boilerplate_words
    };
    if words < policy.min_words {
        return removal(Reason::TooShort, Some(words as f64));
    }
    if policy.gopher_repetition {
        let values = doc.repetition().values();
        if let Some(((name, _), v)) = GOPHER_THRESHOLDS
            .iter()
            .zip(values)
            .find(|((_, limit), v)| v > limit)
        {
            return removal(Reason::Repetition(name), Some(v as f64));
        }
    }
    if let Some(limit) = policy.max_boilerplate_frac {
        let total = content.boilerplate_chars + content.content_chars;
        let frac = if total == 0 {
            0.0
        } else {
            content.boilerplate_chars as f64 / total as f64
        };
        if frac > limit {
            return removal(Reason::Boilerplate, Some(frac));
        }
    }
    if !policy.languages.is_empty() && !policy.languages.iter().any(|l| l == content.lang) {
        return removal(Reason::Lang, None);
    }
    None
}

/// Documents and input bytes per removal reason, as `audit` previews and `clean` reports.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Tally {
    /// Minimum content words the preview used.
    pub min_words: u32,
    /// Records kept.
    pub kept_documents: usize,
    /// Input bytes of the kept records.
    pub kept_bytes: u64,
    /// Boilerplate characters stripped from kept records.
    pub stripped_chars: u64,
    /// Removed records and their input bytes, per reason name.
    pub removed: BTreeMap<String, ReasonTally>,
}

/// One reason's share of the removals.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ReasonTally {
    /// Records removed for this reason.
    pub documents: usize,
    /// Their input bytes.
    pub bytes: u64,
}

impl Tally {
    /// Counts the verdicts of [`decide`].
    pub fn of(corpus: &Corpus, policy: &Policy, verdicts: &[Option<Removal>]) -> Tally {
        let mut tally = Tally {
            min_words: policy.min_words,
            ..Tally::default()
        };
        for (i, verdict) in verdicts.iter().enumerate() {
            let bytes = corpus.docs[i].bytes;
            match verdict {
                None => {
                    tally.kept_documents += 1;
                    tally.kept_bytes += bytes;
                    if policy.strip_boilerplate {
                        tally.stripped_chars += corpus.content[i].boilerplate_chars;
                    }
                }
                Some(r) => {
                    let entry = tally.removed.entry(r.reason.name()).or_default();
                    entry.documents += 1;
                    entry.bytes += bytes;
                }
            }
        }
        tally
    }

    /// Records removed, all reasons.
    pub fn removed_documents(&self) -> usize {
        self.removed.values().map(|r| r.documents).sum()
    }
}

/// What `clean` with default settings would remove from an analysed corpus.
pub fn preview(corpus: &Corpus) -> Tally {
    let policy = Policy::default();
    Tally::of(corpus, &policy, &decide(corpus, &policy))
}
