//! dira: DIscriminatie Registratie en Analyse.
//!
//! Domain modules own their concept end to end (`codes`, `incidents`, `auth`);
//! beside them the plumbing (`db`, `http`, `cli`).

pub mod audit;
pub mod auth;
pub mod candidates;
pub mod cli;
pub mod clock;
pub mod codes;
pub mod config;
pub mod csv_lines;
pub mod dates;
pub mod db;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod http;
pub mod incidents;
pub mod poldis;
pub mod rdo;
pub mod screening;
pub mod server;
pub mod spreadsheet;
pub mod state;
pub mod synthetic;
pub mod text;
pub mod web;
