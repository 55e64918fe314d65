"""The directory: Mailhive's source of truth.

Owns post offices, domains, mailboxes, the address map, groups, lists, redirections,
autoresponders, delivery events, DKIM selectors, host headers and the settings registry, and the
services that change them on behalf of an acting principal. It runs no network server and imports
nothing else of Mailhive's: every interface (SMTP, IMAP, POP3, webmail, the API, the CLI) calls in.
"""
