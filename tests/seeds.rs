//! The acceptance checks on the five real seed reports and six real peer
//! reports of ../shared/corpus (present in CI; skipped where the checkout has
//! no corpus beside it). The repository holds none of their text.

mod common;

use common::{Run, corpus, diagnostics, rules_of, xxgk};
use serde_json::Value;

fn check_seed(name: &str) -> Option<Run> {
    let dir = corpus("seeds")?;
    let path = dir.join(name);
    let path = path.to_str()?.to_owned();
    Some(xxgk(&["check", &path, "--format", "json", "--isolated"]))
}

fn with_message<'a>(d: &'a [Value], rule: &str, needle: &str) -> Vec<&'a Value> {
    d.iter()
        .filter(|x| x["rule"] == rule && x["message"].as_str().is_some_and(|m| m.contains(needle)))
        .collect()
}

fn flagged_text(d: &Value, text: &str) -> String {
    let start = d["range"]["start"]["offset"].as_u64().unwrap_or(0) as usize;
    let end = d["range"]["end"]["offset"].as_u64().unwrap_or(0) as usize;
    text.get(start..end).unwrap_or_default().to_owned()
}

#[test]
fn seed_000_missing_fee_and_review_sections_with_numbered_insertions() {
    let Some(run) = check_seed("000_8f38e6278bd335ce.txt") else {
        return;
    };
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    let report = &json["files"][0]["report"];
    assert_eq!(report["year"], 2013);
    assert_eq!(report["regime"], "2007");
    assert!(
        report["issuer"]
            .as_str()
            .is_some_and(|i| i.contains("崔各庄乡"))
    );
    // Chaoyang township: national, then Beijing, then Chaoyang.
    let packs: Vec<&str> = report["packs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for layer in ["cn", "beijing", "beijing-chaoyang"] {
        assert!(packs.contains(&layer), "{packs:?}");
    }

    let d = diagnostics(&run);
    for (needle, heading) in [
        ("收费及减免", "四、政府信息公开的收费及减免情况"),
        (
            "行政复议",
            "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
        ),
    ] {
        let found = with_message(&d, "cn/sections-2007", needle);
        assert_eq!(found.len(), 1, "{needle}: {d:?}");
        assert_eq!(found[0]["severity"], "error");
        let edits = found[0]["fix"]["edits"].as_array().expect("a fix");
        assert!(
            edits.iter().any(|e| e["text"]
                .as_str()
                .is_some_and(|t| t.starts_with(&format!("{heading}\n")))),
            "{edits:?}"
        );
        // The existing 四、存在的主要问题… moves to 五.
        assert!(edits.iter().any(|e| e["text"] == "五"), "{edits:?}");
    }
}

#[test]
fn seed_000_structure_and_writing_findings() {
    let Some(run) = check_seed("000_8f38e6278bd335ce.txt") else {
        return;
    };
    let Some(dir) = corpus("seeds") else { return };
    let text = std::fs::read_to_string(dir.join("000_8f38e6278bd335ce.txt")).unwrap();
    let d = diagnostics(&run);
    let find = |rule: &str| d.iter().filter(|x| x["rule"] == rule).collect::<Vec<_>>();

    // 一、概述 followed by 一、二、三、 sub-headings: one finding, fixed to （一）（二）（三）.
    let numbering = find("cn/heading-numbering");
    assert_eq!(numbering.len(), 1, "{numbering:?}");
    assert!(flagged_text(numbering[0], &text).starts_with("一、健全组织"));
    let edits = numbering[0]["fix"]["edits"].as_array().unwrap();
    let new: Vec<&str> = edits.iter().filter_map(|e| e["text"].as_str()).collect();
    assert_eq!(new, ["（一）", "（二）", "（三）"]);

    let paragraph = find("cn/duplicated-paragraph");
    assert_eq!(paragraph.len(), 1);
    assert!(flagged_text(paragraph[0], &text).starts_with("虽然我乡信息公开工作取得了明显的成绩"));

    let word = find("gbt/duplicated-word");
    assert_eq!(word.len(), 1);
    assert_eq!(flagged_text(word[0], &text), "信息");

    assert_eq!(find("gbt/guillemet-book-title").len(), 1);
    assert_eq!(find("gbt/heading-ordinal-dunhao").len(), 2);
    assert_eq!(find("gbt/heading-inner-space").len(), 1);
    // The report has its legal basis, year, period and download location.
    for absent in [
        "cn/legal-basis",
        "cn/statistics-period",
        "cn/download-location",
        "cn/year-unknown",
        "cn/title-missing",
    ] {
        assert!(find(absent).is_empty(), "{absent}");
    }
}

#[test]
fn seed_001_has_all_required_sections() {
    let Some(run) = check_seed("001_d2896c682011364c.txt") else {
        return;
    };
    let d = diagnostics(&run);
    let errors: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "cn/sections-2007" && x["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // 以下6方面工作 followed by （一）…（六）: consistent numbering.
    assert!(!rules_of(&run).contains(&"cn/heading-numbering".to_owned()));
    // It lacks the statistics period.
    assert!(rules_of(&run).contains(&"cn/statistics-period".to_owned()));
}

#[test]
fn seed_002_spam_and_chaoyang_selection_by_document_number() {
    let Some(run) = check_seed("002_16dca761f14228ce.txt") else {
        return;
    };
    let json = run.json();
    assert_eq!(json["files"][0]["report"]["year"], 2017);
    let packs = json["files"][0]["report"]["packs"].as_array().unwrap();
    assert!(packs.iter().any(|p| p == "beijing-chaoyang"), "{packs:?}");
    let d = diagnostics(&run);
    let spam: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "cn/spam-injection")
        .collect();
    assert_eq!(spam.len(), 2);
    // Half-width punctuation throughout is one grouped finding, not a hundred.
    let halfwidth: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "gbt/halfwidth-punctuation")
        .collect();
    assert_eq!(halfwidth.len(), 1);
    assert!(
        halfwidth[0]["fix"]["edits"]
            .as_array()
            .is_some_and(|e| e.len() > 50)
    );
    // None of the Art. 32 headings is a heading here.
    assert!(with_message(&d, "cn/sections-2007", "收费及减免").len() == 1);
    // The report names 《2017年政务公开工作要点》: Chaoyang's rule is satisfied.
    assert!(!rules_of(&run).contains(&"beijing-chaoyang/work-plan-implementation".to_owned()));
}

#[test]
fn seed_003_typo_zero_glyph_and_correct_document_number() {
    let Some(run) = check_seed("003_03320d02408610fb.txt") else {
        return;
    };
    let Some(dir) = corpus("seeds") else { return };
    let text = std::fs::read_to_string(dir.join("003_03320d02408610fb.txt")).unwrap();
    let d = diagnostics(&run);
    let typo: Vec<_> = d.iter().filter(|x| x["rule"] == "gbt/typos").collect();
    assert_eq!(typo.len(), 1);
    assert_eq!(flagged_text(typo[0], &text), "已申请公开工作");
    let zero: Vec<_> = d.iter().filter(|x| x["rule"] == "gbt/zero-glyph").collect();
    assert_eq!(zero.len(), 1);
    assert_eq!(zero[0]["fix"]["edits"][0]["text"], "二〇〇九");
    // 京政办发〔2007〕71号 is correctly formed.
    assert!(!rules_of(&run).contains(&"gbt/document-number-brackets".to_owned()));
    for needle in ["收费及减免", "行政复议"] {
        assert_eq!(
            with_message(&d, "cn/sections-2007", needle).len(),
            1,
            "{needle}"
        );
    }
}

#[test]
fn seed_004_placeholders_and_wrong_regulation_name() {
    let Some(run) = check_seed("004_b61ef283626af920.txt") else {
        return;
    };
    let Some(dir) = corpus("seeds") else { return };
    let text = std::fs::read_to_string(dir.join("004_b61ef283626af920.txt")).unwrap();
    let d = diagnostics(&run);
    let texts = |rule: &str| -> Vec<String> {
        d.iter()
            .filter(|x| x["rule"] == rule)
            .map(|x| flagged_text(x, &text))
            .collect()
    };
    assert!(texts("cn/placeholder-star").contains(&"***".to_owned()));
    assert!(texts("cn/placeholder-cross").contains(&"××".to_owned()));
    let years = texts("cn/placeholder-year");
    assert!(
        years.contains(&"20*年".to_owned()) && years.contains(&"20**年".to_owned()),
        "{years:?}"
    );
    assert_eq!(texts("cn/placeholder-empty-brackets"), ["[]"]);
    assert!(texts("cn/year-missing").len() >= 4);
    assert_eq!(texts("gbt/small-percent-sign"), ["﹪"]);
    assert_eq!(
        texts("gbt/typos").iter().filter(|t| *t == "具统计").count(),
        4
    );

    let name: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "cn/regulation-name")
        .collect();
    assert_eq!(name.len(), 1);
    assert_eq!(
        flagged_text(name[0], &text),
        "《中华人民共和国政府信息公开工作条例》"
    );
    assert_eq!(name[0]["fix"]["safe"], true);
    assert_eq!(
        name[0]["fix"]["edits"][0]["text"],
        "《中华人民共和国政府信息公开条例》"
    );

    // A page of ten sample reports from many years: no report year, so no
    // regime-specific section findings drown the writer.
    assert!(run.json()["files"][0]["report"]["year"].is_null());
    assert!(!rules_of(&run).iter().any(|r| r.starts_with("cn/sections-")));
    assert!(d.len() < 200, "{} findings", d.len());
}

#[test]
fn gb18030_copy_of_a_seed_gives_the_same_findings() {
    let Some(dir) = corpus("seeds") else { return };
    let text = std::fs::read_to_string(dir.join("000_8f38e6278bd335ce.txt")).unwrap();
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("000-gb18030.txt");
    std::fs::write(&copy, &bytes).unwrap();
    let gb = xxgk(&[
        "check",
        copy.to_str().unwrap(),
        "--format",
        "json",
        "--isolated",
    ]);
    let utf8 = check_seed("000_8f38e6278bd335ce.txt").unwrap();
    assert_eq!(diagnostics(&gb), diagnostics(&utf8));
}

#[test]
fn peer_reports_in_2021_format_have_their_sections() {
    let Some(dir) = corpus("peer") else { return };
    for name in [
        "01_2023_hongze_qu.txt",
        "02_2024_hongze_qu.txt",
        "04_2023_shuyang_fgj.txt",
    ] {
        let path = dir.join(name);
        let run = xxgk(&[
            "check",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--isolated",
        ]);
        let json = run.json();
        assert_eq!(json["files"][0]["report"]["regime"], "2021", "{name}");
        let d = diagnostics(&run);
        let sections: Vec<_> = d
            .iter()
            .filter(|x| {
                x["rule"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("cn/sections-"))
            })
            .collect();
        assert!(sections.is_empty(), "{name}: {sections:?}");
        // A district government that says nothing of 考核、评议、责任追究
        // (Art. 50(4)) is told so; the others mention them.
        let accountability = d
            .iter()
            .any(|x| x["rule"] == "cn/government-accountability");
        assert_eq!(accountability, name.starts_with("01_"), "{name}");
    }
}

#[test]
fn fix_on_copies_of_the_seeds_settles_and_keeps_gb18030_bytes() {
    let Some(dir) = corpus("seeds") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut originals = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "txt") {
            let name = path.file_name().unwrap().to_owned();
            std::fs::copy(&path, tmp.path().join(&name)).unwrap();
            originals.push(name);
        }
    }
    assert_eq!(originals.len(), 5);
    let text = std::fs::read_to_string(dir.join("000_8f38e6278bd335ce.txt")).unwrap();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let gb_path = tmp.path().join("gb18030.txt");
    std::fs::write(&gb_path, &gb).unwrap();
    let folder = tmp.path().to_str().unwrap();

    let fixed = xxgk(&["fix", folder, "--isolated"]);
    assert_ne!(fixed.code, 2, "{}", fixed.stderr);
    let after = xxgk(&[
        "check",
        folder,
        "--isolated",
        "--no-cache",
        "--format",
        "json",
    ]);
    let safe_left: Vec<Value> = after.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().cloned().unwrap_or_default())
        .filter(|d| d["fix"]["safe"] == true)
        .map(|d| d["rule"].clone())
        .collect();
    assert!(safe_left.is_empty(), "{safe_left:?}");

    // A second fix changes no byte.
    let snapshot: Vec<Vec<u8>> = originals
        .iter()
        .chain([&std::ffi::OsString::from("gb18030.txt")])
        .map(|n| std::fs::read(tmp.path().join(n)).unwrap())
        .collect();
    xxgk(&["fix", folder, "--isolated"]);
    let again: Vec<Vec<u8>> = originals
        .iter()
        .chain([&std::ffi::OsString::from("gb18030.txt")])
        .map(|n| std::fs::read(tmp.path().join(n)).unwrap())
        .collect();
    assert_eq!(snapshot, again);

    // The GB18030 copy is still GB18030, equal to the fixed UTF-8 copy's text,
    // and differs from its original only between the first and last change.
    let fixed_gb = std::fs::read(&gb_path).unwrap();
    let (decoded, _, bad) = encoding_rs::GB18030.decode(&fixed_gb);
    assert!(!bad);
    let fixed_utf8 = std::fs::read_to_string(tmp.path().join("000_8f38e6278bd335ce.txt")).unwrap();
    assert_eq!(decoded, fixed_utf8);
    let (expected, _, _) = encoding_rs::GB18030.encode(&fixed_utf8);
    assert_eq!(fixed_gb, expected.as_ref());
    let prefix = gb.iter().zip(&fixed_gb).take_while(|(a, b)| a == b).count();
    let suffix = gb
        .iter()
        .rev()
        .zip(fixed_gb.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert!(prefix > 0 && suffix > 0 && prefix + suffix <= gb.len().min(fixed_gb.len()));
}

/// Findings of `rule` in a seed's JSON output.
fn of<'a>(d: &'a [Value], rule: &str) -> Vec<&'a Value> {
    d.iter().filter(|x| x["rule"] == rule).collect()
}

fn seed_text(name: &str) -> Option<String> {
    std::fs::read_to_string(corpus("seeds")?.join(name)).ok()
}

#[test]
fn seed_000_title_preamble_and_layout() {
    let name = "000_8f38e6278bd335ce.txt";
    let (Some(run), Some(text)) = (check_seed(name), seed_text(name)) else {
        return;
    };
    let d = diagnostics(&run);
    // The title line names neither the township nor the year (the preamble does).
    for rule in ["cn/title-year", "cn/title-issuer"] {
        let found = of(&d, rule);
        assert_eq!(found.len(), 1, "{rule}");
        assert_eq!(
            flagged_text(found[0], &text).trim(),
            "政府信息公开工作年度报告"
        );
    }
    // Trailing blanks after headings, each removable.
    let trailing = of(&d, "gbt/trailing-spaces");
    assert!(!trailing.is_empty());
    for t in &trailing {
        assert!(
            flagged_text(t, &text)
                .chars()
                .all(|c| c == ' ' || c == '　')
        );
    }
    // Its preamble gives the period for 2013, a download location and a phone.
    for absent in [
        "cn/statistics-period-year",
        "cn/report-year-mention",
        "cn/contact-info",
        "cn/deadline-2007",
        "gbt/unpaired-marks",
    ] {
        assert!(of(&d, absent).is_empty(), "{absent}: {:?}", of(&d, absent));
    }
}

#[test]
fn seed_001_preamble_lacks_download_and_contact_and_title_wording() {
    let name = "001_d2896c682011364c.txt";
    let (Some(run), Some(text)) = (check_seed(name), seed_text(name)) else {
        return;
    };
    let d = diagnostics(&run);
    assert_eq!(of(&d, "cn/download-location").len(), 1);
    assert_eq!(of(&d, "cn/contact-info").len(), 1);
    let wording = of(&d, "cn/title-wording");
    assert_eq!(wording.len(), 1);
    assert_eq!(flagged_text(wording[0], &text), "政府政务信息公开");
    assert_eq!(wording[0]["fix"]["edits"][0]["text"], "政府信息公开");
    // The title names the town and the year.
    assert!(of(&d, "cn/title-year").is_empty());
    assert!(of(&d, "cn/title-issuer").is_empty());
}

#[test]
fn seed_002_spam_is_scored_and_the_sign_off_is_on_time() {
    let name = "002_16dca761f14228ce.txt";
    let (Some(run), Some(text)) = (check_seed(name), seed_text(name)) else {
        return;
    };
    let d = diagnostics(&run);
    for spam in of(&d, "cn/spam-injection") {
        let start = spam["range"]["start"]["offset"].as_u64().unwrap() as usize;
        assert!(text[..start].ends_with("《手机"), "{spam}");
        assert!(
            spam["message"]
                .as_str()
                .unwrap()
                .contains("网站或 App 式名称")
        );
    }
    // Signed 2018年3月: within the 3月31日 deadline of the 2007 regime.
    assert!(of(&d, "cn/deadline-2007").is_empty());
    // Beijing's layer turns off the download and contact suggestions.
    assert!(of(&d, "cn/download-location").is_empty());
    assert!(of(&d, "cn/contact-info").is_empty());
    // A mostly half-width text: one finding for all the marks, parentheses
    // included, whose fix corrects every one.
    let punctuation = of(&d, "gbt/halfwidth-punctuation");
    assert_eq!(punctuation.len(), 1);
    assert!(
        punctuation[0]["message"]
            .as_str()
            .unwrap()
            .contains("全文共")
    );
    let edits = punctuation[0]["fix"]["edits"].as_array().unwrap();
    assert!(edits.iter().any(|e| {
        e["text"]
            .as_str()
            .is_some_and(|t| t.starts_with('（') && t.ends_with('）'))
    }));
}

#[test]
fn seed_003_nested_title_and_well_formed_document_number() {
    let name = "003_03320d02408610fb.txt";
    let (Some(run), Some(text)) = (check_seed(name), seed_text(name)) else {
        return;
    };
    let d = diagnostics(&run);
    let nested = of(&d, "gbt/nested-book-title");
    assert!(!nested.is_empty());
    assert!(flagged_text(nested[0], &text).contains("<中华人民共和国政府信息公开条例>"));
    assert_eq!(
        nested[0]["fix"]["edits"][0]["text"],
        "《关于贯彻施行〈中华人民共和国政府信息公开条例〉准备工作的通知》"
    );
    // 京政办发〔2007〕71号 is correctly formed: no 发文字号 rule fires.
    for rule in [
        "gbt/document-number-brackets",
        "gbt/document-number-year",
        "gbt/document-number-sequence",
        "gbt/document-number-suffix",
    ] {
        assert!(of(&d, rule).is_empty(), "{rule}");
    }
}

#[test]
fn seed_004_noise_budget_and_grouped_placeholders_keep_their_places() {
    let name = "004_b61ef283626af920.txt";
    let (Some(run), Some(text)) = (check_seed(name), seed_text(name)) else {
        return;
    };
    let d = diagnostics(&run);
    let mut counts = std::collections::BTreeMap::new();
    for x in &d {
        *counts.entry(x["rule"].as_str().unwrap_or("")).or_insert(0) += 1;
    }
    for (rule, count) in &counts {
        assert!(*count <= 15, "{rule} fires {count} times: {counts:?}");
    }
    // 19 *** and 21 ×× placeholders: one finding each, every place listed.
    for (rule, mark) in [("cn/placeholder-star", '*'), ("cn/placeholder-cross", '×')] {
        let found = of(&d, rule);
        assert_eq!(found.len(), 1, "{rule}");
        let related = found[0]["related"].as_array().unwrap();
        assert!(related.len() >= 15, "{rule}: {}", related.len());
        for r in related {
            let start = r["range"]["start"]["offset"].as_u64().unwrap() as usize;
            assert!(text[start..].starts_with(mark), "{rule} at {start}");
        }
    }
    let jiezhi = of(&d, "gbt/jiezhi");
    assert_eq!(jiezhi.len(), 1);
    assert_eq!(jiezhi[0]["fix"]["edits"][0]["text"], "截至");
}

#[test]
fn no_seed_has_personal_numbers_or_unpaired_marks() {
    for name in [
        "000_8f38e6278bd335ce.txt",
        "001_d2896c682011364c.txt",
        "002_16dca761f14228ce.txt",
        "003_03320d02408610fb.txt",
        "004_b61ef283626af920.txt",
    ] {
        let Some(run) = check_seed(name) else { return };
        let d = diagnostics(&run);
        for rule in [
            "cn/personal-id-number",
            "cn/bank-card-number",
            "cn/mobile-number",
            "cn/sensitive-names",
            "gbt/unpaired-marks",
            "gbt/encoding-garbage",
            "cn/statistics-period-year",
        ] {
            assert!(
                of(&d, rule).is_empty(),
                "{name}: {rule}: {:?}",
                of(&d, rule)
            );
        }
    }
}
