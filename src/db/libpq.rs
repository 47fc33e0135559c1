//! The few libpq calls dira makes beyond diesel, for `COPY … TO STDOUT` on a
//! connection of its own ([`super::copy_out`]): connect, run a statement, receive a
//! COPY's rows. libpq (pq-sys, the library under diesel's `PgConnection`) reads the URL
//! and the `PG*` environment exactly as the pool does. Each `unsafe` block says why it
//! holds.

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr::NonNull;

use anyhow::{bail, Context};
use pq_sys::{ConnStatusType, ExecStatusType};

/// A libpq connection (`PGconn`), closed when dropped. The few calls dira needs
/// beyond diesel, each checked: connect, run a statement, receive a COPY.
pub(super) struct Libpq(NonNull<pq_sys::PGconn>);

// SAFETY: libpq allows a connection to be used from any thread as long as one thread
// at a time uses it; every use goes through `&mut self`.
unsafe impl Send for Libpq {}

impl Libpq {
    /// Connects with libpq's own reading of `url` (a URI or `key=value` string) and
    /// of the `PG*` environment, as diesel does.
    pub(super) fn connect(url: &str) -> anyhow::Result<Libpq> {
        let info = CString::new(url).context("the database URL holds a NUL character")?;
        // SAFETY: `info` is a NUL-terminated string that outlives the call; libpq
        // answers null only when it cannot allocate.
        let raw = unsafe { pq_sys::PQconnectdb(info.as_ptr()) };
        let conn = Libpq(NonNull::new(raw).context("libpq could not allocate a connection")?);
        // SAFETY: `conn.0` is a live connection (closed only by `Drop`).
        if unsafe { pq_sys::PQstatus(conn.0.as_ptr()) } != ConnStatusType::CONNECTION_OK {
            bail!("{}", conn.error());
        }
        Ok(conn)
    }

    /// libpq's message about the last failure on this connection.
    fn error(&self) -> String {
        // SAFETY: the connection is live; libpq answers a NUL-terminated string it
        // owns, valid until the next call on the connection, and copied here.
        let message = unsafe { CStr::from_ptr(pq_sys::PQerrorMessage(self.0.as_ptr())) };
        message.to_string_lossy().trim().to_owned()
    }

    /// Runs `sql` (one or more statements that answer no rows).
    pub(super) fn execute(&mut self, sql: &str) -> anyhow::Result<()> {
        self.run(sql, ExecStatusType::PGRES_COMMAND_OK).map(drop)
    }

    /// The first value of the first row `sql` answers, as text.
    pub(super) fn value(&mut self, sql: &str) -> anyhow::Result<String> {
        let result = self.run(sql, ExecStatusType::PGRES_TUPLES_OK)?;
        // SAFETY: the result is live; row 0 and column 0 exist when it has a row,
        // and libpq answers a NUL-terminated string owned by the result.
        unsafe {
            if pq_sys::PQntuples(result.0.as_ptr()) < 1 {
                bail!("{sql:?} answered no row");
            }
            let value = pq_sys::PQgetvalue(result.0.as_ptr(), 0, 0);
            Ok(CStr::from_ptr(value).to_string_lossy().into_owned())
        }
    }

    /// Starts `COPY … TO STDOUT`; the rows then come from [`Libpq::copy_row`].
    pub(super) fn start_copy_out(&mut self, command: &str) -> anyhow::Result<()> {
        self.run(command, ExecStatusType::PGRES_COPY_OUT).map(drop)
    }

    /// The next row of the COPY under way (with its new line), `None` after the
    /// last; then the COPY's own outcome is checked.
    pub(super) fn copy_row(&mut self) -> anyhow::Result<Option<CopyData>> {
        let mut buffer: *mut c_char = std::ptr::null_mut();
        // SAFETY: the connection is live and in COPY OUT state (after
        // `start_copy_out`); blocking mode (0). On success libpq hands over a buffer
        // of `n` bytes that `CopyData` frees.
        let n = unsafe { pq_sys::PQgetCopyData(self.0.as_ptr(), &mut buffer, 0) };
        match (n, NonNull::new(buffer)) {
            (n, Some(bytes)) if n > 0 => Ok(Some(CopyData {
                bytes,
                len: n as usize,
            })),
            (-1, _) => {
                self.finish_copy()?;
                Ok(None)
            }
            _ => bail!("receiving the rows failed: {}", self.error()),
        }
    }

    /// The outcome of the COPY that just ended, and every result after it.
    fn finish_copy(&mut self) -> anyhow::Result<()> {
        let mut failure = None;
        // SAFETY: the connection is live; each result is owned by `Answer`.
        while let Some(result) = NonNull::new(unsafe { pq_sys::PQgetResult(self.0.as_ptr()) }) {
            let result = Answer(result);
            if failure.is_none() && result.status() != ExecStatusType::PGRES_COMMAND_OK {
                failure = Some(result.error());
            }
        }
        match failure {
            Some(message) => bail!("the COPY failed: {message}"),
            None => Ok(()),
        }
    }

    /// Runs `sql` and checks that its (last) result has the status `expected`.
    fn run(&mut self, sql: &str, expected: ExecStatusType) -> anyhow::Result<Answer> {
        let sql = CString::new(sql).context("an SQL statement holds a NUL character")?;
        // SAFETY: the connection is live and `sql` is a NUL-terminated string that
        // outlives the call; the result (null only when out of memory) is owned by
        // `Answer`.
        let result = unsafe { pq_sys::PQexec(self.0.as_ptr(), sql.as_ptr()) };
        let Some(result) = NonNull::new(result).map(Answer) else {
            bail!("{}", self.error());
        };
        if result.status() != expected {
            bail!("{}", result.error());
        }
        Ok(result)
    }
}

impl Drop for Libpq {
    fn drop(&mut self) {
        // SAFETY: the connection is live and not used after this.
        unsafe { pq_sys::PQfinish(self.0.as_ptr()) }
    }
}

/// A statement's result (`PGresult`), cleared when dropped.
struct Answer(NonNull<pq_sys::PGresult>);

impl Answer {
    fn status(&self) -> ExecStatusType {
        // SAFETY: the result is live.
        unsafe { pq_sys::PQresultStatus(self.0.as_ptr()) }
    }

    fn error(&self) -> String {
        // SAFETY: the result is live; the message is a NUL-terminated string it
        // owns, copied here.
        let message = unsafe { CStr::from_ptr(pq_sys::PQresultErrorMessage(self.0.as_ptr())) };
        message.to_string_lossy().trim().to_owned()
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        // SAFETY: the result is live and not used after this.
        unsafe { pq_sys::PQclear(self.0.as_ptr()) }
    }
}

/// One row as libpq received it, freed when dropped.
pub(super) struct CopyData {
    bytes: NonNull<c_char>,
    len: usize,
}

impl CopyData {
    pub(super) fn bytes(&self) -> &[u8] {
        // SAFETY: libpq handed over `len` initialised bytes at `bytes`, alive until
        // `Drop` frees them.
        unsafe { std::slice::from_raw_parts(self.bytes.as_ptr().cast::<u8>(), self.len) }
    }
}

impl Drop for CopyData {
    fn drop(&mut self) {
        // SAFETY: the buffer came from `PQgetCopyData` and is freed once.
        unsafe { pq_sys::PQfreemem(self.bytes.as_ptr().cast()) }
    }
}
