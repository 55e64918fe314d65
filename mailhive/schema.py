"""Every table of Mailhive on one metadata: importing this registers the directory's and the
store's models on ``provisioning.db.Base``, for migrations, ``init`` and tests."""
from __future__ import annotations

import mailnodes.auth.models  # noqa: F401
import mailnodes.store.models  # noqa: F401
import provisioning.models  # noqa: F401
from provisioning.db import Base

metadata = Base.metadata
