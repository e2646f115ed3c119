//! The pipeline: load → scan each document → corpus-wide boilerplate → content of each
//! document (language, shingles, signature) → dedup. Subcommands choose what to keep.

use crate::analyse::{self, append_normalised, content_lines, DocScan, MarkerTally};
use crate::boilerplate::{self, rules::RuleSet, BoilerplateParams, RepeatedLines};
use crate::dedup::{self, DedupInput, DedupParams, DedupResult, Verify};
use crate::entities::{CorpusEntities, CorpusParams, DocEntities, EntityExtractor, Mention};
use crate::lang::detect_language;
use crate::load::{LoadOptions, Loader};
use crate::memory::MemoryGuard;
use crate::minhash::MinHasher;
use crate::progress::{stage, Progress};
use crate::record::Record;
use crate::setstore::{SetSpan, SetSpill, SetStore};
use crate::shingle::{count_distinct, shingle_hashes, shingle_stream, DistinctSet};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Characters of content kept per document for report excerpts.
pub const EXCERPT_CHARS: usize = 200;

/// Everything a run needs to know.
pub struct Settings {
    /// Inputs as given.
    pub inputs: Vec<PathBuf>,
    /// Reading options.
    pub load: LoadOptions,
    /// Marker rules.
    pub rules: RuleSet,
    /// Repeated-line thresholds.
    pub boilerplate: BoilerplateParams,
    /// Near-duplicate parameters.
    pub dedup: DedupParams,
    /// Compute language ID (audit does; the dedup fast path does not).
    pub detect_language: bool,
    /// Compute the per-document statistics only reports use (repetition).
    pub stats: bool,
    /// Judge boilerplate with corpus-wide repeated lines (two reads of the input) or with
    /// the marker rules alone (one read: the dedup fast path).
    pub corpus_boilerplate: bool,
    /// Entity extractor, when entities are wanted (audit).
    pub entities: Option<EntityExtractor>,
    /// Hide progress bars.
    pub quiet: bool,
    /// Stops the run when resident memory passes `--memory-limit`.
    pub memory: MemoryGuard,
}

/// What the content pass learns about one document.
#[derive(Clone, Debug, Default)]
pub struct DocContent {
    /// ISO 639-1 code of the content's language, "und" when unsure.
    pub lang: &'static str,
    /// Characters of the content (non-boilerplate lines).
    pub content_chars: u64,
    /// Boilerplate lines in the document.
    pub boilerplate_lines: u32,
    /// Characters of boilerplate lines.
    pub boilerplate_chars: u64,
    /// Words of the content lines (what `clean` keeps).
    pub content_words: u32,
    /// Words of the boilerplate lines.
    pub boilerplate_words: u32,
    /// Indices of the marker rules that fired, sorted, distinct.
    pub rules_fired: Vec<u16>,
    /// Distinct shingles of the content.
    pub shingles: u32,
    /// The first characters of the content, for reports.
    pub excerpt: String,
    /// Example texts for boilerplate table rows this document is the example of: (row key, raw line).
    pub examples: Vec<(ExampleKey, String)>,
    /// Entities found in the content, before the corpus-level decisions.
    /// Boxed: most runs (dedup, clean) extract none, and every record carries the field.
    pub entities: Option<Box<DocEntities>>,
}

/// Which boilerplate table row an example text belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExampleKey {
    /// A repeated line, by hash.
    Line(u64),
    /// A marker rule, by index.
    Rule(u16),
}

/// The analysed corpus: one entry per input record, in input order, plus corpus-wide results.
pub struct Corpus {
    /// Scan-pass facts, one per record.
    pub docs: Vec<DocScan>,
    /// Unique doc ids (ids repeated in the input get `@<source>` appended).
    pub doc_ids: Vec<String>,
    /// Content-pass facts, one per record.
    pub content: Vec<DocContent>,
    /// Repeated boilerplate lines.
    pub repeated: RepeatedLines,
    /// Marker-rule lines: see [`boilerplate::marker_lines`].
    pub marker_lines: polars::prelude::DataFrame,
    /// Example raw text per boilerplate row.
    pub examples: HashMap<ExampleKey, String>,
    /// Dedup verdict.
    pub dedup: DedupResult,
    /// Final entity mentions per document (empty when entities were not extracted).
    pub mentions: Vec<Vec<Mention>>,
    /// Whether entities were extracted.
    pub has_entities: bool,
    /// Texts the report shows as examples (audit only): see [`crate::examples`].
    pub report_examples: Vec<crate::examples::Example>,
    /// Seconds per stage, in order.
    pub timings: Vec<(&'static str, f64)>,
    /// Size of the input on disk.
    pub input_bytes: u64,
    /// Number of input files.
    pub input_files: usize,
    /// Rule names, by index.
    pub rule_names: Vec<String>,
    /// The settings' dedup parameters.
    pub params: DedupParams,
    /// The settings' boilerplate parameters.
    pub boilerplate_params: BoilerplateParams,
}

impl Corpus {
    /// How document `i` duplicates its cluster's representative: exact (same normalised
    /// text), near, or None when it is the representative itself.
    pub fn duplicate_kind(&self, i: usize) -> Option<dedup::Relation> {
        let rep = self.dedup.representative[i] as usize;
        if rep == i {
            None
        } else if self.docs[i].exact_hash == self.docs[rep].exact_hash {
            Some(dedup::Relation::Exact)
        } else {
            Some(dedup::Relation::Near)
        }
    }
}

/// Runs load → scan → boilerplate → content → dedup.
pub fn run(settings: &Settings) -> anyhow::Result<Corpus> {
    let loader = Loader::new(&settings.inputs, settings.load.clone())?;
    run_with(&loader, settings)
}

/// [`run`] over a loader the caller keeps (to read the input once more afterwards).
pub fn run_with(loader: &Loader, settings: &Settings) -> anyhow::Result<Corpus> {
    let mut timings = Vec::new();

    let rules = &settings.rules;
    let signer = MinHasher::new(settings.dedup.num_perm, settings.dedup.seed);
    let k = settings.dedup.num_perm;
    let mut corpus_entities = CorpusEntities::new(CorpusParams::default());
    // The verification sets of every document, when the pass that signs them kept them.
    let eager_sets: Option<SetStore>;
    let (docs, content, signatures, repeated, marker_lines, doc_ids) =
        if settings.corpus_boilerplate {
            let t = Instant::now();
            let mut docs: Vec<DocScan> = pass(loader, settings, "scan", |_, rec| {
                analyse::scan(&rec, rules, settings.stats)
            })?;
            timings.push(("scan", t.elapsed().as_secs_f64()));

            let t = Instant::now();
            let spinner = stage(settings.quiet, "counting repeated lines");
            let repeated = boilerplate::find_repeated(&docs, &settings.boilerplate)?;
            let doc_ids = unique_ids(&mut docs);
            let marker_lines = boilerplate::marker_lines(&docs)?;
            spinner.finish_and_clear();
            timings.push(("boilerplate", t.elapsed().as_secs_f64()));
            let wanted = example_sources(&repeated, &marker_lines)?;

            let t = Instant::now();
            let spill = verification_spill(settings);
            let mut spans = Vec::new();
            let mut signatures = vec![0u32; docs.len() * k];
            let mut content: Vec<DocContent> = Vec::with_capacity(docs.len());
            let mut offset = 0usize;
            let progress = Progress::new(settings.quiet, "content", loader.total_bytes());
            for block in loader.blocks() {
                let base = offset;
                let results = loader.process(block, |i, rec| {
                    let g = base + i;
                    let Some(scan) = docs.get(g) else {
                        let nothing = (DocContent::default(), vec![u32::MAX; k]);
                        return (nothing, SetSpan::default());
                    };
                    content_of(
                        &rec,
                        scan,
                        &repeated,
                        wanted.get(&(g as u32)),
                        &signer,
                        settings,
                        spill.as_ref(),
                    )
                });
                for ((mut c, sig), span) in results {
                    if spill.is_some() {
                        spans.push(span);
                    }
                    if offset < docs.len() {
                        signatures[offset * k..(offset + 1) * k].copy_from_slice(&sig);
                    }
                    // Count entity candidates now, in input order as before, so their example
                    // texts are dropped block by block instead of held for the whole corpus.
                    if let Some(e) = c.entities.as_mut() {
                        corpus_entities.observe(e);
                        e.strip_texts();
                    }
                    content.push(c);
                    offset += 1;
                }
                block_done(loader, settings, &progress, "content", offset)?;
            }
            progress.finish();
            eager_sets = spill.and_then(|spill| spill.finish(spans));
            timings.push(("content", t.elapsed().as_secs_f64()));
            (docs, content, signatures, repeated, marker_lines, doc_ids)
        } else {
            // One read: marker rules are per document, so each record is scanned, stripped and signed at once.
            let t = Instant::now();
            let no_repeats = boilerplate::find_repeated(&[], &settings.boilerplate)?;
            let mut docs = Vec::new();
            let mut content = Vec::new();
            let mut signatures = Vec::new();
            // Each block's per-document signatures move into the flat array as the block
            // ends, so they never exist twice for the whole corpus (512 B per document).
            let spill = verification_spill(settings);
            let mut spans = Vec::new();
            thread_local! {
                /// The normalised content of the thread's current document, reused.
                static NORMALISED: std::cell::RefCell<String> = const {
                    std::cell::RefCell::new(String::new())
                };
            }
            let each = |_, rec: Record| {
                NORMALISED.with_borrow_mut(|normalised| {
                    normalised.clear();
                    let (scan, tally) = analyse::scan_for_dedup(&rec, rules, normalised);
                    let spill = spill.as_ref();
                    let signed = sign_scanned(&scan, tally, normalised, &signer, settings, spill);
                    // A huge document must not pin its buffer for the rest of the run.
                    if normalised.capacity() > 1 << 20 {
                        *normalised = String::new();
                    }
                    (scan, signed)
                })
            };
            pass_into(loader, settings, "dedup", each, |(d, (c, sig, span))| {
                docs.push(d);
                content.push(c);
                signatures.extend_from_slice(&sig);
                if spill.is_some() {
                    spans.push(span);
                }
            })?;
            eager_sets = spill.and_then(|spill| spill.finish(spans));
            let doc_ids = unique_ids(&mut docs);
            let marker_lines = boilerplate::marker_lines(&docs)?;
            timings.push(("scan_content", t.elapsed().as_secs_f64()));
            (docs, content, signatures, no_repeats, marker_lines, doc_ids)
        };
    anyhow::ensure!(
        content.len() == docs.len(),
        "input changed between passes: {} records then {}",
        docs.len(),
        content.len()
    );

    let t = Instant::now();
    let spinner = stage(settings.quiet, "clustering near duplicates");
    let exact_hash: Vec<u64> = docs.iter().map(|d| d.exact_hash).collect();
    let has_content: Vec<bool> = content.iter().map(|c| c.shingles > 0).collect();
    let shingle_counts: Vec<u32> = content.iter().map(|c| c.shingles).collect();
    let content_chars: Vec<u64> = content.iter().map(|c| c.content_chars).collect();
    // Only `--keep newest` reads dates (a missing entry is no date).
    let dates: Vec<Option<&str>> = match settings.dedup.keep {
        dedup::KeepPolicy::Newest => docs.iter().map(|d| d.date.as_deref()).collect(),
        _ => Vec::new(),
    };
    let eager_sets = std::sync::Mutex::new(eager_sets);
    let fetch = |wanted: &[u32]| match eager_sets.lock().ok().and_then(|mut s| s.take()) {
        Some(all) => Ok(all),
        None => shingle_sets(loader, &docs, &repeated, wanted, settings),
    };
    let dedup = dedup::deduplicate(
        &DedupInput {
            exact_hash: &exact_hash,
            signatures: &signatures,
            has_content: &has_content,
            shingle_counts: &shingle_counts,
            content_chars: &content_chars,
            dates: &dates,
        },
        &settings.dedup,
        &fetch,
    )?;
    drop(signatures);
    spinner.finish_and_clear();
    timings.push(("dedup", t.elapsed().as_secs_f64()));
    let (n, total) = (docs.len(), loader.total_bytes());
    settings.memory.check("clustering", n, total, total)?;

    // Now that reposts are clustered, keep only repeated lines that span distinct stories.
    let t = Instant::now();
    let repeated = boilerplate::refine(
        &docs,
        repeated,
        &dedup.representative,
        &settings.boilerplate,
    )?;
    let mut content = content;
    // Without corpus-wide lines the boilerplate is the marker-rule lines, already counted
    // (and the one-read path dropped the line keys this would need).
    if settings.corpus_boilerplate {
        for (d, c) in docs.iter().zip(content.iter_mut()) {
            let mask = boilerplate::line_mask(d, &repeated);
            c.boilerplate_lines = 0;
            c.boilerplate_chars = 0;
            c.boilerplate_words = 0;
            c.content_chars = 0;
            c.content_words = 0;
            for (k, &is_bp) in d.line_keys.iter().zip(&mask) {
                if is_bp {
                    c.boilerplate_lines += 1;
                    c.boilerplate_chars += k.chars as u64;
                    c.boilerplate_words += k.words as u32;
                } else {
                    c.content_chars += k.chars as u64;
                    c.content_words += k.words as u32;
                }
            }
        }
    }
    timings.push(("boilerplate_refine", t.elapsed().as_secs_f64()));

    let mut report_examples = Vec::new();
    if settings.stats && settings.corpus_boilerplate {
        let t = Instant::now();
        report_examples = crate::examples::collect(loader, &docs, &repeated, &dedup)?;
        timings.push(("examples", t.elapsed().as_secs_f64()));
    }

    let mut mentions = Vec::new();
    if settings.entities.is_some() {
        let t = Instant::now();
        let spinner = stage(settings.quiet, "counting entities");
        let resolver = corpus_entities.finish();
        mentions = content
            .iter_mut()
            .map(|c| {
                c.entities
                    .take()
                    .map(|e| resolver.resolve(&e))
                    .unwrap_or_default()
            })
            .collect();
        spinner.finish_and_clear();
        timings.push(("entities", t.elapsed().as_secs_f64()));
    }
    let mut examples = HashMap::new();
    for c in &mut content {
        for (key, text) in c.examples.drain(..) {
            examples.entry(key).or_insert(text);
        }
    }
    Ok(Corpus {
        doc_ids,
        content,
        repeated,
        marker_lines,
        examples,
        dedup,
        has_entities: settings.entities.is_some(),
        report_examples,
        mentions,
        timings,
        input_bytes: loader.total_bytes(),
        input_files: loader.files().len(),
        rule_names: (0..rules.len())
            .map(|i| rules.name(i).to_string())
            .collect(),
        params: settings.dedup.clone(),
        boilerplate_params: settings.boilerplate.clone(),
        docs,
    })
}

/// Where the pass that signs documents writes every verification set, so verification
/// needs no further read of the input (on syn50k that read took ~0.3 s of ~1.7 s, for the
/// 31 % of documents in borderline pairs). None when no set can be needed, or when no
/// temporary file can be made: then, as when writing the file fails, a re-read rebuilds
/// the few sets verification needs ([`shingle_sets`]).
fn verification_spill(settings: &Settings) -> Option<SetSpill> {
    match settings.dedup.verify {
        Verify::Estimate => None,
        Verify::Auto | Verify::Exact => SetSpill::new(),
    }
}

/// Content facts and signature from a scan whose rule-free lines were already normalised
/// (the one-read path: boilerplate is the marker-rule lines only).
fn sign_scanned(
    scan: &DocScan,
    tally: MarkerTally,
    normalised: &str,
    signer: &MinHasher,
    settings: &Settings,
    spill: Option<&SetSpill>,
) -> (DocContent, Vec<u32>, SetSpan) {
    let mut c = DocContent {
        lang: "und",
        content_chars: tally.content_chars,
        boilerplate_lines: tally.rule_lines,
        boilerplate_chars: tally.rule_chars,
        rules_fired: tally.rules,
        ..DocContent::default()
    };
    let mut sig = vec![u32::MAX; settings.dedup.num_perm];
    let (shingles, span) = sign_content(normalised, scan, signer, settings, &mut sig, spill);
    c.shingles = shingles;
    (c, sig, span)
}

/// Signs a document's normalised content into `sig`; returns its number of distinct
/// shingles. The shingles are hashed in text order and never sorted here (a minimum
/// needs no order); `spill` takes them as they are, for verification to sort if it
/// reads them back (the span says where they went).
fn sign_content(
    normalised: &str,
    scan: &DocScan,
    signer: &MinHasher,
    settings: &Settings,
    sig: &mut [u32],
    spill: Option<&SetSpill>,
) -> (u32, SetSpan) {
    thread_local! {
        /// Per-thread shingle buffer and distinct-count table, reused across documents
        /// (each is a few KB, allocated and zeroed per document otherwise).
        static SCRATCH: std::cell::RefCell<(Vec<u64>, DistinctSet)> = const {
            std::cell::RefCell::new((Vec::new(), DistinctSet::new()))
        };
    }
    SCRATCH.with_borrow_mut(|(shingles, table)| {
        shingle_stream(
            normalised,
            scan.script.is_unspaced(),
            settings.dedup.ngram,
            settings.dedup.char_ngram,
            shingles,
        );
        if shingles.is_empty() {
            return (0, SetSpan::default());
        }
        signer.sign(shingles, sig);
        let distinct = count_distinct(shingles, table) as u32;
        let span = spill.map_or_else(SetSpan::default, |spill| spill.write(shingles));
        // A huge document must not pin its buffers for the rest of the run.
        if shingles.capacity() > 1 << 16 {
            *shingles = Vec::new();
        }
        if table.capacity() > 1 << 16 {
            *table = DistinctSet::default();
        }
        (distinct, span)
    })
}

/// Which boilerplate table rows each document supplies the example text for.
fn example_sources(
    repeated: &RepeatedLines,
    marker_lines: &polars::prelude::DataFrame,
) -> anyhow::Result<HashMap<u32, Vec<ExampleKey>>> {
    let mut wanted: HashMap<u32, Vec<ExampleKey>> = HashMap::new();
    let hashes = repeated.table.column("hash")?.u64()?;
    let ex = repeated.table.column("example_doc")?.u32()?;
    for (h, d) in hashes.iter().zip(ex.iter()) {
        if let (Some(h), Some(d)) = (h, d) {
            wanted.entry(d).or_default().push(ExampleKey::Line(h));
        }
    }
    let rule = marker_lines.column("rule")?.u32()?;
    let hash = marker_lines.column("hash")?.u64()?;
    let ex = marker_lines.column("example_doc")?.u32()?;
    for i in 0..marker_lines.height() {
        if let (Some(r), Some(h), Some(d)) = (rule.get(i), hash.get(i), ex.get(i)) {
            let key = if h == 0 {
                ExampleKey::Rule(r as u16)
            } else {
                ExampleKey::Line(h)
            };
            wanted.entry(d).or_default().push(key);
        }
    }
    Ok(wanted)
}

/// One pass over the input with a progress bar, mapping every record in parallel;
/// stops when memory passes `--memory-limit`.
fn pass<T: Send>(
    loader: &Loader,
    settings: &Settings,
    label: &str,
    f: impl Fn(usize, Record) -> T + Sync + Send,
) -> anyhow::Result<Vec<T>> {
    let mut out = Vec::new();
    pass_into(loader, settings, label, f, |t| out.push(t))?;
    Ok(out)
}

/// After a block of a pass: the progress bar moves on to `done` records, and the run
/// stops if memory has passed `--memory-limit`.
fn block_done(
    loader: &Loader,
    settings: &Settings,
    progress: &Progress,
    label: &str,
    done: usize,
) -> anyhow::Result<()> {
    let counters = loader.counters();
    let read = counters.bytes_read.load(Ordering::Relaxed);
    progress.update(
        read,
        counters.files_done.load(Ordering::Relaxed),
        loader.files().len(),
        done,
    );
    settings
        .memory
        .check(label, done, read, loader.total_bytes())?;
    Ok(())
}

/// [`pass`] handing each result to `sink` in input order, block by block; stops when
/// memory passes `--memory-limit`.
///
/// `sink` runs on a thread of its own, taking a block's results while the pool maps the
/// next block: run between blocks on this thread, it left both workers idle (36-104 ms of
/// a ~1.1 s `chaff dedup` of syn50k, summed over its 17 blocks).
fn pass_into<T: Send>(
    loader: &Loader,
    settings: &Settings,
    label: &str,
    f: impl Fn(usize, Record) -> T + Sync + Send,
    mut sink: impl FnMut(T) + Send,
) -> anyhow::Result<()> {
    let progress = Progress::new(settings.quiet, label, loader.total_bytes());
    std::thread::scope(|scope| {
        // One block waits while the sink takes the one before: at most two blocks of
        // results exist at once.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let absorber = std::thread::Builder::new()
            .name(format!("chaff-{label}-sink"))
            .spawn_scoped(scope, move || rx.into_iter().flatten().for_each(&mut sink))?;
        let mut done = 0usize;
        for block in loader.blocks() {
            let base = done;
            let results = loader.process(block, |i, rec| f(base + i, rec));
            done += results.len();
            if tx.send(results).is_err() {
                // The sink is gone: it panicked, which the join below passes on.
                break;
            }
            // An error here drops the receiver, which ends the reader thread: nothing
            // more is read.
            block_done(loader, settings, &progress, label, done)?;
        }
        drop(tx);
        absorber
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        progress.finish();
        Ok(())
    })
}

/// Content pass for one record: strips boilerplate, detects language, signs the shingles.
fn content_of(
    rec: &Record,
    scan: &DocScan,
    repeated: &RepeatedLines,
    wanted: Option<&Vec<ExampleKey>>,
    signer: &MinHasher,
    settings: &Settings,
    spill: Option<&SetSpill>,
) -> ((DocContent, Vec<u32>), SetSpan) {
    let k = settings.dedup.num_perm;
    let mut c = DocContent {
        lang: "und",
        ..DocContent::default()
    };
    let mut sig = vec![u32::MAX; k];
    if scan.line_keys.is_empty() {
        return ((c, sig), SetSpan::default());
    }
    let mask = boilerplate::line_mask(scan, repeated);
    let mut content = String::with_capacity(rec.text.len());
    let mut normalised = String::with_capacity(rec.text.len());
    for (i, line) in content_lines(&rec.text).enumerate() {
        let Some(key) = scan.line_keys.get(i) else {
            break;
        };
        if let Some(w) = wanted {
            for &want in w {
                let hit = match want {
                    ExampleKey::Line(h) => h == key.hash,
                    ExampleKey::Rule(r) => key.rule == Some(r),
                };
                if hit && !c.examples.iter().any(|(k, _)| *k == want) {
                    c.examples.push((want, line.to_string()));
                }
            }
        }
        if mask[i] {
            c.boilerplate_lines += 1;
            c.boilerplate_chars += key.chars as u64;
            if let Some(r) = key.rule {
                c.rules_fired.push(r);
            }
            continue;
        }
        c.content_chars += key.chars as u64;
        if !content.is_empty() {
            content.push('\n');
        }
        content.push_str(line);
        append_normalised(&mut normalised, line);
    }
    c.excerpt = content.chars().take(EXCERPT_CHARS).collect();
    c.rules_fired.sort_unstable();
    c.rules_fired.dedup();
    if settings.detect_language {
        c.lang = detect_language(&content).0;
    }
    if let Some(extractor) = &settings.entities {
        c.entities = Some(Box::new(
            extractor.extract(&content, scan.script.is_cased()),
        ));
    }
    debug_assert_eq!(
        shingles_of(&normalised, scan, settings),
        content_shingles(rec, scan, &mask, settings)
    );
    let (shingles, span) = sign_content(&normalised, scan, signer, settings, &mut sig, spill);
    c.shingles = shingles;
    ((c, sig), span)
}

/// Sorted, distinct shingle hashes of a document's normalised content.
fn shingles_of(normalised: &str, scan: &DocScan, settings: &Settings) -> Vec<u64> {
    let mut shingles = Vec::new();
    shingle_hashes(
        normalised,
        scan.script.is_unspaced(),
        settings.dedup.ngram,
        settings.dedup.char_ngram,
        &mut shingles,
    );
    shingles
}

/// The content's sorted shingle set, rebuilt from the record exactly as the content pass did.
fn content_shingles(rec: &Record, scan: &DocScan, mask: &[bool], settings: &Settings) -> Vec<u64> {
    let mut normalised = String::with_capacity(rec.text.len());
    for (i, line) in content_lines(&rec.text)
        .enumerate()
        .take(scan.lines as usize)
    {
        if mask.get(i).copied().unwrap_or(false) {
            continue;
        }
        append_normalised(&mut normalised, line);
    }
    shingles_of(&normalised, scan, settings)
}

/// Verification pass: re-reads the input and rebuilds the shingle sets of `wanted` documents
/// only, spilling them to a [`SetStore`] block by block (they are not held in memory).
fn shingle_sets(
    loader: &Loader,
    docs: &[DocScan],
    repeated: &RepeatedLines,
    wanted: &[u32],
    settings: &Settings,
) -> anyhow::Result<SetStore> {
    let mut store = SetStore::new();
    let mut offset = 0usize;
    for block in loader.blocks() {
        let base = offset;
        let n = block.len();
        let is_wanted = |i: usize| wanted.binary_search(&((base + i) as u32)).is_ok();
        let found = loader.process_some(block, is_wanted, |i, rec| {
            let g = (base + i) as u32;
            let scan = &docs[g as usize];
            let mask = boilerplate::line_mask(scan, repeated);
            let mut set = content_shingles(&rec, scan, &mask, settings);
            // Shingling leaves room for twice the set (its sort scatters into a second
            // half); a block's sets wait for the store together.
            set.shrink_to_fit();
            (g, set)
        });
        for (g, set) in found.into_iter().flatten() {
            store.push(g, &set);
        }
        offset += n;
    }
    anyhow::ensure!(offset == docs.len(), "input changed between passes");
    store.finish();
    Ok(store)
}

/// Doc ids made unique: a repeated id keeps its first use, later ones get `@<source>`.
/// The ids move out of `docs` (each is kept once, in the corpus).
fn unique_ids(docs: &mut [DocScan]) -> Vec<String> {
    let mut ids: Vec<String> = docs
        .iter_mut()
        .map(|d| std::mem::take(&mut d.doc_id))
        .collect();
    for i in repeated_ids(&ids) {
        ids[i] = format!("{}@{}", ids[i], docs[i].source);
    }
    ids
}

/// Indices of the ids that repeat an earlier one, ascending.
///
/// Found by sorting (xxh3 of the id, index) pairs in parallel rather than with a hash
/// map of every id: a SipHash map took 9-13 ms of the serial tail of a syn50k run
/// (72 ms at 400,000 records), and no choice of ids makes a sort slow.
fn repeated_ids(ids: &[String]) -> Vec<usize> {
    use rayon::prelude::*;
    let mut keyed: Vec<(u64, u32)> = ids
        .par_iter()
        .enumerate()
        .map(|(i, id)| (xxhash_rust::xxh3::xxh3_64(id.as_bytes()), i as u32))
        .collect();
    keyed.par_sort_unstable();
    let mut repeats = Vec::new();
    let mut same_hash: Vec<(&str, u32)> = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        // Equal hashes are almost always equal ids; sorting the run by (id, index)
        // tells them apart all the same, and keeps the first use of each.
        same_hash.clear();
        same_hash.extend(run.iter().map(|&(_, i)| (ids[i as usize].as_str(), i)));
        same_hash.sort_unstable();
        for pair in same_hash.windows(2) {
            if pair[0].0 == pair[1].0 {
                repeats.push(pair[1].1 as usize);
            }
        }
    }
    repeats.sort_unstable();
    repeats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ids_are_the_later_uses() {
        let ids: Vec<String> = ["a", "b", "a", "c", "b", "a", "", ""]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(repeated_ids(&ids), vec![2, 4, 5, 7]);
        assert!(repeated_ids(&[]).is_empty());
        // Many ids, some repeated many times, against the obvious definition.
        let mut next = crate::testutil::xorshift(7);
        let ids: Vec<String> = (0..20_000)
            .map(|_| format!("id{}", next() % 5_000))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let expected: Vec<usize> = (0..ids.len()).filter(|&i| !seen.insert(&ids[i])).collect();
        assert_eq!(repeated_ids(&ids), expected);
    }
}
