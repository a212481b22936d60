"""Settings. Every setting comes from the environment; `.env.example` lists them all.

Defaults are safe for development: SQLite, local file storage and email to the console. An empty
variable means its default. Production sets DJANGO_ENV=production, which refuses the development
defaults it must not use. A value that is wrong stops start-up with a message naming the variable:
here where the settings need the value to build others, otherwise in `core/checks.py`.

One module a concern, read in this order: each takes what it builds on from the modules before
it, and `environment` comes first so that production refuses to start before anything else is
read. `config/env.py` reads the variables.
"""

# isort: off
# In this order, not sorted: see above.
from config.settings.environment import *  # noqa: F403
from config.settings.framework import *  # noqa: F403
from config.settings.database import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.sign_in import *  # noqa: F403
from config.settings.evidence_files import *  # noqa: F403
from config.settings.email_notify import *  # noqa: F403
from config.settings.service import *  # noqa: F403
from config.settings.observability import *  # noqa: F403
# isort: on
