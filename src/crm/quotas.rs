//! Sales quotas: what a user or a team should win in a month or a quarter, kept in the settings
//! table and set by those with the settings right (`rolo quota`). The quotas report
//! (`report::quotas`) sets what was won against them.

use super::{Crm, CrmError, Result};
use crate::model::{Directory, Quota, QuotaHolder, QuotaPeriod, ValidationError};
use crate::store::Read;

/// The setting key the quotas are stored under.
const KEY: &str = "quotas";

impl Crm {
    /// Every quota, by period (by its last day; a quarter after its last month), then by holder
    /// (users before teams).
    pub fn quotas(&self) -> Result<Vec<Quota>> {
        stored(&self.reader()?)
    }

    /// Sets the quota of `quota.holder` for `quota.period`, replacing the one it had. The
    /// holder must be a user or team of the database; the amount must be more than zero.
    pub fn set_quota(&self, quota: Quota) -> Result<Quota> {
        if quota.amount.0 <= 0 {
            return Err(ValidationError::new("amount", "must be more than zero: give what should be won").into());
        }
        self.write(|tx| {
            tx.settings_change(|tx| {
                check_holder(&tx.directory()?, &quota.holder)?;
                tx.put_quota(quota.clone())?;
                Ok(quota.clone())
            })
        })
    }

    /// Removes the quota of `holder` for `period`, returning it; refused when there is none.
    pub fn delete_quota(&self, holder: &QuotaHolder, period: QuotaPeriod) -> Result<Quota> {
        self.write(|tx| {
            tx.settings_change(|tx| {
                let mut all = stored(tx.read())?;
                let at = all.iter().position(|q| q.holder == *holder && q.period == period).ok_or_else(|| {
                    CrmError::NoSuch {
                        what: "quota",
                        name: format!("{holder} {period}"),
                        hint: "see the quotas with rolo quota list".into(),
                    }
                })?;
                let gone = all.remove(at);
                tx.w.set_setting(KEY, &all)?;
                tx.beyond_undo("it changed the quotas");
                Ok(gone)
            })
        })
    }
}

impl super::Tx<'_> {
    /// Stores `quota`, replacing the one its holder had for its period (unchecked: the service's
    /// own writes, and the checked [`Crm::set_quota`]).
    pub fn put_quota(&mut self, quota: Quota) -> Result<()> {
        let mut all = stored(self.read())?;
        all.retain(|q| !(q.holder == quota.holder && q.period == quota.period));
        all.push(quota);
        sort(&mut all);
        self.w.set_setting(KEY, &all)?;
        self.beyond_undo("it changed the quotas");
        Ok(())
    }

    /// The login this transaction acts as.
    pub fn acting(&self) -> &str {
        self.user
    }
}

/// The stored quotas (none in a new database).
pub(super) fn stored(r: &impl Read) -> Result<Vec<Quota>> {
    Ok(r.setting(KEY)?.unwrap_or_default())
}

/// Quotas in the order they are listed.
fn sort(all: &mut [Quota]) {
    all.sort_by_key(|q| (q.period.last_day(), std::cmp::Reverse(q.period.first_day()), q.holder.clone()));
}

/// Refuses a holder the directory does not have.
fn check_holder(directory: &Directory, holder: &QuotaHolder) -> Result<()> {
    match holder {
        QuotaHolder::User(login) if directory.user(login).is_none() => Err(CrmError::NoSuch {
            what: "user",
            name: login.clone(),
            hint: "see the users with rolo user list".into(),
        }),
        QuotaHolder::Team(team) if !directory.teams.iter().any(|t| t == team) => {
            Err(CrmError::NoSuch { what: "team", name: team.clone(), hint: "see the teams with rolo team list".into() })
        }
        _ => Ok(()),
    }
}
