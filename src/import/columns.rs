//! Which record field a column holds: guessed from its header (the shapes Google Contacts,
//! Outlook and other CRMs export), or named with `--map COLUMN=FIELD`.

use std::fmt;

use crate::model::Kind;

/// A part of a postal address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Street and number.
    Street,
    /// City or town.
    City,
    /// State, region or province.
    Region,
    /// Postal or ZIP code.
    PostalCode,
    /// Country.
    Country,
    /// What the address is (`home`, `work`, or the user's own word): Google's "Address 1 - Type",
    /// rolo's "Home 1 - Label".
    Label,
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// Given name.
    First,
    /// Family name.
    Last,
    /// Middle name.
    Middle,
    /// Honorific before a person's name (Mr., Dr.).
    Prefix,
    /// What follows a person's name (Jr., PhD).
    Suffix,
    /// A person's department at their company.
    Department,
    /// A whole name: split into first and last for people, the name of an account or product.
    Name,
    /// Job title.
    Title,
    /// The organisation a person works for (matched or created by name).
    Company,
    /// An email address, with its label (work, home...) when the header tells, and its group
    /// ("email1"), whose label column may tell instead.
    Email(Option<String>, String),
    /// A phone number, with its label and group.
    Phone(Option<String>, String),
    /// The label of the emails or phones of a group (Google's "Phone 1 - Label").
    LabelOf(String),
    /// Part of an address; columns sharing a group (business, home, address 1...) make one address.
    Address(Part, String),
    /// Date of birth.
    Birthday,
    /// One part of a date of birth given in three columns (Thunderbird's Birth Year, Birth
    /// Month, Birth Day): 0 the year, 1 the month, 2 the day.
    BirthPart(u8),
    /// Free text kept as a note on the record.
    Notes,
    /// Tags (labels, categories), several in one cell.
    Tags,
    /// The user who owns the record.
    Owner,
    /// Whether the person must not be phoned.
    DoNotCall,
    /// Whether the person opted out of email.
    EmailOptOut,
    /// A web address.
    Website,
    /// Interests or hobbies, several in one cell.
    Interests,
    /// Skills, several in one cell.
    Skills,
    /// Get in touch at least every so many days.
    FollowUpDays,
    /// The consent of the email of a group (rolo's "E-mail 1 - Consent").
    Consent(String),
    /// The validity of the email of a group (rolo's "E-mail 1 - Validity").
    Validity(String),
    /// An account's industry.
    Industry,
    /// An account's head count.
    Employees,
    /// An account's annual revenue.
    Revenue,
    /// The currency of amounts.
    Currency,
    /// A status word (account or lead).
    Status,
    /// Where a lead came from.
    Source,
    /// How promising a lead is.
    Rating,
    /// A deal's pipeline stage, by name.
    Stage,
    /// A deal's value or a product's unit price.
    Amount,
    /// The date a record is about: a deal's close date, a task's due date, when a call began.
    Date,
    /// A deal's chance of winning, percent.
    Probability,
    /// What happens next on a deal.
    NextStep,
    /// When a deal's next step is due.
    NextStepDate,
    /// The day a deal was won or lost.
    ClosedOn,
    /// Why a deal was lost.
    LostReason,
    /// Whom a deal is up against, as the competitor list spells it.
    Competitor,
    /// The campaign that brought a deal, by name.
    Campaign,
    /// The person a deal, task or call is with: an email or a full name.
    Contact,
    /// The deal a task is about, by name.
    Opportunity,
    /// The project a task belongs to, by name.
    Project,
    /// The lead a task is about: an email or a full name.
    Lead,
    /// How urgent a task is.
    Priority,
    /// When a task was completed.
    Completed,
    /// Who phoned whom.
    Direction,
    /// How long a call lasted.
    Duration,
    /// How a call went.
    Outcome,
    /// A product's stock-keeping unit code.
    Sku,
    /// Whether a product is still sold.
    Active,
    /// What a converted lead became, by name: its account, contact (email or name) or deal.
    Converted(Kind),
    /// When a lead was converted.
    ConvertedAt,
    /// What fixed a customer service case.
    Resolution,
    /// The product a case is about, by name.
    Product,
    /// A column to leave out.
    Ignore,
}

/// Every field name `--map` takes, with what it means.
pub const FIELD_NAMES: &[(&str, &str)] = &[
    ("first", "given name"),
    ("last", "family name"),
    ("middle", "middle name"),
    ("prefix", "honorific before the name (Mr., Dr.)"),
    ("suffix", "after the name (Jr., PhD)"),
    ("department", "department at the company"),
    ("name", "whole name (split for people)"),
    ("title", "job title"),
    ("company", "organisation, matched or created by name"),
    ("email", "email address"),
    ("phone", "phone number"),
    ("street", "street"),
    ("city", "city"),
    ("region", "state, region or province"),
    ("postal-code", "postal code"),
    ("country", "country"),
    ("birthday", "date of birth"),
    ("birth-year", "year of birth (with birth-month and birth-day-of-month)"),
    ("birth-month", "month of birth, 1 to 12"),
    ("birth-day-of-month", "day of the month of birth"),
    ("notes", "kept as a note"),
    ("tags", "tags, separated by ; , or :::"),
    ("owner", "owning user"),
    ("do-not-call", "yes / no"),
    ("email-opt-out", "yes / no"),
    ("website", "web address"),
    ("interests", "interests, separated like tags"),
    ("skills", "skills, separated like tags"),
    ("converted-account", "the account a converted lead became, by name"),
    ("converted-contact", "the contact a converted lead became, by email or name"),
    ("converted-opportunity", "the deal a converted lead became, by name"),
    ("converted-at", "when a lead was converted"),
    ("follow-up-days", "get in touch every so many days"),
    ("consent", "an email's consent: opted_in, opted_out or unknown"),
    ("validity", "an email's validity: valid, invalid, bounced or unknown"),
    ("industry", "industry"),
    ("employees", "head count"),
    ("revenue", "annual revenue"),
    ("currency", "currency code"),
    ("status", "status word"),
    ("source", "lead source"),
    ("rating", "lead rating"),
    ("stage", "a deal's stage, by name"),
    ("amount", "a deal's value, a product's unit price"),
    ("date", "close date (deal), due date (task), time (call)"),
    ("probability", "a deal's chance, percent"),
    ("next-step", "a deal's next step"),
    ("next-step-date", "when the next step is due"),
    ("closed-on", "the day a deal was won or lost"),
    ("lost-reason", "why a deal was lost"),
    ("competitor", "whom a deal is up against (on the competitor list)"),
    ("resolution", "what fixed a case"),
    ("product", "a case's product, by name"),
    ("campaign", "a deal's campaign, by name"),
    ("contact", "the person, by email or full name"),
    ("opportunity", "a task's deal, by name"),
    ("project", "a task's project, by name"),
    ("lead", "a task's lead, by email or full name"),
    ("priority", "low, normal or high"),
    ("completed", "when a task was done"),
    ("direction", "in or out"),
    ("duration", "seconds, 5m, 1h30m or 0:05:00"),
    ("outcome", "connected, voicemail, no-answer, busy, wrong-number"),
    ("sku", "product code"),
    ("active", "yes / no: a product still sold"),
    ("ignore", "leave the column out"),
];

/// The fields `--map` takes for each kind of record: what `rolo import --help` lists.
pub fn help() -> String {
    let mut text = String::from("Fields for --map, by what the file holds:");
    for kind in super::KINDS {
        let fits = |name: &&str| Field::parse(name).is_some_and(|f| f.for_kind(kind).fits(kind));
        let names: Vec<&str> = FIELD_NAMES.iter().map(|(name, _)| *name).filter(fits).collect();
        text.push_str(&format!("\n  {kind}: {}", names.join(", ")));
    }
    text
}

impl Field {
    /// Whether a record takes several values of this field (emails, phones, web sites, tags,
    /// interests, notes), so that two columns of it are both read.
    pub fn takes_several(&self) -> bool {
        matches!(
            self,
            Field::Email(..)
                | Field::Phone(..)
                | Field::Website
                | Field::Tags
                | Field::Interests
                | Field::Skills
                | Field::Notes
                // A person's name and email both name them: the first found is taken.
                | Field::Contact
                | Field::Ignore
        )
    }

    /// The field named by `--map` (`street`, `postal-code`...), if any.
    pub fn parse(name: &str) -> Option<Field> {
        let part = |p| Field::Address(p, String::new());
        Some(match normal(name).as_str() {
            "first" | "firstname" => Field::First,
            "last" | "lastname" => Field::Last,
            "middle" | "middlename" => Field::Middle,
            "prefix" | "nameprefix" | "honorific" => Field::Prefix,
            "suffix" | "namesuffix" => Field::Suffix,
            "department" | "dept" => Field::Department,
            "name" | "fullname" => Field::Name,
            "title" | "jobtitle" => Field::Title,
            "company" | "account" | "organization" | "organisation" => Field::Company,
            "email" => Field::Email(None, String::new()),
            "phone" => Field::Phone(None, String::new()),
            "mobile" => Field::Phone(Some("mobile".into()), String::new()),
            "street" => part(Part::Street),
            "city" => part(Part::City),
            "region" | "state" => part(Part::Region),
            "postalcode" | "zip" => part(Part::PostalCode),
            "country" => part(Part::Country),
            "addresslabel" | "addresstype" => part(Part::Label),
            "birthday" => Field::Birthday,
            "birthyear" => Field::BirthPart(0),
            "birthmonth" => Field::BirthPart(1),
            "birthdayofmonth" => Field::BirthPart(2),
            "notes" | "note" => Field::Notes,
            "tags" => Field::Tags,
            "owner" => Field::Owner,
            "donotcall" => Field::DoNotCall,
            "emailoptout" => Field::EmailOptOut,
            "website" => Field::Website,
            "interests" => Field::Interests,
            "skills" => Field::Skills,
            "convertedaccount" => Field::Converted(Kind::Account),
            "convertedcontact" => Field::Converted(Kind::Contact),
            "convertedopportunity" => Field::Converted(Kind::Opportunity),
            "convertedat" => Field::ConvertedAt,
            "followupdays" => Field::FollowUpDays,
            "consent" => Field::Consent(String::new()),
            "validity" => Field::Validity(String::new()),
            "industry" => Field::Industry,
            "employees" => Field::Employees,
            "revenue" => Field::Revenue,
            "currency" => Field::Currency,
            "status" => Field::Status,
            "source" => Field::Source,
            "rating" => Field::Rating,
            "stage" => Field::Stage,
            "amount" | "price" | "unitprice" | "value" => Field::Amount,
            "date" | "due" | "duedate" | "closedate" | "when" | "start" => Field::Date,
            "probability" => Field::Probability,
            "nextstep" => Field::NextStep,
            "nextstepdate" => Field::NextStepDate,
            "closedon" => Field::ClosedOn,
            "lostreason" => Field::LostReason,
            "competitor" => Field::Competitor,
            "resolution" => Field::Resolution,
            "product" => Field::Product,
            "campaign" => Field::Campaign,
            "contact" => Field::Contact,
            "opportunity" | "opp" | "deal" => Field::Opportunity,
            "project" => Field::Project,
            "lead" => Field::Lead,
            "priority" => Field::Priority,
            "completed" | "completedat" => Field::Completed,
            "direction" => Field::Direction,
            "duration" => Field::Duration,
            "outcome" => Field::Outcome,
            "sku" | "code" => Field::Sku,
            "active" => Field::Active,
            "ignore" | "skip" | "none" => Field::Ignore,
            _ => return None,
        })
    }

    /// Whether records of `kind` have this field.
    pub fn fits(&self, kind: Kind) -> bool {
        self.kinds().contains(&kind)
    }

    /// The kinds of record that have this field.
    fn kinds(&self) -> &'static [Kind] {
        use Field::*;
        use Kind::{
            Account as A, Call as Ca, Case as Cs, Contact as C, Lead as L, Opportunity as O, Product as P, Task as T,
        };
        match self {
            First | Last | Middle | Title => &[C, L],
            Name => &[C, A, L, O, T, P, Cs],
            Company => &[C, A, L, O, T, Cs],
            Email(..) | Phone(..) => &[C, A, L],
            LabelOf(_) | Birthday | BirthPart(_) | DoNotCall | EmailOptOut | Interests | Skills | FollowUpDays
            | Consent(_) | Validity(_) | Prefix | Suffix | Department => &[C],
            Address(..) | Tags | Website => &[C, A],
            Notes | Ignore => &[C, A, L, O, T, Ca, P, Cs],
            Owner => &[C, A, L, O, T, Ca, Cs],
            Industry | Employees | Revenue => &[A],
            Currency => &[A, O, P],
            Status => &[A, L, T, Cs],
            Source => &[L, O, Cs],
            Rating | Converted(_) | ConvertedAt => &[L],
            Stage | Probability | NextStep | NextStepDate | ClosedOn | LostReason | Competitor | Campaign => &[O],
            Amount => &[O, P],
            Date | Contact => &[O, T, Ca, Cs],
            Priority | Completed => &[T, Cs],
            Opportunity | Project | Lead => &[T],
            Resolution | Product => &[Cs],
            Direction | Duration | Outcome => &[Ca],
            Sku | Active => &[P],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Field::First => "first",
            Field::Last => "last",
            Field::Middle => "middle",
            Field::Prefix => "prefix",
            Field::Suffix => "suffix",
            Field::Department => "department",
            Field::Name => "name",
            Field::Title => "title",
            Field::Company => "company",
            Field::Email(..) => "email",
            Field::Phone(..) => "phone",
            Field::LabelOf(_) => "label",
            Field::Address(Part::Street, _) => "street",
            Field::Address(Part::City, _) => "city",
            Field::Address(Part::Region, _) => "region",
            Field::Address(Part::PostalCode, _) => "postal-code",
            Field::Address(Part::Country, _) => "country",
            Field::Address(Part::Label, _) => "address-label",
            Field::Birthday => "birthday",
            Field::BirthPart(0) => "birth-year",
            Field::BirthPart(1) => "birth-month",
            Field::BirthPart(_) => "birth-day-of-month",
            Field::Notes => "notes",
            Field::Tags => "tags",
            Field::Owner => "owner",
            Field::DoNotCall => "do-not-call",
            Field::EmailOptOut => "email-opt-out",
            Field::Website => "website",
            Field::Interests => "interests",
            Field::Skills => "skills",
            Field::FollowUpDays => "follow-up-days",
            Field::Consent(_) => "consent",
            Field::Validity(_) => "validity",
            Field::Industry => "industry",
            Field::Employees => "employees",
            Field::Revenue => "revenue",
            Field::Currency => "currency",
            Field::Status => "status",
            Field::Source => "source",
            Field::Rating => "rating",
            Field::Stage => "stage",
            Field::Amount => "amount",
            Field::Date => "date",
            Field::Probability => "probability",
            Field::NextStep => "next-step",
            Field::NextStepDate => "next-step-date",
            Field::ClosedOn => "closed-on",
            Field::LostReason => "lost-reason",
            Field::Competitor => "competitor",
            Field::Resolution => "resolution",
            Field::Product => "product",
            Field::Campaign => "campaign",
            Field::Contact => "contact",
            Field::Opportunity => "opportunity",
            Field::Project => "project",
            Field::Lead => "lead",
            Field::Priority => "priority",
            Field::Completed => "completed",
            Field::Direction => "direction",
            Field::Duration => "duration",
            Field::Outcome => "outcome",
            Field::Sku => "sku",
            Field::Active => "active",
            Field::Converted(Kind::Account) => "converted-account",
            Field::Converted(Kind::Contact) => "converted-contact",
            Field::Converted(_) => "converted-opportunity",
            Field::ConvertedAt => "converted-at",
            Field::Ignore => "ignore",
        };
        f.write_str(name)
    }
}

/// A header reduced to lower-case letters and digits: "E-mail 1 - Value" → "email1value".
pub fn normal(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Header words that mark a column no record field holds: labels and types of other columns,
/// phonetic spellings, fax and pager numbers, someone else's phone.
const NOT_A_FIELD: &[&str] = &[
    "label",
    "type",
    "yomi",
    "phonetic",
    "displayname",
    "fax",
    "pager",
    "telex",
    "countrycode",
    "formatted",
    "pobox",
    "extended",
    "assistant",
    "manager",
    "companymain",
    "spouse",
    "department",
    "suffix",
    "prefix",
    "nickname",
    "fileas",
    "photo",
];

/// The field a header most likely names for records of `kind`, if any.
pub fn guess(kind: Kind, header: &str) -> Option<Field> {
    // "Birth Day" beside "Birth Year" and "Birth Month" is a day of the month, not a date.
    let words: Vec<String> = header.split_whitespace().map(normal).collect();
    if let [birth, part] = words.as_slice()
        && birth == "birth"
        && kind == Kind::Contact
    {
        let at = ["year", "month", "day"].iter().position(|p| p == part)?;
        return Some(Field::BirthPart(at as u8));
    }
    let h = normal(header);
    let field = match specific(kind, &h)
        .or_else(|| exact(&h))
        .or_else(|| label_column(&h))
        .or_else(|| status_column(&h))
        .or_else(|| address_label_column(&h))
        .or_else(|| marked_phone(&h))
    {
        Some(f) => f,
        None if h.is_empty() || NOT_A_FIELD.iter().any(|w| h.contains(w)) => return None,
        None => family(&h)?,
    };
    let field = field.for_kind(kind);
    field.fits(kind).then_some(field)
}

impl Field {
    /// What this field means in records of `kind`: an account's own name is what a person's
    /// company column holds, a task's title is its name.
    pub fn for_kind(self, kind: Kind) -> Field {
        match (kind, self) {
            (Kind::Account, Field::Company) | (Kind::Task, Field::Title) => Field::Name,
            (_, f) => f,
        }
    }
}

/// Headers whose meaning depends on the kind of record: a deal's "Amount", a task's "Subject",
/// a call's "Date" or "Name" (the person called).
fn specific(kind: Kind, h: &str) -> Option<Field> {
    use Kind::{Call, Case, Opportunity as Opp, Product, Task};
    Some(match (kind, h) {
        (Opp | Task | Call | Case, "contact" | "contactname" | "contactemail" | "primarycontact" | "contactperson") => {
            Field::Contact
        }
        (Case, "subject" | "casesubject" | "ticketsubject" | "ticket" | "title" | "summary" | "issue") => Field::Name,
        (Case, "priority" | "casepriority" | "ticketpriority" | "severity") => Field::Priority,
        (Case, "status" | "casestatus" | "ticketstatus") => Field::Status,
        (Case, "channel" | "origin" | "caseorigin" | "ticketchannel" | "source") => Field::Source,
        (Case, "product" | "productname") => Field::Product,
        (Case, "resolution" | "solution" | "resolutionnotes") => Field::Resolution,
        (Case, "opened" | "openedat" | "createdtime" | "createddate" | "datecreated" | "created" | "date") => {
            Field::Date
        }
        (Case, "closed" | "closedat" | "closeddate" | "dateclosed" | "resolvedat" | "resolved") => Field::Completed,
        (Case, "email") => Field::Contact,
        (Case, "number" | "casenumber" | "ticketnumber" | "sladue" | "firstresponse" | "satisfaction" | "team") => {
            Field::Ignore
        }
        (Call, "name" | "with" | "person" | "email") => Field::Contact,
        (Opp, "opportunityname" | "opportunity" | "dealname" | "deal") => Field::Name,
        (Opp, "stage" | "stagename" | "dealstage" | "salesstage" | "pipelinestage") => Field::Stage,
        (Opp, "amount" | "dealamount" | "value" | "dealvalue" | "opportunityamount") => Field::Amount,
        (Opp, "closedate" | "expectedclosedate" | "closingdate" | "estimatedclosedate" | "close") => Field::Date,
        (Opp, "probability" | "probabilitypercent" | "dealprobability" | "winprobability") => Field::Probability,
        (Opp, "nextstep") => Field::NextStep,
        (Opp, "nextstepdate" | "nextstepdue") => Field::NextStepDate,
        (Opp, "closedon" | "closeddate" | "dateclosed" | "actualclosedate") => Field::ClosedOn,
        (Opp, "lostreason" | "lossreason" | "closedlostreason" | "reasonlost") => Field::LostReason,
        (Opp, "competitor" | "competitors" | "maincompetitor" | "primarycompetitor" | "lostto") => Field::Competitor,
        (Opp, "campaign" | "campaignname" | "primarycampaignsource" | "primarycampaign") => Field::Campaign,
        (Opp, "opportunityowner" | "dealowner") => Field::Owner,
        (Opp, "opportunitycurrency" | "dealcurrency") => Field::Currency,
        (Task, "subject" | "task" | "tasktitle" | "taskname" | "title") => Field::Name,
        (Task, "duedate" | "due" | "activitydate" | "dueon" | "deadline" | "date") => Field::Date,
        (Task, "priority" | "taskpriority") => Field::Priority,
        (Task, "taskstatus") => Field::Status,
        (Task, "opportunity" | "opportunityname" | "deal" | "dealname") => Field::Opportunity,
        (Task, "project" | "projectname") => Field::Project,
        (Task, "lead" | "leadname" | "leademail") => Field::Lead,
        (Task, "completed" | "completedat" | "completeddate" | "completiondate" | "completedon" | "datecompleted") => {
            Field::Completed
        }
        (Call, "date" | "calldate" | "starttime" | "startedat" | "time" | "datetime" | "calltime" | "when")
        | (Call, "activitydate" | "start" | "callstart") => Field::Date,
        (Call, "direction" | "calldirection" | "calltype") => Field::Direction,
        (Call, "duration" | "callduration" | "durationseconds" | "calldurationseconds" | "calldurationinseconds") => {
            Field::Duration
        }
        (Call, "outcome" | "calloutcome" | "callresult" | "result" | "disposition" | "calldisposition") => {
            Field::Outcome
        }
        (Product, "product" | "productname" | "name" | "item" | "itemname") => Field::Name,
        (Product, "sku" | "code" | "productcode" | "itemcode" | "partnumber") => Field::Sku,
        (Product, "unitprice" | "listprice" | "price" | "salesprice" | "standardprice") => Field::Amount,
        (Product, "active" | "isactive" | "productactive") => Field::Active,
        (Product, "productdescription") => Field::Notes,
        _ => return None,
    })
}

/// Headers that name one field outright.
fn exact(h: &str) -> Option<Field> {
    Some(match h {
        "firstname" | "givenname" | "first" | "forename" => Field::First,
        "lastname" | "familyname" | "surname" | "last" => Field::Last,
        "middlename" | "additionalname" => Field::Middle,
        "prefix" | "nameprefix" | "honorificprefix" => Field::Prefix,
        "suffix" | "namesuffix" | "honorificsuffix" => Field::Suffix,
        "department" | "organization1department" | "companydepartment" | "dept" => Field::Department,
        "name" | "fullname" | "contactname" | "leadname" | "productname" => Field::Name,
        "title" | "jobtitle" | "organizationtitle" | "organization1title" | "position" | "role" => Field::Title,
        "company" | "companyname" | "organization" | "organisation" | "organizationname" | "organization1name"
        | "account" | "accountname" => Field::Company,
        "birthday" | "birthdate" | "dateofbirth" | "dob" => Field::Birthday,
        "notes" | "note" | "description" | "comments" | "comment" => Field::Notes,
        "tags" | "tag" | "labels" | "categories" | "groupmembership" => Field::Tags,
        "owner" | "contactowner" | "leadowner" | "accountowner" | "assignedto" | "assigneduser" => Field::Owner,
        "donotcall" => Field::DoNotCall,
        "emailoptout" | "optout" | "unsubscribed" | "hasoptedoutofemail" => Field::EmailOptOut,
        "website" | "webpage" | "web" | "url" | "website1value" | "personalwebpage" | "businesswebpage" => {
            Field::Website
        }
        "interests" | "interest" | "hobby" | "hobbies" => Field::Interests,
        "skills" => Field::Skills,
        "convertedaccount" => Field::Converted(Kind::Account),
        "convertedcontact" => Field::Converted(Kind::Contact),
        "convertedopportunity" => Field::Converted(Kind::Opportunity),
        "convertedat" => Field::ConvertedAt,
        "followupdays" | "followupevery" => Field::FollowUpDays,
        "industry" => Field::Industry,
        "employees" | "numberofemployees" | "employeecount" | "headcount" => Field::Employees,
        "annualrevenue" | "revenue" => Field::Revenue,
        "currency" | "currencycode" => Field::Currency,
        "status" | "leadstatus" | "accountstatus" => Field::Status,
        "source" | "leadsource" | "originalsource" => Field::Source,
        "rating" | "leadrating" => Field::Rating,
        _ => return None,
    })
}

/// A numbered group's label column: Google's "E-mail 1 - Label" or "Phone 2 - Type" (Outlook's
/// "E-mail Type" holds SMTP, not a label).
/// rolo's own "E-mail 1 - Consent" and "E-mail 1 - Validity": what is known of the email of a
/// group.
fn status_column(h: &str) -> Option<Field> {
    if let Some(group) = h.strip_suffix("consent").filter(|g| g.contains("email")) {
        return Some(Field::Consent(group.to_string()));
    }
    let group = h.strip_suffix("validity").filter(|g| g.contains("email"))?;
    Some(Field::Validity(group.to_string()))
}

/// The label or type column of an address group ("Address 1 - Type", "Home 1 - Label").
fn address_label_column(h: &str) -> Option<Field> {
    let group = h.strip_suffix("label").or_else(|| h.strip_suffix("type"))?;
    let places = ["home", "work", "business", "other", "mailing", "billing", "shipping"];
    let numbered =
        |w: &&str| group.strip_prefix(*w).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    (group.starts_with("address") || places.iter().any(numbered))
        .then(|| Field::Address(Part::Label, group.to_string()))
}

fn label_column(h: &str) -> Option<Field> {
    let group = h.strip_suffix("label").or_else(|| h.strip_suffix("type"))?;
    let numbered = group.ends_with(|c: char| c.is_ascii_digit());
    (numbered && (group.contains("email") || group.contains("phone"))).then(|| Field::LabelOf(group.to_string()))
}

/// Fax and pager columns (Outlook's "Business Fax", "Home Fax", "Pager"): phones whose label
/// keeps the mark (`work fax`).
fn marked_phone(h: &str) -> Option<Field> {
    let mark = ["fax", "pager"].into_iter().find(|w| h.contains(w))?;
    if h.contains("label") || h.contains("type") || h.contains("yomi") {
        return None;
    }
    let label = label(h).map_or(mark.to_string(), |place| format!("{place} {mark}"));
    Some(Field::Phone(Some(label), h.to_string()))
}

/// Headers that name a field by a word in them: emails, phones and address parts, with the
/// label or address group the rest of the header gives.
fn family(h: &str) -> Option<Field> {
    let group = h.strip_suffix("value").unwrap_or(h).to_string();
    if h.contains("email") {
        return Some(Field::Email(label(h), group));
    }
    if ["phone", "mobile", "telephone", "cell"].iter().any(|w| h.contains(w)) {
        let label = if h.contains("mobile") || h.contains("cell") { Some("mobile".to_string()) } else { label(h) };
        return Some(Field::Phone(label, group));
    }
    // Longer suffixes first: "countryregion" is a country, "stateregion" a region.
    const PARTS: &[(&str, Part)] = &[
        ("countryregion", Part::Country),
        ("streetaddress", Part::Street),
        ("street", Part::Street),
        ("address", Part::Street),
        ("city", Part::City),
        ("town", Part::City),
        ("stateprovince", Part::Region),
        ("stateregion", Part::Region),
        ("state", Part::Region),
        ("region", Part::Region),
        ("province", Part::Region),
        ("zippostalcode", Part::PostalCode),
        ("postalcode", Part::PostalCode),
        ("postcode", Part::PostalCode),
        ("zipcode", Part::PostalCode),
        ("zip", Part::PostalCode),
        ("country", Part::Country),
    ];
    PARTS.iter().find_map(|&(suffix, part)| {
        let group = h.strip_suffix(suffix)?;
        Some(Field::Address(part, group.trim_end_matches("address").to_string()))
    })
}

/// The label a header gives an email or phone: work, home, other.
fn label(h: &str) -> Option<String> {
    let words = [("business", "work"), ("work", "work"), ("office", "work"), ("home", "home"), ("other", "other")];
    words.iter().find(|(w, _)| h.contains(w)).map(|(_, l)| l.to_string())
}

/// The label an address group gives its address.
pub fn address_label(group: &str) -> Option<String> {
    label(group)
        .or_else(|| ["mailing", "billing", "shipping"].iter().find(|w| group.contains(*w)).map(|w| w.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(kind: Kind, h: &str) -> Option<String> {
        guess(kind, h).map(|f| match &f {
            Field::Address(_, group) | Field::LabelOf(group) => format!("{f}@{group}"),
            Field::Email(Some(l), _) | Field::Phone(Some(l), _) => format!("{f}:{l}"),
            _ => f.to_string(),
        })
    }

    #[test]
    fn google_and_outlook_headers_map_to_fields() {
        let c = Kind::Contact;
        for (header, field) in [
            ("Given Name", "first"),
            ("First Name", "first"),
            ("Family Name", "last"),
            ("E-mail 1 - Value", "email"),
            ("E-mail Address", "email"),
            ("E-mail 2 Address", "email"),
            ("Email 1", "email"),
            ("Mobile Phone", "phone:mobile"),
            ("Business Phone", "phone:work"),
            ("Phone 1 - Value", "phone"),
            ("Organization 1 - Name", "company"),
            ("Organization Name", "company"),
            ("Company", "company"),
            ("Job Title", "title"),
            ("Business Street", "street@business"),
            ("Business Country/Region", "country@business"),
            ("Address 1 - City", "city@address1"),
            ("Mailing Zip/Postal Code", "postal-code@mailing"),
            ("Mailing State/Province", "region@mailing"),
            ("Birthday", "birthday"),
            ("Categories", "tags"),
            ("Business Fax", "phone:work fax"),
            ("Pager", "phone:pager"),
            ("Name Prefix", "prefix"),
            ("Name Suffix", "suffix"),
            ("Suffix", "suffix"),
            ("Department", "department"),
            ("Organization 1 - Department", "department"),
        ] {
            assert_eq!(g(c, header).as_deref(), Some(field), "{header}");
        }
        assert_eq!(g(c, "E-mail 1 - Label").as_deref(), Some("label@email1"));
        assert_eq!(g(c, "Phone 2 - Type").as_deref(), Some("label@phone2"));
        for header in ["E-mail Type", "E-mail Display Name", "Given Yomi"] {
            assert_eq!(g(c, header), None, "{header}");
        }
    }

    #[test]
    fn an_account_file_names_the_account_by_its_company_column() {
        assert_eq!(g(Kind::Account, "Company").as_deref(), Some("name"));
        assert_eq!(g(Kind::Account, "Account Name").as_deref(), Some("name"));
        assert_eq!(g(Kind::Account, "Birthday"), None);
        assert_eq!(g(Kind::Lead, "Lead Source").as_deref(), Some("source"));
    }
}
