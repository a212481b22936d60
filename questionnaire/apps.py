from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "questionnaire"

    def ready(self) -> None:
        # Load and validate every definition now: a broken definition stops start-up with a
        # message naming where the problem is, rather than failing on some applicant's page.
        from .definitions import load_all

        load_all()
