//! The marker rules only (the repeated-line counting in the main crate uses Polars).

#[path = "../../../src/boilerplate/rules.rs"]
pub mod rules;
