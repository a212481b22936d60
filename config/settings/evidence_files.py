"""Evidence files: where they are stored, the limits they are checked against, scanning by clamd,
and how much of a request is read into memory."""

from config.env import env, env_bool, env_choice, env_int, env_path
from config.settings.environment import BASE_DIR, IS_PRODUCTION
from config.settings.framework import STORAGES

MEDIA_ROOT = env_path("MEDIA_ROOT", "var/media", base=BASE_DIR)

# Evidence (evidence/, README "Evidence"): uploads stream to a quarantine folder, are checked by
# content and scanned by clamd, and only then go to the "evidence" storage: the local file
# system under MEDIA_ROOT, or S3-compatible object storage (credentials from the environment,
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as boto3 reads them).
EVIDENCE_STORAGE = env_choice("EVIDENCE_STORAGE", "local", ("local", "s3"))
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", "")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", "")
STORAGES["evidence"] = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL or None,
            "region_name": AWS_S3_REGION_NAME or None,
            "default_acl": None,
            "file_overwrite": True,
            "querystring_auth": True,
        },
    }
    if EVIDENCE_STORAGE == "s3"
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # No base_url: evidence is never served as a static file, only through evidence:download.
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
)
# A file is accepted when it is smaller than this: a file of exactly this many bytes is refused.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 250 * 1024 * 1024)
EVIDENCE_QUARANTINE_DIR = env_path("EVIDENCE_QUARANTINE_DIR", "var/quarantine", base=BASE_DIR)
# A zip (DOCX and ODT are zips too) is refused beyond these, without being extracted.
EVIDENCE_ZIP_MAX_ENTRIES = env_int("EVIDENCE_ZIP_MAX_ENTRIES", 1000)
EVIDENCE_ZIP_MAX_UNCOMPRESSED = env_int("EVIDENCE_ZIP_MAX_UNCOMPRESSED", 1024 * 1024 * 1024)
EVIDENCE_ZIP_MAX_RATIO = env_int("EVIDENCE_ZIP_MAX_RATIO", 100)
# A file the scanner could not scan waits in quarantine; it is scanned again after this many
# seconds, then twice as long each time, and refused after EVIDENCE_SCAN_MAX_ATTEMPTS attempts.
EVIDENCE_SCAN_RETRY_SECONDS = env_int("EVIDENCE_SCAN_RETRY_SECONDS", 60)
EVIDENCE_SCAN_MAX_ATTEMPTS = env_int("EVIDENCE_SCAN_MAX_ATTEMPTS", 10)
# ClamAV's clamd: unix:///run/clamav/clamd.ctl or tcp://127.0.0.1:3310. Empty: files are not
# scanned (development only; production refuses to start without it).
CLAMD_ADDRESS = env("CLAMD_ADDRESS", "")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 60)
# Whether a file never scanned (stored while no scanner was configured) counts as uploaded, for
# the pages and for the gates that wait for a file (stage 3 waits for question 15's): on in
# development and test, off in production, which refuses to start with it on (ADR 0030).
EVIDENCE_UNSCANNED_COUNTS = env_bool("EVIDENCE_UNSCANNED_COUNTS", default=not IS_PRODUCTION)
# Non-file form fields are read into memory up to this; files never are (evidence/upload.py
# streams them to the quarantine folder, and pages that take no file discard any file sent).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_HANDLERS = ["core.uploads.DiscardFileUploadHandler"]
