//! New records prepared away from the thread that writes. A bulk load that makes its records on
//! a second thread (the demo draws them there) has that thread do as well the part of
//! [`Tx::create`](super::Tx::create) that needs nothing of the store: the owner and times set,
//! the texts tidied, the fields checked, the bytes encoded and the search text drawn up (no kind
//! but a case, which is not prepared, names its id in it). The one thread that writes then checks
//! only what needs the store (permissions, owners, picklists, links, the quote and marketing
//! rules) and writes: a bulk load costs the slower of the two threads rather than their sum.

use std::sync::atomic::{AtomicU64, Ordering};

use super::sales::{closing_day, place_in_stage};
use super::{Result, set_default_owner};
use crate::model::{Kind, Opportunity, Stage, Timestamp};
use crate::store::{Encoded, Indexed};

/// What a transaction stamps its new records with, for another thread to prepare them by
/// ([`Tx::stamp`](super::Tx::stamp)).
#[derive(Debug, Clone)]
pub struct Stamp {
    user: String,
    now: Timestamp,
    /// Which transaction: a record prepared for one is refused by another.
    tx: u64,
}

/// A new record prepared for [`Tx::create_prepared`](super::Tx::create_prepared) in the
/// transaction whose [`Stamp`] made it.
#[derive(Debug)]
pub struct Prepared<R> {
    rec: R,
    tx: u64,
    /// Its bytes and search text (`None`: a kind whose rules change it before it is checked,
    /// made by `create` as it stands).
    done: Option<Done>,
}

/// What preparing a record worked out ahead of its write.
#[derive(Debug)]
pub(super) struct Done {
    /// The record's stored bytes.
    pub(super) encoded: Encoded,
    /// Its search text before its account's name is added.
    pub(super) search: Option<String>,
}

/// The number of the next transaction to hand out a stamp.
static NEXT_TX: AtomicU64 = AtomicU64::new(1);

/// A number no other transaction of this process has.
pub(super) fn tx_number() -> u64 {
    NEXT_TX.fetch_add(1, Ordering::Relaxed)
}

impl Stamp {
    pub(super) fn new(user: &str, now: Timestamp, tx: u64) -> Stamp {
        Stamp { user: user.to_string(), now, tx }
    }

    /// Prepares `rec` for [`Tx::create_prepared`](super::Tx::create_prepared): the checks that
    /// need nothing of the store come now, and refuse it as `create` would.
    pub fn prepare<R: Indexed>(&self, mut rec: R) -> Result<Prepared<R>> {
        // A case's rules fill its team, account and deadlines from the store before its checks.
        if R::KIND == Kind::Case {
            return Ok(Prepared { rec, tx: self.tx, done: None });
        }
        set_default_owner(&mut rec, &self.user);
        rec.set_id(0);
        rec.touch(self.now);
        crate::model::texts::tidy(&mut rec)?;
        rec.validate()?;
        let done = Done { encoded: Encoded::of(&rec), search: rec.search_text() };
        Ok(Prepared { rec, tx: self.tx, done: Some(done) })
    }

    /// Prepares a new deal in `stage`, placed there as
    /// [`Tx::create_opportunity`](super::Tx::create_opportunity) places it (status, probability,
    /// day closed); its write refuses it if the stage is gone by then.
    pub fn prepare_opportunity(&self, mut opp: Opportunity, stage: &Stage) -> Result<Prepared<Opportunity>> {
        let closed = closing_day(&opp, self.now.local_date());
        place_in_stage(&mut opp, stage, closed);
        self.prepare(opp)
    }
}

impl<R> Prepared<R> {
    /// The record and what was worked out for it, for the transaction numbered `tx` only.
    pub(super) fn open(self, tx: u64) -> Option<(R, Option<Done>)> {
        (self.tx == tx).then_some((self.rec, self.done))
    }
}
