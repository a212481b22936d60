"""The NHS number checker (controller questions 16 and 17): a Data Controller's member checks a
CSV of NHS numbers for format and the Modulus 11 check digit before sending data to NIR. The file
is checked and scanned as it streams and never kept (ADR 0021)."""
