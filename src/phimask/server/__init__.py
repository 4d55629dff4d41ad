"""The local API server: the routes of the SAM application on one machine.

``app`` (Starlette, run by uvicorn: ``runner``) authenticates AWS Signature V4 requests
(``auth``) against a local credentials file (``credentials``), authorizes them with the
route table of ``phimask.routes`` and runs the same core as the Lambda handlers
(``handlers``), with a local directory as S3 (``store``) and the SQLite vault.
"""
