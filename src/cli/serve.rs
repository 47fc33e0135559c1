//! `dira serve` and `dira demo`: the HTTP service in the foreground until SIGTERM or
//! SIGINT.

use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;

use super::Database;
use crate::db::Db;
use crate::server::{Application, Settings};

/// The arguments of `dira serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Worker threads (default: one per core).
    #[arg(long)]
    workers: Option<usize>,
}

impl ServeArgs {
    /// Serves the database until stopped.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        serve(&database.open()?, &self.bind, self.workers)?;
        Ok(ExitCode::SUCCESS)
    }
}

/// The arguments of `dira demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// Number of synthetic incidents when the database is empty.
    #[arg(long, default_value_t = 6000)]
    incidents: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
}

impl DemoArgs {
    /// Fills the demo database (default [`crate::demo::DEFAULT_URL`]) and serves it.
    pub fn run(self, database: &Database) -> anyhow::Result<ExitCode> {
        let db = database.open_or(crate::demo::DEFAULT_URL)?;
        crate::demo::prepare(&db, self.incidents, self.seed)?;
        serve(&db, &self.bind, None)?;
        Ok(ExitCode::SUCCESS)
    }
}

fn serve(db: &Db, bind: &str, workers: Option<usize>) -> anyhow::Result<()> {
    // Misconfigured sign-in (a provider half configured) stops here, before binding.
    let settings = Settings::from_env(workers)?;
    if settings.sign_in.oidc.is_none() && !settings.sign_in.local_accounts {
        tracing::warn!("local accounts are off and no identity provider is set: nobody can sign in to the pages");
    }
    if let Some(provider) = &settings.sign_in.oidc {
        match provider.check() {
            Ok(()) => tracing::info!(issuer = %provider.settings.issuer, "single sign-on ready"),
            Err(e) => tracing::warn!(
                issuer = %provider.settings.issuer,
                "single sign-on cannot be used yet ({e}); sign-in through the provider fails until this is fixed"
            ),
        }
    }
    let listener = TcpListener::bind(bind).with_context(|| format!("cannot listen on {bind}"))?;
    // The bound address, not the asked one: with port 0 the system picks a free port.
    let address = listener.local_addr()?;
    // The retention policy is checked before the service starts: a wrong setting stops it.
    let policy =
        crate::retention::Policy::from_env(&crate::codes::Catalog::load(&mut *db.conn()?)?)?;
    let clock = settings.clock.clone();
    let app = Application::build(db.clone(), listener, settings)?;
    crate::retention::start(db.clone(), policy, clock)?;
    tracing::info!(%address, "dira serves; API documentation at /docs");
    actix_web::rt::System::new().block_on(app.run_until_stopped())?;
    tracing::info!("stopped cleanly");
    Ok(())
}
