"""The roles the authorisation matrix signs in as, and the sets of them its tables allow."""

ROLES = ("anonymous", "member_a", "member_b", "reviewer", "administrator")
APPLICANT = {"member_a"}
STAFF = {"reviewer", "administrator"}
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMINISTRATOR = {"administrator"}
# A page of the asker's own organisation, which each member (both lead it) is served.
MEMBERS = {"member_a", "member_b"}
