//! The full-screen app in a real pseudo-terminal, as a person's terminal runs it: what only the
//! terminal reader shows (a key sent right after a long paste), which `TestBackend` cannot.

#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

/// `rolo ARGS` (the app, without any) on a new pseudo-terminal of 100×30 whose controlling side
/// is returned, with everything rolo has drawn so far (read on a thread of its own, so rolo never
/// blocks on output).
fn in_a_pty(db: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (Child, File, Arc<Mutex<Vec<u8>>>) {
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: two valid out-pointers and a valid winsize; no name buffer or termios is passed.
    let made = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(made, 0, "a pseudo-terminal is available");
    // SAFETY: openpty returned two open descriptors that nothing else owns.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut cmd = common::rolo_in(db, "C.UTF-8");
    cmd.args(args).env_remove("VISUAL").envs(env.iter().copied());
    cmd.env("TERM", "xterm-256color")
        .stdin(Stdio::from(slave.try_clone().unwrap()))
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    // SAFETY: only async-signal-safe calls between fork and exec: a new session whose
    // controlling terminal is the pseudo-terminal on standard input.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = cmd.spawn().expect("rolo starts");
    let terminal = File::from(master);
    let mut screen = terminal.try_clone().unwrap();
    let drawn = Arc::new(Mutex::new(Vec::new()));
    let seen = drawn.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = screen.read(&mut buf) {
            seen.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    (child, terminal, drawn)
}

/// Waits (ten seconds at most) until the app has drawn `text`.
fn wait_for(drawn: &Mutex<Vec<u8>>, text: &str) {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if drawn.lock().unwrap().windows(text.len()).any(|w| w == text.as_bytes()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // What was drawn last, to see where the app stood.
    let tail: String = String::from_utf8_lossy(&drawn.lock().unwrap())
        .chars()
        .rev()
        .take(1500)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    panic!("the app never drew {text:?}: {tail:?}");
}

/// Whether `child` ends within `limit`.
fn ends_within(child: &mut Child, limit: Duration) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if child.try_wait().ok().flatten().is_some() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn keys_typed_right_after_a_long_paste_are_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.redb");
    let (mut child, mut terminal, drawn) = in_a_pty(&db, &[], &[]);
    let settle = || std::thread::sleep(Duration::from_millis(700));
    wait_for(&drawn, "Welcome");
    // Start empty, open the search, and type 5,000 characters in one go, as a paste that is
    // not bracketed arrives.
    terminal.write_all(b"e/").unwrap();
    wait_for(&drawn, "Search");
    let page: String = "Bob Stone and friends ".repeat(230).chars().take(5000).collect();
    terminal.write_all(page.as_bytes()).unwrap();
    settle();
    // Esc closes the search and q quits: both must be read now, not when another key comes.
    terminal.write_all(b"\x1b").unwrap();
    settle();
    terminal.write_all(b"q").unwrap();
    let ended = ends_within(&mut child, Duration::from_secs(10));
    if !ended {
        let _ = child.kill();
    }
    assert!(ended, "Esc and q after a long paste were held back");
}

#[test]
fn ctrl_x_ctrl_e_runs_the_editor_and_takes_the_terminal_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.redb");
    // An editor that writes its text and leaves.
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf 'from the editor' > \"$1\"\n").unwrap();
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let (mut child, mut terminal, drawn) = in_a_pty(&db, &[("EDITOR", editor.to_str().unwrap())], &[]);
    wait_for(&drawn, "Welcome");
    // A new product, to its description, then Ctrl-X Ctrl-E.
    // Words are waited for one at a time: a terminal is sent only the cells that change.
    terminal.write_all(b"e").unwrap();
    wait_for(&drawn, "empty");
    terminal.write_all(b"gP").unwrap();
    wait_for(&drawn, "Products");
    terminal.write_all(b"n").unwrap();
    wait_for(&drawn, "description");
    terminal.write_all(b"Widget\t\t10\t\t\t\x18\x05").unwrap();
    wait_for(&drawn, "editor");
    // The app reads keys again: Ctrl-S saves.
    terminal.write_all(b"\x13").unwrap();
    wait_for(&drawn, "created");
    terminal.write_all(b"\x1b").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    terminal.write_all(b"q").unwrap();
    let ended = ends_within(&mut child, Duration::from_secs(10));
    if !ended {
        let _ = child.kill();
    }
    assert!(ended, "the app answered no key after the editor");
}

#[test]
fn a_long_command_shows_its_progress_on_a_terminal_and_not_for_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.redb");
    let (mut child, _terminal, drawn) = in_a_pty(&db, &[], &["demo", "--contacts", "20000"]);
    wait_for(&drawn, "making the demo");
    assert!(ends_within(&mut child, Duration::from_secs(120)), "the demo ends");
    wait_for(&drawn, "demo data added");
    // The same with --json on the same terminal: nothing but the JSON.
    let other = dir.path().join("u.redb");
    let (mut child, _terminal, drawn) = in_a_pty(&other, &[], &["--json", "demo", "--contacts", "20000"]);
    assert!(ends_within(&mut child, Duration::from_secs(120)), "the demo ends");
    wait_for(&drawn, "\"contacts\"");
    let said = String::from_utf8_lossy(&drawn.lock().unwrap()).into_owned();
    assert!(!said.contains("making the demo"), "{said}");
}
