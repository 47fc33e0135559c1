//! dira: DIscriminatie Registratie en Analyse.
//!
//! Domain modules own their concept end to end (`incidents`, `screening`,
//! `candidates`, `rdo`, `poldis`, `exchange`, `codes`, `audit`, `auth`) and know
//! nothing of HTTP; the edges translate for them: the API handlers (each domain's
//! `http.rs`, served by `server`), the web pages (`web`) and the commands (`cli`).
//! Beside them the plumbing (`db`, `http`, `config`, `clock`, `error`).

// No function over 100 lines (clippy.toml): a function that long does several things.
#![warn(clippy::too_many_lines)]

pub mod adv;
pub mod audit;
pub mod auth;
pub mod candidates;
pub mod cli;
pub mod clock;
pub mod codes;
pub mod config;
pub mod csv_lines;
pub mod dashboard;
pub mod dates;
pub mod db;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod http;
pub mod incidents;
pub mod mapping;
pub mod monitor;
pub mod odihr;
pub mod poldis;
pub mod rdo;
pub mod retention;
pub mod screening;
pub mod server;
pub mod spreadsheet;
pub mod state;
pub mod synthetic;
pub mod text;
pub mod web;
