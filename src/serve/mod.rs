//! `rolo serve`: one process owns the database; `socket` is its local socket, through which the
//! `rolo` commands of the machine run.

#[cfg(unix)]
pub mod socket;
