"""The key personnel an application records (PRODUCT.md, "People"): the roles, in words."""

from __future__ import annotations

from enum import StrEnum


class PersonRole(StrEnum):
    CSO = "cso"
    IG_LEAD = "ig_lead"
    SIRO = "siro"
    CALDICOTT_GUARDIAN = "caldicott_guardian"
    MEDICAL_DIRECTOR = "medical_director"
    SOCIAL_CARE_PROFESSIONAL = "social_care_professional"
    INCIDENT_LEAD = "incident_lead"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[PersonRole, str] = {
    PersonRole.CSO: "Clinical Safety Officer",
    PersonRole.IG_LEAD: "IG Lead",
    PersonRole.SIRO: "Senior Information Risk Owner (SIRO)",
    PersonRole.CALDICOTT_GUARDIAN: "Caldicott Guardian",
    PersonRole.MEDICAL_DIRECTOR: "Medical Director",
    PersonRole.SOCIAL_CARE_PROFESSIONAL: "Social Care Professional registered by the HCPC",
    PersonRole.INCIDENT_LEAD: "Incident management lead",
}

# Roles recorded with their professional body and registration number.
REGISTERED_ROLES = frozenset({PersonRole.CSO, PersonRole.SOCIAL_CARE_PROFESSIONAL})
