//! `xxgk check`, `rules` and `explain` as a user runs them, on the team's own
//! example reports and on broken input.

mod common;

use common::{diagnostics, repo, rules_of, xxgk, xxgk_in};

#[test]
fn clean_report_exits_zero() {
    let run = xxgk(&["check", "examples/reports/2023-bumen.md"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("未发现问题"), "{}", run.stdout);
}

#[test]
fn report_with_findings_exits_one_and_explains_them() {
    let run = xxgk(&[
        "check",
        "examples/reports/2013-xiangzhen.txt",
        "--color",
        "never",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("错误[cn/sections-2007]"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("examples/reports/2013-xiangzhen.txt:"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no colour when asked for none"
    );
}

#[test]
fn json_contract() {
    let run = xxgk(&[
        "check",
        "examples/reports/2013-xiangzhen.txt",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["version"], 1);
    let file = &json["files"][0];
    assert_eq!(file["report"]["issuer"], "示范乡人民政府");
    assert_eq!(file["report"]["year"], 2013);
    assert_eq!(file["report"]["regime"], "2007");
    assert_eq!(file["report"]["packs"][0], "cn");

    let wrong_name = diagnostics(&run)
        .into_iter()
        .find(|d| d["rule"] == "cn/regulation-name")
        .expect("the wrong regulation name is found");
    assert_eq!(wrong_name["severity"], "error");
    assert_eq!(wrong_name["range"]["start"]["line"], 3);
    assert_eq!(wrong_name["range"]["start"]["column"], 6);
    assert_eq!(wrong_name["fix"]["safe"], true);
    assert_eq!(
        wrong_name["fix"]["edits"][0]["text"],
        "《中华人民共和国政府信息公开条例》"
    );
    assert!(
        wrong_name["basis"]
            .as_str()
            .is_some_and(|b| b.contains("国务院令第711号"))
    );
    let summary = &json["summary"];
    assert_eq!(summary["files"], 1);
    assert!(summary["errors"].as_u64().is_some_and(|n| n >= 3));
}

#[test]
fn missing_fee_section_fix_inserts_a_numbered_heading_at_its_place() {
    let run = xxgk(&[
        "check",
        "examples/reports/2013-xiangzhen.txt",
        "--format",
        "json",
    ]);
    let fees = diagnostics(&run)
        .into_iter()
        .find(|d| {
            d["rule"] == "cn/sections-2007"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("收费及减免"))
        })
        .expect("the missing fee section is found");
    let edits = fees["fix"]["edits"].as_array().expect("a fix");
    let insert = edits
        .iter()
        .find(|e| e["text"].as_str().is_some_and(|t| t.contains("收费及减免")))
        .expect("an insertion");
    assert!(
        insert["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("四、政府信息公开的收费及减免情况\n")),
        "{insert}"
    );
    // It goes right before the present 四, which becomes 五.
    let text = std::fs::read_to_string(repo().join("examples/reports/2013-xiangzhen.txt")).unwrap();
    let at = insert["range"]["start"]["offset"].as_u64().unwrap() as usize;
    assert!(text[at..].starts_with("四、政府信息公开工作存在的主要问题"));
    assert!(edits.iter().any(|e| e["text"] == "五"));
}

#[test]
fn sarif_lists_all_rules_and_locates_results() {
    let run = xxgk(&[
        "check",
        "examples/reports/2013-xiangzhen.txt",
        "--format",
        "sarif",
    ]);
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.iter().any(|r| r["id"] == "cn/sections-2021"),
        "rules that did not fire are listed too"
    );
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "cn/regulation-name"));
}

#[test]
fn github_annotations() {
    let run = xxgk(&[
        "check",
        "examples/reports/2013-xiangzhen.txt",
        "--format",
        "github",
    ]);
    assert!(
        run.stdout.lines().any(
            |l| l.starts_with("::error file=examples/reports/2013-xiangzhen.txt,line=3,col=6,")
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn folder_is_walked_for_txt_and_md_honouring_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "某局2023年政府信息公开工作年度报告\n××\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        "# 某局2023年政府信息公开工作年度报告\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.pdf"), "not a report").unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::write(dir.path().join("old/d.txt"), "××\n").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "old/\n").unwrap();
    let run = xxgk_in(
        dir.path(),
        &["check", ".", "--format", "json", "--isolated"],
        None,
    );
    let paths: Vec<String> = run.json()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    assert_eq!(paths, ["./a.txt", "./b.md"]);
}

#[test]
fn stdin_with_a_filename() {
    let report =
        "某局2023年政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开工作条例》编制。\n";
    let run = common::xxgk_in(
        &repo(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "draft.txt",
            "--format",
            "json",
        ],
        Some(report.as_bytes()),
    );
    assert_eq!(run.json()["files"][0]["path"], "draft.txt");
    assert!(rules_of(&run).contains(&"cn/regulation-name".to_owned()));
}

#[test]
fn gb18030_file_gives_the_same_findings_as_utf8() {
    let text = std::fs::read_to_string(repo().join("examples/reports/2013-xiangzhen.txt")).unwrap();
    let (gb, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("utf8.txt"), &text).unwrap();
    std::fs::write(dir.path().join("gb.txt"), &gb).unwrap();
    let utf8 = xxgk_in(
        dir.path(),
        &["check", "utf8.txt", "--format", "json", "--isolated"],
        None,
    );
    let gb = xxgk_in(
        dir.path(),
        &["check", "gb.txt", "--format", "json", "--isolated"],
        None,
    );
    assert_eq!(gb.code, 1, "{}", gb.stderr);
    assert_eq!(diagnostics(&utf8), diagnostics(&gb));
    assert!(!diagnostics(&gb).is_empty());
}

#[test]
fn undecodable_file_is_refused_with_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"abc\x80\xff\xfe").unwrap();
    let run = xxgk_in(dir.path(), &["check", "bad.txt", "--isolated"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad.txt"), "{}", run.stderr);
    assert!(run.stderr.contains("无法识别文件编码"), "{}", run.stderr);
}

#[test]
fn missing_path_is_exit_two() {
    let run = xxgk(&["check", "no/such/report.txt"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/report.txt"));
}

#[test]
fn empty_and_odd_files_do_not_crash() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(
        dir.path().join("blank.txt"),
        "\u{feff}\r\n\u{3000}\u{3000}\r\n  \n",
    )
    .unwrap();
    std::fs::write(dir.path().join("long.txt"), "一".repeat(300_000)).unwrap();
    std::fs::write(dir.path().join("pipes.txt"), "|||\n|\n| a |\n||||||\n").unwrap();
    let run = xxgk_in(
        dir.path(),
        &["check", ".", "--format", "json", "--isolated"],
        None,
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert_eq!(run.json()["summary"]["files"], 4);
}

/// A pack written to a temporary folder.
fn pack_file(dir: &std::path::Path, name: &str, text: &str) -> String {
    std::fs::write(dir.join(name), text).unwrap();
    name.to_owned()
}

const REPORT: &str = "某局2023年政府信息公开工作年度报告\n一、总体情况\n正文。\n";

#[test]
fn pack_with_toml_syntax_error_is_exit_two_with_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.txt"), REPORT).unwrap();
    let pack = pack_file(
        dir.path(),
        "broken.toml",
        "[pack]\nid = \"x\"\nname = \"坏\nlevel = \"custom\"\n",
    );
    let run = xxgk_in(
        dir.path(),
        &["check", "--pack", &pack, "r.txt", "--isolated"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.toml:3:"), "{}", run.stderr);
}

#[test]
fn pack_with_bad_regex_is_exit_two_with_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.txt"), REPORT).unwrap();
    let pack = pack_file(
        dir.path(),
        "regex.toml",
        "[pack]\nid = \"x\"\nname = \"坏\"\nlevel = \"custom\"\nversion = \"1\"\n\n[[rule]]\nid = \"bad\"\nkind = \"pattern\"\nseverity = \"error\"\nmessage = \"坏\"\npattern = '(未闭合'\n",
    );
    let run = xxgk_in(
        dir.path(),
        &["check", "--pack", &pack, "r.txt", "--isolated"],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("regex.toml:12:11:"), "{}", run.stderr);
    assert!(run.stderr.contains("正则表达式"), "{}", run.stderr);
}

#[test]
fn custom_pack_adds_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("r.txt"), REPORT).unwrap();
    let pack = pack_file(
        dir.path(),
        "mine.toml",
        "[pack]\nid = \"mine\"\nname = \"本单位\"\nlevel = \"custom\"\nversion = \"1\"\n\n[[rule]]\nid = \"no-zhengwen\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"“{match}”是占位文字\"\nliterals = [\"正文。\"]\n",
    );
    let run = xxgk_in(
        dir.path(),
        &[
            "check",
            "--pack",
            &pack,
            "r.txt",
            "--format",
            "json",
            "--isolated",
        ],
        None,
    );
    let d = diagnostics(&run);
    let mine: Vec<_> = d
        .iter()
        .filter(|d| d["rule"] == "mine/no-zhengwen")
        .collect();
    assert_eq!(mine.len(), 1, "{d:?}");
    assert_eq!(mine[0]["message"], "“正文。”是占位文字");
    assert_eq!(mine[0]["range"]["start"]["line"], 3);
}

#[test]
fn configuration_turns_rules_off_sets_year_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xxgk.toml"),
        "year = 2013\nexclude = [\"drafts/**\"]\n\n[rules]\n\"cn/regulation-name\" = \"off\"\ngbt = \"off\"\n\"cn/sections-2007\" = \"warning\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    let text = "某乡政府信息公开工作年度报告\n根据《中华人民共和国政府信息公开工作条例》编制。\n一、主动公开\n正文。\n";
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    std::fs::write(dir.path().join("drafts/b.txt"), text).unwrap();
    let run = xxgk_in(dir.path(), &["check", ".", "--format", "json"], None);
    let json = run.json();
    assert_eq!(
        json["files"].as_array().unwrap().len(),
        1,
        "drafts/ is excluded"
    );
    let file = &json["files"][0];
    assert_eq!(file["report"]["year"], 2013);
    let d = file["diagnostics"].as_array().unwrap();
    assert!(!d.iter().any(|d| d["rule"] == "cn/regulation-name"));
    assert!(
        !d.iter()
            .any(|d| d["rule"].as_str().unwrap().starts_with("gbt/"))
    );
    let sections: Vec<_> = d
        .iter()
        .filter(|d| d["rule"] == "cn/sections-2007")
        .collect();
    assert!(!sections.is_empty());
    assert!(sections.iter().all(|d| d["severity"] != "error"));
}

#[test]
fn bad_configuration_is_exit_two_with_position() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("xxgk.toml"), "yeer = 2013\n").unwrap();
    std::fs::write(dir.path().join("a.txt"), REPORT).unwrap();
    let run = xxgk_in(dir.path(), &["check", "a.txt"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("xxgk.toml:1:1:"), "{}", run.stderr);
}

#[test]
fn fail_on_threshold() {
    // Only info findings: exit 0 by default, 1 with --fail-on info.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "某局2023年政府信息公开工作年度报告\n依据《中华人民共和国政府信息公开条例》编制。\n一、总体情况\n正文。\n二、主动公开政府信息情况\n正文。\n三、收到和处理政府信息公开申请情况\n正文。\n四、政府信息公开行政复议、行政诉讼情况\n正文。\n五、存在的主要问题及改进情况\n正文。\n六、其他需要报告的事项\n本年度未收取信息处理费。\n").unwrap();
    let default = xxgk_in(dir.path(), &["check", "a.txt", "--isolated"], None);
    assert_eq!(default.code, 0, "{}", default.stdout);
    let strict = xxgk_in(
        dir.path(),
        &["check", "a.txt", "--isolated", "--fail-on", "info"],
        None,
    );
    assert_eq!(strict.code, 1, "{}", strict.stdout);
}

#[test]
fn rules_shows_layers_and_why_each_pack_applies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "北京市朝阳区示范街道办事处2023年政府信息公开工作年度报告\n依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。\n",
    )
    .unwrap();
    let run = xxgk_in(dir.path(), &["rules", "a.txt", "--isolated"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    let cn = out.find("    cn（national）").expect(out);
    let beijing = out.find("    beijing（municipal）").expect(out);
    let chaoyang = out.find("    beijing-chaoyang（district）").expect(out);
    assert!(cn < beijing && beijing < chaoyang, "{out}");
    assert!(out.contains("北京市朝阳区示范街道办事处"));
    // Each layer lists its own rules and its changes to inherited ones.
    assert!(
        out.contains("［关闭］    cn/download-location：关闭——北京市"),
        "turned off by the Beijing layer, with its reason:\n{out}"
    );
    assert!(
        !out.contains("    cn/download-location    "),
        "not among the rules in effect:\n{out}"
    );
    assert!(out.contains("［新增］    beijing-chaoyang/work-plan-implementation"));
    assert!(out.contains("［调整］    cn/street-accountability：修改提示——"));
    assert!(out.contains("［关闭］    cn/issuer-unknown：关闭——"));
}

#[test]
fn explain_prints_the_rule_in_chinese() {
    let run = xxgk(&["explain", "cn/sections-2007"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("# cn/sections-2007"));
    assert!(run.stdout.contains("国务院令第492号"));
    assert!(run.stdout.contains("收费及减免"));
    let short = xxgk(&["explain", "regulation-name"]);
    assert!(short.stdout.contains("# cn/regulation-name"));
    let unknown = xxgk(&["explain", "no-such-rule"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("no-such-rule"));
}

#[test]
fn test_packs_runs_the_examples_of_a_users_pack() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack_file(
        dir.path(),
        "mine.toml",
        "[pack]\nid = \"mine\"\nname = \"本单位\"\nlevel = \"custom\"\nversion = \"1\"\n\n[[rule]]\nid = \"typo\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"错别字\"\nswap = { \"具统计\" = \"据统计\" }\nexamples.bad = [\"具统计，全年公开86条。\"]\nexamples.good = [\"具统计有误。\"]\n",
    );
    let run = xxgk_in(
        dir.path(),
        &["test-packs", "--pack", &pack, "--isolated"],
        None,
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("✗ mine/typo：正例触发了规则"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 个失败"), "{}", run.stdout);

    let embedded = xxgk_in(dir.path(), &["test-packs", "--isolated"], None);
    assert_eq!(embedded.code, 0, "{}", embedded.stdout);
}

#[test]
fn every_broken_pack_in_tests_packs_is_refused_with_its_position() {
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["broken-syntax.toml"],
            "tests/packs/broken-syntax.toml:9:22:",
            "规则包格式错误",
        ),
        (
            &["basic-string-escape.toml"],
            "tests/packs/basic-string-escape.toml:13:13:",
            "规则包格式错误",
        ),
        (
            &["bad-regex.toml"],
            "tests/packs/bad-regex.toml:13:11:",
            "unclosed group",
        ),
        (
            &["look-behind.toml"],
            "tests/packs/look-behind.toml:13:11:",
            "look-around",
        ),
        (
            &["unknown-field.toml"],
            "tests/packs/unknown-field.toml:11:1:",
            "severty",
        ),
        (
            &["unknown-kind.toml"],
            "tests/packs/unknown-kind.toml:10:8:",
            "spelling",
        ),
        (
            &["duplicate-id.toml"],
            "tests/packs/duplicate-id.toml:16:6:",
            "重复",
        ),
        (
            &["wrong-field-for-kind.toml"],
            "tests/packs/wrong-field-for-kind.toml:9:6:",
            "不接受字段 sections",
        ),
        (
            &["unknown-parent.toml"],
            "tests/packs/unknown-parent.toml:7:12:",
            "未知的包 “shanghai”",
        ),
        (
            &["override-unknown-rule.toml"],
            "tests/packs/override-unknown-rule.toml:9:11:",
            "gbt/typos",
        ),
        (
            &["cycle-a.toml", "cycle-b.toml"],
            "tests/packs/cycle-b.toml:7:12:",
            "cycle-a → cycle-b → cycle-a",
        ),
    ];
    for (packs, position, message) in cases {
        let mut args = vec!["check".to_owned()];
        for pack in *packs {
            args.push("--pack".to_owned());
            args.push(format!("tests/packs/{pack}"));
        }
        args.extend([
            "examples/reports/2013-xiangzhen.txt".to_owned(),
            "--isolated".to_owned(),
        ]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = xxgk(&args);
        assert_eq!(run.code, 2, "{packs:?}: {}", run.stderr);
        assert!(run.stderr.contains(position), "{packs:?}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{packs:?}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn explain_knows_users_packs_and_shows_overrides() {
    let run = xxgk(&["explain", "cn/download-location"]);
    assert!(run.stdout.contains("## 各地调整"), "{}", run.stdout);
    assert!(
        run.stdout.contains("北京市（beijing）：关闭"),
        "{}",
        run.stdout
    );
    let mine = xxgk(&[
        "explain",
        "--pack",
        "tests/packs/district-example.toml",
        "--isolated",
        "beijing-shifan/old-county-name",
    ]);
    assert_eq!(mine.code, 0, "{}{}", mine.stdout, mine.stderr);
    assert!(
        mine.stdout.contains("# beijing-shifan/old-county-name"),
        "{}",
        mine.stdout
    );
}

#[test]
fn configuration_turns_on_a_rule_a_pack_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xxgk.toml"),
        "[rules]\n\"cn/download-location\" = \"warning\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "北京市示范局2023年政府信息公开工作年度报告\n依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。\n",
    )
    .unwrap();
    let run = xxgk_in(dir.path(), &["check", "a.txt", "--format", "json"], None);
    let d = diagnostics(&run);
    let found: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "cn/download-location")
        .collect();
    assert_eq!(found.len(), 1, "{d:?}");
    assert_eq!(found[0]["severity"], "warning");
}

#[test]
fn the_same_pack_named_twice_loads_once() {
    let run = xxgk(&[
        "check",
        "--pack",
        "tests/packs/district-example.toml",
        "--pack",
        "tests/packs/../packs/district-example.toml",
        "examples/reports/2023-bumen.md",
        "--isolated",
    ]);
    assert_ne!(run.code, 2, "{}", run.stderr);
}

#[test]
fn fix_writes_safe_fixes_in_the_files_own_encoding_and_line_endings() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let text = "某局2013年政府信息公开工作年度报告\r\n根据《中华人民共和国政府信息公开工作条例》和«北京市政府信息公开规定»编制。\r\n具统计，全年公开86条。\r\n";
    let (gb, _, bad) = encoding_rs::GB18030.encode(text);
    assert!(!bad);
    let path = dir.path().join("gb.txt");
    std::fs::write(&path, &gb).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

    let diff = xxgk_in(dir.path(), &["fix", "gb.txt", "--diff", "--isolated"], None);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("+根据《中华人民共和国政府信息公开条例》"),
        "{}",
        diff.stdout
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        gb.as_ref(),
        "--diff writes nothing"
    );

    let run = xxgk_in(dir.path(), &["fix", "gb.txt", "--isolated"], None);
    assert!(
        run.stderr.contains("已修复 3 处问题（1 个文件）"),
        "{}",
        run.stderr
    );
    let bytes = std::fs::read(&path).unwrap();
    let (after, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad, "still GB18030");
    assert_eq!(
        after,
        "某局2013年政府信息公开工作年度报告\r\n根据《中华人民共和国政府信息公开条例》和《北京市政府信息公开规定》编制。\r\n据统计，全年公开86条。\r\n"
    );
    // Outside the edits, every byte is the original's.
    let prefix = gb.iter().zip(&bytes).take_while(|(a, b)| a == b).count();
    let suffix = gb
        .iter()
        .rev()
        .zip(bytes.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    assert!(prefix >= "某局2013年政府信息公开工作年度报告\r\n根据".len() - 8);
    assert!(suffix >= "全年公开86条。\r\n".len());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);

    // A second run changes nothing.
    let again = xxgk_in(dir.path(), &["fix", "gb.txt", "--isolated"], None);
    assert!(
        again.stderr.contains("已修复 0 处问题（0 个文件）"),
        "{}",
        again.stderr
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn fix_with_unsafe_fixes_inserts_missing_sections() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("examples/reports/2013-xiangzhen.txt"),
        dir.path().join("r.txt"),
    )
    .unwrap();
    let run = xxgk_in(
        dir.path(),
        &["fix", "r.txt", "--unsafe-fixes", "--isolated"],
        None,
    );
    assert_ne!(run.code, 2, "{}", run.stderr);
    let text = std::fs::read_to_string(dir.path().join("r.txt")).unwrap();
    let order = [
        "四、政府信息公开的收费及减免情况",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "六、政府信息公开工作存在的主要问题及改进措施",
        "七、其他需要报告的事项",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|h| {
            text.find(h)
                .unwrap_or_else(|| panic!("{h} missing:\n{text}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    let check = xxgk_in(
        dir.path(),
        &["check", "r.txt", "--isolated", "--format", "json"],
        None,
    );
    assert!(!rules_of(&check).contains(&"cn/sections-2007".to_owned()));
}

#[test]
fn fix_reads_stdin_and_writes_stdout() {
    let run = common::xxgk_in(
        &repo(),
        &["fix", "-", "--isolated"],
        Some("具统计，全年公开86条。\n".as_bytes()),
    );
    assert_eq!(run.stdout, "据统计，全年公开86条。\n");
}

#[test]
fn fix_refuses_word_and_web_documents() {
    let dir = tempfile::tempdir().unwrap();
    let html = repo().join("tests/fixtures/extract/report.html");
    std::fs::copy(&html, dir.path().join("r.html")).unwrap();
    let before = std::fs::read(dir.path().join("r.html")).unwrap();
    let run = xxgk_in(dir.path(), &["fix", "r.html", "--isolated"], None);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("不能自动修复"), "{}", run.stderr);
    assert_eq!(std::fs::read(dir.path().join("r.html")).unwrap(), before);
}

#[test]
fn word_and_web_documents_are_checked_and_located() {
    let run = xxgk(&[
        "check",
        "tests/fixtures/extract/report.docx",
        "--format",
        "json",
        "--isolated",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let d = diagnostics(&run);
    let cross: Vec<_> = d
        .iter()
        .filter(|x| x["rule"] == "cn/placeholder-cross")
        .collect();
    assert_eq!(cross.len(), 1, "{d:?}");
    assert!(
        cross[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("（段落 ")),
        "{}",
        cross[0]
    );
    let shown = xxgk(&[
        "check",
        "--show-extracted",
        "tests/fixtures/extract/report.html",
        "--isolated",
    ]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown
            .stdout
            .starts_with("==> tests/fixtures/extract/report.html <=="),
        "{}",
        shown.stdout
    );
    assert!(shown.stdout.contains("[段落 1]"), "{}", shown.stdout);
}
