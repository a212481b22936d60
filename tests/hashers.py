"""The password hasher of the test suite (tests/conftest.py): Argon2, the algorithm production
uses, at its lowest cost.

Production hashes with Django's Argon2PasswordHasher (config/settings/sign_in.py): about 0.15 s
of one core and 100 MiB for each password made or checked, on purpose. The suite makes and
checks thousands (every person a test signs in), which cost CI minutes and prove nothing more
than one would. The hashes here are still Argon2 ("argon2$argon2id$…") and checked the same
way; test_sign_in.py checks that production's settings keep the full cost."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: Argon2's least, 8 for each lane
    parallelism = 1
