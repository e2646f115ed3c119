//! Where cleaned records go: one JSONL (plain, gzip, zstd) or Parquet file, or a folder of
//! shards. Every file is written under a temporary name and renamed when complete, so an
//! interrupted run never leaves a half-written file under a final name.

use crate::sink::temp_path;
use polars::prelude::*;
use serde_json::{Map, Value};
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Record format of an output file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    /// JSON lines.
    Jsonl,
    /// JSON lines, gzip-compressed.
    #[value(name = "jsonl.gz")]
    JsonlGz,
    /// JSON lines, zstd-compressed.
    #[value(name = "jsonl.zst")]
    JsonlZst,
    /// Apache Parquet (zstd).
    Parquet,
}

impl OutFormat {
    /// The file extension, without the leading dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutFormat::Jsonl => "jsonl",
            OutFormat::JsonlGz => "jsonl.gz",
            OutFormat::JsonlZst => "jsonl.zst",
            OutFormat::Parquet => "parquet",
        }
    }

    /// The format a file name asks for, by extension.
    pub fn of_path(path: &Path) -> Option<OutFormat> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        [
            (".jsonl.gz", OutFormat::JsonlGz),
            (".ndjson.gz", OutFormat::JsonlGz),
            (".jsonl.zst", OutFormat::JsonlZst),
            (".ndjson.zst", OutFormat::JsonlZst),
            (".jsonl", OutFormat::Jsonl),
            (".ndjson", OutFormat::Jsonl),
            (".parquet", OutFormat::Parquet),
        ]
        .into_iter()
        .find(|(ext, _)| name.ends_with(ext))
        .map(|(_, f)| f)
    }
}

/// When a shard is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardLimit {
    /// After this many records.
    Records(u64),
    /// After this many bytes of JSON (before compression).
    Bytes(u64),
}

impl std::str::FromStr for ShardLimit {
    type Err = String;

    /// `100000` is records; `256MB`, `1GiB`, `500k B`-style sizes with a unit are bytes.
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| format!("'{s}' is not a number of records or a size like 256MB"))?;
        let unit = unit.trim().to_ascii_lowercase();
        let scale: Option<f64> = match unit.as_str() {
            "" => None,
            "b" => Some(1.0),
            "k" | "kb" => Some(1e3),
            "kib" => Some(1024.0),
            "m" | "mb" => Some(1e6),
            "mib" => Some(1024.0 * 1024.0),
            "g" | "gb" => Some(1e9),
            "gib" => Some(1024.0 * 1024.0 * 1024.0),
            _ => return Err(format!("unknown size unit '{unit}' in '{s}'")),
        };
        let limit = match scale {
            None => ShardLimit::Records(n as u64),
            Some(k) => ShardLimit::Bytes((n * k) as u64),
        };
        match limit {
            ShardLimit::Records(0) | ShardLimit::Bytes(0) => {
                Err("--shard-size must be positive".into())
            }
            l => Ok(l),
        }
    }
}

/// Where the cleaned dataset goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// One file.
    File {
        /// Final path.
        path: PathBuf,
        /// Its format.
        format: OutFormat,
    },
    /// A folder of `part-00000.<ext>` shards.
    Shards {
        /// The folder.
        dir: PathBuf,
        /// Format of every shard.
        format: OutFormat,
        /// When to start the next shard.
        limit: ShardLimit,
    },
}

impl Target {
    /// Chooses file or shards from `-o`: a known extension is one file, anything else a folder.
    pub fn from_output(
        out: &Path,
        shard_size: Option<ShardLimit>,
        shard_format: OutFormat,
    ) -> anyhow::Result<Target> {
        match (OutFormat::of_path(out), shard_size) {
            (Some(format), None) if !out.is_dir() => Ok(Target::File {
                path: out.to_path_buf(),
                format,
            }),
            (Some(_), Some(_)) if !out.is_dir() => anyhow::bail!(
                "--shard-size writes a folder of shards, but {} names a file",
                out.display()
            ),
            _ => {
                if out.is_file() {
                    anyhow::bail!(
                        "{} is an existing file without a known extension (.jsonl, .jsonl.gz, .jsonl.zst, .parquet)",
                        out.display()
                    );
                }
                Ok(Target::Shards {
                    dir: out.to_path_buf(),
                    format: shard_format,
                    limit: shard_size.unwrap_or(ShardLimit::Records(DEFAULT_SHARD_RECORDS)),
                })
            }
        }
    }

    /// The folder the side files (`removed.parquet`, `clean_report.md`) go to.
    pub fn side_dir(&self) -> PathBuf {
        match self {
            Target::File { path, .. } => match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
            Target::Shards { dir, .. } => dir.clone(),
        }
    }
}

/// Records per shard when a folder is given without `--shard-size`.
pub const DEFAULT_SHARD_RECORDS: u64 = 100_000;

/// Streams records, in order, into the target's file(s).
pub struct Output {
    target: Target,
    current: Option<FileSink>,
    shard: usize,
    records_in_shard: u64,
    bytes_in_shard: u64,
    written: Vec<PathBuf>,
    line: Vec<u8>,
}

impl Output {
    /// Opens the target; for shards, creates the folder.
    pub fn create(target: Target) -> io::Result<Output> {
        if let Target::Shards { dir, .. } = &target {
            fs::create_dir_all(dir)?;
        }
        Ok(Output {
            target,
            current: None,
            shard: 0,
            records_in_shard: 0,
            bytes_in_shard: 0,
            written: Vec::new(),
            line: Vec::new(),
        })
    }

    /// Appends one record.
    pub fn write(&mut self, record: &Map<String, Value>) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)?;
        self.line.push(b'\n');
        if let Target::Shards { limit, .. } = self.target {
            let full = match limit {
                ShardLimit::Records(n) => self.records_in_shard >= n,
                ShardLimit::Bytes(n) => {
                    self.records_in_shard > 0 && self.bytes_in_shard + self.line.len() as u64 > n
                }
            };
            if full {
                self.close_current()?;
            }
        }
        if self.current.is_none() {
            self.current = Some(self.open_next()?);
        }
        let sink = self.current.as_mut().expect("opened above");
        sink.write_line(&self.line, record)?;
        self.records_in_shard += 1;
        self.bytes_in_shard += self.line.len() as u64;
        Ok(())
    }

    /// Completes every file and returns their final paths, in order.
    pub fn finish(mut self) -> io::Result<Vec<PathBuf>> {
        if self.current.is_none() && self.written.is_empty() {
            // An empty result is still a valid, readable dataset file.
            self.current = Some(self.open_next()?);
        }
        self.close_current()?;
        Ok(self.written)
    }

    fn open_next(&mut self) -> io::Result<FileSink> {
        let (path, format) = match &self.target {
            Target::File { path, format } => (path.clone(), *format),
            Target::Shards { dir, format, .. } => (
                dir.join(format!("part-{:05}.{}", self.shard, format.extension())),
                *format,
            ),
        };
        self.shard += 1;
        self.records_in_shard = 0;
        self.bytes_in_shard = 0;
        FileSink::create(path, format)
    }

    fn close_current(&mut self) -> io::Result<()> {
        if let Some(sink) = self.current.take() {
            self.written.push(sink.finish()?);
        }
        Ok(())
    }
}

/// One output file being written under its temporary name.
struct FileSink {
    path: PathBuf,
    tmp: PathBuf,
    kind: SinkKind,
}

enum SinkKind {
    Plain(BufWriter<File>),
    Gzip(flate2::write::GzEncoder<BufWriter<File>>),
    Zstd(zstd::Encoder<'static, BufWriter<File>>),
    /// Parquet needs one schema for the whole file, which is only known at the end: records
    /// are spooled as zstd JSON lines while the schema is collected, then converted in batches.
    Parquet {
        spool: zstd::Encoder<'static, BufWriter<File>>,
        spool_path: PathBuf,
        schema: SchemaBuilder,
    },
}

impl FileSink {
    fn create(path: PathBuf, format: OutFormat) -> io::Result<FileSink> {
        let tmp = temp_path(&path);
        let file = BufWriter::new(File::create(&tmp)?);
        let kind = match format {
            OutFormat::Jsonl => SinkKind::Plain(file),
            OutFormat::JsonlGz => SinkKind::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::default(),
            )),
            OutFormat::JsonlZst => SinkKind::Zstd(zstd::Encoder::new(file, 3)?),
            OutFormat::Parquet => {
                drop(file);
                let mut spool_path = tmp.clone().into_os_string();
                spool_path.push(".spool");
                let spool_path = PathBuf::from(spool_path);
                let spool = BufWriter::new(File::create(&spool_path)?);
                SinkKind::Parquet {
                    spool: zstd::Encoder::new(spool, 1)?,
                    spool_path,
                    schema: SchemaBuilder::default(),
                }
            }
        };
        Ok(FileSink { path, tmp, kind })
    }

    fn write_line(&mut self, line: &[u8], record: &Map<String, Value>) -> io::Result<()> {
        match &mut self.kind {
            SinkKind::Plain(w) => w.write_all(line),
            SinkKind::Gzip(w) => w.write_all(line),
            SinkKind::Zstd(w) => w.write_all(line),
            SinkKind::Parquet { spool, schema, .. } => {
                schema.observe(record);
                spool.write_all(line)
            }
        }
    }

    fn finish(self) -> io::Result<PathBuf> {
        let result = (|| {
            let file = match self.kind {
                SinkKind::Plain(w) => w.into_inner().map_err(|e| e.into_error())?,
                SinkKind::Gzip(w) => w.finish()?.into_inner().map_err(|e| e.into_error())?,
                SinkKind::Zstd(w) => w.finish()?.into_inner().map_err(|e| e.into_error())?,
                SinkKind::Parquet {
                    spool,
                    spool_path,
                    schema,
                } => {
                    spool
                        .finish()?
                        .into_inner()
                        .map_err(|e| e.into_error())?
                        .sync_all()?;
                    let converted = spool_to_parquet(&spool_path, &schema, &self.tmp);
                    let _ = fs::remove_file(&spool_path);
                    converted?;
                    File::open(&self.tmp)?
                }
            };
            file.sync_all()?;
            fs::rename(&self.tmp, &self.path)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result.map(|_| self.path)
    }
}

/// Records per Parquet row group when converting the spool.
const PARQUET_BATCH: usize = 20_000;

fn spool_to_parquet(spool: &Path, schema: &SchemaBuilder, target: &Path) -> io::Result<()> {
    let reader = BufReader::new(zstd::Decoder::new(File::open(spool)?)?);
    let polars_schema = schema.polars_schema();
    let out = BufWriter::new(File::create(target)?);
    let mut writer = ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        .batched(&polars_schema)
        .map_err(io::Error::other)?;
    let mut batch: Vec<Map<String, Value>> = Vec::with_capacity(PARQUET_BATCH);
    let mut flush = |batch: &mut Vec<Map<String, Value>>| -> io::Result<()> {
        let df = schema.frame(batch).map_err(io::Error::other)?;
        writer.write_batch(&df).map_err(io::Error::other)?;
        batch.clear();
        Ok(())
    };
    let mut any = false;
    for line in reader.lines() {
        let line = line?;
        let record: Map<String, Value> = serde_json::from_str(&line)?;
        batch.push(record);
        any = true;
        if batch.len() == PARQUET_BATCH {
            flush(&mut batch)?;
        }
    }
    if !batch.is_empty() || !any {
        flush(&mut batch)?;
    }
    writer.finish().map_err(io::Error::other)?;
    Ok(())
}

/// The Parquet type one JSON field gets: the narrowest that holds every value seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldType {
    /// Only nulls so far.
    Null,
    Bool,
    Int,
    Float,
    Text,
    /// Arrays, objects or mixed kinds: stored as JSON text, so nothing is lost.
    Json,
}

impl FieldType {
    fn of(value: &Value) -> FieldType {
        match value {
            Value::Null => FieldType::Null,
            Value::Bool(_) => FieldType::Bool,
            Value::Number(n) if n.is_i64() => FieldType::Int,
            Value::Number(_) => FieldType::Float,
            Value::String(_) => FieldType::Text,
            Value::Array(_) | Value::Object(_) => FieldType::Json,
        }
    }

    fn join(self, other: FieldType) -> FieldType {
        use FieldType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, x) | (x, Null) => x,
            (Int, Float) | (Float, Int) => Float,
            _ => Json,
        }
    }
}

/// Field names in first-seen order with their joined types.
#[derive(Default)]
struct SchemaBuilder {
    fields: Vec<(String, FieldType)>,
    index: std::collections::HashMap<String, usize>,
}

impl SchemaBuilder {
    fn observe(&mut self, record: &Map<String, Value>) {
        for (key, value) in record {
            let t = FieldType::of(value);
            match self.index.get(key) {
                Some(&i) => self.fields[i].1 = self.fields[i].1.join(t),
                None => {
                    self.index.insert(key.clone(), self.fields.len());
                    self.fields.push((key.clone(), t));
                }
            }
        }
    }

    fn dtype(t: FieldType) -> DataType {
        match t {
            FieldType::Bool => DataType::Boolean,
            FieldType::Int => DataType::Int64,
            FieldType::Float => DataType::Float64,
            FieldType::Null | FieldType::Text | FieldType::Json => DataType::String,
        }
    }

    fn polars_schema(&self) -> Schema {
        self.fields
            .iter()
            .map(|(name, t)| Field::new(name.as_str().into(), Self::dtype(*t)))
            .collect()
    }

    fn frame(&self, batch: &[Map<String, Value>]) -> PolarsResult<DataFrame> {
        let columns = self
            .fields
            .iter()
            .map(|(name, t)| {
                let values = batch.iter().map(|r| r.get(name).filter(|v| !v.is_null()));
                let name = name.as_str().into();
                match t {
                    FieldType::Bool => Column::new(
                        name,
                        values
                            .map(|v| v.and_then(Value::as_bool))
                            .collect::<Vec<_>>(),
                    ),
                    FieldType::Int => Column::new(
                        name,
                        values
                            .map(|v| v.and_then(Value::as_i64))
                            .collect::<Vec<_>>(),
                    ),
                    FieldType::Float => Column::new(
                        name,
                        values
                            .map(|v| v.and_then(Value::as_f64))
                            .collect::<Vec<_>>(),
                    ),
                    FieldType::Null | FieldType::Text | FieldType::Json => Column::new(
                        name,
                        values
                            .map(|v| {
                                v.map(|v| match v {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                            })
                            .collect::<Vec<_>>(),
                    ),
                }
            })
            .collect::<Vec<_>>();
        DataFrame::new(batch.len(), columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_sizes_parse_as_records_or_bytes() {
        assert_eq!("1000".parse(), Ok(ShardLimit::Records(1000)));
        assert_eq!("256MB".parse(), Ok(ShardLimit::Bytes(256_000_000)));
        assert_eq!("1 GiB".parse(), Ok(ShardLimit::Bytes(1 << 30)));
        assert!("0".parse::<ShardLimit>().is_err());
        assert!("12 parsecs".parse::<ShardLimit>().is_err());
    }

    #[test]
    fn field_types_widen_without_losing_values() {
        use FieldType::*;
        assert_eq!(Int.join(Float), Float);
        assert_eq!(Null.join(Text), Text);
        assert_eq!(Int.join(Text), Json);
        let mut s = SchemaBuilder::default();
        let a: Map<String, Value> =
            serde_json::from_str(r#"{"id":1,"tags":["x"],"n":null}"#).unwrap();
        let b: Map<String, Value> =
            serde_json::from_str(r#"{"id":2.5,"extra":true,"n":"y"}"#).unwrap();
        s.observe(&a);
        s.observe(&b);
        let df = s.frame(&[a, b]).unwrap();
        assert_eq!(df.get_column_names(), ["id", "tags", "n", "extra"]);
        assert_eq!(df.column("id").unwrap().dtype(), &DataType::Float64);
        let tags = df.column("tags").unwrap().str().unwrap();
        assert_eq!(tags.get(0), Some(r#"["x"]"#));
        assert_eq!(tags.get(1), None);
    }

    #[test]
    fn output_extension_picks_the_format() {
        assert_eq!(
            OutFormat::of_path(Path::new("a/b.jsonl.zst")),
            Some(OutFormat::JsonlZst)
        );
        assert_eq!(
            OutFormat::of_path(Path::new("b.JSONL")),
            Some(OutFormat::Jsonl)
        );
        assert_eq!(
            OutFormat::of_path(Path::new("b.parquet")),
            Some(OutFormat::Parquet)
        );
        assert_eq!(OutFormat::of_path(Path::new("shards")), None);
    }
}
