"""The Stage 2 state machine: which states follow which, the one way Stage 2 changes
state, and the holds that pause it."""
