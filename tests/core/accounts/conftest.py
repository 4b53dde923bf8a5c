from tests.core.accounts.support import fast_passwords  # noqa: F401  (autouse fixture)
