//! Finds the files behind the user's inputs and decides how to read each one.

use crate::record::{Record, Status};
use std::io::Read;
use std::path::{Path, PathBuf};

/// How a file's records are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line (also a `.json` file holding one array of objects).
    Jsonl,
    /// Apache Parquet, one row per record.
    Parquet,
    /// Plain text or Markdown, one document per file.
    Text,
    /// WARC/WET, one document per response or conversion record.
    Warc,
}

/// Compression wrapped around a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// Stored as is.
    None,
    /// gzip (possibly several concatenated members).
    Gzip,
    /// Zstandard.
    Zstd,
}

/// One file to read, with the name it is reported under.
#[derive(Clone, Debug)]
pub struct InputFile {
    /// Where to open it.
    pub path: PathBuf,
    /// Name used in `source`: as given for a file, relative to the folder for a folder's files.
    pub display: String,
    /// Record layout.
    pub format: Format,
    /// Compression layer.
    pub compression: Compression,
    /// Size on disk in bytes.
    pub size: u64,
}

/// Splits a file name into its compression and format, from the extensions.
pub fn detect(name: &str) -> (Option<Format>, Compression) {
    let lower = name.to_ascii_lowercase();
    let (stem, compression) = if let Some(s) = lower.strip_suffix(".gz") {
        (s.to_string(), Compression::Gzip)
    } else if let Some(s) = lower
        .strip_suffix(".zst")
        .or_else(|| lower.strip_suffix(".zstd"))
    {
        (s.to_string(), Compression::Zstd)
    } else {
        (lower.clone(), Compression::None)
    };
    let ext = stem.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let format = match ext {
        "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
        "parquet" => Some(Format::Parquet),
        "txt" | "md" | "markdown" | "text" => Some(Format::Text),
        "warc" | "wet" | "arc" => Some(Format::Warc),
        _ => None,
    };
    (format, compression)
}

/// Expands inputs into files in a stable order; problems met while walking become `unreadable` rows.
pub fn discover(
    inputs: &[PathBuf],
    forced: Option<Format>,
) -> anyhow::Result<(Vec<InputFile>, Vec<Record>)> {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        let given = input.to_string_lossy().into_owned();
        if given == "-" {
            files.push(InputFile {
                path: input.clone(),
                display: "-".into(),
                format: forced.unwrap_or(Format::Jsonl),
                compression: Compression::None,
                size: 0,
            });
            continue;
        }
        let meta = match std::fs::metadata(input) {
            Ok(m) => m,
            Err(e) => {
                anyhow::bail!("cannot open input {given}: {e}");
            }
        };
        if meta.is_dir() {
            walk_dir(input, forced, &mut files, &mut problems);
        } else {
            let (format, compression) = detect(&given);
            let format = forced.or(format).unwrap_or_else(|| sniff(input));
            files.push(InputFile {
                path: input.clone(),
                display: given,
                format,
                compression,
                size: meta.len(),
            });
        }
    }
    Ok((files, problems))
}

fn walk_dir(
    root: &Path,
    forced: Option<Format>,
    files: &mut Vec<InputFile>,
    problems: &mut Vec<Record>,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| root.to_string_lossy().into_owned());
                let what = if e.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    e.io_error()
                        .map(|io| io.to_string())
                        .unwrap_or_else(|| e.to_string())
                };
                problems.push(Record::problem(
                    format!("{path}:0"),
                    Status::Unreadable,
                    format!("cannot walk {path}: {what}"),
                    0,
                ));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let display = relative(root, entry.path());
        let (format, compression) = detect(&display);
        let format = match forced.or(format) {
            Some(f) => f,
            // Inside a folder only known extensions are read: folders hold licences, scripts, images.
            None => continue,
        };
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        files.push(InputFile {
            path: entry.path().to_path_buf(),
            display,
            format,
            compression,
            size,
        });
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Guesses the format of a file given by name with an unknown extension: JSON lines if it starts with `{`.
fn sniff(path: &Path) -> Format {
    let mut head = [0u8; 64];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let first = head[..n].iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'{') | Some(b'[') => Format::Jsonl,
        _ if head[..n].starts_with(b"WARC/") => Format::Warc,
        _ => Format::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(
            detect("a/b.jsonl.gz"),
            (Some(Format::Jsonl), Compression::Gzip)
        );
        assert_eq!(detect("x.JSONL"), (Some(Format::Jsonl), Compression::None));
        assert_eq!(detect("x.wet.gz"), (Some(Format::Warc), Compression::Gzip));
        assert_eq!(
            detect("x.ndjson.zst"),
            (Some(Format::Jsonl), Compression::Zstd)
        );
        assert_eq!(
            detect("x.parquet"),
            (Some(Format::Parquet), Compression::None)
        );
        assert_eq!(detect("notes.md"), (Some(Format::Text), Compression::None));
        assert_eq!(detect("image.png"), (None, Compression::None));
    }
}
