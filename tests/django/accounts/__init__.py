"""A custom user model (UUID primary key), the test project's ``AUTH_USER_MODEL``."""
