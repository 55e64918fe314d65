"""Directory services: every change to post offices, domains, mailboxes, the address map,
groups, lists, mailbox options, DKIM selectors and host headers, and users import/export.

Each public function is ``fn(ctx, actor, ...)``: it checks the acting principal, validates every
input before writing, and runs in one transaction, so a refused call changes nothing. Objects of
another tenant are reported as not found. Internals that take a session (``_create_mailbox``) let
batch operations such as an import run many changes in one transaction.
"""
