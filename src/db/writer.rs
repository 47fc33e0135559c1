//! The single SQLite writer with group commit.
//!
//! SQLite allows one writer at a time. Rather than letting request threads queue on
//! the database lock, every write runs on one thread with one connection: it takes
//! whatever writes are waiting, runs each in a savepoint of one transaction, commits
//! once, and only then answers each caller. A caller is therefore answered after its
//! change is committed (nothing acknowledged is lost), and under load one commit
//! carries many writes.
//!
//! A failing write rolls back alone: an error or a panic inside a write rolls back its
//! savepoint and answers that caller with an error; the other writes of the group go
//! on. Should a write leave the transaction in a state the writer cannot vouch for
//! (the savepoint could not be rolled back, the commit failed), the whole group is
//! rolled back, every caller of the group is answered with an error, and the writer
//! opens a fresh connection for the next group. A caller is told "stored" only after
//! the commit that holds its write has returned.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use anyhow::anyhow;
use diesel::connection::{TransactionManager, TransactionManagerStatus};
use diesel::r2d2::R2D2Connection;
use diesel::Connection;
use tokio::sync::oneshot;

use super::AnyConnection;

/// Most writes in one commit; keeps a single commit short.
const MAX_GROUP: usize = 128;

type Deliver = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&mut AnyConnection) -> Deliver + Send>;
type Opener = Box<dyn Fn() -> anyhow::Result<AnyConnection> + Send>;

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
    /// Starts the writer thread on a connection from `open`, which is called again
    /// whenever a failed group leaves the connection in doubt. The thread ends when
    /// the last `Writer` is dropped.
    pub fn start(
        open: impl Fn() -> anyhow::Result<AnyConnection> + Send + 'static,
    ) -> anyhow::Result<Writer> {
        let open: Opener = Box::new(open);
        let first = open()?;
        let (jobs, queue) = mpsc::channel::<Message>();
        std::thread::Builder::new()
            .name("dira-sqlite-writer".into())
            .spawn(move || serve(Some(first), &open, &queue))?;
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
            // The panic is caught inside the savepoint, so the savepoint is rolled
            // back like for any other error.
            let result = conn.transaction(|c| {
                catch_unwind(AssertUnwindSafe(|| f(c))).unwrap_or_else(|panic| {
                    Err(E::from(anyhow!("the write failed: {}", reason(&*panic))))
                })
            });
            Box::new(move |committed: Result<(), String>| {
                let result = match committed {
                    Ok(()) => result,
                    Err(e) => Err(E::from(anyhow!("not stored: {e}"))),
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

/// The writer thread: group commits until stopped or the last `Writer` is gone.
fn serve(mut conn: Option<AnyConnection>, open: &Opener, queue: &mpsc::Receiver<Message>) {
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
            conn = commit_or_reopen(conn, open, group);
        }
        if stopped.is_some() {
            break;
        }
    }
    drop(conn);
    if let Some(done) = stopped {
        let _ = done.send(());
    }
}

/// Commits `group` on `conn` (opened first when there is none); returns the
/// connection for the next group, or `None` when it is in doubt and was closed
/// (closing rolls back whatever it had not committed).
fn commit_or_reopen(
    conn: Option<AnyConnection>,
    open: &Opener,
    group: Vec<Job>,
) -> Option<AnyConnection> {
    let mut conn = match conn.map_or_else(open, Ok) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::error!(error = %e, "the database writer cannot open its connection");
            refuse(group, &format!("no database connection: {e}"));
            return None;
        }
    };
    match commit_group(&mut conn, group) {
        Ok(()) if !conn.is_broken() => Some(conn),
        outcome => {
            tracing::error!(
                ?outcome,
                "a group commit failed; the writer opens a new connection"
            );
            None
        }
    }
}

/// Runs each job in its own savepoint of one transaction and commits; every job is
/// answered after the commit, with the commit's outcome.
fn commit_group(conn: &mut AnyConnection, group: Vec<Job>) -> Result<(), String> {
    let mut delivers: Vec<Deliver> = Vec::with_capacity(group.len());
    let committed = conn.transaction::<_, diesel::result::Error, _>(|c| {
        for job in group {
            // Jobs catch their own panics; one that escapes (or a savepoint left open)
            // puts the whole transaction in doubt: roll it all back.
            match catch_unwind(AssertUnwindSafe(|| job(c))) {
                Ok(deliver) => delivers.push(deliver),
                Err(panic) => return Err(doubt(&format!("a write panicked: {}", reason(&*panic)))),
            }
            if depth(c) != Some(1) {
                return Err(doubt("a write left its savepoint open"));
            }
        }
        Ok(())
    });
    let outcome = committed.map_err(|e| e.to_string());
    for deliver in delivers {
        deliver(outcome.clone());
    }
    outcome
}

/// How many transactions and savepoints are open on `conn` (`None` for none, or when
/// the transaction manager is broken).
fn depth(conn: &mut AnyConnection) -> Option<u32> {
    let status: &mut TransactionManagerStatus =
        <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    status.transaction_depth().ok().flatten().map(|d| d.get())
}

fn doubt(message: &str) -> diesel::result::Error {
    diesel::result::Error::QueryBuilderError(message.into())
}

/// Answers every job of `group` with an error without running it.
fn refuse(group: Vec<Job>, message: &str) {
    // A job's answer is built by running it; without a connection, dropping it drops
    // its reply channel, and its caller gets "the database writer dropped a write".
    drop(group);
    tracing::error!("refused a group of writes: {message}");
}

/// The message of a caught panic.
fn reason(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned())
}

#[cfg(test)]
mod tests {
    //! A group commit with a failing write in it: the other writes and every later one
    //! are committed (or refused), never acknowledged and lost.
    #![allow(clippy::unwrap_used)]

    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use super::*;

    fn open(path: &std::path::Path) -> anyhow::Result<AnyConnection> {
        let mut c = diesel::SqliteConnection::establish(&path.display().to_string())?;
        c.batch_execute(
            "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY);",
        )?;
        Ok(AnyConnection::Sqlite(c))
    }

    fn insert(n: i32) -> impl FnOnce(&mut AnyConnection) -> anyhow::Result<i32> + Send {
        move |c| {
            diesel::sql_query(format!("INSERT INTO t (n) VALUES ({n})")).execute(c)?;
            Ok(n)
        }
    }

    fn stored(path: &std::path::Path) -> Vec<i32> {
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            n: i32,
        }
        let AnyConnection::Sqlite(mut c) = open(path).unwrap() else {
            unreachable!()
        };
        let rows: Vec<Row> = diesel::sql_query("SELECT n FROM t ORDER BY n")
            .load(&mut c)
            .unwrap();
        rows.into_iter().map(|r| r.n).collect()
    }

    /// Holds the writer in its first job until released, so the writes submitted
    /// meanwhile form one group.
    fn hold(writer: &Writer) -> (mpsc::Sender<()>, oneshot::Receiver<anyhow::Result<()>>) {
        let (release, held) = mpsc::channel::<()>();
        let answer = writer
            .submit(move |_c: &mut AnyConnection| -> anyhow::Result<()> {
                held.recv()?;
                Ok(())
            })
            .unwrap();
        (release, answer)
    }

    #[test]
    fn a_failing_write_in_a_group_fails_alone_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let p = path.clone();
        let writer = Writer::start(move || open(&p)).unwrap();

        let (release, held) = hold(&writer);
        let mut answers = Vec::new();
        for n in 1..=20 {
            let answer = match n {
                // A write that panics, one that errors after writing, one that panics
                // after writing: each must leave nothing behind.
                5 => writer.submit(|_c: &mut AnyConnection| -> anyhow::Result<i32> {
                    panic!("checked arithmetic forgotten")
                }),
                9 => writer.submit(|c: &mut AnyConnection| -> anyhow::Result<i32> {
                    insert(900)(c)?;
                    anyhow::bail!("refused after writing")
                }),
                13 => writer.submit(|c: &mut AnyConnection| -> anyhow::Result<i32> {
                    insert(1300)(c)?;
                    panic!("panicked after writing")
                }),
                n => writer.submit(insert(n)),
            };
            answers.push((n, answer.unwrap()));
        }
        release.send(()).unwrap();
        held.blocking_recv().unwrap().unwrap();
        let mut acknowledged = Vec::new();
        for (n, answer) in answers {
            match answer.blocking_recv().unwrap() {
                Ok(v) => acknowledged.push(v),
                Err(e) => assert!([5, 9, 13].contains(&n), "write {n} failed: {e}"),
            }
        }
        assert_eq!(acknowledged.len(), 17);

        // The writer goes on, and the other process sees what it acknowledged.
        let later = writer.write(insert(100)).unwrap();
        acknowledged.push(later);
        writer.stop();
        assert_eq!(stored(&path), acknowledged);
    }

    #[test]
    fn a_write_that_leaves_its_savepoint_open_fails_its_whole_group_and_nothing_is_acknowledged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let p = path.clone();
        let writer = Writer::start(move || open(&p)).unwrap();

        let (release, held) = hold(&writer);
        let before = writer.submit(insert(1)).unwrap();
        // Opens a savepoint behind diesel's back and never closes it.
        let rogue = writer
            .submit(|c: &mut AnyConnection| -> anyhow::Result<()> {
                <AnyConnection as Connection>::TransactionManager::begin_transaction(c)?;
                Ok(())
            })
            .unwrap();
        let after = writer.submit(insert(2)).unwrap();
        release.send(()).unwrap();
        // The holding job may have formed a group of its own before the others came.
        let _ = held.blocking_recv();
        assert!(before.blocking_recv().unwrap().is_err());
        assert!(rogue.blocking_recv().map_or(true, |r| r.is_err()));
        assert!(after.blocking_recv().map_or(true, |r| r.is_err()));

        // A fresh connection serves the next write.
        assert_eq!(writer.write(insert(3)).unwrap(), 3);
        writer.stop();
        assert_eq!(stored(&path), vec![3]);
    }
}
