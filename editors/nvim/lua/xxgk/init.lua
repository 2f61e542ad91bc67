-- xxgk: Neovim client for the `xxgk lsp` language server (政府信息公开工作年度报告合规检查).
--
-- Works on Neovim 0.7 and later:
--   * 0.7:   vim.lsp.start_client + vim.lsp.buf_attach_client, one client per root;
--   * 0.8+:  vim.lsp.start (which reuses a running client with the same name and root).
--
-- Usage (init.lua):
--   require('xxgk').setup({})                      -- all defaults
--   require('xxgk').setup({ cmd = { '/path/to/xxgk', 'lsp' } })
--
-- Options (all optional):
--   cmd            = { 'xxgk', 'lsp' }             server command
--   cmd_env        = nil                           extra environment for the server
--   filetypes      = { 'text', 'markdown' }        buffers to attach to
--   root_markers   = { 'xxgk.toml', '.git' }       files/dirs marking the project root
--   settings       = {}                            e.g. { xxgk = { year = 2013, packs = { 'rules/' },
--                                                  config = 'xxgk.toml' } }; sent as
--                                                  initializationOptions and didChangeConfiguration
--   init_options   = nil                           initializationOptions (default: settings)
--   capabilities   = nil                           client capabilities (default: Neovim's own)
--   position_encodings = { 'utf-8', 'utf-16' }     offered on Neovim >= 0.9 (0.7/0.8 ignore the
--                                                  server's choice and always use UTF-16)
--   on_attach      = nil                           function(client, bufnr)
--   on_init        = nil                           function(client, initialize_result)
--   handlers       = nil                           per-client LSP handlers
--   flags          = nil                           e.g. { debounce_text_changes = 150 }
--   name           = 'xxgk'                        client name
--   autostart      = true                          attach automatically on FileType

local M = {}

local uv = vim.uv or vim.loop -- vim.loop is deprecated from 0.10

local defaults = {
  name = 'xxgk',
  cmd = { 'xxgk', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { 'xxgk.toml', '.git' },
  settings = {},
  position_encodings = { 'utf-8', 'utf-16' },
  autostart = true,
}

M.config = nil

local AUGROUP = 'xxgk_lsp'

local function has(feature)
  return vim.fn.has(feature) == 1
end

local function notify(msg, level)
  vim.notify('[xxgk] ' .. msg, level or vim.log.levels.INFO)
end

--- All running LSP clients (0.10+: vim.lsp.get_clients; 0.7-0.9: get_active_clients).
local function all_clients()
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get()
end

--- Running xxgk clients (optionally only those attached to `bufnr`).
function M.clients(bufnr)
  local out = {}
  local name = (M.config and M.config.name) or defaults.name
  for _, c in pairs(all_clients()) do
    if c.name == name and (bufnr == nil or (c.attached_buffers and c.attached_buffers[bufnr])) then
      table.insert(out, c)
    end
  end
  return out
end

local function is_stopped(client)
  -- 0.7: client.is_stopped() is a closure; 0.11: client:is_stopped() is a method.
  -- The colon form works for both (the extra argument is ignored by the closure).
  return client == nil or client:is_stopped()
end

local function dirname(path)
  return vim.fn.fnamemodify(path, ':h')
end

--- Project root of `path`: the nearest ancestor directory holding one of the
--- root markers, else the file's own directory. (No vim.fs on 0.7.)
function M.find_root(path, markers)
  markers = markers or (M.config and M.config.root_markers) or defaults.root_markers
  local dir = dirname(vim.fn.fnamemodify(path, ':p'))
  local start = dir
  while dir and dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir
      end
    end
    local parent = dirname(dir)
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

local function make_capabilities(cfg)
  local caps = cfg.capabilities or vim.lsp.protocol.make_client_capabilities()
  caps = vim.deepcopy(caps)
  -- Neovim 0.7 and 0.8 ignore the server's `positionEncoding` answer and always
  -- use UTF-16 (config.offset_encoding), so offering UTF-8 there would make the
  -- server and the editor disagree about columns. 0.9+ honours the answer.
  if has('nvim-0.9') and cfg.position_encodings and #cfg.position_encodings > 0 then
    caps.general = caps.general or {}
    caps.general.positionEncodings = vim.deepcopy(cfg.position_encodings)
  end
  return caps
end

--- The client configuration for a buffer (a table for vim.lsp.start/start_client).
function M.client_config(bufnr)
  local cfg = M.config or vim.tbl_deep_extend('force', {}, defaults)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  local root = M.find_root(fname ~= '' and fname or (vim.fn.getcwd() .. '/x'), cfg.root_markers)
  return {
    name = cfg.name,
    cmd = cfg.cmd,
    cmd_env = cfg.cmd_env,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    },
    capabilities = make_capabilities(cfg),
    settings = cfg.settings or {},
    -- The server reads the same settings from initializationOptions, so the
    -- first check already uses them (didChangeConfiguration follows anyway).
    init_options = cfg.init_options or cfg.settings,
    handlers = cfg.handlers,
    flags = cfg.flags,
    on_init = cfg.on_init,
    on_attach = cfg.on_attach,
    on_exit = cfg.on_exit,
  }
end

local function buffer_wanted(bufnr)
  local cfg = M.config
  if not cfg or not vim.api.nvim_buf_is_valid(bufnr) then
    return false
  end
  if vim.bo[bufnr].buftype ~= '' then
    return false -- help, terminal, quickfix, prompt ...
  end
  return vim.tbl_contains(cfg.filetypes, vim.bo[bufnr].filetype)
end

-- 0.7 only: root_dir -> client id
local clients_by_root = {}

--- Start (or reuse) the server for `bufnr` and attach it. Returns the client id.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not M.config then
    M.setup({})
  end
  local config = M.client_config(bufnr)

  if vim.fn.executable(config.cmd[1]) ~= 1 then
    notify('找不到语言服务器程序“' .. tostring(config.cmd[1]) .. '”，请安装 xxgk 或在 setup({ cmd = ... }) 中写明路径',
      vim.log.levels.ERROR)
    return nil
  end

  if vim.lsp.start then
    -- Neovim 0.8+: reuses a running client with the same name and root_dir.
    return vim.lsp.start(config, { bufnr = bufnr })
  end

  -- Neovim 0.7
  local id = clients_by_root[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if is_stopped(client) then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Restart every xxgk client and re-attach the buffers they served.
--- `callback(ids)` (optional) is called with the new client ids once done.
function M.restart(callback)
  local buffers = {}
  local old = M.clients()
  for _, c in ipairs(old) do
    for b, attached in pairs(c.attached_buffers or {}) do
      if attached and vim.api.nvim_buf_is_valid(b) then
        buffers[b] = true
      end
    end
  end
  if next(buffers) == nil and buffer_wanted(vim.api.nvim_get_current_buf()) then
    buffers[vim.api.nvim_get_current_buf()] = true
  end
  for _, c in ipairs(old) do
    vim.lsp.stop_client(c.id)
  end

  local function start_again()
    clients_by_root = {}
    local ids = {}
    for b in pairs(buffers) do
      if vim.api.nvim_buf_is_valid(b) then
        local id = M.attach(b)
        if id then
          ids[id] = true
        end
      end
    end
    local list = vim.tbl_keys(ids)
    notify('已重启语言服务器（' .. #list .. ' 个）')
    if callback then
      callback(list)
    end
  end

  -- Wait until the old clients have exited (vim.lsp.start would otherwise
  -- reuse a client that is shutting down); force-stop after 3 s.
  local waited = 0
  local timer = uv.new_timer()
  timer:start(0, 50, vim.schedule_wrap(function()
    -- A client disappears from get_client_by_id once its process has exited
    -- (is_stopped() turns true as soon as the shutdown starts).
    local running = false
    for _, c in ipairs(old) do
      if vim.lsp.get_client_by_id(c.id) ~= nil then
        running = true
      end
    end
    waited = waited + 50
    if running and waited == 3000 then
      for _, c in ipairs(old) do
        vim.lsp.stop_client(c.id, true)
      end
    end
    if not running or waited >= 5000 then
      if not timer:is_closing() then
        timer:stop()
        timer:close()
        start_again()
      end
    end
  end))
end

--- setup(opts): remember the options, create the FileType autocmd and the
--- :XxgkRestart command, and attach to already-open matching buffers.
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  -- Lists are replaced, not merged index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers', 'position_encodings' }) do
    if opts[key] ~= nil then
      M.config[key] = opts[key]
    end
  end
  if type(M.config.cmd) == 'string' then
    M.config.cmd = { M.config.cmd }
  end

  vim.cmd('augroup ' .. AUGROUP .. ' | autocmd! | augroup END')
  if M.config.autostart then
    vim.cmd(string.format(
      'autocmd %s FileType %s lua require("xxgk")._on_filetype(tonumber(vim.fn.expand("<abuf>")))',
      AUGROUP,
      table.concat(M.config.filetypes, ',')
    ))
  end

  vim.cmd('command! XxgkRestart lua require("xxgk").restart()')

  if M.config.autostart then
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and buffer_wanted(b) then
        M.attach(b)
      end
    end
  end
  return M
end

function M._on_filetype(bufnr)
  if buffer_wanted(bufnr) then
    M.attach(bufnr)
  end
end

return M
