//! The single SQLite writer with group commit.
//!
//! SQLite allows one writer at a time. Rather than letting request threads queue on
//! the database lock, every write runs on one thread with one connection: it takes
//! whatever writes are waiting, runs each in a savepoint of one transaction, commits
//! once, and only then answers each caller. A caller is therefore answered after its
//! change is committed (nothing acknowledged is lost), a failing write rolls back
//! alone, and under load one commit carries many writes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use anyhow::anyhow;
use diesel::Connection;
use tokio::sync::oneshot;

use super::AnyConnection;

/// Most writes in one commit; keeps a single commit short.
const MAX_GROUP: usize = 128;

type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&mut AnyConnection) -> Deliver + Send>;

enum Message {
    Write(Job),
    /// Close the connection, then answer.
    Stop(mpsc::Sender<()>),
}

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Message>,
}

impl Writer {
    /// Starts the writer thread on `conn`; it ends when the last `Writer` is dropped.
    pub fn start(mut conn: AnyConnection) -> anyhow::Result<Writer> {
        let (jobs, queue) = mpsc::channel::<Message>();
        std::thread::Builder::new()
            .name("dira-sqlite-writer".into())
            .spawn(move || {
                let mut stopped = None;
                while let Ok(first) = queue.recv() {
                    let mut group = Vec::new();
                    for message in std::iter::once(first).chain(queue.try_iter()) {
                        match message {
                            Message::Write(job) => group.push(job),
                            Message::Stop(done) => stopped = Some(done),
                        }
                        if stopped.is_some() || group.len() == MAX_GROUP {
                            break;
                        }
                    }
                    if !group.is_empty() {
                        commit_group(&mut conn, group);
                    }
                    if stopped.is_some() {
                        break;
                    }
                }
                drop(conn);
                if let Some(done) = stopped {
                    let _ = done.send(());
                }
            })?;
        Ok(Writer { jobs })
    }

    /// Commits what was submitted before, closes the connection and returns once it
    /// is closed; later writes fail.
    pub fn stop(&self) {
        let (done, closed) = mpsc::channel();
        if self.jobs.send(Message::Stop(done)).is_ok() {
            let _ = closed.recv();
        }
    }

    /// Runs `f` in its own savepoint of the next group commit and returns its result
    /// once that commit is durable. Blocks: call it from a blocking thread.
    pub fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + From<anyhow::Error> + Send + 'static,
    {
        self.submit(f)?
            .blocking_recv()
            .map_err(|_| E::from(anyhow!("the database writer dropped a write")))?
    }

    /// The same, awaited on the async executor without occupying a thread.
    pub async fn write_async<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + From<anyhow::Error> + Send + 'static,
    {
        self.submit(f)?
            .await
            .map_err(|_| E::from(anyhow!("the database writer dropped a write")))?
    }

    fn submit<T, E, F>(&self, f: F) -> Result<oneshot::Receiver<Result<T, E>>, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + From<anyhow::Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            let result = conn.transaction(f);
            Box::new(move |committed: Result<(), String>| {
                let result = match committed {
                    Ok(()) => result,
                    Err(e) => Err(E::from(anyhow!("commit failed: {e}"))),
                };
                let _ = reply.send(result);
            })
        });
        self.jobs
            .send(Message::Write(job))
            .map_err(|_| E::from(anyhow!("the database writer has stopped")))?;
        Ok(answer)
    }
}

fn commit_group(conn: &mut AnyConnection, group: Vec<Job>) {
    let mut delivers: Vec<Deliver> = Vec::with_capacity(group.len());
    let committed = conn.transaction::<_, diesel::result::Error, _>(|c| {
        for job in group {
            // A panicking write drops its reply channel (its caller gets an error);
            // the others go on.
            if let Ok(deliver) = catch_unwind(AssertUnwindSafe(|| job(c))) {
                delivers.push(deliver);
            }
        }
        Ok(())
    });
    let outcome = committed.map_err(|e| e.to_string());
    for deliver in delivers {
        deliver(outcome.clone());
    }
}
