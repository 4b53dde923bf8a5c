from tests.core.accounts.support import fast_passwords  # noqa: F401  (autouse fixture)
from tests.core.admin.conftest import admin_app, browsers  # noqa: F401  (fixtures)
