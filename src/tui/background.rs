//! Work the app does off its own thread (searches, long lists, reports, imports, loading the
//! search index) runs at a lower priority than the threads that read keys and draw: with many
//! sessions served on one machine, a search waits for a core rather than a keystroke's frame.

/// Runs `work` on one of a few shared worker threads, at a lower priority (10 steps of nice
/// below the app's) where the system allows. However many sessions search at once, no more
/// threads run their work than the pool holds: hundreds of sessions typing queue their searches
/// (superseded ones give up as they start) instead of each keystroke starting a thread that
/// competes for the cores.
pub fn spawn(work: impl FnOnce() + Send + 'static) {
    POOL.spawn(work);
}

/// The workers: twice the cores and at least four, so that a long job (an import, a report over a
/// big file) leaves others running.
static POOL: std::sync::LazyLock<rayon::ThreadPool> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads((2 * cores).max(4))
        .thread_name(|n| format!("rolo worker {n}"))
        .start_handler(|_| crate::priority::lower(10))
        // A job that panics ends alone, as a thread of its own did; the app sees no answer.
        .panic_handler(|_| {})
        .build()
        .expect("the background worker threads start")
});

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn background_work_runs_at_a_lower_priority_than_the_thread_that_started_it() {
        let (tx, rx) = std::sync::mpsc::channel();
        let ours = crate::priority::current();
        super::spawn(move || {
            let _ = tx.send(crate::priority::current());
        });
        let theirs = rx.recv().unwrap();
        assert!(theirs > ours || ours == 19, "{theirs} after {ours}");
    }

    #[test]
    fn however_many_jobs_are_spawned_only_the_pool_runs_them_at_once() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (running, most, done) =
            (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        for _ in 0..64 {
            let (running, most, done) = (running.clone(), most.clone(), done.clone());
            super::spawn(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while done.load(Ordering::SeqCst) < 64 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(done.load(Ordering::SeqCst), 64, "every job ran");
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        assert!(most.load(Ordering::SeqCst) <= (2 * cores).max(4), "{} at once", most.load(Ordering::SeqCst));
    }
}
