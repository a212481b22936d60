"""Signing in with an email address and password (Django's ModelBackend), with the signed-in
user read on each request together with their membership and organisation: one query where
there were two or three, on every page (issue 12)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import User


class UserWithMembershipBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("membership__organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
