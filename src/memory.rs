//! `--memory-limit`: stop with a clear message before the machine swaps.
//!
//! chaff streams the input, but keeps a few compact facts per record for the corpus-wide
//! stages (line hashes, a MinHash signature, the row of documents.parquet): memory grows
//! with the number of records (see README, "Memory"). The guard reads the process's
//! resident memory after every block and at stage boundaries and stops the run when it
//! passes the limit, saying how far it got and how much the whole input would need.

use std::fmt;

/// The run was stopped because resident memory passed `--memory-limit` (exit code 4).
#[derive(Debug)]
pub struct MemoryLimitError(pub String);

impl fmt::Display for MemoryLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MemoryLimitError {}

/// Resident memory of this process in bytes (VmRSS), None where /proc is unavailable.
pub fn resident_bytes() -> Option<u64> {
    proc_kb("/proc/self/status", "VmRSS:")
}

/// Physical memory of the machine in bytes (MemTotal), None where /proc is unavailable.
pub fn total_memory() -> Option<u64> {
    proc_kb("/proc/meminfo", "MemTotal:")
}

fn proc_kb(path: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let kb: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

/// Parses `--memory-limit`: `0` (off), a size (`512M`, `8G`, `1.5T`, bytes without a
/// suffix; powers of 1024) or a share of physical memory (`80%`).
pub fn parse_limit(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if let Some(pct) = s.strip_suffix('%') {
        let p: f64 = pct
            .trim()
            .parse()
            .map_err(|_| format!("not a percentage: {s}"))?;
        if !(0.0..=100.0).contains(&p) {
            return Err(format!("percentage out of range: {s}"));
        }
        return Ok(total_memory()
            .map(|t| (t as f64 * p / 100.0) as u64)
            .unwrap_or(0));
    }
    let (num, unit) = match s.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&s[..i], s[i..].to_ascii_uppercase()),
        None => (s, String::new()),
    };
    let scale: u64 = match unit.trim_end_matches("IB").trim_end_matches('B') {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("unknown size unit in {s} (use K, M, G, T or %)")),
    };
    let n: f64 = num.trim().parse().map_err(|_| format!("not a size: {s}"))?;
    if n < 0.0 {
        return Err(format!("negative size: {s}"));
    }
    Ok((n * scale as f64) as u64)
}

/// Checks resident memory against the limit (0 = no limit).
#[derive(Clone, Copy, Debug)]
pub struct MemoryGuard {
    limit: u64,
}

impl MemoryGuard {
    /// A guard for `limit` bytes; 0 disables it.
    pub fn new(limit: u64) -> Self {
        MemoryGuard { limit }
    }

    /// No limit.
    pub fn off() -> Self {
        MemoryGuard { limit: 0 }
    }

    /// The limit in bytes (0 = none).
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Errs when resident memory is above the limit. `stage` names where the run is;
    /// `records` and `read`/`total` (input bytes) say how far it got, to project the need.
    pub fn check(
        &self,
        stage: &str,
        records: usize,
        read: u64,
        total: u64,
    ) -> Result<(), MemoryLimitError> {
        if self.limit == 0 {
            return Ok(());
        }
        let Some(rss) = resident_bytes() else {
            return Ok(());
        };
        if rss <= self.limit {
            return Ok(());
        }
        let mb = |b: u64| b >> 20;
        let mut msg = format!(
            "stopped: resident memory {} MB is above --memory-limit {} MB during {stage}, after {records} records",
            mb(rss),
            mb(self.limit)
        );
        if read > 0 && read < total {
            let need = (rss as f64 * total as f64 / read as f64) as u64;
            msg.push_str(&format!(
                " and {} of {} input MB; the whole input would need about {} MB",
                mb(read),
                mb(total),
                mb(need)
            ));
        }
        msg.push_str(
            ". chaff keeps a few KB per record (see README, Memory): raise --memory-limit \
             (or 0 for none), split the input, or use `chaff dedup`, which keeps less per record",
        );
        Err(MemoryLimitError(msg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_parse() {
        assert_eq!(parse_limit("0"), Ok(0));
        assert_eq!(parse_limit("512M"), Ok(512 << 20));
        assert_eq!(parse_limit("8G"), Ok(8 << 30));
        assert_eq!(parse_limit("8GiB"), Ok(8 << 30));
        assert_eq!(parse_limit("1.5k"), Ok(1536));
        assert_eq!(parse_limit("1000"), Ok(1000));
        assert!(parse_limit("12 parsecs").is_err());
        assert!(parse_limit("-1G").is_err());
        assert!(parse_limit("150%").is_err());
        if let Some(total) = total_memory() {
            assert_eq!(parse_limit("100%"), Ok(total));
        }
    }

    #[test]
    fn guard_trips_above_the_limit_only() {
        let rss = resident_bytes().expect("Linux /proc");
        assert!(MemoryGuard::new(rss * 4).check("scan", 1, 1, 2).is_ok());
        assert!(MemoryGuard::off().check("scan", 1, 1, 2).is_ok());
        let err = MemoryGuard::new(1 << 20)
            .check("scan", 10, 5 << 20, 20 << 20)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--memory-limit 1 MB during scan, after 10 records"),
            "{err}"
        );
        assert!(err.contains("the whole input would need about"), "{err}");
    }
}
