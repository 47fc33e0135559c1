//! The operator: whoever runs a command on the server itself, with the admin role
//! there. Named in the history and the audit log as `cli:USER`.

/// Who runs a command on the server itself, for the history and the audit log:
/// `cli:` and the login name ([`crate::config::operator_name`]).
pub fn operator() -> String {
    format!("cli:{}", crate::config::operator_name())
}

/// The audit entry of a command run by the operator (who has the admin role there).
pub fn audit(
    conn: &mut crate::db::AnyConnection,
    action: &str,
    object: String,
    outcome: &str,
    detail: String,
) -> anyhow::Result<()> {
    let operator = crate::auth::Principal::operator(operator());
    let now = crate::clock::Clock::system().now();
    let entry = crate::audit::Entry::new(now, Some(&operator), action, object, outcome);
    crate::audit::record(conn, &entry.with_detail(detail))?;
    Ok(())
}
