"""Settings of the foundation: the server's identity, the directory, passwords, authentication
and the message store. Later areas (SMTP, IMAP, POP3, webmail ...) add a ``catalog_<area>.py``."""
from __future__ import annotations

from provisioning.models import SettingScope
from provisioning.settings.registry import SettingType, define

SERVER = (SettingScope.SERVER,)
SERVER_PO = (SettingScope.SERVER, SettingScope.POSTOFFICE)
ALL = (SettingScope.SERVER, SettingScope.POSTOFFICE, SettingScope.MAILBOX)

# --- server -----------------------------------------------------------------------------------
define("server.hostname", SettingType.STR, "localhost",
       "The server's own host name: the SMTP greeting, Received headers and the certificate.",
       max_length=253)
define("server.default_postoffice", SettingType.STR, "",
       "Post office used for logins that give a bare mailbox name (no @ and no address).",
       max_length=255)

# --- directory --------------------------------------------------------------------------------
define("directory.create_address_per_domain", SettingType.BOOL, True,
       "When a domain is added, create mailbox@domain for every existing mailbox of the post office;"
       " when a mailbox is created, give it an address on every domain.", scopes=SERVER_PO)
define("directory.default_quota_kb", SettingType.INT, 0,
       "Quota given to new mailboxes, in KB (0 = unlimited).", scopes=SERVER_PO, minimum=0)
define("directory.max_mailboxes", SettingType.INT, 0,
       "Most mailboxes a post office may have (0 = no limit).", scopes=SERVER_PO, minimum=0)

# --- passwords --------------------------------------------------------------------------------
define("password.min_length", SettingType.INT, 8,
       "Shortest password accepted for a mailbox.", scopes=SERVER_PO, minimum=1, maximum=128)
define("password.require_digit", SettingType.BOOL, False,
       "Passwords must contain a digit.", scopes=SERVER_PO)
define("password.require_upper", SettingType.BOOL, False,
       "Passwords must contain an upper-case letter.", scopes=SERVER_PO)
define("password.require_symbol", SettingType.BOOL, False,
       "Passwords must contain a character that is neither a letter nor a digit.", scopes=SERVER_PO)

# --- authentication ---------------------------------------------------------------------------
define("auth.alternate_at_chars", SettingType.STR, "#$%",
       "Characters accepted in place of @ in login names (mailbox#postoffice); empty to accept only @.",
       max_length=8, aliases=("pop3.alternate_at_chars", "imap.alternate_at_chars"))
define("auth.legacy_mechanisms", SettingType.BOOL, False,
       "Keep an encrypted password-equivalent for CRAM-MD5 and APOP. Off: those mechanisms are"
       " unavailable and no such secret is kept.", aliases=("auth.cram_md5",))
define("auth.slowdown_after_failures", SettingType.INT, 3,
       "Failed logins (per client IP or per user) after which each further attempt is delayed.",
       minimum=1, maximum=1000)
define("auth.slowdown_seconds", SettingType.INT, 2,
       "Delay, in seconds, added to each attempt after the slow-down threshold.", minimum=0, maximum=60)
define("auth.lockout_failures", SettingType.INT, 10,
       "Failed logins (per client IP or per user) within the window that lock logins out (0 = never).",
       minimum=0, maximum=100000)
define("auth.lockout_window_minutes", SettingType.INT, 15,
       "Window in which failed logins are counted.", minimum=1, maximum=1440)
define("auth.lockout_minutes", SettingType.INT, 15,
       "How long a lock-out lasts.", minimum=1, maximum=10080)

# --- message store ----------------------------------------------------------------------------
define("store.quota_scope", SettingType.CHOICE, "all",
       "What counts against a mailbox quota: every folder, or the inbox only.",
       choices=("all", "inbox"))
define("store.blob_backend", SettingType.CHOICE, "filesystem",
       "Where message bodies are kept: files in the data directory, or the database (for clusters"
       " without a shared filesystem). Applies to new messages; existing bodies stay readable.",
       choices=("filesystem", "database"))
define("store.welcome_enabled", SettingType.BOOL, True,
       "Put a welcome message in each new mailbox.", scopes=SERVER_PO)
define("store.welcome_subject", SettingType.STR, "Welcome to your new mailbox",
       "Subject of the welcome message.", scopes=SERVER_PO, max_length=998)
define("store.welcome_body", SettingType.STR,
       "Hello %NAME%,\n\nyour mailbox %ADDRESS% is ready. You can read it in webmail or in any"
       " IMAP, POP3 or ActiveSync client.\n",
       "Plain-text body of the welcome message (%NAME% and %ADDRESS% are replaced).",
       scopes=SERVER_PO, max_length=65536)
