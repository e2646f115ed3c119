//! chaff's input-facing code, compiled from the main crate's own source files (`#[path]`),
//! so the fuzz targets exercise exactly that code without building Polars under a
//! sanitizer (which takes longer than the fuzzing itself). Only `load/mod.rs` is not
//! shared: its `Loader` needs Polars and rayon; the small block sink the readers write
//! into is mirrored in `load/mod.rs` here.
//!
//! If one of these files starts using another chaff module or a new crate, add it here.
#![allow(dead_code, unused_imports)]

#[path = "../../src/record.rs"]
pub mod record;

#[path = "../../src/normalise.rs"]
pub mod normalise;

#[path = "../../src/shingle.rs"]
pub mod shingle;

#[path = "../../src/minhash.rs"]
pub mod minhash;

#[path = "../../src/repetition.rs"]
pub mod repetition;

#[path = "../../src/analyse.rs"]
pub mod analyse;

pub mod boilerplate;
pub mod load;
