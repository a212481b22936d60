"""The certificate register: the mTLS client certificates a supplier's product uses with NIR.

A domain app below the workflow (it never imports it). The API:

- `certificates.upload`: `@certificate_upload_view` on the view that takes the file, then
  evidence's `receive_file(request, FILE_FIELD)`: the evidence pipeline's streaming quarantine,
  capped at CERTIFICATE_MAX_BYTES (1MB).
- `certificates.services.certificate_store(*, organisation, received, actor, product_name)`:
  refuses a private key before anything else, scans, parses and stores only the public
  certificate's DER bytes; audited. Raises `evidence.refusals.EvidenceRefused`.
- `certificates.parsing.certificate_parse(data, *, now)`: bytes to a judged `ParsedCertificate`.
- `certificates.selectors`: the organisation's certificates, one certificate (404 unless
  allowed), every certificate for NHS England staff, and each one's status.

README "Certificate register" and docs/adr/0015.
"""
