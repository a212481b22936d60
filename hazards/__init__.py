"""The hazard log builder (DCB0129 / DCB0160; supplier question 9, controller question 10): an
application's hazards with their initial and residual risk from the 5x5 matrix, imported and
exported as CSV (and XLSX), approved by the application's Clinical Safety Officer."""
