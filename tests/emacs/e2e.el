;;; e2e.el --- xxgk lsp in a real, headless Emacs (eglot)  -*- lexical-binding: t -*-
;; Run by tests/editor_emacs.rs:
;;   XXGK_BIN=target/debug/xxgk TEST_FILE=/tmp/x/report.txt emacs --batch -l tests/emacs/e2e.el
;; Opens a 2013 report that lacks the fee section and has "𠀀××" in a
;; paragraph, waits for the diagnostics, checks the placeholder's exact range
;; after the astral character (eglot talks UTF-16), applies the quick fix that
;; inserts the fee section, saves, and checks the file and the new findings.
;; Exit 0 = pass, 1 = fail.
(setq debug-on-error nil)
(prefer-coding-system 'utf-8)
(setq coding-system-for-read 'utf-8 coding-system-for-write 'utf-8)
;; Debian's dh-elpa installs eglot into /usr/share/emacs/site-lisp/elpa.
(require 'package)
(package-initialize)
(require 'eglot)
(require 'flymake)

(defconst fee-heading "四、政府信息公开的收费及减免情况")
(defconst fee-fix (concat "插入“" fee-heading "”"))

(defvar t0 (float-time))
(defun log! (fmt &rest args)
  (princ (format "[%5d ms] %s\n" (round (* 1000 (- (float-time) t0))) (apply #'format fmt args))
         #'external-debugging-output))
(defun check (ok what) (unless ok (error "FAILED: %s" what)) (log! "ok - %s" what))
(defun wait-until (pred timeout)
  (let ((deadline (+ (float-time) timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    (funcall pred)))

(defun diagnostic-texts ()
  (mapcar #'flymake-diagnostic-text eglot--diagnostics))

(defun main ()
  (let* ((file (or (getenv "TEST_FILE") (error "TEST_FILE not set")))
         (bin (or (getenv "XXGK_BIN") (error "XXGK_BIN not set")))
         (dir (file-name-directory (expand-file-name file))))
    ;; No version control in the temporary folder: name the project root.
    (add-hook 'project-find-functions (lambda (_d) (cons 'transient dir)))
    (setq eglot-server-programs `((text-mode . (,bin "lsp"))))
    (setq eglot-events-buffer-size 0
          eglot-sync-connect 20)
    (find-file file)
    (text-mode)
    ;; `eglot-ensure' waits for `post-command-hook', which --batch never runs.
    (apply #'eglot--connect (eglot--guess-contact))
    (check (eglot-current-server) "eglot connected to xxgk lsp")
    (check (wait-until (lambda () eglot--diagnostics) 20) "diagnostics received")
    (flymake-start)
    (check (wait-until (lambda () (flymake-diagnostics)) 20) "flymake shows them")
    (check (seq-some (lambda (m) (string-match-p "收费及减免" m)) (diagnostic-texts))
           "the missing fee section is reported")
    ;; The placeholder after 𠀀 (two UTF-16 units): exactly "××".
    (let ((cross (seq-find (lambda (d)
                             (equal (buffer-substring-no-properties
                                     (flymake-diagnostic-beg d) (flymake-diagnostic-end d))
                                    "××"))
                           (flymake-diagnostics))))
      (check cross "a diagnostic covers exactly “××”")
      (save-excursion
        (goto-char (flymake-diagnostic-beg cross))
        (check (equal (buffer-substring-no-properties (line-beginning-position) (point)) "𠀀")
               "it starts right after 𠀀 on its line")))
    ;; The quick fix, as the code-action menu would list it for the whole text.
    (let* ((server (eglot--current-server-or-lose))
           (last-line (1- (count-lines (point-min) (point-max))))
           (actions (jsonrpc-request server :textDocument/codeAction
                                     (list :textDocument (eglot--TextDocumentIdentifier)
                                           :range (list :start (list :line 0 :character 0)
                                                        :end (list :line last-line :character 0))
                                           :context (list :diagnostics [] :only ["quickfix"]))))
           (fix (seq-find (lambda (a) (equal (plist-get a :title) fee-fix)) actions)))
      (check fix (concat "a quick fix titled " fee-fix))
      (eglot--apply-workspace-edit (plist-get fix :edit)))
    (setq eglot--diagnostics nil)
    (save-buffer) ; didSave; eglot sends the pending didChange first
    (let ((content (with-temp-buffer (insert-file-contents file) (buffer-string))))
      (check (string-match-p (concat "\n" fee-heading "\n") content)
             "the file on disk has the fee heading")
      (check (string-match-p "\n𠀀××是" content) "the astral line is intact on disk")
      (check (< (string-match-p (regexp-quote fee-heading) content)
                (string-match-p "五、" content))
             "the fee section comes before the renumbered 五、"))
    (check (wait-until (lambda ()
                         (and eglot--diagnostics
                              (not (seq-some (lambda (m) (string-match-p "收费及减免" m))
                                             (diagnostic-texts)))))
                       20)
           "after the edit the fee finding is gone")
    (ignore-errors (eglot-shutdown (eglot-current-server)))))

(condition-case err
    (progn (main) (log! "PASS") (kill-emacs 0))
  (error (log! "FAIL: %S" err) (kill-emacs 1)))
