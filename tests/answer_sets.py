"""Form submissions that complete each role's questions with nothing blocking or pausing.

Each entry is (question id, POST data for its page), in route order. A file question's data is
None: the applicant goes on without uploading (its page's "Continue"); uploads have tests of their
own."""

SUPPLIER = [
    ("role", {"answer": "supplier", "product_name": "PACS One", "product_version": "4.2.1"}),
    ("s_isms", {"answer": "yes"}),
    ("s_dspt_status", {"answer": "standards_met"}),
    ("s_dspt_published", {"answer-day": "15", "answer-month": "9", "answer-year": "2026"}),
    ("s_uk_processing", {"answer": "yes_excludes_special"}),
    ("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567"}),
    ("s_medical_device", {"answer": "yes", "device_class": "class_iia"}),
    ("s_dcb0129", {"answer": "confirmed"}),
    ("s_hazard_log", {"answer": "yes"}),
    ("s_training", {"answer": "confirmed"}),
    ("s_pki", {"answer": "confirmed"}),
]

CONTROLLER = [
    ("role", {"answer": "controller"}),
    ("c_dspt_status", {"answer": "standards_exceeded"}),
    ("c_dspt_published", {"answer-day": "1", "answer-month": "7", "answer-year": "2026"}),
    ("c_data_management", {"answer": "confirmed"}),
    ("c_dpia", {"answer": "confirmed", "signed_off_by": "siro"}),
    ("c_audit_sops", {"answer": "confirmed"}),
    ("c_clinical_approval", {"answer": "confirmed", "approved_by": "medical_director"}),
    ("c_csos", {"answer": "Dr Grace Hopper\nDr Mary Seacole"}),
    ("c_dcb0160", {"answer": "confirmed"}),
    ("c_hazard_log", {"answer": "confirmed"}),
    ("c_incident_management", {"answer": "yes", "description": "P1-P4 with SLAs; we escalate."}),
    ("c_incident_leads", {"answer": "Alan Turing"}),
    ("c_privacy_notice", {"answer": "yes"}),
    ("c_service_sops", {"answer": "confirmed"}),
    ("c_aup", None),
    ("c_data_validation", {"answer": "yes"}),
    ("c_nhs_numbers", {"answer": "confirmed"}),
]


def as_engine_answers(definition, pages, today):
    """Parse page submissions into stored answer values, as the service would store them."""
    from questionnaire.engine.answers import parse_answer

    answers = {}
    for question_id, data in pages:
        question = definition.question(question_id)
        if question.kind == "file":
            continue
        parsed = parse_answer(question, data, today)
        assert parsed.is_valid, (question_id, parsed.errors)
        answers[question_id] = parsed.value
    return answers
