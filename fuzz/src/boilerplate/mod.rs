//! The marker rules only (the repeated-line counting in the main crate uses Polars).

#[path = "../../../src/boilerplate/literal_gate.rs"]
mod literal_gate;
#[path = "../../../src/boilerplate/rules.rs"]
pub mod rules;
#[path = "../../../src/boilerplate/tail_gate.rs"]
mod tail_gate;
