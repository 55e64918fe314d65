"""A mail node: the message store, the queues, the MTA and connectors, and the protocol servers
(SMTP, IMAP, POP3, ActiveSync) that run on it. Imports the directory (``provisioning``), never
Flask or the HTTP edge."""
