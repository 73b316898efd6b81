//! Marketing: dynamic lists, templates, the mail settings, and email sent through a real SMTP
//! server started inside the test (`common::smtp`): recipients, merged subjects and bodies,
//! skipped opt-outs, bounces, the resume after an interruption, and the timeline entries.

use super::*;
use crate::common::smtp::{Behaviour, Smtp};
use chrono::Datelike;

/// A database with a campaign, a template and five contacts tagged `news` at Acme: Ann (fine),
/// Bob (fine, no account), Cy (opted out), Di (address invalid), Ed (no address at all).
fn marketing_db() -> Db {
    let db = Db::new();
    let acme = acme(&db);
    db.ok(format!("contact add --first Ann --last Lee --email ann@acme.com --account {acme} --tag news"));
    db.ok("contact add --first Bob --last Stone --email bob@stone.example --tag news");
    db.ok("contact add --first Cy --last Oh --email cy@oh.example --tag news");
    db.ok("contact email-status --opt-out 3 cy@oh.example");
    db.ok("contact add --first Di --last Fay --email di@fay.example --tag news");
    db.ok("contact email-status --invalid 4 di@fay.example");
    db.ok("contact add --first Ed --last Gray --tag news");
    db.ok("contact add --first Flo --last Hart --email flo@hart.example");
    db.ok("campaign add --name 'Spring push' --channel email");
    db.ok("list add --name News --filter tag:news");
    db.ok(vec![
        "template".into(),
        "add".into(),
        "--name".into(),
        "Welcome".into(),
        "--subject".into(),
        "Hello {{first_name|there}} from {{account.name|us}}".into(),
        "--body".into(),
        "Dear {{first_name}},\nour spring offer.\n{{owner.name}}".into(),
    ]);
    db.ok(["settings", "set", "smtp.from", "Ann Admin <news@rolo.example>"]);
    db
}

fn use_server(db: &Db, smtp: &Smtp) {
    db.ok(["settings", "set", "smtp.url", &smtp.url]);
}

#[test]
fn a_dynamic_list_is_its_filter_answered_when_used() {
    let db = marketing_db();
    let v = db.json("list contacts News");
    assert_eq!(texts_of(&v, "first_name"), ["Ann", "Bob", "Cy", "Di", "Ed"]);
    db.ok("contact edit 6 --tag news");
    assert_eq!(db.count("list contacts 1"), 6, "a new match joins without touching the list");
    let text = db.ok("list list");
    assert!(has_row(&text, &["News", "dynamic", "6", "tag:news"]), "{text}");
    db.fails_with("list add --name Odd --filter colour:red", 1, "error: filter: contacts have no field 'colour'");
    db.fails_with("list add --name news --filter tag:x", 1, "there is already a list 'News'");
    db.fails_with("list contacts Nope", 1, "no list is named 'Nope'");
    db.fails_with("list member News 1", 1, "dynamic");
    db.fails_with("list edit News --filter ''", 1, "error: filter: is required");
}

#[test]
fn templates_refuse_unknown_fields_and_preview_merged() {
    let db = marketing_db();
    db.fails_with(
        ["template", "add", "--name", "Bad", "--subject", "Hi {{firstname}}", "--body", "x"],
        1,
        "error: subject: unknown merge field {{firstname}}: use one of first_name",
    );
    db.fails_with(["template", "add", "--name", "Bad", "--subject", "Hi", "--body", "{{first_name"], 1, "not closed");
    db.fails_with("template add --name Welcome --subject Hi --body x", 1, "there is already a template 'Welcome'");
    db.fails_with("template add --name X --subject Hi", 1, "error: body: is required");
    let preview = db.ok("template preview Welcome --contact 1");
    assert!(preview.contains("Subject: Hello Ann from Acme Ltd"), "{preview}");
    assert!(preview.contains("Dear Ann,\nour spring offer."), "{preview}");
    let bob = db.json("template preview 1 --contact 2");
    assert_eq!(bob["subject"], "Hello Bob from us", "a default fills what the contact lacks");
    db.fails_with("template preview Welcome --contact 5", 1, "Ed Gray has no address");
    let file = db.file("body.txt");
    std::fs::write(&file, "Hi {{first_name}}\r\nline two\r\n").unwrap();
    db.ok(format!("template edit Welcome --body-file {}", file.display()));
    assert_eq!(db.json("template show Welcome")["body"], "Hi {{first_name}}\nline two\n");
    let list = db.ok("template list");
    assert!(has_row(&list, &["Welcome", "first_name account.name"]), "{list}");
    db.ok("template delete Welcome");
    assert_eq!(db.count("template list"), 0);
}

#[test]
fn sending_without_a_server_says_how_to_configure_one() {
    let db = marketing_db();
    let err =
        db.fails_with("campaign send 'Spring push' --template Welcome --list News", 1, "no SMTP server is configured");
    assert!(err.contains("rolo settings set smtp.url") && err.contains("ROLO_SMTP_URL"), "{err}");
    db.fails_with("campaign send 'Spring push' --template Welcome --list Nope", 1, "no list is named 'Nope'");
    db.fails_with("campaign send Nope --template Welcome --list News", 1, "no campaign is named 'Nope'");
    db.fails_with("email send --contact 1", 1, "give --template NAME, or --subject");
    db.fails_with("settings set smtp.url http://x", 1, "error: smtp.url:");
    db.fails_with("settings set smtp.port 25", 1, "not a setting");
}

#[test]
fn the_password_is_never_printed_back() {
    let db = marketing_db();
    let set = db.ok(["settings", "set", "smtp.url", "smtp://ann:s3cret@mail.example.com:587"]);
    let show = db.ok("settings show");
    let json = db.json("settings show").to_string();
    for text in [&set, &show, &json] {
        assert!(!text.contains("s3cret") && text.contains("ann:****@mail.example.com"), "{text}");
    }
    assert!(show.contains("smtp.from: Ann Admin <news@rolo.example>"), "{show}");
}

#[test]
fn a_campaign_goes_to_each_reachable_contact_once_merged_with_an_unsubscribe_line() {
    let db = marketing_db();
    let smtp = Smtp::start(Behaviour { refuse: vec!["bob@stone.example".into()], ..Default::default() });
    use_server(&db, &smtp);
    let dry = db.json("campaign send 'Spring push' --template Welcome --list News --dry-run");
    assert_eq!(dry["send"].as_array().unwrap().len(), 2);
    assert_eq!(dry["skipped"], json!([[3, "opted_out"], [4, "invalid"], [5, "no_address"]]));
    assert!(smtp.received().is_empty(), "a dry run sends nothing");

    let report = db.json("campaign send 'Spring push' --template Welcome --list News");
    assert_eq!(pick(&report, &["sent", "bounced", "skipped", "failed"]), json!([1, 1, 3, 0]));
    let got = smtp.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].to, ["ann@acme.com"]);
    assert_eq!(got[0].header("Subject").unwrap(), "Hello Ann from Acme Ltd");
    assert_eq!(got[0].header("From").unwrap(), "\"Ann Admin\" <news@rolo.example>");
    assert!(got[0].header("List-Unsubscribe").unwrap().contains("mailto:news@rolo.example"));
    let body = got[0].body();
    assert!(body.starts_with("Dear Ann,\nour spring offer.\n"), "{body}");
    assert!(body.contains("reply with \"unsubscribe\""), "{body}");

    // Bob's address was refused at once: bounced, and never mailed by a campaign again.
    let bob = db.json("contact show 2");
    assert_eq!(bob["emails"][0]["validity"], "bounced");
    // Each email is on its contact's timeline.
    let timeline = db.ok("timeline contact:1");
    assert!(has_row(&timeline, &["email", "sent to ann@acme.com: Hello Ann from Acme Ltd"]), "{timeline}");
    let emails = db.json("email list --campaign 'Spring push'");
    assert_eq!(texts_of(&emails, "result"), ["bounced", "sent"]);

    // Sending again reaches nobody twice.
    let again = db.json("campaign send 'Spring push' --template Welcome --list News");
    assert_eq!(pick(&again, &["sent", "already"]), json!([0, 2]));
    assert_eq!(smtp.received().len(), 1);
    let campaign = db.json("campaign show 'Spring push'");
    assert_eq!(pick(&campaign, &["status", "lists", "skipped"]), json!(["active", [1], 3]));
    assert_eq!(pick(&campaign["sends"], &["sent", "bounced", "failed", "skipped"]), json!([1, 1, 0, 3]));
    let shown = db.ok("campaign show 'Spring push'");
    assert!(shown.contains("1 sent, 1 bounced, 3 skipped"), "{shown}");
}

#[test]
fn a_send_cut_off_by_the_server_resumes_with_the_rest() {
    let db = marketing_db();
    for n in 0..4 {
        db.ok(format!("contact add --first P{n} --last Q --email p{n}@q.example --tag news"));
    }
    let smtp = Smtp::start(Behaviour { stop_after: Some(2), ..Default::default() });
    use_server(&db, &smtp);
    // The one exception to all-or-nothing: what went is said, and the command fails.
    let out =
        rolo(&db.path).args("campaign send 'Spring push' --template Welcome --list News".words()).output().unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout.trim(), "campaign 1: 2 sent, 1 failed, 3 skipped");
    assert!(stderr.starts_with("error: the send stopped: the mail server:"), "{stderr}");
    assert!(stderr.contains("run it again to send the rest"), "{stderr}");
    assert_eq!(smtp.received().len(), 2);
    let working = Smtp::start(Behaviour::default());
    use_server(&db, &working);
    let report = db.json("campaign send 'Spring push' --template Welcome --list News");
    assert_eq!(pick(&report, &["sent", "already"]), json!([4, 2]));
    let mut everyone: Vec<String> = smtp.received().into_iter().chain(working.received()).flat_map(|r| r.to).collect();
    everyone.sort();
    let expected =
        ["ann@acme.com", "bob@stone.example", "p0@q.example", "p1@q.example", "p2@q.example", "p3@q.example"];
    assert_eq!(everyone, expected, "each contact exactly once");
}

#[test]
fn a_send_interrupted_mid_message_leaves_it_uncertain_until_asked() {
    let db = marketing_db();
    let smtp = Smtp::start(Behaviour { hold_after: Some(1), ..Default::default() });
    use_server(&db, &smtp);
    let mut child = common::rolo_in(&db.path, "C.UTF-8")
        .args(["campaign", "send", "Spring push", "--template", "Welcome", "--list", "News"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while smtp.received().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the first message never arrived");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // The second is recorded, then handed over; the server holds it without an answer.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    child.kill().unwrap();
    child.wait().unwrap();
    let results = texts_of(&db.json("email list"), "result");
    assert_eq!(results, ["pending", "sent"], "the second was handed over with no answer");

    let working = Smtp::start(Behaviour::default());
    use_server(&db, &working);
    let report = db.json("campaign send 'Spring push' --template Welcome --list News");
    assert_eq!(pick(&report, &["sent", "uncertain", "already"]), json!([0, 1, 1]));
    assert!(working.received().is_empty(), "an uncertain message is not sent again unasked");
    let text = db.ok("campaign send 'Spring push' --template Welcome --list News");
    assert!(text.contains("1 uncertain (not sent again: --resend-uncertain)"), "{text}");
    let report = db.json("campaign send 'Spring push' --template Welcome --list News --resend-uncertain");
    assert_eq!(pick(&report, &["sent", "uncertain"]), json!([1, 0]));
    assert_eq!(working.received().len(), 1);
    assert_eq!(db.count("email list"), 2, "the uncertain message's record was reused");
}

#[test]
fn one_email_to_a_contact_is_sent_and_filed() {
    let db = marketing_db();
    let smtp = Smtp::start(Behaviour::default());
    use_server(&db, &smtp);
    let text = db.ok([
        "email",
        "send",
        "--contact",
        "3",
        "--subject",
        "Your call",
        "--body",
        "Hi {{first_name}}, as promised.",
    ]);
    assert!(text.starts_with("sent email 1 to cy@oh.example: Your call"), "{text}");
    let got = smtp.received();
    assert_eq!(got[0].body().trim_end(), "Hi Cy, as promised.", "a one-to-one email has no unsubscribe line");
    assert!(db.ok("timeline contact:3").contains("sent to cy@oh.example: Your call"));
    // The email counts in the activity report, for the one who sent it.
    let activity = db.json("report activity");
    assert_eq!(pick(&activity["rows"][0], &["owner", "emails"]), json!(["tester", 1]), "{activity}");
    assert!(db.ok("report activity").contains("EMAILS"));
    db.fails_with("email send --contact 4 --template Welcome", 1, "Di Fay has invalid address");
    // Without a server, a folder of .eml files will do.
    let dir = db.file("out");
    db.ok(format!("email send --contact 1 --template Welcome --to-dir {}", dir.display()));
    let eml = std::fs::read_to_string(dir.join("rolo-2.eml")).unwrap();
    assert!(eml.contains("Subject: Hello Ann from Acme Ltd"), "{eml}");
    assert_eq!(db.json("email list --contact 1")[0]["result"], "written");
}

#[test]
fn responses_are_recorded_with_what_they_brought() {
    let db = marketing_db();
    let lead = db.id("lead add --first Gil --last Ray");
    let v = db.json(format!("campaign response 'Spring push' --contact 1 --lead {lead}"));
    assert_eq!(v["responses"][0]["contact"], 1);
    assert_eq!(db.json(format!("lead show {lead}"))["campaign"], 1, "the lead is filed under the campaign");
    db.fails_with("campaign response 'Spring push' --contact 99", 1, "contact:99 does not exist");
    let list = db.ok("campaign list");
    assert!(
        has_row(&list, &["Spring push", "email", "active", "1"]) || has_row(&list, &["Spring push", "1"]),
        "{list}"
    );
}

#[test]
fn an_unsubscribe_file_opts_addresses_out() {
    let db = marketing_db();
    let file = db.file("unsub.csv");
    let text = "Email,Date\r\nANN@acme.com,2026-12-01\r\nnobody@x.example,2026-12-02\r\n";
    let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    std::fs::write(&file, utf16).unwrap();
    let v = db.json(format!("email unsubscribes {}", file.display()));
    assert_eq!(pick(&v, &["addresses", "opted_out", "unknown"]), json!([2, 1, ["nobody@x.example"]]));
    assert_eq!(db.json("contact show 1")["emails"][0]["consent"], "opted_out");
}

#[test]
fn sending_to_a_list_needs_the_send_right() {
    let db = marketing_db();
    db.ok("user add rita --name 'Rita Rep' --role rep");
    let smtp = Smtp::start(Behaviour::default());
    use_server(&db, &smtp);
    let err = db.fails_only("--as rita campaign send 'Spring push' --template Welcome --list News", 1, "may not");
    assert!(err.contains("send"), "{err}");
    assert!(smtp.received().is_empty());
}

#[test]
fn birthdays_are_greeted_once_a_day_and_the_opted_out_left_out() {
    let db = marketing_db();
    let today = chrono::Local::now().date_naive();
    let born =
        chrono::NaiveDate::from_ymd_opt(1990, today.month(), 1).and_then(|d| d.with_day(today.day())).unwrap_or(today);
    db.ok(format!("contact edit 1 --birthday {born}"));
    db.ok(format!("contact edit 3 --birthday {born}"));
    let dry = db.json("email birthdays --template Welcome --dry-run");
    assert_eq!(texts_of(&dry["send"], "to"), ["ann@acme.com"]);
    assert_eq!(dry["skipped"], json!([[3, "opted_out"]]));
    let smtp = Smtp::start(Behaviour::default());
    use_server(&db, &smtp);
    let sent = db.json("email birthdays --template Welcome");
    assert_eq!(pick(&sent, &["sent", "skipped"]), json!([1, 1]));
    assert_eq!(smtp.received()[0].header("Subject").unwrap(), "Hello Ann from Acme Ltd");
    assert!(!smtp.received()[0].body().contains("unsubscribe"), "a greeting is one-to-one mail");
    let again = db.json("email birthdays --template Welcome");
    assert_eq!(again["sent"], 0, "greeted once a day");
    assert_eq!(smtp.received().len(), 1);
}

#[test]
fn a_rep_sees_only_the_emails_and_list_members_they_may_read() {
    let db = marketing_db();
    db.ok("user add rita --name 'Rita Rep' --role rep");
    db.ok("contact add --first Rae --last Own --email rae@own.example --tag news --owner rita");
    let smtp = Smtp::start(Behaviour::default());
    use_server(&db, &smtp);
    db.ok("email send --contact 1 --template Welcome");
    assert_eq!(db.count("email list"), 1);
    assert_eq!(db.count("--as rita email list"), 0, "the email is about a contact rita does not read");
    let members = db.json("--as rita list contacts News");
    assert_eq!(texts_of(&members, "first_name"), ["Rae"]);
    db.fails_with("--as rita template preview Welcome --contact 1", 1, "contact:1 does not exist");
}
