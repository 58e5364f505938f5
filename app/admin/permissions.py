"""Administration is for administrators only."""

from app.accounts.models import Role

ADMIN_ROLE = Role.ADMIN
