-- Neovim 0.11+ native configuration for the xxgk language server.
-- With editors/nvim on the runtimepath:
--   vim.lsp.enable('xxgk')
-- and, to change something:
--   vim.lsp.config('xxgk', { cmd = { '/path/to/xxgk', 'lsp' } })
-- (Use either this or require('xxgk').setup(), not both: each starts a client.)
return {
  cmd = { 'xxgk', 'lsp' },
  filetypes = { 'text', 'markdown' },
  root_markers = { 'xxgk.toml', '.git' },
  capabilities = {
    general = { positionEncodings = { 'utf-8', 'utf-16' } },
  },
  settings = {},
}
