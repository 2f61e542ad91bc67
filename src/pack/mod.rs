//! Rule packs: loading TOML packs with located errors, resolving `extends`,
//! selecting the packs that apply to a report, and the effective rule list
//! after overrides. Packs under `rules/` are embedded in the binary.
//!
//! A pack is data: loading one can compile regular expressions (with size
//! limits) and nothing else — no file, network or code execution.
//!
//! Architecture invariant: this module does no I/O; callers hand it the
//! packs' text.

mod embedded;
mod error;
mod pack_regex;
pub mod schema;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use regex::Regex;

use crate::check::{CompiledRule, Prefilter};
use crate::diagnostic::{Provenance, Severity};
pub use embedded::{EMBEDDED, embedded_sources};
pub use error::PackError;
pub use pack_regex::{PackRegex, group_names};
use schema::{Level, OverrideSeverity, PackFile};

/// A pack's text and where it came from (a path, or `rules/cn.toml` for the
/// embedded ones).
#[derive(Clone, Debug)]
pub struct PackSource {
    pub origin: String,
    pub text: String,
}

impl PackSource {
    /// Whether this is a pack shipped in the binary, word for word (a file
    /// named like one but edited is a user's pack).
    fn is_shipped(&self) -> bool {
        EMBEDDED
            .iter()
            .any(|(origin, text)| *origin == self.origin && *text == self.text)
    }
}

/// One loaded, validated pack.
#[derive(Debug)]
pub struct Pack {
    pub id: String,
    pub name: String,
    pub level: Level,
    pub version: String,
    pub description: Option<String>,
    pub extends: Vec<String>,
    pub origin: String,
    /// Byte offset of each `extends` entry in the pack's text, for errors.
    extends_at: Vec<usize>,
    selector: Option<Selector>,
    rules: Vec<Arc<CompiledRule>>,
    overrides: Vec<Override>,
}

#[derive(Debug)]
struct Selector {
    issuer: Vec<PackRegex>,
    mentions: Vec<PackRegex>,
}

#[derive(Debug)]
struct Override {
    rule: String,
    /// Byte offset of the override's key in the pack's text, for errors.
    at: usize,
    severity: Option<OverrideSeverity>,
    message: Option<String>,
    reason: Option<String>,
}

impl Override {
    /// What the override does, in words (关闭, 级别改为 info, 修改提示).
    fn change(&self) -> String {
        let mut parts = Vec::new();
        match self.severity {
            Some(OverrideSeverity::Off) => parts.push("关闭".to_owned()),
            Some(s) => parts.push(format!("级别改为 {}", format!("{s:?}").to_lowercase())),
            None => {}
        }
        if self.message.is_some() {
            parts.push("修改提示".to_owned());
        }
        if parts.is_empty() {
            parts.push("说明".to_owned());
        }
        parts.join("、")
    }
}

/// The largest pack text loaded: 10,000 rules take about 2 MB.
const MAX_PACK_BYTES: usize = 16 << 20;

/// The longest chain of `extends`: real chains have 2–5 layers (national,
/// province, city, district, department); the limit keeps resolution and
/// error paths small whatever a pack says.
const MAX_EXTENDS_DEPTH: usize = 32;

/// Compiles a pattern from a pack, mapping errors to the pattern's position.
/// A shipped pack's patterns are compiled on first use (see [`PackRegex`]).
pub(crate) fn compile_regex(
    src: &PackSource,
    pattern: &toml::Spanned<String>,
    what: &str,
) -> Result<PackRegex, PackError> {
    if src.is_shipped() {
        return Ok(PackRegex::deferred(pattern.get_ref().clone()));
    }
    pack_regex::builder(pattern.get_ref())
        .build()
        .map(PackRegex::compiled)
        .map_err(|e| {
            let detail = match &e {
                regex::Error::CompiledTooBig(_) => "编译后过大（超出大小限制），请简化".to_owned(),
                other => other
                    .to_string()
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("语法错误")
                    .to_owned(),
            };
            PackError::at(
                src,
                pattern.span().start,
                format!("{what}不是有效的正则表达式：{detail}"),
            )
        })
}

impl Pack {
    /// Parses and validates one pack. Does not look at other packs: `extends`
    /// and override targets are checked by [`PackSet::new`].
    pub fn parse(src: &PackSource) -> Result<Pack, PackError> {
        if src.text.len() > MAX_PACK_BYTES {
            return Err(PackError::at(
                src,
                0,
                format!(
                    "规则包过大（{} 字节，上限 {MAX_PACK_BYTES} 字节），请拆分",
                    src.text.len()
                ),
            ));
        }
        let file: PackFile =
            toml::from_str(&src.text).map_err(|e| PackError::from_toml(src, &e))?;
        let meta = file.pack;
        let id = meta.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(PackError::at(
                src,
                meta.id.span().start,
                format!("包 id “{id}” 只能由小写字母、数字和连字符组成"),
            ));
        }
        let selector = match meta.applies_to {
            None => None,
            Some(applies) => Some(Selector {
                issuer: applies
                    .issuer
                    .iter()
                    .map(|p| compile_regex(src, p, "applies-to.issuer 中的模式"))
                    .collect::<Result<_, _>>()?,
                mentions: applies
                    .mentions
                    .iter()
                    .map(|p| compile_regex(src, p, "applies-to.mentions 中的模式"))
                    .collect::<Result<_, _>>()?,
            }),
        };
        let provenance = Provenance {
            pack: id.clone(),
            level: meta.level.as_str().to_owned(),
            source: src.origin.clone(),
        };
        let mut seen = HashSet::new();
        for spec in &file.rules {
            let rule_id = spec.get_ref().id.get_ref();
            let valid = !rule_id.is_empty()
                && rule_id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(PackError::at(
                    src,
                    spec.get_ref().id.span().start,
                    format!("规则 id “{rule_id}” 只能由小写字母、数字和连字符组成"),
                ));
            }
            if !seen.insert(rule_id.clone()) {
                return Err(PackError::at(
                    src,
                    spec.get_ref().id.span().start,
                    format!("规则 id “{rule_id}” 在本包中重复"),
                ));
            }
        }
        // Compiling the rules' regexes is most of loading a pack (≈ 80 % of
        // a one-report `xxgk check`'s start): spread over the cores. Every
        // id is checked above first; of the rules that fail to compile, the
        // first in the pack's order is reported, whichever finished first.
        let compiled: Vec<Result<CompiledRule, PackError>> = file
            .rules
            .par_iter()
            .map(|spec| {
                let full_id = format!("{id}/{}", spec.get_ref().id.get_ref());
                CompiledRule::compile(src, spec.get_ref(), full_id, &provenance)
            })
            .collect();
        let rules = compiled
            .into_iter()
            .map(|rule| rule.map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let overrides = file
            .overrides
            .into_iter()
            .map(|(rule, spec)| {
                let at = rule.span().start;
                let spec = spec.into_inner();
                Override {
                    rule: rule.into_inner(),
                    at,
                    severity: spec.severity,
                    message: spec.message,
                    reason: spec.reason,
                }
            })
            .collect();
        Ok(Pack {
            id,
            name: meta.name,
            level: meta.level,
            version: meta.version,
            description: meta.description,
            extends: meta.extends.iter().map(|e| e.get_ref().clone()).collect(),
            extends_at: meta.extends.iter().map(|e| e.span().start).collect(),
            origin: src.origin.clone(),
            selector,
            rules,
            overrides,
        })
    }

    /// Whether the pack's selector picks this report: its issuer matches, or
    /// its text mentions one of the selector's patterns (`mentioned`: the
    /// first match of each, in the selector's order). Packs without a
    /// selector apply to every report.
    fn selects(&self, issuer: Option<&str>, mentioned: &[Option<&str>]) -> Option<String> {
        let Some(selector) = &self.selector else {
            return Some("适用于所有报告".to_owned());
        };
        if let Some(issuer) = issuer
            && let Some(re) = selector.issuer.iter().find(|re| re.is_match(issuer))
        {
            return Some(format!("发布机关“{issuer}”匹配 {}", re.as_str()));
        }
        mentioned
            .iter()
            .find_map(|m| *m)
            .map(|m| format!("正文提到“{m}”"))
    }

    /// How many `mentions` patterns the pack's selector has.
    fn mention_count(&self) -> usize {
        self.selector.as_ref().map_or(0, |s| s.mentions.len())
    }

    pub fn rules(&self) -> &[Arc<CompiledRule>] {
        &self.rules
    }

    /// Where this pack's `extends` names `parent`.
    fn extends_offset(&self, parent: &str) -> usize {
        self.extends
            .iter()
            .position(|p| p == parent)
            .and_then(|i| self.extends_at.get(i).copied())
            .unwrap_or(0)
    }
}

/// All loaded packs, resolved: parents exist, no cycles, overrides name
/// inherited rules.
#[derive(Debug)]
pub struct PackSet {
    /// In dependency order: every pack after the packs it extends.
    packs: Vec<Pack>,
    index: HashMap<String, usize>,
    cache: Mutex<HashMap<Vec<usize>, Arc<RuleSet>>>,
    /// One prefilter over every pack's rules, shared by all rule sets.
    prefilter: OnceLock<Arc<Prefilter>>,
}

/// The packs applied to one report and the rules in effect.
#[derive(Debug)]
pub struct RuleSet {
    /// Ids of the applied packs, in layer order (national first).
    pub packs: Vec<String>,
    pub rules: Vec<Arc<CompiledRule>>,
    /// Rules a layer turned off; a later layer or the configuration may turn
    /// them on again.
    pub disabled: Vec<Arc<CompiledRule>>,
    /// One pass over a text finds which of the pattern rules can match.
    pub prefilter: Arc<Prefilter>,
}

/// Why a pack was applied to a report (shown by `xxgk rules`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub pack: String,
    pub reason: String,
}

impl PackSet {
    /// Resolves `packs`. A later pack with the id of an earlier one replaces
    /// it when the earlier one is embedded (so a jurisdiction can ship its own
    /// copy of a default pack); two user packs with one id are an error.
    pub fn new(sources: &[PackSource]) -> Result<PackSet, PackError> {
        let mut by_id: BTreeMap<String, (Pack, &PackSource)> = BTreeMap::new();
        for src in sources {
            let pack = Pack::parse(src)?;
            if let Some((previous, _)) = by_id.get(&pack.id)
                && !is_embedded(&previous.origin)
            {
                return Err(PackError::at(
                    src,
                    0,
                    format!("包 id “{}” 已由 {} 定义", pack.id, previous.origin),
                ));
            }
            by_id.insert(pack.id.clone(), (pack, src));
        }
        // Topological order, parents first; report unknown parents, cycles
        // and chains of more than MAX_EXTENDS_DEPTH layers.
        let mut order: Vec<String> = Vec::new();
        // None while visiting; then the pack's number of layers (1 + its
        // deepest parent's).
        let mut state: HashMap<String, Option<usize>> = HashMap::new();
        fn too_deep(child: &Pack, src: &PackSource, parent: &str) -> PackError {
            PackError::at(
                src,
                child.extends_offset(parent),
                format!(
                    "extends 超过 {MAX_EXTENDS_DEPTH} 层（{} → {parent} → …）",
                    child.id
                ),
            )
        }
        fn visit(
            id: &str,
            by_id: &BTreeMap<String, (Pack, &PackSource)>,
            state: &mut HashMap<String, Option<usize>>,
            order: &mut Vec<String>,
            path: &mut Vec<String>,
        ) -> Result<usize, PackError> {
            match state.get(id) {
                Some(Some(layers)) => return Ok(*layers),
                Some(None) => {
                    // Reported where the last pack on the path names this one.
                    let last = path.last().map(String::as_str).unwrap_or(id);
                    let (pack, src) = &by_id[last];
                    path.push(id.to_owned());
                    return Err(PackError::at(
                        src,
                        pack.extends_offset(id),
                        format!("extends 形成循环：{}", path.join(" → ")),
                    ));
                }
                None => {}
            }
            // Bounds the recursion too, before any layer count is known.
            if path.len() >= MAX_EXTENDS_DEPTH
                && let Some(last) = path.last()
            {
                let (child, src) = &by_id[last];
                return Err(too_deep(child, src, id));
            }
            state.insert(id.to_owned(), None);
            path.push(id.to_owned());
            let (pack, src) = &by_id[id];
            let mut layers = 1;
            for parent in &pack.extends {
                if !by_id.contains_key(parent) {
                    return Err(PackError::at(
                        src,
                        pack.extends_offset(parent),
                        format!("extends 引用了未知的包 “{parent}”"),
                    ));
                }
                let parent_layers = visit(parent, by_id, state, order, path)?;
                if parent_layers >= MAX_EXTENDS_DEPTH {
                    return Err(too_deep(pack, src, parent));
                }
                layers = layers.max(parent_layers + 1);
            }
            path.pop();
            state.insert(id.to_owned(), Some(layers));
            order.push(id.to_owned());
            Ok(layers)
        }
        let ids: Vec<String> = by_id.keys().cloned().collect();
        for id in &ids {
            visit(id, &by_id, &mut state, &mut order, &mut Vec::new())?;
        }
        let mut packs = Vec::with_capacity(order.len());
        let mut sources_by_pack = Vec::with_capacity(order.len());
        for id in &order {
            if let Some((pack, src)) = by_id.remove(id) {
                packs.push(pack);
                sources_by_pack.push(src);
            }
        }
        let index: HashMap<String, usize> = packs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let set = PackSet {
            packs,
            index,
            cache: Mutex::new(HashMap::new()),
            prefilter: OnceLock::new(),
        };
        for (i, pack) in set.packs.iter().enumerate() {
            let inherited: HashSet<&str> = set
                .ancestors(i)
                .into_iter()
                .flat_map(|a| set.packs[a].rules.iter().map(|r| r.info.id.as_str()))
                .collect();
            for o in &pack.overrides {
                if !inherited.contains(o.rule.as_str()) {
                    return Err(PackError::at(
                        sources_by_pack[i],
                        o.at,
                        format!(
                            "override 的规则 “{}” 不在本包继承的包中（extends：{}）",
                            o.rule,
                            if pack.extends.is_empty() {
                                "无".to_owned()
                            } else {
                                pack.extends.join("、")
                            }
                        ),
                    ));
                }
            }
        }
        Ok(set)
    }

    /// The embedded default packs.
    pub fn embedded() -> PackSet {
        let sources: Vec<PackSource> = embedded_sources();
        match PackSet::new(&sources) {
            Ok(set) => set,
            // The embedded packs are validated by the test suite.
            Err(e) => panic!("embedded rule pack is invalid: {e}"),
        }
    }

    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    pub fn get(&self, id: &str) -> Option<&Pack> {
        self.index.get(id).map(|&i| &self.packs[i])
    }

    /// Indices of a pack's ancestors (not itself), in dependency order.
    fn ancestors(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen = vec![false; self.packs.len()];
        let mut stack: Vec<usize> = self.packs[i]
            .extends
            .iter()
            .filter_map(|p| self.index.get(p).copied())
            .collect();
        while let Some(a) = stack.pop() {
            if !std::mem::replace(&mut seen[a], true) {
                out.push(a);
                stack.extend(
                    self.packs[a]
                        .extends
                        .iter()
                        .filter_map(|p| self.index.get(p).copied()),
                );
            }
        }
        out.sort_unstable();
        out
    }

    /// Every pack selector's `mentions` patterns, pack after pack: what a
    /// report's text is searched for to select packs. `select` takes the
    /// first match of each, in this order.
    pub fn mentions(&self) -> impl Iterator<Item = &Regex> {
        self.packs
            .iter()
            .filter_map(|p| p.selector.as_ref())
            .flat_map(|s| s.mentions.iter().map(|re| &**re))
    }

    /// The packs that apply to a report, with the reason for each: those
    /// whose selector matches (or that have none), those named in `forced`,
    /// and every ancestor of those. `mentioned` is what the report says of
    /// each pattern of `mentions` (its first match, if any). Unknown ids in
    /// `forced` are returned as the error.
    pub fn select(
        &self,
        issuer: Option<&str>,
        mentioned: &[Option<&str>],
        forced: &[String],
    ) -> Result<Vec<Applied>, String> {
        let mut chosen: BTreeMap<usize, String> = BTreeMap::new();
        for id in forced {
            let i = *self.index.get(id).ok_or_else(|| id.clone())?;
            chosen.insert(i, "配置中指定".to_owned());
        }
        let mut first_mention = 0;
        for (i, pack) in self.packs.iter().enumerate() {
            let own = first_mention..first_mention + pack.mention_count();
            first_mention = own.end;
            if chosen.contains_key(&i) {
                continue;
            }
            let own = mentioned.get(own).unwrap_or_default();
            if let Some(reason) = pack.selects(issuer, own) {
                chosen.insert(i, reason);
            }
        }
        let direct: Vec<usize> = chosen.keys().copied().collect();
        for i in direct {
            for a in self.ancestors(i) {
                chosen
                    .entry(a)
                    .or_insert_with(|| format!("被 {} 继承", self.packs[i].id));
            }
        }
        // Listed national first, then by layer (dependency order within one).
        let mut chosen: Vec<(usize, String)> = chosen.into_iter().collect();
        chosen.sort_by_key(|(i, _)| (self.packs[*i].level, *i));
        Ok(chosen
            .into_iter()
            .map(|(i, reason)| Applied {
                pack: self.packs[i].id.clone(),
                reason,
            })
            .collect())
    }

    /// The prefilter every rule set shares: over all the packs' rules, since
    /// a layer changes a rule's severity and message, never its patterns,
    /// and a rule turned off may be turned on again by the configuration.
    /// One automaton warms up once for every report, whichever packs apply.
    fn prefilter(&self) -> Arc<Prefilter> {
        self.prefilter
            .get_or_init(|| {
                let all: Vec<Arc<CompiledRule>> = (self.packs.iter())
                    .flat_map(|p| p.rules.iter().cloned())
                    .collect();
                Arc::new(Prefilter::new(&all))
            })
            .clone()
    }

    /// The effective rules of a selection: each pack's rules in layer order,
    /// with the overrides of later packs applied and rules turned off removed.
    pub fn rule_set(&self, applied: &[Applied]) -> Arc<RuleSet> {
        // Layers apply in dependency order, whatever order they were listed in.
        let mut key: Vec<usize> = applied
            .iter()
            .filter_map(|a| self.index.get(&a.pack).copied())
            .collect();
        key.sort_unstable();
        key.dedup();
        if let Ok(cache) = self.cache.lock()
            && let Some(set) = cache.get(&key)
        {
            return set.clone();
        }
        // Each rule with whether it is on, changed layer by layer.
        let mut rules: Vec<(Arc<CompiledRule>, bool)> = key
            .iter()
            .flat_map(|&i| self.packs[i].rules.iter().map(|r| (r.clone(), true)))
            .collect();
        for &i in &key {
            let pack = &self.packs[i];
            for o in &pack.overrides {
                for (rule, on) in rules.iter_mut().filter(|(r, _)| r.info.id == o.rule) {
                    let note = format!(
                        "{}（{}）{}",
                        pack.name,
                        pack.id,
                        o.reason
                            .as_deref()
                            .map(|r| format!("：{r}"))
                            .unwrap_or_default()
                    );
                    let severity = match o.severity {
                        Some(OverrideSeverity::Off) => {
                            *on = false;
                            *rule = Arc::new(rule.overridden(None, None, note));
                            continue;
                        }
                        Some(OverrideSeverity::Error) => Some(Severity::Error),
                        Some(OverrideSeverity::Warning) => Some(Severity::Warning),
                        Some(OverrideSeverity::Info) => Some(Severity::Info),
                        Some(OverrideSeverity::Hint) => Some(Severity::Hint),
                        None => None,
                    };
                    // A severity turns a rule an earlier layer switched off on again.
                    *on |= severity.is_some();
                    *rule = Arc::new(rule.overridden(severity, o.message.clone(), note));
                }
            }
        }
        let (on, off): (Vec<_>, Vec<_>) = rules.into_iter().partition(|(_, on)| *on);
        let rules: Vec<Arc<CompiledRule>> = on.into_iter().map(|(r, _)| r).collect();
        let disabled: Vec<Arc<CompiledRule>> = off.into_iter().map(|(r, _)| r).collect();
        let set = Arc::new(RuleSet {
            packs: key.iter().map(|&i| self.packs[i].id.clone()).collect(),
            prefilter: self.prefilter(),
            rules,
            disabled,
        });
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(key, set.clone());
        }
        set
    }

    /// How other packs change a rule: `北京市（beijing）：关闭：理由` lines.
    pub fn overrides_of(&self, rule: &str) -> Vec<String> {
        self.packs
            .iter()
            .flat_map(|pack| {
                pack.overrides
                    .iter()
                    .filter(|o| o.rule == rule)
                    .map(move |o| {
                        let reason = o
                            .reason
                            .as_deref()
                            .map(|r| format!("——{r}"))
                            .unwrap_or_default();
                        format!("{}（{}）：{}{reason}", pack.name, pack.id, o.change())
                    })
            })
            .collect()
    }

    /// The changes a pack makes to inherited rules: (rule id, what changes,
    /// why), for `xxgk rules`.
    pub fn changes_by(&self, pack: &str) -> Vec<(String, String, Option<String>)> {
        self.get(pack)
            .map(|p| {
                p.overrides
                    .iter()
                    .map(|o| (o.rule.clone(), o.change(), o.reason.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every rule of every pack, for `xxgk explain` and SARIF.
    pub fn all_rules(&self) -> impl Iterator<Item = &Arc<CompiledRule>> {
        self.packs.iter().flat_map(|p| p.rules.iter())
    }

    /// Finds a rule by its full id (`cn/regulation-name`) or, when unique, by
    /// its id within a pack (`regulation-name`).
    pub fn find_rule(&self, id: &str) -> Option<&Arc<CompiledRule>> {
        self.all_rules().find(|r| r.info.id == id).or_else(|| {
            let mut found = self.all_rules().filter(|r| {
                r.info
                    .id
                    .split_once('/')
                    .is_some_and(|(_, name)| name == id)
            });
            let first = found.next();
            if found.next().is_some() { None } else { first }
        })
    }
}

fn is_embedded(origin: &str) -> bool {
    EMBEDDED.iter().any(|(o, _)| *o == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(origin: &str, text: &str) -> PackSource {
        PackSource {
            origin: origin.to_owned(),
            text: text.to_owned(),
        }
    }

    fn pack(id: &str, extends: &[&str], extra: &str) -> PackSource {
        let extends: Vec<String> = extends.iter().map(|e| format!("\"{e}\"")).collect();
        source(
            &format!("{id}.toml"),
            &format!(
                "[pack]\nid = \"{id}\"\nname = \"{id}\"\nlevel = \"custom\"\nversion = \"1\"\nextends = [{}]\n{extra}",
                extends.join(", ")
            ),
        )
    }

    const RULE: &str = "\n[[rule]]\nid = \"typo\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\nliterals = [\"具统计\"]\n";

    fn error(sources: &[PackSource]) -> PackError {
        match PackSet::new(sources) {
            Ok(_) => panic!("packs should be refused"),
            Err(e) => e,
        }
    }

    /// The shipped packs' patterns are compiled on first use, so a broken
    /// one would surface only in a run: here each shipped pack is loaded
    /// as a user's pack (another origin), which compiles every pattern.
    #[test]
    fn shipped_patterns_compile() {
        for (origin, text) in EMBEDDED {
            let copy = source(&format!("copy-of-{origin}"), text);
            if let Err(e) = Pack::parse(&copy) {
                panic!("{origin}: {e}");
            }
        }
    }

    #[test]
    fn only_the_shipped_text_defers_its_patterns() {
        let pattern = toml::Spanned::new(0..1, "第(?P<n>[一二三])条".to_owned());
        let Some((origin, text)) = EMBEDDED.first() else {
            panic!("no shipped pack");
        };
        let shipped = source(origin, text);
        let user = source("mine.toml", text);
        let deferred = compile_regex(&shipped, &pattern, "pattern ").unwrap();
        let compiled = compile_regex(&user, &pattern, "pattern ").unwrap();
        assert!(!deferred.is_compiled() && compiled.is_compiled());
        // A shipped pack's file edited in place is a user's pack: its bad
        // pattern is an error at load, located, not a failure mid-run.
        let edited = source(origin, &format!("{text}\n"));
        let bad = toml::Spanned::new(0..1, "第(条".to_owned());
        let Err(e) = compile_regex(&edited, &bad, "pattern ") else {
            panic!("the edited pack's bad pattern was deferred");
        };
        assert!(e.to_string().contains("不是有效的正则表达式"), "{e}");
    }

    #[test]
    fn embedded_packs_load_and_layer() {
        let set = PackSet::embedded();
        let ids: Vec<&str> = set.packs().iter().map(|p| p.id.as_str()).collect();
        // Parents before children.
        let pos = |id: &str| ids.iter().position(|p| *p == id).unwrap();
        assert!(pos("cn") < pos("beijing") && pos("beijing") < pos("beijing-chaoyang"));
    }

    #[test]
    fn child_overrides_severity_turns_off_and_adds() {
        let set = PackSet::new(&[
            pack("base", &[], &format!("{RULE}\n[[rule]]\nid = \"other\"\nkind = \"pattern\"\nseverity = \"error\"\nmessage = \"o\"\nliterals = [\"x\"]\n")),
            pack(
                "child",
                &["base"],
                "[override.\"base/typo\"]\nseverity = \"error\"\nmessage = \"改了\"\nreason = \"本地要求\"\n\n[override.\"base/other\"]\nseverity = \"off\"\n\n[[rule]]\nid = \"own\"\nkind = \"pattern\"\nseverity = \"info\"\nmessage = \"c\"\nliterals = [\"y\"]\n",
            ),
        ])
        .unwrap();
        let applied = set.select(None, &[], &[]).unwrap();
        let rules = set.rule_set(&applied);
        let ids: Vec<(&str, Severity, &str)> = rules
            .rules
            .iter()
            .map(|r| (r.info.id.as_str(), r.info.severity, r.message.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("base/typo", Severity::Error, "改了"),
                ("child/own", Severity::Info, "c")
            ]
        );
        assert!(rules.rules[0].overrides[0].contains("本地要求"));
        // The parent alone is unchanged.
        let base_only = set.rule_set(&[Applied {
            pack: "base".to_owned(),
            reason: String::new(),
        }]);
        assert_eq!(base_only.rules.len(), 2);
        assert_eq!(base_only.rules[0].info.severity, Severity::Warning);
    }

    #[test]
    fn a_grandchild_turns_on_again_what_a_child_turned_off() {
        let set = PackSet::new(&[
            pack("base", &[], RULE),
            pack(
                "child",
                &["base"],
                "[override.\"base/typo\"]\nseverity = \"off\"\n",
            ),
            pack(
                "grandchild",
                &["child"],
                "[override.\"base/typo\"]\nseverity = \"info\"\n",
            ),
        ])
        .unwrap();
        let ids = |packs: &[&str]| -> (Vec<String>, Vec<String>) {
            let applied: Vec<Applied> = packs
                .iter()
                .map(|p| Applied {
                    pack: (*p).to_owned(),
                    reason: String::new(),
                })
                .collect();
            let set = set.rule_set(&applied);
            let names =
                |rules: &[Arc<CompiledRule>]| rules.iter().map(|r| r.info.id.clone()).collect();
            (names(&set.rules), names(&set.disabled))
        };
        assert_eq!(
            ids(&["base", "child"]),
            (vec![], vec!["base/typo".to_owned()])
        );
        assert_eq!(
            ids(&["base", "child", "grandchild"]),
            (vec!["base/typo".to_owned()], vec![])
        );
    }

    #[test]
    fn selection_by_issuer_then_mentions_brings_ancestors() {
        let selector = "[pack.applies-to]\nissuer = ['北京市朝阳区']\nmentions = ['朝政办发']\n";
        let set = PackSet::new(&[
            pack("base", &[], ""),
            pack("district", &["base"], selector),
            pack("elsewhere", &[], "[pack.applies-to]\nissuer = ['上海']\n"),
        ])
        .unwrap();
        let chosen = |issuer: Option<&str>, text: &str| -> Vec<String> {
            let mentioned: Vec<Option<&str>> = set
                .mentions()
                .map(|re| re.find(text).map(|m| m.as_str()))
                .collect();
            set.select(issuer, &mentioned, &[])
                .unwrap()
                .into_iter()
                .map(|a| a.pack)
                .collect()
        };
        assert_eq!(
            chosen(Some("北京市朝阳区某街道办事处"), ""),
            ["base", "district"]
        );
        assert_eq!(
            chosen(Some("某乡人民政府"), "根据朝政办发〔2017〕10号"),
            ["base", "district"]
        );
        assert_eq!(chosen(Some("某乡人民政府"), ""), ["base"]);
        let forced: Vec<String> = set
            .select(None, &[], &["elsewhere".to_owned()])
            .unwrap()
            .into_iter()
            .map(|a| a.pack)
            .collect();
        assert_eq!(forced, ["base", "elsewhere"]);
        assert_eq!(
            set.select(None, &[], &["nope".to_owned()]),
            Err("nope".to_owned())
        );
    }

    #[test]
    fn unknown_parent_is_located() {
        let e = error(&[pack("child", &["missing"], "")]);
        assert_eq!((e.origin.as_str(), e.line), ("child.toml", 6));
        assert!(e.message.contains("未知的包 “missing”"), "{e}");
    }

    #[test]
    fn cycle_is_refused() {
        let e = error(&[pack("a", &["b"], ""), pack("b", &["a"], "")]);
        assert!(e.message.contains("循环"), "{e}");
        assert!(
            e.message.contains("a → b → a") || e.message.contains("b → a → b"),
            "{e}"
        );
    }

    #[test]
    fn override_of_a_rule_not_inherited_is_refused() {
        let e = error(&[
            pack("base", &[], RULE),
            pack(
                "child",
                &["base"],
                "[override.\"base/nope\"]\nseverity = \"off\"\n",
            ),
        ]);
        assert_eq!(e.origin, "child.toml");
        assert!(e.message.contains("base/nope"), "{e}");
    }

    #[test]
    fn duplicate_rule_id_is_located() {
        let e = error(&[pack("p", &[], &format!("{RULE}{RULE}"))]);
        assert_eq!(e.line, 16);
        assert!(e.message.contains("重复"), "{e}");
    }

    #[test]
    fn unknown_field_and_kind_are_located() {
        let e = error(&[pack(
            "p",
            &[],
            "\n[[rule]]\nid = \"r\"\nkind = \"pattern\"\nseverty = \"warning\"\n",
        )]);
        assert_eq!(e.line, 11, "{e}");
        assert!(e.message.contains("severty"), "{e}");
        let e = error(&[pack(
            "p",
            &[],
            "\n[[rule]]\nid = \"r\"\nkind = \"magic\"\nseverity = \"warning\"\nmessage = \"m\"\n",
        )]);
        assert_eq!(e.line, 10, "{e}");
        assert!(e.message.contains("magic"), "{e}");
    }

    #[test]
    fn field_of_another_kind_is_refused() {
        let e = error(&[pack(
            "p",
            &[],
            "\n[[rule]]\nid = \"r\"\nkind = \"empty-section\"\nseverity = \"warning\"\nmessage = \"m\"\nliterals = [\"x\"]\n",
        )]);
        assert!(e.message.contains("不接受字段 literals"), "{e}");
    }

    #[test]
    fn a_users_pack_replaces_an_embedded_one_but_two_users_packs_clash() {
        let embedded = source(
            "rules/gbt.toml",
            "[pack]\nid = \"gbt\"\nname = \"g\"\nlevel = \"national\"\nversion = \"1\"\n",
        );
        let mine = pack("gbt", &[], RULE);
        let set = PackSet::new(&[embedded, mine.clone()]).unwrap();
        assert_eq!(set.get("gbt").map(|p| p.rules().len()), Some(1));
        let e = error(&[mine.clone(), source("other.toml", &mine.text)]);
        assert!(e.message.contains("已由 gbt.toml 定义"), "{e}");
    }

    #[test]
    fn fields_that_would_do_nothing_are_refused() {
        let rule = |extra: &str| {
            format!(
                "\n[[rule]]\nid = \"r\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\nliterals = [\"x\"]\n{extra}"
            )
        };
        for (extra, needle) in [
            ("fix-title = \"改\"\n", "没有修复"),
            ("group-message = \"{count}\"\n", "没有 group-above"),
            (
                "when.year-from = 2020\nwhen.year-to = 2019\n",
                "永远不会运行",
            ),
        ] {
            let e = error(&[pack("p", &[], &rule(extra))]);
            assert!(e.message.contains(needle), "{e}");
        }
    }

    #[test]
    fn oversized_regex_is_refused() {
        let e = error(&[pack(
            "p",
            &[],
            "\n[[rule]]\nid = \"r\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '(?:\\p{L}{50}){50}'\n",
        )]);
        assert!(e.message.contains("正则表达式"), "{e}");
    }

    #[test]
    fn of_many_broken_rules_the_first_is_reported() {
        // Rules compile in parallel; the error must not depend on which
        // finishes first.
        let broken = |id: usize| {
            format!(
                "\n[[rule]]\nid = \"r{id}\"\nkind = \"pattern\"\nseverity = \"warning\"\nmessage = \"m\"\npattern = '(unclosed'\n"
            )
        };
        let rules: String = (0..256).map(broken).collect();
        for _ in 0..16 {
            let e = error(&[pack("p", &[], &format!("{RULE}{rules}"))]);
            assert_eq!(e.line, 20, "{e}");
        }
    }
}
