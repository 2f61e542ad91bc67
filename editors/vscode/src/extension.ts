// VS Code client for `xxgk lsp`, the language server that checks Chinese
// government information-disclosure annual reports (政府信息公开工作年度报告).
//
// The extension holds no rule logic: it finds the `xxgk` binary, starts
// `xxgk lsp` over stdio for plain-text and Markdown documents, and passes the
// `xxgk.*` settings on (as initializationOptions at start, then as
// workspace/didChangeConfiguration), with relative paths made absolute.
// Diagnostics, quick-fixes, fix-all, hover and the outline come from the server
// through vscode-languageclient.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

const SECTION = 'xxgk';
const CLIENT_NAME = 'xxgk';

/** The settings the server understands (`ClientSettings` in src/lsp/mod.rs). */
interface ServerSettings {
  packs: string[];
  config: string | null;
  year: number | null;
}

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
/** The watchers whose events the language client forwards (workspace `.toml` files). */
let clientWatchers: vscode.FileSystemWatcher[] = [];
/** Watchers for packs and configuration files outside the workspace. */
let outsideWatchers: vscode.FileSystemWatcher[] = [];
/** Serialises start/stop/restart so that a quick double restart cannot race. */
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('xxgk', { log: true });
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('xxgk.restartServer', () => queue(() => restart(context))),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The other xxgk.* settings reach the running server through the
      // language client's configuration sync; a new binary needs a restart.
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        void queue(() => restart(context));
      }
    }),
    { dispose: () => void stop() },
  );

  return queue(() => start(context));
}

export function deactivate(): Promise<void> {
  return stop();
}

function queue(task: () => Promise<void>): Promise<void> {
  pending = pending.then(task, task);
  return pending;
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await stop();
  await start(context);
}

async function stop(): Promise<void> {
  for (const w of [...clientWatchers, ...outsideWatchers]) {
    w.dispose();
  }
  clientWatchers = [];
  outsideWatchers = [];
  const running = client;
  client = undefined;
  if (running && running.state !== State.Stopped) {
    try {
      await running.stop(2000);
    } catch (e) {
      output?.warn(`停止语言服务器时出错：${String(e)}`);
    }
  }
  if (running) {
    await running.dispose().catch(() => undefined);
  }
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('server.path', 'xxgk').trim() || 'xxgk';
  const command = findExecutable(expandPath(configured));
  if (!command) {
    // Not awaited: activation must not wait for the user to close the message.
    reportMissingServer(configured, context);
    return;
  }
  output?.info(`启动语言服务器：${command} lsp`);

  const serverOptions: ServerOptions = {
    run: { command, args: ['lsp'] },
    debug: { command, args: ['lsp'] },
  };
  clientWatchers = [
    vscode.workspace.createFileSystemWatcher('**/xxgk.toml'),
    vscode.workspace.createFileSystemWatcher('**/*.toml'),
  ];
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'plaintext' },
      { scheme: 'file', language: 'markdown' },
      { scheme: 'untitled', language: 'plaintext' },
      { scheme: 'untitled', language: 'markdown' },
    ],
    initializationOptions: { [SECTION]: serverSettings() },
    synchronize: {
      configurationSection: SECTION,
      // xxgk.toml files and rule packs in the workspace; packs and
      // configuration files elsewhere are watched by `watchOutside`.
      fileEvents: clientWatchers,
    },
    middleware: {
      workspace: {
        // Send the normalised settings (absolute paths, no client-only keys)
        // instead of the raw `xxgk` section.
        didChangeConfiguration: async () => {
          watchOutside();
          await client?.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: serverSettings() },
          });
        },
      },
    },
    outputChannel: output,
    diagnosticCollectionName: 'xxgk',
  };

  const created = new LanguageClient(CLIENT_NAME, 'xxgk 语言服务器', serverOptions, clientOptions);
  client = created;
  try {
    await created.start();
    const info = created.initializeResult?.serverInfo;
    output?.info(`语言服务器已启动：${info?.name ?? 'xxgk'} ${info?.version ?? ''}`.trim());
  } catch (e) {
    if (client === created) {
      client = undefined;
      clientWatchers.forEach((w) => w.dispose());
      clientWatchers = [];
    }
    await created.dispose().catch(() => undefined);
    const message = String(e instanceof Error ? e.message : e);
    output?.error(`语言服务器启动失败：${message}`);
    void vscode.window
      .showErrorMessage(
        `xxgk：语言服务器“${command} lsp”启动失败：${message}。请确认这是 xxgk 程序、且版本支持 lsp 子命令（可在终端运行“${command} --version”查看）。`,
        '查看日志',
        '打开设置',
      )
      .then((choice) => {
        if (choice === '查看日志') {
          output?.show();
        } else if (choice === '打开设置') {
          void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
        }
      });
  }
}

function reportMissingServer(configured: string, context: vscode.ExtensionContext): void {
  const message =
    configured === 'xxgk'
      ? 'xxgk：找不到语言服务器程序 xxgk（在 PATH 和 ~/.cargo/bin 中都没有找到）。' +
        '请在 xxgk 仓库根目录运行“cargo install --path .”安装，或在设置“xxgk.server.path”中填写 xxgk 程序的完整路径，然后重启语言服务器。'
      : `xxgk：找不到设置“xxgk.server.path”指定的语言服务器程序“${configured}”，或它不可执行。` +
        '请检查路径，或在 xxgk 仓库根目录运行“cargo install --path .”安装后把该设置改回“xxgk”。';
  output?.error(message);
  void vscode.window.showErrorMessage(message, '打开设置', '重试').then((choice) => {
    if (choice === '打开设置') {
      void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
    } else if (choice === '重试') {
      void queue(() => restart(context));
    }
  });
}

/**
 * Watches the configured packs and configuration file when they lie outside
 * the workspace (the client's own watchers only see the workspace), and
 * forwards their changes to the server.
 */
function watchOutside(): void {
  outsideWatchers.forEach((w) => w.dispose());
  outsideWatchers = [];
  const settings = serverSettings();
  const dirs = new Set<string>();
  for (const p of [...settings.packs, ...(settings.config ? [settings.config] : [])]) {
    const dir = isDirectory(p) ? p : path.dirname(p);
    if (!vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir))) {
      dirs.add(dir);
    }
  }
  for (const dir of dirs) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '**/*.toml'));
    const forward = (type: FileChangeType) => (uri: vscode.Uri) => {
      void client?.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: uri.toString(), type }],
      });
    };
    watcher.onDidCreate(forward(FileChangeType.Created));
    watcher.onDidChange(forward(FileChangeType.Changed));
    watcher.onDidDelete(forward(FileChangeType.Deleted));
    outsideWatchers.push(watcher);
  }
}

/** The `xxgk` settings in the form the server reads, with absolute paths. */
function serverSettings(): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const packs = (cfg.get<unknown>('packs') ?? []) as unknown;
  const config = cfg.get<unknown>('config');
  const year = cfg.get<unknown>('year');
  const settings: ServerSettings = {
    packs: Array.isArray(packs)
      ? packs.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => resolvePath(p))
      : [],
    config: typeof config === 'string' && config.trim() !== '' ? resolvePath(config) : null,
    // The server wants a whole year (u16): anything else would void all settings.
    year: typeof year === 'number' && Number.isInteger(year) && year > 0 && year < 65536 ? year : null,
  };
  if (year !== null && year !== undefined && settings.year === null) {
    output?.warn(`设置 xxgk.year 的值 ${JSON.stringify(year)} 不是有效的年份，已忽略。`);
  }
  return settings;
}

/** `${workspaceFolder}`, `${userHome}` and `~` expanded; relative paths against the first workspace folder. */
function resolvePath(p: string): string {
  const expanded = expandPath(p.trim());
  if (path.isAbsolute(expanded)) {
    return path.normalize(expanded);
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
  return path.resolve(base, expanded);
}

function expandPath(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let out = p.replace(/\$\{userHome\}/g, os.homedir());
  if (folder) {
    out = out.replace(/\$\{workspaceFolder\}/g, folder);
  }
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
    out = path.join(os.homedir(), out.slice(1));
  }
  return out;
}

/** The absolute path of an executable: a path as given, or a bare name looked up in PATH then ~/.cargo/bin. */
function findExecutable(command: string): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const candidates = (base: string) => exts.map((e) => base + e);
  if (command.includes('/') || command.includes('\\')) {
    const abs = resolvePath(command);
    return candidates(abs).find(isExecutable);
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  const cargoHome = process.env.CARGO_HOME || path.join(os.homedir(), '.cargo');
  dirs.push(path.join(cargoHome, 'bin'));
  for (const dir of dirs) {
    const found = candidates(path.join(dir, command)).find(isExecutable);
    if (found) {
      return found;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
