//! Command-line arguments shared by the subcommands.

use crate::dedup::{DedupParams, KeepPolicy, Verify};
use crate::load::{Format, LoadOptions};
use clap::Args;
use std::path::PathBuf;

/// Options every subcommand takes.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Worker threads (default: all cores).
    #[arg(long, short = 't', global = true)]
    pub threads: Option<usize>,
    /// No progress bars or messages on stderr.
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

/// Where and how to read the input.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// Files or folders to read (folders are walked; `-` reads JSON lines from stdin).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Read every file as this format instead of guessing from the extension.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// JSON/Parquet field holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSON/Parquet field holding the id (records without one get `<path>:<line>`).
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// Records larger than this many bytes are flagged `oversized` instead of loaded whole.
    #[arg(long, default_value_t = 16 << 20)]
    pub max_doc_bytes: usize,
    /// Exit with status 3 when any record is not `ok` (empty, malformed, unreadable, ...).
    #[arg(long)]
    pub strict: bool,
    /// Stop (exit status 4) when chaff's resident memory passes this: a size (`8G`,
    /// `512M`), a share of physical memory (`80%`), or 0 for no limit.
    #[arg(long, default_value = "80%", value_parser = crate::memory::parse_limit)]
    pub memory_limit: u64,
}

impl InputArgs {
    /// Reading options from the flags.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            format: self.format,
            text_field: self.text_field.clone(),
            id_field: self.id_field.clone(),
            max_doc_bytes: self.max_doc_bytes.max(1),
            ..LoadOptions::default()
        }
    }

    /// Default output folder: `reports/<name of the first input>`.
    pub fn default_output(&self) -> PathBuf {
        let first = self.inputs.first().map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "stdin".into());
            name.split('.').next().unwrap_or("input").to_string()
        });
        let name = match first.as_deref() {
            None | Some("") | Some("-") => "stdin".to_string(),
            Some(n) => n.to_string(),
        };
        PathBuf::from("reports").join(name)
    }
}

/// Near-duplicate options.
#[derive(Args, Debug, Clone)]
pub struct DedupArgs {
    /// Jaccard similarity at which two documents are near duplicates.
    #[arg(long, default_value_t = 0.8)]
    pub threshold: f64,
    /// MinHash permutations per signature.
    #[arg(long, default_value_t = 128)]
    pub num_perm: usize,
    /// Words per shingle.
    #[arg(long, default_value_t = 5)]
    pub ngram: usize,
    /// Characters per shingle for scripts written without spaces (Han, Kana, Thai, ...).
    #[arg(long, default_value_t = 5)]
    pub char_ngram: usize,
    /// LSH bands (with --rows; default: derived from the threshold).
    #[arg(long, requires = "rows")]
    pub bands: Option<usize>,
    /// LSH rows per band (with --bands).
    #[arg(long, requires = "bands")]
    pub rows: Option<usize>,
    /// How candidate pairs are verified: signature estimate only; auto (true Jaccard for
    /// pairs whose estimate is within 3 standard errors of the threshold); exact (all pairs).
    /// auto and exact keep every document's shingles in a temporary file in TMPDIR (about
    /// 1.2 times the input text) while the run lasts; estimate needs none and is fastest.
    #[arg(long, value_enum, default_value = "auto")]
    pub verify: Verify,
    /// Join a document to one it is contained in at this containment (0 = off).
    #[arg(long, default_value_t = 0.0)]
    pub containment: f64,
    /// Which member of a cluster is kept.
    #[arg(long, value_enum, default_value = "longest")]
    pub keep: KeepPolicy,
}

impl DedupArgs {
    /// Dedup parameters from the flags, checked.
    pub fn params(&self) -> anyhow::Result<DedupParams> {
        anyhow::ensure!(
            self.threshold > 0.0 && self.threshold <= 1.0,
            "--threshold must be in (0, 1]"
        );
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.containment),
            "--containment must be in [0, 1]"
        );
        anyhow::ensure!(
            self.num_perm >= 1 && self.num_perm <= 1024,
            "--num-perm must be 1..=1024"
        );
        anyhow::ensure!(
            self.ngram >= 1 && self.char_ngram >= 1,
            "n-gram sizes must be at least 1"
        );
        if let (Some(b), Some(r)) = (self.bands, self.rows) {
            anyhow::ensure!(
                b >= 1 && r >= 1 && b * r <= self.num_perm,
                "--bands × --rows must be at most --num-perm"
            );
        }
        Ok(DedupParams {
            threshold: self.threshold,
            num_perm: self.num_perm,
            ngram: self.ngram,
            char_ngram: self.char_ngram,
            banding: self.bands.zip(self.rows),
            verify: self.verify,
            containment: self.containment,
            keep: self.keep,
            ..DedupParams::default()
        })
    }
}

/// Builds the global rayon pool with `--threads`.
pub fn init_threads(threads: Option<usize>) -> anyhow::Result<()> {
    if let Some(n) = threads {
        anyhow::ensure!(n >= 1, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| anyhow::anyhow!("cannot start {n} threads: {e}"))?;
    }
    Ok(())
}
