//! The account names a transaction writes into search texts (a contact's or deal's text holds
//! its account's name): each read from the store once while it stays at hand, and those of the
//! accounts a bulk load makes kept however many there are, compactly, since the load's other
//! records name them over and over in no useful order.

use rustc_hash::FxHashMap as HashMap;

use crate::model::Id;

/// How many names read from the store a transaction keeps at hand.
const LOOKED_UP: usize = 1 << 16;

/// The account names a transaction knows (see the module).
#[derive(Debug, Default)]
pub(super) struct AccountNames {
    /// Names read from the store, at most [`LOOKED_UP`] at a time.
    looked_up: HashMap<Id, String>,
    /// The accounts made in this transaction, by ascending id, with where each name ends in
    /// `made_text`.
    made: Vec<(Id, usize)>,
    /// Their names, one after another.
    made_text: String,
}

impl AccountNames {
    /// The name of account `id`, if known.
    pub(super) fn get(&self, id: Id) -> Option<&str> {
        if let Some(name) = self.looked_up.get(&id) {
            return Some(name);
        }
        // Accounts made one after another have ids one after another: where that holds, the
        // place of `id` is its distance from the first, with no search.
        let first = self.made.first()?.0;
        let guess = id.checked_sub(first).and_then(|d| usize::try_from(d).ok());
        let at = match guess.filter(|&at| self.made.get(at).is_some_and(|&(made, _)| made == id)) {
            Some(at) => at,
            None => self.made.binary_search_by_key(&id, |&(made, _)| made).ok()?,
        };
        let start = at.checked_sub(1).map_or(0, |before| self.made[before].1);
        self.made_text.get(start..self.made[at].1)
    }

    /// Keeps a name read from the store (a bounded number of them: the oldest go first).
    pub(super) fn looked_up(&mut self, id: Id, name: String) {
        if self.looked_up.len() >= LOOKED_UP {
            self.looked_up.clear();
        }
        self.looked_up.insert(id, name);
    }

    /// Keeps the name of an account this transaction made (ids come in ascending order; one
    /// that does not is kept as one read).
    pub(super) fn made(&mut self, id: Id, name: &str) {
        if self.made.last().is_some_and(|&(last, _)| last >= id) {
            return self.looked_up(id, name.to_string());
        }
        self.made_text.push_str(name);
        self.made.push((id, self.made_text.len()));
    }

    /// Forgets what is known of account `id` (changed, removed or put back).
    pub(super) fn forget(&mut self, id: Id) {
        self.looked_up.remove(&id);
        if self.made.binary_search_by_key(&id, |&(made, _)| made).is_ok() {
            self.made.clear();
            self.made_text.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_made_and_read_are_known_until_forgotten() {
        let mut names = AccountNames::default();
        names.made(3, "Acme");
        names.made(4, "");
        names.made(9, "Globex Łódź");
        names.made(7, "Out of order");
        names.looked_up(1, "Initech".into());
        assert_eq!(
            [1, 3, 4, 7, 9, 5].map(|id| names.get(id)),
            [Some("Initech"), Some("Acme"), Some(""), Some("Out of order"), Some("Globex Łódź"), None]
        );
        names.forget(1);
        assert_eq!(names.get(1), None);
        assert_eq!(names.get(3), Some("Acme"));
        names.forget(9);
        assert_eq!([3, 9, 7].map(|id| names.get(id)), [None, None, Some("Out of order")]);
    }
}
