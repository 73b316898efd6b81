//! Thread priorities: work that can wait (the app's background work, the sorting of a bulk
//! load's held-back index keys) yields the cores to the threads someone waits on (the one that
//! reads keys and draws, the one that writes).

/// Lowers the calling thread's priority by `steps` (raises its nice value, to 19 at most); the
/// threads it starts inherit it. Where the system refuses or has no such thing, nothing changes.
pub fn lower(steps: i32) {
    set(current().saturating_add(steps).min(19));
}

/// The calling thread's nice value: on Linux -1 should it not be read, elsewhere 0 (the usual).
#[cfg(target_os = "linux")]
pub fn current() -> i32 {
    // SAFETY: reads the nice value of the calling thread (Linux keeps one per thread). The -1
    // of an error is a possible value too: taken as one, it errs toward lowering less.
    unsafe { libc::getpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t) }
}

#[cfg(target_os = "linux")]
fn set(nice: i32) {
    // SAFETY: sets the nice value of the calling thread only. A refusal leaves it as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS as _, libc::gettid() as libc::id_t, nice);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn current() -> i32 {
    0
}

#[cfg(not(target_os = "linux"))]
fn set(_: i32) {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn a_thread_lowered_runs_below_the_one_that_started_it_and_never_below_the_lowest() {
        let ours = super::current();
        if ours == 19 {
            return; // Nothing lower to go to.
        }
        let (once, twice) = std::thread::scope(|s| {
            s.spawn(|| {
                super::lower(5);
                let once = super::current();
                super::lower(50);
                (once, super::current())
            })
            .join()
            .unwrap()
        });
        if once == ours {
            return; // A system that refuses: the priority is left as it was, which is all it may do.
        }
        assert_eq!(once, (ours + 5).min(19));
        assert_eq!(twice, 19);
        assert_eq!(super::current(), ours, "the thread that started it is as it was");
    }
}
