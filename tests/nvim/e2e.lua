-- Headless end-to-end test of the xxgk language server in a real Neovim
-- (0.7.2 from Debian and 0.11 from PyPI), through editors/nvim/lua/xxgk.
--
-- On a temporary copy of tests/nvim/fixture-2013.txt (a 2013 township report
-- that lacks the fee and review sections and has "𠀀××" in a paragraph):
--   position encoding  0.9+ negotiates utf-8 (offered by the plugin), 0.7 utf-16
--   (a) the cn/sections-2007 finding for the missing fee section
--   (b) the cn/placeholder-cross range after the astral 𠀀: character 2 (utf-16)
--       or 4 (utf-8), byte columns 4-8 in Neovim
--   (d) hover on the finding is Markdown
--   (c) the quick fix 插入“四、政府信息公开的收费及减免情况” applied, written and
--       read back: inserted right before the old 四 (now 五); the fee finding is
--       gone and no other finding appeared or vanished
--   (e) the outline (documentSymbol) has the new and the renumbered section
--   (g) source.fixAll applies the one safe fix (布署 -> 部署) and nothing else
--   (j) incremental edits around the astral character keep exact columns
--   (f) :XxgkRestart starts a new server that reports the same findings
--   (i) a Markdown buffer in the same folder shares the client
--   (h) 0.11+: vim.lsp.enable('xxgk') with editors/nvim/lsp/xxgk.lua
--
-- Run (see tests/nvim/run.sh and tests/editor_nvim.rs):
--   XXGK_BIN=target/debug/xxgk nvim --headless -u NONE -i NONE -n \
--     --cmd 'set rtp+=editors/nvim' -c 'luafile tests/nvim/e2e.lua'
--
-- Environment:
--   XXGK_BIN            the server binary (started as `XXGK_BIN lsp`), or
--   XXGK_LSP_CMD        a whole server command line, split on spaces (development)
--   XXGK_NVIM_WORKDIR   directory for the temporary copy of the fixture (default: tempname())
--   XXGK_NVIM_TIMEOUT   watchdog in seconds (default 50)
--
-- Exit status: 0 = every check passed, 1 = a check failed, 2 = watchdog timeout.
-- Everything is logged to stderr (print() would go to the invisible message area).

local uv = vim.uv or vim.loop -- vim.loop is deprecated from 0.10
local t0 = uv.hrtime()

local function log(...)
  local parts = {}
  for _, v in ipairs({ ... }) do
    table.insert(parts, type(v) == 'string' and v or vim.inspect(v))
  end
  io.stderr:write(string.format('[%5d ms] %s\n', math.floor((uv.hrtime() - t0) / 1e6), table.concat(parts, ' ')))
end

-- Messages from the plugin (vim.notify) go to the log, not the invisible screen.
vim.notify = function(msg, level)
  log('notify[' .. tostring(level) .. ']: ' .. tostring(msg))
end

local finished = false
local function finish(code)
  if finished then
    return
  end
  finished = true
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  for _, c in pairs(get()) do
    vim.lsp.stop_client(c.id, true)
  end
  if code ~= 0 then
    -- the server's stderr and protocol errors end up in Neovim's LSP log
    local ok, path = pcall(vim.lsp.get_log_path)
    local f = ok and io.open(path, 'rb')
    if f then
      local lines = vim.split(f:read('*a'), '\n', { plain = true })
      f:close()
      log('--- last lines of ' .. path .. ' ---')
      io.stderr:write(table.concat(lines, '\n', math.max(1, #lines - 60)), '\n')
    end
  end
  log(code == 0 and 'PASS' or 'FAIL', '(exit ' .. code .. ')')
  io.stderr:flush()
  vim.cmd('cquit ' .. code) -- :cquit N exits with status N, also 0
end

-- A Lua error inside `luafile` does not exit headless Neovim: it would hang.
-- Hence xpcall below, explicit :cquit, and this watchdog.
local timeout_s = tonumber(os.getenv('XXGK_NVIM_TIMEOUT') or '') or 50
local watchdog = uv.new_timer()
watchdog:start(timeout_s * 1000, 0, vim.schedule_wrap(function()
  log('WATCHDOG: no result after ' .. timeout_s .. ' s')
  finish(2)
end))

local function check(cond, msg, detail)
  if not cond then
    error('ASSERTION FAILED: ' .. msg .. (detail and ('\n    ' .. detail) or ''), 2)
  end
  log('ok -', msg)
end

local function wait_for(ms, what, pred)
  local ok = vim.wait(ms, pred, 20)
  if not ok then
    error('TIMEOUT after ' .. ms .. ' ms waiting for ' .. what, 2)
  end
end

-- ---------------------------------------------------------------------------
-- Paths and server command
-- ---------------------------------------------------------------------------

local this_file = debug.getinfo(1, 'S').source:gsub('^@', '')
local here = vim.fn.fnamemodify(this_file, ':p:h')
local repo = vim.fn.fnamemodify(here, ':h:h')
local FIXTURE = here .. '/fixture-2013.txt'

-- Make the plugin loadable even without --cmd 'set rtp+=editors/nvim'.
if not pcall(require, 'xxgk') then
  vim.opt.runtimepath:append(repo .. '/editors/nvim')
end

local function server_cmd()
  local line = os.getenv('XXGK_LSP_CMD')
  if line and line ~= '' then
    return vim.split(line, ' ', { trimempty = true })
  end
  local bin = os.getenv('XXGK_BIN')
  if not bin or bin == '' then
    local guess = repo .. '/target/debug/xxgk'
    if vim.fn.executable(guess) == 1 then
      bin = guess
    end
  end
  assert(bin, 'set XXGK_BIN to the xxgk binary (or XXGK_LSP_CMD to a server command)')
  return { bin, 'lsp' }
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, s)
  local f = assert(io.open(path, 'wb'))
  f:write(s)
  f:close()
end

-- ---------------------------------------------------------------------------
-- Raw diagnostics as the server sent them (LSP positions, before Neovim
-- converts them to byte columns): pushed (publishDiagnostics, 0.7) or pulled
-- (textDocument/diagnostic, 0.10+ when the server offers diagnosticProvider).
-- ---------------------------------------------------------------------------

local raw = {} -- bufnr -> { items = {...}, version = n|nil, seq = n, how = 'push'|'pull' }

local function record(bufnr, items, version, how)
  local st = raw[bufnr] or { seq = 0 }
  st.items, st.version, st.seq, st.how = items, version, st.seq + 1, how
  raw[bufnr] = st
  log(string.format('%s diagnostics #%d: version=%s, %d item(s)', how, st.seq, tostring(version), #items))
end

local push_handler = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    record(vim.uri_to_bufnr(result.uri), result.diagnostics or {}, result.version, 'push')
  end
  return push_handler(err, result, ctx, config)
end

local pull_handler = vim.lsp.handlers['textDocument/diagnostic']
if pull_handler then
  vim.lsp.handlers['textDocument/diagnostic'] = function(err, result, ctx, config)
    if err then
      log('pull diagnostics error:', err)
    elseif result and result.kind == 'full' then
      record(ctx.bufnr, result.items or {}, ctx.version, 'pull')
    end
    return pull_handler(err, result, ctx, config)
  end
end

-- ---------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------

local function request(bufnr, client_id, method, params)
  local resp = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  local r = resp and resp[client_id]
  if not r then
    error(method .. ': no response from the server within 10 s', 2)
  end
  local err = r.err or r.error
  if err then
    error(method .. ' returned an error: ' .. vim.inspect(err), 2)
  end
  return r.result
end

local function key(d)
  local code = type(d.code) == 'table' and vim.inspect(d.code) or tostring(d.code)
  return code .. ' ' .. d.message
end

local function key_set(items)
  local s = {}
  for _, d in ipairs(items) do
    s[key(d)] = true
  end
  return s
end

local function sorted_keys(t)
  local out = vim.tbl_keys(t)
  table.sort(out)
  return out
end

local function find_line(bufnr, text)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l == text then
      return i - 1
    end
  end
  return nil
end

local NUMERALS = { '一', '二', '三', '四', '五', '六', '七', '八', '九', '十' }
local function is_heading(line)
  for _, n in ipairs(NUMERALS) do
    if line:sub(1, #n + #'、') == n .. '、' then
      return true
    end
  end
  return false
end

local function current_version(bufnr)
  return vim.lsp.util.buf_versions[bufnr]
end

--- Wait until the server has reported diagnostics for the buffer's current version.
local function wait_fresh(bufnr, what)
  local ok = vim.wait(15000, function()
    local st = raw[bufnr]
    return st ~= nil and st.version ~= nil and st.version == current_version(bufnr)
  end, 20)
  if not ok then
    local st = raw[bufnr] or {}
    error(string.format('TIMEOUT waiting for %s: buffer version is %s, last diagnostics were for version %s (%s)',
      what, tostring(current_version(bufnr)), tostring(st.version), tostring(st.how)), 2)
  end
end

local function flatten_symbols(symbols, out)
  out = out or {}
  for _, s in ipairs(symbols or {}) do
    local range = s.range or (s.location and s.location.range)
    table.insert(out, { name = s.name, line = range and range.start.line or -1 })
    flatten_symbols(s.children, out)
  end
  return out
end

-- ---------------------------------------------------------------------------
-- The test
-- ---------------------------------------------------------------------------

local FEE_MESSAGE = '缺少条例第三十二条要求报告的内容：“政府信息公开的收费及减免情况”'
local FEE_FIX = '插入“四、政府信息公开的收费及减免情况”'
local ASTRAL_LINE_PREFIX = '𠀀××'

local function main()
  log('Neovim ' .. tostring(vim.version and vim.version() and
    (vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) or '?'))

  -- 1. temporary copy of the fixture
  local dir = os.getenv('XXGK_NVIM_WORKDIR')
  if not dir or dir == '' then
    dir = vim.fn.tempname()
  end
  vim.fn.mkdir(dir, 'p')
  local file = dir .. '/report-2013.txt'
  write_file(file, read_file(FIXTURE))
  log('fixture copy:', file)

  -- 2. the plugin, as a user would set it up
  vim.cmd('filetype on') -- -u NONE leaves filetype detection off
  local server_encoding
  local server_exit
  local xxgk = require('xxgk')
  local cmd = server_cmd()
  log('server command:', cmd)
  xxgk.setup({
    cmd = cmd,
    flags = { debounce_text_changes = 0 }, -- deterministic didChange timing
    on_exit = function(code, signal)
      server_exit = string.format('exit code %s, signal %s', tostring(code), tostring(signal))
      log('server process ended:', server_exit)
    end,
    on_init = function(_, result)
      server_encoding = result.capabilities.positionEncoding
      log('initialized; server positionEncoding =', tostring(server_encoding),
        'diagnosticProvider =', result.capabilities.diagnosticProvider ~= nil)
    end,
  })
  check(vim.fn.exists(':XxgkRestart') == 2, ':XxgkRestart command exists')

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'text', 'the report opens with filetype=text', vim.bo[bufnr].filetype)

  wait_for(10000, 'the xxgk client to attach (FileType autocmd) and initialize', function()
    if server_exit then
      error('the server (' .. table.concat(cmd, ' ') .. ') ended before initializing: ' .. server_exit)
    end
    return xxgk.clients(bufnr)[1] ~= nil and server_encoding ~= nil
  end)
  local client = xxgk.clients(bufnr)[1]
  check(client ~= nil, 'xxgk client attached to the buffer')

  -- 3. position encoding: 0.9+ offers utf-8 (the plugin), 0.7/0.8 offer nothing -> utf-16
  local enc = client.offset_encoding
  log('client.offset_encoding =', enc)
  local expect_enc = (vim.fn.has('nvim-0.9') == 1) and 'utf-8' or 'utf-16'
  check(enc == expect_enc, 'negotiated position encoding is ' .. expect_enc, 'client says ' .. tostring(enc))
  check((server_encoding or 'utf-16') == enc, 'server and client agree on the position encoding',
    'server said ' .. tostring(server_encoding))

  -- 4. initial diagnostics
  wait_fresh(bufnr, 'diagnostics for the opened document')
  local before = raw[bufnr].items
  check(#before > 0 and #vim.diagnostic.get(bufnr) == #before,
    'findings arrived and Neovim shows them all (' .. #before .. ')')
  for _, d in ipairs(before) do
    log(string.format('  finding %d:%d-%d:%d %s %s', d.range.start.line, d.range.start.character,
      d.range['end'].line, d.range['end'].character, tostring(d.code), d.message))
  end
  local bad_source = {}
  for _, d in ipairs(before) do
    if d.source ~= 'xxgk' then
      table.insert(bad_source, tostring(d.code) .. ': ' .. tostring(d.source))
    end
  end
  check(#bad_source == 0, 'every finding has source "xxgk"', table.concat(bad_source, ', '))

  -- (a) the missing fee section
  local fee
  for _, d in ipairs(before) do
    if d.code == 'cn/sections-2007' and d.message == FEE_MESSAGE then
      fee = d
    end
  end
  check(fee ~= nil, '(a) cn/sections-2007 “' .. FEE_MESSAGE .. '” is reported',
    'findings: ' .. table.concat(sorted_keys(key_set(before)), ' | '))
  local old_four = find_line(bufnr, '四、存在的主要问题及改进措施')
  check(fee.range.start.line == old_four, '(a) it points at the heading “四、存在的主要问题及改进措施” (line '
    .. tostring(old_four) .. ')', 'range ' .. vim.inspect(fee.range))
  local shown = false
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.message == FEE_MESSAGE and d.lnum == old_four then
      shown = true
    end
  end
  check(shown, '(a) Neovim shows it in vim.diagnostic')

  -- (b) exact columns after an astral character
  local astral_line
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if l:sub(1, #ASTRAL_LINE_PREFIX) == ASTRAL_LINE_PREFIX then
      astral_line = i - 1
    end
  end
  check(astral_line ~= nil, 'fixture has a line starting with ' .. ASTRAL_LINE_PREFIX)
  local cross
  for _, d in ipairs(before) do
    if d.code == 'cn/placeholder-cross' and d.range.start.line == astral_line then
      cross = d
    end
  end
  check(cross ~= nil, '(b) cn/placeholder-cross reported on line ' .. astral_line)
  -- 𠀀 (U+20000) = 2 UTF-16 units = 4 UTF-8 bytes = 1 code point; × = 1 unit = 2 bytes
  local units = { ['utf-16'] = { 2, 4 }, ['utf-8'] = { 4, 8 }, ['utf-32'] = { 1, 3 } }
  local want = units[enc]
  check(cross.range.start.character == want[1], '(b) placeholder starts at character ' .. want[1] .. ' (' .. enc .. ')',
    'got ' .. cross.range.start.character)
  check(cross.range['end'].character == want[2], '(b) placeholder ends at character ' .. want[2] .. ' (' .. enc .. ')',
    'got ' .. cross.range['end'].character)
  local vd
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == astral_line and d.message:find('××', 1, true) then
      vd = d
    end
  end
  check(vd ~= nil and vd.col == 4 and vd.end_col == 8,
    '(b) Neovim places it at byte columns 4-8', vd and (vd.col .. '-' .. vd.end_col))
  local text = vim.api.nvim_buf_get_lines(bufnr, astral_line, astral_line + 1, false)[1]
  check(text:sub(vd.col + 1, vd.end_col) == '××', '(b) the highlighted text is “××”')

  -- (d) hover on the finding
  if client.server_capabilities.hoverProvider then
    local hover = request(bufnr, client.id, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = fee.range.start,
    })
    local contents = hover and hover.contents
    check(type(contents) == 'table' and contents.kind == 'markdown' and type(contents.value) == 'string'
      and contents.value ~= '', '(d) hover on the finding gives Markdown', vim.inspect(hover))
    log('  hover: ' .. contents.value:gsub('\n', ' ¶ '):sub(1, 300))
  else
    check(false, '(d) server offers hoverProvider')
  end

  -- (c) quick fix: insert the fee section
  local overlapping = {}
  for _, d in ipairs(before) do
    if d.range.start.line <= fee.range['end'].line and d.range['end'].line >= fee.range.start.line then
      table.insert(overlapping, d)
    end
  end
  local actions = request(bufnr, client.id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = fee.range,
    context = { diagnostics = overlapping },
  })
  check(type(actions) == 'table' and #actions > 0, '(c) code actions at the finding')
  local titles = {}
  local action
  for _, a in ipairs(actions) do
    table.insert(titles, tostring(a.kind) .. ': ' .. a.title)
    if a.title == FEE_FIX then
      action = a
    end
  end
  log('  actions: ' .. table.concat(titles, ' | '))
  check(action ~= nil, '(c) a code action titled ' .. FEE_FIX, table.concat(titles, ' | '))
  check(action.kind == 'quickfix', '(c) it is a quickfix', tostring(action.kind))
  if action.edit == nil and client.server_capabilities.codeActionProvider
    and type(client.server_capabilities.codeActionProvider) == 'table'
    and client.server_capabilities.codeActionProvider.resolveProvider then
    action = request(bufnr, client.id, 'codeAction/resolve', action)
  end
  check(action.edit ~= nil, '(c) the quick fix carries a WorkspaceEdit', vim.inspect(action))

  vim.lsp.util.apply_workspace_edit(action.edit, enc)
  vim.cmd('silent write')
  local content = read_file(file)
  local lines = vim.split(content, '\n', { plain = true })
  local i_fee, i_five, i_old_four
  for i, l in ipairs(lines) do
    if l == '四、政府信息公开的收费及减免情况' then
      i_fee = i
    elseif l == '五、存在的主要问题及改进措施' then
      i_five = i
    elseif l == '四、存在的主要问题及改进措施' then
      i_old_four = i
    end
  end
  check(i_fee ~= nil, '(c) the file on disk has the heading “四、政府信息公开的收费及减免情况”', content)
  check(i_five ~= nil and i_old_four == nil, '(c) the old 四 heading is renumbered “五、存在的主要问题及改进措施”', content)
  local between = {}
  for i = i_fee + 1, i_five - 1 do
    if is_heading(lines[i]) then
      table.insert(between, lines[i])
    end
  end
  check(i_fee < i_five and #between == 0, '(c) the inserted heading stands right before the old 四 (now 五)',
    'headings in between: ' .. table.concat(between, ', '))
  local prev
  for i = i_fee - 1, 1, -1 do
    if is_heading(lines[i]) then
      prev = lines[i]
      break
    end
  end
  check(prev == '三、依申请公开政府信息的情况', '(c) and right after “三、依申请公开政府信息的情况”', tostring(prev))
  check(content:find('\n𠀀××是', 1, true) ~= nil, '(c) the line with the astral character is intact on disk')

  -- findings after the fix: the fee finding is gone, nothing new appeared
  wait_fresh(bufnr, 'diagnostics for the edited document')
  local after = raw[bufnr].items
  local want_set = key_set(before)
  want_set[key(fee)] = nil
  local got_set = key_set(after)
  local new, missing = {}, {}
  for k in pairs(got_set) do
    if not want_set[k] then
      table.insert(new, k)
    end
  end
  for k in pairs(want_set) do
    if not got_set[k] then
      table.insert(missing, k)
    end
  end
  check(not got_set[key(fee)], '(c) the fee finding is gone after the fix')
  check(#new == 0, '(c) no new finding appeared because of the insertion', table.concat(new, ' | '))
  check(#missing == 0, '(c) the other findings are still reported', table.concat(missing, ' | '))

  -- (e) document outline
  if client.server_capabilities.documentSymbolProvider then
    local symbols = flatten_symbols(request(bufnr, client.id, 'textDocument/documentSymbol', {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    }))
    local names = {}
    local l_fee, l_five
    for _, s in ipairs(symbols) do
      table.insert(names, s.line .. ':' .. s.name)
      if s.name:find('政府信息公开的收费及减免情况', 1, true) then
        l_fee = s.line
      elseif s.name:find('存在的主要问题及改进措施', 1, true) then
        l_five = s.line
      end
    end
    log('  outline: ' .. table.concat(names, ' | '))
    check(l_fee == i_fee - 1 and l_five == i_five - 1,
      '(e) the outline lists the inserted section and the renumbered one at their lines',
      table.concat(names, ' | '))
  else
    check(false, '(e) server offers documentSymbolProvider')
  end

  -- (g) source.fixAll: the one safe fix in the fixture (布署 -> 部署), and nothing else
  local typo = '疑似错别字：“布署”应为“部署”'
  local typo_seen = false
  for k in pairs(got_set) do
    if k:find(typo, 1, true) then
      typo_seen = true
    end
  end
  check(typo_seen, '(g) the fixture\'s safe-fixable typo is reported', table.concat(sorted_keys(got_set), ' | '))
  local zero = { line = 0, character = 0 }
  local fix_all = request(bufnr, client.id, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = zero, ['end'] = zero },
    context = { diagnostics = {}, only = { 'source.fixAll' } },
  }) or {}
  local fa_titles = {}
  for _, a in ipairs(fix_all) do
    table.insert(fa_titles, tostring(a.kind) .. ': ' .. a.title)
  end
  log('  fix-all actions: ' .. table.concat(fa_titles, ' | '))
  check(#fix_all == 1 and fix_all[1].kind == 'source.fixAll.xxgk' and fix_all[1].edit ~= nil,
    '(g) exactly one source.fixAll.xxgk action (with an edit) for only = {"source.fixAll"}',
    vim.inspect(fix_all))
  vim.lsp.util.apply_workspace_edit(fix_all[1].edit, enc)
  local all_text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
  check(all_text:find('认真部署政府信息公开工作', 1, true) ~= nil and all_text:find('布署', 1, true) == nil,
    '(g) fix-all corrected 布署 to 部署 in the buffer')
  check(all_text:find('𠀀××是', 1, true) ~= nil and all_text:find('四、政府信息公开的收费及减免情况', 1, true) ~= nil,
    '(g) fix-all left the unsafe findings\' text alone')
  wait_fresh(bufnr, 'diagnostics after fix-all')
  local after_all = key_set(raw[bufnr].items)
  local expect_all = vim.deepcopy(got_set)
  for k in pairs(expect_all) do
    if k:find(typo, 1, true) then
      expect_all[k] = nil
    end
  end
  check(vim.deep_equal(after_all, expect_all), '(g) after fix-all only the typo finding is gone',
    'got: ' .. table.concat(sorted_keys(after_all), ' | '))
  vim.cmd('silent write')
  got_set = after_all

  -- (j) incremental edits on the line with the astral character: Neovim sends
  -- ranges in the negotiated encoding, and the server must apply them exactly
  local function placeholder_start(what)
    wait_fresh(bufnr, 'diagnostics after ' .. what)
    for _, d in ipairs(raw[bufnr].items) do
      if d.code == 'cn/placeholder-cross' then
        return d.range.start.line, d.range.start.character
      end
    end
    return nil
  end
  local per_enc = function(u16, u8, u32)
    return ({ ['utf-16'] = u16, ['utf-8'] = u8, ['utf-32'] = u32 })[enc]
  end
  local edits = {
    -- { what, start_col, end_col (bytes), replacement, expected start in utf-16/utf-8/utf-32 }
    { 'typing 新 between 𠀀 and ××', 4, 4, '新', per_enc(3, 7, 2) },
    { 'typing 𠀁 (U+20001) at the start of the line', 0, 0, '𠀁', per_enc(5, 11, 3) },
    { 'replacing 𠀁𠀀新 by 𠀀 (back to the original)', 0, 4 + 4 + 3, '𠀀', per_enc(2, 4, 1) },
  }
  for _, e in ipairs(edits) do
    vim.api.nvim_buf_set_text(bufnr, astral_line, e[2], astral_line, e[3], { e[4] })
    local line, char = placeholder_start(e[1])
    check(line == astral_line and char == e[5], '(j) after ' .. e[1] .. ', ×× starts at character ' .. e[5],
      'got line ' .. tostring(line) .. ' character ' .. tostring(char))
  end
  check(vim.deep_equal(key_set(raw[bufnr].items), got_set), '(j) and the findings are the same as before the edits')

  -- (f) :XxgkRestart: a new server process serves the buffer again
  local old_id = client.id
  local seq = raw[bufnr].seq
  vim.cmd('XxgkRestart')
  wait_for(15000, 'a new xxgk client after :XxgkRestart', function()
    local c = xxgk.clients(bufnr)[1]
    return c ~= nil and c.id ~= old_id
  end)
  wait_for(15000, 'diagnostics from the restarted server', function()
    return raw[bufnr].seq > seq
  end)
  local again = key_set(raw[bufnr].items)
  check(vim.deep_equal(again, got_set), '(f) after :XxgkRestart the same findings come back',
    table.concat(sorted_keys(again), ' | '))

  -- (i) a Markdown buffer in the same folder is served by the same client
  local md_file = dir .. '/report-2013.md'
  write_file(md_file, read_file(FIXTURE))
  vim.cmd('edit ' .. vim.fn.fnameescape(md_file))
  local md = vim.api.nvim_get_current_buf()
  check(vim.bo[md].filetype == 'markdown', '(i) the .md copy opens with filetype=markdown', vim.bo[md].filetype)
  wait_for(15000, 'diagnostics for the Markdown buffer', function()
    return raw[md] ~= nil and #raw[md].items > 0
  end)
  local md_clients = xxgk.clients(md)
  local txt_clients = xxgk.clients(bufnr)
  check(#md_clients == 1 and #txt_clients == 1 and md_clients[1].id == txt_clients[1].id,
    '(i) one xxgk client (same root) serves both the .txt and the .md buffer')

  -- (h) Neovim 0.11+: the native configuration editors/nvim/lsp/xxgk.lua
  if vim.fn.has('nvim-0.11') == 1 then
    vim.cmd('autocmd! xxgk_lsp') -- the plugin's own FileType autocmd, so only vim.lsp.enable starts clients
    local get = vim.lsp.get_clients or vim.lsp.get_active_clients
    for _, c in pairs(get()) do
      vim.lsp.stop_client(c.id)
    end
    wait_for(10000, 'the plugin\'s clients to exit', function()
      return #get() == 0
    end)
    vim.lsp.config('xxgk', { cmd = cmd })
    local resolved = vim.lsp.config.xxgk
    check(resolved and vim.deep_equal(resolved.filetypes, { 'text', 'markdown' })
      and vim.deep_equal(resolved.root_markers, { 'xxgk.toml', '.git' }),
      '(h) vim.lsp.config.xxgk comes from editors/nvim/lsp/xxgk.lua on the runtimepath', vim.inspect(resolved))
    local native_file = dir .. '/native-2013.txt'
    write_file(native_file, read_file(FIXTURE))
    vim.lsp.enable('xxgk')
    vim.cmd('edit ' .. vim.fn.fnameescape(native_file))
    local b2 = vim.api.nvim_get_current_buf()
    wait_for(15000, 'diagnostics through vim.lsp.enable(\'xxgk\')', function()
      return raw[b2] ~= nil and #raw[b2].items > 0
    end)
    local c2 = vim.lsp.get_clients({ bufnr = b2, name = 'xxgk' })[1]
    check(c2 ~= nil and c2.offset_encoding == 'utf-8', '(h) vim.lsp.enable(\'xxgk\') attaches and negotiates utf-8',
      c2 and c2.offset_encoding)
    local seen
    for _, d in ipairs(raw[b2].items) do
      if d.code == 'cn/placeholder-cross' then
        seen = d.range.start.character
      end
    end
    check(seen == 4, '(h) the placeholder starts at byte 4 there too', tostring(seen))
  end
end

local ok, err = xpcall(main, debug.traceback)
if ok then
  finish(0)
else
  log(err)
  finish(1)
end
