"""Webmail services: mail views, compose and send, contacts, calendar, tasks, signatures and user
settings, over the message store and the directory; and the single-page app's static files."""
