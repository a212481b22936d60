"""The Stage 2 questionnaire engine.

Plain Python with no Django import: the definition schema, typed conditions and rules, the
journey walk, answer parsing and DSPT currency. The Django apps call into it; it never calls out.
"""
