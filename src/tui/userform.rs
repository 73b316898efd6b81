//! Adding or editing a user in Settings, one question at a time (login, name, email, role, team,
//! time zone): each answer is checked as it is given, so a wrong one is fixed in place, and the
//! user is written once the last is answered.

use crate::crm::UserChange;
use crate::model::{User, ValidationError, check_login};

/// How the team picker offers no team, first.
const NO_TEAM: &str = "(no team)";

/// One question of the user dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The login (a new user only: a login never changes).
    Login,
    /// The name shown.
    Name,
    /// The email address, or none.
    Email,
    /// The role.
    Role,
    /// The team, or none.
    Team,
    /// The time zone, or the machine's.
    TimeZone,
}

impl Step {
    /// Every question, in the order asked.
    const ALL: [Step; 6] = [Step::Login, Step::Name, Step::Email, Step::Role, Step::Team, Step::TimeZone];
}

/// A user being added or edited, and the question on show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDraft {
    /// The login of the user edited; `None` for a new user.
    pub editing: Option<String>,
    /// The user as answered so far.
    pub user: User,
    /// The question on show.
    pub step: Step,
    /// The role names a user may be given.
    pub roles: Vec<String>,
    /// The teams a user may join.
    pub teams: Vec<String>,
    /// The logins already in use, refused as a new user's login when given.
    pub taken: Vec<String>,
}

impl UserDraft {
    /// A new user (a rep in no team until answered otherwise), choosing among `roles` and `teams`,
    /// with a login none of `taken` has.
    pub fn new(roles: Vec<String>, teams: Vec<String>, taken: Vec<String>) -> UserDraft {
        UserDraft { editing: None, user: User::new("", "", "rep"), step: Step::Login, roles, teams, taken }
    }

    /// Changes to `user`, from their name on.
    pub fn edit(user: &User, roles: Vec<String>, teams: Vec<String>) -> UserDraft {
        let (editing, taken) = (Some(user.login.clone()), Vec::new());
        UserDraft { editing, user: user.clone(), step: Step::Name, roles, teams, taken }
    }

    /// The questions this dialog asks.
    fn steps(&self) -> &'static [Step] {
        if self.editing.is_some() { &Step::ALL[1..] } else { &Step::ALL }
    }

    /// Whether the question on show is the last: answering it saves the user.
    pub fn is_last(&self) -> bool {
        self.steps().last() == Some(&self.step)
    }

    /// The question on show, numbered ("New user, 4 of 6: role (admin, manager, rep)").
    pub fn prompt(&self) -> String {
        let steps = self.steps();
        let at = steps.iter().position(|s| *s == self.step).unwrap_or(0) + 1;
        let what = match self.step {
            Step::Login => "login (lower-case letters, digits, . _ -)".to_string(),
            Step::Name => "name".to_string(),
            Step::Email => "email (empty: none)".to_string(),
            Step::Role => format!("role ({})", self.roles.join(", ")),
            Step::Team if self.teams.is_empty() => "team (none yet: add one on the Teams tab; empty: none)".to_string(),
            Step::Team => format!("team ({}; empty: none)", self.teams.join(", ")),
            Step::TimeZone => "time zone, such as Europe/Paris (empty: the machine's)".to_string(),
        };
        let who = match &self.editing {
            Some(login) => format!("Edit {login}"),
            None => "New user".to_string(),
        };
        format!("{who}, {at} of {}: {what}", steps.len())
    }

    /// The words the question on show is answered with, when it is a choice: the roles, or "no
    /// team" then the teams.
    pub fn choices(&self) -> Option<Vec<String>> {
        match self.step {
            Step::Role => Some(self.roles.clone()),
            Step::Team => Some(std::iter::once(NO_TEAM.to_string()).chain(self.teams.iter().cloned()).collect()),
            _ => None,
        }
    }

    /// Which of `choices` the value so far is (the first when none).
    pub fn chosen(&self, choices: &[String]) -> usize {
        let value = self.value();
        choices.iter().position(|c| *c == value).unwrap_or(0)
    }

    /// What the question on show starts with: the value so far.
    pub fn value(&self) -> String {
        let u = &self.user;
        match self.step {
            Step::Login => u.login.clone(),
            Step::Name => u.name.clone(),
            Step::Email => u.email.clone().unwrap_or_default(),
            Step::Role => u.role.clone(),
            Step::Team => u.team.clone().unwrap_or_default(),
            Step::TimeZone => u.time_zone.clone().unwrap_or_default(),
        }
    }

    /// Takes the answer to the question on show, checked: `true` when another question follows
    /// (now on show), `false` when the user is complete.
    pub fn take(&mut self, text: &str) -> Result<bool, ValidationError> {
        let text = text.trim();
        let some = |t: &str| Some(t.to_string()).filter(|t| !t.is_empty());
        let u = &mut self.user;
        match self.step {
            Step::Login => {
                check_login(text)?;
                if self.taken.iter().any(|t| t == text) {
                    let m = format!("'{text}' is taken by another user: choose another login");
                    return Err(ValidationError::new("login", m));
                }
                u.login = text.to_string();
            }
            Step::Name if text.is_empty() => {
                return Err(ValidationError::new("name", "is empty: give the user's name"));
            }
            Step::Name => u.name = text.to_string(),
            Step::Email => u.email = some(text),
            Step::Role => {
                let role = text.to_lowercase();
                if !self.roles.contains(&role) {
                    let m = format!("'{text}' is not a role: use one of {}", self.roles.join(", "));
                    return Err(ValidationError::new("role", m));
                }
                u.role = role;
            }
            Step::Team => {
                u.team = match some(text) {
                    None => None,
                    Some(t) => match self.teams.iter().find(|x| x.eq_ignore_ascii_case(&t)) {
                        Some(team) => Some(team.clone()),
                        None => {
                            let m = format!("'{t}' is not a team: add it on the Teams tab first, or leave it empty");
                            return Err(ValidationError::new("team", m));
                        }
                    },
                }
            }
            Step::TimeZone => u.time_zone = some(text),
        }
        // The email and time zone are checked as the user's own fields are.
        if matches!(self.step, Step::Email | Step::TimeZone) {
            let field = if self.step == Step::Email { "email" } else { "time-zone" };
            if let Err(e) = self.user.validate()
                && e.field == field
            {
                return Err(e);
            }
        }
        let steps = self.steps();
        let next = steps.iter().position(|s| *s == self.step).and_then(|i| steps.get(i + 1));
        match next {
            Some(step) => {
                self.step = *step;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The change an edit makes: every field asked, as answered.
    pub fn change(&self) -> UserChange {
        let u = &self.user;
        UserChange {
            name: Some(u.name.clone()),
            email: Some(u.email.clone()),
            role: Some(u.role.clone()),
            team: Some(u.team.clone()),
            time_zone: Some(u.time_zone.clone()),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> UserDraft {
        UserDraft::new(vec!["admin".into(), "manager".into(), "rep".into()], vec!["East".into()], vec!["bob".into()])
    }

    #[test]
    fn a_new_user_is_asked_every_field_and_each_wrong_answer_stays_to_fix() {
        let mut d = draft();
        assert!(d.prompt().starts_with("New user, 1 of 6: login") && !d.is_last());
        assert_eq!(d.take("Ann Lee").unwrap_err().field, "login");
        assert_eq!(d.step, Step::Login, "a refused answer keeps the question");
        assert!(d.take("bob").unwrap_err().message.contains("'bob' is taken"), "asked at once, not at the end");
        for answer in ["ann", "Ann Lee", ""] {
            assert!(d.take(answer).unwrap());
        }
        assert!(d.take("boss").unwrap_err().message.contains("admin, manager, rep"));
        assert!(d.take("Manager").unwrap());
        assert!(d.take("west").unwrap_err().message.contains("Teams tab"));
        assert!(d.take("east").unwrap());
        assert_eq!(d.take("Mars/Base").unwrap_err().field, "time-zone");
        assert!(d.is_last());
        assert!(!d.take("Europe/Paris").unwrap(), "the last question");
        let u = &d.user;
        assert_eq!((u.login.as_str(), u.role.as_str(), u.team.as_deref()), ("ann", "manager", Some("East")));
        assert_eq!(u.email, None);
    }

    #[test]
    fn an_edit_starts_at_the_name_with_the_values_so_far() {
        let user = User { email: Some("ann@x.org".into()), ..User::new("ann", "Ann Lee", "rep") };
        let mut d = UserDraft::edit(&user, vec!["rep".into()], Vec::new());
        assert_eq!((d.step, d.value()), (Step::Name, "Ann Lee".to_string()));
        assert!(d.prompt().starts_with("Edit ann, 1 of 5: name"));
        assert!(d.take("Ann Park").unwrap());
        assert_eq!(d.value(), "ann@x.org");
        assert_eq!(d.take("not mail").unwrap_err().field, "email");
        assert_eq!(d.change().name.as_deref(), Some("Ann Park"));
    }
}
