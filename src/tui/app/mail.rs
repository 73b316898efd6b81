//! Mail the app sends: one email from the composer, a campaign or today's birthday greetings
//! (`tui::sends`). Sending waits on a mail server, so it runs on a worker while the
//! app stays live; the status bar says how far it got and, at the end, what it came to. One
//! send at a time.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

use super::*;
use crate::tui::sends::MailWork;

/// A send under way.
pub struct MailJob {
    /// What is sent, for the status bar ("the campaign Spring push").
    what: String,
    /// Messages handed over so far, and how many in all.
    progress: Arc<(AtomicUsize, AtomicUsize)>,
    /// What to say when done, or the error.
    answer: Receiver<Result<String, String>>,
}

impl App {
    /// Sends through the SMTP server of the settings (or `ROLO_SMTP_URL`) on a worker; refused,
    /// saying why, while another send runs or when no server is configured. Says whether it
    /// started.
    pub(super) fn send_mail(&mut self, what: String, work: MailWork) -> bool {
        if let Some(job) = &self.mail {
            let why = format!("{} is still being sent: wait for it to finish", job.what);
            self.say_error(why);
            return false;
        }
        let outbox = self.crm.mail_settings().map_err(|e| e.to_string()).and_then(|s| crate::mail::smtp(&s));
        let mut outbox = match outbox {
            Ok(o) => o,
            Err(why) => {
                self.say_error(why);
                return false;
            }
        };
        let (tx, answer) = channel();
        let progress = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let (crm, seen) = (self.crm.clone(), progress.clone());
        crate::tui::background::spawn(move || {
            let mut step = |done: usize, all: usize| {
                seen.0.store(done, Ordering::Relaxed);
                seen.1.store(all, Ordering::Relaxed);
            };
            let _ = tx.send(work(&crm, &mut outbox, &mut step).map_err(|e| e.to_string()));
        });
        self.say(format!("sending {what}…"));
        self.mail = Some(MailJob { what, progress, answer });
        true
    }

    /// Takes the answer of the send under way, if it came, and says it; else says how far it is.
    pub(super) fn poll_mail(&mut self) {
        let Some(job) = &self.mail else { return };
        match job.answer.try_recv() {
            Ok(answer) => {
                self.mail = None;
                self.refresh_after_write();
                match answer {
                    Ok(said) => self.say(said),
                    Err(why) => self.say_error(why),
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                let (done, all) = (job.progress.0.load(Ordering::Relaxed), job.progress.1.load(Ordering::Relaxed));
                if all > 1 {
                    let bar = crate::tui::detail::progress_bar(done, all, 20);
                    let said = format!("sending {}: {bar} {done} of {all}", job.what);
                    if self.message.as_ref().is_none_or(|m| m.text != said) {
                        self.say(said);
                    }
                }
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.mail = None;
                self.say_error("the send stopped unexpectedly: see the contacts' timelines for what went");
            }
        }
    }

    /// Whether a send is under way (the loop keeps drawing its progress).
    pub(super) fn sending(&self) -> bool {
        self.mail.is_some()
    }
}
