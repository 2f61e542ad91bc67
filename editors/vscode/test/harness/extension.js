// E2E harness for the xxgk VS Code extension. It runs inside the real VS Code
// extension host (code-server), drives the installed `xxgk.xxgk` extension
// through the public vscode API, and writes a JSON verdict ({ok, log, error,
// knownIssues}) to the file named in $XXGK_E2E_CONFIG, which test/e2e.sh reads.
'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');

const FEE = '政府信息公开的收费及减免情况';
const FIX_TITLE = '插入“四、政府信息公开的收费及减免情况”';
const FEE_HEADING = '四、政府信息公开的收费及减免情况';
const NEXT_HEADING = '五、存在的主要问题及改进措施';
const HEADING = /^[一二三四五六七八九十]+、/;
const FIX_ALL = 'source.fixAll.xxgk';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timeout (${ms} ms) waiting for ${what}`);
    await sleep(50);
  }
}

// VS Code's save() can say false on a loaded machine, either having written
// nothing (the document still dirty: saved again, as a writer would) or
// having written the text while the document's version moved. What counts
// is the file on disk and a document no longer dirty.
async function saveAndCheck(ok, log, doc, what, onDisk) {
  let said = await doc.save();
  if (!said && doc.isDirty) {
    log.push(`  ${what}: save() said false and the document is still dirty; saving again`);
    said = await doc.save();
  }
  await waitFor(`${what} on disk`, () => !doc.isDirty && onDisk(fs.readFileSync(doc.uri.fsPath, 'utf8')), 10000);
  ok(true, `${what} saved${said ? '' : ' (save() said false, the file was written)'}`);
}

const codeOf = (d) => (d.code && typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const xxgk = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'xxgk');
const fmt = (d) => `${codeOf(d)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

/** Code actions of a kind, polled: the first request right after the diagnostics may miss the client's. */
async function codeActions(log, uri, range, kind, pick) {
  return waitFor(`a code action (${kind}) matching`, async () => {
    let actions;
    try {
      actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, kind);
    } catch (e) {
      log.push(`executeCodeActionProvider threw (retrying): ${e}`);
      return null;
    }
    return (actions || []).find(pick) || null;
  }, 15000);
}

function hoverText(hovers) {
  const parts = [];
  for (const h of hovers || []) {
    for (const c of h.contents) parts.push(typeof c === 'string' ? c : c.value);
  }
  return parts.join('\n');
}

function flatten(symbols) {
  const out = [];
  for (const s of symbols || []) {
    out.push(s);
    out.push(...flatten(s.children));
  }
  return out;
}

async function run(cfg, ok, log, knownIssue) {
  const ws = cfg.workspace;
  const reportPath = path.join(ws, 'report-2013.txt');
  const report = vscode.Uri.file(reportPath);
  const original = fs.readFileSync(reportPath, 'utf8');

  // --- A. A 2013 report (2007 regime) missing the fee section: diagnostics, hover, outline, quick-fix.
  const doc = await vscode.workspace.openTextDocument(report);
  await vscode.window.showTextDocument(doc);
  ok(doc.languageId === 'plaintext', `report-2013.txt opens as plaintext (${doc.languageId})`);
  const ext = vscode.extensions.getExtension('xxgk.xxgk');
  ok(ext, 'extension xxgk.xxgk is installed');

  const isFee = (d) => codeOf(d) === 'cn/sections-2007' && d.message.includes(FEE);
  const fee = await waitFor('the cn/sections-2007 diagnostic for the fee section', () => xxgk(report).find(isFee), 30000);
  ok(ext.isActive, 'extension xxgk.xxgk is active');
  for (const d of xxgk(report)) log.push(`  diagnostic: ${fmt(d)}`);
  ok(fee.severity === vscode.DiagnosticSeverity.Error, 'cn/sections-2007 (fee section) is an error');
  ok(fee.range.start.line === 8 && doc.lineAt(8).text === '四、存在的主要问题及改进措施',
    `it points at line 9, 四、存在的主要问题及改进措施 (${fee.range.start.line}:${fee.range.start.character})`);
  await sleep(500);
  const same = xxgk(report).filter((d) => fmt(d) === fmt(fee));
  ok(same.length === 1, `each diagnostic shown once (${same.length} copies: push and pull must not both run)`);

  const hover = hoverText(await vscode.commands.executeCommand('vscode.executeHoverProvider', report, fee.range.start));
  log.push(`  hover: ${hover.slice(0, 160).replace(/\n/g, '⏎')}…`);
  ok(hover.includes(FEE), 'hover on the finding explains it');

  const symbols = flatten(await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', report));
  const names = symbols.map((s) => s.name);
  log.push(`  outline: ${JSON.stringify(names)}`);
  for (const h of ['一、概述', '二、主动公开政府信息的情况', '三、依申请公开政府信息的情况', '四、存在的主要问题及改进措施']) {
    ok(names.some((n) => n.includes(h.slice(2))), `outline lists ${h}`);
  }

  const action = await codeActions(log, report, fee.range, vscode.CodeActionKind.QuickFix.value, (a) => a.title === FIX_TITLE);
  ok(action.edit, `quick-fix “${FIX_TITLE}” offered with an edit`);
  ok(await vscode.workspace.applyEdit(action.edit), 'workspace.applyEdit(quick-fix)');
  await saveAndCheck(ok, log, doc, 'document', (text) => text.includes(FEE_HEADING));
  const lines = fs.readFileSync(reportPath, 'utf8').split(/\r?\n/);
  const i = lines.indexOf(FEE_HEADING);
  const j = lines.indexOf(NEXT_HEADING);
  ok(i >= 0 && j > i && !lines.slice(i + 1, j).some((l) => HEADING.test(l)),
    `on disk, ${FEE_HEADING} stands right before ${NEXT_HEADING} (lines ${i + 1}, ${j + 1})`);
  ok(JSON.stringify(lines.filter((l) => HEADING.test(l))) === JSON.stringify(
    ['一、概述', '二、主动公开政府信息的情况', '三、依申请公开政府信息的情况', FEE_HEADING, NEXT_HEADING]),
  'on disk, the headings are 一 to 五 in order');
  ok(lines.includes('公开内容仍不够及时，下一步将建立信息发布前的核对制度。'), 'the text of the renumbered section is kept');
  await waitFor('the fee diagnostic to go after the fix', () => !xxgk(report).some(isFee), 10000);
  ok(true, 'the fee diagnostic is gone after the fix (incremental sync)');

  // --- B. An untitled plaintext document is checked too.
  const untitled = await vscode.workspace.openTextDocument({ language: 'plaintext', content: original });
  await waitFor('diagnostics on an untitled document', () => xxgk(untitled.uri).some(isFee), 20000);
  ok(true, `untitled plaintext document checked (${untitled.uri.toString()})`);

  // --- C. Markdown, and the fix-all source action.
  const notesUri = vscode.Uri.file(path.join(ws, 'notes.md'));
  const notes = await vscode.workspace.openTextDocument(notesUri);
  await vscode.window.showTextDocument(notes);
  ok(notes.languageId === 'markdown', `notes.md opens as markdown (${notes.languageId})`);
  const isComma = (d) => codeOf(d) === 'gbt/halfwidth-punctuation';
  await waitFor('gbt/halfwidth-punctuation in notes.md', () => xxgk(notesUri).find(isComma), 20000);
  ok(true, 'markdown document checked (gbt/halfwidth-punctuation)');
  const whole = new vscode.Range(0, 0, notes.lineCount, 0);
  const fixAll = await codeActions(log, notesUri, whole, FIX_ALL, (a) => a.kind && a.kind.value === FIX_ALL);
  log.push(`  fix-all: ${fixAll.title}`);
  ok(await vscode.workspace.applyEdit(fixAll.edit), `${FIX_ALL} applied`);
  ok(notes.getText().includes('公开材料，每月初'), 'fix-all replaced the half-width comma');
  await waitFor('gbt/halfwidth-punctuation to go', () => !xxgk(notesUri).some(isComma), 10000);
  await saveAndCheck(ok, log, notes, 'notes.md', (text) => text.includes('公开材料，每月初'));

  // --- D. Settings reach the server: year 2020 turns the 2013 report into a 2019-regime one.
  const has2007 = () => xxgk(report).some((d) => codeOf(d) === 'cn/sections-2007');
  ok(has2007(), 'before: the report still has cn/sections-2007 findings (复议/诉讼, 其他事项)');
  const conf = vscode.workspace.getConfiguration('xxgk');
  await conf.update('year', 2020, vscode.ConfigurationTarget.Global);
  await settled(log, knownIssue, report, 'xxgk.year = 2020', () => !has2007());
  await conf.update('year', undefined, vscode.ConfigurationTarget.Global);
  await settled(log, knownIssue, report, 'xxgk.year reset', has2007);

  // --- E. A new xxgk.toml in the workspace (file events) turns a rule off.
  const hasDownload = () => xxgk(report).some((d) => codeOf(d) === 'cn/download-location');
  ok(hasDownload(), 'before: the report has cn/download-location');
  fs.writeFileSync(path.join(ws, 'xxgk.toml'), '[rules]\n"cn/download-location" = "off"\n');
  await settled(log, knownIssue, report, 'new xxgk.toml turning cn/download-location off', () => !hasDownload());

  // --- F. The restart command: the new server checks edits.
  await vscode.commands.executeCommand('xxgk.restartServer');
  ok(true, 'command xxgk.restartServer ran');
  await vscode.window.showTextDocument(notes);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(notesUri, new vscode.Position(2, 0), '第二句,在此。\n');
  ok(await vscode.workspace.applyEdit(edit), 'edit after restart');
  await waitFor('a diagnostic from the restarted server', () => xxgk(notesUri).find(isComma), 20000);
  ok(true, 'restarted server checks the edited document');
}

/**
 * Waits for the diagnostics of `uri` to reflect a settings or configuration
 * change without any edit (the server must push new diagnostics, or ask a
 * pulling client to refresh). If they do not, an edit forces a new check: if
 * that shows the change, the settings did arrive and only the refresh is
 * missing (recorded as a known server issue); otherwise the test fails.
 */
async function settled(log, knownIssue, uri, what, cond) {
  try {
    await waitFor(`diagnostics after ${what}`, cond, 4000);
    log.push(`[ok] diagnostics updated after ${what} without an edit`);
    return;
  } catch {
    // fall through
  }
  const doc = await vscode.workspace.openTextDocument(uri);
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  const add = new vscode.WorkspaceEdit();
  add.insert(uri, end, ' ');
  await vscode.workspace.applyEdit(add);
  const del = new vscode.WorkspaceEdit();
  del.delete(uri, new vscode.Range(end, end.translate(0, 1)));
  await vscode.workspace.applyEdit(del);
  await waitFor(`diagnostics after ${what} and an edit`, cond, 10000);
  knownIssue(`diagnostics did not update after ${what} until the document was edited ` +
    '(the server re-checks but neither pushes nor sends workspace/diagnostic/refresh to a pulling client)');
}

exports.activate = async () => {
  const t0 = Date.now();
  const log = [];
  const knownIssues = [];
  const res = { ok: false, log, knownIssues };
  const ok = (cond, msg) => {
    if (!cond) throw new Error(`ASSERTION FAILED: ${msg}`);
    log.push(`[ok ${Date.now() - t0} ms] ${msg}`);
  };
  const knownIssue = (msg) => {
    if (cfg && cfg.strict) throw new Error(`KNOWN ISSUE (strict mode): ${msg}`);
    knownIssues.push(msg);
    log.push(`[KNOWN ISSUE ${Date.now() - t0} ms] ${msg}`);
  };
  let cfg;
  try {
    cfg = JSON.parse(fs.readFileSync(process.env.XXGK_E2E_CONFIG, 'utf8'));
    await run(cfg, ok, log, knownIssue);
    res.ok = true;
  } catch (e) {
    res.error = String((e && e.stack) || e);
  }
  res.ms = Date.now() - t0;
  if (cfg) fs.writeFileSync(cfg.result, JSON.stringify(res, null, 2));
};
