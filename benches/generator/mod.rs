//! The report generator shared by the benches: deterministic (fixed-seed
//! LCG), original prose, with the structure and defects of a real report.

use std::fmt::Write as _;

pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// 1..=99 in Chinese numerals, as headings number them.
fn cn(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[n % 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

const OPENERS: &[&str] = &[
    "",
    "",
    "今年以来，",
    "一年来，",
    "按照年度工作安排，",
    "围绕政务公开工作要点，",
    "为进一步提升公开实效，",
    "结合本单位工作实际，",
    "在上级主管部门的指导下，",
    "针对群众普遍关心的问题，",
    "根据工作部署，",
    "对照考核评估指标，",
];

const SUBJECTS: &[&str] = &[
    "我区",
    "区政府办公室",
    "各街道办事处",
    "区政务服务中心",
    "各职能部门",
    "区政务公开办公室",
    "区司法局",
    "区财政局",
    "区住房和城乡建设局",
    "区教育局",
    "区卫生健康委员会",
    "区市场监督管理局",
    "各社区居委会",
    "区人力资源和社会保障局",
];

const ACTIONS: &[&str] = &[
    "认真梳理主动公开基本目录",
    "及时更新政府信息公开指南",
    "规范依申请公开办理流程",
    "加强政府门户网站内容保障",
    "严格落实信息发布前审核制度",
    "深入推进重大行政决策预公开",
    "持续完善政策文件解读机制",
    "扎实开展政务新媒体常态化检查",
    "全面公开财政预决算和“三公”经费",
    "及时发布重点项目建设进展",
    "主动回应社会热点关切",
    "组织开展政务公开业务培训",
    "推进基层政务公开标准化规范化建设",
    "优化政务公开专区服务功能",
    "强化公开前的保密审查",
    "做好建议提案办理结果公开",
    "加大民生领域信息公开力度",
    "完善政府信息资源管理台账",
    "落实政府开放日活动安排",
    "健全公开内容动态调整机制",
];

const DETAILS: &[&str] = &[
    "，全年累计发布各类信息{n}条",
    "，共组织专题培训{s}次、参训{n}人次",
    "，受理群众来电来信{n}件次",
    "，按期办结率达到{p}%",
    "，新增和调整栏目{s}个",
    "，发布政策解读材料{s}篇",
    "，召开新闻发布会{s}场",
    "，整改检查中发现的问题{s}个",
    "，公开项目审批和实施信息{n}条",
    "，页面访问量达{n}人次",
    "，涉及资金{n}万元",
];

const RESULTS: &[&str] = &[
    "。",
    "。",
    "，公开工作的规范化水平进一步提高。",
    "，群众满意度稳步提升。",
    "，取得了较好的社会效果。",
    "，确保信息发布准确及时。",
    "，切实保障了人民群众的知情权、参与权和监督权。",
    "，为优化营商环境提供了有力支撑。",
];

const SUB_VERBS: &[&str] = &[
    "加强组织领导",
    "完善制度体系",
    "拓宽公开渠道",
    "深化政策解读",
    "强化监督考核",
    "聚焦重点领域",
    "优化平台功能",
    "规范办理流程",
    "夯实基层基础",
    "注重回应关切",
];

const SUB_GOALS: &[&str] = &[
    "压实工作责任",
    "规范公开行为",
    "提升公开质量",
    "增强公开实效",
    "推动工作落实",
    "回应群众期盼",
    "方便群众获取",
    "提高服务水平",
    "筑牢安全底线",
];

const ITEMS: &[&str] = &[
    "健全工作机制",
    "规范公开流程",
    "拓展公开载体",
    "加强平台建设",
    "落实考核评议",
    "推进决策公开",
    "做好政策解读",
    "加强舆情回应",
    "规范信息管理",
    "开展业务培训",
    "公开财政信息",
    "公开重大项目",
    "公开公共服务事项",
    "公开督查整改情况",
];

/// One sentence of prose with a concrete figure, so sentences are nearly
/// always distinct (a real report repeats little).
fn sentence(rng: &mut Lcg, out: &mut String) {
    out.push_str(rng.pick(OPENERS));
    out.push_str(rng.pick(SUBJECTS));
    out.push_str(rng.pick(ACTIONS));
    let detail = rng.pick(DETAILS);
    let detail = detail
        .replace("{n}", &rng.range(12, 9_999).to_string())
        .replace("{s}", &rng.range(2, 96).to_string())
        .replace("{p}", &format!("{}.{}", rng.range(90, 99), rng.below(10)));
    out.push_str(&detail);
    let mut result = rng.pick(RESULTS).to_owned();
    // Now and then a sentence typed with half-width punctuation.
    if rng.one_in(30) {
        result = result.replacen('，', ",", 1);
        out.push_str(&result);
        return;
    }
    if rng.one_in(200) {
        // "一是……；二是……" inside a sentence with a half-width semicolon.
        result = format!("；同时{}{}。", rng.pick(SUBJECTS), rng.pick(ACTIONS));
        result = result.replacen('；', ";", 1);
    }
    out.push_str(&result);
}

/// A paragraph: plain sentences, or an enumerated "一是……；二是……" list.
fn paragraph(rng: &mut Lcg, out: &mut String, nl: &str) {
    if rng.one_in(3) {
        out.push_str("　　");
    }
    if rng.one_in(4) {
        let n = rng.range(3, 5);
        let _ = write!(out, "{}重点做好{}方面工作：", rng.pick(SUBJECTS), cn(n));
        for k in 1..=n {
            let _ = write!(out, "{}是{}", cn(k), rng.pick(ACTIONS));
            let detail = rng
                .pick(DETAILS)
                .replace("{n}", &rng.range(12, 9_999).to_string());
            let detail = detail
                .replace("{s}", &rng.range(2, 96).to_string())
                .replace("{p}", &format!("{}.{}", rng.range(90, 99), rng.below(10)));
            out.push_str(&detail);
            out.push_str(if k == n { "。" } else { "；" });
        }
    } else {
        for _ in 0..rng.range(3, 7) {
            sentence(rng, out);
        }
    }
    out.push_str(nl);
}

/// The top-level sections of each regime: `(title, tables under it)`.
fn sections(year: u16) -> &'static [&'static str] {
    if year <= 2018 {
        &[
            "概述",
            "主动公开政府信息的情况",
            "依申请公开政府信息和不予公开政府信息的情况",
            "政府信息公开的收费及减免情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "政府信息公开工作存在的主要问题及改进情况",
        ]
    } else {
        &[
            "总体情况",
            "主动公开政府信息情况",
            "收到和处理政府信息公开申请情况",
            "政府信息公开行政复议、行政诉讼情况",
            "存在的主要问题及改进情况",
            "其他需要报告的事项",
        ]
    }
}

/// A `|` table of the statistics kind the national format asks for.
fn table(rng: &mut Lcg, out: &mut String, nl: &str) {
    let _ = write!(
        out,
        "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数{nl}"
    );
    for row in ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制"] {
        let _ = write!(
            out,
            "{row} | {} | {} | {}{nl}",
            rng.range(0, 40),
            rng.below(5),
            rng.range(10, 400)
        );
    }
}

/// A deterministic report of about `size` bytes for `year`, with the usual
/// structure (title, preamble, six numbered parts with （一）and 1. levels,
/// enumerations, a few tables, a signature) and a sprinkling of the defects
/// the default packs look for.
pub fn generate(year: u16, size: usize, crlf: bool) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut rng = Lcg(u64::from(year) * 7_919 + 17);
    let issuer = if year <= 2018 {
        "北京市朝阳区人民政府"
    } else {
        "临江市东湖区人民政府"
    };
    let mut out = String::with_capacity(size + 64 * 1024);
    let _ = write!(out, "{issuer}{nl}{year}年政府信息公开工作年度报告{nl}{nl}");
    let _ = write!(
        out,
        "　　本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级政务公开主管部门的要求，由{issuer}办公室编制。全文包括{}共六部分内容。{nl}",
        sections(year).join("、")
    );
    let _ = write!(
        out,
        "　　本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。本报告电子版可在区政府门户网站（https://www.example.gov.cn/xxgk/）下载。如对本报告有疑问，请与{issuer}办公室联系（地址：东湖路88号；邮编：100000；电话：010-12345678）。{nl}"
    );
    out.push_str(nl);

    let tops = sections(year);
    let budget = size / tops.len();
    let mut kept_paragraph = String::new();
    for (t, title) in tops.iter().enumerate() {
        let section_start = out.len();
        let _ = write!(out, "{}、{title}{nl}", cn(t + 1));
        paragraph(&mut rng, &mut out, nl);
        if (1..=3).contains(&t) {
            table(&mut rng, &mut out, nl);
        }
        let mut sub = 0;
        while out.len() - section_start < budget {
            sub += 1;
            let heading = format!("{}，{}", rng.pick(SUB_VERBS), rng.pick(SUB_GOALS));
            match sub % 17 {
                // Half-width parentheses around a heading ordinal.
                5 if t == 1 => {
                    let _ = write!(out, "({}){heading}{nl}", cn(sub));
                }
                // A run-in heading: the title ends at the full stop.
                3 | 9 => {
                    let _ = write!(out, "（{}）{heading}。", cn(sub));
                    paragraph(&mut rng, &mut out, nl);
                }
                _ => {
                    let _ = write!(out, "（{}）{heading}{nl}", cn(sub));
                }
            }
            if t == 2 && sub == 4 {
                // An empty sub-section.
                continue;
            }
            paragraph(&mut rng, &mut out, nl);
            let items = rng.range(3, 6);
            for item in 1..=items {
                let mark = if t == 0 && sub == 2 { "、" } else { "." };
                let _ = write!(out, "{item}{mark}{}{nl}", rng.pick(ITEMS));
                for _ in 0..rng.range(1, 2) {
                    paragraph(&mut rng, &mut out, nl);
                }
                if rng.one_in(25) {
                    out.push_str(nl);
                }
            }
            if t == 0 && sub == 1 {
                let start = out.len();
                paragraph(&mut rng, &mut out, nl);
                kept_paragraph = out[start..].to_owned();
            }
            if t == tops.len() - 2 && sub == 3 && !kept_paragraph.is_empty() {
                // A copy-pasted paragraph.
                out.push_str(&kept_paragraph);
            }
        }
        if t == 1 {
            // A handful of the defects the default packs look for.
            let _ = write!(
                out,
                "　　按照XX街道工作安排，20**年度的公开目录已同步更新，详见【此处填写栏目名称】。全体干部人手一册«政府信息公开指南»，提高群众对政府信息信息公开的认识。{nl}"
            );
            let _ = write!(
                out,
                "　　根据区政办发[2019]12号文件精神，各部门认真布署，共处理申请２０件，按照《条例》第33条规定办理。{nl}"
            );
        }
    }
    let _ = write!(out, "{nl}{issuer}{nl}{}年3月31日{nl}", year + 1);
    out
}
