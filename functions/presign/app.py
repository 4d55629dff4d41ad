"""GET /image?bucket=&key= (API Gateway proxy): a presigned GET URL, valid five minutes,
for an image in an allowed bucket."""

from __future__ import annotations

from typing import Any

from phimask.aws.handlers import Event, api_handler
from phimask.aws.payloads import check_fields
from phimask.aws.s3 import S3Store, check_bucket, check_key
from phimask.aws.settings import settings

EXPIRES = 300


@api_handler
def lambda_handler(event: Event) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    check_fields(query, frozenset({"bucket", "key"}), ["bucket", "key"], "query string")
    bucket = check_bucket(query["bucket"], settings().allowed_buckets, "bucket")
    key = check_key(query["key"], "key")
    return {"url": S3Store().presign(bucket, key, EXPIRES), "expiresIn": EXPIRES}
