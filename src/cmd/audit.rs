//! `chaff audit`: everything — tables, summary and the Markdown report.
//!
//! Usage: `chaff audit <INPUT>... [-o DIR]`. Reads files, folders or `-`
//! (JSONL on stdin); writes `documents.parquet`, `clusters.parquet`,
//! `pairs.parquet`, `boilerplate.parquet`, the entity tables, `examples.parquet`,
//! `summary.json`, and `report.md` with its `chart-*.svg` files.

use super::{check_output, finish_status, output_err};
use crate::boilerplate::{rules::RuleSet, BoilerplateParams};
use crate::cli::{CommonArgs, DedupArgs, InputArgs};
use crate::frames;
use crate::pipeline::{self, Corpus, Settings};
use crate::report::{self, Tables};
use crate::sink::{prepare_dir, write_bytes, write_parquet};
use crate::summary::Summary;
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `chaff audit`.
#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output folder (default: reports/<input name>).
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub dedup: DedupArgs,
    /// A line must recur in at least this many distinct texts to be boilerplate.
    #[arg(long, default_value_t = BoilerplateParams::default().min_docs)]
    pub boilerplate_min_docs: usize,
    /// TOML file with extra boilerplate rules (`[[rule]] name = "...", pattern = "..."`).
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Extra gazetteer (TSV `name<TAB>kind<TAB>alias|alias` or JSON `[{"name","kind","aliases"}]`).
    #[arg(long)]
    pub gazetteer: Option<PathBuf>,
    /// Skip entity extraction.
    #[arg(long)]
    pub no_entities: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Builds the settings shared by audit-like commands.
pub fn settings(
    input: &crate::cli::InputArgs,
    dedup: &DedupArgs,
    rules: Option<&Path>,
    min_docs: usize,
    quiet: bool,
    detect_language: bool,
) -> anyhow::Result<Settings> {
    let rules = match rules {
        Some(p) => {
            RuleSet::with_user_file(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
        }
        None => RuleSet::builtin(),
    };
    Ok(Settings {
        inputs: input.inputs.clone(),
        load: input.load_options(),
        rules,
        boilerplate: BoilerplateParams {
            min_docs: min_docs.max(2),
            ..BoilerplateParams::default()
        },
        dedup: dedup.params()?,
        stats: detect_language,
        corpus_boilerplate: true,
        detect_language,
        entities: None,
        quiet,
        memory: crate::memory::MemoryGuard::new(input.memory_limit),
    })
}

/// Runs `chaff audit`; returns the exit status.
pub fn run(args: AuditArgs) -> anyhow::Result<u8> {
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.input.default_output());
    check_output(&out, &args.input.inputs)?;
    // Prove the output folder is writable before the work, not after it (exit code 2).
    prepare_dir(&out).map_err(|e| output_err(&out, e))?;
    let mut settings = settings(
        &args.input,
        &args.dedup,
        args.rules.as_deref(),
        args.boilerplate_min_docs,
        args.common.quiet,
        true,
    )?;
    if !args.no_entities {
        let extractor = crate::entities::EntityExtractor::new(args.gazetteer.as_deref())
            .map_err(|e| anyhow::anyhow!("gazetteer: {e}"))?;
        settings.entities = Some(extractor);
    }
    let corpus = pipeline::run(&settings)?;
    let inputs: Vec<String> = args
        .input
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    write_all(&out, &corpus, "audit", &inputs)?;
    if !args.common.quiet {
        eprintln!("chaff: wrote {}", out.join("report.md").display());
    }
    Ok(finish_status(&corpus, args.input.strict, args.common.quiet))
}

/// Writes every table, the summary and the report of an audit.
pub fn write_all(
    out: &Path,
    corpus: &Corpus,
    command: &str,
    inputs: &[String],
) -> anyhow::Result<()> {
    prepare_dir(out).map_err(|e| output_err(out, e))?;
    let mut documents = frames::documents(corpus)?;
    let mut clusters = frames::clusters(corpus)?;
    let mut pairs = frames::pairs(corpus)?;
    let mut boilerplate = frames::boilerplate(corpus)?;
    let (mut doc_entities, mut entities) = if corpus.has_entities {
        let de = frames::document_entities(corpus)?;
        let e = frames::entities(&de, &documents)?;
        (Some(de), Some(e))
    } else {
        (None, None)
    };
    let mut tables = vec![
        ("documents.parquet", &mut documents),
        ("clusters.parquet", &mut clusters),
        ("pairs.parquet", &mut pairs),
        ("boilerplate.parquet", &mut boilerplate),
    ];
    if let (Some(de), Some(e)) = (doc_entities.as_mut(), entities.as_mut()) {
        tables.push(("document_entities.parquet", de));
        tables.push(("entities.parquet", e));
    }
    let mut examples = crate::examples::frame(corpus)?;
    tables.push(("examples.parquet", &mut examples));
    for (name, df) in tables {
        let path = out.join(name);
        write_parquet(&path, df).map_err(|e| output_err(&path, e))?;
    }
    let summary = Summary::of(corpus, command, inputs);
    let path = out.join("summary.json");
    let json = serde_json::to_vec_pretty(&summary)?;
    write_bytes(&path, &json).map_err(|e| output_err(&path, e))?;
    let tables = Tables {
        documents,
        clusters,
        pairs,
        boilerplate: Some(boilerplate),
        entities,
        document_entities: doc_entities,
        examples: Some(examples),
    };
    let rendered = report::render(&tables, &summary, None);
    report::write(out, &rendered, false).map_err(|e| output_err(&out.join("report.md"), e))?;
    Ok(())
}
