//! SARIF 2.1.0 for code-scanning services: one run, every rule in effect in
//! `tool.driver.rules`, one result per finding.
//!
//! Columns are Unicode code points (`columnKind: unicodeCodePoints`), the
//! same as in the JSON format. Regions also carry `byteOffset`/`byteLength`,
//! which count bytes of the decoded UTF-8 text: for a file read from GB18030
//! they are not offsets into the file on disk, so consumers should prefer
//! lines and columns.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::CheckedFile;
use crate::diagnostic::{Diagnostic, RuleInfo, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn write(
    out: &mut dyn Write,
    files: &[CheckedFile],
    rules: &[Arc<RuleInfo>],
) -> io::Result<()> {
    // One write: `out` may be an unbuffered stdout.
    let mut bytes = serde_json::to_vec_pretty(&log(files, rules)).map_err(io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)
}

fn log(files: &[CheckedFile], rules: &[Arc<RuleInfo>]) -> Value {
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    for (i, rule) in rules.iter().enumerate() {
        rule_index.entry(rule.id.as_str()).or_insert(i);
    }

    let artifacts: Vec<Value> = files
        .iter()
        .map(|f| json!({ "location": { "uri": uri(&f.path) } }))
        .collect();

    let results: Vec<Value> = files
        .iter()
        .enumerate()
        .flat_map(|(index, file)| {
            let rule_index = &rule_index;
            file.diagnostics
                .iter()
                .map(move |d| result(file, index, d, rule_index.get(d.rule_id()).copied()))
        })
        .collect();

    let mut driver = Map::new();
    driver.insert("name".into(), "xxgk".into());
    driver.insert("version".into(), env!("CARGO_PKG_VERSION").into());
    let information_uri = env!("CARGO_PKG_REPOSITORY");
    if !information_uri.is_empty() {
        driver.insert("informationUri".into(), information_uri.into());
    }
    driver.insert("rules".into(), rules.iter().map(|r| rule(r)).collect());

    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A `reportingDescriptor` for a rule.
fn rule(rule: &RuleInfo) -> Value {
    let mut v = Map::new();
    v.insert("id".into(), rule.id.as_str().into());
    let name = rule
        .id
        .split_once('/')
        .map_or(rule.id.as_str(), |(_, name)| name);
    v.insert("name".into(), name.into());
    v.insert("shortDescription".into(), json!({ "text": rule.summary }));
    v.insert(
        "fullDescription".into(),
        json!({ "text": rule.description.as_deref().unwrap_or(&rule.summary) }),
    );
    if let Some(help) = help(rule) {
        v.insert("help".into(), help);
    }
    if let Some(url) = &rule.url {
        v.insert("helpUri".into(), url.as_str().into());
    }
    v.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(rule.severity) }),
    );
    let mut properties = json!({
        "pack": rule.provenance.pack,
        "level": rule.provenance.level,
        "kind": rule.kind,
        "severity": rule.severity,
        "fixable": rule.fixable,
    });
    if let Some(basis) = &rule.basis {
        properties["basis"] = basis.to_string().into();
    }
    v.insert("properties".into(), properties);
    Value::Object(v)
}

/// The rule's help: its basis and examples, as text and Markdown. `None` when
/// the rule has neither.
fn help(rule: &RuleInfo) -> Option<Value> {
    let mut text = String::new();
    let mut markdown = String::new();
    if let Some(basis) = &rule.basis {
        let _ = write!(text, "依据：{basis}");
        let _ = write!(markdown, "**依据**：{basis}");
    }
    for (title, examples) in [
        ("错误示例", &rule.examples_bad),
        ("正确示例", &rule.examples_good),
    ] {
        if examples.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
            markdown.push_str("\n\n");
        }
        let _ = write!(text, "{title}：");
        let _ = writeln!(markdown, "**{title}**：");
        for example in examples {
            let _ = write!(text, "\n- {example}");
            let _ = write!(markdown, "\n- {}", markdown_escape(example));
        }
    }
    (!text.is_empty()).then(|| json!({ "text": text, "markdown": markdown }))
}

/// Escapes the characters Markdown would read as markup in a list item.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn result(file: &CheckedFile, artifact: usize, d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let mut v = Map::new();
    v.insert("ruleId".into(), d.rule_id().into());
    if let Some(index) = rule_index {
        v.insert("ruleIndex".into(), index.into());
    }
    v.insert("level".into(), level(d.severity).into());
    v.insert("message".into(), json!({ "text": d.message }));
    v.insert(
        "locations".into(),
        json!([{ "physicalLocation": physical_location(file, artifact, &d.range) }]),
    );
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| {
                json!({
                    "id": id,
                    "physicalLocation": physical_location(file, artifact, &r.range),
                    "message": { "text": r.message },
                })
            })
            .collect();
        v.insert("relatedLocations".into(), related.into());
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits()
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": region(file, &e.range),
                    "insertedContent": { "text": e.text },
                })
            })
            .collect();
        v.insert(
            "fixes".into(),
            json!([{
                "description": { "text": fix.title },
                "artifactChanges": [{
                    "artifactLocation": artifact_location(file, artifact),
                    "replacements": replacements,
                }],
                "properties": { "safe": fix.is_safe() },
            }]),
        );
    }
    let mut properties = json!({
        "severity": d.severity,
        "pack": d.rule.provenance.pack,
    });
    if let Some(basis) = &d.rule.basis {
        properties["basis"] = basis.to_string().into();
    }
    v.insert("properties".into(), properties);
    Value::Object(v)
}

fn artifact_location(file: &CheckedFile, index: usize) -> Value {
    json!({ "uri": uri(&file.path), "index": index })
}

fn physical_location(file: &CheckedFile, artifact: usize, range: &Range<usize>) -> Value {
    json!({
        "artifactLocation": artifact_location(file, artifact),
        "region": region(file, range),
    })
}

fn region(file: &CheckedFile, range: &Range<usize>) -> Value {
    let start = file.position(range.start);
    let end = file.position(range.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "byteOffset": start.offset,
        "byteLength": end.offset.saturating_sub(start.offset),
    })
}

/// A path as a URI reference: `/` separators, relative paths kept relative
/// (without a leading `./`), absolute ones as `file://` URIs, and everything
/// but unreserved characters and `/` percent-encoded (so Chinese file names
/// and spaces survive strict URI parsers).
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let has_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let (prefix, rest) = if has_drive {
        ("file:///", path.as_str())
    } else if path.starts_with('/') {
        ("file://", path.as_str())
    } else {
        ("", path.trim_start_matches("./"))
    };
    let mut out = String::from(prefix);
    for (i, b) in rest.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (has_drive && i == 1);
        if keep {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn render(files: &[CheckedFile], rules: &[Arc<RuleInfo>]) -> String {
        let mut out = Vec::new();
        write(&mut out, files, rules).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn parse(files: &[CheckedFile], rules: &[Arc<RuleInfo>]) -> Value {
        serde_json::from_str(&render(files, rules)).unwrap()
    }

    #[test]
    fn snapshot_of_all_fixtures() {
        let rules = fixtures::rules();
        let out = render(&fixtures::all(&rules), &rules.all());
        assert!(out.ends_with("}\n"));
        let out = out.replace(
            &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
            "\"version\": \"[version]\"",
        );
        insta::assert_snapshot!(out);
    }

    #[test]
    fn log_and_driver() {
        let rules = fixtures::rules();
        let v = parse(&fixtures::all(&rules), &rules.all());
        assert_eq!(v["$schema"], SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["runs"].as_array().unwrap().len(), 1);
        let run = &v["runs"][0];
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "xxgk");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(
            driver["informationUri"].as_str().unwrap_or(""),
            env!("CARGO_PKG_REPOSITORY")
        );

        // Every rule in effect, also the one that never fired.
        let ids: Vec<&str> = driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "cn/regulation-name",
                "cn/duplicate-paragraph",
                "cn/missing-period",
                "gd/table-total"
            ]
        );
        let r = &driver["rules"][0];
        assert_eq!(r["name"], "regulation-name");
        assert_eq!(r["shortDescription"]["text"], "法规名称有误");
        assert_eq!(
            r["fullDescription"]["text"],
            "年度报告引用的法规名称须与正式名称一致。"
        );
        assert_eq!(
            r["helpUri"],
            "https://xxgk.example/rules/cn/regulation-name"
        );
        assert_eq!(r["defaultConfiguration"]["level"], "error");
        assert_eq!(r["properties"]["pack"], "cn");
        assert_eq!(r["properties"]["level"], "national");
        assert_eq!(r["properties"]["kind"], "regulation-name");
        let help = r["help"]["text"].as_str().unwrap();
        assert!(
            help.starts_with("依据：《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条")
        );
        assert!(help.contains("错误示例：\n- 依据《政府信息公开条列》"));
        let hint = &driver["rules"][3];
        assert_eq!(hint["fullDescription"]["text"], "表格合计与分项之和不符");
        assert_eq!(hint["defaultConfiguration"]["level"], "note");
        assert_eq!(hint["properties"]["level"], "province");
        assert!(hint.get("help").is_none());
        assert!(hint.get("helpUri").is_none());

        let uris: Vec<&str> = run["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["location"]["uri"].as_str().unwrap())
            .collect();
        assert_eq!(
            uris,
            [
                "reports/2023.txt",
                "reports/crlf.txt",
                "astral.txt",
                "clean.txt",
                "long.txt"
            ]
        );
    }

    #[test]
    fn results() {
        let rules = fixtures::rules();
        let files = [fixtures::three_findings(&rules), fixtures::astral(&rules)];
        let v = parse(&files, &rules.all());
        let results = v["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 4);

        let r = &results[0];
        assert_eq!(r["ruleId"], "cn/regulation-name");
        assert_eq!(r["ruleIndex"], 0);
        assert_eq!(r["level"], "error");
        assert_eq!(r["message"]["text"], "法规名称有误：“条列”应为“条例”");
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "reports/2023.txt");
        assert_eq!(loc["artifactLocation"]["index"], 0);
        let offset = files[0].source().expect("text").text.find("条列").unwrap();
        assert_eq!(
            loc["region"],
            json!({"startLine": 3, "startColumn": 20, "endLine": 3, "endColumn": 22,
                   "byteOffset": offset, "byteLength": 6})
        );
        assert_eq!(
            r["properties"]["basis"],
            "《中华人民共和国政府信息公开条例》（国务院令第711号）第五十条"
        );
        let fix = &r["fixes"][0];
        assert_eq!(fix["description"]["text"], "改为“条例”");
        assert_eq!(fix["properties"]["safe"], true);
        let replacement = &fix["artifactChanges"][0]["replacements"][0];
        assert_eq!(replacement["deletedRegion"], loc["region"]);
        assert_eq!(replacement["insertedContent"]["text"], "条例");

        let dup = &results[1];
        assert_eq!(dup["level"], "warning");
        assert_eq!(dup["ruleIndex"], 1);
        assert!(dup.get("fixes").is_none());
        assert!(dup["properties"].get("basis").is_none());
        let related = &dup["relatedLocations"][0];
        assert_eq!(related["id"], 0);
        assert_eq!(related["message"]["text"], "首次出现在此");
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 4);

        // The insertion point: an empty region, and an unsafe fix.
        let period = &results[2];
        assert_eq!(period["level"], "note");
        let region = &period["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].clone(), region["startColumn"].clone()),
            (json!(7), json!(15))
        );
        assert_eq!(
            (region["endLine"].clone(), region["endColumn"].clone()),
            (json!(7), json!(15))
        );
        assert_eq!(region["byteLength"], 0);
        assert_eq!(period["fixes"][0]["properties"]["safe"], false);
        assert_eq!(
            period["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
            "。"
        );

        // After 𠮷: code points, not UTF-16 units.
        let astral = &results[3]["locations"][0]["physicalLocation"];
        assert_eq!(astral["artifactLocation"]["index"], 1);
        assert_eq!(astral["region"]["startColumn"], 17);
        assert_eq!(astral["region"]["endColumn"], 19);
        assert_eq!(astral["region"]["byteOffset"], 49);
    }

    #[test]
    fn rule_missing_from_the_list_has_no_index() {
        let rules = fixtures::rules();
        let files = [fixtures::astral(&rules)];
        let v = parse(&files, std::slice::from_ref(&rules.table_total));
        let r = &v["runs"][0]["results"][0];
        assert_eq!(r["ruleId"], "cn/regulation-name");
        assert!(r.get("ruleIndex").is_none());
    }

    #[test]
    fn clean_files_give_an_empty_result_list() {
        let v = parse(&[fixtures::clean()], &[]);
        assert_eq!(v["runs"][0]["results"], json!([]));
        assert_eq!(v["runs"][0]["tool"]["driver"]["rules"], json!([]));
        assert_eq!(v["runs"][0]["artifacts"][0]["location"]["uri"], "clean.txt");
    }

    #[test]
    fn uris() {
        assert_eq!(uri("reports\\2023.txt"), "reports/2023.txt");
        assert_eq!(uri("./a b.txt"), "a%20b.txt");
        assert_eq!(uri("年报.txt"), "%E5%B9%B4%E6%8A%A5.txt");
        assert_eq!(uri("/home/u/a.txt"), "file:///home/u/a.txt");
        assert_eq!(
            uri("C:\\年报\\a.txt"),
            "file:///C:/%E5%B9%B4%E6%8A%A5/a.txt"
        );
        assert_eq!(uri("a:b#c?.txt"), "a%3Ab%23c%3F.txt");
        assert_eq!(uri("-"), "-");
    }
}
