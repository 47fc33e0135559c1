//! Integration tests: each drives the real app (or the real `dira` binary) over HTTP,
//! on a fresh database of its own. Tests that take a `&TestApp` run on SQLite and,
//! when `DIRA_TEST_POSTGRES_URL` is set, on PostgreSQL.

mod helpers;

mod authorization;
mod candidates;
mod cli;
mod codes;
mod dashboard;
mod durability;
mod exchange;
mod files;
mod hardening;
mod incidents_list;
mod migrations;
mod monitor;
mod oidc;
mod openapi;
mod operations;
mod pages;
mod poldis;
mod rdo;
mod registration;
mod replicas;
mod retention;
mod screening;
mod sign_in;
mod web;
