//! The Marketing screen (campaigns with their results, lists, templates; `n`, `e`, `d`), and
//! saving the contacts' filter as a dynamic list with `+`.

use super::common::ui::Ui;
use chrono::Datelike;
use rolo::model::*;

fn vip(ui: &Ui, first: &str, country: &str) -> Id {
    let c = Contact {
        first_name: first.into(),
        last_name: "Vip".into(),
        addresses: vec![Address { country: Some(country.into()), ..Default::default() }],
        tags: vec!["vip".into()],
        emails: vec![Email::new(format!("{}@vip.example", first.to_lowercase()))],
        ..Default::default()
    };
    ui.crm.create(c).unwrap().id
}

#[test]
fn plus_on_a_filtered_contacts_list_saves_the_filter_as_a_dynamic_list() {
    let mut ui = Ui::populated(120, 30);
    vip(&ui, "Ines", "Spain");
    ui.keys("2 f").text("tag:vip country:spain").keys("enter +");
    assert!(ui.screen().contains("Save the filter 'tag:vip country:spain' as a dynamic list"), "{}", ui.screen());
    ui.text("Spanish VIPs").keys("enter");
    let s = ui.screen();
    assert!(s.contains("saved the dynamic list 'Spanish VIPs': 1 contact now"), "{s}");
    let list = ui.crm.list::<ContactList>(|l| l.name == "Spanish VIPs").unwrap().remove(0);
    assert_eq!(list.filter.as_deref(), Some("tag:vip country:spain"));
    // A second VIP in Spain joins the list without anyone touching it.
    vip(&ui, "Jon", "Spain");
    assert_eq!(ui.crm.list_members(list.id).unwrap().len(), 2);
    // With rows marked, + puts them on a static list as before.
    ui.keys("esc esc space +");
    assert!(ui.screen().contains("on the list (name; made if new)"), "{}", ui.screen());
}

#[test]
fn the_marketing_screen_lists_campaigns_lists_and_templates_and_makes_them() {
    let mut ui = Ui::populated(140, 30);
    ui.crm
        .create(Campaign { name: "Spring push".into(), budget: Some(Amount(250_000)), ..Default::default() })
        .unwrap();
    ui.crm.save_filter_as_list("VIPs", "tag:vip").unwrap();
    vip(&ui, "Ines", "Spain");
    ui.keys("g m");
    let s = ui.screen();
    assert!(s.contains("Campaigns  Lists  Templates"), "{s}");
    assert!(s.contains("Spring push") && s.contains("2,500.00 USD") && s.contains("MEMBERS"), "{s}");
    ui.keys("tab");
    let s = ui.screen();
    assert!(s.lines().any(|l| l.contains("VIPs") && l.contains("dynamic") && l.contains("tag:vip")), "{s}");
    ui.keys("tab");
    assert!(ui.screen().contains("no email templates yet: n makes one"), "{}", ui.screen());
    ui.keys("n").text("Welcome").keys("tab").text("Hi {{first_nme}}").keys("tab").text("Dear {{first_name|friend}},");
    ui.keys("ctrl-s");
    assert!(ui.screen().contains("unknown merge field {{first_nme}}"), "refused naming the field: {}", ui.screen());
    // The refused field has the focus: clear it and type it right.
    ui.keys("ctrl-u").text("Hi {{first_name}}").keys("ctrl-s");
    assert!(ui.screen().contains("template · Welcome"), "saved, its page opens: {}", ui.screen());
    ui.keys("esc");
    let s = ui.screen();
    assert!(s.lines().any(|l| l.contains("Welcome") && l.contains("Hi {{first_name}}")), "{s}");
    let t = ui.crm.list::<Template>(|_| true).unwrap().remove(0);
    assert_eq!(t.body, "Dear {{first_name|friend}},");
    ui.keys("d");
    assert!(ui.screen().contains("Delete"), "asks first: {}", ui.screen());
    ui.keys("y");
    assert!(ui.crm.list::<Template>(|_| true).unwrap().is_empty());
}

/// Waits (five seconds at most) for the status bar to say `text`.
fn until(ui: &mut Ui, text: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let s = ui.screen();
        if s.contains(text) || std::time::Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn m_on_a_contact_composes_an_email_sends_it_and_files_it() {
    use super::common::smtp::{Behaviour, Smtp};
    let mut ui = Ui::populated(120, 30);
    let ines = vip(&ui, "Ines", "Spain");
    let template = Template {
        name: "Hello".into(),
        subject: "Hello {{first_name}}".into(),
        body: "Dear {{first_name|friend}}, a word.".into(),
        ..Default::default()
    };
    ui.crm.create(template).unwrap();
    ui.crm.set_mail_setting("smtp.from", "Ann Admin <ann@rolo.example>").unwrap();
    // No server yet: said, and the message is kept in the composer.
    ui.keys("2 f").text("ines").keys("enter M");
    assert!(ui.screen().contains("Email to Ines Vip"), "{}", ui.screen());
    ui.keys("tab").text("Quick question").keys("tab").text("Hi {{first_name}}, are you free?").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("no SMTP server is configured") && s.contains("Email to Ines Vip"), "{s}");
    let smtp = Smtp::start(Behaviour::default());
    ui.crm.set_mail_setting("smtp.url", &smtp.url).unwrap();
    ui.keys("ctrl-s");
    let s = until(&mut ui, "sent the email to ines@vip.example");
    assert!(s.contains("sent the email to ines@vip.example: Quick question"), "{s}");
    assert_eq!(smtp.received()[0].body().trim_end(), "Hi Ines, are you free?");
    // From a template picked by name, nothing else typed.
    ui.keys("M").text("Hello").keys("ctrl-s");
    until(&mut ui, "Hello Ines");
    assert_eq!(smtp.received()[1].header("Subject").unwrap(), "Hello Ines");
    let timeline = ui.crm.timeline(RecordRef::new(Kind::Contact, ines)).unwrap();
    assert_eq!(timeline.iter().filter(|t| t.what == "email").count(), 2);
    // Only contacts get email; a contact with no address is told so before the composer opens.
    ui.keys("3 M");
    assert!(ui.screen().contains("emails go to contacts"), "{}", ui.screen());
}

#[test]
fn s_on_a_campaign_picks_a_template_and_a_list_shows_who_gets_it_and_sends_on_confirm() {
    use super::common::smtp::{Behaviour, Smtp};
    let mut ui = Ui::populated(140, 30);
    vip(&ui, "Ines", "Spain");
    vip(&ui, "Jon", "Spain");
    let opted_out = vip(&ui, "Kay", "Spain");
    ui.crm.set_email_status(opted_out, "kay@vip.example", rolo::crm::EmailStatusChange::OptOut).unwrap();
    ui.crm.create(Campaign { name: "Spring push".into(), ..Default::default() }).unwrap();
    ui.crm.save_filter_as_list("Spanish VIPs", "tag:vip country:spain").unwrap();
    let t = Template {
        name: "Hello".into(),
        subject: "Hello {{first_name}}".into(),
        body: "Hi.".into(),
        ..Default::default()
    };
    ui.crm.create(t).unwrap();
    ui.crm.set_mail_setting("smtp.from", "Ann Admin <ann@rolo.example>").unwrap();
    let slow = Some(std::time::Duration::from_millis(400));
    let smtp = Smtp::start(Behaviour { slow, ..Default::default() });
    ui.crm.set_mail_setting("smtp.url", &smtp.url).unwrap();
    ui.keys("g m j S");
    assert!(
        ui.screen().contains("Send the campaign Spring push")
            && ui.screen().contains("its template and list: Enter picks each"),
        "{}",
        ui.screen()
    );
    ui.text("Hello").keys("tab").text("Nope").keys("ctrl-s");
    assert!(ui.screen().contains("no list is named 'Nope'"), "the field says it: {}", ui.screen());
    ui.keys("ctrl-u").text("Spanish VIPs").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("Send the campaign Spring push to 2 contacts (1 skipped, 0 sent before"), "{s}");
    assert!(s.contains("'Hello Ines' to Ines Vip"), "the first message is shown: {s}");
    ui.keys("y");
    // The app stays live while a slow server takes the messages, the status bar counting them.
    let s = until(&mut ui, "1 of 2");
    assert!(s.contains("sending the campaign Spring push: ██████████") && s.contains("1 of 2"), "{s}");
    let s = until(&mut ui, "the campaign Spring push: 2 sent");
    assert!(s.contains("the campaign Spring push: 2 sent, 1 skipped"), "{s}");
    let mut to: Vec<String> = smtp.received().into_iter().flat_map(|r| r.to).collect();
    to.sort();
    assert_eq!(to, ["ines@vip.example", "jon@vip.example"]);
    // Sent again, nobody is reached twice: said before anything is asked.
    ui.keys("S").text("Hello").keys("tab").text("Spanish VIPs").keys("ctrl-s");
    assert!(ui.screen().contains("nobody to send the campaign Spring push to"), "{}", ui.screen());
    // The campaign's page: what it reached and brought, its lists, its emails; R records an answer.
    ui.keys("esc y enter");
    let s = ui.screen();
    assert!(s.contains("3 members · emails: 2 sent, 1 skipped"), "{s}");
    assert!(s.contains("Spanish VIPs · 3 contacts") && s.contains("Emails (2 in all, newest first)"), "{s}");
    assert!(s.contains("none recorded: press R when someone answers"), "{s}");
    ui.keys("R").text("Ines").keys("ctrl-s");
    assert!(ui.screen().contains("pick the contact who answered"), "typed, not picked: {}", ui.screen());
    ui.keys("ctrl-u enter").text("ines").keys("enter ctrl-s");
    let s = ui.screen();
    assert!(s.contains("Spring push: response recorded, 1 in all"), "{s}");
    assert!(s.contains("1 responses · 0 leads"), "the page shows it: {s}");
}

#[test]
fn b_on_the_agenda_greets_todays_birthdays_with_a_template() {
    use super::common::smtp::{Behaviour, Smtp};
    let mut ui = Ui::populated(140, 30);
    let today = ui.crm.session().today();
    let born = Date::from_ymd(1990, today.0.month(), 1)
        .and_then(|d| d.0.with_day(today.0.day()).and_then(Date::checked))
        .unwrap_or(today);
    let id = vip(&ui, "Ines", "Spain");
    let mut c: Contact = ui.crm.get(id).unwrap();
    c.birthday = Some(born);
    ui.crm.update(c).unwrap();
    let t = Template {
        name: "Cheers".into(),
        subject: "Happy birthday, {{first_name}}".into(),
        body: "All the best.".into(),
        ..Default::default()
    };
    ui.crm.create(t).unwrap();
    ui.crm.set_mail_setting("smtp.from", "Ann Admin <ann@rolo.example>").unwrap();
    let smtp = Smtp::start(Behaviour::default());
    ui.crm.set_mail_setting("smtp.url", &smtp.url).unwrap();
    ui.keys("7 B");
    assert!(
        ui.screen().contains("Send today's birthday greetings") && ui.screen().contains("Ctrl-S see who gets it"),
        "{}",
        ui.screen()
    );
    ui.text("Cheers").keys("ctrl-s");
    let s = ui.screen();
    assert!(s.contains("'Happy birthday, Ines' to Ines Vip"), "{s}");
    ui.keys("y");
    until(&mut ui, "today's birthday greetings: 1 sent");
    assert_eq!(smtp.received()[0].to, ["ines@vip.example"]);
}
