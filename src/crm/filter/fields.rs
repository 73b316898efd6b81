//! Which fields each kind of record is filtered by, and what values each field takes: the one
//! table that parsing checks terms against and that error messages list.

use crate::model::{
    AccountStatus, CallDirection, CallOutcome, CampaignStatus, CasePriority, CaseStatus, Channel, Consent, Kind,
    LeadStatus, Priority, ProjectStatus, QuoteStatus, Rating, StageOutcome, TaskStatus,
};

/// A field a filter term names (`owner:`, `close:`...). What it reads depends on the kind: a
/// call's `account` is its contact's account, a task's the one it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The user who owns the record.
    Owner,
    /// The name of the account the record belongs to (a call's or task's through its contact).
    Account,
    /// The name of the person it is with or about.
    Contact,
    /// The name of a task's project.
    Project,
    /// The name of the deal a task or quote is about.
    Deal,
    /// The country of an address (a call's contact's).
    Country,
    /// The city of an address (a call's contact's).
    City,
    /// The labels.
    Tag,
    /// The email addresses.
    Email,
    /// The phone numbers.
    Phone,
    /// A person's job title.
    Title,
    /// A lead's company.
    Company,
    /// An account's industry.
    Industry,
    /// A contact's department.
    Department,
    /// A deal's stage.
    Stage,
    /// Where the record stands (the words depend on the kind).
    Status,
    /// How a call went.
    Outcome,
    /// Who phoned whom.
    Direction,
    /// How urgent a task is.
    Priority,
    /// How promising a lead looks.
    Rating,
    /// A contact's consent to mail (its first address's).
    Consent,
    /// Where a lead or deal came from.
    Source,
    /// A deal's expected close date.
    Close,
    /// A task's or project's due date.
    Due,
    /// The day a call was made.
    Time,
    /// The day a contact was last called.
    LastActivity,
    /// The day the record was made.
    Created,
    /// The day of a deal's next step.
    NextStep,
    /// A deal's amount.
    Amount,
    /// A deal's probability, in percent.
    Probability,
    /// A product's price.
    Price,
    /// How many people an account employs.
    Employees,
    /// An account's annual revenue.
    Revenue,
    /// How long a call lasted.
    Duration,
    /// Whether a product is sold.
    Active,
    /// A product's stock-keeping unit.
    Sku,
    /// A quote's number.
    Number,
    /// The day a quote is valid until.
    Valid,
    /// The day an event or campaign starts.
    Start,
    /// The day a campaign ends.
    End,
    /// A campaign's budget.
    Budget,
    /// Where an event takes place.
    Location,
    /// A campaign's or case's channel.
    Channel,
    /// The product a case or article is about.
    Product,
    /// The team whose queue a case is in.
    Team,
    /// Whether a case missed its SLA.
    Breached,
}

impl Field {
    /// The word typed before the colon.
    pub fn name(self) -> &'static str {
        match self {
            Field::Owner => "owner",
            Field::Account => "account",
            Field::Contact => "contact",
            Field::Project => "project",
            Field::Deal => "deal",
            Field::Country => "country",
            Field::City => "city",
            Field::Tag => "tag",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Title => "title",
            Field::Company => "company",
            Field::Industry => "industry",
            Field::Department => "department",
            Field::Stage => "stage",
            Field::Status => "status",
            Field::Outcome => "outcome",
            Field::Direction => "direction",
            Field::Priority => "priority",
            Field::Rating => "rating",
            Field::Consent => "consent",
            Field::Source => "source",
            Field::Close => "close",
            Field::Due => "due",
            Field::Time => "time",
            Field::LastActivity => "last_activity",
            Field::Created => "created",
            Field::NextStep => "next_step",
            Field::Amount => "amount",
            Field::Probability => "probability",
            Field::Price => "price",
            Field::Employees => "employees",
            Field::Revenue => "revenue",
            Field::Duration => "duration",
            Field::Active => "active",
            Field::Sku => "sku",
            Field::Number => "number",
            Field::Valid => "valid_until",
            Field::Start => "start",
            Field::End => "end",
            Field::Budget => "budget",
            Field::Location => "location",
            Field::Channel => "channel",
            Field::Product => "product",
            Field::Team => "team",
            Field::Breached => "breached",
        }
    }
}

/// What a field's values are, which decides how its terms are read and compared.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Free text, kept when it holds the term (any case): `account:acme`.
    Text,
    /// A user name, kept when it is the term (any case): `owner:ann`.
    Person,
    /// Labels, kept when one starts with the term (any case): `tag:vip`.
    Label,
    /// One of a fixed set of words, typed whole or as a prefix only one word has.
    Words(fn() -> Vec<&'static str>),
    /// A stage of the pipeline, by name or a prefix of one (the names come from the database).
    Stage,
    /// A lead source, by name or a prefix of one (the list comes from the database).
    Source,
    /// A calendar day, compared or ranged: `close:today..+90d`, `due:<today`.
    Date,
    /// A whole number: `probability:>=50`, `employees:10..50`.
    Number,
    /// Money, read as amounts are: `amount:>10000`.
    Money,
    /// A length of time, read as call durations are: `duration:>5m`.
    Duration,
    /// Yes or no.
    Flag,
}

/// The words of a word enum, in order.
macro_rules! words {
    ($t:ty) => {
        Shape::Words(|| <$t>::ALL.iter().map(|v| v.word()).collect())
    };
}

const CONTACT: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Account, Shape::Text),
    (Field::Country, Shape::Text),
    (Field::City, Shape::Text),
    (Field::Tag, Shape::Label),
    (Field::Email, Shape::Text),
    (Field::Consent, words!(Consent)),
    (Field::Phone, Shape::Text),
    (Field::Title, Shape::Text),
    (Field::Department, Shape::Text),
    (Field::LastActivity, Shape::Date),
    (Field::Created, Shape::Date),
];

const ACCOUNT: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Status, words!(AccountStatus)),
    (Field::Country, Shape::Text),
    (Field::City, Shape::Text),
    (Field::Tag, Shape::Label),
    (Field::Industry, Shape::Text),
    (Field::Employees, Shape::Number),
    (Field::Revenue, Shape::Money),
    (Field::Email, Shape::Text),
    (Field::Phone, Shape::Text),
    (Field::Created, Shape::Date),
];

const LEAD: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Status, words!(LeadStatus)),
    (Field::Source, Shape::Source),
    (Field::Rating, words!(Rating)),
    (Field::Company, Shape::Text),
    (Field::Title, Shape::Text),
    (Field::Email, Shape::Text),
    (Field::Phone, Shape::Text),
    (Field::Created, Shape::Date),
];

const DEAL: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Account, Shape::Text),
    (Field::Contact, Shape::Text),
    (Field::Stage, Shape::Stage),
    (Field::Status, words!(StageOutcome)),
    (Field::Amount, Shape::Money),
    (Field::Probability, Shape::Number),
    (Field::Close, Shape::Date),
    (Field::NextStep, Shape::Date),
    (Field::Source, Shape::Source),
    (Field::Created, Shape::Date),
];

const TASK: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Account, Shape::Text),
    (Field::Contact, Shape::Text),
    (Field::Project, Shape::Text),
    (Field::Deal, Shape::Text),
    (Field::Status, words!(TaskStatus)),
    (Field::Priority, words!(Priority)),
    (Field::Due, Shape::Date),
    (Field::Created, Shape::Date),
];

const CALL: &[(Field, Shape)] = &[
    (Field::Outcome, words!(CallOutcome)),
    (Field::Contact, Shape::Text),
    (Field::Account, Shape::Text),
    (Field::Owner, Shape::Person),
    (Field::Direction, words!(CallDirection)),
    (Field::Time, Shape::Date),
    (Field::Country, Shape::Text),
    (Field::City, Shape::Text),
    (Field::Duration, Shape::Duration),
    (Field::Created, Shape::Date),
];

const PROJECT: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Account, Shape::Text),
    (Field::Status, words!(ProjectStatus)),
    (Field::Due, Shape::Date),
    (Field::Created, Shape::Date),
];

const PRODUCT: &[(Field, Shape)] = &[
    (Field::Sku, Shape::Text),
    (Field::Price, Shape::Money),
    (Field::Active, Shape::Flag),
    (Field::Created, Shape::Date),
];

const QUOTE: &[(Field, Shape)] = &[
    (Field::Deal, Shape::Text),
    (Field::Status, words!(QuoteStatus)),
    (Field::Number, Shape::Text),
    (Field::Valid, Shape::Date),
    (Field::Created, Shape::Date),
];

const EVENT: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Start, Shape::Date),
    (Field::Location, Shape::Text),
    (Field::Created, Shape::Date),
];

const CAMPAIGN: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Status, words!(CampaignStatus)),
    (Field::Channel, Shape::Text),
    (Field::Budget, Shape::Money),
    (Field::Start, Shape::Date),
    (Field::End, Shape::Date),
    (Field::Created, Shape::Date),
];

const CASE: &[(Field, Shape)] = &[
    (Field::Owner, Shape::Person),
    (Field::Status, words!(CaseStatus)),
    (Field::Priority, words!(CasePriority)),
    (Field::Breached, Shape::Flag),
    (Field::Account, Shape::Text),
    (Field::Contact, Shape::Text),
    (Field::Product, Shape::Text),
    (Field::Team, Shape::Text),
    (Field::Channel, words!(Channel)),
    (Field::Due, Shape::Date),
    (Field::Created, Shape::Date),
];

const ARTICLE: &[(Field, Shape)] = &[(Field::Product, Shape::Text), (Field::Created, Shape::Date)];

/// The fields `kind` is filtered by, most used first (error messages list them in this order).
/// Stages, contact lists and notes have none.
pub fn fields(kind: Kind) -> &'static [(Field, Shape)] {
    match kind {
        Kind::Contact => CONTACT,
        Kind::Account => ACCOUNT,
        Kind::Lead => LEAD,
        Kind::Opportunity => DEAL,
        Kind::Task => TASK,
        Kind::Call => CALL,
        Kind::Project => PROJECT,
        Kind::Product => PRODUCT,
        Kind::Quote => QUOTE,
        Kind::Event => EVENT,
        Kind::Campaign => CAMPAIGN,
        Kind::Case => CASE,
        Kind::Article => ARTICLE,
        Kind::Stage | Kind::ContactList | Kind::Note | Kind::Template | Kind::Email => &[],
    }
}

/// The date `from:` and `to:` bound for `kind` (the board's and the calls' filters spelled
/// ranges so): a deal's close date, a call's time, a task's or project's due date...
pub fn main_date(kind: Kind) -> Option<Field> {
    match kind {
        Kind::Opportunity => Some(Field::Close),
        Kind::Call => Some(Field::Time),
        Kind::Task | Kind::Project => Some(Field::Due),
        Kind::Event | Kind::Campaign => Some(Field::Start),
        Kind::Quote => Some(Field::Valid),
        Kind::Contact => Some(Field::LastActivity),
        Kind::Account | Kind::Lead | Kind::Product | Kind::Case | Kind::Article => Some(Field::Created),
        Kind::Stage | Kind::ContactList | Kind::Note | Kind::Template | Kind::Email => None,
    }
}

/// The field `name` stands for in `kind`'s filters, with its shape: its own name or a second
/// spelling (`opp` for `deal`, `label` for `tag`, `-` for `_`).
pub fn lookup(kind: Kind, name: &str) -> Option<(Field, Shape)> {
    let name = name.to_lowercase().replace('-', "_");
    let name = match name.as_str() {
        "opp" | "opportunity" => "deal",
        "label" | "labels" | "tags" => "tag",
        "close_date" | "closing" => "close",
        "valid" => "valid_until",
        "next" => "next_step",
        "last_contact" | "activity" => "last_activity",
        "lead_source" => "source",
        "prob" => "probability",
        other => other,
    };
    fields(kind).iter().copied().find(|(f, _)| f.name() == name)
}

/// The names of `kind`'s fields, for messages ("filter by: outcome, contact, ...").
pub fn names(kind: Kind) -> String {
    let mut names: Vec<&str> = fields(kind).iter().map(|(f, _)| f.name()).collect();
    if main_date(kind).is_some() {
        names.extend(["from", "to"]);
    }
    names.join(", ")
}
