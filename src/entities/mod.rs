//! Entity extraction for corpus audits: which people, organisations, countries, URLs,
//! e-mail addresses, numbers ... a corpus talks about, without any model.
//!
//! Three sources, all rule- or statistics-based:
//! * [`patterns`]: regexes for URLs, domains, e-mails, phones, IPs, handles, hashtags,
//!   dates, money and percentages;
//! * [`gazetteer`]: a built-in country list (Debian `iso-codes`, see `data/README.md`)
//!   plus an optional user gazetteer, matched with Aho-Corasick on folded text;
//! * names: capitalisation in cased scripts ([`names`]), recurring n-grams in uncased
//!   scripts ([`uncased`]).
//!
//! Per document, [`EntityExtractor::extract`] returns the certain mentions plus compact
//! name candidates (hash + count + flags). The corpus stage ([`CorpusEntities`]) sees
//! every document's candidates, decides which are names and of what kind (a
//! corpus-level decision: see [`CorpusEntities::finish`]), and the resulting
//! [`EntityResolver`] turns each document's candidates into final mentions.

mod gazetteer;
mod names;
mod patterns;
mod uncased;

#[cfg(test)]
mod corpus_tests;

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};
use xxhash_rust::xxh3::xxh3_64_with_seed;

pub use gazetteer::{Gazetteer, Hit, UserEntry};

/// Compiled extractor: regexes, built-in + user gazetteer automaton, stop lists. Build once, share across threads (Send + Sync).
pub struct EntityExtractor {
    patterns: patterns::Patterns,
    gazetteer: Gazetteer,
    names: names::NameRules,
    uncased: uncased::UncasedRules,
}

/// An entity mention count in one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Display form: canonical name for gazetteer hits, the matched text otherwise.
    pub entity: String,
    /// Canonical id when known, e.g. `country:RU`, `org:Acme`, `date:2024-03-12`.
    pub id: Option<String>,
    /// One of `url domain email phone ip handle hashtag date money percent country person org name`, or a user gazetteer kind.
    pub kind: &'static str,
    /// Occurrences in the document.
    pub count: u32,
}

/// One document's entities: known mentions plus compact candidates for the corpus-level stages.
#[derive(Debug, Clone, Default)]
pub struct DocEntities {
    /// Mentions that need no corpus-level decision (patterns and gazetteer hits), sorted.
    pub mentions: Vec<Mention>,
    /// Name candidates and name evidence, sorted by hash; at most [`MAX_CANDIDATES`].
    cands: Vec<Cand>,
    /// Example text of each candidate with `count > 0`, until [`DocEntities::strip_texts`].
    examples: Vec<(u64, Box<str>)>,
}

/// Most name candidates kept per document (the most frequent win, ties by hash).
pub const MAX_CANDIDATES: usize = 1024;

/// A name candidate of one document: 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cand {
    hash: u64,
    count: u16,
    flags: u16,
}

// Candidate flags. Cased and uncased candidates live in different hash spaces (seeds).
/// A capitalised sequence of one token.
const F_SINGLE: u16 = 1;
/// Contains an organisation word (Bank, Ministry ...).
const F_ORG: u16 = 1 << 1;
/// Seen right after a personal title or in a "said NAME" pattern in this document.
const F_PERSON_EV: u16 = 1 << 2;
/// Uncased n-gram (words), `n` in bits 8..11.
const F_UNCASED: u16 = 1 << 3;
/// Uncased unit seen next to a title or a "said" verb.
const F_TRIGGER: u16 = 1 << 4;
/// Uncased unit made of Han characters (character n-gram).
const F_HAN: u16 = 1 << 5;
/// Contains a connector (of, de, the ...).
const F_CONNECTOR: u16 = 1 << 6;
/// Uncased unit written with the article ال on some word in this document.
const F_ARTICLE: u16 = 1 << 7;
/// Uncased unit written without any article in this document.
const F_BARE: u16 = 1 << 12;

/// A name is a person when at least this share of the documents that mention it (or
/// its last word) show a title or "said" cue: one "Lord Liverpool" does not make the
/// football club a person, while "Mr Brown" is the usual form of Gordon Brown.
const PERSON_EV_SHARE: f32 = 0.1;

const SEED_CASED: u64 = 0x6361_7365_6400_0001;
const SEED_UNCASED: u64 = 0x756e_6361_7365_0002;

fn ngram_len(flags: u16) -> usize {
    ((flags >> 8) & 0xf) as usize
}

impl DocEntities {
    /// Drops the candidates' example texts once [`CorpusEntities::observe`] has seen them, leaving 16 bytes per candidate.
    pub fn strip_texts(&mut self) {
        self.examples = Vec::new();
    }

    /// Bytes held by this record (struct, mentions, candidates, examples), for memory reports.
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self
                .mentions
                .iter()
                .map(|m| {
                    std::mem::size_of::<Mention>()
                        + m.entity.capacity()
                        + m.id.as_ref().map_or(0, |s| s.capacity())
                })
                .sum::<usize>()
            + self.cands.capacity() * std::mem::size_of::<Cand>()
            + self
                .examples
                .iter()
                .map(|(_, s)| 24 + s.len())
                .sum::<usize>()
    }

    /// Number of name candidates kept for the corpus stage.
    pub fn candidate_count(&self) -> usize {
        self.cands.len()
    }
}

impl EntityExtractor {
    /// Compiles the patterns and the built-in gazetteer, plus the user's gazetteer (TSV or JSON) when given.
    pub fn new(user_gazetteer: Option<&Path>) -> Result<Self, String> {
        let user = match user_gazetteer {
            Some(p) => Some(gazetteer::UserEntry::load(p)?),
            None => None,
        };
        Ok(Self {
            patterns: patterns::Patterns::new(),
            gazetteer: Gazetteer::new(user.as_deref().unwrap_or(&[]))?,
            names: names::NameRules::new(),
            uncased: uncased::UncasedRules::new(),
        })
    }

    /// Entities of one document's content text (boilerplate already removed); `cased` says whether capitalisation heuristics apply (Latin/Cyrillic/Greek).
    pub fn extract(&self, text: &str, cased: bool) -> DocEntities {
        let mut counts: HashMap<(&'static str, String, Option<String>), u32> = HashMap::new();
        let claimed = self.patterns.extract(text, &mut |kind, value, id| {
            *counts.entry((kind, value, id)).or_insert(0) += 1;
        });
        let folded = fold_for_match(text);
        self.gazetteer.find(text, &folded, &mut |hit| {
            *counts
                .entry((hit.kind, hit.name.to_string(), Some(hit.id.to_string())))
                .or_insert(0) += 1;
        });
        let mut mentions: Vec<Mention> = counts
            .into_iter()
            .map(|((kind, entity, id), count)| Mention {
                entity,
                id,
                kind,
                count,
            })
            .collect();
        sort_mentions(&mut mentions);

        let mut raw: Vec<(u64, u16, u16, Option<Box<str>>)> = Vec::new();
        if cased {
            self.names
                .extract(text, &claimed, &self.gazetteer, &mut |key, count, flags| {
                    let hash = xxh3_64_with_seed(key.as_bytes(), SEED_CASED);
                    let ex = (count > 0).then(|| Box::<str>::from(key));
                    raw.push((hash, count, flags, ex));
                });
        } else {
            self.uncased.extract(
                text,
                &self.gazetteer,
                &mut |hash, key, display, count, flags| {
                    let ex = (count > 0).then(|| format!("{display}\t{key}").into_boxed_str());
                    raw.push((hash, count, flags, ex));
                },
            );
        }
        // Keep the most frequent candidates (ties by hash) so the per-document record stays bounded.
        raw.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        raw.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 = a.1.saturating_add(b.1);
                a.2 |= b.2;
                true
            } else {
                false
            }
        });
        raw.truncate(MAX_CANDIDATES);
        let mut cands = Vec::with_capacity(raw.len());
        let mut examples = Vec::new();
        for (hash, count, flags, ex) in raw {
            cands.push(Cand { hash, count, flags });
            if let Some(ex) = ex {
                examples.push((hash, ex));
            }
        }
        cands.sort_unstable_by_key(|c| c.hash);
        DocEntities {
            mentions,
            cands,
            examples,
        }
    }

    /// The compiled gazetteer (built-in countries + user entries).
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }
}

/// Sorts mentions by count (descending), then kind and display form, for deterministic output.
fn sort_mentions(m: &mut [Mention]) {
    m.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.kind.cmp(b.kind))
            .then_with(|| a.entity.cmp(&b.entity))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// Knobs of the corpus-level name decisions.
#[derive(Debug, Clone)]
pub struct CorpusParams {
    /// A single capitalised word (not sentence-initial) is a name when seen in at least this many documents ...
    pub single_min_df: u32,
    /// ... or at least this many times in the corpus.
    pub single_min_count: u32,
    /// An uncased unit must occur at least this many times in the corpus (repeated lines in one document count once).
    pub uncased_min_count: u32,
    /// Minimum association of an uncased n-gram: count(ngram) / min count(word) (max conditional probability).
    pub uncased_min_assoc: f32,
    /// Han character n-grams must appear in at least this many documents.
    pub han_min_df: u32,
    /// When the candidate table grows past this many entries, entries seen in one document only are dropped.
    pub max_table: usize,
}

impl Default for CorpusParams {
    fn default() -> Self {
        Self {
            single_min_df: 2,
            single_min_count: 3,
            uncased_min_count: 2,
            uncased_min_assoc: 0.5,
            han_min_df: 3,
            max_table: 4_000_000,
        }
    }
}

/// Corpus-wide statistics of one candidate hash: 16 bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Stat {
    df: u32,
    tf: u32,
    /// Documents with person evidence (cased) or trigger evidence (uncased).
    ev: u16,
    /// Uncased: documents where the unit was written with the article ال / without it.
    art: u16,
    bare: u16,
    flags: u16,
}

/// Corpus-level stage: fed every document's DocEntities in input order, decides the statistical uncased names and person/org kinds, then rewrites each doc's final mentions.
pub struct CorpusEntities {
    params: CorpusParams,
    docs: u64,
    table: FastMap<u64, Stat>,
    examples: FastMap<u64, Box<str>>,
    /// Entries with df below this floor were pruned at least once; raised when pruning is not enough.
    prune_floor: u32,
}

impl CorpusEntities {
    /// An empty corpus stage.
    pub fn new(params: CorpusParams) -> Self {
        Self {
            params,
            docs: 0,
            table: FastMap::default(),
            examples: FastMap::default(),
            prune_floor: 2,
        }
    }

    /// Adds one document's candidates and evidence; call in input order for deterministic pruning.
    pub fn observe(&mut self, doc: &DocEntities) {
        self.docs += 1;
        for c in &doc.cands {
            let s = self.table.entry(c.hash).or_default();
            if c.count > 0 {
                s.df += 1;
                s.tf = s.tf.saturating_add(c.count as u32);
            }
            if c.flags & (F_PERSON_EV | F_TRIGGER) != 0 {
                s.ev = s.ev.saturating_add(1);
            }
            if c.flags & F_ARTICLE != 0 {
                s.art = s.art.saturating_add(1);
            }
            if c.flags & F_BARE != 0 {
                s.bare = s.bare.saturating_add(1);
            }
            s.flags |= c.flags;
        }
        for (h, ex) in &doc.examples {
            if !self.examples.contains_key(h) {
                self.examples.insert(*h, ex.clone());
            }
        }
        if self.table.len() > self.params.max_table {
            self.prune();
        }
    }

    /// Drops entries seen in fewer than `prune_floor` documents (and without evidence), raising the floor if that frees too little.
    fn prune(&mut self) {
        loop {
            let floor = self.prune_floor;
            self.table
                .retain(|_, s| s.df >= floor || u32::from(s.ev) >= floor);
            if self.table.len() <= self.params.max_table * 3 / 4 {
                break;
            }
            self.prune_floor += 1;
        }
        let table = &self.table;
        self.examples.retain(|h, _| table.contains_key(h));
    }

    /// Number of documents observed.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Decides names and kinds. Cased: multi-word capitalised sequences are names; single
    /// words need `single_min_df` documents or `single_min_count` occurrences. Kind `org`
    /// when the name contains an organisation word; `person` when the name, or its last
    /// word, was seen after a personal title (Mr, Dr, President, Minister ...) or as
    /// "said First Last" anywhere in the corpus; else `name`. Uncased: n-grams recurring
    /// with high association (see [`uncased`]), fragments of longer units dropped, and
    /// single words kept when they head or end an accepted unit or follow a title/"said".
    pub fn finish(self) -> EntityResolver {
        let mut names: FastMap<u64, Resolved> = FastMap::default();
        // Share of a name's documents that show person evidence; evidence-only entries
        // (a surname always merged into the full name) count as one document.
        let ev_ratio = |s: &Stat| s.ev as f32 / s.df.max(1) as f32;
        let last_ratio = |h: u64| self.table.get(&h).map_or(0.0, ev_ratio);
        // Cased names.
        for (&h, s) in &self.table {
            if s.flags & F_UNCASED != 0 || s.tf == 0 {
                continue;
            }
            let Some(text) = self.examples.get(&h) else {
                continue;
            };
            if s.flags & F_SINGLE != 0
                && s.df < self.params.single_min_df
                && s.tf < self.params.single_min_count
            {
                continue;
            }
            let kind = if s.flags & F_ORG != 0 {
                "org"
            } else if s.flags & F_CONNECTOR == 0 && names::word_count(text) <= 4 && {
                let last = names::last_word(text);
                ev_ratio(s) >= PERSON_EV_SHARE
                    || last_ratio(xxh3_64_with_seed(last.as_bytes(), SEED_CASED)) >= PERSON_EV_SHARE
            } {
                "person"
            } else {
                "name"
            };
            names.insert(
                h,
                Resolved {
                    display: text.clone(),
                    kind,
                    subs: Vec::new(),
                },
            );
        }
        uncased::decide(&self.table, &self.examples, &self.params, &mut names);
        EntityResolver { names }
    }
}

/// A name accepted by the corpus stage.
#[derive(Debug, Clone)]
struct Resolved {
    display: Box<str>,
    kind: &'static str,
    /// Accepted uncased units strictly inside this one (their counts are netted in `resolve`).
    subs: Vec<u64>,
}

/// The corpus-level decisions: which candidate hashes are names, with display form and kind.
pub struct EntityResolver {
    names: FastMap<u64, Resolved>,
}

impl EntityResolver {
    /// Final mentions of one document (names resolved/kinded, uncased candidates that passed turned into mentions).
    pub fn resolve(&self, doc: &DocEntities) -> Vec<Mention> {
        let mut out = doc.mentions.clone();
        // Accepted candidates of this document, longest units first so that
        // occurrences inside a longer accepted unit are not counted again.
        let mut found: Vec<(&Cand, &Resolved)> = doc
            .cands
            .iter()
            .filter(|c| c.count > 0)
            .filter_map(|c| self.names.get(&c.hash).map(|r| (c, r)))
            .collect();
        found.sort_by(|a, b| {
            ngram_len(b.0.flags)
                .cmp(&ngram_len(a.0.flags))
                .then(a.0.hash.cmp(&b.0.hash))
        });
        let mut remaining: FastMap<u64, i64> = found
            .iter()
            .map(|(c, _)| (c.hash, c.count as i64))
            .collect();
        for (c, r) in &found {
            let rem = remaining[&c.hash];
            if rem <= 0 {
                continue;
            }
            for s in &r.subs {
                if let Some(x) = remaining.get_mut(s) {
                    *x -= rem;
                }
            }
        }
        for (c, r) in found {
            let n = remaining[&c.hash];
            if n > 0 {
                out.push(Mention {
                    entity: r.display.to_string(),
                    id: None,
                    kind: r.kind,
                    count: n as u32,
                });
            }
        }
        sort_mentions(&mut out);
        out
    }

    /// Number of accepted names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no name was accepted.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Corpus totals per entity, for reports and tests: sums counts and document frequencies of resolved mentions.
#[derive(Debug, Default, Clone)]
pub struct EntityTally {
    totals: HashMap<(&'static str, String, Option<String>), (u64, u64)>,
}

/// One row of [`EntityTally::top`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRow {
    /// Entity kind.
    pub kind: &'static str,
    /// Display form.
    pub entity: String,
    /// Canonical id, when known.
    pub id: Option<String>,
    /// Mentions in the corpus.
    pub count: u64,
    /// Documents mentioning it.
    pub docs: u64,
}

impl EntityTally {
    /// Adds one document's final mentions.
    pub fn add(&mut self, mentions: &[Mention]) {
        for m in mentions {
            let e = self
                .totals
                .entry((m.kind, m.entity.clone(), m.id.clone()))
                .or_insert((0, 0));
            e.0 += m.count as u64;
            e.1 += 1;
        }
    }

    /// The `n` most mentioned entities whose kind is in `kinds` (all kinds when empty), ties by name.
    pub fn top(&self, kinds: &[&str], n: usize) -> Vec<TallyRow> {
        let mut rows: Vec<TallyRow> = self
            .totals
            .iter()
            .filter(|((k, _, _), _)| kinds.is_empty() || kinds.contains(k))
            .map(|((kind, entity, id), (count, docs))| TallyRow {
                kind,
                entity: entity.clone(),
                id: id.clone(),
                count: *count,
                docs: *docs,
            })
            .collect();
        rows.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.entity.cmp(&b.entity))
                .then_with(|| a.kind.cmp(b.kind))
        });
        rows.truncate(n);
        rows
    }
}

/// Kinds counted as personal data (email, phone, ip) for the PII columns.
pub fn is_pii(kind: &str) -> bool {
    matches!(kind, "email" | "phone" | "ip")
}

/// Masks a PII value for display: "j***@e***.com", "+44 *** *** 789".
pub fn mask_pii(kind: &str, value: &str) -> String {
    match kind {
        "email" => {
            let (local, domain) = value.rsplit_once('@').unwrap_or((value, ""));
            let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
            let (host, tld) = domain.rsplit_once('.').unwrap_or((domain, ""));
            let tld = if tld.is_empty() {
                String::new()
            } else {
                format!(".{tld}")
            };
            format!("{}***@{}***{}", first(local), first(host), tld)
        }
        "phone" => {
            let digits: Vec<char> = value.chars().filter(|c| c.is_ascii_digit()).collect();
            let last: String = digits[digits.len().saturating_sub(3)..].iter().collect();
            // Keep the international prefix (country code) when there is one: it says
            // where the number is from without identifying it.
            let trimmed = value.trim_start();
            let prefix = if let Some(rest) = trimmed.strip_prefix('+') {
                let cc: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .take(3)
                    .collect();
                format!("+{cc} ")
            } else {
                String::new()
            };
            // Short numbers reveal too much with three digits shown.
            if digits.len() < 7 {
                return format!("{prefix}*** ***");
            }
            format!("{prefix}*** *** {last}")
        }
        "ip" => {
            if value.contains(':') {
                let first = value.split(':').next().unwrap_or("");
                format!("{first}:***")
            } else {
                let parts: Vec<&str> = value.split('.').collect();
                if parts.len() == 4 {
                    format!("{}.{}.*.*", parts[0], parts[1])
                } else {
                    "***".to_string()
                }
            }
        }
        _ => value.to_string(),
    }
}

/// Folds text for matching: NFKC, lower-case, Arabic folding (harakat, tatweel and
/// U+0670 removed; آ أ إ ٱ → ا; ى → ي; ة → ه), punctuation → space, whitespace
/// collapsed, decimal digits → 0.
// TODO(normalise): replace the body with `crate::normalise::normalise(text)` once the
// shared normaliser lands; it implements exactly these rules, and every caller in this
// module goes through this one function.
fn fold_for_match(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // NFKC never composes across an ASCII space, so each space-separated chunk can take
    // the cheap path unless it needs normalising (one NBSP must not slow a whole page).
    for chunk in text.split_inclusive([' ', '\n']) {
        if chunk.chars().all(nfkc_stable) || is_nfkc_quick(chunk.chars()) == IsNormalized::Yes {
            fold_chars(chunk.chars(), &mut out);
        } else {
            fold_chars(chunk.nfkc(), &mut out);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Characters that NFKC leaves alone and that nothing composes with: ASCII, basic
/// Arabic letters, harakat, digits and punctuation (not U+0653–U+0655), CJK ideographs.
fn nfkc_stable(c: char) -> bool {
    matches!(c as u32, 0..=0x7F | 0x060C | 0x061B | 0x061F | 0x0621..=0x0652 | 0x0660..=0x066C | 0x4E00..=0x9FFF)
}

/// The per-character part of [`fold_for_match`], appending to `out` (no allocation per char).
fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    // Suppresses leading and repeated spaces, also across chunks.
    let mut space = out.is_empty() || out.ends_with(' ');
    for ch in chars {
        if ch.is_ascii() {
            // Fast path: ASCII letters, digits, everything else is a separator.
            let c = ch.to_ascii_lowercase();
            if c.is_ascii_alphabetic() {
                out.push(c);
                space = false;
            } else if c.is_ascii_digit() {
                out.push('0');
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
            continue;
        }
        // Fast paths for the big uncased blocks: no case, known to be letters.
        match ch {
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => {
                out.push(match ch {
                    'آ' | 'أ' | 'إ' => 'ا',
                    'ى' => 'ي',
                    'ة' => 'ه',
                    c => c,
                });
                space = false;
                continue;
            }
            '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}' => continue,
            '\u{4E00}'..='\u{9FFF}' => {
                out.push(ch);
                space = false;
                continue;
            }
            _ => {}
        }
        for c in ch.to_lowercase() {
            let c = match c {
                '\u{064B}'..='\u{0652}' | '\u{0670}' | '\u{0640}' => continue,
                'آ' | 'أ' | 'إ' | 'ٱ' => 'ا',
                'ى' => 'ي',
                'ة' => 'ه',
                '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' | '\u{0966}'..='\u{096F}' => '0',
                c => c,
            };
            if c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c) {
                out.push(c);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
    }
}

/// Hasher for keys that are already hashes (u64) or short strings: xxh3, no SipHash.
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(b);
    }
    fn write_u64(&mut self, x: u64) {
        // Candidate keys are xxh3 outputs already: use them as they are.
        self.0 ^= x;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A HashMap with [`FastHasher`].
type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;
/// A HashSet with [`FastHasher`].
type FastSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FastHasher>>;

/// Interns a kind name from a user gazetteer so that [`Mention::kind`] stays `&'static str`.
/// Each distinct kind is leaked once per process (a handful of bytes).
fn intern_kind(kind: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    for k in [
        "url", "domain", "email", "phone", "ip", "handle", "hashtag", "date", "money", "percent",
        "country", "person", "org", "name", "place", "location", "event", "product",
    ] {
        if k == kind {
            return k;
        }
    }
    static KINDS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = KINDS
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(k) = set.get(kind) {
        return k;
    }
    let k: &'static str = Box::leak(kind.to_string().into_boxed_str());
    set.insert(k);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_rules() {
        assert_eq!(fold_for_match("  Hello, World!! 2024 "), "hello world 0000");
        assert_eq!(fold_for_match("أَهْدَى"), "اهدي");
        assert_eq!(fold_for_match("المدرسةُ ـــ إلى آخر"), "المدرسه الي اخر");
        assert_eq!(fold_for_match("l'Allemagne"), "l allemagne");
        assert_eq!(fold_for_match("ＡＢＣ１２"), "abc00");
        assert_eq!(fold_for_match("٢٠١٩ Россия"), "0000 россия");
        assert_eq!(fold_for_match("法国，美国"), "法国 美国");
    }

    #[test]
    fn pii_masking_never_reveals_values() {
        assert!(is_pii("email") && is_pii("phone") && is_pii("ip"));
        assert!(!is_pii("url") && !is_pii("person"));
        assert_eq!(mask_pii("email", "john.smith@example.com"), "j***@e***.com");
        assert_eq!(mask_pii("phone", "+44 20 7946 0789"), "+44 *** *** 789");
        assert_eq!(mask_pii("phone", "020 7946 0789"), "*** *** 789");
        assert_eq!(mask_pii("ip", "192.168.10.23"), "192.168.*.*");
        assert_eq!(mask_pii("ip", "2001:db8::1"), "2001:***");
        for (k, v) in [
            ("email", "john.smith@example.com"),
            ("phone", "+966 11 234 5678"),
            ("phone", "555-1234"),
        ] {
            let m = mask_pii(k, v);
            assert_ne!(m, v);
            assert!(!m.contains("smith") && !m.contains("234 5678") && !m.contains("1234"));
        }
        assert_eq!(mask_pii("url", "http://x.org"), "http://x.org");
    }

    #[test]
    fn extractor_is_send_sync() {
        fn check<T: Send + Sync>() {}
        check::<EntityExtractor>();
        check::<EntityResolver>();
        check::<DocEntities>();
    }

    #[test]
    fn cand_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Cand>(), 16);
        assert_eq!(std::mem::size_of::<Stat>(), 16);
    }
}
