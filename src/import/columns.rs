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
    /// A column to leave out.
    Ignore,
}

/// Every field name `--map` takes, with what it means.
pub const FIELD_NAMES: &[(&str, &str)] = &[
    ("first", "given name"),
    ("last", "family name"),
    ("middle", "middle name"),
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
    ("notes", "kept as a note"),
    ("tags", "tags, separated by ; , or :::"),
    ("owner", "owning user"),
    ("do-not-call", "yes / no"),
    ("email-opt-out", "yes / no"),
    ("website", "web address"),
    ("interests", "interests, separated like tags"),
    ("industry", "industry"),
    ("employees", "head count"),
    ("revenue", "annual revenue"),
    ("currency", "currency code"),
    ("status", "status word"),
    ("source", "lead source"),
    ("rating", "lead rating"),
    ("ignore", "leave the column out"),
];

impl Field {
    /// The field named by `--map` (`street`, `postal-code`...), if any.
    pub fn parse(name: &str) -> Option<Field> {
        let part = |p| Field::Address(p, String::new());
        Some(match normal(name).as_str() {
            "first" | "firstname" => Field::First,
            "last" | "lastname" => Field::Last,
            "middle" | "middlename" => Field::Middle,
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
            "birthday" => Field::Birthday,
            "notes" | "note" => Field::Notes,
            "tags" => Field::Tags,
            "owner" => Field::Owner,
            "donotcall" => Field::DoNotCall,
            "emailoptout" => Field::EmailOptOut,
            "website" => Field::Website,
            "interests" => Field::Interests,
            "industry" => Field::Industry,
            "employees" => Field::Employees,
            "revenue" => Field::Revenue,
            "currency" => Field::Currency,
            "status" => Field::Status,
            "source" => Field::Source,
            "rating" => Field::Rating,
            "ignore" | "skip" | "none" => Field::Ignore,
            _ => return None,
        })
    }

    /// Whether records of `kind` have this field.
    pub fn fits(&self, kind: Kind) -> bool {
        use Field::*;
        match kind {
            Kind::Contact => !matches!(self, Industry | Employees | Revenue | Currency | Status | Source | Rating),
            Kind::Account => matches!(
                self,
                Name | Company
                    | Email(..)
                    | Phone(..)
                    | Address(..)
                    | Notes
                    | Tags
                    | Owner
                    | Website
                    | Industry
                    | Employees
                    | Revenue
                    | Currency
                    | Status
                    | Ignore
            ),
            Kind::Lead => matches!(
                self,
                First
                    | Last
                    | Middle
                    | Name
                    | Title
                    | Company
                    | Email(..)
                    | Phone(..)
                    | Notes
                    | Owner
                    | Status
                    | Source
                    | Rating
                    | Ignore
            ),
            _ => false,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Field::First => "first",
            Field::Last => "last",
            Field::Middle => "middle",
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
            Field::Birthday => "birthday",
            Field::Notes => "notes",
            Field::Tags => "tags",
            Field::Owner => "owner",
            Field::DoNotCall => "do-not-call",
            Field::EmailOptOut => "email-opt-out",
            Field::Website => "website",
            Field::Interests => "interests",
            Field::Industry => "industry",
            Field::Employees => "employees",
            Field::Revenue => "revenue",
            Field::Currency => "currency",
            Field::Status => "status",
            Field::Source => "source",
            Field::Rating => "rating",
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
    let h = normal(header);
    let field = match exact(&h).or_else(|| label_column(&h)) {
        Some(f) => f,
        None if h.is_empty() || NOT_A_FIELD.iter().any(|w| h.contains(w)) => return None,
        None => family(&h)?,
    };
    let field = match (kind, field) {
        // An account's own name is what a person's company column holds.
        (Kind::Account, Field::Company) => Field::Name,
        (_, f) => f,
    };
    field.fits(kind).then_some(field)
}

/// Headers that name one field outright.
fn exact(h: &str) -> Option<Field> {
    Some(match h {
        "firstname" | "givenname" | "first" | "forename" => Field::First,
        "lastname" | "familyname" | "surname" | "last" => Field::Last,
        "middlename" | "additionalname" => Field::Middle,
        "name" | "fullname" | "contactname" | "leadname" | "accountname" | "productname" => Field::Name,
        "title" | "jobtitle" | "organizationtitle" | "organization1title" | "position" | "role" => Field::Title,
        "company" | "companyname" | "organization" | "organisation" | "organizationname" | "organization1name"
        | "account" => Field::Company,
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
fn label_column(h: &str) -> Option<Field> {
    let group = h.strip_suffix("label").or_else(|| h.strip_suffix("type"))?;
    let numbered = group.ends_with(|c: char| c.is_ascii_digit());
    (numbered && (group.contains("email") || group.contains("phone"))).then(|| Field::LabelOf(group.to_string()))
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
        ] {
            assert_eq!(g(c, header).as_deref(), Some(field), "{header}");
        }
        assert_eq!(g(c, "E-mail 1 - Label").as_deref(), Some("label@email1"));
        assert_eq!(g(c, "Phone 2 - Type").as_deref(), Some("label@phone2"));
        for header in ["E-mail Type", "Business Fax", "E-mail Display Name", "Given Yomi", "Pager"] {
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
