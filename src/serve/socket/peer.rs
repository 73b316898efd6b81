//! Who is at the other end of a local socket, as the kernel says (not as the client claims), the
//! names the system gives users and groups, and writing to a socket whose other end may have gone
//! without the signal that would end rolo (the binary takes `SIGPIPE` back, for `rolo … | head`).

use std::ffi::{CStr, CString};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

/// The user id of the process at the other end of `stream`, from the kernel's peer credentials.
pub fn peer_uid(stream: &UnixStream) -> io::Result<u32> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let mut cred = libc::ucred { pid: 0, uid: 0, gid: 0 };
        let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
        // SAFETY: `cred` and `len` are valid for writes of the sizes given, and the descriptor is
        // open for as long as `stream` is borrowed.
        let got = unsafe {
            libc::getsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERCRED,
                (&raw mut cred).cast(),
                &raw mut len,
            )
        };
        if got != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(cred.uid)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let (mut uid, mut gid) = (0, 0);
        // SAFETY: both out-pointers are valid, and the descriptor is open while `stream` is.
        if unsafe { libc::getpeereid(stream.as_raw_fd(), &raw mut uid, &raw mut gid) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(uid)
    }
}

/// A writer over a socket that says a closed other end as an error (`BrokenPipe`) instead of
/// raising `SIGPIPE`.
pub struct Quiet<'a>(pub &'a UnixStream);

impl io::Write for Quiet<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let flags = libc::MSG_NOSIGNAL;
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let flags = 0;
        // SAFETY: `buf` is valid for reads of its length; the descriptor is open while borrowed.
        let sent = unsafe { libc::send(self.0.as_raw_fd(), buf.as_ptr().cast(), buf.len(), flags) };
        if sent < 0 { Err(io::Error::last_os_error()) } else { Ok(sent as usize) }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Calls a reentrant `get*_r` lookup with a buffer that grows while the system says it is too
/// small; `Ok(false)` when there is no such entry.
fn lookup(mut call: impl FnMut(&mut [libc::c_char]) -> (libc::c_int, bool)) -> io::Result<bool> {
    let mut buffer = vec![0 as libc::c_char; 1024];
    loop {
        match call(&mut buffer) {
            (0, found) => return Ok(found),
            (libc::ERANGE, _) if buffer.len() < 1 << 20 => buffer.resize(buffer.len() * 2, 0),
            (code, _) => return Err(io::Error::from_raw_os_error(code)),
        }
    }
}

/// The name of the account with user id `uid`.
pub fn user_name(uid: u32) -> io::Result<String> {
    // SAFETY: a `passwd` of zeroes is a valid value for the call to fill.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut name = None;
    let found = lookup(|buffer| {
        let mut result = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the sizes given; the strings the entry points to
        // live in `buffer`, read before it changes.
        let code = unsafe { libc::getpwuid_r(uid, &raw mut entry, buffer.as_mut_ptr(), buffer.len(), &raw mut result) };
        if code == 0 && !result.is_null() {
            // SAFETY: on success `pw_name` is a NUL-terminated string inside `buffer`.
            name = Some(unsafe { CStr::from_ptr(entry.pw_name) }.to_string_lossy().into_owned());
        }
        (code, !result.is_null())
    })?;
    match (found, name) {
        (true, Some(name)) => Ok(name),
        _ => Err(io::Error::new(io::ErrorKind::NotFound, format!("user id {uid} has no account name"))),
    }
}

/// The id of the group named `name`.
pub fn group_id(name: &str) -> io::Result<u32> {
    let unknown = || io::Error::new(io::ErrorKind::NotFound, format!("there is no group {name} on this system"));
    let c_name = CString::new(name).map_err(|_| unknown())?;
    // SAFETY: a `group` of zeroes is a valid value for the call to fill.
    let mut entry: libc::group = unsafe { std::mem::zeroed() };
    let found = lookup(|buffer| {
        let mut result = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the sizes given.
        let code = unsafe {
            libc::getgrnam_r(c_name.as_ptr(), &raw mut entry, buffer.as_mut_ptr(), buffer.len(), &raw mut result)
        };
        (code, !result.is_null())
    })?;
    if found { Ok(entry.gr_gid) } else { Err(unknown()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_of_a_socket_pair_is_this_process_user() {
        let (a, _b) = UnixStream::pair().expect("a socket pair");
        // SAFETY: getuid cannot fail.
        let me = unsafe { libc::getuid() };
        assert_eq!(peer_uid(&a).expect("credentials"), me);
        assert!(!user_name(me).expect("a name").is_empty());
    }

    #[test]
    fn an_unknown_group_is_said_by_name() {
        let e = group_id("no-such-group-for-rolo").expect_err("unknown");
        assert_eq!(e.to_string(), "there is no group no-such-group-for-rolo on this system");
        assert_eq!(group_id("root").expect("root's group"), 0);
    }
}
