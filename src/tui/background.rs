//! Work the app does off its own thread (searches, long lists, reports, imports, loading the
//! search index) runs at a lower priority than the threads that read keys and draw: with many
//! sessions served on one machine, a search waits for a core rather than a keystroke's frame.

/// Runs `work` on a thread of its own, at a lower priority (nice 10) where the system allows.
pub fn spawn(work: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        lower_priority();
        work()
    });
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // SAFETY: sets the nice value of the calling thread (Linux keeps one per thread); threads it
    // starts inherit it. A refusal leaves the priority as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn background_work_runs_at_a_lower_priority_than_the_thread_that_started_it() {
        let (tx, rx) = std::sync::mpsc::channel();
        // SAFETY: reading the nice value of the calling thread.
        let ours = unsafe { libc::getpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t) };
        super::spawn(move || {
            // SAFETY: as above, on the background thread.
            let theirs = unsafe { libc::getpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t) };
            let _ = tx.send(theirs);
        });
        let theirs = rx.recv().unwrap();
        assert!(theirs > ours || ours >= 10, "{theirs} after {ours}");
    }
}
