"""XMPP chat: stream framing, stanzas, sessions, roster, multi-user chat, file upload and the
WebSocket endpoint for the browser client. Authenticates through the directory."""
