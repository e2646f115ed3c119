//! chaff: audit and clean scraped text corpora.
//!
//! Data flows one way: [`load`] → [`analyse`] (per document, in parallel) →
//! corpus-wide stages ([`boilerplate`], [`dedup`]) → [`frames`] → sinks
//! ([`sink`], [`summary`], [`report`]). [`pipeline`] wires the stages; the
//! subcommands in [`cmd`] choose which stages and sinks run.

pub mod analyse;
pub mod boilerplate;
pub mod clean;
pub mod cli;
pub mod cmd;
pub mod dedup;
pub mod entities;
pub mod examples;
pub mod frames;
pub mod lang;
pub mod load;
pub mod lsh;
pub mod memory;
pub mod minhash;
pub mod normalise;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod repetition;
pub mod report;
pub mod setstore;
pub mod shingle;
pub mod sink;
pub mod summary;
pub mod unionfind;

/// Helpers shared by the unit tests.
#[cfg(test)]
pub(crate) mod testutil {
    /// A seeded xorshift64 stream: the same test data on every run and machine.
    pub fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }
}
