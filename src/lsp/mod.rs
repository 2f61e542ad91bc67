//! `xxgk lsp`: the language server. It keeps each open report as a rope,
//! applies incremental edits to it and hands them to the document's
//! `check::LiveCheck`, which re-checks only what an edit touched and gives
//! the findings `check::check` gives (the CLI's), and serves diagnostics,
//! quick-fixes, fix-all, hover and the outline.
//!
//! Architecture invariant: only this module knows LSP types; it holds no rule
//! logic. State lives behind a `std::sync::Mutex` that is never held across an
//! `.await`: each edit is stored before anything awaits. Analysis runs on the
//! blocking pool, one task per document at a time (each document's live
//! check has its own lock), so a huge document delays no other.

mod convert;
pub mod document;
pub mod transport;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Deserialize;
use tower_lsp_server::jsonrpc::Result as RpcResult;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::config::{ConfigChoice, SettingsCache, SettingsSources};
use crate::diagnostic::compatible_edits;
use crate::report::{BlockKind, Section};
use crate::text::WideEncoding;
use convert::{Positions, encoding_kind, negotiate};
use document::{Analysis, Document};
use transport::{HAND_OVER_BYTES, PARCEL_METHOD, Parcel, Parcels};

/// The fix-all code action kind.
const FIX_ALL: &str = "source.fixAll.xxgk";

/// The pipe between the relay and tower-lsp-server.
const PIPE_BYTES: usize = 1 << 20;

/// Serves LSP over stdin/stdout until the client says `exit`. The input
/// goes through `transport::relay`, which decodes big document texts off
/// the message loop.
pub async fn serve_stdio() {
    let parcels = Arc::new(Parcels::default());
    let backend_parcels = parcels.clone();
    let (service, socket) = LspService::build(move |client| Backend::new(client, backend_parcels))
        .custom_method(PARCEL_METHOD, Backend::parcel)
        .finish();
    let (relayed, relay_end) = tokio::io::duplex(PIPE_BYTES);
    // The relay closes its end when stdin ends, which ends the server too.
    tokio::spawn(async move {
        let relayed = transport::relay(tokio::io::stdin(), relay_end, &parcels, HAND_OVER_BYTES);
        if let Err(e) = relayed.await {
            eprintln!("xxgk lsp: reading the client's messages failed: {e}");
        }
    });
    Server::new(relayed, tokio::io::stdout(), socket)
        .serve(service)
        .await;
}

/// Settings a client may send in `initializationOptions` or
/// `workspace/didChangeConfiguration` (`{"xxgk": {…}}` or the object itself).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ClientSettings {
    /// Extra pack files or folders.
    packs: Vec<PathBuf>,
    /// A configuration file to use instead of discovering `xxgk.toml`.
    config: Option<PathBuf>,
    /// The report year for every document.
    year: Option<u16>,
}

impl ClientSettings {
    fn from_value(value: Option<serde_json::Value>) -> ClientSettings {
        let value = match value {
            Some(serde_json::Value::Object(mut map)) if map.contains_key("xxgk") => {
                map.remove("xxgk").unwrap_or_default()
            }
            Some(v) => v,
            None => return ClientSettings::default(),
        };
        serde_json::from_value(value).unwrap_or_default()
    }

    fn sources(&self) -> SettingsSources {
        SettingsSources {
            extra_packs: self.packs.clone(),
            config: self
                .config
                .clone()
                .map_or(ConfigChoice::Discover, ConfigChoice::File),
        }
    }
}

struct State {
    /// The settings error last shown, so an edit does not show it again.
    shown_error: Option<String>,
    encoding: WideEncoding,
    /// The client lets the server register file watchers.
    can_watch: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): do not push.
    pull: bool,
    /// The client can be asked to pull again (`workspace/diagnostic/refresh`).
    can_refresh: bool,
    year: Option<u16>,
    settings: SettingsCache,
    /// Counts settings changes: an analysis made with settings loaded before
    /// a change is not kept as the document's analysis.
    generation: u64,
    documents: HashMap<lsp::Uri, Document>,
}

pub struct Backend {
    client: Client,
    state: Arc<Mutex<State>>,
    parcels: Arc<Parcels>,
}

impl Backend {
    fn new(client: Client, parcels: Arc<Parcels>) -> Backend {
        Backend {
            client,
            parcels,
            state: Arc::new(Mutex::new(State {
                shown_error: None,
                encoding: WideEncoding::Utf16,
                can_watch: false,
                pull: false,
                can_refresh: false,
                year: None,
                settings: SettingsCache::new(ClientSettings::default().sources()),
                generation: 0,
                documents: HashMap::new(),
            })),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the server down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: self.state.clone(),
            parcels: self.parcels.clone(),
        }
    }

    /// A big `didOpen` or `didChange` that the relay is decoding: the
    /// document holds its later edits until the text arrives, then is
    /// checked.
    async fn parcel(&self, parcel: Parcel) {
        let Some(decoding) = self.parcels.take(parcel.ticket) else {
            return;
        };
        {
            let mut state = self.state();
            if parcel.open {
                let document = Document::awaiting(parcel.ticket, parcel.version);
                state.documents.insert(parcel.uri.clone(), document);
            } else if let Some(doc) = state.documents.get_mut(&parcel.uri) {
                doc.hold_for(parcel.ticket);
                doc.version = parcel.version;
            } else {
                return;
            }
        }
        let backend = self.handle();
        tokio::spawn(async move {
            let decoded = decoding
                .await
                .unwrap_or_else(|_| Err("文档消息未能解析完成".to_owned()));
            backend.unparcel(parcel, decoded).await;
        });
    }

    /// A parcel's text has been decoded (or could not be): the document takes
    /// its changes and those held after them, and is checked once nothing
    /// more is awaited. An undecodable `didOpen` opens nothing and an
    /// undecodable `didChange` changes nothing, as for a message too broken
    /// to read.
    async fn unparcel(&self, parcel: Parcel, decoded: transport::Unpacked) {
        let (ready, pull, can_refresh) = {
            let mut state = self.state();
            let (encoding, pull, can_refresh) = (state.encoding, state.pull, state.can_refresh);
            let Some(doc) = state
                .documents
                .get_mut(&parcel.uri)
                .filter(|doc| doc.awaits(parcel.ticket))
            else {
                return;
            };
            let ready = match decoded {
                Ok(changes) => {
                    doc.unpacked(parcel.ticket, changes, encoding);
                    !doc.is_held()
                }
                Err(ref error) => {
                    eprintln!(
                        "xxgk lsp: {} (version {}): {error}",
                        parcel.uri.as_str(),
                        parcel.version
                    );
                    if parcel.open {
                        state.documents.remove(&parcel.uri);
                        false
                    } else {
                        doc.unpacked(parcel.ticket, Vec::new(), encoding);
                        !doc.is_held()
                    }
                }
            };
            (ready, pull, can_refresh)
        };
        if !ready {
            return;
        }
        if !pull {
            self.schedule(parcel.uri);
        } else if can_refresh && let Err(e) = self.client.workspace_diagnostic_refresh().await {
            self.client
                .log_message(lsp::MessageType::WARNING, format!("xxgk：{e}"))
                .await;
        }
    }

    /// Checks a document's current version unless it already was; returns
    /// the analysis, and any error loading its settings. Blocks while another
    /// analysis of the same document runs (call it off the async executor).
    fn analyse(&self, uri: &lsp::Uri) -> Option<(Arc<Analysis>, Option<String>)> {
        let (live, year, last_good, generation) = {
            let state = self.state();
            // A document whose text is still being decoded has none yet.
            let doc = state.documents.get(uri).filter(|doc| !doc.is_held())?;
            if let Some(analysis) = doc.analysis.as_ref().filter(|a| a.version == doc.version) {
                return Some((analysis.clone(), None));
            }
            (
                doc.live.clone(),
                state.year,
                doc.last_good.clone(),
                state.generation,
            )
        };
        let dir = document_dir(uri);
        let loaded = self.state().settings.for_dir(&dir);
        let (rules, error) = match loaded {
            Ok(settings) => ((settings.packs.clone(), settings.options(year)), None),
            // A broken pack or configuration keeps the last good rules (the
            // embedded packs, if there were none yet).
            Err(error) => {
                let rules = match last_good {
                    Some(rules) => rules,
                    None => {
                        let mut embedded = SettingsCache::new(SettingsSources {
                            extra_packs: Vec::new(),
                            config: ConfigChoice::None,
                        });
                        let settings = embedded.for_dir(&dir).ok()?;
                        (settings.packs.clone(), settings.options(year))
                    }
                };
                (rules, Some(error))
            }
        };
        // One analysis of a document at a time; it takes every edit queued
        // so far, so it checks the newest version.
        let mut live = live.lock().unwrap_or_else(|e| e.into_inner());
        let (pending, rope, version) = {
            let mut state = self.state();
            let doc = state.documents.get_mut(uri).filter(|doc| !doc.is_held())?;
            if let Some(analysis) = doc.analysis.as_ref().filter(|a| a.version == doc.version) {
                return Some((analysis.clone(), error));
            }
            // The previous version's analysis shares the report with the
            // live check; dropping it lets the edit update it in place.
            doc.analysis = None;
            (
                std::mem::take(&mut doc.pending),
                doc.rope.clone(),
                doc.version,
            )
        };
        let analysis = Arc::new(Analysis::update(
            &mut live,
            pending,
            rope,
            version,
            rules.0.clone(),
            rules.1.clone(),
        ));
        let mut state = self.state();
        let settings_kept = state.generation == generation;
        if let Some(doc) = state.documents.get_mut(uri)
            && settings_kept
        {
            doc.analysis = Some(analysis.clone());
            if error.is_none() {
                doc.last_good = Some(rules);
            }
        }
        Some((analysis, error))
    }

    /// `analyse` on the blocking pool.
    async fn analysed(&self, uri: &lsp::Uri) -> Option<(Arc<Analysis>, Option<String>)> {
        let backend = self.handle();
        let uri = uri.clone();
        tokio::task::spawn_blocking(move || backend.analyse(&uri))
            .await
            .ok()
            .flatten()
    }

    /// Checks a document and publishes its findings, without waiting: if an
    /// analysis of it is already running, that one checks again when it ends
    /// if edits arrived meanwhile, and only the newest version is published.
    fn schedule(&self, uri: lsp::Uri) {
        {
            let mut state = self.state();
            let Some(doc) = state.documents.get_mut(&uri) else {
                return;
            };
            if doc.analysing {
                return;
            }
            doc.analysing = true;
        }
        let backend = self.handle();
        tokio::spawn(async move {
            loop {
                let analysed = backend.analysed(&uri).await;
                if let Some((analysis, error)) = &analysed {
                    backend.show_error(error.clone()).await;
                    backend.publish(&uri, analysis).await;
                }
                let mut state = backend.state();
                let Some(doc) = state.documents.get_mut(&uri) else {
                    return;
                };
                // Done when the version just published (or not, being
                // pulled) is still the newest and the settings did not
                // change meanwhile (then it would not have been kept).
                let newest = analysed.as_ref().is_none_or(|(analysis, _)| {
                    analysis.version == doc.version
                        && doc
                            .analysis
                            .as_ref()
                            .is_some_and(|a| Arc::ptr_eq(a, analysis))
                });
                if newest {
                    doc.analysing = false;
                    return;
                }
            }
        });
    }

    /// Shows a settings error once (until it changes).
    async fn show_error(&self, error: Option<String>) {
        let new_error = {
            let mut state = self.state();
            let changed = state.shown_error != error;
            state.shown_error = error.clone();
            error.filter(|_| changed)
        };
        if let Some(error) = new_error {
            let message = format!("xxgk：{error}（沿用上一次可用的规则）");
            self.client
                .log_message(lsp::MessageType::ERROR, &message)
                .await;
            self.client
                .show_message(lsp::MessageType::ERROR, message)
                .await;
        }
    }

    /// Pushes an analysis's findings, unless the client pulls them or a newer
    /// version has arrived (a stale analysis is never published).
    async fn publish(&self, uri: &lsp::Uri, analysis: &Analysis) {
        let (pull, encoding) = {
            let state = self.state();
            (state.pull, state.encoding)
        };
        if pull || self.current_version(uri) != Some(analysis.version) {
            return;
        }
        let diagnostics = analysis.lsp_diagnostics(uri, encoding);
        self.client
            .publish_diagnostics(uri.clone(), diagnostics, Some(analysis.version))
            .await;
    }

    fn current_version(&self, uri: &lsp::Uri) -> Option<i32> {
        self.state().documents.get(uri).map(|d| d.version)
    }

    fn encoding(&self) -> WideEncoding {
        self.state().encoding
    }

    /// Re-checks every open document (settings or packs changed): pushes new
    /// diagnostics, or asks a pulling client to pull again.
    async fn recheck_all(&self) {
        let (pull, can_refresh) = {
            let state = self.state();
            (state.pull, state.can_refresh)
        };
        self.forget_analyses();
        if pull {
            if can_refresh && let Err(e) = self.client.workspace_diagnostic_refresh().await {
                self.client
                    .log_message(lsp::MessageType::WARNING, format!("xxgk：{e}"))
                    .await;
            }
            return;
        }
        let open: Vec<lsp::Uri> = self.state().documents.keys().cloned().collect();
        for uri in open {
            self.schedule(uri);
        }
    }

    /// Drops the loaded settings and every analysis, so the next check loads
    /// settings again.
    fn forget_analyses(&self) {
        let mut state = self.state();
        state.settings.clear();
        state.generation += 1;
        for doc in state.documents.values_mut() {
            doc.analysis = None;
        }
    }
}

fn document_dir(uri: &lsp::Uri) -> PathBuf {
    uri.to_file_path()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// Whether the client can pull diagnostics.
fn client_pulls(capabilities: &lsp::ClientCapabilities) -> bool {
    capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.diagnostic.as_ref())
        .is_some()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> RpcResult<lsp::InitializeResult> {
        let encoding = negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        let pull = client_pulls(&params.capabilities);
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let can_refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let settings = ClientSettings::from_value(params.initialization_options);
        {
            let mut state = self.state();
            state.encoding = encoding;
            state.can_watch = can_watch;
            state.pull = pull;
            state.can_refresh = can_refresh;
            state.year = settings.year;
            state.settings = SettingsCache::new(settings.sources());
        }
        Ok(lsp::InitializeResult {
            capabilities: lsp::ServerCapabilities {
                position_encoding: Some(encoding_kind(encoding)),
                text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                    lsp::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                        ..lsp::TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
                    lsp::CodeActionOptions {
                        code_action_kinds: Some(vec![
                            lsp::CodeActionKind::QUICKFIX,
                            lsp::CodeActionKind::new(FIX_ALL),
                        ]),
                        ..lsp::CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
                document_symbol_provider: Some(lsp::OneOf::Left(true)),
                diagnostic_provider: pull.then(|| {
                    lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
                        identifier: Some("xxgk".to_owned()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        ..lsp::DiagnosticOptions::default()
                    })
                }),
                ..lsp::ServerCapabilities::default()
            },
            server_info: Some(lsp::ServerInfo {
                name: "xxgk".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..lsp::InitializeResult::default()
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        if !self.state().can_watch {
            return;
        }
        // Re-check when a configuration or a pack changes. Registered from a
        // task, so no message waits on the client's answer.
        let client = self.client.clone();
        tokio::spawn(async move {
            let watchers = ["**/xxgk.toml", "**/*.toml"]
                .into_iter()
                .map(|glob| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(glob.to_owned()),
                    kind: None,
                })
                .collect();
            let registration = lsp::Registration {
                id: "xxgk-watch-settings".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(
                    lsp::DidChangeWatchedFilesRegistrationOptions { watchers },
                )
                .ok(),
            };
            if let Err(e) = client.register_capability(vec![registration]).await {
                client
                    .log_message(
                        lsp::MessageType::WARNING,
                        format!("xxgk：无法监视配置文件：{e}"),
                    )
                    .await;
            }
        });
    }

    async fn shutdown(&self) -> RpcResult<()> {
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        let doc = params.text_document;
        // Built before taking the lock: a big document's rope takes tens of
        // milliseconds, and other documents' edits wait for the lock.
        let document = Document::new(&doc.text, doc.version);
        drop(doc.text);
        self.state().documents.insert(doc.uri.clone(), document);
        self.schedule(doc.uri);
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let applied = {
            let mut state = self.state();
            let encoding = state.encoding;
            match state.documents.get_mut(&uri) {
                Some(doc) => {
                    doc.receive(params.content_changes, encoding);
                    doc.version = version;
                    !doc.is_held()
                }
                None => false,
            }
        };
        if applied {
            self.schedule(uri);
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let pull = {
            let mut state = self.state();
            state.documents.remove(&uri);
            state.pull
        };
        // No stale squiggles on a closed file.
        if !pull {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        let settings = ClientSettings::from_value(Some(params.settings));
        {
            let mut state = self.state();
            state.year = settings.year;
            state.settings = SettingsCache::new(settings.sources());
        }
        self.recheck_all().await;
    }

    async fn did_change_watched_files(&self, _: lsp::DidChangeWatchedFilesParams) {
        // An xxgk.toml or a pack changed: load settings again.
        self.recheck_all().await;
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> RpcResult<lsp::DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let items = self
            .analysed(&uri)
            .await
            .map(|(analysis, _)| analysis.lsp_diagnostics(&uri, self.encoding()))
            .unwrap_or_default();
        Ok(lsp::DocumentDiagnosticReportResult::Report(
            lsp::DocumentDiagnosticReport::Full(lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> RpcResult<Option<lsp::CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some((analysis, _)) = self.analysed(&uri).await else {
            return Ok(None);
        };
        let encoding = self.encoding();
        let positions = analysis.positions(encoding);
        let wants = |kind: &str| {
            params
                .context
                .only
                .as_ref()
                .is_none_or(|only| only.iter().any(|k| kind.starts_with(k.as_str())))
        };
        let start = positions.offset(params.range.start);
        let end = positions.offset(params.range.end).max(start);
        let mut actions = Vec::new();
        if wants(lsp::CodeActionKind::QUICKFIX.as_str()) {
            for d in analysis.diagnostics.iter() {
                let Some(fix) = &d.fix else { continue };
                // Touching the requested range (an empty range at a finding's end counts).
                if d.range.start > end || d.range.end < start {
                    continue;
                }
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title.clone(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![positions.diagnostic(&uri, d)]),
                    edit: Some(positions.workspace_edit(&uri, fix.edits())),
                    is_preferred: Some(fix.is_safe()),
                    ..lsp::CodeAction::default()
                }));
            }
        }
        if wants(FIX_ALL) {
            let safe = analysis
                .diagnostics
                .iter()
                .filter_map(|d| d.fix.as_ref())
                .filter(|f| f.is_safe());
            let (edits, count) = compatible_edits(safe);
            if count > 0 {
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("xxgk：应用全部安全修复（{count} 处）"),
                    kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
                    edit: Some(positions.workspace_edit(&uri, &edits)),
                    ..lsp::CodeAction::default()
                }));
            }
        }
        Ok(Some(actions))
    }

    async fn hover(&self, params: lsp::HoverParams) -> RpcResult<Option<lsp::Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let Some((analysis, _)) = self.analysed(&uri).await else {
            return Ok(None);
        };
        let positions = analysis.positions(self.encoding());
        let at = positions.offset(params.text_document_position_params.position);
        let mut parts = Vec::new();
        let mut range = None;
        for d in analysis
            .diagnostics
            .iter()
            .filter(|d| d.range.start <= at && at <= d.range.end)
        {
            let rule = analysis.packs.find_rule(&d.rule.id);
            let explanation = rule
                .map(|r| crate::emit::explain(&analysis.packs, r))
                .unwrap_or_default();
            parts.push(format!("**{}**\n\n{explanation}", d.message));
            range.get_or_insert_with(|| positions.range(&d.range));
        }
        // On a heading: which required section it is.
        let report = &analysis.report;
        if let Some(block) = report.block_at(at)
            && let Some(heading) = report.heading(block)
            && report.blocks[block].range.contains(&at)
        {
            let roles: Vec<String> = crate::check::section_roles(
                &analysis.rope.to_string(),
                report,
                &analysis.summary,
                &analysis.rules,
            )
            .into_iter()
            .filter(|r| r.block == block)
            .map(|r| format!("本章节是 `{}` 要求的必备章节“{}”。", r.rule, r.title))
            .collect();
            let label = analysis.slice(heading.label_range());
            parts.push(if roles.is_empty() {
                format!("**{label}**\n\n本标题不对应报告格式规定的必备章节。")
            } else {
                format!("**{label}**\n\n{}", roles.join("\n\n"))
            });
            range.get_or_insert_with(|| positions.range(&heading.label_range()));
        }
        if parts.is_empty() {
            return Ok(None);
        }
        Ok(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: parts.join("\n\n---\n\n"),
            }),
            range,
        }))
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> RpcResult<Option<lsp::DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let Some((analysis, _)) = self.analysed(&uri).await else {
            return Ok(None);
        };
        let positions = analysis.positions(self.encoding());
        let symbols = outline(&analysis, &positions, &analysis.report.outline);
        Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols)))
    }
}

/// The report's outline as document symbols: sections, with their tables.
fn outline(
    analysis: &Analysis,
    positions: &Positions,
    sections: &[Section],
) -> Vec<lsp::DocumentSymbol> {
    let report = &analysis.report;
    let mut out = Vec::new();
    for section in sections {
        let Some(heading) = report.heading(section.heading) else {
            continue;
        };
        let label = analysis.slice(heading.label_range());
        let end = section
            .content
            .clone()
            .last()
            .and_then(|i| report.blocks.get(i))
            .map_or(heading.label_range().end, |b| b.range.end);
        let mut children: Vec<lsp::DocumentSymbol> = section
            .body
            .clone()
            .filter_map(|i| report.blocks.get(i))
            .filter(|b| matches!(b.kind, BlockKind::Table(_)))
            .map(|b| {
                symbol(
                    "表格".to_owned(),
                    lsp::SymbolKind::ARRAY,
                    positions.range(&b.range),
                    positions.range(&b.range),
                    None,
                )
            })
            .collect();
        children.extend(outline(analysis, positions, &section.children));
        let start = report
            .blocks
            .get(section.heading)
            .map_or(0, |b| b.range.start);
        out.push(symbol(
            label.trim().to_owned(),
            if section.depth == 0 {
                lsp::SymbolKind::NAMESPACE
            } else {
                lsp::SymbolKind::MODULE
            },
            positions.range(&(start..end)),
            positions.range(&heading.label_range()),
            Some(children),
        ));
    }
    out
}

#[allow(deprecated)] // `deprecated` is a required field of the LSP struct.
fn symbol(
    name: String,
    kind: lsp::SymbolKind,
    range: lsp::Range,
    selection_range: lsp::Range,
    children: Option<Vec<lsp::DocumentSymbol>>,
) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if name.is_empty() {
            "（无标题）".to_owned()
        } else {
            name
        },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: children.filter(|c| !c.is_empty()),
    }
}
